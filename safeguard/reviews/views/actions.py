"""The action pages and the all-actions list.

Thin views: fetch through the selectors (the same 404 for "missing" and "not yours"), refuse a form
the user may not use with 403, call one service, redirect with a success message. A service's
ValidationError or InvalidTransition goes back on the form with an error summary; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.access import log_page_view
from safeguard.core.concurrency import StaleEdit
from safeguard.core.govuk_forms import add_service_errors
from safeguard.core.paging import CountedPaginator
from safeguard.reviews import counts as kept_counts
from safeguard.reviews import permissions as perms
from safeguard.reviews import selectors, services
from safeguard.reviews.forms.actions import (
    ACCEPT,
    ActionEditForm,
    ActionFilterForm,
    CloseForm,
    CompleteForm,
    CriterionForm,
    EvidenceDecisionForm,
    EvidenceForm,
    ImpactForm,
    RagForm,
    ReopenForm,
    ReprogrammeForm,
    UpdateForm,
)
from safeguard.reviews.models import Action, EvidenceKind
from safeguard.reviews.presenters import actions as present

PAGE_SIZE = 50
FORM_METHODS = ["GET", "HEAD", "POST"]


class _AlreadyShown(Exception):
    """The step put its own error on the form; nothing was written."""


def _posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated (and show its errors).
    return request.POST if request.method == "POST" else None


def _action_for(request: HttpRequest, pk: Any) -> Action:
    """The action, or the same 404 for "missing" and "not yours"; the request's roles are read once."""
    return selectors.get_action_for(request.user, pk, viewer=perms.request_viewer(request))


def _to_action(action: Action | int) -> HttpResponse:
    pk = action.pk if isinstance(action, Action) else action
    return redirect("reviews:action_detail", pk=pk)


# --- The all-actions list -----------------------------------------------------------------------


@require_safe
@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    """Every action the user may see, across reviews: filtered, sorted, 50 a page, counted by RAG."""
    form = ActionFilterForm(request.GET)
    filters = form.filters()
    actions = selectors.action_list(request.user, filters, sort=form.sort())
    # The counts cover every matching row (the sort does not change them), kept until the next change.
    counts, total = kept_counts.kept(
        perms.request_viewer(request), "actions", filters, lambda: selectors.rag_breakdown(actions)
    )
    page = CountedPaginator(actions, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    query = present.query_string(request.GET)
    context = {
        "form": form,
        "rows": present.action_rows(page.object_list),
        "page": page,
        "total": total,
        "rag_counts": present.rag_summary(counts, request.GET),
        "pagination": present.pagination(page, request.GET),
        "exports": [
            {
                "text": label,
                "href": reverse("reviews:actions_export", kwargs={"fmt": fmt})
                + (f"?{query}" if query else ""),
            }
            for fmt, label in (("xlsx", "Download as a spreadsheet (XLSX)"), ("csv", "Download as CSV"))
        ],
        "filtered": bool(query),
    }
    return render(request, "reviews/actions/list.html", context)


# --- The action page ----------------------------------------------------------------------------


@require_safe
@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    log_page_view(request, action)
    page = present.ActionPage(action, perms.request_viewer(request))
    return render(request, "reviews/actions/detail.html", {"page": page, "crumbs": page.breadcrumbs})


# --- Form pages: one pattern for every step -----------------------------------------------------


def _step(
    request: HttpRequest,
    action: Action,
    *,
    may: Callable[[Any, Action], bool],
    refusal: str,
    form: forms.Form,
    run: Callable[[dict[str, Any]], Any],
    success: str,
    title: str,
    submit: str,
    template: str = "reviews/actions/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show the step's form to a user who may take it; on a valid POST call the service."""
    if not may(request.user, action):
        raise PermissionDenied(refusal)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:  # InvalidTransition is a ValidationError too
            add_service_errors(form, error)
        except _AlreadyShown:
            pass
        else:
            messages.success(request, success)
            return _to_action(action)
    log_page_view(request, action)
    context = {
        "form": form,
        "action": present.action_heading(action),
        "crumbs": present.breadcrumbs(action, include_action=True),
        "title": title,
        "submit": submit,
        "multipart": any(isinstance(f.widget, forms.ClearableFileInput) for f in form.fields.values()),
        **(extra or {}),
    }
    return render(request, template, context)


@require_http_methods(FORM_METHODS)
@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    form = ActionEditForm(_posted(request), action=action)

    def run(data: dict[str, Any]) -> None:
        try:
            services.update_draft_action(
                actor=request.user, action=action, expected_version=form.expected_version, **form.changes()
            )
        except StaleEdit as stale:
            # Someone saved first: show what is stored now; the form carries the new version, so saving
            # again is a deliberate choice made with the other change in view.
            form.add_stale_error(stale)
            raise _AlreadyShown from stale

    return _step(
        request,
        action,
        may=lambda user, a: perms.can_edit_plan(user, a.plan),
        refusal="Only the owning agency's safeguarding lead or the review's managers can edit actions.",
        form=form,
        run=run,
        success="The action has been saved",
        title="Edit the action",
        submit="Save the action",
    )


@require_http_methods(FORM_METHODS)
@login_required
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=lambda user, a: perms.can_edit_plan(user, a.plan),
        refusal="Only the owning agency's safeguarding lead or the review's managers can set success criteria.",
        form=CriterionForm(_posted(request)),
        run=lambda data: services.add_success_criterion(actor=request.user, action=action, **data),
        success="The success criterion has been added",
        title="Add a success criterion",
        submit="Add the success criterion",
    )


@require_http_methods(FORM_METHODS)
@login_required
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_report_on,
        refusal="Only the lead officer or the owning agency's safeguarding lead can post updates.",
        form=UpdateForm(_posted(request)),
        run=lambda data: services.post_update(actor=request.user, action=action, **data),
        success="Your progress update has been posted",
        title="Post a progress update",
        submit="Post the update",
    )


