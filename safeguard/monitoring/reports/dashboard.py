"""The partnership dashboard: live RAG counts across the user's boards, and trends from their snapshots."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguard.monitoring.models import Snapshot, SnapshotRow
from safeguard.monitoring.reports.common import (
    NO_REVIEW,
    RAGS,
    TIMELINESS_CYCLES,
    TREND_SNAPSHOTS,
    RagCounts,
    review_order,
)
from safeguard.people.models import Board
from safeguard.reviews import permissions as review_perms
from safeguard.reviews.models import OPEN_STATES, Action, ActionPlan, ActionStatus, Review
from safeguard.reviews.rag import rag_expression


@dataclass(frozen=True)
class Timeliness:
    agency_name: str
    requested: int
    answered: int
    on_time: int

    @property
    def percent_on_time(self) -> int | None:
        return round(100 * self.on_time / self.requested) if self.requested else None


@dataclass(frozen=True)
class TrendPoint:
    snapshot_id: int
    taken_on: date
    board: str
    schedule: str
    cycle_number: int
    counts: RagCounts


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    boards: tuple[tuple[int, str, str], ...]  # (id, name, short name)
    totals: RagCounts
    by_review: tuple[RagCounts, ...]
    by_agency: tuple[RagCounts, ...]
    by_board: tuple[RagCounts, ...]
    overdue_by_agency: tuple[tuple[str, int], ...]
    timeliness: tuple[Timeliness, ...]
    timeliness_cycles: int
    trend: tuple[TrendPoint, ...]
    # (snapshot id, review id, review reference) for co-owned reviews in the recent snapshots.
    summaries: tuple[tuple[int, int, str], ...] = field(default=())


def served_boards(user: Any) -> QuerySet[Board]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Board.objects.all()
    if not (user is not None and user.is_authenticated and user.is_active):
        return Board.objects.none()
    return Board.objects.filter(review_perms._in_boards("pk", user))


def dashboard_actions(boards: QuerySet[Board]) -> QuerySet[Action]:
    """Agreed actions on plans the boards monitor or own (each action once, however many of the boards)."""
    monitored = ActionPlan.monitoring_boards.through.objects.filter(
        actionplan_id=OuterRef("plan_id"), board_id__in=boards.values("pk")
    )
    return Action.objects.filter(
        Q(Exists(monitored)) | Q(plan__owner_board_id__in=boards.values("pk"))
    ).exclude(status=ActionStatus.DRAFT)


def _pivot(rows: Iterable[dict[str, Any]], label: Any, order: Any = None) -> tuple[RagCounts, ...]:
    counters: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counters[label(row)][row["rag"]] += row["n"]
    labels = sorted(counters, key=order or (lambda value: value.casefold()))
    return tuple(RagCounts.of(value, counters[value]) for value in labels)


def _owner(row: dict[str, Any], prefix: str = "plan__") -> str:
    return row[f"{prefix}owner_agency__name"] or row[f"{prefix}owner_board__name"] or "Not recorded"


def dashboard(user: Any, *, today: date | None = None) -> Dashboard:
    """Live RAG counts across the user's boards, and trends from their snapshots: a fixed number of queries
    (one per table shown) whatever the number of actions, snapshots or boards."""
    as_of = today or timezone.localdate()
    boards = served_boards(user)
    board_list = tuple(boards.order_by("name").values_list("pk", "name", "short_name"))
    # One RAG expression for every query: the working-day window is computed (and its calendar read) once.
    rag = rag_expression(today=as_of)
    actions = dashboard_actions(boards).annotate(rag=rag)

    by_review = _pivot(
        actions.values("plan__review__reference", "rag").annotate(n=Count("pk")).order_by(),
        lambda r: r["plan__review__reference"] or NO_REVIEW,
        review_order,
    )
    # By agency, with the overdue count in the same query.
    agency_rows = list(
        actions.values("plan__owner_agency__name", "plan__owner_board__name", "rag")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(status__in=OPEN_STATES, due_date__lt=as_of)))
        .order_by()
    )
    by_agency = _pivot(agency_rows, _owner)
    # By board: an action monitored by two of the user's boards counts for each (the join is meant here).
    by_board = _pivot(
        Action.objects.filter(plan__monitoring_boards__in=boards.values("pk"))
        .exclude(status=ActionStatus.DRAFT)
        .annotate(rag=rag)
        .values("plan__monitoring_boards__short_name", "rag")
        .annotate(n=Count("pk"))
        .order_by(),
        lambda r: r["plan__monitoring_boards__short_name"],
    )
    overdue: Counter[str] = Counter()
    for row in agency_rows:
        if row["overdue"]:
            overdue[_owner(row)] += row["overdue"]
    overdue_by_agency = tuple(sorted(overdue.items(), key=lambda p: (-p[1], p[0])))

    snapshots = list(
        Snapshot.objects.filter(cycle__schedule__board__in=boards.values("pk"))
        .order_by("-taken_on", "-pk")
        .values(
            "pk",
            "taken_on",
            "cycle__number",
            "cycle__schedule__name",
            "cycle__schedule__board__short_name",
        )[:TREND_SNAPSHOTS]
    )
    snapshot_ids = [s["pk"] for s in snapshots]
    recent_ids = snapshot_ids[:TIMELINESS_CYCLES]
    trend_counts: dict[int, Counter[str]] = defaultdict(Counter)
    timeliness_rows: dict[str, Counter[str]] = defaultdict(Counter)
    if snapshot_ids:
        for row in (
            SnapshotRow.objects.filter(snapshot_id__in=snapshot_ids)
            .values("snapshot_id", "rag")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            trend_counts[row["snapshot_id"]][row["rag"]] += row["n"]
        for row in (
            SnapshotRow.objects.filter(snapshot_id__in=recent_ids, requested=True)
            .values("agency_name")
            .annotate(
                requested=Count("pk"),
                answered=Count("pk", filter=Q(updated_in_cycle=True)),
                on_time=Count("pk", filter=Q(updated_on_time=True)),
            )
            .order_by()
        ):
            timeliness_rows[row["agency_name"]].update(
                requested=row["requested"], answered=row["answered"], on_time=row["on_time"]
            )
    trend = tuple(
        TrendPoint(
            snapshot_id=s["pk"],
            taken_on=s["taken_on"],
            board=s["cycle__schedule__board__short_name"],
            schedule=s["cycle__schedule__name"],
            cycle_number=s["cycle__number"],
            counts=RagCounts.of(f"{s['taken_on']:%-d %b %Y}", trend_counts.get(s["pk"], Counter())),
        )
        for s in reversed(snapshots)
    )
    summaries: tuple[tuple[int, int, str], ...] = ()
    if recent_ids:
        # The reviews summary.summary_reviews offers: the snapshot's board owns them with another board.
        partners = Review.partner_boards.through.objects.filter(review_id=OuterRef("review_id"))
        board = "snapshot__cycle__schedule__board_id"
        summaries = tuple(
            SnapshotRow.objects.filter(snapshot_id__in=recent_ids, review__isnull=False)
            .filter(Exists(partners.exclude(board_id=F("review__lead_board_id"))))
            .filter(Q(review__lead_board_id=F(board)) | Q(Exists(partners.filter(board_id=OuterRef(board)))))
            .values_list("snapshot_id", "review_id", "review__reference")
            .distinct()
            .order_by("-snapshot_id", "review__reference")
        )
    return Dashboard(
        as_of=as_of,
        boards=board_list,
        totals=RagCounts.of(
            "All actions",
            Counter({rag: sum(r.get(rag) for r in by_agency) for rag in RAGS}),
        ),
        by_review=by_review,
        by_agency=by_agency,
        by_board=by_board,
        overdue_by_agency=overdue_by_agency,
        timeliness=tuple(
            Timeliness(
                agency_name=name,
                requested=c["requested"],
                answered=c["answered"],
                on_time=c["on_time"],
            )
            for name, c in sorted(timeliness_rows.items(), key=lambda item: item[0].casefold())
        ),
        timeliness_cycles=len(recent_ids),
        trend=trend,
        summaries=summaries,
    )
