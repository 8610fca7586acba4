"""The MASH front door: the contact queue, sharing a worry about a child, and one contact's page with the
forms that move it on (rate, decide, tell the referrer).

Thin views: fetch through the selectors (the same 404 for "missing" and "not yours"), refuse a step the
user may not take on a contact they can see with 403, call one service, redirect with a success message.
A service's ValidationError or InvalidTransition goes back on the page with an error summary; nothing is
written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguard.casework import permissions as perms
from safeguard.casework import selectors, services
from safeguard.casework.forms.mash import (
    CloseForm,
    DecideForm,
    RateForm,
    RecordContactForm,
    referrer_agencies,
)
from safeguard.casework.models import Contact, MashOutcome, MashRag
from safeguard.casework.permissions import request_viewer
from safeguard.casework.presenters import mash as present
from safeguard.core.access import log_page_view

PAGE_SIZE = 50
FORM_METHODS = ["GET", "HEAD", "POST"]


def _contact_for(request: HttpRequest, pk: Any) -> Contact:
    """The contact, or the same 404 for "missing" and "not yours"; the request's roles are read once."""
    return selectors.get_contact_for(request_viewer(request), pk)


def _to_contact(contact: Contact) -> HttpResponse:
    return redirect("casework:contact_detail", pk=contact.pk)


# --- The queue ----------------------------------------------------------------------------------


@require_safe
@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    """MASH staff: the open contacts on their boards, oldest first. Other practice staff: the contacts
    their agency made. Anyone else: an explanation, and no contacts."""
    viewer = request_viewer(request)
    status = present.chosen_status(request.GET.get("status"))
    in_mash = perms.works_in_mash(viewer)
    context: dict[str, Any] = {
        "heading": "MASH contacts"
        if in_mash or not viewer.works_in_practice
        else "Contacts your agency made",
        "in_mash": in_mash,
        "in_practice": viewer.works_in_practice,
        "filters": present.status_filters(status),
        "status": status,
        "empty": present.empty_message(status),
    }
    if viewer.works_in_practice:
        contacts = selectors.contact_queue(viewer, status=status)
        page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            rows=present.contact_rows(page.object_list),
            caption=present.list_caption(page, status),
            pagination=present.pagination(page, status),
        )
    return render(request, "casework/mash/list.html", context)


# --- Sharing a worry ----------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@login_required
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    child = selectors.get_child_for(viewer, pk).child
    agencies, allow_public = referrer_agencies(viewer, child)
    form = RecordContactForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        allow_public=allow_public,
        user=request.user,
        now=timezone.now(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.record_contact(actor=request.user, child=child, **form.service_arguments())
        except ValidationError as error:
            form.add_errors(error)
        else:
            messages.success(
                request, f"The worry has been shared with the MASH as contact {contact.reference}"
            )
            if perms.can_see_contact(viewer, contact):
                return _to_contact(contact)
            return redirect("casework:child_detail", pk=child.pk)
    log_page_view(request, child)
    context = {
        "form": form,
        "child": present.record_heading(child),
        "reference": child.reference,
        "crumbs": present.record_breadcrumbs(child),
    }
    return render(request, "casework/mash/record.html", context)


# --- One contact --------------------------------------------------------------------------------


def _show(request: HttpRequest, contact: Contact, *, posted: Any = None, kind: str = "") -> HttpResponse:
    log_page_view(request, contact)
    page = present.ContactPage(contact, request_viewer(request), posted=posted, posted_kind=kind)
    return render(
        request, "casework/mash/detail.html", {"page": page, "form": posted, "crumbs": page.breadcrumbs}
    )


@require_safe
@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _show(request, _contact_for(request, pk))


def _step(
    request: HttpRequest,
    pk: int,
    *,
    kind: str,
    may: Callable[[Any, Contact], bool],
    refusal: str,
    form: Any,
    run: Callable[[Contact, dict[str, Any]], Contact],
    success: Callable[[Contact], str],
) -> HttpResponse:
    """One move of a contact: 404 unless the user sees it, 403 unless the move is theirs to make; on a
    service error the contact's page again (read afresh: someone may have moved it on) with the errors."""
    contact = _contact_for(request, pk)
    if not may(request_viewer(request), contact):
        raise PermissionDenied(refusal)
    if form.is_valid():
        try:
            moved = run(contact, form.cleaned_data)
        except ValidationError as error:  # InvalidTransition is a ValidationError too
            form.add_errors(error)
        else:
            messages.success(request, success(moved))
            return _to_contact(moved)
    return _show(request, _contact_for(request, pk), posted=form, kind=kind)


@require_POST
@login_required
def rate_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        kind="rate",
        may=perms.can_rate_contact,
        refusal="Only the MASH of the contact's area can rate it.",
        form=RateForm(request.POST),
        run=lambda contact, data: services.rate_contact(
            actor=request.user, contact=contact, rag=data["rag"], rationale=data["rationale"]
        ),
        success=lambda c: f"Contact {c.reference} is rated {MashRag(c.rag).label.lower()}",
    )


@require_POST
@login_required
def decide_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        kind="decide",
        may=perms.can_decide_contact,
        refusal="Only a MASH manager of the contact's area can decide it.",
        form=DecideForm(request.POST),
        run=lambda contact, data: services.decide_contact(
            actor=request.user,
            contact=contact,
            outcome=data["outcome"],
            rationale=data["rationale"],
            breach_reason=data["breach_reason"],
        ),
        success=lambda c: (
            f"The decision on contact {c.reference} is recorded: {MashOutcome(c.outcome).label}"
        ),
    )


@require_POST
@login_required
def close_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        kind="close",
        may=perms.can_close_contact,
        refusal="Only the MASH of the contact's area can close it.",
        form=CloseForm(request.POST),
        run=lambda contact, data: services.close_contact(actor=request.user, contact=contact),
        success=lambda c: f"Contact {c.reference} is closed: the referrer has been told the outcome",
    )
