"""Every write to monitoring: schedules, cycles, update requests, meetings, decisions, deliveries.

Each service is atomic, checks the actor against monitoring/permissions.py, writes the audit event and,
where a state moves, a status-change row. Decisions on actions are carried out by the reviews services
(accept_evidence, reprogramme_action, close_action, ...), so a decision taken in a meeting obeys exactly
the rules of the action page, separation of duties included.

The tick's jobs (`open_due_cycles`, `send_request_reminders`) are idempotent: a cycle is unique per
schedule and date, every notification has a dedupe key, and each step commits on its own, so a second
run, or a run after a crash half-way, sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.calendar import LONDON, add_months, calendar_for
from safeguard.core.concurrency import bump_version as _bump
from safeguard.core.concurrency import lock_row as _lock
from safeguard.core.notifications import notify
from safeguard.core.tick import SYSTEM_PROCESS
from safeguard.monitoring import permissions as perms
from safeguard.monitoring.models import (
    AGENDA_ORDER,
    CADENCE_MONTHS,
    CYCLE_TRANSITIONS,
    DECISIONS_FOR_REASON,
    MEETING_TRANSITIONS,
    AgendaItem,
    AgendaReason,
    Attendance,
    Cadence,
    CycleStatus,
    Decision,
    DecisionKind,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    ReportKind,
    RequestStatus,
    Snapshot,
    SnapshotRow,
    UpdateRequest,
)
from safeguard.people.models import Board, BoardRole, Membership, Role, Subgroup
from safeguard.reviews import services as review_services
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    EvidenceDecision,
    ImpactAssessment,
    PlanKind,
    ProgressUpdate,
    Rag,
    Review,
)
from safeguard.reviews.rag import rag_expression

# Actions whose owners are asked for progress: agreed and not yet delivered.
REQUESTED_STATES = (ActionStatus.AGREED, ActionStatus.IN_PROGRESS)
# Longest horizon a schedule is expanded over: enough for any real cadence, and a bound on the loop.
_MAX_OCCURRENCES = 600


def _today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(LONDON).date()


def _check_version(instance: Any, expected_version: int | None, fields: list[str]) -> None:
    """Refuse an edit made against an older version of the row (the API answers 409, forms explain)."""
    if expected_version is not None and instance.version != expected_version:
        from safeguard.core.concurrency import stale_edit_for

        raise stale_edit_for(type(instance), instance.pk, expected_version=expected_version, fields=fields)


# --- Schedules ----------------------------------------------------------------------------------


def occurrences(
    *, cadence: str, starts_on: date, ends_on: date | None, custom_dates: Sequence[date], until: date
) -> list[date]:
    """The dates cycles open on, from the start up to `until` (inclusive) and the schedule's end.

    Monthly cadences count from the start date, not from the previous occurrence, so a schedule that
    starts on the 31st opens on the last day of shorter months and returns to the 31st afterwards.
    """
    last = min(until, ends_on) if ends_on else until
    if cadence == Cadence.CUSTOM:
        return sorted(d for d in set(custom_dates) if starts_on <= d <= last)
    step = CADENCE_MONTHS[cadence]
    dates = []
    for k in range(_MAX_OCCURRENCES):
        d = add_months(starts_on, k * step)
        if d > last:
            break
        dates.append(d)
    return dates


def next_occurrence(schedule: MonitoringSchedule, *, after: date) -> date | None:
    """The first date after `after` on which the schedule opens a cycle, or None when it has ended."""
    horizon = add_months(after, 12 * 5)
    for d in occurrences(
        cadence=schedule.cadence,
        starts_on=schedule.starts_on,
        ends_on=schedule.ends_on,
        custom_dates=parse_custom_dates(schedule.custom_dates),
        until=horizon,
    ):
        if d > after:
            return d
    return None


def parse_custom_dates(values: Iterable[Any]) -> list[date]:
    out = []
    for value in values or []:
        out.append(value if isinstance(value, date) else date.fromisoformat(str(value)))
    return out


# The schedule's timings and their defaults (the model's field defaults, kept in one place here).
TIMING_DEFAULTS: dict[str, int] = {
    "response_working_days": 10,
    "reminder_working_days_before": 2,
    "chase_working_days_after": 1,
    "escalate_working_days_after": 5,
    "summary_every_cycles": 0,
}
_TIMING_FIELDS = tuple(TIMING_DEFAULTS)


def _schedule_errors(
    *,
    board: Board,
    subgroup: Subgroup | None,
    plan: ActionPlan | None,
    name: str,
    cadence: str,
    starts_on: date | None,
    ends_on: date | None,
    custom_dates: Sequence[date],
    timings: dict[str, int],
    cross_board_recipient: Board | None,
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if not name.strip():
        errors["name"].append("Enter a name for the schedule, for example \u201cSCR subgroup updates\u201d.")
    if subgroup is None:
        errors["subgroup"].append("Choose the subgroup that monitors these plans.")
    elif subgroup.board_id != board.pk:
        errors["subgroup"].append(f"Choose a subgroup of {board.short_name}.")
    if plan is not None and subgroup is not None and plan.monitoring_subgroup_id != subgroup.pk:
        errors["plan"].append("This plan is monitored by a different subgroup.")
    if cadence not in Cadence.values:
        errors["cadence"].append("Choose how often updates are asked for.")
    if starts_on is None:
        errors["starts_on"].append("Enter the date the first cycle opens.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"].append("The end date must be on or after the start date.")
    if cadence == Cadence.CUSTOM and not custom_dates:
        errors["custom_dates"].append("Enter at least one date for a schedule on set dates.")
    if cadence != Cadence.CUSTOM and custom_dates:
        errors["custom_dates"].append("Set dates are only used with the \u201cOn set dates\u201d cadence.")
    if starts_on and cadence in Cadence.values and not errors.get("custom_dates"):
        horizon = ends_on or add_months(starts_on, 12 * 5)
        if not occurrences(
            cadence=cadence, starts_on=starts_on, ends_on=ends_on, custom_dates=custom_dates, until=horizon
        ):
            errors["custom_dates" if cadence == Cadence.CUSTOM else "ends_on"].append(
                "This schedule never opens a cycle: no date falls between its start and its end."
            )
    for field, value in timings.items():
        if not isinstance(value, int) or value < 0 or value > 60:
            errors[field].append("Enter a whole number of working days from 0 to 60.")
    if timings.get("response_working_days") == 0:
        errors["response_working_days"].append("Give owners at least one working day to answer.")
    if cross_board_recipient is not None and cross_board_recipient.pk == board.pk:
        errors["cross_board_recipient"].append("Choose another board to receive the summary.")
    if timings.get("summary_every_cycles") and cross_board_recipient is None:
        errors["cross_board_recipient"].append("Choose the board that receives the summary.")
    if subgroup is not None and not errors:
        clash = MonitoringSchedule.objects.filter(is_active=True)
        clash = clash.filter(plan=plan) if plan is not None else clash.filter(subgroup=subgroup, plan=None)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            target = "plan" if plan is not None else "subgroup"
            errors[target].append("An active schedule already covers this; change that one instead.")
    return dict(errors)


@transaction.atomic
def create_schedule(
    *,
    actor: Any,
    board: Board,
    subgroup: Subgroup | None,
    name: str,
    cadence: str,
    starts_on: date | None,
    plan: ActionPlan | None = None,
    ends_on: date | None = None,
    custom_dates: Sequence[date] = (),
    cross_board_recipient: Board | None = None,
    **timings: int,
) -> MonitoringSchedule:
    if not perms.can_manage_monitoring(actor, board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can do this.")
    unknown = set(timings) - set(_TIMING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown schedule settings: {', '.join(sorted(unknown))}")
    defaults = dict(TIMING_DEFAULTS)
    values = {**defaults, **timings}
    custom_dates = list(custom_dates)
    errors = _schedule_errors(
        board=board,
        subgroup=subgroup,
        plan=plan,
        name=name,
        cadence=cadence,
        starts_on=starts_on,
        ends_on=ends_on,
        custom_dates=custom_dates,
        timings=values,
        cross_board_recipient=cross_board_recipient,
    )
    if errors:
        raise ValidationError(errors)
    assert subgroup is not None and starts_on is not None  # checked above
    schedule = MonitoringSchedule.objects.create(
        board=board,
        subgroup=subgroup,
        plan=plan,
        name=name.strip(),
        cadence=cadence,
        starts_on=starts_on,
        ends_on=ends_on,
        custom_dates=[d.isoformat() for d in sorted(set(custom_dates))],
        cross_board_recipient=cross_board_recipient,
        created_by=actor,
        **values,
    )
    record_event(
        actor=actor,
        action="monitoring.schedule_created",
        target=schedule,
        changes={"cadence": cadence, "starts_on": starts_on, "subgroup": subgroup.pk if subgroup else None},
    )
    return schedule


@transaction.atomic
def update_schedule(
    *, actor: Any, schedule: MonitoringSchedule, expected_version: int | None = None, **fields: Any
) -> MonitoringSchedule:
    """Change a schedule's rhythm or timings; cycles already opened keep their deadlines."""
    schedule = _lock(MonitoringSchedule, schedule.pk)
    if not perms.can_manage_monitoring(actor, schedule.board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can do this.")
    _check_version(schedule, expected_version, sorted(fields))
    editable = {
        "name",
        "cadence",
        "starts_on",
        "ends_on",
        "custom_dates",
        "cross_board_recipient",
        "is_active",
    }
    unknown = set(fields) - editable - set(_TIMING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown schedule settings: {', '.join(sorted(unknown))}")
    merged = {
        "name": schedule.name,
        "cadence": schedule.cadence,
        "starts_on": schedule.starts_on,
        "ends_on": schedule.ends_on,
        "custom_dates": parse_custom_dates(schedule.custom_dates),
        "cross_board_recipient": schedule.cross_board_recipient,
        **{f: getattr(schedule, f) for f in _TIMING_FIELDS},
        **fields,
    }
    merged["custom_dates"] = list(merged["custom_dates"] or [])
    if merged.get("is_active", schedule.is_active):
        errors = _schedule_errors(
            board=schedule.board,
            subgroup=schedule.subgroup,
            plan=schedule.plan,
            name=merged["name"],
            cadence=merged["cadence"],
            starts_on=merged["starts_on"],
            ends_on=merged["ends_on"],
            custom_dates=merged["custom_dates"],
            timings={f: merged[f] for f in _TIMING_FIELDS},
            cross_board_recipient=merged["cross_board_recipient"],
            exclude_pk=schedule.pk,
        )
        if errors:
            raise ValidationError(errors)
    changed = {}
    for field, value in merged.items():
        stored = [d.isoformat() for d in sorted(set(value))] if field == "custom_dates" else value
        if field == "name":
            stored = value.strip()
        if getattr(schedule, field) != stored:
            changed[field] = stored
            setattr(schedule, field, stored)
    if not changed:
        return schedule
    _bump(schedule, *changed)
    record_event(
        actor=actor,
        action="monitoring.schedule_changed",
        target=schedule,
        changes={k: (v.pk if hasattr(v, "pk") else v) for k, v in changed.items()},
    )
    return schedule


# --- What a cycle covers ------------------------------------------------------------------------


def plans_for(schedule: MonitoringSchedule) -> QuerySet[ActionPlan]:
    """The approved plans a schedule covers (a plan with its own active schedule is left to that one)."""
    if schedule.plan_id:
        return ActionPlan.objects.filter(pk=schedule.plan_id, approved_version__isnull=False)
    own_schedule = MonitoringSchedule.objects.filter(plan_id=OuterRef("pk"), is_active=True)
    return ActionPlan.objects.filter(
        monitoring_subgroup_id=schedule.subgroup_id, approved_version__isnull=False
    ).exclude(Exists(own_schedule))


def actions_for(schedule: MonitoringSchedule) -> QuerySet[Action]:
    """Every agreed action in the schedule's plans, delivered and closed ones included (for snapshots)."""
    return Action.objects.filter(plan__in=plans_for(schedule)).exclude(status=ActionStatus.DRAFT)


def cycle_actions(cycle: MonitoringCycle) -> QuerySet[Action]:
    """The actions a cycle is about: those its requests were sent for, plus those delivered and waiting
    for the board when it opened (the agenda and snapshot need both)."""
    return actions_for(cycle.schedule)


def _owners_for(actions: list[Action]) -> dict[int, int | None]:
    """action id -> the user who answers for it: the lead officer if they can sign in, otherwise the owning
    agency's safeguarding lead, otherwise (board plans) the owning board's business manager."""
    agency_ids = {a.plan.owner_agency_id for a in actions if a.plan.owner_agency_id}
    board_ids = {a.plan.owner_board_id for a in actions if a.plan.owner_board_id}
    agency_lead: dict[int, int] = {}
    for agency_id, user_id in (
        Membership.objects.filter(
            agency_id__in=agency_ids,
            role=Role.AGENCY_SAFEGUARDING_LEAD,
            ended_on__isnull=True,
            user__is_active=True,
        )
        .order_by("agency_id", "started_on", "pk")
        .values_list("agency_id", "user_id")
    ):
        agency_lead.setdefault(agency_id, user_id)
    board_manager = _business_managers(board_ids)
    owners: dict[int, int | None] = {}
    for action in actions:
        if action.lead_officer is not None and action.lead_officer.is_active:
            owners[action.pk] = action.lead_officer_id
        elif action.plan.kind == PlanKind.SINGLE_AGENCY:
            owners[action.pk] = agency_lead.get(action.plan.owner_agency_id)  # type: ignore[arg-type]
        else:
            managers = board_manager.get(action.plan.owner_board_id, [])  # type: ignore[arg-type]
            owners[action.pk] = managers[0] if managers else None
    return owners


def _business_managers(board_ids: Iterable[int]) -> dict[int, list[int]]:
    managers: dict[int, list[int]] = defaultdict(list)
    for board_id, user_id in (
        BoardRole.objects.filter(
            board_id__in=list(board_ids),
            role=Role.BOARD_BUSINESS_MANAGER,
            ended_on__isnull=True,
            user__is_active=True,
        )
        .order_by("board_id", "started_on", "pk")
        .values_list("board_id", "user_id")
    ):
        managers[board_id].append(user_id)
    return managers


def _cycle_url(cycle: MonitoringCycle) -> str:
    return f"/monitoring/cycles/{cycle.pk}/"


def _notify_users(user_ids: Iterable[int], *, subject: str, url: str, dedupe_key: str) -> int:
    from safeguard.people.models import User

    sent = 0
    for user in User.objects.filter(pk__in=set(user_ids), is_active=True):
        if notify(user=user, subject=subject, url=url, dedupe_key=dedupe_key) is not None:
            sent += 1
    return sent


# --- Opening cycles -----------------------------------------------------------------------------


def open_cycle(
    *, schedule: MonitoringSchedule, opens_on: date, actor: Any = None, now: datetime | None = None
) -> tuple[MonitoringCycle, bool]:
    """Open the schedule's cycle for `opens_on` and ask every owner for an update.

    Returns (cycle, created). Opening the same date twice, by two ticks or a person and a tick, opens it
    once: the second finds the first.
    """
    if actor is not None and not perms.can_manage_monitoring(actor, schedule.board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can do this.")
    existing = MonitoringCycle.objects.filter(schedule=schedule, opens_on=opens_on).first()
    if existing is not None:
        return existing, False
    # A person may open a cycle off the cadence (an extra round), but not outside the schedule's life.
    if not schedule.is_active:
        raise ValidationError("This schedule has ended; no more cycles can be opened.")
    if opens_on < schedule.starts_on or (schedule.ends_on and opens_on > schedule.ends_on):
        raise ValidationError(
            {"opens_on": ["Choose a date within the schedule, from when it starts to when it ends."]}
        )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            cycle = _create_cycle(schedule=schedule, opens_on=opens_on, actor=actor, now=now)
    except IntegrityError:
        # Another process opened it between our check and our insert.
        return MonitoringCycle.objects.get(schedule=schedule, opens_on=opens_on), False
    return cycle, True


def _create_cycle(
    *, schedule: MonitoringSchedule, opens_on: date, actor: Any, now: datetime
) -> MonitoringCycle:
    schedule = _lock(MonitoringSchedule, schedule.pk)
    jurisdiction = schedule.board.jurisdiction
    calendar = calendar_for(jurisdiction)
    previous = schedule.cycles.order_by("-opens_on").first()
    number = (schedule.cycles.aggregate(n=Max("number"))["n"] or 0) + 1
    deadline = calendar.add_working_days(opens_on, schedule.response_working_days)
    cycle = MonitoringCycle.objects.create(
        schedule=schedule, number=number, opens_on=opens_on, deadline=deadline, opened_at=now, opened_by=actor
    )
    cycle.status_changes.create(from_status="", to_status=CycleStatus.OPEN, actor=actor, at=now)

    actions = list(
        actions_for(schedule)
        .filter(status__in=REQUESTED_STATES)
        .select_related("plan", "lead_officer")
        .order_by("plan_id", "number")
    )
    owners = _owners_for(actions)
    stale_ids: set[int] = set()
    if previous is not None:
        updated_since = ProgressUpdate.objects.filter(
            action_id=OuterRef("pk"), written_at__gte=previous.opened_at, written_at__lte=now
        )
        stale_ids = set(
            Action.objects.filter(pk__in=[a.pk for a in actions], agreed_at__lt=previous.opened_at)
            .exclude(Exists(updated_since))
            .values_list("pk", flat=True)
        )
    UpdateRequest.objects.bulk_create(
        [
            UpdateRequest(
                cycle=cycle,
                action=action,
                owner_id=owners.get(action.pk),
                deadline=deadline,
                is_stale=action.pk in stale_ids,
                requested_at=now,
            )
            for action in actions
        ],
        batch_size=1000,
    )
    # One content-free notification per owner per cycle, however many actions they hold.
    _notify_users(
        {o for o in owners.values() if o},
        subject="Progress updates are requested from you",
        url="/monitoring/requests/",
        dedupe_key=f"cycle:{cycle.pk}:request",
    )
    record_event(
        actor=actor,
        system_process="" if actor else SYSTEM_PROCESS,
        action="monitoring.cycle_opened",
        target=cycle,
        changes={
            "schedule": schedule.pk,
            "opens_on": opens_on,
            "requests": len(actions),
            "stale": len(stale_ids),
        },
    )
    return cycle


def open_due_cycles(*, now: datetime) -> int:
    """Tick job: open each active schedule's latest due cycle, if it is not open yet.

    Only the latest due date is opened: after an outage of several months, owners are asked once for
    where things stand now, not once for every missed month.
    """
    today = _today(now)
    opened = 0
    for schedule in MonitoringSchedule.objects.filter(is_active=True, starts_on__lte=today).select_related(
        "board"
    ):
        due = occurrences(
            cadence=schedule.cadence,
            starts_on=schedule.starts_on,
            ends_on=schedule.ends_on,
            custom_dates=parse_custom_dates(schedule.custom_dates),
            until=today,
        )
        if not due:
            continue
        latest = schedule.cycles.aggregate(d=Max("opens_on"))["d"]
        if latest is not None and latest >= due[-1]:
            continue
        _, created = open_cycle(schedule=schedule, opens_on=due[-1], now=now)
        opened += int(created)
    return opened


# --- Answering ----------------------------------------------------------------------------------


def sync_answers(cycle: MonitoringCycle, *, now: datetime | None = None) -> int:
    """Mark as answered the requests whose action got a progress update since the request, wherever it was
    posted (the action page, the API or the request page). With `now`, only updates written by then count
    (a cycle closed, or a tick run, as of a moment must not see later updates; take_snapshot agrees)."""
    since = ProgressUpdate.objects.filter(
        action_id=OuterRef("action_id"), written_at__gte=OuterRef("requested_at")
    ).order_by("written_at", "pk")
    if now is not None:
        since = since.filter(written_at__lte=now)
    return (
        # A closed cycle's requests stay as its snapshot saw them: an answer after closing is too late.
        UpdateRequest.objects.filter(
            cycle=cycle, cycle__status=CycleStatus.OPEN, status=RequestStatus.REQUESTED
        )
        .filter(Exists(since))
        .update(
            status=RequestStatus.ANSWERED,
            answer_id=Subquery(since.values("pk")[:1]),
            answered_at=Subquery(since.values("written_at")[:1]),
        )
    )


@transaction.atomic
def answer_request(
    *,
    actor: Any,
    request: UpdateRequest,
    narrative: str,
    claimed: str,
    proposed_due_date: date | None = None,
    proposed_reason: str = "",
    today: date | None = None,
) -> UpdateRequest:
    """The owner answers: a progress update on the action (through the reviews service, which checks that
    they may report on it), and optionally a new date for the subgroup to decide on."""
    request = _lock(UpdateRequest, request.pk)
    cycle = request.cycle
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("This monitoring cycle has closed; post progress on the action page instead.")
    if request.status == RequestStatus.WITHDRAWN:
        raise ValidationError("This request was withdrawn.")
    action = request.action
    errors: dict[str, list[str]] = {}
    today = today or timezone.localdate()
    if proposed_due_date is not None:
        if proposed_due_date <= today:
            errors["proposed_due_date"] = ["The new date must be in the future."]
        elif action.due_date and proposed_due_date <= action.due_date:
            errors["proposed_due_date"] = [
                f"The new date must be after the current due date, {action.due_date:%-d %B %Y}."
            ]
        if not proposed_reason.strip():
            errors["proposed_reason"] = ["Say why the action needs a new date."]
    elif proposed_reason.strip():
        errors["proposed_due_date"] = ["Enter the new date you are asking for, or leave the reason empty."]
    if errors:
        # Check the update too, so the form shows every problem at once.
        if not narrative.strip():
            errors["narrative"] = ["Describe the progress made."]
        raise ValidationError(errors)
    update = review_services.post_update(actor=actor, action=action, narrative=narrative, claimed=claimed)
    request.status = RequestStatus.ANSWERED
    request.answer = update
    request.answered_at = update.written_at
    request.proposed_due_date = proposed_due_date
    request.proposed_reason = proposed_reason.strip() if proposed_due_date else ""
    request.save(update_fields=["status", "answer", "answered_at", "proposed_due_date", "proposed_reason"])
    record_event(
        actor=actor,
        action="monitoring.request_answered",
        target=request,
        changes={"cycle": cycle.pk, "action": action.pk, "proposed_due_date": proposed_due_date},
    )
    return request


# --- Reminders, chasers and escalation (tick) ---------------------------------------------------


def send_request_reminders(*, now: datetime) -> int:
    """Tick job: for open cycles, remind owners before the deadline, chase them after it, and tell the
    board business manager when updates are still missing. Counted in the board's working days."""
    today = _today(now)
    sent = 0
    cycles = MonitoringCycle.objects.filter(status=CycleStatus.OPEN).select_related("schedule__board")
    for cycle in cycles:
        sync_answers(cycle, now=now)
        schedule = cycle.schedule
        calendar = calendar_for(schedule.board.jurisdiction)
        waiting = UpdateRequest.objects.filter(
            cycle=cycle, status=RequestStatus.REQUESTED, owner__isnull=False
        )
        if schedule.reminder_working_days_before and cycle.deadline >= today >= calendar.add_working_days(
            cycle.deadline, -schedule.reminder_working_days_before
        ):
            sent += _send_step(
                cycle,
                waiting.filter(reminded_at__isnull=True),
                stamp="reminded_at",
                subject="Reminder: progress updates are due soon",
                key="reminder",
                now=now,
            )
        if today >= calendar.add_working_days(cycle.deadline, max(schedule.chase_working_days_after, 1)):
            sent += _send_step(
                cycle,
                waiting.filter(chased_at__isnull=True),
                stamp="chased_at",
                subject="Progress updates are overdue",
                key="chase",
                now=now,
            )
        if today >= calendar.add_working_days(cycle.deadline, max(schedule.escalate_working_days_after, 1)):
            sent += _escalate_missing(cycle, waiting.filter(escalated_at__isnull=True), now=now)
    return sent


def _send_step(
    cycle: MonitoringCycle,
    requests: QuerySet[UpdateRequest],
    *,
    stamp: str,
    subject: str,
    key: str,
    now: datetime,
) -> int:
    owners = set(requests.values_list("owner_id", flat=True))
    if not owners:
        return 0
    with transaction.atomic():
        sent = _notify_users(
            owners, subject=subject, url="/monitoring/requests/", dedupe_key=f"cycle:{cycle.pk}:{key}"
        )
        count = requests.update(**{stamp: now})
        record_event(
            system_process=SYSTEM_PROCESS,
            action=f"monitoring.requests_{'reminded' if key == 'reminder' else 'chased'}",
            target=cycle,
            changes={"requests": count, "owners": len(owners)},
        )
    return sent


def _escalate_missing(cycle: MonitoringCycle, requests: QuerySet[UpdateRequest], *, now: datetime) -> int:
    count = requests.count()
    if not count:
        return 0
    board = cycle.schedule.board
    managers = _business_managers([board.pk]).get(board.pk, [])
    with transaction.atomic():
        sent = _notify_users(
            managers,
            subject="Progress updates are still missing after the deadline",
            url=_cycle_url(cycle),
            dedupe_key=f"cycle:{cycle.pk}:escalation",
        )
        requests.update(escalated_at=now)
        record_event(
            system_process=SYSTEM_PROCESS,
            action="monitoring.missing_updates_escalated",
            target=cycle,
            changes={"requests": count, "managers": managers},
        )
    return sent


# --- Closing a cycle: the snapshot --------------------------------------------------------------


def _move_cycle(cycle: MonitoringCycle, *, actor: Any, to_status: str, reason: str = "") -> None:
    if to_status not in CYCLE_TRANSITIONS.get(cycle.status, frozenset()):
        raise ValidationError(f"This cycle is already {cycle.get_status_display().lower()}.")
    previous = cycle.status
    cycle.status = to_status
    cycle.status_changes.create(from_status=previous, to_status=to_status, actor=actor, reason=reason)


@transaction.atomic
def close_cycle(*, actor: Any, cycle: MonitoringCycle, now: datetime | None = None) -> Snapshot:
    """Freeze the state of the cycle's actions and close it. A closed cycle never changes again."""
    cycle = _lock(MonitoringCycle, cycle.pk)
    if not perms.can_manage_monitoring(actor, cycle.schedule.board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can do this.")
    now = now or timezone.now()
    sync_answers(cycle, now=now)
    _move_cycle(cycle, actor=actor, to_status=CycleStatus.CLOSED)
    cycle.closed_at = now
    cycle.closed_by = actor
    _bump(cycle, "status", "closed_at", "closed_by")
    snapshot = take_snapshot(cycle, now=now)
    record_event(
        actor=actor,
        action="monitoring.cycle_closed",
        target=cycle,
        changes={"snapshot": snapshot.pk, "actions": snapshot.action_count},
    )
    _remind_summary_due(cycle, snapshot)
    return snapshot


def summary_due(cycle: MonitoringCycle) -> bool:
    """Whether this cycle ends a summary period (every Nth cycle) for a schedule that reports to a partner
    board, as Liverpool's monthly CIG cycles end a quarter for Lancashire every third cycle."""
    schedule = cycle.schedule
    every = schedule.summary_every_cycles
    return bool(schedule.cross_board_recipient_id and every and cycle.number % every == 0)


def _remind_summary_due(cycle: MonitoringCycle, snapshot: Snapshot) -> None:
    if not summary_due(cycle):
        return
    board = cycle.schedule.board
    _notify_users(
        _business_managers([board.pk]).get(board.pk, []),
        subject="A cross-board summary is due to the partner board",
        url=f"/monitoring/cycles/{cycle.pk}/",
        dedupe_key=f"cycle:{cycle.pk}:summary_due",
    )


def take_snapshot(cycle: MonitoringCycle, *, now: datetime) -> Snapshot:
    taken_on = _today(now)
    snapshot = Snapshot.objects.create(cycle=cycle, taken_at=now, taken_on=taken_on)
    latest = ProgressUpdate.objects.filter(action_id=OuterRef("pk"), written_at__lte=now).order_by(
        "-written_at", "-pk"
    )
    impact = ImpactAssessment.objects.filter(action_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
    answered = UpdateRequest.objects.filter(
        cycle=cycle, action_id=OuterRef("pk"), status=RequestStatus.ANSWERED
    )
    on_time = answered.filter(answered_at__date__lte=cycle.deadline)
    actions = (
        cycle_actions(cycle)
        .annotate(
            rag=rag_expression(today=taken_on),
            latest_update=Subquery(latest.values("narrative")[:1]),
            latest_update_at=Subquery(latest.values("written_at")[:1]),
            impact_verdict=Subquery(impact.values("verdict")[:1]),
            requested=Exists(
                UpdateRequest.objects.filter(cycle=cycle, action_id=OuterRef("pk")).exclude(
                    status=RequestStatus.WITHDRAWN
                )
            ),
            updated_in_cycle=Exists(answered),
            updated_on_time=Exists(on_time),
        )
        .select_related("plan__owner_agency", "plan__owner_board", "lead_officer")
        .order_by("plan_id", "number")
    )
    rows = []
    for action in actions.iterator(chunk_size=2000):
        plan = action.plan
        rows.append(
            SnapshotRow(
                snapshot=snapshot,
                action_id=action.pk,
                review_id=plan.review_id,
                plan_id=plan.pk,
                agency_name=plan.owner_name,
                reference=action.reference,
                title=action.title,
                lead_officer=(
                    action.lead_officer.full_name if action.lead_officer else action.lead_officer_name
                ),
                due_date=action.due_date,
                status=action.status,
                rag=action.rag,
                is_reprogrammed=action.is_reprogrammed,
                latest_update=action.latest_update or "",
                latest_update_at=action.latest_update_at,
                requested=action.requested,
                updated_in_cycle=action.updated_in_cycle,
                updated_on_time=action.updated_on_time,
                impact_verdict=action.impact_verdict or "",
            )
        )
    SnapshotRow.objects.bulk_create(rows, batch_size=2000)
    snapshot.action_count = len(rows)
    snapshot.save(update_fields=["action_count"])
    return snapshot


# --- Meetings -----------------------------------------------------------------------------------


@transaction.atomic
def schedule_meeting(
    *, actor: Any, cycle: MonitoringCycle, held_on: date | None, location: str = ""
) -> Meeting:
    """Plan the subgroup's meeting for a cycle and build its agenda from what is due."""
    cycle = _lock(MonitoringCycle, cycle.pk)
    schedule = cycle.schedule
    if not perms.can_run_meeting(actor, schedule.subgroup):
        raise PermissionDenied(
            f"Only the chair of {schedule.subgroup.name} or the board's managers can do this."
        )
    if held_on is None:
        raise ValidationError({"held_on": ["Enter the date of the meeting."]})
    if held_on < cycle.opens_on:
        raise ValidationError(
            {"held_on": [f"The meeting must be on or after the cycle opened, {cycle.opens_on:%-d %B %Y}."]}
        )
    meeting = Meeting.objects.create(
        cycle=cycle, subgroup=schedule.subgroup, held_on=held_on, location=location.strip(), created_by=actor
    )
    added = _add_agenda_items(meeting)
    record_event(
        actor=actor,
        action="monitoring.meeting_scheduled",
        target=meeting,
        changes={"cycle": cycle.pk, "held_on": held_on, "items": added},
    )
    return meeting


@transaction.atomic
def refresh_agenda(*, actor: Any, meeting: Meeting) -> int:
    """Add what has become due since the agenda was built; items already there (and decided) stay."""
    meeting = _lock(Meeting, meeting.pk)
    if not perms.can_run_meeting(actor, meeting.subgroup):
        raise PermissionDenied(
            f"Only the chair of {meeting.subgroup.name} or the board's managers can do this."
        )
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("The minutes of this meeting are final; its agenda cannot change.")
    added = _add_agenda_items(meeting)
    if added:
        record_event(
            actor=actor, action="monitoring.agenda_refreshed", target=meeting, changes={"added": added}
        )
    return added


def agenda_candidates(
    cycle: MonitoringCycle, *, today: date | None = None
) -> list[tuple[str, int, int | None, int | None]]:
    """(reason, action id, evidence id, request id) for everything the subgroup should look at, most
    pressing first. Three queries whatever the size of the cycle."""
    sync_answers(cycle)
    today = today or timezone.localdate()
    actions = actions_for(cycle.schedule).annotate(rag=rag_expression(today=today))
    out: list[tuple[str, int, int | None, int | None]] = []
    for action_id, status, rag in actions.values_list("pk", "status", "rag").order_by("plan_id", "number"):
        if rag == Rag.RED and status != ActionStatus.CLOSED:
            out.append((AgendaReason.OVERDUE, action_id, None, None))
        if status in (ActionStatus.EVIDENCE_ACCEPTED, ActionStatus.IMPACT_ASSESSED):
            out.append((AgendaReason.IMPACT, action_id, None, None))
    from safeguard.reviews.models import Evidence

    for evidence_id, action_id in (
        Evidence.objects.filter(action__in=actions.values("pk"), decision=EvidenceDecision.PENDING)
        .order_by("action__plan_id", "action__number", "submitted_at", "pk")
        .values_list("pk", "action_id")
    ):
        out.append((AgendaReason.EVIDENCE, action_id, evidence_id, None))
    for request_id, action_id, proposed, stale in (
        UpdateRequest.objects.filter(cycle=cycle)
        .exclude(status=RequestStatus.WITHDRAWN)
        .order_by("action__plan_id", "action__number")
        .values_list("pk", "action_id", "proposed_due_date", "is_stale")
    ):
        if proposed is not None:
            out.append((AgendaReason.REPROGRAMMING, action_id, None, request_id))
        if stale:
            out.append((AgendaReason.STALE, action_id, None, request_id))
    out.sort(key=lambda item: AGENDA_ORDER[item[0]])
    return out


def _add_agenda_items(meeting: Meeting) -> int:
    existing: set[tuple[str, int, int | None]] = set(
        meeting.items.values_list("reason", "action_id", "evidence_id")
    )
    position = meeting.items.aggregate(p=Max("position"))["p"] or 0
    new = []
    for reason, action_id, evidence_id, request_id in agenda_candidates(meeting.cycle):
        if (reason, action_id, evidence_id) in existing:
            continue
        position += 1
        existing.add((reason, action_id, evidence_id))
        new.append(
            AgendaItem(
                meeting=meeting,
                position=position,
                reason=reason,
                action_id=action_id,
                evidence_id=evidence_id,
                request_id=request_id,
            )
        )
    AgendaItem.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def record_attendance(*, actor: Any, meeting: Meeting, attendance: dict[int, str]) -> int:
    """Who was there. Only members of the meeting's subgroup (past or present) can be recorded."""
    meeting = _lock(Meeting, meeting.pk)
    if not perms.can_run_meeting(actor, meeting.subgroup):
        raise PermissionDenied(
            f"Only the chair of {meeting.subgroup.name} or the board's managers can do this."
        )
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("The minutes of this meeting are final; attendance cannot change.")
    members = set(meeting.subgroup.memberships.values_list("user_id", flat=True))
    errors = []
    for user_id, value in attendance.items():
        if user_id not in members:
            errors.append("Attendance can only be recorded for members of the subgroup.")
            break
        if value not in Attendance.values:
            errors.append("Choose present, apologies or absent for each member.")
            break
    if errors:
        raise ValidationError({"attendance": errors})
    for user_id, value in attendance.items():
        MeetingAttendance.objects.update_or_create(
            meeting=meeting, user_id=user_id, defaults={"attendance": value}
        )
    record_event(
        actor=actor,
        action="monitoring.attendance_recorded",
        target=meeting,
        changes={"recorded": len(attendance)},
    )
    return len(attendance)


@transaction.atomic
def record_decision(
    *,
    actor: Any,
    item: AgendaItem,
    kind: str,
    note: str = "",
    verdict: str = "",
    source: str = "",
) -> Decision:
    """Decide an agenda item. The decision is carried out by the reviews service for it, which checks the
    same rules as the action page (separation of duties included); if that refuses, nothing is written."""
    item = (
        AgendaItem.objects.select_for_update()
        .select_related("meeting__cycle__schedule", "meeting__subgroup")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    if not perms.is_member(actor, meeting.subgroup):
        raise PermissionDenied(f"Only members of {meeting.subgroup.name} can record its decisions.")
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("The minutes of this meeting are final; no more decisions can be recorded.")
    if kind not in DECISIONS_FOR_REASON.get(item.reason, ()):
        raise ValidationError({"kind": ["Choose one of the decisions offered for this item."]})
    if not actions_for(meeting.cycle.schedule).filter(pk=item.action_id).exists():
        raise ValidationError("This action is not part of the meeting's monitoring cycle.")
    if item.decisions.exclude(kind__in=[DecisionKind.NOTED, DecisionKind.ESCALATE]).exists():
        raise ValidationError("This item has already been decided.")
    note = note.strip()
    action = item.action
    evidence, request = item.evidence, item.request
    if kind in (DecisionKind.ACCEPT_EVIDENCE, DecisionKind.RETURN_EVIDENCE) and evidence is None:
        raise ValidationError({"kind": ["This item has no evidence to decide on."]})
    if kind == DecisionKind.APPROVE_REPROGRAMMING and (request is None or request.proposed_due_date is None):
        raise ValidationError({"kind": ["No new date was asked for on this item."]})
    if kind == DecisionKind.ACCEPT_EVIDENCE:
        review_services.accept_evidence(actor=actor, evidence=evidence, note=note)  # type: ignore[arg-type]
    elif kind == DecisionKind.RETURN_EVIDENCE:
        review_services.return_evidence(actor=actor, evidence=evidence, reason=note)  # type: ignore[arg-type]
    elif kind == DecisionKind.APPROVE_REPROGRAMMING:
        assert request is not None and request.proposed_due_date is not None  # checked above
        review_services.reprogramme_action(
            actor=actor,
            action=action,
            new_due_date=request.proposed_due_date,
            reason=request.proposed_reason + (f" (agreed: {note})" if note else ""),
        )
    elif kind == DecisionKind.REFUSE_REPROGRAMMING:
        if not note:
            raise ValidationError({"note": ["Say why the new date is refused."]})
        if not perms.can_judge_action(actor, action):
            raise PermissionDenied(
                "Only the monitoring subgroup, outside the owning agency, can refuse a new date."
            )
    elif kind == DecisionKind.ASSESS_IMPACT:
        review_services.assess_impact(
            actor=actor, action=action, verdict=verdict, source=source, narrative=note
        )
    elif kind == DecisionKind.CLOSE:
        review_services.close_action(actor=actor, action=action, note=note)
    elif kind == DecisionKind.ESCALATE:
        if not note:
            raise ValidationError({"note": ["Say what the board is asked to do."]})
        board = meeting.cycle.schedule.board
        _notify_users(
            _business_managers([board.pk]).get(board.pk, []),
            subject="A monitoring subgroup has escalated an action to the board",
            url=f"/actions/{action.pk}/",
            dedupe_key=f"agenda:{item.pk}:escalation",
        )
    decision = Decision.objects.create(item=item, kind=kind, note=note, decided_by=actor)
    record_event(
        actor=actor,
        action="monitoring.decision_recorded",
        target=decision,
        changes={"meeting": meeting.pk, "action": action.pk, "kind": kind},
        reason=note,
    )
    return decision


@transaction.atomic
def finalise_minutes(
    *, actor: Any, meeting: Meeting, minutes: str = "", expected_version: int | None = None
) -> Meeting:
    meeting = _lock(Meeting, meeting.pk)
    if not perms.can_run_meeting(actor, meeting.subgroup):
        raise PermissionDenied(
            f"Only the chair of {meeting.subgroup.name} or the board's managers can do this."
        )
    _check_version(meeting, expected_version, ["minutes"])
    if MeetingStatus.HELD not in MEETING_TRANSITIONS.get(meeting.status, frozenset()):
        raise ValidationError("The minutes of this meeting are already final.")
    if not meeting.attendance.exists():
        raise ValidationError({"attendance": ["Record who attended before finalising the minutes."]})
    meeting.status = MeetingStatus.HELD
    meeting.minutes = minutes.strip()
    _bump(meeting, "status", "minutes")
    record_event(actor=actor, action="monitoring.minutes_finalised", target=meeting)
    return meeting


# --- Reports sent to another board --------------------------------------------------------------


@transaction.atomic
def send_cross_board_summary(
    *, actor: Any, review: Review, snapshot: Snapshot, to_board: Board, note: str = ""
) -> ReportDelivery:
    """Record that the summary of a co-owned review, as of `snapshot`, went to the other board, and tell
    that board's business managers it is there."""
    from_board = snapshot.cycle.schedule.board
    if not perms.can_manage_monitoring(actor, from_board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can send this.")
    boards = review.board_ids()
    errors: dict[str, list[str]] = {}
    if from_board.pk not in boards or to_board.pk not in boards:
        errors["review"] = ["A cross-board summary is for a review both boards own."]
    if to_board.pk == from_board.pk:
        errors["to_board"] = ["Choose the other board."]
    if not snapshot.rows.filter(review=review).exists():
        errors["snapshot"] = ["This cycle's snapshot has no actions from this review."]
    recipients = _business_managers([to_board.pk]).get(to_board.pk, [])
    if not recipients and not errors:
        errors["to_board"] = [f"{to_board.short_name} has no business manager to receive the summary."]
    if errors:
        raise ValidationError(errors)
    delivery = ReportDelivery.objects.create(
        kind=ReportKind.CROSS_BOARD_SUMMARY,
        review=review,
        from_board=from_board,
        to_board=to_board,
        snapshot=snapshot,
        note=note.strip(),
        sent_by=actor,
    )
    delivery.recipients.set(recipients)
    _notify_users(
        recipients,
        subject=f"A cross-board summary from {from_board.short_name} is ready",
        url=f"/monitoring/deliveries/{delivery.pk}/",
        dedupe_key=f"delivery:{delivery.pk}",
    )
    record_event(
        actor=actor,
        action="monitoring.summary_sent",
        target=delivery,
        changes={
            "review": review.pk,
            "snapshot": snapshot.pk,
            "to_board": to_board.pk,
            "recipients": recipients,
        },
    )
    return delivery
