"""Display values for the monitoring pages: cadences in words, status tags, counts, dates, links.

Every tag's text names the state ("Overdue: no update", "Stale: no update since the last cycle"), so
colour is never the only signal. Presenters take rows already loaded by the view (one query per table)
and never query themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.urls import NoReverseMatch, reverse
from markupsafe import Markup, escape

from safeguard.core.calendar import LONDON, add_months
from safeguard.monitoring import services
from safeguard.monitoring.models import (
    DECISIONS_FOR_REASON,
    AgendaItem,
    AgendaReason,
    Cadence,
    CycleStatus,
    DecisionKind,
    Meeting,
    MeetingStatus,
    MonitoringCycle,
    MonitoringSchedule,
    RequestStatus,
    UpdateRequest,
)
from safeguard.reviews.models import Action, EvidenceKind
from safeguard.reviews.presenters.actions import format_datetime, iso, lead_officer_name, person
from safeguard.reviews.presenters.common import action_status_tag, format_date

CYCLE_TAGS: dict[str, dict[str, str]] = {
    CycleStatus.OPEN: {"text": "Open: collecting updates", "classes": "govuk-tag--blue"},
    CycleStatus.CLOSED: {"text": "Closed: snapshot taken", "classes": "govuk-tag--grey"},
}
MEETING_TAGS: dict[str, dict[str, str]] = {
    MeetingStatus.PLANNED: {"text": "Planned", "classes": "govuk-tag--light-blue"},
    MeetingStatus.HELD: {"text": "Held: minutes final", "classes": "govuk-tag--green"},
}
STALE_TAG = {"text": "Stale: no update since the last cycle", "classes": "govuk-tag--orange"}
# Decisions that leave the item open for another one (the service refuses a second "final" decision).
OPEN_ENDED = frozenset({DecisionKind.NOTED, DecisionKind.ESCALATE})


def _plural(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def report_link(name: str, **kwargs: Any) -> str:
    """The address of a report page (board pack, cycle report), or "" while that route does not exist:
    the reports are another part of the module, and a page never links to a route that is not there."""
    try:
        return reverse(f"monitoring:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""


def action_href(action_id: int) -> str:
    return reverse("reviews:action_detail", args=[action_id])


# --- Schedules ----------------------------------------------------------------------------------


def _date_list(dates: Sequence[date], *, shown: int = 3) -> str:
    words = [format_date(d) for d in dates[:shown]]
    if len(dates) > shown:
        return f"{', '.join(words)} and {_plural(len(dates) - shown, 'more date')}"
    if len(words) > 1:
        return f"{', '.join(words[:-1])} and {words[-1]}"
    return words[0] if words else "no dates"


def cadence_words(schedule: MonitoringSchedule) -> str:
    """For example "Monthly, from 5 January 2026" or "On set dates: 31 March 2027 and 30 June 2027"."""
    if schedule.cadence == Cadence.CUSTOM:
        dates = services.parse_custom_dates(schedule.custom_dates)
        return f"On set dates: {_date_list(sorted(dates))}"
    words = f"{Cadence(schedule.cadence).label}, from {format_date(schedule.starts_on)}"
    if schedule.ends_on:
        words += f" until {format_date(schedule.ends_on)}"
    return words


def next_dates(schedule: MonitoringSchedule, *, today: date, count: int = 3) -> list[date]:
    """The next dates the schedule opens a cycle on, after today (none for a stopped schedule)."""
    if not schedule.is_active:
        return []
    upcoming = services.occurrences(
        cadence=schedule.cadence,
        starts_on=schedule.starts_on,
        ends_on=schedule.ends_on,
        custom_dates=services.parse_custom_dates(schedule.custom_dates),
        until=add_months(today, 12 * 3),
    )
    return [d for d in upcoming if d > today][:count]


def _next_cycle(schedule: MonitoringSchedule, today: date) -> str:
    if not schedule.is_active:
        return "Stopped: no more cycles"
    following = services.next_occurrence(schedule, after=today)
    return format_date(following) if following else "None: the schedule has ended"


def schedule_row(schedule: MonitoringSchedule, *, today: date) -> dict[str, Any]:
    return {
        "name": schedule.name,
        "href": reverse("monitoring:schedule_detail", args=[schedule.pk]),
        "board": schedule.board.short_name,
        "subgroup": schedule.subgroup.name,
        "plan": schedule.plan.title if schedule.plan_id else "Every plan the subgroup monitors",  # type: ignore[union-attr]
        "cadence": cadence_words(schedule),
        "next_cycle": _next_cycle(schedule, today),
    }


def schedule_heading(schedule: MonitoringSchedule) -> dict[str, Any]:
    return {
        "caption": f"{schedule.board.short_name}, {schedule.subgroup.name}",
        "title": schedule.name,
        "href": reverse("monitoring:schedule_detail", args=[schedule.pk]),
    }


def schedule_summary(schedule: MonitoringSchedule) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"key": {"text": "Board"}, "value": {"text": schedule.board.name}},
        {"key": {"text": "Monitored by"}, "value": {"text": schedule.subgroup.name}},
        {
            "key": {"text": "Plans covered"},
            "value": {
                "text": schedule.plan.title if schedule.plan_id else "Every plan the subgroup monitors"  # type: ignore[union-attr]
            },
        },
        {"key": {"text": "How often"}, "value": {"text": cadence_words(schedule)}},
        {
            "key": {"text": "Running"},
            "value": {"text": "Yes" if schedule.is_active else "No: stopped, no more cycles open"},
        },
        {
            "key": {"text": "Time to answer"},
            "value": {"text": _plural(schedule.response_working_days, "working day")},
        },
        {
            "key": {"text": "Reminder"},
            "value": {
                "text": (
                    f"{_plural(schedule.reminder_working_days_before, 'working day')} before the deadline"
                    if schedule.reminder_working_days_before
                    else "No reminder"
                )
            },
        },
        {
            "key": {"text": "Chaser"},
            "value": {
                "text": f"{_plural(schedule.chase_working_days_after, 'working day')} after the deadline"
            },
        },
        {
            "key": {"text": "Escalation to the business manager"},
            "value": {
                "text": f"{_plural(schedule.escalate_working_days_after, 'working day')} after the deadline"
            },
        },
    ]
    if schedule.cross_board_recipient_id:
        every = schedule.summary_every_cycles
        rows.append(
            {
                "key": {"text": "Cross-board summary"},
                "value": {
                    "text": f"To {schedule.cross_board_recipient.name}"  # type: ignore[union-attr]
                    + (f", every {_plural(every, 'cycle')}" if every else ", when sent")
                },
            }
        )
    return rows


# --- Cycles -------------------------------------------------------------------------------------


def cycle_tag(cycle: MonitoringCycle) -> dict[str, str]:
    return dict(CYCLE_TAGS.get(cycle.status, {"text": cycle.status, "classes": "govuk-tag--grey"}))


def cycle_title(cycle: MonitoringCycle) -> str:
    return f"Cycle {cycle.number}, opened {format_date(cycle.opens_on)}"


def _snapshot(cycle: MonitoringCycle) -> Any:
    # select_related("snapshot") leaves no attribute when there is none (a reverse one-to-one).
    try:
        return cycle.snapshot
    except AttributeError:
        return None


def cycle_row(cycle: Any, *, today: date) -> dict[str, Any]:
    """One cycle in a list, with its counts when the query annotated them (waiting, answered, stale)."""
    snapshot = _snapshot(cycle) if cycle.status == CycleStatus.CLOSED else None
    meeting_id = getattr(cycle, "last_meeting_id", None)
    waiting = getattr(cycle, "waiting", None)
    return {
        "title": cycle_title(cycle),
        "href": reverse("monitoring:cycle_detail", args=[cycle.pk]),
        "schedule": cycle.schedule.name,
        "board": cycle.schedule.board.short_name,
        "tag": cycle_tag(cycle),
        "opens_on": format_date(cycle.opens_on),
        "opens_on_iso": iso(cycle.opens_on),
        "deadline": format_date(cycle.deadline),
        "deadline_iso": iso(cycle.deadline),
        "deadline_passed": cycle.status == CycleStatus.OPEN and cycle.deadline < today,
        "waiting": waiting,
        "answered": getattr(cycle, "answered", None),
        "stale": getattr(cycle, "stale", None),
        "closed_on": format_date(snapshot.taken_on) if snapshot else "",
        "snapshot_actions": snapshot.action_count if snapshot else None,
        "board_pack_href": report_link("board_pack", pk=meeting_id) if meeting_id else "",
    }


def request_status_tag(request: UpdateRequest, *, today: date) -> dict[str, str]:
    if request.status == RequestStatus.ANSWERED:
        return {"text": "Answered", "classes": "govuk-tag--green"}
    if request.status == RequestStatus.WITHDRAWN:
        return {"text": "Withdrawn", "classes": "govuk-tag--grey"}
    if request.deadline < today:
        return {"text": "Overdue: no update", "classes": "govuk-tag--red"}
    return {"text": "Waiting for an update", "classes": "govuk-tag--yellow"}


def timeliness(request: UpdateRequest, *, today: date) -> str:
    if request.status == RequestStatus.WITHDRAWN:
        return "Not needed"
    if request.status == RequestStatus.ANSWERED and request.answered_at is not None:
        answered_on = request.answered_at.astimezone(LONDON).date()
        return "On time" if answered_on <= request.deadline else "Late"
    return "Late: not answered" if request.deadline < today else "Not due yet"


def _answered_on(request: UpdateRequest) -> str:
    if request.answered_at is None:
        return ""
    return format_date(request.answered_at.astimezone(LONDON).date())


def request_rows(requests: Iterable[UpdateRequest], *, today: date) -> list[dict[str, Any]]:
    """The cycle page's requests table."""
    rows = []
    for request in requests:
        action = request.action
        rows.append(
            {
                "reference": action.reference,
                "title": action.title,
                "href": action_href(action.pk),
                "agency": action.plan.owner_name,
                "owner": person(request.owner, "Nobody: no lead officer or agency lead to ask"),
                "status_tag": request_status_tag(request, today=today),
                "stale_tag": STALE_TAG if request.is_stale else None,
                "answered_on": _answered_on(request) or "Not answered",
                "answered_iso": iso(request.answered_at),
                "timeliness": timeliness(request, today=today),
                "proposed": (
                    f"New date asked for: {format_date(request.proposed_due_date)}"
                    if request.proposed_due_date
                    else ""
                ),
            }
        )
    return rows


