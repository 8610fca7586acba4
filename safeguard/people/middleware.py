from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from safeguard.people import mfa
from safeguard.people.signals import LAST_SEEN_AT, SIGNED_IN_AT

API_PREFIX = "/api/"


def _redirect_with_next(url_name: str, request: HttpRequest) -> HttpResponseRedirect:
    url = reverse(url_name)
    if request.method in ("GET", "HEAD"):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(url)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


ACTIVITY_WRITE_INTERVAL = 60  # seconds


class SessionLifetimeMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT seconds without a request, or SESSION_ABSOLUTE_LIFETIME
    seconds after sign-in, whichever comes first.

    Both moments are Unix timestamps in the session (set at sign-in by `signals.stamp_session`), so the rule
    holds whatever the session backend and however long the cookie itself would live.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # Read the session, not request.user: an anonymous visitor costs no query.
        if SESSION_KEY in session:
            now = time.time()
            signed_in_at = session.get(SIGNED_IN_AT)
            last_seen_at = session.get(LAST_SEEN_AT)
            if signed_in_at is None or last_seen_at is None:
                # Signed in before these limits existed, or by a path that skipped sign-in: start now.
                session[SIGNED_IN_AT] = signed_in_at = now
                last_seen_at = now
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_LIFETIME:
                return self._expire(
                    request,
                    f"You were signed out because you had been signed in for "
                    f"{_duration(settings.SESSION_ABSOLUTE_LIFETIME)}. Sign in again to continue",
                )
            if now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
                return self._expire(
                    request,
                    f"You were signed out after {_duration(settings.SESSION_IDLE_TIMEOUT)} without activity",
                )
            # Write the activity stamp at most once a minute: a session write per page is a database write
            # per page, and the idle limit does not need finer resolution.
            if now - last_seen_at >= ACTIVITY_WRITE_INTERVAL or LAST_SEEN_AT not in session:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if request.path.startswith(API_PREFIX):
            # The API answers for itself: the request continues unauthenticated and is refused there.
            return self.get_response(request)
        response = _redirect_with_next(settings.LOGIN_URL, request)
        # MessageMiddleware runs after this one, so this response never passes through it: store the
        # message ourselves (the cookie store, as the session was just flushed).
        storage = default_storage(request)
        storage.add(messages.INFO, message)
        storage.update(response)
        return response


class RequireMFAMiddleware:
    """Send a signed-in user who has not passed the second factor to verification or enrolment.

    A user with a confirmed authenticator app must always verify. Others must enrol first when
    settings.SAFEGUARD_REQUIRE_MFA is on. The pages that make this possible, static assets, the health
    check and the API (which checks for itself in safeguard.core.api_auth) are let through.
    """

    ALWAYS_OPEN_PREFIXES = ("/healthz", API_PREFIX)
    OPEN_URL_NAMES = (
        "people:sign_in",
        "people:sign_out",
        "people:verify",
        "people:verify_recovery",
        "people:enrol",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            # Resolved on first use: the URLconf cannot be imported while middleware is being built.
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES)
        return path in self._open_paths or path.startswith((settings.STATIC_URL, *self.ALWAYS_OPEN_PREFIXES))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session and not self._is_open(request.path):
            user = request.user
            if user.is_authenticated and not user.is_verified():  # type: ignore[attr-defined]  # added by OTPMiddleware
                if mfa.has_second_factor(user):
                    return _redirect_with_next("people:verify", request)
                if settings.SAFEGUARD_REQUIRE_MFA:
                    return _redirect_with_next("people:enrol", request)
        return self.get_response(request)
