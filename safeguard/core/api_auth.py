"""API authentication: session (only once the second factor is done, where required) and tokens.

Tokens are issued with `manage.py create_api_token EMAIL` and sent as `Authorization: Token <key>`.
Only a digest of each key is stored (core.api_tokens). A malformed or unknown token is refused with 401
and a plain reason; it never falls back to anonymous.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.request import Request

TOKEN_KEYWORD = "Token"  # noqa: S105 - the scheme name, not a secret
# Keys are 40 hexadecimal characters (core.api_tokens.KEY_BYTES).
TOKEN_LENGTH = 40
_HEX = frozenset("0123456789abcdefABCDEF")


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only when it would count for the pages."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        # The same rule as RequireMFAMiddleware applies to pages: verify when MFA is required, and always
        # when the user has an authenticator app (a password alone is not their whole sign-in).
        if not _second_factor_done(request) and (
            settings.SAFEGUARD_REQUIRE_MFA or _has_confirmed_authenticator(user)
        ):
            raise exceptions.NotAuthenticated("Complete two-factor sign-in before using the API.")
        return (user, None)

    def authenticate_header(self, request: Request) -> str:
        # DRF asks only the first authentication class for the WWW-Authenticate challenge, and answers
        # 403 instead of 401 when there is none. The challenge an API client can meet is a token.
        return TOKEN_KEYWORD


def _second_factor_done(request: Request) -> bool:
    # OTPMiddleware gives the user `is_verified`; without it (a bare request) the factor counts as not done.
    is_verified = getattr(request._request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def _has_confirmed_authenticator(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class StrictTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; a malformed header is refused with a plain reason."""

    keyword = TOKEN_KEYWORD

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # Refuse anything that cannot be a key before it reaches the database.
        if len(key) != TOKEN_LENGTH or not set(key) <= _HEX:
            raise exceptions.AuthenticationFailed("Invalid token.")
        from safeguard.core.api_tokens import user_for_key

        user = user_for_key(key.lower())
        if user is None:
            # One answer for an unknown key and a deactivated user's key: no probing which is which.
            raise exceptions.AuthenticationFailed("Invalid token.")
        return (user, None)