def request_counts(requests: Sequence[UpdateRequest], *, today: date) -> list[dict[str, Any]]:
    """The summary above the requests table, counted from the rows already loaded."""
    live = [r for r in requests if r.status != RequestStatus.WITHDRAWN]
    waiting = [r for r in live if r.status == RequestStatus.REQUESTED]
    answered = [r for r in live if r.status == RequestStatus.ANSWERED]
    late = [r for r in answered if timeliness(r, today=today) == "Late"]
    overdue = [r for r in waiting if r.deadline < today]
    return [
        {"label": "Requests sent", "count": len(live)},
        {"label": "Waiting for an update", "count": len(waiting)},
        {"label": "Of which past the deadline", "count": len(overdue)},
        {"label": "Answered", "count": len(answered)},
        {"label": "Of which answered late", "count": len(late)},
        {"label": "Stale: no update since the last cycle", "count": sum(1 for r in live if r.is_stale)},
    ]


def cycle_summary(cycle: MonitoringCycle) -> list[dict[str, Any]]:
    schedule = cycle.schedule
    rows: list[dict[str, Any]] = [
        {
            "key": {"text": "Schedule"},
            "value": {
                "html": _link(reverse("monitoring:schedule_detail", args=[schedule.pk]), schedule.name)
            },
        },
        {"key": {"text": "Board"}, "value": {"text": schedule.board.name}},
        {"key": {"text": "Monitored by"}, "value": {"text": schedule.subgroup.name}},
        {"key": {"text": "Opened"}, "value": {"text": format_date(cycle.opens_on)}},
        {"key": {"text": "Updates due by"}, "value": {"text": format_date(cycle.deadline)}},
    ]
    snapshot = _snapshot(cycle)
    if cycle.status == CycleStatus.CLOSED:
        closed = format_datetime(cycle.closed_at) if cycle.closed_at else "Not recorded"
        rows.append({"key": {"text": "Closed"}, "value": {"text": closed}})
    if snapshot is not None:
        rows.append(
            {
                "key": {"text": "Snapshot"},
                "value": {
                    "text": f"{_plural(snapshot.action_count, 'action')} as they stood on "
                    f"{format_date(snapshot.taken_on)}"
                },
            }
        )
    return rows


