"""A monitoring cycle: its update requests, closing it (the snapshot), and planning its meeting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.monitoring import permissions as perms
from safeguard.monitoring import presenters as present
from safeguard.monitoring import services
from safeguard.monitoring.forms import ConfirmForm, MeetingForm, add_service_errors
from safeguard.monitoring.models import CycleStatus, Snapshot
from safeguard.monitoring.reports.summary import summary_reviews
from safeguard.monitoring.views import reads
from safeguard.monitoring.views.common import FORM_METHODS, posted, refuse, viewing

MANAGERS_ONLY = "Only the board's business manager, chair or a subgroup chair can do this."


@require_safe
@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cycle = reads.get_cycle_for(user, pk)
    viewing(request, cycle)
    is_open = cycle.status == CycleStatus.OPEN
    if is_open:
        # Updates posted on the action pages or the API count as answers: bring the table up to date.
        services.sync_answers(cycle)
    today = timezone.localdate()
    snapshot = None if is_open else Snapshot.objects.filter(cycle=cycle).first()
    requests = list(reads.cycle_requests(cycle))
    subgroup = cycle.schedule.subgroup
    can_manage = perms.can_manage_monitoring(user, cycle.schedule.board)
    context = {
        "heading": {
            "caption": f"{cycle.schedule.board.short_name}, {cycle.schedule.name}",
            "title": present.cycle_title(cycle),
            "tag": present.cycle_tag(cycle),
        },
        "summary": present.cycle_summary(cycle),
        "counts": present.request_counts(requests, today=today),
        "rows": present.request_rows(requests, today=today),
        "meetings": present.meeting_rows(reads.cycle_meetings(cycle)),
        "is_open": is_open,
        "can_close": can_manage and is_open,
        "can_plan": perms.can_run_meeting(user, subgroup),
        "close_href": reverse("monitoring:cycle_close", args=[cycle.pk]),
        "plan_href": reverse("monitoring:meeting_create", args=[cycle.pk]),
        "summaries": present.summary_links(
            snapshot.pk if snapshot else None, summary_reviews(snapshot) if snapshot else ()
        ),
        "subgroup": subgroup.name,
        "crumbs": present.schedule_crumbs(cycle.schedule),
    }
    return render(request, "monitoring/cycle_detail.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then close the cycle and freeze its actions in a snapshot."""
    cycle = reads.get_cycle_for(request.user, pk)
    crumbs = present.cycle_crumbs(cycle)
    if not perms.can_manage_monitoring(request.user, cycle.schedule.board):
        return refuse(request, MANAGERS_ONLY, crumbs=crumbs)
    viewing(request, cycle)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = services.close_cycle(actor=request.user, cycle=cycle)
        except PermissionDenied as denied:
            return refuse(request, str(denied) or MANAGERS_ONLY, crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = snapshot.action_count
            messages.success(
                request,
                f"Cycle {cycle.number} is closed and its snapshot taken: {count} "
                f"action{'' if count == 1 else 's'} frozen as they stand today",
            )
            return redirect("monitoring:cycle_detail", pk=cycle.pk)
    today = timezone.localdate()
    requests = list(reads.cycle_requests(cycle))
    context = {
        "form": form,
        "heading": {"caption": cycle.schedule.name, "title": present.cycle_title(cycle)},
        "is_open": cycle.status == CycleStatus.OPEN,
        "counts": present.request_counts(requests, today=today),
        "cancel": reverse("monitoring:cycle_detail", args=[cycle.pk]),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/cycle_close.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan the subgroup's meeting for this cycle; its agenda builds itself from what is due."""
    cycle = reads.get_cycle_for(request.user, pk)
    crumbs = present.cycle_crumbs(cycle)
    subgroup = cycle.schedule.subgroup
    if not perms.can_run_meeting(request.user, subgroup):
        return refuse(
            request,
            f"Only the chair of the {subgroup.name} or the board's managers can do this.",
            crumbs=crumbs,
        )
    viewing(request, cycle)
    form = MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                actor=request.user,
                cycle=cycle,
                held_on=form.cleaned_data["held_on"],
                location=form.cleaned_data["location"],
            )
        except PermissionDenied as denied:
            return refuse(request, str(denied), crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            items = meeting.items.count()
            messages.success(
                request,
                f"The meeting is planned with {items} item{'' if items == 1 else 's'} on its agenda",
            )
            return redirect("monitoring:meeting_detail", pk=meeting.pk)
    context = {
        "form": form,
        "heading": {"caption": f"{subgroup.name}, {cycle.label}", "title": "Plan the meeting"},
        "cancel": reverse("monitoring:cycle_detail", args=[cycle.pk]),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/meeting_form.html", context)
