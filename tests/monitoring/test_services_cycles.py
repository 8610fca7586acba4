"""Opening, answering and closing a cycle: the snapshot freezes each action as it stood that day."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core.calendar import LONDON
from safeguard.core.models import AuditEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import CycleStatus, RequestStatus, Snapshot, SnapshotRow
from safeguard.reviews import selectors as review_selectors
from safeguard.reviews import services as review_services
from safeguard.reviews.models import Action, ClaimedProgress, ProgressUpdate, Rag


def _at(day, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _open_today(s):
    cycle, _ = services.open_cycle(schedule=s.schedule, opens_on=timezone.localdate())
    return cycle


def _answer(demo, cycle, **extra):
    return services.answer_request(
        actor=demo.ops_supervisor,
        request=cycle.requests.get(),
        narrative=extra.pop("narrative", "Half the control room trained."),
        claimed=ClaimedProgress.ON_TRACK,
        **extra,
    )


# --- Opening and answering -------------------------------------------------------------------------


def test_opening_the_same_date_twice_opens_one_cycle(demo, cig_schedule) -> None:
    first, created = services.open_cycle(schedule=cig_schedule.schedule, opens_on=timezone.localdate())
    again, created_again = services.open_cycle(schedule=cig_schedule.schedule, opens_on=timezone.localdate())
    assert (created, created_again, again) == (True, False, first)
    assert first.requests.count() == 1


def test_only_the_boards_managers_open_a_cycle_by_hand(demo, cig_schedule) -> None:
    with pytest.raises(PermissionDenied):
        services.open_cycle(
            schedule=cig_schedule.schedule, opens_on=timezone.localdate(), actor=demo.police_lead
        )
    assert not cig_schedule.schedule.cycles.exists()


def test_the_request_goes_to_the_lead_officer_with_the_cycles_deadline(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    request = cycle.requests.get()
    assert (request.action, request.owner, request.deadline) == (
        cig_schedule.action,
        demo.ops_supervisor,
        cycle.deadline,
    )
    assert request.status == RequestStatus.REQUESTED


@pytest.mark.parametrize(
    "extra, field, message",
    [
        (
            {"proposed_due_date": "today", "proposed_reason": "Late"},
            "proposed_due_date",
            "The new date must be in the future.",
        ),
        (
            {"proposed_due_date": "due", "proposed_reason": "Late"},
            "proposed_due_date",
            "The new date must be after the current due date",
        ),
        (
            {"proposed_due_date": "later", "proposed_reason": " "},
            "proposed_reason",
            "Say why the action needs a new date.",
        ),
        (
            {"proposed_reason": "Late"},
            "proposed_due_date",
            "Enter the new date you are asking for, or leave the reason empty.",
        ),
        (
            {"proposed_due_date": "later", "proposed_reason": "Late", "narrative": ""},
            "narrative",
            "Describe the progress made.",
        ),
    ],
    ids=[
        "date-not-in-the-future",
        "date-not-after-the-due-date",
        "no-reason",
        "reason-without-date",
        "no-narrative",
    ],
)
def test_a_bad_answer_gets_its_message_and_nothing_is_written(
    demo, cig_schedule, extra, field, message
) -> None:
    cycle = _open_today(cig_schedule)
    dates = {
        "today": timezone.localdate(),
        "due": cig_schedule.action.due_date,
        "later": cig_schedule.action.due_date + timedelta(days=30),
    }
    extra = {k: dates.get(v, v) if k == "proposed_due_date" else v for k, v in extra.items()}
    with pytest.raises(ValidationError) as refused:
        _answer(demo, cycle, **extra)
    assert any(m.startswith(message) for m in refused.value.message_dict[field])
    assert cycle.requests.get().status == RequestStatus.REQUESTED
    assert not ProgressUpdate.objects.exists()
    assert not AuditEvent.objects.filter(action="monitoring.request_answered").exists()


def test_a_colleague_who_is_not_the_lead_officer_cannot_answer(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    with pytest.raises(PermissionDenied):
        services.answer_request(
            actor=demo.control_supervisor,
            request=cycle.requests.get(),
            narrative="Done.",
            claimed=ClaimedProgress.ON_TRACK,
        )
    assert cycle.requests.get().status == RequestStatus.REQUESTED
    assert not ProgressUpdate.objects.exists()


def test_the_agency_lead_may_answer_for_the_lead_officer(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    request = services.answer_request(
        actor=demo.police_lead,
        request=cycle.requests.get(),
        narrative="Covering.",
        claimed=ClaimedProgress.ON_TRACK,
    )
    assert (request.status, request.answer.author) == (RequestStatus.ANSWERED, demo.police_lead)


def test_a_request_in_a_closed_cycle_cannot_be_answered(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    with pytest.raises(ValidationError) as refused:
        _answer(demo, cycle)
    assert refused.value.messages == [
        "This monitoring cycle has closed; post progress on the action page instead."
    ]
    assert not ProgressUpdate.objects.exists()


# --- Closing ---------------------------------------------------------------------------------------


def test_closing_a_cycle_twice_gives_a_clear_error_and_changes_nothing(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    cycle.refresh_from_db()
    closed = (cycle.closed_at, cycle.closed_by, cycle.version, cycle.status_changes.count())
    with pytest.raises(ValidationError) as refused:
        services.close_cycle(actor=demo.cig_chair, cycle=cycle)
    assert refused.value.messages == ["This cycle is already closed: snapshot taken."]
    cycle.refresh_from_db()
    assert (cycle.closed_at, cycle.closed_by, cycle.version, cycle.status_changes.count()) == closed
    assert Snapshot.objects.count() == 1
    assert AuditEvent.objects.filter(action="monitoring.cycle_closed").count() == 1


def test_only_the_boards_managers_close_a_cycle(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    with pytest.raises(PermissionDenied):
        services.close_cycle(actor=demo.police_lead, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert not Snapshot.objects.exists()


def test_a_snapshot_row_freezes_the_action_as_it_stood(demo, cig_schedule) -> None:
    s = cig_schedule
    cycle = _open_today(s)
    _answer(demo, cycle, narrative="Half the control room trained.")
    snapshot = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    row = snapshot.rows.get()
    s.action.refresh_from_db()
    assert (row.action, row.review, row.plan) == (s.action, s.review, s.plan)
    assert (row.agency_name, row.reference, row.title) == (
        "Merseyside Police",
        s.action.reference,
        s.action.title,
    )
    assert (row.lead_officer, row.due_date, row.status) == (
        demo.ops_supervisor.full_name,
        s.action.due_date,
        "in_progress",
    )
    assert (row.latest_update, row.is_reprogrammed, row.impact_verdict) == (
        "Half the control room trained.",
        False,
        "",
    )
    assert (snapshot.action_count, snapshot.taken_on) == (1, timezone.localdate())


def test_the_snapshot_rag_is_as_of_the_day_it_was_taken(demo, cig_schedule) -> None:
    s = cig_schedule
    cycle = _open_today(s)
    # Closed the week after the action's due date: it was red that day, whatever it is today.
    snapshot = services.close_cycle(
        actor=demo.liverpool_manager, cycle=cycle, now=_at(s.action.due_date + timedelta(days=7))
    )
    row = snapshot.rows.get()
    assert (snapshot.taken_on, row.rag) == (s.action.due_date + timedelta(days=7), Rag.RED)
    assert review_selectors.actions_with_rag(Action.objects.filter(pk=s.action.pk)).get().rag != Rag.RED


def test_an_answer_by_the_deadline_counts_as_on_time(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    _answer(demo, cycle)
    row = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle).rows.get()
    assert (row.updated_in_cycle, row.updated_on_time) == (True, True)


def test_an_answer_after_the_deadline_counts_as_updated_but_late(demo, cig_schedule) -> None:
    opened = timezone.localdate() - timedelta(days=40)  # its deadline, ten working days on, has passed
    cycle, _ = services.open_cycle(schedule=cig_schedule.schedule, opens_on=opened, now=_at(opened, 7))
    assert cycle.deadline < timezone.localdate()
    _answer(demo, cycle)
    row = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle).rows.get()
    assert (row.updated_in_cycle, row.updated_on_time) == (True, False)


def test_a_missed_request_counts_as_neither_updated_nor_on_time(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    row = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle).rows.get()
    assert (row.updated_in_cycle, row.updated_on_time, row.latest_update) == (False, False, "")


def test_an_update_posted_on_the_action_page_counts_as_the_answer_at_close(demo, cig_schedule) -> None:
    cycle = _open_today(cig_schedule)
    update = review_services.post_update(
        actor=demo.ops_supervisor,
        action=cig_schedule.action,
        narrative="Posted on the action page.",
        claimed="on_track",
    )
    row = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle).rows.get()
    assert (row.updated_in_cycle, row.latest_update) == (True, "Posted on the action page.")
    assert cycle.requests.get().answer == update


def test_a_snapshot_does_not_change_when_the_action_moves_on(demo, cig_schedule) -> None:
    s = cig_schedule
    cycle = _open_today(s)
    _answer(demo, cycle, narrative="Before the snapshot.")
    snapshot = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    frozen = list(SnapshotRow.objects.filter(snapshot=snapshot).values())
    review_services.post_update(
        actor=demo.ops_supervisor, action=s.action, narrative="After.", claimed="at_risk"
    )
    review_services.reprogramme_action(
        actor=demo.cig_chair,
        action=s.action,
        new_due_date=s.action.due_date + timedelta(days=30),
        reason="Trainer.",
    )
    assert list(SnapshotRow.objects.filter(snapshot=snapshot).values()) == frozen
