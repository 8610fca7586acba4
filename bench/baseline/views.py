from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.views.generic import DetailView, ListView, TemplateView

from bench.baseline.models import (
    AccessEvent,
    Action,
    ActionPlan,
    ActionStatusChange,
    Clock,
    Evidence,
    Membership,
    ProgressUpdate,
    Review,
    SubgroupMembership,
    User,
)

OPEN_STATES = ("draft", "agreed", "in_progress")


class UserList(ListView):
    model = User
    paginate_by = 50
    template_name = "baseline/user_list.html"


class UserDetail(DetailView):
    model = User
    template_name = "baseline/user_detail.html"


class ViewerList(ListView):
    """Who viewed one record: the latest 50 access events with their users."""

    template_name = "baseline/viewer_list.html"

    def get_queryset(self) -> QuerySet[AccessEvent]:
        return (
            AccessEvent.objects.filter(
                target_type_id=self.kwargs["target_type_id"], target_id=self.kwargs["target_id"]
            )
            .select_related("user")
            .order_by("-at", "-pk")[:50]
        )


class OpenClockList(ListView):
    """A user's open clocks, soonest first: the plain equivalent of My work's timescales."""

    template_name = "baseline/clock_list.html"

    def get_queryset(self) -> QuerySet[Clock]:
        return Clock.objects.filter(owner_id=self.kwargs["owner_id"], met_at__isnull=True).order_by(
            "due_at", "pk"
        )


class Work(TemplateView):
    """My work in plain Django: open clocks, actions led still to deliver, evidence waiting for the user's
    subgroups (not their own agency's, not their own actions) and impact assessments due."""

    template_name = "baseline/work.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user_id = self.kwargs["user_id"]
        subgroups = SubgroupMembership.objects.filter(user_id=user_id, ended_on__isnull=True).values(
            "subgroup_id"
        )
        agencies = Membership.objects.filter(user_id=user_id, ended_on__isnull=True).values("agency_id")
        judged = Q(plan__monitoring_subgroup_id__in=subgroups) & ~Q(plan__owner_agency_id__in=agencies)
        judged &= ~Q(lead_officer_id=user_id)
        return {
            **super().get_context_data(**kwargs),
            "clocks": Clock.objects.filter(owner_id=user_id, met_at__isnull=True).order_by("due_at", "pk"),
            "actions": Action.objects.filter(lead_officer_id=user_id, status__in=("agreed", "in_progress"))
            .select_related("plan")
            .order_by("due_date", "pk"),
            "evidence": Evidence.objects.filter(
                decision="pending",
                action__in=Action.objects.filter(judged).values("pk"),
            ).select_related("action__plan"),
            "impact": Action.objects.filter(judged, status="evidence_accepted").select_related("plan"),
        }


class ActionList(ListView):
    """Every action, 50 a page, with its plan, review, owner and lead; filtered by status, board or "red"
    (open and past its due date). No visibility rules, no RAG expression, no counts by RAG."""

    template_name = "baseline/action_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Action]:
        qs = Action.objects.select_related(
            "plan__review", "plan__owner_agency", "plan__owner_board", "lead_officer"
        )
        params = self.request.GET
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("board"):
            board = int(params["board"])
            qs = qs.filter(Q(plan__monitoring_boards__id=board) | Q(plan__owner_board_id=board)).distinct()
        if params.get("rag") == "red":
            qs = qs.filter(status__in=OPEN_STATES, due_date__lt=date.today())
        return qs.order_by("due_date", "plan_id", "number")


class ActionDetail(DetailView):
    """One action with its plan and review, and every update, piece of evidence and status change."""

    template_name = "baseline/action_detail.html"
    queryset = Action.objects.select_related(
        "plan__review", "plan__owner_agency", "plan__owner_board", "lead_officer", "finding"
    ).prefetch_related(
        "criteria",
        "impact_assessments",
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("submitted_by")),
        Prefetch("status_changes", queryset=ActionStatusChange.objects.select_related("actor")),
    )


class ReviewDetail(DetailView):
    """A review with its findings, recommendations, plans and every action of every plan."""

    template_name = "baseline/review_detail.html"
    queryset = Review.objects.select_related("lead_board").prefetch_related(
        "findings",
        "recommendations",
        Prefetch(
            "plans",
            queryset=ActionPlan.objects.select_related("owner_agency", "owner_board").prefetch_related(
                Prefetch("actions", queryset=Action.objects.select_related("lead_officer").order_by("number"))
            ),
        ),
    )
