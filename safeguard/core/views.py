from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguard.core import inbox
from safeguard.core.notifications import unread_notifications_for
from safeguard.core.presenters import notification_rows, pagination, work_caption, work_item_rows

UNREAD_NOTIFICATIONS_SHOWN = 50
MY_WORK_PAGE_SIZE = 50


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:my_work")
    return redirect("people:sign_in")


@require_safe
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Everything due from the user, soonest first, then their unread notifications."""
    now = timezone.now()
    # Fifty a page: a subgroup member with hundreds of items waiting gets a page they can work through
    # (and only that page's due dates are counted in working days).
    page = Paginator(inbox.items_for(request.user), MY_WORK_PAGE_SIZE).get_page(request.GET.get("page"))
    path = reverse("core:my_work")
    notifications = notification_rows(unread_notifications_for(request.user)[:UNREAD_NOTIFICATIONS_SHOWN])
    context = {
        "rows": work_item_rows(list(page.object_list), now=now),
        "caption": work_caption(page),
        "pagination": pagination(
            page, lambda number: f"{path}?page={number}", label="Pages of work due from you"
        ),
        "notifications": notifications,
    }
    return render(request, "core/my_work.html", context)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _api_error(request: HttpRequest, status: int, detail: str, code: str) -> JsonResponse | None:
    """Under /api/ every error is JSON in the API's one error shape, even when no view was reached."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, "Not found.", "not_found") or render(
        request, "errors/404.html", status=404
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Services refuse with a sentence written for the person ("Only the monitoring subgroup, outside the
    # owning agency, can accept evidence."): show it, so they learn who can, not just that they cannot.
    reason = str(exception or "").strip()
    return _api_error(
        request, 403, reason or "You do not have permission to do that.", "permission_denied"
    ) or render(request, "errors/403.html", {"reason": reason}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, "The request could not be understood.", "bad_request") or render(
        request, "errors/400.html", status=400
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    api = _api_error(request, 500, "Sorry, there is a problem with the service.", "server_error")
    if api is not None:
        return api
    # Rendered without the request: no context processor, session or user lookup can fail here too.
    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