def _link(href: str, text: str) -> Markup:
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(escape(href), escape(text))


def meeting_rows(meetings: Iterable[Meeting]) -> list[dict[str, Any]]:
    return [
        {
            "title": f"{meeting.subgroup.name}, {format_date(meeting.held_on)}",
            "href": reverse("monitoring:meeting_detail", args=[meeting.pk]),
            "held_on": format_date(meeting.held_on),
            "held_on_iso": iso(meeting.held_on),
            "location": meeting.location or "Not recorded",
            "tag": MEETING_TAGS.get(meeting.status, {"text": meeting.status, "classes": "govuk-tag--grey"}),
            "cycle": meeting.cycle.label if _cycle_loaded(meeting) else "",
            "board_pack_href": report_link("board_pack", pk=meeting.pk),
        }
        for meeting in meetings
    ]


def _cycle_loaded(meeting: Meeting) -> bool:
    return "cycle" in meeting._state.fields_cache


# --- Home ---------------------------------------------------------------------------------------


def home_page(
    *,
    boards: Sequence[Any],
    schedules: Iterable[MonitoringSchedule],
    open_cycles: Iterable[MonitoringCycle],
    meetings: Iterable[Meeting],
    closed_cycles: Iterable[MonitoringCycle],
    owed: Sequence[tuple[int, date, int, str]],
    today: date,
) -> dict[str, Any]:
    waiting = sum(row[2] for row in owed)
    return {
        "serves_a_board": bool(boards),
        "boards": [b.short_name for b in boards],
        "new_schedule_links": [
            {
                "text": f"Set up a monitoring schedule for {board.short_name}",
                "href": reverse("monitoring:schedule_create") + f"?board={board.pk}",
            }
            for board in boards
            if getattr(board, "manages", False)
        ],
        "schedules": [schedule_row(s, today=today) for s in schedules],
        "open_cycles": [cycle_row(c, today=today) for c in open_cycles],
        "meetings": meeting_rows(meetings),
        "closed_cycles": [cycle_row(c, today=today) for c in closed_cycles],
        "owed": waiting,
        "owed_text": (
            f"You have {_plural(waiting, 'progress update')} to send."
            if waiting
            else "You have no progress updates to send."
        ),
        "requests_href": reverse("monitoring:request_list"),
        "dashboard_href": report_link("dashboard") if boards else "",
    }


