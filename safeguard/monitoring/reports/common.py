"""Shared shapes and row builders for the reports: one `ActionRow` whether it comes from a snapshot or from
live data, RAG counts, and the agenda lines of a meeting.

Reproducibility: a report of a closed cycle is built from that cycle's Snapshot rows alone (plus the meeting's
own agenda and decisions, and the cycle's stale flags, which never change once the cycle opened), so last
March's pack reads the same next year whatever has happened to the actions since. A report of an open cycle
is built from live data into exactly the same shape, with the same definitions (services.take_snapshot's)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeguard.core.calendar import LONDON
from safeguard.monitoring.models import (
    AgendaItem,
    CycleStatus,
    Decision,
    Meeting,
    MonitoringCycle,
    RequestStatus,
    Snapshot,
    SnapshotRow,
    UpdateRequest,
)
from safeguard.reviews.models import (
    DELIVERED_STATES,
    Action,
    ActionStatus,
    ImpactAssessment,
    ProgressUpdate,
    Rag,
)
from safeguard.reviews.rag import rag_expression

RAGS = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
# Delivered, whatever the board has decided about it since.
DONE_STATES = frozenset(DELIVERED_STATES | {ActionStatus.CLOSED})

# Exception reasons, most pressing first (the presenter gives each its words).
OVERDUE = "overdue"
RED = "red"
STALE = "stale"
MISSED = "missed"
EXCEPTION_ORDER = (OVERDUE, RED, STALE, MISSED)

# Annual report extracts cover the years Safeguard can hold data for.
FIRST_REPORT_YEAR = 2000
# The dashboard's windows.
TREND_SNAPSHOTS = 24
TIMELINESS_CYCLES = 6

NO_REVIEW = "No review"


@dataclass(frozen=True)
class ActionRow:
    """One action as a report shows it: from a SnapshotRow (closed cycles) or from live data (open ones)."""

    action_id: int
    plan_id: int
    number: int
    reference: str
    title: str
    review_id: int | None
    review_reference: str
    agency_name: str
    lead_officer: str
    due_date: date | None
    status: str
    rag: str
    is_reprogrammed: bool
    latest_update: str
    latest_update_at: datetime | None
    updated_in_cycle: bool
    updated_on_time: bool
    impact_verdict: str
    stale: bool
    # The cycle asked the owner for an update on this action (not inferred from its status, which may
    # have moved since: returned evidence puts a delivered action back in progress).
    requested: bool


@dataclass(frozen=True)
class RagCounts:
    label: str
    red: int = 0
    amber: int = 0
    green: int = 0
    blue: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.blue

    def get(self, rag: str) -> int:
        return int(getattr(self, rag, 0))

    @classmethod
    def of(cls, label: str, counter: Counter[str] | dict[str, int]) -> RagCounts:
        return cls(label=label, **{rag: int(counter.get(rag, 0)) for rag in RAGS})


def group_rows(rows: Iterable[ActionRow], key: Any, *, order: Any = None) -> tuple[RagCounts, ...]:
    counters: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counters[key(row)][row.rag] += 1
    labels = sorted(counters, key=order or (lambda label: label.casefold()))
    return tuple(RagCounts.of(label, counters[label]) for label in labels)


def review_order(label: str) -> tuple[int, str]:
    return (1 if label == NO_REVIEW else 0, label.casefold())


def row_number(reference: str) -> int:
    try:
        return int(reference.rsplit(".", 1)[-1])
    except ValueError:
        return 0


def snapshot_rows(queryset: QuerySet[SnapshotRow], stale_ids: set[int] | frozenset[int]) -> list[ActionRow]:
    rows = [
        ActionRow(
            action_id=r["action_id"],
            plan_id=r["plan_id"],
            number=row_number(r["reference"]),
            reference=r["reference"],
            title=r["title"],
            review_id=r["review_id"],
            review_reference=r["review__reference"] or NO_REVIEW,
            agency_name=r["agency_name"],
            lead_officer=r["lead_officer"],
            due_date=r["due_date"],
            status=r["status"],
            rag=r["rag"],
            is_reprogrammed=r["is_reprogrammed"],
            latest_update=r["latest_update"],
            latest_update_at=r["latest_update_at"],
            updated_in_cycle=r["updated_in_cycle"],
            updated_on_time=r["updated_on_time"],
            impact_verdict=r["impact_verdict"],
            stale=r["action_id"] in stale_ids,
            requested=r["requested"],
        )
        for r in queryset.values(
            "action_id",
            "plan_id",
            "reference",
            "title",
            "review_id",
            "review__reference",
            "agency_name",
            "lead_officer",
            "due_date",
            "status",
            "rag",
            "is_reprogrammed",
            "latest_update",
            "latest_update_at",
            "updated_in_cycle",
            "updated_on_time",
            "impact_verdict",
            "requested",
        ).order_by()
    ]
    rows.sort(key=lambda row: (row.plan_id, row.number))
    return rows


def live_rows(cycle: MonitoringCycle, actions: QuerySet[Action], *, as_of: date) -> list[ActionRow]:
    """The same columns as a SnapshotRow, computed now, with the snapshot's definitions (services.take_snapshot):
    answered means a progress update since the request (whether or not the request page was used)."""
    now = timezone.now()
    latest = ProgressUpdate.objects.filter(action_id=OuterRef("pk"), written_at__lte=now).order_by(
        "-written_at", "-pk"
    )
    impact = ImpactAssessment.objects.filter(action_id=OuterRef("pk")).order_by("-assessed_at", "-pk")
    requests = UpdateRequest.objects.filter(cycle=cycle, action_id=OuterRef("pk")).exclude(
        status=RequestStatus.WITHDRAWN
    )
    update_since_request = ProgressUpdate.objects.filter(
        action_id=OuterRef("action_id"), written_at__gte=OuterRef("requested_at")
    )
    answered = requests.filter(
        Q(status=RequestStatus.ANSWERED) | Q(Exists(update_since_request), status=RequestStatus.REQUESTED)
    )
    on_time = requests.filter(
        Q(status=RequestStatus.ANSWERED, answered_at__date__lte=cycle.deadline)
        | Q(
            Exists(update_since_request.filter(written_at__date__lte=cycle.deadline)),
            status=RequestStatus.REQUESTED,
        )
    )
    stale = requests.filter(is_stale=True)
    queryset = actions.annotate(
        rag=rag_expression(today=as_of),
        latest_update=Subquery(latest.values("narrative")[:1]),
        latest_update_at=Subquery(latest.values("written_at")[:1]),
        impact_verdict=Subquery(impact.values("verdict")[:1]),
        updated_in_cycle=Exists(answered),
        updated_on_time=Exists(on_time),
        stale=Exists(stale),
        requested=Exists(requests),
    ).values(
        "pk",
        "plan_id",
        "number",
        "title",
        "plan__review_id",
        "plan__review__reference",
        "plan__owner_agency__name",
        "plan__owner_board__name",
        "lead_officer__full_name",
        "lead_officer_name",
        "due_date",
        "status",
        "rag",
        "is_reprogrammed",
        "latest_update",
        "latest_update_at",
        "updated_in_cycle",
        "updated_on_time",
        "impact_verdict",
        "stale",
        "requested",
    )
    return [
        ActionRow(
            action_id=a["pk"],
            plan_id=a["plan_id"],
            number=a["number"],
            reference=f"{a['plan_id']}.{a['number']}",
            title=a["title"],
            review_id=a["plan__review_id"],
            review_reference=a["plan__review__reference"] or NO_REVIEW,
            agency_name=a["plan__owner_agency__name"] or a["plan__owner_board__name"] or "",
            lead_officer=a["lead_officer__full_name"] or a["lead_officer_name"] or "",
            due_date=a["due_date"],
            status=a["status"],
            rag=a["rag"],
            is_reprogrammed=a["is_reprogrammed"],
            latest_update=a["latest_update"] or "",
            latest_update_at=a["latest_update_at"],
            updated_in_cycle=a["updated_in_cycle"],
            updated_on_time=a["updated_on_time"],
            impact_verdict=a["impact_verdict"] or "",
            stale=a["stale"],
            requested=a["requested"],
        )
        for a in queryset.order_by("plan_id", "number")
    ]


def snapshot_of(cycle: MonitoringCycle) -> Snapshot | None:
    if cycle.status != CycleStatus.CLOSED:
        return None
    try:
        return cycle.snapshot
    except Snapshot.DoesNotExist:
        return None


def stale_action_ids(cycle: MonitoringCycle) -> frozenset[int]:
    # Set when the cycle opened and never changed afterwards: part of the cycle's frozen record.
    return frozenset(
        UpdateRequest.objects.filter(cycle=cycle, is_stale=True)
        .order_by()
        .values_list("action_id", flat=True)
    )


def local_date(value: datetime | None) -> date | None:
    return value.astimezone(LONDON).date() if value else None


@dataclass(frozen=True)
class DecisionLine:
    kind: str
    note: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class AgendaLine:
    position: int
    reason: str
    action_id: int
    reference: str
    title: str
    agency_name: str
    decisions: tuple[DecisionLine, ...] = ()


def agenda_lines(meeting: Meeting, rows_by_action: dict[int, ActionRow]) -> list[AgendaLine]:
    """The meeting's agenda with its decisions: two queries. For a closed cycle the action's reference and
    title come from the snapshot, so later edits to the action do not change last meeting's pack."""
    decisions: dict[int, list[DecisionLine]] = defaultdict(list)
    for d in (
        Decision.objects.filter(item__meeting=meeting)
        .select_related("decided_by")
        .order_by("item__position", "decided_at", "pk")
    ):
        decisions[d.item_id].append(
            DecisionLine(
                kind=d.kind,
                note=d.note,
                decided_by=d.decided_by.full_name or d.decided_by.email,
                decided_at=d.decided_at,
            )
        )
    lines = []
    for item in (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("action__plan__owner_agency", "action__plan__owner_board")
        .order_by("position")
    ):
        frozen = rows_by_action.get(item.action_id)
        action = item.action
        lines.append(
            AgendaLine(
                position=item.position,
                reason=item.reason,
                action_id=item.action_id,
                reference=frozen.reference if frozen else action.reference,
                title=frozen.title if frozen else action.title,
                agency_name=frozen.agency_name if frozen else action.plan.owner_name,
                decisions=tuple(decisions.get(item.pk, ())),
            )
        )
    return lines
