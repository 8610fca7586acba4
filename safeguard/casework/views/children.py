"""The children's record pages: the list, opening a record, the record with its chronology, and adding to
or amending the chronology.

Thin views: the child is fetched through `selectors.get_child_for` (the same 404 for "missing" and "not
yours"), a form the user may not use is refused with 403 only where they can see the record, one service
is called, and a success redirects with a message. A service's ValidationError goes back on the form with
an error summary; nothing is written. Every page that shows a child's record is logged in the access log.
The <title> names the record by its reference, never by the child's name (browser history, proxies).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.casework import permissions as perms
from safeguard.casework import selectors, services
from safeguard.casework.forms.children import (
    AddEntryForm,
    AmendEntryForm,
    ChildSearchForm,
    ChronologyFilterForm,
    RegisterChildForm,
)
from safeguard.casework.models import ChronologyEntry
from safeguard.casework.presenters import children as present
from safeguard.core.access import log_page_view
from safeguard.core.govuk_forms import add_service_errors

PAGE_SIZE = 50
FORM_METHODS = ["GET", "HEAD", "POST"]


def _posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated (and show its errors).
    return request.POST if request.method == "POST" else None


# --- The list -----------------------------------------------------------------------------------


# The words of the current search. They are posted and kept in the session, never put in the address: a
# child's name in a URL would reach browser history, proxies' and servers' logs and the Referer header.
SEARCH_KEY = "casework.child_search"


@require_http_methods(FORM_METHODS)
@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    """The children the user sees, found by name or reference, in name order, 50 a page."""
    viewer = perms.request_viewer(request)
    if request.method == "POST":
        form = ChildSearchForm(request.POST)
        if "clear" in request.POST:
            request.session.pop(SEARCH_KEY, None)
            return redirect("casework:child_list")
        if form.is_valid():
            request.session[SEARCH_KEY] = form.query()
            return redirect("casework:child_list")
        query = ""  # a search that cannot be used shows its error over the whole list
    else:
        query = str(request.session.get(SEARCH_KEY, ""))
        form = ChildSearchForm(initial={"q": query})
    page = Paginator(selectors.search_children(viewer, query), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "rows": present.child_rows(page.object_list, today=timezone.localdate()),
        "caption": present.list_caption(page, query),
        "pagination": present.list_pagination(page),
        "may_register": viewer.works_in_practice,
    }
    return render(request, "casework/children/list.html", context)


# --- Opening a record ---------------------------------------------------------------------------


@require_http_methods(FORM_METHODS)
@login_required
def register_child(request: HttpRequest) -> HttpResponse:
    viewer = perms.request_viewer(request)
    if not viewer.works_in_practice:
        raise PermissionDenied("Only staff who work with children can open a child's record.")
    form = RegisterChildForm(
        _posted(request),
        board_ids=viewer.board_ids | viewer.mash_board_ids,
        agency_ids=viewer.agency_ids,
        in_mash=bool(viewer.mash_board_ids),
    )
    if request.method == "POST" and form.is_valid():
        try:
            child = services.register_child(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Record {child.reference} has been opened")
            return redirect("casework:child_detail", pk=child.pk)
    context = {"form": form, "crumbs": present.breadcrumbs()}
    return render(request, "casework/children/register.html", context)


# --- The record ---------------------------------------------------------------------------------


@require_safe
@login_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's record and the multi-agency chronology, newest event first, 50 a page."""
    viewer = perms.request_viewer(request)
    access = selectors.get_child_for(viewer, pk)
    log_page_view(request, access.child)
    agencies = present.chronology_agencies(access)
    filters = ChronologyFilterForm(request.GET, agencies=agencies)
    query = filters.query()
    entries = selectors.chronology_for(access.child, **filters.values())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": present.child_page(access, viewer, page, query=query, today=timezone.localdate()),
        # The filters as they apply: a value that was not on the list is left out, not reported.
        "filters": ChronologyFilterForm(query, agencies=agencies),
        "crumbs": present.breadcrumbs(),
    }
    return render(request, "casework/children/detail.html", context)


# --- The chronology -----------------------------------------------------------------------------


def _entry_page(
    request: HttpRequest,
    access: selectors.ChildAccess,
    form: AddEntryForm | AmendEntryForm,
    *,
    title: str,
    submit: str,
    entry: ChronologyEntry | None = None,
) -> HttpResponse:
    log_page_view(request, access.child)
    context = {
        "form": form,
        "child": present.child_heading(access.child),
        "crumbs": present.breadcrumbs(access.child),
        "title": title,
        "submit": submit,
        "entry": present.entry_summary(entry) if entry is not None else None,
        # Said once: after a refused POST the error summary carries the same message.
        "already_amended": bool(
            entry is not None and getattr(entry, "is_amended", False) and not form.errors
        ),
    }
    return render(request, "casework/children/entry_form.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def add_entry(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.get_child_for(perms.request_viewer(request), pk)
    form = AddEntryForm(_posted(request), through_agency_ids=access.through_agency_ids)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_chronology_entry(actor=request.user, child=access.child, **form.entry_arguments())
        except ValidationError as error:
            add_service_errors(form, error, rename=form.service_renames)
        else:
            messages.success(request, "The entry has been added to the chronology")
            return redirect("casework:child_detail", pk=access.child.pk)
    return _entry_page(request, access, form, title="Add to the chronology", submit="Add the entry")


@require_http_methods(FORM_METHODS)
@login_required
def amend_entry(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    viewer = perms.request_viewer(request)
    access, entry = selectors.get_entry_for(viewer, pk, entry_pk)
    entry.child = access.child
    if not perms.can_amend_entry(viewer, entry, access.involved_agency_ids):
        raise PermissionDenied("Only the entry's author or a supervisor of its agency can amend it.")
    form = AmendEntryForm(_posted(request), entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_chronology_entry(actor=request.user, entry=entry, **form.entry_arguments())
        except ValidationError as error:
            add_service_errors(form, error, rename=form.service_renames)
        else:
            messages.success(
                request, "The entry has been amended. The original stays on the record, superseded"
            )
            return redirect("casework:child_detail", pk=access.child.pk)
    return _entry_page(
        request, access, form, title="Amend a chronology entry", submit="Save the amendment", entry=entry
    )
