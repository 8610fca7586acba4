"""The access log: who viewed which record, through which page or API operation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone
from rest_framework.request import Request

from safeguard.core.access import (
    AccessLogError,
    log_access,
    log_accesses,
    log_api_view,
    log_page_view,
    viewers_of,
)
from safeguard.core.models import AccessEvent, AccessVia
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def record(db):
    # Any saved model stands in for a child's record.
    return AgencyFactory()


def _request(path: str, user, method: str = "get"):
    request = getattr(RequestFactory(), method)(path)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def _viewed(record, user, *, minutes_ago: int) -> AccessEvent:
    return AccessEvent.objects.create(
        at=timezone.now() - timedelta(minutes=minutes_ago),
        user=user,
        target_type=ContentType.objects.get_for_model(record),
        target_id=str(record.pk),
        via=AccessVia.PAGE,
        route="test:view",
    )


def test_log_access_records_user_target_channel_and_route(record, practitioner) -> None:
    event = log_access(user=practitioner, target=record, via=AccessVia.API, route="GET /api/v1/x/")
    event.refresh_from_db()
    assert event.user == practitioner
    assert event.target_type == ContentType.objects.get_for_model(record)
    assert event.target_id == str(record.pk)
    assert (event.via, event.route, event.break_glass_reason) == ("api", "GET /api/v1/x/", "")


def test_log_access_records_a_break_glass_reason(record, practitioner) -> None:
    event = log_access(
        user=practitioner,
        target=record,
        via=AccessVia.PAGE,
        route="casework:child_detail",
        break_glass_reason="Out-of-hours strategy discussion",
    )
    assert event.break_glass_reason == "Out-of-hours strategy discussion"


def test_log_access_refuses_an_anonymous_user(record) -> None:
    with pytest.raises(AccessLogError):
        log_access(user=AnonymousUser(), target=record, via=AccessVia.PAGE, route="x:y")
    assert not AccessEvent.objects.exists()


def test_log_access_refuses_an_unsaved_target(db, practitioner) -> None:
    with pytest.raises(AccessLogError):
        log_access(user=practitioner, target=AgencyFactory.build(), via=AccessVia.PAGE, route="x:y")
    assert not AccessEvent.objects.exists()


def test_log_access_refuses_an_unknown_channel(record, practitioner) -> None:
    with pytest.raises(AccessLogError, match="Unknown access channel"):
        log_access(user=practitioner, target=record, via="email", route="x:y")
    assert not AccessEvent.objects.exists()


def test_log_access_refuses_a_blank_route(record, practitioner) -> None:
    with pytest.raises(AccessLogError):
        log_access(user=practitioner, target=record, via=AccessVia.PAGE, route="  ")
    assert not AccessEvent.objects.exists()


def test_log_page_view_names_the_route_by_its_url_name(record, practitioner) -> None:
    event = log_page_view(_request("/my-work/", practitioner), record)
    assert (event.via, event.route) == ("page", "core:my_work")


def test_log_api_view_names_the_route_by_method_and_pattern(record, practitioner) -> None:
    event = log_api_view(_request("/api/v1/me/", practitioner), record)
    assert (event.via, event.route) == ("api", "GET /api/v1/me/")


def test_log_api_view_accepts_a_rest_framework_request(record, practitioner) -> None:
    request = Request(_request("/api/v1/me/", practitioner, method="head"))
    request.user = practitioner
    event = log_api_view(request, record)
    assert event.route == "HEAD /api/v1/me/"


def test_viewers_of_lists_the_newest_access_first(record, practitioner) -> None:
    other = UserFactory()
    older = _viewed(record, practitioner, minutes_ago=30)
    newer = _viewed(record, other, minutes_ago=5)
    assert viewers_of(record) == [newer, older]


def test_viewers_of_lists_only_that_record(record, practitioner) -> None:
    mine = _viewed(record, practitioner, minutes_ago=1)
    _viewed(AgencyFactory(), practitioner, minutes_ago=1)
    assert viewers_of(record) == [mine]


def test_viewers_of_stops_at_the_limit_with_the_newest(record, practitioner) -> None:
    events = [_viewed(record, practitioner, minutes_ago=minutes) for minutes in range(5)]
    assert viewers_of(record, limit=3) == events[:3]


@pytest.mark.parametrize("viewers", [1, 6])
def test_viewers_of_takes_one_query_however_many_viewers(record, django_assert_num_queries, viewers) -> None:
    for minutes in range(viewers):
        _viewed(record, UserFactory(), minutes_ago=minutes)
    ContentType.objects.get_for_model(record)  # the content type cache is warm in a running server
    with django_assert_num_queries(1):
        names = [event.user.email for event in viewers_of(record)]
    assert len(names) == viewers


def test_admin_lists_access_events_read_only(client, admin_user, record, practitioner) -> None:
    event = _viewed(record, practitioner, minutes_ago=1)
    client.force_login(admin_user)
    assert client.get("/admin/core/accessevent/").status_code == 200
    assert client.get("/admin/core/accessevent/add/").status_code == 403
    assert client.post(f"/admin/core/accessevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_log_accesses_records_one_row_per_record_in_one_go(
    practitioner, django_assert_max_num_queries
) -> None:
    agencies = AgencyFactory.create_batch(3)
    with django_assert_max_num_queries(2):  # the content type (cached after) and one INSERT
        written = log_accesses(
            user=practitioner,
            model=type(agencies[0]),
            pks=[a.pk for a in agencies],
            via="export",
            route="x:y",
        )
    assert written == 3
    rows = AccessEvent.objects.filter(user=practitioner, via="export", route="x:y")
    assert sorted(rows.values_list("target_id", flat=True)) == sorted(str(a.pk) for a in agencies)


def test_log_accesses_refuses_an_anonymous_user_and_writes_nothing(db) -> None:
    with pytest.raises(AccessLogError, match="signed-in"):
        log_accesses(user=AnonymousUser(), model=AccessEvent, pks=[1], via="export", route="x:y")
    assert not AccessEvent.objects.exists()
