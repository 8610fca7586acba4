"""Meeting decisions: carried out by the reviews services, so the action page's rules hold in a meeting,
and a refused decision writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import (
    AgendaReason,
    Attendance,
    Cadence,
    Decision,
    DecisionKind,
    MeetingStatus,
)
from safeguard.reviews import services as review_services
from safeguard.reviews.models import (
    ActionStatus,
    ClaimedProgress,
    EvidenceDecision,
    EvidenceKind,
    Reprogramming,
)


def _meeting(demo, s) -> SimpleNamespace:
    cycle, _ = services.open_cycle(schedule=s.schedule, opens_on=timezone.localdate())
    meeting = services.schedule_meeting(
        actor=demo.cig_chair, cycle=cycle, held_on=timezone.localdate() + timedelta(days=7)
    )
    return SimpleNamespace(cycle=cycle, meeting=meeting, **vars(s))


def _with_evidence(demo, s, *, by) -> SimpleNamespace:
    evidence = review_services.submit_evidence(
        actor=by, action=s.action, kind=EvidenceKind.NARRATIVE, description="Training records for all staff."
    )
    review_services.complete_action(actor=by, action=s.action)
    m = _meeting(demo, s)
    return SimpleNamespace(
        evidence=evidence, item=m.meeting.items.get(reason=AgendaReason.EVIDENCE), **vars(m)
    )


@pytest.fixture
def evidence_item(demo, cig_schedule) -> SimpleNamespace:
    """The CIG meeting's agenda item for evidence the police lead officer submitted."""
    return _with_evidence(demo, cig_schedule, by=demo.ops_supervisor)


@pytest.fixture
def new_date_item(demo, cig_schedule) -> SimpleNamespace:
    """The CIG meeting's agenda item for a new date the police lead officer asked for in the cycle."""
    s = cig_schedule
    cycle, _ = services.open_cycle(schedule=s.schedule, opens_on=timezone.localdate())
    services.answer_request(
        actor=demo.ops_supervisor,
        request=cycle.requests.get(),
        narrative="Trainer booked for the spring.",
        claimed=ClaimedProgress.ON_TRACK,
        proposed_due_date=s.action.due_date + timedelta(days=60),
        proposed_reason="The trainer is not free until the spring.",
    )
    meeting = services.schedule_meeting(
        actor=demo.cig_chair, cycle=cycle, held_on=timezone.localdate() + timedelta(days=7)
    )
    item = meeting.items.get(reason=AgendaReason.REPROGRAMMING)
    return SimpleNamespace(cycle=cycle, meeting=meeting, item=item, **vars(s))


def _nothing_decided(x: SimpleNamespace) -> None:
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="monitoring.decision_recorded").exists()


def _evidence_untouched(x: SimpleNamespace) -> None:
    x.evidence.refresh_from_db()
    x.action.refresh_from_db()
    assert (x.evidence.decision, x.action.status) == (EvidenceDecision.PENDING, ActionStatus.COMPLETED)
    assert not AuditEvent.objects.filter(action="evidence.accepted").exists()


def test_the_chair_accepts_evidence_in_the_meeting_through_the_reviews_service(demo, evidence_item) -> None:
    x = evidence_item
    decision = services.record_decision(
        actor=demo.cig_chair, item=x.item, kind=DecisionKind.ACCEPT_EVIDENCE, note="Records seen."
    )
    x.evidence.refresh_from_db()
    x.action.refresh_from_db()
    assert (x.evidence.decision, x.evidence.decided_by) == (EvidenceDecision.ACCEPTED, demo.cig_chair)
    assert x.action.status == ActionStatus.EVIDENCE_ACCEPTED
    assert (decision.kind, decision.decided_by, decision.note) == (
        DecisionKind.ACCEPT_EVIDENCE,
        demo.cig_chair,
        "Records seen.",
    )


