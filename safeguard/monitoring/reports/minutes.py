"""The minutes of a subgroup meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safeguard.monitoring.models import AgendaItem, Meeting, MeetingAttendance, SnapshotRow
from safeguard.monitoring.reports.common import (
    ActionRow,
    AgendaLine,
    agenda_lines,
    snapshot_of,
    snapshot_rows,
)


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    attendance: str


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    board: str
    subgroup: str
    held_on: date
    location: str
    status: str
    cycle_label: str
    attendance: tuple[AttendanceLine, ...]
    items: tuple[AgendaLine, ...]
    minutes: str

    @property
    def is_final(self) -> bool:
        from safeguard.monitoring.models import MeetingStatus

        return self.status == MeetingStatus.HELD


def minutes(meeting: Meeting) -> Minutes:
    cycle = meeting.cycle
    snapshot = snapshot_of(cycle)
    frozen: dict[int, ActionRow] = {}
    if snapshot is not None:
        # Only the agenda's actions are needed: one query, not the whole snapshot.
        frozen = {
            row.action_id: row
            for row in snapshot_rows(
                SnapshotRow.objects.filter(
                    snapshot=snapshot,
                    action_id__in=AgendaItem.objects.filter(meeting=meeting).values("action_id"),
                ),
                frozenset(),
            )
        }
    attendance = tuple(
        AttendanceLine(name=a.user.full_name or a.user.email, attendance=a.attendance)
        for a in MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return Minutes(
        meeting_id=meeting.pk,
        board=cycle.schedule.board.name,
        subgroup=meeting.subgroup.name,
        held_on=meeting.held_on,
        location=meeting.location,
        status=meeting.status,
        cycle_label=cycle.label,
        attendance=attendance,
        items=tuple(agenda_lines(meeting, frozen)),
        minutes=meeting.minutes,
    )