# --- Update requests ----------------------------------------------------------------------------


def my_request_rows(requests: Iterable[UpdateRequest], *, today: date) -> list[dict[str, Any]]:
    rows = []
    for request in requests:
        action = request.action
        cycle = request.cycle
        answered = request.status == RequestStatus.ANSWERED
        rows.append(
            {
                "reference": action.reference,
                "title": action.title,
                "href": action_href(action.pk),
                "agency": action.plan.owner_name,
                "cycle": f"{cycle.schedule.name}: {cycle.label}",
                "deadline": format_date(request.deadline),
                "deadline_iso": iso(request.deadline),
                "status_tag": request_status_tag(request, today=today),
                "stale_tag": STALE_TAG if request.is_stale else None,
                "answer_href": (
                    reverse("monitoring:request_answer", args=[request.pk])
                    if request.status != RequestStatus.WITHDRAWN
                    else ""
                ),
                "answer_text": "Send another update" if answered else "Send your update",
            }
        )
    return rows


def request_heading(request: UpdateRequest, *, today: date) -> dict[str, Any]:
    action = request.action
    cycle = request.cycle
    return {
        "reference": action.reference,
        "title": action.title,
        "href": action_href(action.pk),
        "cycle": f"{cycle.schedule.name}: {cycle.label}",
        "status_tag": request_status_tag(request, today=today),
        "stale_tag": STALE_TAG if request.is_stale else None,
        "facts": [
            {"key": {"text": "Owned by"}, "value": {"text": action.plan.owner_name}},
            {"key": {"text": "Lead officer"}, "value": {"text": lead_officer_name(action)}},
            {"key": {"text": "Action status"}, "value": {"text": action_status_tag(action.status)["text"]}},
            {"key": {"text": "Action due"}, "value": {"text": format_date(action.due_date)}},
            {"key": {"text": "Update due by"}, "value": {"text": format_date(request.deadline)}},
        ],
        "answered": request.status == RequestStatus.ANSWERED,
        "answered_on": _answered_on(request),
        "closed": cycle.status != CycleStatus.OPEN,
        "withdrawn": request.status == RequestStatus.WITHDRAWN,
    }


