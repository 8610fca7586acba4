"""The annual report extract: a board's monitoring year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeguard.core.calendar import LONDON
from safeguard.monitoring.reports.common import DONE_STATES, FIRST_REPORT_YEAR, NO_REVIEW
from safeguard.people.models import Board
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionStatusChange,
    ImpactAssessment,
    ProgressUpdate,
    Reprogramming,
    Review,
    ReviewStatus,
    ReviewStatusChange,
)


@dataclass(frozen=True)
class ReviewLine:
    review_id: int
    reference: str
    subject: str
    review_type: str
    status: str
    led: bool
    actions: int
    completed_in_year: int
    still_open: int


@dataclass(frozen=True)
class CompletedLine:
    action_id: int
    reference: str
    title: str
    review_reference: str
    agency_name: str
    closed_on: date
    impact_verdict: str


@dataclass(frozen=True)
class ImpactLine:
    action_id: int
    reference: str
    title: str
    review_reference: str
    agency_name: str
    verdict: str
    source: str
    assessed_on: date
    narrative: str


@dataclass(frozen=True)
class OverdueLine:
    action_id: int
    reference: str
    title: str
    review_reference: str
    agency_name: str
    due_date: date
    status: str
    reason: str
    # Where the reason comes from: "reprogramming", "update" or "" (none recorded).
    reason_source: str


@dataclass(frozen=True)
class AnnualReport:
    board_id: int
    board: str
    year: int
    starts_on: date
    ends_on: date
    # Overdue is judged on this day: the end of the year, or today while the year is still running.
    cutoff: date
    reviews: tuple[ReviewLine, ...]
    completed: tuple[CompletedLine, ...]
    impact: tuple[ImpactLine, ...]
    impact_counts: tuple[tuple[str, int], ...]
    overdue: tuple[OverdueLine, ...]

    @property
    def has_data(self) -> bool:
        return bool(self.reviews or self.completed or self.impact or self.overdue)


class YearOutOfRange(ValueError):
    def __init__(self, year: int, first: int, last: int) -> None:
        super().__init__(f"Annual report extracts cover {first} to {last}; {year} is outside that range.")
        self.year, self.first, self.last = year, first, last


def report_years(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return FIRST_REPORT_YEAR, today.year


def board_actions(board: Board) -> QuerySet[Action]:
    """The actions a board monitors or owns, as included in its annual report."""
    monitored = ActionPlan.monitoring_boards.through.objects.filter(
        actionplan_id=OuterRef("plan_id"), board_id=board.pk
    )
    return (
        Action.objects.filter(Q(Exists(monitored)) | Q(plan__owner_board_id=board.pk))
        .exclude(status=ActionStatus.DRAFT)
        .filter(in_annual_report=True)
    )


def _aware(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=LONDON)


def annual_report(board: Board, year: int, *, today: date | None = None) -> AnnualReport:
    """The board's monitoring year, for its annual report. Raises YearOutOfRange for an impossible year."""
    today = today or timezone.localdate()
    first, last = report_years(today)
    if not first <= year <= last:
        raise YearOutOfRange(year, first, last)
    starts_on, ends_on = date(year, 1, 1), date(year, 12, 31)
    cutoff = min(ends_on, today)
    start, end = _aware(starts_on, time.min), _aware(cutoff, time.max)
    actions = board_actions(board)

    # Reviews of the board (led or partner) that were monitoring actions at some point in the year: they
    # entered monitoring by its end and had not been closed before it began.
    partner = Review.partner_boards.through.objects.filter(review_id=OuterRef("pk"), board_id=board.pk)
    changes = ReviewStatusChange.objects.filter(review_id=OuterRef("pk"))
    reviews = list(
        Review.objects.filter(Q(lead_board_id=board.pk) | Q(Exists(partner)))
        .filter(Exists(changes.filter(to_status=ReviewStatus.MONITORING, at__lte=end)))
        .exclude(Exists(changes.filter(to_status=ReviewStatus.CLOSED, at__lt=start)))
        .order_by("reference")
        .values("pk", "reference", "subject_pseudonym", "review_type", "status", "lead_board_id")
    )
    counts: dict[int, dict[str, int]] = {}
    if reviews:
        for row in (
            actions.filter(plan__review_id__in=[r["pk"] for r in reviews])
            .values("plan__review_id")
            .annotate(
                total=Count("pk"),
                completed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lte=end)),
                still_open=Count("pk", filter=~Q(status=ActionStatus.CLOSED)),
            )
            .order_by()
        ):
            counts[row["plan__review_id"]] = row
    review_lines = tuple(
        ReviewLine(
            review_id=r["pk"],
            reference=r["reference"],
            subject=r["subject_pseudonym"],
            review_type=r["review_type"],
            status=r["status"],
            led=r["lead_board_id"] == board.pk,
            actions=counts.get(r["pk"], {}).get("total", 0),
            completed_in_year=counts.get(r["pk"], {}).get("completed", 0),
            still_open=counts.get(r["pk"], {}).get("still_open", 0),
        )
        for r in reviews
    )

    latest_impact = ImpactAssessment.objects.filter(action_id=OuterRef("pk"), assessed_at__lte=end).order_by(
        "-assessed_at", "-pk"
    )
    completed = tuple(
        CompletedLine(
            action_id=a["pk"],
            reference=f"{a['plan_id']}.{a['number']}",
            title=a["title"],
            review_reference=a["plan__review__reference"] or NO_REVIEW,
            agency_name=a["plan__owner_agency__name"] or a["plan__owner_board__name"] or "",
            closed_on=a["closed_at"].astimezone(LONDON).date(),
            impact_verdict=a["verdict"] or "",
        )
        for a in actions.filter(closed_at__gte=start, closed_at__lte=end)
        .annotate(verdict=Subquery(latest_impact.values("verdict")[:1]))
        .values(
            "pk",
            "plan_id",
            "number",
            "title",
            "plan__review__reference",
            "plan__owner_agency__name",
            "plan__owner_board__name",
            "closed_at",
            "verdict",
        )
        .order_by("closed_at", "plan_id", "number")
    )

    # Impact: each action's latest assessment, where that assessment was made in the year.
    newest_in_year = ImpactAssessment.objects.filter(
        action_id=OuterRef("action_id"), assessed_at__lte=end
    ).order_by("-assessed_at", "-pk")
    impact = tuple(
        ImpactLine(
            action_id=i["action_id"],
            reference=f"{i['action__plan_id']}.{i['action__number']}",
            title=i["action__title"],
            review_reference=i["action__plan__review__reference"] or NO_REVIEW,
            agency_name=i["action__plan__owner_agency__name"] or i["action__plan__owner_board__name"] or "",
            verdict=i["verdict"],
            source=i["source"],
            assessed_on=i["assessed_at"].astimezone(LONDON).date(),
            narrative=i["narrative"],
        )
        for i in ImpactAssessment.objects.filter(
            action__in=actions, assessed_at__gte=start, assessed_at__lte=end
        )
        .filter(pk=Subquery(newest_in_year.values("pk")[:1]))
        .values(
            "action_id",
            "action__plan_id",
            "action__number",
            "action__title",
            "action__plan__review__reference",
            "action__plan__owner_agency__name",
            "action__plan__owner_board__name",
            "verdict",
            "source",
            "assessed_at",
            "narrative",
        )
        .order_by("verdict", "action__plan_id", "action__number")
    )
    impact_counts = Counter(line.verdict for line in impact)

    # Overdue at the cutoff: agreed by then, due before it, and not delivered by then.
    delivered_by_cutoff = ActionStatusChange.objects.filter(
        action_id=OuterRef("pk"), to_status__in=list(DONE_STATES), at__lte=end
    )
    latest_update = ProgressUpdate.objects.filter(action_id=OuterRef("pk"), written_at__lte=end).order_by(
        "-written_at", "-pk"
    )
    latest_reprogramming = Reprogramming.objects.filter(
        action_id=OuterRef("pk"), approved_at__lte=end
    ).order_by("-approved_at", "-pk")
    overdue = []
    for a in (
        actions.filter(agreed_at__lte=end, due_date__lt=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=end))
        .exclude(Exists(delivered_by_cutoff))
        .annotate(
            update=Subquery(latest_update.values("narrative")[:1]),
            reprogramming=Subquery(latest_reprogramming.values("reason")[:1]),
        )
        .values(
            "pk",
            "plan_id",
            "number",
            "title",
            "plan__review__reference",
            "plan__owner_agency__name",
            "plan__owner_board__name",
            "due_date",
            "status",
            "update",
            "reprogramming",
        )
        .order_by("due_date", "plan_id", "number")
    ):
        if a["reprogramming"]:
            reason, source = a["reprogramming"], "reprogramming"
        elif a["update"]:
            reason, source = a["update"], "update"
        else:
            reason, source = "", ""
        overdue.append(
            OverdueLine(
                action_id=a["pk"],
                reference=f"{a['plan_id']}.{a['number']}",
                title=a["title"],
                review_reference=a["plan__review__reference"] or NO_REVIEW,
                agency_name=a["plan__owner_agency__name"] or a["plan__owner_board__name"] or "",
                due_date=a["due_date"],
                status=a["status"],
                reason=reason,
                reason_source=source,
            )
        )
    return AnnualReport(
        board_id=board.pk,
        board=board.name,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        cutoff=cutoff,
        reviews=review_lines,
        completed=completed,
        impact=impact,
        impact_counts=tuple(sorted(impact_counts.items())),
        overdue=tuple(overdue),
    )
