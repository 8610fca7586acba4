"""The access log: who viewed which sensitive record, when, and through which page or API operation.

Views of child records are recorded as they are served (`log_page_view` in an HTML view,
`log_api_view` in an API view); an export records `via=AccessVia.EXPORT` through `log_access`.
A break-glass view carries its reason. Rows are append-only (a trigger refuses UPDATE and DELETE on
PostgreSQL) and name the record by type and key, never by its contents.

    def child_detail(request, pk):
        child = get_child_for(request.user, pk)
        log_page_view(request, child)
        ...
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from safeguard.core.models import AccessEvent, AccessVia

_ROUTE_MAX_LENGTH: int = AccessEvent._meta.get_field("route").max_length or 200


class AccessLogError(Exception):
    """An access that cannot be recorded: no signed-in user, an unsaved record, an unknown channel."""


def _checked_route(user: Any, via: str, route: str) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        raise AccessLogError("Only a signed-in user's access can be recorded.")
    if via not in AccessVia.values:
        raise AccessLogError(f"Unknown access channel {via!r}; use one of {', '.join(AccessVia.values)}.")
    route = (route or "").strip()
    if not route:
        raise AccessLogError("Name the page or API operation used.")
    return route


def log_access(
    *, user: Any, target: models.Model, via: str, route: str, break_glass_reason: str = ""
) -> AccessEvent:
    """Record that `user` viewed `target` through `via` (page, API or export) at `route`."""
    route = _checked_route(user, via, route)
    if target is None or target.pk is None:
        raise AccessLogError("The record viewed must be saved first.")
    return AccessEvent.objects.create(
        user=user,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        via=via,
        route=route[:_ROUTE_MAX_LENGTH],
        break_glass_reason=(break_glass_reason or "").strip(),
    )


def log_accesses(*, user: Any, model: type[models.Model], pks: Iterable[Any], via: str, route: str) -> int:
    """Record that `user` viewed every `model` record in `pks` at once (an export touching many records):
    the same rows as `log_access` would write one by one, in one INSERT per thousand. Returns how many."""
    route = _checked_route(user, via, route)
    content_type = ContentType.objects.get_for_model(model)
    events = [
        AccessEvent(
            user=user, target_type=content_type, target_id=str(pk), via=via, route=route[:_ROUTE_MAX_LENGTH]
        )
        for pk in pks
    ]
    AccessEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def log_page_view(request: HttpRequest, target: models.Model, *, break_glass_reason: str = "") -> AccessEvent:
    """Record an HTML page view; the route is the URL name, e.g. "casework:child_detail"."""
    match = request.resolver_match
    route = match.view_name if match is not None else request.path
    return log_access(
        user=request.user,
        target=target,
        via=AccessVia.PAGE,
        route=route,
        break_glass_reason=break_glass_reason,
    )


def log_api_view(request: HttpRequest, target: models.Model, *, break_glass_reason: str = "") -> AccessEvent:
    """Record an API read; the route is the operation, e.g. "GET /api/v1/children/<int:pk>/".

    Accepts a DRF Request too (it hands `user`, `method` and `resolver_match` through).
    """
    match = request.resolver_match
    pattern = f"/{match.route}" if match is not None and match.route else request.path
    return log_access(
        user=request.user,
        target=target,
        via=AccessVia.API,
        route=f"{request.method} {pattern}",
        break_glass_reason=break_glass_reason,
    )


def viewers_of(target: models.Model, *, limit: int = 50) -> list[AccessEvent]:
    """The latest accesses to `target`, newest first, each with its user: one query however many rows.

    Served by the (target_type, target_id, -at) index, so it stays fast over tens of millions of rows.
    """
    content_type = ContentType.objects.get_for_model(target)
    return list(
        AccessEvent.objects.filter(target_type=content_type, target_id=str(target.pk))
        .select_related("user")
        .order_by("-at", "-pk")[: max(limit, 0)]
    )
