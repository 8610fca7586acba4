from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response except static assets.

    Nearly every page can show personal data once signed in, and an error or sign-in page costs nothing
    to refetch, so the safe default is to let no browser or proxy keep a copy of any of them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class SharedCalendarMiddleware:
    """One working-day calendar per jurisdiction for the whole request (see core.calendar.calendar_for)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from safeguard.core.calendar import shared_calendars

        with shared_calendars():
            return self.get_response(request)
