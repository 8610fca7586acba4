"""A subgroup meeting: its agenda and decisions, attendance, refreshing the agenda, finalising minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.concurrency import StaleEdit
from safeguard.core.govuk_forms import add_service_errors
from safeguard.monitoring import permissions as perms
from safeguard.monitoring import presenters as present
from safeguard.monitoring import services
from safeguard.monitoring.forms import (
    DECISION_ERROR_FIELDS,
    AttendanceForm,
    ConfirmForm,
    DecisionForm,
    FinaliseForm,
)
from safeguard.monitoring.models import DecisionKind, Meeting, MeetingStatus
from safeguard.monitoring.views import reads
from safeguard.monitoring.views.common import FORM_METHODS, posted, refuse, viewing


def _chair_only(meeting: Meeting) -> str:
    return f"Only the chair of the {meeting.subgroup.name} or the board's managers can do this."


def _members_only(meeting: Meeting) -> str:
    return f"Only members of the {meeting.subgroup.name} can record its decisions."


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("monitoring:meeting_detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound: dict[int, DecisionForm] | None = None,
    error_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The meeting page; after a refused POST, with that item's form (and its errors) in place."""
    user = request.user
    items = list(reads.meeting_items(meeting))
    planned = meeting.status == MeetingStatus.PLANNED
    can_run = perms.can_run_meeting(user, meeting.subgroup)
    can_decide = planned and perms.is_member(user, meeting.subgroup)
    bound = bound or {}
    forms = {item.pk: bound.get(item.pk) or DecisionForm(item=item) for item in items} if can_decide else {}
    context = {
        "form": error_form,  # the page title says "Error:" when it has errors
        "heading": present.meeting_heading(meeting),
        "summary": present.meeting_summary(meeting),
        "sections": present.agenda_sections(items, forms=forms, can_decide=can_decide),
        "item_count": len(items),
        "attendance": present.attendance_rows(meeting.attendance.select_related("user")),
        "minutes": present.paragraphs(meeting.minutes),
        "planned": planned,
        "can_run": can_run and planned,
        "can_decide": can_decide,
        "attendance_href": reverse("monitoring:meeting_attendance", args=[meeting.pk]),
        "refresh_href": reverse("monitoring:agenda_refresh", args=[meeting.pk]),
        "finalise_href": reverse("monitoring:meeting_finalise", args=[meeting.pk]),
        "board_pack_href": present.report_link("board_pack", pk=meeting.pk),
        "minutes_href": "" if planned else present.report_link("minutes_download", pk=meeting.pk),
        "crumbs": present.cycle_crumbs(meeting.cycle),
    }
    return render(request, "monitoring/meeting_detail.html", context, status=status)


@require_safe
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.get_meeting_for(request.user, pk)
    viewing(request, meeting)
    return _meeting_page(request, meeting)


@require_http_methods(FORM_METHODS)
@login_required
def item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on one agenda item (the form is on the meeting page; a GET goes back there)."""
    item = reads.get_item_for(request.user, pk)
    meeting = item.meeting
    if request.method != "POST":
        return redirect(_meeting_url(meeting, f"item-{item.pk}"))
    if not perms.is_member(request.user, meeting.subgroup):
        refusal = ConfirmForm(request.POST)
        refusal.is_valid()
        refusal.add_error(None, _members_only(meeting))
        return _meeting_page(request, meeting, error_form=refusal, status=403)
    form = DecisionForm(request.POST, item=item)
    status = 200
    if form.is_valid():
        try:
            services.record_decision(actor=request.user, item=item, **form.values())
        except PermissionDenied as denied:
            # A member who may not take this decision (the owning agency judging itself): its words.
            form.add_error(None, str(denied) or _members_only(meeting))
            status = 403
        except ValidationError as error:
            add_service_errors(form, error, rename=DECISION_ERROR_FIELDS)
        else:
            label = DecisionKind(form.cleaned_data["kind"]).label
            messages.success(request, f"Item {item.position}: \u201c{label}\u201d has been recorded")
            return redirect(_meeting_url(meeting, f"item-{item.pk}"))
    return _meeting_page(request, meeting, bound={item.pk: form}, error_form=form, status=status)


@require_http_methods(FORM_METHODS)
@login_required
def agenda_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the agenda what has become due since it was built (a button on the meeting page)."""
    meeting = reads.get_meeting_for(request.user, pk)
    if request.method != "POST":
        return redirect(_meeting_url(meeting))
    if not perms.can_run_meeting(request.user, meeting.subgroup):
        return refuse(request, _chair_only(meeting), crumbs=present.meeting_crumbs(meeting))
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        added = services.refresh_agenda(actor=request.user, meeting=meeting)
    except PermissionDenied as denied:
        return refuse(request, str(denied) or _chair_only(meeting), crumbs=present.meeting_crumbs(meeting))
    except ValidationError as error:
        add_service_errors(form, error)
        return _meeting_page(request, meeting, error_form=form)
    if added:
        messages.success(request, f"{added} new item{'' if added == 1 else 's'} added to the agenda")
    else:
        messages.success(request, "The agenda is up to date: nothing new has become due")
    return redirect(_meeting_url(meeting))


@require_http_methods(FORM_METHODS)
@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.get_meeting_for(request.user, pk)
    crumbs = present.meeting_crumbs(meeting)
    if not perms.can_run_meeting(request.user, meeting.subgroup):
        return refuse(request, _chair_only(meeting), crumbs=crumbs)
    viewing(request, meeting)
    recorded = dict(meeting.attendance.values_list("user_id", "attendance"))
    form = AttendanceForm(posted(request), members=list(reads.meeting_members(meeting)), recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(actor=request.user, meeting=meeting, attendance=form.attendance())
        except PermissionDenied as denied:
            return refuse(request, str(denied) or _chair_only(meeting), crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Attendance has been recorded")
            return redirect(_meeting_url(meeting))
    context = {
        "form": form,
        "heading": present.meeting_heading(meeting),
        "planned": meeting.status == MeetingStatus.PLANNED,
        "has_members": bool(form.members),
        "cancel": _meeting_url(meeting),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/meeting_attendance.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def meeting_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reads.get_meeting_for(request.user, pk)
    crumbs = present.meeting_crumbs(meeting)
    if not perms.can_run_meeting(request.user, meeting.subgroup):
        return refuse(request, _chair_only(meeting), crumbs=crumbs)
    viewing(request, meeting)
    form = FinaliseForm(posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.finalise_minutes(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                expected_version=form.expected_version,
            )
        except StaleEdit as stale:
            form.add_stale_error(stale)
        except PermissionDenied as denied:
            return refuse(request, str(denied) or _chair_only(meeting), crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The minutes are final. The meeting's decisions can no longer change")
            return redirect(_meeting_url(meeting))
    context = {
        "form": form,
        "heading": present.meeting_heading(meeting),
        "planned": meeting.status == MeetingStatus.PLANNED,
        "has_attendance": meeting.attendance.exists(),
        "attendance_href": reverse("monitoring:meeting_attendance", args=[meeting.pk]),
        "cancel": _meeting_url(meeting),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/meeting_finalise.html", context)
