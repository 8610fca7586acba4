"""API authentication: session (only once the second factor is done, where required) and tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only when it would count for the pages."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.SAFEGUARD_REQUIRE_MFA and not request._request.user.is_verified():
            raise exceptions.NotAuthenticated("Complete two-factor sign-in before using the API.")
        return (user, None)


class StrictTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; a malformed header is refused with a plain reason."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if len(key) != 40 or not key.isalnum():
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
