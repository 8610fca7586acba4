"""Reads for monitoring pages and the API: every one goes through permissions.py's scoped querysets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from safeguard.core.calendar import add_working_days
from safeguard.core.inbox import Rag
from safeguard.core.scoping import get_visible_or_404
from safeguard.monitoring import permissions as perms
from safeguard.monitoring.models import (
    AgendaItem,
    CycleStatus,
    Meeting,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    RequestStatus,
    Snapshot,
    UpdateRequest,
)

# One record for a user, through the scoped querysets: the same 404 for missing and not yours. The pages
# and the API share these.


def get_schedule_for(user: Any, pk: Any) -> MonitoringSchedule:
    return get_visible_or_404(
        perms.visible_schedules(user).select_related("board", "subgroup", "plan", "cross_board_recipient"),
        pk,
    )


def get_cycle_for(user: Any, pk: Any) -> MonitoringCycle:
    return get_visible_or_404(
        perms.visible_cycles(user).select_related("schedule__board", "schedule__subgroup", "snapshot"), pk
    )


def get_meeting_for(user: Any, pk: Any) -> Meeting:
    return get_visible_or_404(
        perms.visible_meetings(user).select_related("cycle__schedule__board", "subgroup"), pk
    )


def get_request_for(user: Any, pk: Any) -> UpdateRequest:
    return get_visible_or_404(
        perms.visible_requests(user).select_related(
            "cycle__schedule__board",
            "action__plan__owner_agency",
            "action__plan__owner_board",
            "action__lead_officer",
            "owner",
        ),
        pk,
    )


def get_item_for(user: Any, pk: Any) -> AgendaItem:
    return get_visible_or_404(
        AgendaItem.objects.filter(meeting__in=perms.visible_meetings(user)).select_related(
            "meeting__cycle__schedule__board", "meeting__subgroup"
        ),
        pk,
    )


def get_snapshot_for(user: Any, pk: Any) -> Snapshot:
    return get_visible_or_404(perms.visible_snapshots(user).select_related("cycle__schedule__board"), pk)


def get_delivery_for(user: Any, pk: Any) -> ReportDelivery:
    return get_visible_or_404(
        perms.visible_deliveries(user).select_related(
            "review", "from_board", "to_board", "snapshot__cycle__schedule", "sent_by"
        ),
        pk,
    )


def open_requests_summary(user: Any, *, today: date | None = None) -> list[tuple[int, date, int, str]]:
    """(cycle id, deadline, requests waiting, RAG) for each open cycle where the user owes updates. One query."""
    today = today or timezone.localdate()
    rows = (
        UpdateRequest.objects.filter(
            owner=user, status=RequestStatus.REQUESTED, cycle__status=CycleStatus.OPEN
        )
        .values("cycle_id")
        .annotate(deadline=Min("deadline"), waiting=Count("pk"))
        .order_by("deadline", "cycle_id")
    )
    soon = add_working_days(today, 2)
    out = []
    for row in rows:
        deadline = row["deadline"]
        rag = Rag.RED if deadline < today else Rag.AMBER if deadline <= soon else Rag.GREEN
        out.append((row["cycle_id"], deadline, row["waiting"], rag))
    return out


def my_requests(user: Any, *, cycle_id: int | None = None) -> QuerySet[UpdateRequest]:
    """Requests the user owes or may answer for, in open cycles, soonest deadline first."""
    from safeguard.reviews.permissions import _lead_agencies

    qs = UpdateRequest.objects.filter(cycle__status=CycleStatus.OPEN).filter(
        Q(owner=user)
        | Q(action__lead_officer=user)
        | Q(action__plan__owner_agency_id__in=_lead_agencies(user))
    )
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    return qs.select_related(
        "cycle__schedule", "action__plan__owner_agency", "action__plan__owner_board", "owner", "answer"
    ).order_by("status", "deadline", "action__plan_id", "action__number")
