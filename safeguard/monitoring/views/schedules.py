"""The monitoring home, schedules, and opening a cycle by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.calendar import add_working_days
from safeguard.core.concurrency import StaleEdit
from safeguard.core.govuk_forms import add_service_errors
from safeguard.monitoring import permissions as perms
from safeguard.monitoring import presenters as present
from safeguard.monitoring import selectors, services
from safeguard.monitoring.forms import (
    BoardChoiceForm,
    ConfirmForm,
    ScheduleCreateForm,
    ScheduleEditForm,
    manageable_boards,
)
from safeguard.monitoring.views import reads
from safeguard.monitoring.views.common import FORM_METHODS, posted, refuse, viewing
from safeguard.people.models import Board

MANAGERS_ONLY = "Only the board's business manager, chair or a subgroup chair can do this."


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """For the boards the user serves: schedules, open cycles, planned meetings, recent closed cycles. A
    user who serves no board still sees the update requests they owe."""
    user = request.user
    page = present.home_page(
        boards=list(reads.served_boards(user)),
        schedules=list(reads.active_schedules(user)),
        open_cycles=list(reads.open_cycles(user)),
        meetings=list(reads.planned_meetings(user)),
        closed_cycles=list(reads.recent_closed_cycles(user)),
        owed=selectors.open_requests_summary(user),
        today=timezone.localdate(),
    )
    return render(request, "monitoring/home.html", {"page": page})


# --- Schedules ----------------------------------------------------------------------------------


def _chosen_board(request: HttpRequest, boards: list[Board]) -> Board | None:
    if len(boards) == 1:
        return boards[0]
    wanted = request.GET.get("board", "")
    return next((board for board in boards if str(board.pk) == wanted), None)


@require_http_methods(FORM_METHODS)
@login_required
def schedule_create(request: HttpRequest) -> HttpResponse:
    """A new schedule for one of the boards the user runs monitoring for (?board=<id> picks it)."""
    boards_qs = manageable_boards(request.user)
    boards = list(boards_qs)
    if not boards:
        return refuse(
            request,
            "Only a board's business manager or chair, or the chair of one of its subgroups, can set up "
            "monitoring.",
            crumbs=present.breadcrumbs(),
        )
    board = _chosen_board(request, boards)
    if board is None:
        chooser = BoardChoiceForm(request.GET if "board" in request.GET else None, boards=boards_qs)
        context = {"form": chooser, "crumbs": present.breadcrumbs()}
        return render(request, "monitoring/schedule_board.html", context)
    form = ScheduleCreateForm(posted(request), board=board)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.create_schedule(actor=request.user, **form.values())
        except PermissionDenied as denied:
            return refuse(request, str(denied) or MANAGERS_ONLY, crumbs=present.breadcrumbs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The schedule \u201c{schedule.name}\u201d has been set up")
            return redirect("monitoring:schedule_detail", pk=schedule.pk)
    context = {
        "form": form,
        "board": board,
        "title": f"Set up a monitoring schedule for {board.short_name}",
        "submit": "Set up the schedule",
        "action": reverse("monitoring:schedule_create") + f"?board={board.pk}",
        "cancel": reverse("monitoring:home"),
        "creating": True,
        "crumbs": present.breadcrumbs(),
    }
    return render(request, "monitoring/schedule_form.html", context)


@require_safe
@login_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    schedule = reads.get_schedule_for(user, pk)
    viewing(request, schedule)
    today = timezone.localdate()
    cycles = list(reads.schedule_cycles(schedule))
    can_manage = perms.can_manage_monitoring(user, schedule.board)
    opened_today = any(cycle.opens_on == today for cycle in cycles)
    context = {
        "heading": present.schedule_heading(schedule),
        "summary": present.schedule_summary(schedule),
        "cycles": [present.cycle_row(cycle, today=today) for cycle in cycles],
        "next_dates": [
            {"date": present.format_date(d), "iso": d.isoformat(), "when": present.days_until(d, today=today)}
            for d in present.next_dates(schedule, today=today)
        ],
        "is_active": schedule.is_active,
        "can_manage": can_manage,
        "can_open": can_manage and schedule.is_active and not opened_today,
        "opened_today": opened_today,
        "edit_href": reverse("monitoring:schedule_edit", args=[schedule.pk]),
        "open_href": reverse("monitoring:cycle_open", args=[schedule.pk]),
        "crumbs": present.breadcrumbs(),
    }
    return render(request, "monitoring/schedule_detail.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = reads.get_schedule_for(request.user, pk)
    crumbs = present.schedule_crumbs(schedule)
    if not perms.can_manage_monitoring(request.user, schedule.board):
        return refuse(request, MANAGERS_ONLY, crumbs=crumbs)
    viewing(request, schedule)
    form = ScheduleEditForm(posted(request), schedule=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_schedule(
                actor=request.user,
                schedule=schedule,
                expected_version=form.expected_version,
                **form.changes(),
            )
        except StaleEdit as stale:
            # Someone saved first: the form now carries their version, so saving again is deliberate.
            form.add_stale_error(stale)
        except PermissionDenied as denied:
            return refuse(request, str(denied) or MANAGERS_ONLY, crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The schedule has been saved")
            return redirect("monitoring:schedule_detail", pk=schedule.pk)
    context = {
        "form": form,
        "heading": present.schedule_heading(schedule),
        "title": "Change the schedule",
        "submit": "Save the schedule",
        "action": reverse("monitoring:schedule_edit", args=[schedule.pk]),
        "cancel": reverse("monitoring:schedule_detail", args=[schedule.pk]),
        "creating": False,
        "crumbs": crumbs,
    }
    return render(request, "monitoring/schedule_form.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the schedule's next cycle today, without waiting for its date."""
    schedule = reads.get_schedule_for(request.user, pk)
    crumbs = present.schedule_crumbs(schedule)
    if not perms.can_manage_monitoring(request.user, schedule.board):
        return refuse(request, MANAGERS_ONLY, crumbs=crumbs)
    viewing(request, schedule)
    today = timezone.localdate()
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if not schedule.is_active:
            form.add_error(None, "This schedule is stopped. Start it again before opening a cycle.")
        else:
            try:
                cycle, created = services.open_cycle(schedule=schedule, opens_on=today, actor=request.user)
            except PermissionDenied as denied:
                return refuse(request, str(denied) or MANAGERS_ONLY, crumbs=crumbs)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if created:
                    sent = cycle.requests.count()
                    messages.success(
                        request,
                        f"Cycle {cycle.number} is open: {sent} update request{'' if sent == 1 else 's'} sent",
                    )
                else:
                    messages.info(request, "A cycle of this schedule already opened today; here it is")
                return redirect("monitoring:cycle_detail", pk=cycle.pk)
    deadline = add_working_days(
        today, schedule.response_working_days, jurisdiction=schedule.board.jurisdiction
    )
    context = {
        "form": form,
        "heading": present.schedule_heading(schedule),
        "is_active": schedule.is_active,
        "opens_on": present.format_date(today),
        "deadline": present.format_date(deadline),
        "actions": services.actions_for(schedule).filter(status__in=services.REQUESTED_STATES).count(),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/cycle_open.html", context)
