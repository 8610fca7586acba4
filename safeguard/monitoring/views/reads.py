"""Reads for the monitoring pages, each through the scoped querysets of permissions.py.

Each returns one query's worth of rows with what its page shows already joined or counted, so a page
costs the same number of queries with one request (or agenda item, or cycle) as with five hundred.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from safeguard.monitoring import permissions as perms
from safeguard.monitoring.models import (
    AgendaItem,
    CycleStatus,
    Decision,
    Meeting,
    MeetingStatus,
    MonitoringCycle,
    MonitoringSchedule,
    RequestStatus,
    UpdateRequest,
)
from safeguard.monitoring.selectors import (  # noqa: F401 - the views fetch records through reads
    get_cycle_for,
    get_item_for,
    get_meeting_for,
    get_request_for,
    get_schedule_for,
)
from safeguard.people.models import Board, BoardRole, SubgroupMembership, User
from safeguard.reviews import permissions as review_perms

RECENT_CLOSED_CYCLES = 10


def served_boards(user: Any) -> QuerySet[Board]:
    """The boards the user serves, each with `manages`: whether they run its monitoring (its business
    manager or chair, or a chair of one of its subgroups)."""
    manages = BoardRole.objects.filter(
        user=user,
        board_id=OuterRef("pk"),
        ended_on__isnull=True,
        role__in=review_perms.BOARD_MANAGING_ROLES,
    )
    chairs = SubgroupMembership.objects.filter(
        user=user, subgroup__board_id=OuterRef("pk"), ended_on__isnull=True, is_chair=True
    )
    boards = (
        Board.objects.all()
        if user.is_superuser
        else Board.objects.filter(review_perms._in_boards("pk", user))
    )
    return boards.annotate(
        manages=ExpressionWrapper(Q(Exists(manages)) | Q(Exists(chairs)), output_field=BooleanField())
    ).order_by("name")


def with_counts(cycles: QuerySet[MonitoringCycle]) -> QuerySet[MonitoringCycle]:
    """Each cycle's requests counted in the same query: waiting, answered, and stale (withdrawn ones aside)."""
    live = ~Q(requests__status=RequestStatus.WITHDRAWN)
    return cycles.annotate(
        waiting=Count("requests", filter=Q(requests__status=RequestStatus.REQUESTED)),
        answered=Count("requests", filter=Q(requests__status=RequestStatus.ANSWERED)),
        stale=Count("requests", filter=Q(requests__is_stale=True) & live),
    )


def _last_meeting() -> Subquery:
    return Subquery(
        Meeting.objects.filter(cycle_id=OuterRef("pk")).order_by("-held_on", "-pk").values("pk")[:1]
    )


def active_schedules(user: Any) -> QuerySet[MonitoringSchedule]:
    return (
        perms.visible_schedules(user)
        .filter(is_active=True)
        .select_related("board", "subgroup", "plan")
        .order_by("board__short_name", "name")
    )


def open_cycles(user: Any) -> QuerySet[MonitoringCycle]:
    cycles = perms.visible_cycles(user).filter(status=CycleStatus.OPEN).select_related("schedule__board")
    return with_counts(cycles).order_by("deadline", "pk")


def planned_meetings(user: Any) -> QuerySet[Meeting]:
    return (
        perms.visible_meetings(user)
        .filter(status=MeetingStatus.PLANNED)
        .select_related("subgroup__board", "cycle")
        .order_by("held_on", "pk")
    )


def recent_closed_cycles(user: Any, *, limit: int = RECENT_CLOSED_CYCLES) -> QuerySet[MonitoringCycle]:
    return (
        perms.visible_cycles(user)
        .filter(status=CycleStatus.CLOSED)
        .select_related("schedule__board", "snapshot")
        .annotate(last_meeting_id=_last_meeting())
        .order_by("-closed_at", "-pk")[:limit]
    )


# --- One record, for a user: the selectors' scoped lookups, shared with the API ----------------------


def schedule_cycles(schedule: MonitoringSchedule) -> QuerySet[MonitoringCycle]:
    cycles = schedule.cycles.select_related("schedule__board", "snapshot").annotate(
        last_meeting_id=_last_meeting()
    )
    return with_counts(cycles).order_by("-opens_on", "-pk")


def cycle_requests(cycle: MonitoringCycle) -> QuerySet[UpdateRequest]:
    return cycle.requests.select_related(
        "action__plan__owner_agency", "action__plan__owner_board", "owner"
    ).order_by("action__plan_id", "action__number", "pk")


def cycle_meetings(cycle: MonitoringCycle) -> QuerySet[Meeting]:
    return cycle.meetings.select_related("subgroup").order_by("held_on", "pk")


def meeting_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda with each item's action, evidence, request and decisions: two queries in all."""
    return (
        meeting.items.select_related(
            "action__plan__owner_agency",
            "action__plan__owner_board",
            "action__lead_officer",
            "evidence",
            "request",
        )
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("decided_by").order_by("decided_at", "pk"),
            )
        )
        .order_by("position")
    )


def meeting_members(meeting: Meeting) -> QuerySet[User]:
    """Who the attendance is recorded for: the subgroup's current members, and anyone already recorded."""
    current = Q(
        subgroup_memberships__subgroup_id=meeting.subgroup_id, subgroup_memberships__ended_on__isnull=True
    )
    recorded = Q(pk__in=meeting.attendance.values("user_id"))
    return User.objects.filter(current | recorded).distinct().order_by("full_name", "email")
