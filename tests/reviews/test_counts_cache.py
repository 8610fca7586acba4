"""RAG counts kept between requests: served again only while nothing they depend on has changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.people.models import Membership, Role
from safeguard.reviews import counts, services
from safeguard.reviews.permissions import Viewer
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.conftest import agreed_action
from tests.reviews.test_visibility_property_pages import action_page, register_page


@pytest.fixture
def caching(settings):
    settings.SAFEGUARD_COUNT_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def _queries(client, path: str = "/actions/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_second_look_at_the_list_does_not_count_again(caching, demo, child_n, client_as) -> None:
    agreed_action(demo, child_n)
    client = client_as(demo.lancashire_manager)
    first = _queries(client)
    assert _queries(client) == first - 1  # the audit head is read; the count is not run


def test_an_audited_change_shows_in_the_counts_at_once(caching, demo, child_n, client_as) -> None:
    action = agreed_action(demo, child_n)  # due in 60 days: green
    client = client_as(demo.lancashire_manager)
    _, before, total = action_page(client)
    services.post_update(actor=demo.ops_supervisor, action=action, narrative="Behind", claimed="at_risk")
    _, after, total_after = action_page(client)
    assert after["amber"] == before["amber"] + 1
    assert after["green"] == before["green"] - 1
    assert total_after == total


def test_the_registers_totals_follow_a_change_too(caching, demo, child_n, client_as) -> None:
    action = agreed_action(demo, child_n)
    client = client_as(demo.lancashire_manager)
    _, before = register_page(client)
    services.post_update(actor=demo.ops_supervisor, action=action, narrative="Behind", claimed="at_risk")
    _, after = register_page(client)
    assert after["amber"] == before["amber"] + 1


def test_one_users_counts_are_never_served_to_another(caching, demo, child_n, client_as) -> None:
    agreed_action(demo, child_n)
    _, managers, _ = action_page(client_as(demo.lancashire_manager))
    assert sum(managers.values()) > 0
    _, outsiders, _ = action_page(client_as(UserFactory()))
    assert set(outsiders.values()) == {0}


def test_a_role_ended_without_an_audit_event_still_changes_the_key(caching, demo, child_n, client_as) -> None:
    """Holdings are part of the key, so even a role ended outside the services is seen at once."""
    agreed_action(demo, child_n)
    lead = UserFactory()
    MembershipFactory(user=lead, agency=demo.agencies.merseyside_police, role=Role.AGENCY_SAFEGUARDING_LEAD)
    client = client_as(lead)
    _, before, _ = action_page(client)
    assert sum(before.values()) > 0  # the police plan's actions, as a lead of the owning agency
    Membership.objects.filter(user=lead).update(ended_on=timezone.localdate() - timedelta(days=1))
    _, after, _ = action_page(client)
    assert sum(after.values()) == 0


def test_the_day_and_the_filters_are_part_of_the_key(demo, monkeypatch) -> None:
    viewer = Viewer(demo.lancashire_manager)
    today = counts.count_key(viewer, "actions", None)
    assert counts.count_key(viewer, "actions", {"rag": "red"}) != today
    assert counts.count_key(viewer, "register", None) != today
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(counts.timezone, "localdate", lambda: tomorrow)
    assert counts.count_key(viewer, "actions", None) != today


def test_with_the_cache_off_every_request_counts_afresh(settings, demo) -> None:
    settings.SAFEGUARD_COUNT_CACHE_SECONDS = 0
    calls = []
    viewer = Viewer(demo.lancashire_manager)
    for _ in range(2):
        counts.kept(viewer, "actions", None, lambda: calls.append(1) or len(calls))
    assert len(calls) == 2
