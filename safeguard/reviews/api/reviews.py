"""The review register, findings and action plans."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safeguard.core.access import log_api_view
from safeguard.core.api import read_filters
from safeguard.core.api_views import RecordViewSet, errors, read_body, service_call
from safeguard.core.scoping import get_visible_or_404
from safeguard.reviews import permissions as perms
from safeguard.reviews import selectors, services
from safeguard.reviews.api.serializers import (
    ActionFiltersIn,
    ActionIn,
    ActionOut,
    EmptyIn,
    FindingCreateIn,
    FindingFiltersIn,
    FindingIn,
    FindingOut,
    PlanFiltersIn,
    PlanIn,
    PlanOut,
    ReasonIn,
    ReviewFiltersIn,
    ReviewIn,
    ReviewOut,
    ReviewTransitionIn,
)
from safeguard.reviews.models import ActionPlan, Finding, Review

# --- Scoped querysets, shaped for the response serializers ---------------------------------------


def reviews_for(user: Any, filters: selectors.ReviewFilters | None = None) -> QuerySet[Review]:
    return selectors.review_register(user, filters).prefetch_related("partner_boards", "involved_agencies")


def findings_for(user: Any) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(review__in=perms.visible_reviews(user))
        .prefetch_related("themes")
        .order_by("review_id", "number")
    )


def plans_for(user: Any) -> QuerySet[ActionPlan]:
    return (
        perms.visible_plans(user)
        .select_related("review", "owner_agency", "owner_board")
        .prefetch_related("monitoring_boards")
        .order_by("pk")
    )


def actions_for(
    user: Any, filters: selectors.ActionFilters | None = None, *, sort: str = "due"
) -> QuerySet[Any]:
    return selectors.action_list(user, filters, sort=sort).prefetch_related("criteria")


def review_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(ReviewOut(get_visible_or_404(reviews_for(request.user), pk)).data, status=code)


def plan_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(PlanOut(get_visible_or_404(plans_for(request.user), pk)).data, status=code)


def action_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(ActionOut(get_visible_or_404(actions_for(request.user), pk)).data, status=code)


def _finding(request: Request, review: Review, data: dict[str, Any]) -> Response:
    with service_call():
        finding = services.add_finding(
            actor=request.user,
            review=review,
            title=data["title"],
            text=data["text"],
            themes=data.get("themes", []),
        )
    return Response(FindingOut(get_visible_or_404(findings_for(request.user), finding.pk)).data, status=201)


# --- Reviews ------------------------------------------------------------------------------------


@extend_schema(tags=["reviews"])
class ReviewViewSet(RecordViewSet):
    # The review register: every review the caller may see, with RAG counts of its visible actions.

    queryset = Review.objects.none()  # for the schema only; reads go through reviews_for(user)

    @extend_schema(
        operation_id="reviews_list",
        parameters=[ReviewFiltersIn],
        responses={200: ReviewOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(ReviewFiltersIn, request)
        return self.paged(reviews_for(request.user, selectors.ReviewFilters(**filters)), ReviewOut)

    @extend_schema(operation_id="reviews_retrieve", responses={200: ReviewOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        review = get_visible_or_404(reviews_for(request.user), id)
        log_api_view(request, review)
        return Response(ReviewOut(review).data)

    @extend_schema(
        operation_id="reviews_create",
        summary="Put a review on the register",
        request=ReviewIn,
        responses={201: ReviewOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(ReviewIn, request)
        with service_call():
            review = services.register_review(actor=request.user, **data)
        return review_out(request, review.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="reviews_transition",
        summary="Move the review to its next stage",
        request=ReviewTransitionIn,
        responses={200: ReviewOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="transition", url_name="transition")
    def transition(self, request: Request, id: int) -> Response:
        review = selectors.get_review_for(request.user, id)
        data = read_body(ReviewTransitionIn, request)
        with service_call(transition_field="to_status"):
            services.move_review(actor=request.user, review=review, **data)
        return review_out(request, review.pk)

    @extend_schema(
        operation_id="reviews_findings_list", responses={200: FindingOut(many=True), **errors(404)}
    )
    @action(detail=True, methods=["get"], url_path="findings", url_name="findings")
    def findings(self, request: Request, id: int) -> Response:
        review = selectors.get_review_for(request.user, id)
        log_api_view(request, review)
        return self.paged(findings_for(request.user).filter(review=review), FindingOut)

    @extend_schema(
        operation_id="reviews_findings_create",
        summary="Record a finding of the review",
        request=FindingIn,
        responses={201: FindingOut, **errors(400, 403, 404)},
    )
    @findings.mapping.post
    def add_finding(self, request: Request, id: int) -> Response:
        review = selectors.get_review_for(request.user, id)
        return _finding(request, review, read_body(FindingIn, request))


@extend_schema(tags=["reviews"])
class FindingViewSet(RecordViewSet):
    # Findings of the reviews the caller may see.

    queryset = Finding.objects.none()

    @extend_schema(
        operation_id="findings_list",
        parameters=[FindingFiltersIn],
        responses={200: FindingOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(FindingFiltersIn, request)
        findings = findings_for(request.user)
        if filters.get("review"):
            findings = findings.filter(review_id=filters["review"])
        return self.paged(findings, FindingOut)

    @extend_schema(operation_id="findings_retrieve", responses={200: FindingOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        finding = get_visible_or_404(findings_for(request.user), id)
        log_api_view(request, finding)
        return Response(FindingOut(finding).data)

    @extend_schema(
        operation_id="findings_create",
        summary="Record a finding of a review",
        request=FindingCreateIn,
        responses={201: FindingOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(FindingCreateIn, request)
        return _finding(request, data.pop("review"), data)


# --- Action plans -------------------------------------------------------------------------------


@extend_schema(tags=["action plans"])
class PlanViewSet(RecordViewSet):
    # Action plans: drafted by the owner, submitted, approved (which agrees their actions) or returned.

    queryset = ActionPlan.objects.none()

    @extend_schema(
        operation_id="action_plans_list",
        parameters=[PlanFiltersIn],
        responses={200: PlanOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(PlanFiltersIn, request)
        plans = plans_for(request.user)
        if filters.get("review"):
            plans = plans.filter(review_id=filters["review"])
        if filters.get("agency"):
            plans = plans.filter(owner_agency_id=filters["agency"])
        if filters.get("status"):
            plans = plans.filter(status=filters["status"])
        return self.paged(plans, PlanOut)

    @extend_schema(operation_id="action_plans_retrieve", responses={200: PlanOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        plan = get_visible_or_404(plans_for(request.user), id)
        log_api_view(request, plan)
        return Response(PlanOut(plan).data)

    @extend_schema(
        operation_id="action_plans_create",
        summary="Create an action plan",
        request=PlanIn,
        responses={201: PlanOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(PlanIn, request)
        with service_call():
            plan = services.create_plan(actor=request.user, **data)
        return plan_out(request, plan.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="action_plans_submit",
        summary="Submit the plan for approval",
        description="Every draft action needs a due date (not before today), a lead officer and a success "
        "criterion; the answer names each action that falls short.",
        request=EmptyIn,
        responses={200: PlanOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="submit", url_name="submit")
    def submit(self, request: Request, id: int) -> Response:
        plan = selectors.get_plan_for(request.user, id)
        read_body(EmptyIn, request)
        with service_call():
            services.submit_plan(actor=request.user, plan=plan)
        return plan_out(request, plan.pk)

    @extend_schema(
        operation_id="action_plans_approve",
        summary="Approve the plan: its draft actions are agreed",
        description="For the monitoring subgroup, outside the owning agency. Refused while any draft action "
        "lacks a due date (or is due before today), a lead officer or a success criterion.",
        request=EmptyIn,
        responses={200: PlanOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="approve", url_name="approve")
    def approve(self, request: Request, id: int) -> Response:
        plan = selectors.get_plan_for(request.user, id)
        read_body(EmptyIn, request)
        with service_call():
            services.approve_plan(actor=request.user, plan=plan)
        return plan_out(request, plan.pk)

    @extend_schema(
        operation_id="action_plans_return",
        summary="Return the plan to its owner with what must change",
        request=ReasonIn,
        responses={200: PlanOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request: Request, id: int) -> Response:
        plan = selectors.get_plan_for(request.user, id)
        data = read_body(ReasonIn, request)
        with service_call():
            services.return_plan(actor=request.user, plan=plan, reason=data["reason"])
        return plan_out(request, plan.pk)

    @extend_schema(
        operation_id="action_plans_actions_list",
        parameters=[ActionFiltersIn],
        responses={200: ActionOut(many=True), **errors(400, 404)},
    )
    @action(detail=True, methods=["get"], url_path="actions", url_name="actions")
    def actions(self, request: Request, id: int) -> Response:
        plan = selectors.get_plan_for(request.user, id)
        log_api_view(request, plan)
        filters = read_filters(ActionFiltersIn, request)
        sort = filters.pop("sort", "due")
        actions = actions_for(request.user, selectors.ActionFilters(**filters), sort=sort).filter(plan=plan)
        return self.paged(actions, ActionOut)

    @extend_schema(
        operation_id="action_plans_actions_create",
        summary="Add an action to the plan",
        description="A change to an approved plan opens a new draft version of it.",
        request=ActionIn,
        responses={201: ActionOut, **errors(400, 403, 404)},
    )
    @actions.mapping.post
    def add_action(self, request: Request, id: int) -> Response:
        plan = selectors.get_plan_for(request.user, id)
        data = read_body(ActionIn, request, plan=plan)
        with service_call():
            created = services.add_action(actor=request.user, plan=plan, **data)
        return action_out(request, created.pk, code=status.HTTP_201_CREATED)
