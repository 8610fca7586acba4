"""Reads that span the review models, always scoped to the user and constant in queries per page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from safeguard.core.scoping import get_visible_or_404
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    EvidenceDecision,
    Finding,
    ImpactAssessment,
    ProgressUpdate,
    Rag,
    Recommendation,
    Review,
)
from safeguard.reviews.rag import rag_expression

# --- Single records: the same 404 for "missing" and "not yours" ------------------------------------


def get_review_for(user: Any, pk: Any) -> Review:
    return get_visible_or_404(perms.visible_reviews(user).select_related("lead_board"), pk)


def get_plan_for(user: Any, pk: Any) -> ActionPlan:
    return get_visible_or_404(
        perms.visible_plans(user).select_related(
            "review", "owner_agency", "owner_board", "monitoring_subgroup"
        ),
        pk,
    )


def get_action_for(user: Any, pk: Any, *, viewer: perms.Viewer | None = None) -> Action:
    """Read by key, then asked whether the user may see it: one plan's rule, not every visible plan's.
    A page passes its request's `viewer`, which answers the common cases without a query."""
    action = get_visible_or_404(
        actions_with_rag(Action.objects.all()).select_related(
            "plan__review",
            "plan__owner_agency",
            "plan__owner_board",
            "plan__monitoring_subgroup__board",
            "lead_officer",
            "finding",
        ),
        pk,
    )
    if not perms.can_see_action(user, action, viewer=viewer):
        raise Http404("Not found")
    return action


def get_recommendation_for(user: Any, pk: Any) -> Recommendation:
    """A recommendation is seen with its review."""
    return get_visible_or_404(
        Recommendation.objects.filter(review__in=perms.visible_reviews(user)).select_related(
            "review", "board"
        ),
        pk,
    )


def get_evidence_for(user: Any, pk: Any, *, viewer: perms.Viewer | None = None) -> Evidence:
    evidence = get_visible_or_404(Evidence.objects.select_related("action__plan__review"), pk)
    if not perms.can_see_action(user, evidence.action, viewer=viewer):
        raise Http404("Not found")
    return evidence


# --- Lists -------------------------------------------------------------------------------------


def actions_with_rag(queryset: QuerySet[Action], *, today: date | None = None) -> QuerySet[Action]:
    return queryset.annotate(rag=rag_expression(today=today))


def latest_update_subquery() -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(action_id=OuterRef("pk"))
        .order_by("-written_at", "-pk")
        .values("narrative")[:1]
    )


def latest_impact_subquery() -> Subquery:
    return Subquery(
        ImpactAssessment.objects.filter(action_id=OuterRef("pk"))
        .order_by("-assessed_at", "-pk")
        .values("verdict")[:1]
    )


@dataclass
class ActionFilters:
    review: int | None = None
    board: int | None = None
    agency: int | None = None
    status: str = ""
    rag: str = ""
    overdue: bool = False
    due_before: date | None = None
    due_after: date | None = None
    theme: str = ""
    lead_officer: int | None = None


SORTS = {
    "due": ("due_date", "plan_id", "number"),
    "-due": ("-due_date", "plan_id", "number"),
    "status": ("status", "due_date", "pk"),
    "agency": ("plan__owner_agency__name", "due_date", "pk"),
    "review": ("plan__review__reference", "plan_id", "number"),
    "rag": ("rag_order", "due_date", "pk"),
}


