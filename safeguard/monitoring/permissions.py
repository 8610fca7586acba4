"""Who may see and do what in monitoring.

Reads: a board's schedules, cycles, meetings, snapshots and reports are seen by the people who serve the
board (a board role or a seat on one of its subgroups); an update request is also seen by whoever may
answer it (its addressee, the action's lead officer, the owning agency's safeguarding leads); a delivered
report by the people who serve the board it came from or went to, and by its recipients.

Writes: the board's business manager, chair or a subgroup chair run schedules and cycles and send
reports; the chair of the monitoring subgroup (or the board's managers) plan meetings and keep the
minutes; only members of the subgroup record its decisions, and each decision is further checked by the
reviews service that carries it out (separation of duties lives there, in one place).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safeguard.monitoring.models import (
    Meeting,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    Snapshot,
    UpdateRequest,
)
from safeguard.people.models import Board, Subgroup
from safeguard.reviews import permissions as review_perms
from safeguard.reviews.models import Action


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _served_boards(user: Any) -> Q:
    """board_id is one the user serves, as subqueries (no list loaded first)."""
    return review_perms._in_boards("board_id", user)


def visible_schedules(user: Any) -> QuerySet[MonitoringSchedule]:
    if not _active(user):
        return MonitoringSchedule.objects.none()
    if user.is_superuser:
        return MonitoringSchedule.objects.all()
    return MonitoringSchedule.objects.filter(_served_boards(user))


def visible_cycles(user: Any) -> QuerySet[MonitoringCycle]:
    if not _active(user):
        return MonitoringCycle.objects.none()
    return MonitoringCycle.objects.filter(schedule__in=visible_schedules(user))


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    if not _active(user):
        return Meeting.objects.none()
    return Meeting.objects.filter(cycle__in=visible_cycles(user))


def visible_snapshots(user: Any) -> QuerySet[Snapshot]:
    if not _active(user):
        return Snapshot.objects.none()
    return Snapshot.objects.filter(cycle__in=visible_cycles(user))


def visible_requests(user: Any) -> QuerySet[UpdateRequest]:
    """The user's own requests, those they may answer (the action's lead officer, the owning agency's
    safeguarding lead: see can_answer and selectors.my_requests), and every request in the cycles of the
    boards they serve."""
    if not _active(user):
        return UpdateRequest.objects.none()
    return UpdateRequest.objects.filter(
        Q(owner=user)
        | Q(action__lead_officer=user)
        | Q(action__plan__owner_agency_id__in=review_perms._lead_agencies(user))
        | Q(cycle__in=visible_cycles(user))
    )


def visible_deliveries(user: Any) -> QuerySet[ReportDelivery]:
    if not _active(user):
        return ReportDelivery.objects.none()
    if user.is_superuser:
        return ReportDelivery.objects.all()
    return ReportDelivery.objects.filter(
        review_perms._in_boards("from_board_id", user)
        | review_perms._in_boards("to_board_id", user)
        | Q(recipients=user)
    ).distinct()


def serves_board(user: Any, board: Board) -> bool:
    return _active(user) and (user.is_superuser or board.pk in review_perms.user_board_ids(user))


def can_manage_monitoring(user: Any, board: Board) -> bool:
    """Set schedules, open and close cycles, send reports: the board's managers and subgroup chairs."""
    return review_perms.can_speak_for_board(user, board)


def is_member(user: Any, subgroup: Subgroup) -> bool:
    return (
        _active(user) and user.subgroup_memberships.filter(ended_on__isnull=True, subgroup=subgroup).exists()
    )


def can_run_meeting(user: Any, subgroup: Subgroup) -> bool:
    """Plan the meeting, keep attendance and finalise minutes: the subgroup's chair or the board's managers."""
    if not _active(user):
        return False
    return (
        user.subgroup_memberships.filter(ended_on__isnull=True, subgroup=subgroup, is_chair=True).exists()
        or user.board_roles.filter(
            ended_on__isnull=True, board_id=subgroup.board_id, role__in=review_perms.BOARD_MANAGING_ROLES
        ).exists()
    )


def can_answer(user: Any, request: UpdateRequest) -> bool:
    """Answer an update request: whoever may report on the action (its lead officer or the owning agency's
    lead), not only the person it was addressed to (leads cover for absent officers)."""
    return review_perms.can_report_on(user, request.action)


def can_judge_action(user: Any, action: Action) -> bool:
    return review_perms.can_judge(user, action)
