"""The one place where every route is described for the quality walks.

The walks enumerate every URL pattern from the resolver and every operation in the OpenAPI schema; a
route that is not described here fails `test_every_route_is_registered`, so a new page or API operation
cannot escape the access, header and query-budget checks. Register it here with how to build an object
for it (object routes) and rows for it (list pages).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


class Access(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not (sign-in page, health check)
    SIGNED_IN = "signed_in"  # any signed-in user; shows only the user's own things
    OBJECT = "object"  # one record: only users the access rules allow; others get 404
    STAFF = "staff"  # administrators only


@dataclass(frozen=True)
class RouteSpec:
    name: str
    access: Access
    # Methods the right user may use and the status they get; anything else must be 405 or refused.
    ok: dict[str, int] = field(default_factory=lambda: {"GET": 200})
    api: bool = False
    # Object routes: build the record and return the URL kwargs.
    make_kwargs: Callable[[Any], dict[str, Any]] | None = None
    # List pages: create n rows visible to the right user, for the query-budget walk.
    make_rows: Callable[[Any, int], None] | None = None
    # Fields of the target that must never appear in a refused response.
    secret_fields: Callable[[Any], list[str]] | None = None
    # Page shows no personal data at all (error pages, sign-in); still no-store by policy.
    note: str = ""


ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

REGISTRY: dict[str, RouteSpec] = {}


def register(spec: RouteSpec) -> RouteSpec:
    REGISTRY[spec.name] = spec
    return spec


# Routes maintained by third parties, walked by their own rules: the admin is staff-only as a whole.
EXCLUDED_PREFIXES = ("admin:",)


def iter_named_routes() -> Iterator[tuple[str, str]]:
    """(url name, route pattern) for every named URL in the project."""

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = ":".join(part for part in (namespace, pattern.namespace) if part) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                yield name, prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "", None)


# --- Row builders for list pages ---------------------------------------------------------------


def clocks_for_owner(scenario: Any, n: int) -> None:
    """n open clocks owned by the right user (they appear in My work)."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from safeguard.core.models import Clock, TimescaleRule

    rule, _ = TimescaleRule.objects.get_or_create(
        code="walk-rule",
        defaults={
            "name": "Walk rule",
            "regime": "local",
            "start_event": "test",
            "unit": "working_days",
            "limit": 5,
        },
    )
    now = timezone.now()
    subject_type = ContentType.objects.get_for_model(scenario.owner)
    Clock.objects.bulk_create(
        Clock(
            rule=rule,
            subject_type=subject_type,
            subject_id=str(scenario.owner.pk),
            owner=scenario.owner,
            title=f"Walk item {i}",
            started_at=now,
            due_at=now + timedelta(days=i + 1),
        )
        for i in range(n)
    )


# --- The foundation's routes -------------------------------------------------------------------

register(RouteSpec("core:home", Access.PUBLIC, ok={"GET": 302}, note="redirects to sign-in or My work"))
register(RouteSpec("core:my_work", Access.SIGNED_IN, make_rows=clocks_for_owner))
register(RouteSpec("people:sign_in", Access.PUBLIC, ok={"GET": 200}))
register(RouteSpec("people:sign_out", Access.SIGNED_IN, ok={"POST": 302}))
register(RouteSpec("people:account", Access.SIGNED_IN))
register(
    RouteSpec("people:verify", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}, note="no device: to set-up")
)
register(RouteSpec("people:verify_recovery", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}))
register(RouteSpec("people:change_password", Access.SIGNED_IN, ok={"GET": 200, "POST": 200}))
register(RouteSpec("people:enrol", Access.SIGNED_IN, ok={"GET": 200, "POST": 200}))
register(RouteSpec("people:recovery_codes", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}))
register(RouteSpec("healthz", Access.PUBLIC))
register(RouteSpec("api-me", Access.SIGNED_IN, api=True))
register(RouteSpec("api-schema", Access.SIGNED_IN, api=True))
register(RouteSpec("api-docs", Access.SIGNED_IN, api=True))
