"""The casework API: the pages' rules, strict input, the access log, and constant queries per list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import Child, ChronologyEntry, EntryCategory, MashRag
from safeguard.core.models import AccessEvent
from tests.reviews.api_helpers import Api


@pytest.fixture
def child(demo) -> Child:
    return services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Kai",
        family_name="Apibrennan",
        date_of_birth=timezone.localdate() - timedelta(days=500),
        agency=demo.agencies.liverpool_community_health,
        service="Health visiting",
    )


def _entry_body(**overrides):
    body = {
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "category": "home_visit",
        "summary": "Home visit",
    }
    body.update(overrides)
    return body


def test_the_children_list_holds_only_the_children_the_caller_sees(demo, child) -> None:
    assert Api(demo.health_visitor).ids("/children/") == [child.pk]
    assert Api(demo.mash_officer).ids("/children/") == [child.pk]  # the Liverpool hub sees the area
    assert Api(demo.nursery_dsl).ids("/children/") == []
    assert Api(demo.auditor).ids("/children/") == []


def test_the_children_list_searches_by_name(demo, child) -> None:
    assert Api(demo.health_visitor).ids("/children/", {"q": "apibren"}) == [child.pk]
    assert Api(demo.health_visitor).ids("/children/", {"q": "nobody"}) == []


def test_reading_a_child_is_logged_with_the_operation(demo, child) -> None:
    response = Api(demo.health_visitor).get(f"/children/{child.pk}/")
    assert response.status_code == 200
    assert response.json()["involvements"][0]["service"] == "Health visiting"
    event = AccessEvent.objects.get(target_id=str(child.pk), user=demo.health_visitor)
    assert event.via == "api" and event.route == "GET /api/v1/children/<int:id>/"


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor", "lancashire_manager"])
def test_a_child_not_yours_looks_missing(demo, child, persona) -> None:
    api = Api(getattr(demo, persona))
    refused, missing = api.get(f"/children/{child.pk}/"), api.get("/children/999999/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert "Apibrennan" not in refused.content.decode()
    assert not AccessEvent.objects.filter(target_id=str(child.pk)).exists()


def test_an_entry_is_added_through_the_api(demo, child) -> None:
    response = Api(demo.health_visitor).post(
        f"/children/{child.pk}/chronology/", _entry_body(significant=True)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency"] == demo.agencies.liverpool_community_health.pk
    assert body["significant"] is True and body["is_late"] is False
    assert ChronologyEntry.objects.filter(child=child).count() == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("occurred_at", {"occurred_at": "2026-01-01T10:00:00"}),  # no offset: refused, not guessed
        ("occurred_at", {"occurred_at": "1066-10-14T10:00:00+00:00"}),
        ("occurred_at", {"occurred_at": 20260101}),
        ("occurred_at", {"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}),
        ("category", {"category": "gossip"}),
        ("summary", {"summary": ""}),
        ("summary", {"summary": 5}),
        ("significant", {"significant": "yes"}),
        ("late_reason", {"occurred_at": (timezone.now() - timedelta(days=3)).isoformat()}),
        ("agency", {"agency": 1}),  # an agency the caller does not act for
        ("colour", {"colour": "red"}),  # unknown fields are refused
    ],
)
def test_a_bad_entry_is_refused_with_the_field_named_and_nothing_written(
    demo, child, field, overrides
) -> None:
    response = Api(demo.health_visitor).post(f"/children/{child.pk}/chronology/", _entry_body(**overrides))
    assert response.status_code == 400, response.content
    assert field in str(response.json()), response.json()
    assert not ChronologyEntry.objects.filter(child=child).exists()


def test_an_entry_cannot_be_added_to_a_child_not_yours(demo, child) -> None:
    response = Api(demo.nursery_dsl).post(f"/children/{child.pk}/chronology/", _entry_body())
    assert response.status_code == 404
    assert not ChronologyEntry.objects.filter(child=child).exists()


def test_the_chronology_costs_the_same_queries_for_1_and_30_entries(demo, child) -> None:
    api = Api(demo.health_visitor)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/children/{child.pk}/chronology/").status_code == 200
        return len(captured)

    services.add_chronology_entry(
        actor=demo.health_visitor,
        child=child,
        occurred_at=timezone.now() - timedelta(hours=1),
        category=EntryCategory.HEALTH,
        summary="Clinic",
    )
    count()  # warm: the first request also caches content types and touches the token
    one = count()
    for n in range(29):
        services.add_chronology_entry(
            actor=demo.health_visitor,
            child=child,
            occurred_at=timezone.now() - timedelta(hours=2 + n),
            category=EntryCategory.HEALTH,
            summary=f"Clinic {n}",
            late_reason="Backfill",
        )
    assert count() == one


def test_the_mash_reads_its_open_contacts_and_the_referrer_its_own(demo, child) -> None:
    contact = services.record_contact(
        actor=demo.health_visitor,
        child=child,
        referrer_name="Health visitor",
        referrer_agency=demo.agencies.liverpool_community_health,
        concern="Worry",
    )
    assert Api(demo.mash_officer).ids("/contacts/") == [contact.pk]
    assert Api(demo.health_visitor).ids("/contacts/") == [contact.pk]
    assert Api(demo.police_officer).ids("/contacts/") == []
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.GREEN, rationale="Low")
    assert Api(demo.mash_officer).ids("/contacts/", {"status": "received"}) == []
    assert Api(demo.mash_officer).ids("/contacts/", {"status": "rated"}) == [contact.pk]
    assert Api(demo.mash_officer).get("/contacts/", {"status": "urgent"}).status_code == 400
    assert Api(demo.police_officer).get(f"/contacts/{contact.pk}/").status_code == 404