@pytest.mark.parametrize("persona", ["scr_chair", "lancashire_manager", "ops_supervisor", "auditor"])
def test_someone_not_on_the_cig_cannot_record_its_decisions(demo, evidence_item, persona) -> None:
    with pytest.raises(PermissionDenied, match="Only members of Critical Incident Group"):
        services.record_decision(
            actor=getattr(demo, persona), item=evidence_item.item, kind=DecisionKind.ACCEPT_EVIDENCE
        )
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_the_police_lead_on_the_cig_cannot_accept_police_evidence(demo, evidence_item) -> None:
    with pytest.raises(PermissionDenied, match="outside the owning agency"):
        services.record_decision(
            actor=demo.police_lead, item=evidence_item.item, kind=DecisionKind.ACCEPT_EVIDENCE
        )
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_the_police_lead_on_the_cig_cannot_return_police_evidence(demo, evidence_item) -> None:
    with pytest.raises(PermissionDenied):
        services.record_decision(
            actor=demo.police_lead,
            item=evidence_item.item,
            kind=DecisionKind.RETURN_EVIDENCE,
            note="Not enough.",
        )
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_a_member_who_submitted_the_evidence_cannot_accept_it_in_the_meeting(demo, cig_schedule) -> None:
    # The Liverpool business manager sits on the CIG and may report on the review's plans; having
    # submitted this evidence, they may not judge it.
    x = _with_evidence(demo, cig_schedule, by=demo.liverpool_manager)
    with pytest.raises(PermissionDenied):
        services.record_decision(actor=demo.liverpool_manager, item=x.item, kind=DecisionKind.ACCEPT_EVIDENCE)
    _nothing_decided(x)
    _evidence_untouched(x)


def test_the_police_lead_on_the_cig_cannot_approve_a_new_date_for_a_police_action(
    demo, new_date_item
) -> None:
    x = new_date_item
    due = x.action.due_date
    with pytest.raises(PermissionDenied):
        services.record_decision(actor=demo.police_lead, item=x.item, kind=DecisionKind.APPROVE_REPROGRAMMING)
    x.action.refresh_from_db()
    assert (x.action.due_date, x.action.is_reprogrammed) == (due, False)
    assert not Reprogramming.objects.exists()
    _nothing_decided(x)


def test_the_police_lead_on_the_cig_cannot_refuse_a_new_date_for_a_police_action(demo, new_date_item) -> None:
    with pytest.raises(PermissionDenied):
        services.record_decision(
            actor=demo.police_lead,
            item=new_date_item.item,
            kind=DecisionKind.REFUSE_REPROGRAMMING,
            note="Too late.",
        )
    _nothing_decided(new_date_item)


def test_the_chair_approves_the_new_date_asked_for_in_the_cycle(demo, new_date_item) -> None:
    x = new_date_item
    asked = x.item.request.proposed_due_date
    services.record_decision(actor=demo.cig_chair, item=x.item, kind=DecisionKind.APPROVE_REPROGRAMMING)
    x.action.refresh_from_db()
    assert (x.action.due_date, x.action.is_reprogrammed) == (asked, True)
    assert Reprogramming.objects.get().approved_by == demo.cig_chair


def test_a_decision_on_an_action_that_left_the_cycle_is_refused(demo, evidence_item) -> None:
    # The police plan gets a rhythm of its own after the agenda was built: the CIG's monthly cycle no
    # longer covers it, so its meeting cannot decide on it.
    services.create_schedule(
        actor=demo.liverpool_manager,
        board=evidence_item.liverpool,
        subgroup=evidence_item.cig,
        plan=evidence_item.plan,
        name="Police plan, quarterly",
        cadence=Cadence.QUARTERLY,
        starts_on=date(2027, 1, 4),
    )
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            actor=demo.cig_chair, item=evidence_item.item, kind=DecisionKind.ACCEPT_EVIDENCE
        )
    assert refused.value.messages == ["This action is not part of the meeting's monitoring cycle."]
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_a_decision_not_offered_for_the_item_is_refused(demo, evidence_item) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_decision(actor=demo.cig_chair, item=evidence_item.item, kind=DecisionKind.CLOSE)
    assert refused.value.message_dict == {"kind": ["Choose one of the decisions offered for this item."]}
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_returning_evidence_without_a_reason_is_refused_and_nothing_is_written(demo, evidence_item) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            actor=demo.cig_chair, item=evidence_item.item, kind=DecisionKind.RETURN_EVIDENCE
        )
    assert refused.value.message_dict == {"reason": ["Say why the evidence is being returned."]}
    _nothing_decided(evidence_item)
    _evidence_untouched(evidence_item)


