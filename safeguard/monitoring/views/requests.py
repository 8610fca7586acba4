"""The update requests a user owes or may answer, and the page to answer one."""

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
from safeguard.monitoring import selectors, services
from safeguard.monitoring.forms import AnswerForm, add_service_errors
from safeguard.monitoring.models import RequestStatus
from safeguard.monitoring.views import reads
from safeguard.monitoring.views.common import FORM_METHODS, posted, refuse, viewing

NOT_YOURS_TO_ANSWER = (
    "Only the action's lead officer or the owning agency's safeguarding lead can answer this request."
)


def _cycle_filter(value: str | None) -> tuple[int | None, bool]:
    """(cycle id, whether the address held a bad value): a bad value is reported and ignored."""
    if not value:
        return None, False
    try:
        number = int(value)
    except ValueError:
        return None, True
    return (number, False) if number > 0 else (None, True)


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests the user owes or may answer, in open cycles (?cycle=<id> shows one cycle's)."""
    cycle_id, bad_filter = _cycle_filter(request.GET.get("cycle"))
    today = timezone.localdate()
    requests = list(selectors.my_requests(request.user, cycle_id=cycle_id))
    # Those still waiting first, each group soonest deadline first (the selector sorts by the status code).
    requests.sort(key=lambda r: r.status != RequestStatus.REQUESTED)
    rows = present.my_request_rows(requests, today=today)
    waiting = sum(1 for r in requests if r.status == RequestStatus.REQUESTED)
    context = {
        "rows": rows,
        "waiting": waiting,
        "filtered": cycle_id is not None,
        "cycle_name": rows[0]["cycle"] if cycle_id is not None and rows else "",
        "bad_filter": bad_filter,
        "all_href": reverse("monitoring:request_list"),
        "crumbs": present.breadcrumbs(),
    }
    return render(request, "monitoring/request_list.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress update on the action, and optionally a new date for the subgroup to decide on."""
    update_request = reads.get_request_for(request.user, pk)
    crumbs = [
        *present.breadcrumbs(),
        {"text": "Your update requests", "href": reverse("monitoring:request_list")},
    ]
    if not perms.can_answer(request.user, update_request):
        return refuse(request, NOT_YOURS_TO_ANSWER, crumbs=crumbs)
    viewing(request, update_request)
    form = AnswerForm(posted(request))
    action = update_request.action
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(actor=request.user, request=update_request, **form.values())
        except PermissionDenied as denied:
            return refuse(request, str(denied) or NOT_YOURS_TO_ANSWER, crumbs=crumbs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            asked = (
                " and your request for a new due date goes to the subgroup"
                if form.cleaned_data.get("proposed_due_date")
                else ""
            )
            messages.success(request, f"Your update on action {action.reference} has been sent{asked}")
            return redirect("monitoring:request_list")
    today = timezone.localdate()
    latest = action.updates.select_related("author").order_by("-written_at", "-pk").first()
    context = {
        "form": form,
        "heading": present.request_heading(update_request, today=today),
        "latest": present.latest_update(latest),
        "cancel": reverse("monitoring:request_list"),
        "crumbs": crumbs,
    }
    return render(request, "monitoring/request_answer.html", context)
