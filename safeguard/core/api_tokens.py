"""API keys: issued once, stored as a digest, checked by digest.

`issue_api_token` is the one way to create or replace a key (the `create_api_token` command and the tests
call it). The key itself is returned to the caller and never stored or logged.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.models import ApiToken

KEY_BYTES = 20  # 40 hexadecimal characters, the length clients already send
# Recording every use would turn each API read into a write; once a minute is enough to see activity.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenExists(Exception):
    """The user already has a key; it cannot be shown again, only replaced."""


@dataclass(frozen=True)
class IssuedToken:
    key: str
    replaced: bool


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


@transaction.atomic
def issue_api_token(*, user: Any, rotate: bool, system_process: str = "", actor: Any = None) -> IssuedToken:
    """Create the user's key, or with `rotate` replace it (the old key stops working at once)."""
    existing = ApiToken.objects.select_for_update().filter(user=user).first()
    if existing is not None and not rotate:
        raise TokenExists(user.pk)
    if existing is not None:
        existing.delete()
    key = secrets.token_hex(KEY_BYTES)
    ApiToken.objects.create(user=user, key_digest=digest(key))
    record_event(
        actor=actor,
        system_process=system_process,
        action="api_token.issued",
        target=user,
        changes={"new_key": True, "replaced_key": existing is not None},
    )
    return IssuedToken(key=key, replaced=existing is not None)


def user_for_key(key: str) -> Any | None:
    """The active user whose key this is, or None. Notes the use at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(key_digest=digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