def test_an_escalation_without_what_the_board_is_asked_is_refused(demo, evidence_item) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_decision(actor=demo.cig_chair, item=evidence_item.item, kind=DecisionKind.ESCALATE)
    assert refused.value.message_dict == {"note": ["Say what the board is asked to do."]}
    _nothing_decided(evidence_item)


def test_an_item_already_decided_cannot_be_decided_again(demo, evidence_item) -> None:
    services.record_decision(actor=demo.cig_chair, item=evidence_item.item, kind=DecisionKind.ACCEPT_EVIDENCE)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            actor=demo.liverpool_manager,
            item=evidence_item.item,
            kind=DecisionKind.RETURN_EVIDENCE,
            note="No.",
        )
    assert refused.value.messages == ["This item has already been decided."]
    assert Decision.objects.count() == 1


def test_no_decision_is_recorded_once_the_minutes_are_final(demo, evidence_item) -> None:
    x = evidence_item
    services.record_attendance(
        actor=demo.cig_chair, meeting=x.meeting, attendance={demo.cig_chair.pk: Attendance.PRESENT}
    )
    services.finalise_minutes(actor=demo.cig_chair, meeting=x.meeting, minutes="Quorate.")
    with pytest.raises(ValidationError) as refused:
        services.record_decision(actor=demo.cig_chair, item=x.item, kind=DecisionKind.ACCEPT_EVIDENCE)
    assert refused.value.messages == [
        "The minutes of this meeting are final; no more decisions can be recorded."
    ]
    _nothing_decided(x)
    _evidence_untouched(x)


def test_only_the_chair_or_the_boards_managers_plan_the_meeting(demo, cig_schedule) -> None:
    cycle, _ = services.open_cycle(schedule=cig_schedule.schedule, opens_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(actor=demo.police_lead, cycle=cycle, held_on=timezone.localdate())
    assert not cycle.meetings.exists()


def test_a_meeting_before_its_cycle_opened_is_refused(demo, cig_schedule) -> None:
    cycle, _ = services.open_cycle(schedule=cig_schedule.schedule, opens_on=date(2026, 11, 2))
    with pytest.raises(ValidationError) as refused:
        services.schedule_meeting(actor=demo.cig_chair, cycle=cycle, held_on=date(2026, 10, 30))
    assert refused.value.message_dict == {
        "held_on": ["The meeting must be on or after the cycle opened, 2 November 2026."]
    }
    assert not cycle.meetings.exists()


def test_attendance_is_recorded_only_for_members_of_the_subgroup(demo, evidence_item) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_attendance(
            actor=demo.cig_chair,
            meeting=evidence_item.meeting,
            attendance={demo.scr_chair.pk: Attendance.PRESENT},
        )
    assert refused.value.message_dict == {
        "attendance": ["Attendance can only be recorded for members of the subgroup."]
    }
    assert not evidence_item.meeting.attendance.exists()


def test_minutes_cannot_be_final_before_attendance_is_recorded(demo, evidence_item) -> None:
    with pytest.raises(ValidationError) as refused:
        services.finalise_minutes(actor=demo.cig_chair, meeting=evidence_item.meeting, minutes="Notes.")
    assert refused.value.message_dict == {
        "attendance": ["Record who attended before finalising the minutes."]
    }
    evidence_item.meeting.refresh_from_db()
    assert (evidence_item.meeting.status, evidence_item.meeting.minutes) == (MeetingStatus.PLANNED, "")
