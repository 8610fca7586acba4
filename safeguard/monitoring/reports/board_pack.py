"""The board pack for a meeting: summary by review and agency, exceptions, decisions needed and taken."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from safeguard.monitoring.models import Meeting, SnapshotRow
from safeguard.monitoring.reports.common import (
    EXCEPTION_ORDER,
    MISSED,
    OVERDUE,
    RED,
    STALE,
    ActionRow,
    AgendaLine,
    RagCounts,
    agenda_lines,
    group_rows,
    live_rows,
    review_order,
    snapshot_of,
    snapshot_rows,
    stale_action_ids,
)
from safeguard.monitoring.services import cycle_actions
from safeguard.reviews.models import OPEN_STATES, Rag


@dataclass(frozen=True)
class ExceptionRow:
    row: ActionRow
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class BoardPack:
    meeting_id: int
    board: str
    subgroup: str
    meeting_on: date
    meeting_status: str
    cycle_id: int
    cycle_label: str
    cycle_opens_on: date
    cycle_deadline: date
    # "snapshot" (the cycle has closed: frozen data) or "live" (the cycle is open: today's data).
    source: str
    as_of: date
    snapshot_id: int | None
    snapshot_taken_at: datetime | None
    rows: tuple[ActionRow, ...]
    totals: RagCounts
    by_review: tuple[RagCounts, ...]
    by_agency: tuple[RagCounts, ...]
    exceptions: tuple[ExceptionRow, ...]
    exception_counts: tuple[tuple[str, int], ...]
    updates_requested: int
    updates_received: int
    updates_on_time: int
    decisions_needed: tuple[AgendaLine, ...]
    decisions_taken: tuple[AgendaLine, ...]

    @property
    def is_frozen(self) -> bool:
        return self.source == "snapshot"


def exceptions_for(
    rows: Sequence[ActionRow], *, as_of: date, missed_counts: bool
) -> tuple[ExceptionRow, ...]:
    """Actions the board should look at: overdue or red, stale, or without the update asked for (once the
    deadline has passed: before it, a missing update is only "not yet")."""
    out = []
    for row in rows:
        reasons = []
        if row.status in OPEN_STATES and row.due_date is not None and row.due_date < as_of:
            reasons.append(OVERDUE)
        if row.rag == Rag.RED and OVERDUE not in reasons:
            reasons.append(RED)
        if row.stale:
            reasons.append(STALE)
        if missed_counts and row.requested and not row.updated_in_cycle:
            reasons.append(MISSED)
        if reasons:
            out.append(ExceptionRow(row=row, reasons=tuple(reasons)))
    return tuple(out)


def board_pack(meeting: Meeting, *, today: date | None = None) -> BoardPack:
    """The pack for a meeting: its cycle's snapshot if the cycle has closed, otherwise today's data."""
    cycle = meeting.cycle
    schedule = cycle.schedule
    snapshot = snapshot_of(cycle)
    stale_ids = stale_action_ids(cycle)
    if snapshot is not None:
        as_of = snapshot.taken_on
        rows = snapshot_rows(SnapshotRow.objects.filter(snapshot=snapshot), stale_ids)
        missed_counts = True
    else:
        as_of = today or timezone.localdate()
        rows = live_rows(cycle, cycle_actions(cycle), as_of=as_of)
        missed_counts = as_of > cycle.deadline
    exceptions = exceptions_for(rows, as_of=as_of, missed_counts=missed_counts)
    reason_counts = Counter(reason for e in exceptions for reason in e.reasons)
    agenda = agenda_lines(meeting, {row.action_id: row for row in rows} if snapshot is not None else {})
    requested = [row for row in rows if row.requested]
    return BoardPack(
        meeting_id=meeting.pk,
        board=schedule.board.name,
        subgroup=meeting.subgroup.name,
        meeting_on=meeting.held_on,
        meeting_status=meeting.status,
        cycle_id=cycle.pk,
        cycle_label=cycle.label,
        cycle_opens_on=cycle.opens_on,
        cycle_deadline=cycle.deadline,
        source="snapshot" if snapshot is not None else "live",
        as_of=as_of,
        snapshot_id=snapshot.pk if snapshot is not None else None,
        snapshot_taken_at=snapshot.taken_at if snapshot is not None else None,
        rows=tuple(rows),
        totals=RagCounts.of("All actions", Counter(row.rag for row in rows)),
        by_review=group_rows(rows, lambda r: r.review_reference, order=review_order),
        by_agency=group_rows(rows, lambda r: r.agency_name),
        exceptions=exceptions,
        exception_counts=tuple((reason, reason_counts.get(reason, 0)) for reason in EXCEPTION_ORDER),
        updates_requested=len(requested),
        updates_received=sum(1 for row in requested if row.updated_in_cycle),
        updates_on_time=sum(1 for row in requested if row.updated_on_time),
        decisions_needed=tuple(line for line in agenda if not line.decisions),
        decisions_taken=tuple(line for line in agenda if line.decisions),
    )