def latest_update(update: Any) -> dict[str, str] | None:
    if update is None:
        return None
    return {
        "when": format_datetime(update.written_at),
        "when_iso": iso(update.written_at),
        "who": person(update.author),
        "claimed": update.get_claimed_display(),
        "narrative": update.narrative,
    }


# --- Meetings -----------------------------------------------------------------------------------


def meeting_heading(meeting: Meeting) -> dict[str, Any]:
    return {
        "caption": f"{meeting.cycle.schedule.board.short_name}, {meeting.cycle.label}",
        "title": f"{meeting.subgroup.name} meeting, {format_date(meeting.held_on)}",
        "href": reverse("monitoring:meeting_detail", args=[meeting.pk]),
        "tag": MEETING_TAGS.get(meeting.status, {"text": meeting.status, "classes": "govuk-tag--grey"}),
    }


def meeting_summary(meeting: Meeting) -> list[dict[str, Any]]:
    cycle = meeting.cycle
    return [
        {"key": {"text": "Date"}, "value": {"text": format_date(meeting.held_on)}},
        {"key": {"text": "Where"}, "value": {"text": meeting.location or "Not recorded"}},
        {
            "key": {"text": "Monitoring cycle"},
            "value": {"html": _link(reverse("monitoring:cycle_detail", args=[cycle.pk]), cycle.label)},
        },
        {"key": {"text": "Status"}, "value": {"text": MEETING_TAGS[meeting.status]["text"]}},
    ]


def attendance_rows(records: Iterable[Any]) -> list[dict[str, str]]:
    return [{"name": person(r.user), "attendance": r.get_attendance_display()} for r in records]


def _evidence(item: AgendaItem) -> dict[str, Any] | None:
    evidence = item.evidence
    if evidence is None:
        return None
    download = ""
    if evidence.kind == EvidenceKind.FILE and evidence.file:
        download = reverse("reviews:evidence_download", args=[evidence.pk])
    return {
        "kind": evidence.get_kind_display(),
        "description": evidence.description,
        "submitted": format_datetime(evidence.submitted_at),
        "download_href": download,
        "download_text": evidence.original_filename or "Download the file",
        "link": evidence.link if evidence.kind == EvidenceKind.LINK else "",
        "decision": evidence.get_decision_display(),
    }


def _decisions(item: AgendaItem) -> list[dict[str, str]]:
    return [
        {
            "kind": d.get_kind_display(),
            "note": d.note,
            "by": person(d.decided_by),
            "when": format_datetime(d.decided_at),
            "when_iso": iso(d.decided_at),
        }
        for d in item.decisions.all()
    ]


def is_decided(item: AgendaItem) -> bool:
    """A final decision is recorded: noted and escalated items stay open for another decision."""
    return any(d.kind not in OPEN_ENDED for d in item.decisions.all())


