"""The monitoring API: update requests, read by their owners and the board, answered through the service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safeguard.core.models import AccessEvent
from safeguard.monitoring.models import RequestStatus
from safeguard.reviews.models import ProgressUpdate
from tests.monitoring.test_api_world import (
    Api,
    audit_count,
    closed_snapshot,
    open_month,
    today,
)


@pytest.fixture
def month(cig_schedule):
    return open_month(cig_schedule)


def _answer(**changes):
    return {"narrative": "Training booked for all shifts", "claimed": "on_track", **changes}


def test_the_owner_sees_the_request_addressed_to_them(demo, month) -> None:
    api = Api(demo.ops_supervisor)
    assert api.ids("/update-requests/") == [month.request.pk]
    body = api.get(f"/update-requests/{month.request.pk}/").json()
    assert body["owner"] == demo.ops_supervisor.pk
    assert body["status"] == "requested"
    assert body["action"] == month.action.pk
    assert body["action_reference"] == month.action.reference
    assert body["cycle_status"] == "open"
    assert AccessEvent.objects.filter(
        user=demo.ops_supervisor, route="GET /api/v1/update-requests/<int:id>/"
    ).exists()


def test_mine_is_what_the_caller_must_answer(demo, month) -> None:
    # The police lead answers for the owning agency; the business manager sees the request but owes nothing.
    assert Api(demo.police_lead).ids("/update-requests/", {"mine": "true"}) == [month.request.pk]
    manager = Api(demo.liverpool_manager)
    assert manager.ids("/update-requests/") == [month.request.pk]
    assert manager.ids("/update-requests/", {"mine": "true"}) == []
    assert manager.ids("/update-requests/", {"mine": "false"}) == [month.request.pk]


def test_requests_filter_by_cycle_and_status(demo, month) -> None:
    api = Api(demo.liverpool_manager)
    assert api.ids("/update-requests/", {"cycle": month.cycle.pk, "status": "requested"}) == [
        month.request.pk
    ]
    assert api.ids("/update-requests/", {"status": "answered"}) == []
    assert api.get("/update-requests/", {"mine": "perhaps"}).json()["errors"] == {
        "mine": ["Must be a valid boolean."]
    }


def test_another_boards_manager_cannot_find_a_request(demo, month) -> None:
    api = Api(demo.lancashire_manager)
    assert api.ids("/update-requests/") == []
    hidden = api.get(f"/update-requests/{month.request.pk}/")
    missing = api.get("/update-requests/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert api.post(f"/update-requests/{month.request.pk}/answer/", _answer()).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_the_owner_answers_and_asks_for_a_new_date(demo, month) -> None:
    new_date = today() + timedelta(days=200)
    response = Api(demo.ops_supervisor).post(
        f"/update-requests/{month.request.pk}/answer/",
        _answer(proposed_due_date=new_date.isoformat(), proposed_reason="Trainer availability"),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered"
    assert body["answer_narrative"] == "Training booked for all shifts"
    assert body["proposed_due_date"] == new_date.isoformat()
    month.action.refresh_from_db()
    assert month.action.status == "in_progress"  # the first update, through the reviews service


def test_the_owning_agencys_lead_may_answer_for_the_officer(demo, month) -> None:
    response = Api(demo.police_lead).post(f"/update-requests/{month.request.pk}/answer/", _answer())
    assert response.status_code == 200
    assert ProgressUpdate.objects.get().author == demo.police_lead


def test_a_reason_without_a_new_date_is_refused_and_nothing_is_written(demo, month) -> None:
    api = Api(demo.ops_supervisor)
    before = audit_count()
    response = api.post(
        f"/update-requests/{month.request.pk}/answer/", _answer(narrative=" ", proposed_reason="Sickness")
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "proposed_due_date": ["Enter the new date you are asking for, or leave the reason empty."],
        "narrative": ["Describe the progress made."],
    }
    month.request.refresh_from_db()
    assert month.request.status == RequestStatus.REQUESTED
    assert not ProgressUpdate.objects.exists()
    assert audit_count() == before


def test_an_answer_is_typed_and_strict(demo, month) -> None:
    response = Api(demo.ops_supervisor).post(
        f"/update-requests/{month.request.pk}/answer/",
        {"narrative": "x", "claimed": "brilliant", "status": "answered", "proposed_due_date": "soon"},
    )
    errors = response.json()["errors"]
    assert errors["status"] == ["Unexpected field."]
    assert "is not a valid choice" in errors["claimed"][0]
    assert "Date has wrong format" in errors["proposed_due_date"][0]
    assert not ProgressUpdate.objects.exists()


def test_a_board_member_who_may_not_report_on_the_action_is_refused(demo, month) -> None:
    # The auditor serves the Liverpool board, so sees the request, but does not report on police actions.
    api = Api(demo.auditor)
    assert api.get(f"/update-requests/{month.request.pk}/").status_code == 200
    response = api.post(f"/update-requests/{month.request.pk}/answer/", _answer())
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()
    month.request.refresh_from_db()
    assert month.request.status == RequestStatus.REQUESTED


def test_a_request_of_a_closed_cycle_cannot_be_answered(demo, month) -> None:
    closed_snapshot(demo, month)
    response = Api(demo.ops_supervisor).post(f"/update-requests/{month.request.pk}/answer/", _answer())
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["This monitoring cycle has closed; post progress on the action page instead."]
    }
    assert not ProgressUpdate.objects.exists()


def test_an_agency_lead_who_serves_no_board_finds_and_answers_the_agencys_requests(demo, month) -> None:
    from safeguard.people.models import Role
    from tests.factories import MembershipFactory

    deputy = MembershipFactory(agency=month.police, role=Role.AGENCY_SAFEGUARDING_LEAD).user
    api = Api(deputy)
    assert api.ids("/update-requests/", {"mine": "true"}) == [month.request.pk]
    assert api.ids("/monitoring-cycles/") == []  # the cycle itself is the board's
    response = api.post(f"/update-requests/{month.request.pk}/answer/", _answer())
    assert response.status_code == 200, response.content
    assert ProgressUpdate.objects.get().author == deputy
