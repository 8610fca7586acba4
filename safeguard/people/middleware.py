from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SessionLifetimeMiddleware:
    """Placeholder: idle and absolute session limits (filled in with the sign-in work)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class RequireMFAMiddleware:
    """Placeholder: send users without a verified second factor to enrolment or verification."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
