"""The cycle page, closing a cycle (the snapshot) and planning its meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.monitoring.models import CycleStatus, Meeting, MonitoringCycle, Snapshot, UpdateRequest
from safeguard.reviews import services as review_services
from tests.monitoring.test_pages_common import (
    assert_refused_form,
    assert_sign_in,
    body,
    count_queries,
    more_requests,
    stable,
    url,
)
from tests.monitoring.test_pages_fixtures import *  # noqa: F403

ROUTES = ["cycle_detail", "cycle_close", "meeting_create"]
FORM_ROUTES = ["cycle_close", "meeting_create"]


def meeting_data(day, location: str = "Cunard Building") -> dict[str, str]:
    return {
        "held_on-day": str(day.day),
        "held_on-month": str(day.month),
        "held_on-year": str(day.year),
        "location": location,
    }


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_sign_in(client, month, route) -> None:
    assert_sign_in(client.get(url(route, month.cycle.pk)))
    if route in FORM_ROUTES:
        assert_sign_in(client.post(url(route, month.cycle.pk)))


@pytest.mark.parametrize("route", ROUTES)
def test_another_boards_user_gets_the_same_404_as_a_missing_cycle(client_as, demo, month, route) -> None:
    client = client_as(demo.lancashire_manager)
    refused = client.get(url(route, month.cycle.pk))
    missing = client.get(url(route, 2_000_000_000))
    assert refused.status_code == missing.status_code == 404
    assert stable(refused) == stable(missing)
    assert month.action.title not in body(refused)
    if route in FORM_ROUTES:
        posted = client.post(url(route, month.cycle.pk), meeting_data(timezone.localdate()))
        assert posted.status_code == 404
    month.cycle.refresh_from_db()
    assert month.cycle.status == CycleStatus.OPEN
    assert not Meeting.objects.exists()


# --- The cycle page -------------------------------------------------------------------------------


def test_the_cycle_page_lists_each_request_with_its_action_agency_owner_and_status(
    client_as, demo, month
) -> None:
    response = client_as(demo.cig_chair).get(url("cycle_detail", month.cycle.pk))
    page = body(response)
    assert response.status_code == 200
    assert f'href="/actions/{month.action.pk}/"' in page
    assert f"{month.action.reference}: {month.action.title}" in page
    assert "Merseyside Police" in page
    assert "Taylor Brennan" in page
    assert "Waiting for an update" in page
    assert "Not due yet" in page


def test_a_stale_request_is_flagged_in_words(client_as, demo, month) -> None:
    UpdateRequest.objects.filter(pk=month.request.pk).update(is_stale=True)
    page = body(client_as(demo.cig_chair).get(url("cycle_detail", month.cycle.pk)))
    assert "Stale: no update since the last cycle" in page


def test_an_update_posted_on_the_action_page_counts_as_the_answer(client_as, demo, month) -> None:
    review_services.post_update(
        actor=demo.ops_supervisor, action=month.action, narrative="Booked", claimed="on_track"
    )
    page = body(client_as(demo.cig_chair).get(url("cycle_detail", month.cycle.pk)))
    assert "Answered" in page
    assert "On time" in page
    assert f"{timezone.localdate():%-d %B %Y}" in page


def test_a_request_past_its_deadline_is_late_in_words(client_as, demo, month) -> None:
    UpdateRequest.objects.filter(pk=month.request.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    page = body(client_as(demo.cig_chair).get(url("cycle_detail", month.cycle.pk)))
    assert "Overdue: no update" in page
    assert "Late: not answered" in page


def test_the_cycle_page_offers_its_manager_the_close_and_the_chair_the_meeting(
    client_as, demo, month
) -> None:
    manager_page = body(client_as(demo.liverpool_manager).get(url("cycle_detail", month.cycle.pk)))
    assert "Close the cycle and take the snapshot" in manager_page
    member_page = body(client_as(demo.police_lead).get(url("cycle_detail", month.cycle.pk)))
    assert "Close the cycle and take the snapshot" not in member_page
    assert "Plan the meeting" not in member_page


def test_viewing_the_cycle_page_is_logged(client_as, demo, month) -> None:
    client_as(demo.police_lead).get(url("cycle_detail", month.cycle.pk))
    assert AccessEvent.objects.filter(
        user=demo.police_lead, target_id=str(month.cycle.pk), route="monitoring:cycle_detail"
    ).exists()


def test_the_cycle_page_costs_the_same_with_1_and_20_requests(client_as, demo, month) -> None:
    client = client_as(demo.liverpool_manager)
    address = url("cycle_detail", month.cycle.pk)
    client.get(address)
    one = count_queries(client, address)
    more_requests(month.cycle, 19, owner=demo.ops_supervisor, created_by=demo.police_lead)
    assert count_queries(client, address) == one


# --- Closing the cycle ----------------------------------------------------------------------------


def test_closing_asks_for_confirmation_first(client_as, demo, month) -> None:
    page = body(client_as(demo.liverpool_manager).get(url("cycle_close", month.cycle.pk)))
    assert "A closed cycle cannot be reopened" in page
    month.cycle.refresh_from_db()
    assert month.cycle.status == CycleStatus.OPEN


def test_the_manager_closes_the_cycle_and_the_snapshot_is_taken(client_as, demo, month) -> None:
    response = client_as(demo.liverpool_manager).post(url("cycle_close", month.cycle.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("cycle_detail", month.cycle.pk)
    assert "is closed and its snapshot taken: 1 action frozen" in body(response)
    month.cycle.refresh_from_db()
    assert month.cycle.status == CycleStatus.CLOSED
    assert month.cycle.closed_by == demo.liverpool_manager
    assert Snapshot.objects.get(cycle=month.cycle).rows.count() == 1


def test_a_member_who_runs_nothing_cannot_close_the_cycle(client_as, demo, month) -> None:
    client = client_as(demo.police_lead)
    assert client.get(url("cycle_close", month.cycle.pk)).status_code == 403
    response = client.post(url("cycle_close", month.cycle.pk))
    assert response.status_code == 403
    assert "business manager, chair or a subgroup chair" in body(response)
    month.cycle.refresh_from_db()
    assert month.cycle.status == CycleStatus.OPEN
    assert not Snapshot.objects.exists()


def test_a_closed_cycle_cannot_be_closed_again(client_as, demo, month) -> None:
    client = client_as(demo.liverpool_manager)
    client.post(url("cycle_close", month.cycle.pk))
    response = client.post(url("cycle_close", month.cycle.pk))
    assert_refused_form(response, "This cycle is already closed")
    assert Snapshot.objects.count() == 1


# --- Planning the meeting -------------------------------------------------------------------------


def test_the_chair_plans_the_meeting(client_as, demo, month) -> None:
    day = timezone.localdate() + timedelta(days=10)
    response = client_as(demo.cig_chair).post(
        url("meeting_create", month.cycle.pk), meeting_data(day), follow=True
    )
    meeting = Meeting.objects.get()
    assert response.redirect_chain[-1][0] == url("meeting_detail", meeting.pk)
    assert "The meeting is planned with 0 items on its agenda" in body(response)
    assert (meeting.held_on, meeting.location, meeting.subgroup) == (day, "Cunard Building", month.cig)


def test_a_meeting_before_the_cycle_opened_is_refused(client_as, demo, month) -> None:
    day = month.cycle.opens_on - timedelta(days=1)
    response = client_as(demo.cig_chair).post(url("meeting_create", month.cycle.pk), meeting_data(day))
    page = assert_refused_form(response, "The meeting must be on or after the cycle opened")
    assert 'href="#id_held_on"' in page
    assert not Meeting.objects.exists()


def test_a_meeting_date_that_is_not_a_date_is_refused(client_as, demo, month) -> None:
    data = {"held_on-day": "31", "held_on-month": "2", "held_on-year": "2027", "location": ""}
    response = client_as(demo.cig_chair).post(url("meeting_create", month.cycle.pk), data)
    assert_refused_form(response, "The date of the meeting must be a real date")
    assert not Meeting.objects.exists()


def test_a_meeting_needs_a_date(client_as, demo, month) -> None:
    response = client_as(demo.cig_chair).post(url("meeting_create", month.cycle.pk), {})
    assert_refused_form(response, "Enter the date of the meeting")
    assert not Meeting.objects.exists()


def test_a_member_who_does_not_chair_cannot_plan_the_meeting(client_as, demo, month) -> None:
    client = client_as(demo.police_lead)
    assert client.get(url("meeting_create", month.cycle.pk)).status_code == 403
    response = client.post(url("meeting_create", month.cycle.pk), meeting_data(timezone.localdate()))
    assert response.status_code == 403
    assert "Only the chair of the Critical Incident Group" in body(response)
    assert not Meeting.objects.exists()
    assert MonitoringCycle.objects.count() == 1