def agenda_item(item: AgendaItem, *, form: Any, can_decide: bool) -> dict[str, Any]:
    action: Action = item.action
    request = item.request
    proposed = None
    if item.reason == AgendaReason.REPROGRAMMING and request is not None and request.proposed_due_date:
        proposed = {
            "date": format_date(request.proposed_due_date),
            "current": format_date(action.due_date),
            "reason": request.proposed_reason,
        }
    decided = is_decided(item)
    return {
        "pk": item.pk,
        "anchor": f"item-{item.pk}",
        "position": item.position,
        "reference": action.reference,
        "title": action.title,
        "href": action_href(action.pk),
        "agency": action.plan.owner_name,
        "lead": lead_officer_name(action),
        "due": format_date(action.due_date),
        "status_tag": action_status_tag(action.status),
        "evidence": _evidence(item),
        "proposed": proposed,
        "decisions": _decisions(item),
        "decided": decided,
        "form": form if can_decide and not decided else None,
        "decide_href": reverse("monitoring:item_decide", args=[item.pk]),
        "offers_impact": DecisionKind.ASSESS_IMPACT in DECISIONS_FOR_REASON.get(item.reason, ()),
    }


def agenda_sections(
    items: Sequence[AgendaItem], *, forms: dict[int, Any], can_decide: bool
) -> list[dict[str, Any]]:
    """The agenda grouped by reason, most pressing first (AgendaReason's order)."""
    sections = []
    for reason, label in AgendaReason.choices:
        entries = [
            agenda_item(item, form=forms.get(item.pk), can_decide=can_decide)
            for item in items
            if item.reason == reason
        ]
        if entries:
            sections.append({"reason": reason, "heading": label, "items": entries, "id": f"agenda-{reason}"})
    return sections


def breadcrumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [{"text": "Monitoring", "href": reverse("monitoring:home")}]
    crumbs += [{"text": text, "href": href} for text, href in pairs]
    return crumbs


def schedule_crumbs(schedule: MonitoringSchedule) -> list[dict[str, str]]:
    return breadcrumbs((schedule.name, reverse("monitoring:schedule_detail", args=[schedule.pk])))


def cycle_crumbs(cycle: MonitoringCycle) -> list[dict[str, str]]:
    return [
        *schedule_crumbs(cycle.schedule),
        {"text": cycle.label, "href": reverse("monitoring:cycle_detail", args=[cycle.pk])},
    ]


def meeting_crumbs(meeting: Meeting) -> list[dict[str, str]]:
    return [
        *cycle_crumbs(meeting.cycle),
        {
            "text": f"Meeting, {format_date(meeting.held_on)}",
            "href": reverse("monitoring:meeting_detail", args=[meeting.pk]),
        },
    ]


def paragraphs(text: str) -> list[str]:
    """Text typed in a textarea, one paragraph a line (templates never need to keep line breaks)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def days_until(value: date, *, today: date) -> str:
    delta = (value - today).days
    if delta == 0:
        return "today"
    if delta > 0:
        return f"in {_plural(delta, 'day')}"
    return f"{_plural(-delta, 'day')} ago"


__all__ = [
    "agenda_sections",
    "attendance_rows",
    "breadcrumbs",
    "cadence_words",
    "cycle_crumbs",
    "cycle_row",
    "cycle_summary",
    "cycle_tag",
    "cycle_title",
    "days_until",
    "home_page",
    "latest_update",
    "meeting_crumbs",
    "meeting_heading",
    "meeting_rows",
    "meeting_summary",
    "my_request_rows",
    "next_dates",
    "paragraphs",
    "report_link",
    "request_counts",
    "request_heading",
    "request_rows",
    "schedule_crumbs",
    "schedule_heading",
    "schedule_row",
    "schedule_summary",
]


def summary_links(snapshot_id: int | None, reviews: Iterable[Any]) -> list[dict[str, str]]:
    """Links to the cross-board summary of each review a closed cycle's board co-owns with another board."""
    if snapshot_id is None:
        return []
    return [
        {
            "text": f"Summary of {review.reference} ({review.subject_pseudonym}) for the partner board",
            "href": reverse(
                "monitoring:cross_board_summary", kwargs={"pk": snapshot_id, "review_pk": review.pk}
            ),
        }
        for review in reviews
    ]