@require_http_methods(FORM_METHODS)
@login_required
def evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    form = EvidenceForm(_posted(request), request.FILES if request.method == "POST" else None)

    def run(data: dict[str, Any]) -> None:
        services.submit_evidence(
            actor=request.user,
            action=action,
            kind=data["kind"],
            description=data["description"],
            upload=data["upload"] if data["kind"] == EvidenceKind.FILE else None,
            link=data["link"].strip(),
        )

    return _step(
        request,
        action,
        may=perms.can_report_on,
        refusal="Only the lead officer or the owning agency's safeguarding lead can submit evidence.",
        form=form,
        run=run,
        success="Your evidence has been submitted",
        title="Submit evidence",
        submit="Submit the evidence",
        template="reviews/actions/evidence_form.html",
        extra={"allowed_types": _allowed_types(), "max_size": present.human_size(_max_bytes())},
    )


def _allowed_types() -> str:
    return ", ".join(sorted(t.upper() for t in settings.SAFEGUARD_EVIDENCE_TYPES))


def _max_bytes() -> int:
    return int(settings.SAFEGUARD_EVIDENCE_MAX_BYTES)


@require_http_methods(FORM_METHODS)
@login_required
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_report_on,
        refusal="Only the lead officer or the owning agency's safeguarding lead can complete an action.",
        form=CompleteForm(_posted(request)),
        run=lambda data: services.complete_action(actor=request.user, action=action, note=data["note"]),
        success="The action is marked as complete. The monitoring subgroup will now judge its evidence",
        title="Mark the action as complete",
        submit="Mark as complete",
    )


@require_http_methods(FORM_METHODS)
@login_required
def evidence_decide(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.get_evidence_for(request.user, pk, viewer=perms.request_viewer(request))
    action = _action_for(request, evidence.action_id)
    form = EvidenceDecisionForm(_posted(request))

    def run(data: dict[str, Any]) -> None:
        if data["decision"] == ACCEPT:
            services.accept_evidence(actor=request.user, evidence=evidence, note=data["reason"])
        else:
            services.return_evidence(actor=request.user, evidence=evidence, reason=data["reason"])

    accepted = form.is_bound and form.is_valid() and form.cleaned_data["decision"] == ACCEPT
    return _step(
        request,
        action,
        may=perms.can_judge,
        refusal="Only the monitoring subgroup, outside the owning agency, can decide on evidence.",
        form=form,
        run=run,
        success="The evidence has been accepted"
        if accepted
        else "The evidence has been returned to the agency",
        title="Decide on the evidence",
        submit="Save the decision",
        template="reviews/actions/evidence_decide.html",
        extra={"evidence": present.evidence_summary(evidence)},
    )


@require_http_methods(FORM_METHODS)
@login_required
def impact_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_judge,
        refusal="Only the monitoring subgroup, outside the owning agency, can assess impact.",
        form=ImpactForm(_posted(request)),
        run=lambda data: services.assess_impact(actor=request.user, action=action, **data),
        success="The impact assessment has been recorded",
        title="Assess the impact",
        submit="Record the assessment",
    )


@require_http_methods(FORM_METHODS)
@login_required
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_judge,
        refusal="Only the monitoring subgroup, outside the owning agency, can close an action.",
        form=CloseForm(_posted(request)),
        run=lambda data: services.close_action(actor=request.user, action=action, note=data["note"]),
        success="The action has been closed",
        title="Close the action",
        submit="Close the action",
    )


@require_http_methods(FORM_METHODS)
@login_required
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_judge,
        refusal="Only the monitoring subgroup, outside the owning agency, can reopen an action.",
        form=ReopenForm(_posted(request)),
        run=lambda data: services.reopen_action(actor=request.user, action=action, reason=data["reason"]),
        success="The action has been reopened and is back with the agency",
        title="Reopen the action",
        submit="Reopen the action",
    )


@require_http_methods(FORM_METHODS)
@login_required
def action_reprogramme(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    return _step(
        request,
        action,
        may=perms.can_judge,
        refusal="Only the monitoring subgroup, outside the owning agency, can approve a new date.",
        form=ReprogrammeForm(_posted(request)),
        run=lambda data: services.reprogramme_action(actor=request.user, action=action, **data),
        success="The new due date has been approved",
        title="Approve a new due date",
        submit="Approve the new date",
    )


@require_http_methods(FORM_METHODS)
@login_required
def action_rag(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for(request, pk)
    form = RagForm(_posted(request))
    return _step(
        request,
        action,
        may=perms.can_override_rag,
        refusal="Only a monitoring board's managers or the monitoring subgroup's chair can set the board's RAG.",
        form=form,
        run=lambda data: services.override_rag(
            actor=request.user, action=action, rag=form.rag_value(), reason=data["reason"]
        ),
        success="The board's RAG has been saved",
        title="Set the board's RAG",
        submit="Save the RAG",
    )


# --- Evidence files -----------------------------------------------------------------------------

# Quotes, backslashes and control characters never reach the Content-Disposition header.
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, to a user who can see its action, always as a download and never sniffed."""
    evidence = selectors.get_evidence_for(request.user, pk, viewer=perms.request_viewer(request))
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise Http404("Not found")
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Not found") from None
    log_page_view(request, evidence)
    filename = _UNSAFE_FILENAME.sub("_", evidence.original_filename).strip() or f"evidence-{evidence.pk}"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
