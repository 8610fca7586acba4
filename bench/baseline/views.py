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
    AgencyBoard,
    Child,
    ChronologyEntry,
    Clock,
    Contact,
    Evidence,
    Involvement,
    Membership,
    ProgressUpdate,
    Review,
    SubgroupMembership,
    User,
)

OPEN_STATES = ("draft", "agreed", "in_progress")
# safeguard.casework.permissions, written out: who works in practice, and who works in a MASH.
PRACTICE_ROLES = (
    "practitioner",
    "operational_supervisor",
    "control_room_supervisor",
    "team_manager",
    "mash_officer",
    "mash_manager",
    "agency_safeguarding_lead",
)
MASH_ROLES = ("mash_officer", "mash_manager")
OPEN_CONTACT_STATES = ("received", "rated", "decided")


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


class ChildDetail(DetailView):
    """A child with the agencies currently involved and the latest 50 entries of the chronology."""

    template_name = "baseline/child_detail.html"
    queryset = Child.objects.select_related("board")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        child = self.object
        return {
            **super().get_context_data(**kwargs),
            "involvements": Involvement.objects.filter(child=child, ended_on__isnull=True)
            .select_related("agency", "lead_practitioner")
            .order_by("started_on", "pk"),
            "entries": ChronologyEntry.objects.filter(child=child)
            .select_related("agency")
            .order_by("-occurred_at", "-pk")[:50],
        }


class ChildSearch(ListView):
    """Children a user may see whose names contain every word of ?q=, in name order, 50 a page: those of
    their agencies' current involvements, and every child of the boards where they work in a MASH."""

    template_name = "baseline/child_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Child]:
        user_id = self.kwargs["user_id"]
        memberships = Membership.objects.filter(user_id=user_id, ended_on__isnull=True)
        agencies = memberships.filter(role__in=PRACTICE_ROLES).values("agency_id")
        mash_boards = AgencyBoard.objects.filter(
            agency_id__in=memberships.filter(role__in=MASH_ROLES).values("agency_id")
        ).values("board_id")
        involved = Involvement.objects.filter(agency_id__in=agencies, ended_on__isnull=True).values(
            "child_id"
        )
        children = Child.objects.filter(Q(board_id__in=mash_boards) | Q(pk__in=involved))
        for word in self.request.GET.get("q", "").split()[:5]:
            children = children.filter(
                Q(given_names__icontains=word) | Q(family_name__icontains=word) | Q(known_as__icontains=word)
            )
        return children.select_related("board").order_by("family_name", "given_names", "pk")


class ContactQueue(ListView):
    """The MASH queue: the 50 oldest open contacts of the boards where the user works in a MASH."""

    template_name = "baseline/contact_queue.html"

    def get_queryset(self) -> QuerySet[Contact]:
        mash_agencies = Membership.objects.filter(
            user_id=self.kwargs["user_id"], ended_on__isnull=True, role__in=MASH_ROLES
        ).values("agency_id")
        boards = AgencyBoard.objects.filter(agency_id__in=mash_agencies).values("board_id")
        return (
            Contact.objects.filter(board_id__in=boards, status__in=OPEN_CONTACT_STATES)
            .select_related("child", "referrer_agency", "board")
            .order_by("received_at", "pk")[:50]
        )