def action_list(user: Any, filters: ActionFilters | None = None, *, sort: str = "due") -> QuerySet[Action]:
    """The one filterable, sortable list of actions across reviews, with RAG and the latest update."""
    from django.db.models import Case, IntegerField, Value, When

    filters = filters or ActionFilters()
    today = timezone.localdate()
    qs = actions_with_rag(perms.visible_actions(user), today=today).annotate(
        latest_update=latest_update_subquery(),
        latest_impact=latest_impact_subquery(),
        # A subquery, not Count("evidence"): a join would multiply the rows that RAG counts and the
        # list's total are taken over, and make the database group every visible action before paging.
        evidence_count=Coalesce(
            Subquery(
                Evidence.objects.filter(action_id=OuterRef("pk"))
                .order_by()
                .values("action_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
        rag_order=Case(
            When(rag=Rag.RED, then=Value(0)),
            When(rag=Rag.AMBER, then=Value(1)),
            When(rag=Rag.GREEN, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
    )
    if filters.review:
        qs = qs.filter(plan__review_id=filters.review)
    if filters.board:
        # A subquery rather than a join to the monitoring boards, which would repeat an action per board.
        qs = qs.filter(
            plan_id__in=ActionPlan.objects.filter(
                Q(monitoring_boards__id=filters.board) | Q(owner_board_id=filters.board)
            ).values("pk")
        )
    if filters.agency:
        qs = qs.filter(plan__owner_agency_id=filters.agency)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.rag:
        qs = qs.filter(rag=filters.rag)
    if filters.overdue:
        qs = qs.filter(pk__in=Action.objects.overdue(today=today).values("pk"))
    if filters.due_before:
        qs = qs.filter(due_date__lte=filters.due_before)
    if filters.due_after:
        qs = qs.filter(due_date__gte=filters.due_after)
    if filters.theme:
        qs = qs.filter(finding__themes__slug=filters.theme)
    if filters.lead_officer:
        qs = qs.filter(lead_officer_id=filters.lead_officer)
    return qs.select_related(
        "plan__review", "plan__owner_agency", "plan__owner_board", "lead_officer", "finding"
    ).order_by(*SORTS.get(sort, SORTS["due"]))


def rag_breakdown(actions: QuerySet[Action]) -> tuple[dict[str, int], int]:
    """RAG counts and the total for an annotated action queryset, in one query: a list page takes its
    total from here rather than counting the same (expensive to scope) rows a second time."""
    counts = {row["rag"]: row["n"] for row in actions.order_by().values("rag").annotate(n=Count("pk"))}
    return {rag: counts.get(rag, 0) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)}, sum(
        counts.values()
    )


def rag_counts(actions: QuerySet[Action]) -> dict[str, int]:
    """RAG counts for an annotated action queryset, in one query."""
    return rag_breakdown(actions)[0]


def plan_actions(user: Any, plan: ActionPlan) -> QuerySet[Action]:
    """A plan's actions the user may see, with RAG and how many success criteria each has, in one query."""
    return (
        actions_with_rag(perms.visible_actions(user, pk=plan.pk))
        .select_related("lead_officer", "finding")
        .annotate(criteria_count=Count("criteria", distinct=True))
        .order_by("number")
    )


# --- The review page: findings, recommendations, plans and actions as one tree ------------------


@dataclass
class PlanNode:
    plan: ActionPlan
    actions: list[Action]
    rag: Counter[str] = field(default_factory=Counter)


@dataclass
class ReviewTree:
    review: Review
    findings: list[Finding]
    recommendations: list[Recommendation]
    plans: list[PlanNode]
    rag: dict[str, int]


def review_tree(user: Any, review: Review) -> ReviewTree:
    """Everything under a review in a fixed number of queries, however many plans and actions it has."""
    findings = list(review.findings.prefetch_related("themes").order_by("number"))
    recommendations = list(
        review.recommendations.select_related("board")
        .prefetch_related("findings")
        .order_by("board__name", "number")
    )
    actions = actions_with_rag(perms.visible_actions(user, review=review)).select_related(
        "lead_officer", "finding"
    )
    plans = list(
        perms.visible_plans(user)
        .filter(review=review)
        .select_related("owner_agency", "owner_board", "monitoring_subgroup")
        .prefetch_related(Prefetch("actions", queryset=actions.order_by("number"), to_attr="visible_actions"))
        .order_by("kind", "owner_agency__name", "owner_board__name")
    )
    nodes = []
    total: Counter[str] = Counter()
    for plan in plans:
        node = PlanNode(plan=plan, actions=list(plan.visible_actions))  # type: ignore[attr-defined]
        node.rag.update(a.rag for a in node.actions)  # type: ignore[attr-defined]
        total.update(node.rag)
        nodes.append(node)
    return ReviewTree(
        review=review,
        findings=findings,
        recommendations=recommendations,
        plans=nodes,
        rag={rag: total.get(rag, 0) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)},
    )


@dataclass
class ReviewFilters:
    board: int | None = None
    review_type: str = ""
    status: str = ""
    theme: str = ""


def review_register(user: Any, filters: ReviewFilters | None = None) -> QuerySet[Review]:
    """The register with RAG counts per review, annotated in the same query."""
    filters = filters or ReviewFilters()
    qs = perms.visible_reviews(user).select_related("lead_board")
    if filters.board:
        qs = qs.filter(Q(lead_board_id=filters.board) | Q(partner_boards__id=filters.board)).distinct()
    if filters.review_type:
        qs = qs.filter(review_type=filters.review_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.theme:
        qs = qs.filter(findings__themes__slug=filters.theme).distinct()
    visible = perms.visible_actions(user)
    # One RAG expression for the four counts: building it reads the calendar (a query) each time.
    rag_value = rag_expression()
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE):
        count = (
            visible.filter(plan__review_id=OuterRef("pk"))
            .annotate(rag=rag_value)
            .filter(rag=rag)
            .order_by()
            .values("plan__review_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        qs = qs.annotate(**{f"rag_{rag}": Subquery(count)})
    return qs.order_by("-notified_on", "reference")


def register_rag_counts(user: Any, reviews: QuerySet[Review]) -> dict[str, int]:
    """RAG counts over every action the user may see in a (filtered) register, in one query."""
    actions = perms.visible_actions(user).filter(plan__review__in=reviews.order_by().values("pk"))
    return rag_counts(actions_with_rag(actions))


# --- My work -----------------------------------------------------------------------------------


def actions_due_from(user: Any) -> QuerySet[Action]:
    """Actions the user leads that still need delivering."""
    return actions_with_rag(
        Action.objects.filter(lead_officer=user, status__in=[ActionStatus.AGREED, ActionStatus.IN_PROGRESS])
    ).select_related("plan")


def evidence_awaiting(user: Any) -> QuerySet[Evidence]:
    """Pending evidence on actions the user may judge (monitoring subgroup member, not the owner)."""
    subgroups = user.subgroup_memberships.filter(ended_on__isnull=True).values("subgroup_id")
    own_agencies = user.memberships.filter(ended_on__isnull=True).values("agency_id")
    return (
        Evidence.objects.filter(
            decision=EvidenceDecision.PENDING,
            action__plan__monitoring_subgroup_id__in=subgroups,
        )
        .exclude(action__plan__owner_agency_id__in=own_agencies)
        .exclude(action__lead_officer=user)
        .select_related("action__plan")
    )


def impact_due(user: Any) -> QuerySet[Action]:
    subgroups = user.subgroup_memberships.filter(ended_on__isnull=True).values("subgroup_id")
    own_agencies = user.memberships.filter(ended_on__isnull=True).values("agency_id")
    return (
        actions_with_rag(
            Action.objects.filter(
                status=ActionStatus.EVIDENCE_ACCEPTED, plan__monitoring_subgroup_id__in=subgroups
            )
        )
        .exclude(plan__owner_agency_id__in=own_agencies)
        .exclude(lead_officer=user)
        .select_related("plan")
    )
