"""HTML pages for the review register, a review's own pages and action plans.

Thin views: fetch through the selectors (the same 404 for missing and not yours), ask the permission
predicate whether to offer a form at all (403 if not), hand the form's values to a service, and show the
service's refusal on the form. Every page that shows a review or plan records the view in the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.access import log_page_view
from safeguard.core.concurrency import StaleEdit
from safeguard.core.govuk_forms import add_service_errors
from safeguard.reviews import counts as kept_counts
from safeguard.reviews import permissions as perms
from safeguard.reviews import selectors, services
from safeguard.reviews.forms.register import (
    ActionCreateForm,
    BoardResponseForm,
    ConfirmForm,
    FindingForm,
    PlanCreateForm,
    RecommendationForm,
    ReturnPlanForm,
    ReviewCreateForm,
    ReviewEditForm,
    ReviewFilterForm,
    ReviewMoveForm,
    boards_user_can_register_for,
)
from safeguard.reviews.models import ActionPlan, PlanKind, PlanStatusChange, Review, ReviewStatus
from safeguard.reviews.presenters import register as present

REVIEWS_PER_PAGE = 50
FORM_METHODS = ["GET", "HEAD", "POST"]


def _posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated (and show its errors).
    return request.POST if request.method == "POST" else None


def _viewing(request: HttpRequest, target: Any) -> None:
    if request.method != "POST":
        log_page_view(request, target)


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    items = [{"text": "Reviews", "href": reverse("reviews:register")}]
    items += [{"text": text, "href": href} for text, href in pairs]
    return items


def _review_crumbs(review: Review) -> list[dict[str, str]]:
    return _crumbs((review.reference, reverse("reviews:review_detail", args=[review.pk])))


def _plan_crumbs(plan: ActionPlan) -> list[dict[str, str]]:
    crumbs = _review_crumbs(plan.review) if plan.review_id else _crumbs()
    crumbs.append({"text": plan.title, "href": reverse("reviews:plan_detail", args=[plan.pk])})
    return crumbs


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- The register -------------------------------------------------------------------------------


@require_safe
@login_required
def review_register(request: HttpRequest) -> HttpResponse:
    """Reviews the user may see, filtered by board, type, status and theme, with each one's RAG counts."""
    form = ReviewFilterForm(request.GET or None)
    chosen = form.filter_values()
    filters = selectors.ReviewFilters(
        board=chosen.get("board"),
        review_type=chosen.get("review_type", ""),
        status=chosen.get("status", ""),
        theme=chosen.get("theme", ""),
    )
    reviews = selectors.review_register(request.user, filters)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    totals = kept_counts.kept(
        perms.request_viewer(request),
        "register",
        filters,
        lambda: selectors.register_rag_counts(request.user, reviews),
    )
    context = {
        "form": form,
        "filtered": bool(chosen),
        "rows": present.register_rows(page.object_list),
        "caption": present.register_caption(page),
        "rag_headings": present.rag_headings(),
        "totals": present.register_totals(totals),
        "pagination": present.pagination(page, request.GET, path=request.path),
        "can_register": boards_user_can_register_for(request.user).exists(),
    }
    return render(request, "reviews/register/register.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    _require(boards_user_can_register_for(request.user).exists())
    form = ReviewCreateForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.register_review(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Review {review.reference} is on the register")
            return redirect("reviews:review_detail", pk=review.pk)
    return render(request, "reviews/register/review_form.html", {"form": form, "breadcrumbs": _crumbs()})


# --- A review -----------------------------------------------------------------------------------


@require_safe
@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    review = selectors.get_review_for(user, pk)
    _viewing(request, review)
    tree = selectors.review_tree(user, review)
    # Prefetched, so the permission checks below read the partner boards from here, not again.
    prefetch_related_objects([review], "partner_boards")
    partner_boards = list(review.partner_boards.all())
    boards = [review.lead_board, *partner_boards]
    viewer = perms.request_viewer(request)
    page = present.review_page(
        tree,
        partner_boards=partner_boards,
        agencies=list(review.involved_agencies.all()),
        status_changes=list(review.status_changes.select_related("actor")),
        can_manage=perms.can_manage_review(viewer, review),
        # One check per board of the review, however many recommendations it has.
        speaks_for={board.pk for board in boards if perms.can_speak_for_board(viewer, board)},
    )
    return render(request, "reviews/register/review_detail.html", {"page": page, "breadcrumbs": _crumbs()})


@require_http_methods(FORM_METHODS)
@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    _require(perms.can_manage_review(request.user, review))
    _viewing(request, review)
    form = ReviewEditForm.for_review(review, _posted(request))
    if request.method == "POST" and form.is_valid():
        changes = form.changes(review)
        if not changes:
            messages.info(request, "Nothing was changed")
            return redirect("reviews:review_detail", pk=review.pk)
        try:
            services.update_review(
                actor=request.user, review=review, expected_version=form.expected_version, **changes
            )
        except StaleEdit as stale:
            form.add_stale_error(stale)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review's details have been saved")
            return redirect("reviews:review_detail", pk=review.pk)
    context = {"form": form, "heading": present.review_heading(review), "breadcrumbs": _review_crumbs(review)}
    return render(request, "reviews/register/review_edit.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def review_move(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    _require(perms.can_manage_review(request.user, review))
    _viewing(request, review)
    form = ReviewMoveForm(_posted(request), review=review)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.move_review(
                actor=request.user,
                review=review,
                to_status=form.cleaned_data["to_status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The review is now at \u201c{review.get_status_display()}\u201d")
            return redirect("reviews:review_detail", pk=review.pk)
    context = {
        "form": form,
        "heading": present.review_heading(review),
        "can_move": bool(form.fields["to_status"].choices),  # type: ignore[attr-defined]
        "history": present.status_history(
            review.status_changes.select_related("actor"), dict(ReviewStatus.choices)
        ),
        "breadcrumbs": _review_crumbs(review),
    }
    return render(request, "reviews/register/review_move.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    _require(perms.can_manage_review(request.user, review))
    _viewing(request, review)
    form = FindingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.add_finding(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Finding {finding.number} has been recorded")
            return redirect(reverse("reviews:review_detail", args=[review.pk]) + "#findings")
    context = {"form": form, "heading": present.review_heading(review), "breadcrumbs": _review_crumbs(review)}
    return render(request, "reviews/register/finding_form.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def recommendation_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    _require(perms.can_manage_review(request.user, review))
    _viewing(request, review)
    form = RecommendationForm(_posted(request), review=review)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.add_recommendation(
                actor=request.user, review=review, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recommendation {recommendation} has been recorded")
            return redirect(reverse("reviews:review_detail", args=[review.pk]) + "#recommendations")
    context = {"form": form, "heading": present.review_heading(review), "breadcrumbs": _review_crumbs(review)}
    return render(request, "reviews/register/recommendation_form.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def recommendation_response(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, pk)
    review = recommendation.review
    _require(perms.can_speak_for_board(request.user, recommendation.board))
    _viewing(request, review)
    form = BoardResponseForm(_posted(request), recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_board_response(
                actor=request.user, recommendation=recommendation, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The board's response to {recommendation} has been recorded")
            return redirect(reverse("reviews:review_detail", args=[review.pk]) + "#recommendations")
    context = {
        "form": form,
        "heading": present.review_heading(review),
        "recommendation": {
            "label": str(recommendation),
            "board": recommendation.board.name,
            "kind": recommendation.get_kind_display(),
            "text": recommendation.text,
        },
        "breadcrumbs": _review_crumbs(review),
    }
    return render(request, "reviews/register/response_form.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    _require(perms.can_manage_review(request.user, review))
    _viewing(request, review)
    form = PlanCreateForm(_posted(request), review=review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        single = data["kind"] == PlanKind.SINGLE_AGENCY
        try:
            plan = services.create_plan(
                actor=request.user,
                review=review,
                kind=data["kind"],
                title=data["title"],
                monitoring_subgroup=data["monitoring_subgroup"],
                monitoring_boards=data["monitoring_boards"],
                owner_agency=data["owner_agency"] if single else None,
                owner_board=None if single else data["owner_board"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{plan.title} has been created. Add its actions")
            return redirect("reviews:plan_detail", pk=plan.pk)
    context = {"form": form, "heading": present.review_heading(review), "breadcrumbs": _review_crumbs(review)}
    return render(request, "reviews/register/plan_form.html", context)


# --- Plans --------------------------------------------------------------------------------------


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = selectors.get_plan_for(user, pk)
    _viewing(request, plan)
    # Prefetched, so the permission checks read the review's boards and the plan's history from here.
    prefetch_related_objects(
        [plan],
        "review__partner_boards",
        "monitoring_boards",
        Prefetch("status_changes", queryset=PlanStatusChange.objects.select_related("actor")),
    )
    viewer = perms.request_viewer(request)
    page = present.plan_page(
        plan,
        actions=list(selectors.plan_actions(user, plan)),
        monitoring_boards=list(plan.monitoring_boards.all()),
        status_changes=list(plan.status_changes.all()),
        versions=list(plan.versions.select_related("approved_by").defer("content").order_by("-number")),
        today=timezone.localdate(),
        can_edit=perms.can_edit_plan(viewer, plan),
        can_approve=perms.can_approve_plan(viewer, plan),
    )
    return render(
        request, "reviews/register/plan_detail.html", {"page": page, "breadcrumbs": _plan_crumbs(plan)[:-1]}
    )


@require_safe
@login_required
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A frozen approved version: what was agreed, whatever has changed since."""
    plan = selectors.get_plan_for(request.user, pk)
    version = get_object_or_404(plan.versions.select_related("approved_by"), number=number)
    _viewing(request, plan)
    context = {"page": present.version_page(plan, version), "breadcrumbs": _plan_crumbs(plan)}
    return render(request, "reviews/register/plan_version.html", context)


def _decision_context(request: HttpRequest, plan: ActionPlan, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "heading": present.plan_heading(plan),
        "actions": present.plan_decision_summary(plan, list(selectors.plan_actions(request.user, plan))),
        "status": plan.status,
        "return_url": reverse("reviews:plan_return", args=[plan.pk]),
        "breadcrumbs": _plan_crumbs(plan),
    }


@require_http_methods(FORM_METHODS)
@login_required
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    _require(perms.can_edit_plan(request.user, plan))
    _viewing(request, plan)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_plan(actor=request.user, plan=plan)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plan has been submitted for approval")
            return redirect("reviews:plan_detail", pk=plan.pk)
    return render(request, "reviews/register/plan_submit.html", _decision_context(request, plan, form))


@require_http_methods(FORM_METHODS)
@login_required
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    _require(perms.can_approve_plan(request.user, plan))
    _viewing(request, plan)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.approve_plan(actor=request.user, plan=plan)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Version {plan.approved_version} of the plan is approved and its actions are agreed"
            )
            return redirect("reviews:plan_detail", pk=plan.pk)
    return render(request, "reviews/register/plan_approve.html", _decision_context(request, plan, form))


@require_http_methods(FORM_METHODS)
@login_required
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    _require(perms.can_approve_plan(request.user, plan))
    _viewing(request, plan)
    form = ReturnPlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.return_plan(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plan has been returned to its owner with your reason")
            return redirect("reviews:plan_detail", pk=plan.pk)
    return render(request, "reviews/register/plan_return.html", _decision_context(request, plan, form))


CRITERION_ERRORS = {name: f"criterion_{name}" for name in ActionCreateForm.CRITERION_FIELDS}


@require_http_methods(FORM_METHODS)
@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """An action with (optionally) its first success criterion, written together or not at all."""
    plan = selectors.get_plan_for(request.user, pk)
    _require(perms.can_edit_plan(request.user, plan))
    _viewing(request, plan)
    form = ActionCreateForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        criterion = form.criterion()
        try:
            with transaction.atomic():
                action = services.add_action(
                    actor=request.user,
                    plan=plan,
                    title=data["title"],
                    description=data["description"],
                    lead_officer=data["lead_officer"],
                    due_date=data["due_date"],
                    finding=data["finding"],
                    recommendation=data["recommendation"],
                )
                if criterion is not None:
                    services.add_success_criterion(actor=request.user, action=action, **criterion)
        except ValidationError as error:
            add_service_errors(form, error, rename=CRITERION_ERRORS)
        else:
            more = "" if criterion is None else ". Add more success criteria on the action's page"
            messages.success(request, f"Action {action.number} has been added to the plan{more}")
            return redirect("reviews:plan_detail", pk=plan.pk)
    context = {
        "form": form,
        "heading": present.plan_heading(plan),
        "status": plan.status,
        "reopens": plan.status == "approved",
        "next_version": plan.version_number + 1,
        "breadcrumbs": _plan_crumbs(plan),
    }
    return render(request, "reviews/register/action_form.html", context)
