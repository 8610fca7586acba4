"""The monitoring API: meetings, their agenda, attendance, minutes and decisions, each through its service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safeguard.core.models import AccessEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import (
    AgendaItem,
    AgendaReason,
    Decision,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
)
from safeguard.reviews.models import EvidenceDecision
from tests.monitoring.test_api_world import (
    Api,
    answered_with_new_date,
    audit_count,
    meeting_with_reprogramming,
    open_month,
    today,
)
from tests.reviews.api_helpers import completed_with_evidence


@pytest.fixture
def month(cig_schedule):
    return open_month(cig_schedule)


# --- Planning a meeting -------------------------------------------------------------------------


def test_the_chair_plans_a_meeting_and_its_agenda_builds_itself(demo, month) -> None:
    answered_with_new_date(demo, month)
    response = Api(demo.cig_chair).post(
        "/meetings/", {"cycle": month.cycle.pk, "held_on": today().isoformat(), "location": "Room 2"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["location"], body["subgroup"]) == ("planned", "Room 2", month.cig.pk)
    assert [item["reason"] for item in body["items"]] == ["reprogramming"]
    item = body["items"][0]
    assert item["action"] == month.action.pk
    assert item["decisions_offered"] == ["approve_reprogramming", "refuse_reprogramming", "escalate"]
    assert item["decisions"] == []
    assert body["item_count"] == 1
    assert isinstance(body["downloads"], list)


def test_a_meeting_before_the_cycle_opened_is_refused_and_nothing_is_written(demo, month) -> None:
    api = Api(demo.cig_chair)
    before = audit_count()
    response = api.post("/meetings/", {"cycle": month.cycle.pk, "held_on": "2026-10-01"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "held_on": ["The meeting must be on or after the cycle opened, 2 November 2026."]
    }
    assert not Meeting.objects.exists()
    assert audit_count() == before


def test_a_cycle_the_caller_cannot_see_looks_like_a_missing_one(demo, month) -> None:
    api = Api(demo.lancashire_manager)
    hidden = api.post("/meetings/", {"cycle": month.cycle.pk, "held_on": today().isoformat()})
    missing = api.post("/meetings/", {"cycle": 999_999, "held_on": today().isoformat()})
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"]["cycle"] == [f'Invalid pk "{month.cycle.pk}" - object does not exist.']
    assert missing.json()["errors"]["cycle"] == ['Invalid pk "999999" - object does not exist.']
    assert not Meeting.objects.exists()


def test_a_subgroup_member_who_is_not_its_chair_may_not_plan_the_meeting(demo, month) -> None:
    response = Api(demo.police_lead).post(
        "/meetings/", {"cycle": month.cycle.pk, "held_on": today().isoformat()}
    )
    assert response.status_code == 403
    assert "Only the chair of Critical Incident Group" in response.json()["detail"]
    assert not Meeting.objects.exists()


# --- Reading ------------------------------------------------------------------------------------


def test_a_meeting_is_read_with_its_agenda_and_the_read_is_logged(demo, month) -> None:
    meeting, item = meeting_with_reprogramming(demo, month)
    api = Api(demo.auditor)
    assert api.ids("/meetings/") == [meeting.pk]
    assert api.ids("/meetings/", {"cycle": month.cycle.pk, "status": "planned"}) == [meeting.pk]
    assert api.ids("/meetings/", {"status": "held"}) == []
    body = api.get(f"/meetings/{meeting.pk}/").json()
    assert [i["id"] for i in body["items"]] == [item.pk]
    assert AccessEvent.objects.filter(user=demo.auditor, route="GET /api/v1/meetings/<int:id>/").exists()


def test_another_boards_manager_cannot_find_a_meeting(demo, month) -> None:
    meeting, item = meeting_with_reprogramming(demo, month)
    api = Api(demo.lancashire_manager)
    assert api.ids("/meetings/") == []
    for path in (f"/meetings/{meeting.pk}/", "/meetings/999999/"):
        assert api.get(path).json() == {"detail": "Not found.", "code": "not_found"}
    for path in ("refresh-agenda", "attendance", "finalise"):
        assert api.post(f"/meetings/{meeting.pk}/{path}/").status_code == 404, path
    assert api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "escalate"}).status_code == 404


# --- Agenda -------------------------------------------------------------------------------------


def test_refreshing_the_agenda_adds_what_became_due(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    assert not meeting.items.exists()
    answered_with_new_date(demo, month)
    response = Api(demo.liverpool_manager).post(f"/meetings/{meeting.pk}/refresh-agenda/")
    assert response.status_code == 200, response.content
    assert [i["reason"] for i in response.json()["items"]] == ["reprogramming"]


def test_the_agenda_of_a_held_meeting_does_not_change(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    services.finalise_minutes(actor=demo.cig_chair, meeting=meeting)
    answered_with_new_date(demo, month)
    response = Api(demo.cig_chair).post(f"/meetings/{meeting.pk}/refresh-agenda/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["The minutes of this meeting are final; its agenda cannot change."]
    }
    assert not meeting.items.exists()


def test_only_the_chair_or_the_boards_managers_refresh_the_agenda(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    answered_with_new_date(demo, month)
    assert Api(demo.police_lead).post(f"/meetings/{meeting.pk}/refresh-agenda/").status_code == 403
    assert not meeting.items.exists()


# --- Attendance and minutes ---------------------------------------------------------------------


def _attendance(*rows):
    return {"attendance": [{"user": user.pk, "attendance": value} for user, value in rows]}


def test_the_chair_records_attendance(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    response = Api(demo.cig_chair).post(
        f"/meetings/{meeting.pk}/attendance/",
        _attendance((demo.cig_chair, "present"), (demo.police_lead, "apologies")),
    )
    assert response.status_code == 200, response.content
    recorded = {row["user"]: row["attendance"] for row in response.json()["attendance"]}
    assert recorded == {demo.cig_chair.pk: "present", demo.police_lead.pk: "apologies"}


def test_attendance_names_members_once_and_nothing_else(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    api = Api(demo.cig_chair)
    url = f"/meetings/{meeting.pk}/attendance/"
    outsider = api.post(url, _attendance((demo.auditor, "present")))
    assert outsider.json()["errors"] == {
        "attendance": {"0": {"user": [f'Invalid pk "{demo.auditor.pk}" - object does not exist.']}}
    }
    twice = api.post(url, _attendance((demo.cig_chair, "present"), (demo.cig_chair, "absent")))
    assert twice.json()["errors"] == {"attendance": ["Name each member once."]}
    empty = api.post(url, {"attendance": []})
    assert empty.json()["errors"] == {"attendance": {"non_field_errors": ["This list may not be empty."]}}
    bad_value = api.post(url, {"attendance": [{"user": demo.cig_chair.pk, "attendance": "late", "x": 1}]})
    row_errors = bad_value.json()["errors"]["attendance"]["0"]
    assert row_errors["x"] == ["Unexpected field."]
    assert "is not a valid choice" in row_errors["attendance"][0]
    assert not MeetingAttendance.objects.exists()


def test_a_member_who_is_not_the_chair_may_not_record_attendance(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    response = Api(demo.police_lead).post(
        f"/meetings/{meeting.pk}/attendance/", _attendance((demo.police_lead, "present"))
    )
    assert response.status_code == 403
    assert not MeetingAttendance.objects.exists()


def test_minutes_are_finalised_with_the_meetings_version(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    api = Api(demo.cig_chair)
    no_attendance = api.post(f"/meetings/{meeting.pk}/finalise/", {"minutes": "Quorate", "version": 1})
    assert no_attendance.json()["errors"] == {
        "attendance": ["Record who attended before finalising the minutes."]
    }
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    response = api.post(f"/meetings/{meeting.pk}/finalise/", {"minutes": "Quorate", "version": 1})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["minutes"]) == ("held", "Quorate")


def test_minutes_finalised_against_an_old_version_are_a_409(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    Meeting.objects.filter(pk=meeting.pk).update(version=2)  # someone else saved meanwhile
    response = Api(demo.cig_chair).post(
        f"/meetings/{meeting.pk}/finalise/", {"minutes": "Late", "version": 1}
    )
    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes) == (MeetingStatus.PLANNED, "")


def test_finalising_needs_the_version_and_the_right_role(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    assert Api(demo.cig_chair).post(f"/meetings/{meeting.pk}/finalise/", {"minutes": "x"}).json()[
        "errors"
    ] == {"version": ["This field is required."]}
    assert Api(demo.auditor).post(f"/meetings/{meeting.pk}/finalise/", {"version": 1}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


# --- Decisions ----------------------------------------------------------------------------------


def test_the_chair_approves_the_new_date_through_the_action_service(demo, month) -> None:
    meeting, item = meeting_with_reprogramming(demo, month)
    response = Api(demo.cig_chair).post(f"/agenda-items/{item.pk}/decide/", {"kind": "approve_reprogramming"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["item"], body["kind"], body["decided_by"]) == (
        item.pk,
        "approve_reprogramming",
        demo.cig_chair.pk,
    )
    month.action.refresh_from_db()
    assert month.action.due_date == today() + timedelta(days=200)
    decided = Api(demo.cig_chair).get(f"/meetings/{meeting.pk}/").json()["items"][0]["decisions"]
    assert [d["kind"] for d in decided] == ["approve_reprogramming"]


def test_the_owning_agency_may_not_approve_its_own_new_date(demo, month) -> None:
    _, item = meeting_with_reprogramming(demo, month)
    due = month.action.due_date
    response = Api(demo.police_lead).post(
        f"/agenda-items/{item.pk}/decide/", {"kind": "approve_reprogramming"}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()
    month.action.refresh_from_db()
    assert month.action.due_date == due


def test_someone_outside_the_subgroup_may_not_decide(demo, month) -> None:
    _, item = meeting_with_reprogramming(demo, month)
    response = Api(demo.auditor).post(f"/agenda-items/{item.pk}/decide/", {"kind": "escalate", "note": "x"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_decision_that_does_not_fit_the_item_is_refused(demo, month) -> None:
    _, item = meeting_with_reprogramming(demo, month)
    api = Api(demo.cig_chair)
    wrong = api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "accept_evidence"})
    assert wrong.json()["errors"] == {"kind": ["Choose one of the decisions offered for this item."]}
    no_note = api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "refuse_reprogramming"})
    assert no_note.json()["errors"] == {"note": ["Say why the new date is refused."]}
    strict = api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "noted", "decided_by": 1})
    assert strict.json()["errors"]["decided_by"] == ["Unexpected field."]
    assert not Decision.objects.exists()


def test_a_reviews_service_refusal_names_this_operations_field(demo, month) -> None:
    evidence = completed_with_evidence(demo, month.action)
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    item = AgendaItem.objects.get(meeting=meeting, reason=AgendaReason.EVIDENCE)
    response = Api(demo.cig_chair).post(
        f"/agenda-items/{item.pk}/decide/", {"kind": "return_evidence", "note": " "}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["Say why the evidence is being returned."]}
    evidence.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING
    assert not Decision.objects.exists()


def test_an_item_decided_once_is_not_decided_again(demo, month) -> None:
    _, item = meeting_with_reprogramming(demo, month)
    api = Api(demo.cig_chair)
    assert api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "approve_reprogramming"}).status_code == 201
    again = api.post(f"/agenda-items/{item.pk}/decide/", {"kind": "refuse_reprogramming", "note": "No"})
    assert again.json()["errors"] == {"non_field_errors": ["This item has already been decided."]}
    assert Decision.objects.count() == 1
