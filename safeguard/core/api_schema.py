"""Teach drf-spectacular about Safeguard's authentication classes so the schema names them."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "safeguard.core.api_auth.VerifiedSessionAuthentication"
    name = "sessionAuth"


class StrictTokenScheme(TokenScheme):
    target_class = "safeguard.core.api_auth.StrictTokenAuthentication"
    name = "tokenAuth"
