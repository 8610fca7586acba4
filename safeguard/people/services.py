"""Writes to user accounts: deactivation, password changes and the sign-in audit entries."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguard.core.audit import record_event
from safeguard.people.models import User, UserSession
from safeguard.people.permissions import is_administrator

SIGN_IN_PROCESS = "sign-in"


def end_sessions(user: User, *, keep_session_key: str | None = None) -> int:
    """Delete every stored session signed in as `user` (except `keep_session_key`); returns how many.

    The session engine (people.sessions) keeps the user id in an indexed column, so this is one DELETE
    however many sessions the instance holds.
    """
    sessions = UserSession.objects.filter(user_id=user.pk)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    return sessions.delete()[0]


@transaction.atomic
def deactivate_user(*, actor: User, user: User, reason: str) -> User:
    """Stop `user` signing in and end every session they have open."""
    if not is_administrator(actor):
        raise PermissionDenied("Only an administrator can deactivate an account.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the account is being deactivated"})
    # Lock the row: an administrator deactivating while the user changes their password must not race.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError("This account is already deactivated")
    ended = end_sessions(user)
    # A queryset update, not save(): the signal that ends sessions for saves made elsewhere (the admin)
    # would only scan the session table a second time.
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    record_event(
        actor=actor,
        action="user.deactivated",
        target=user,
        changes={"is_active": [True, False], "sessions_ended": ended},
        reason=reason.strip(),
    )
    return user


@transaction.atomic
def change_password(
    *, actor: User, user: User, new_password: str, keep_session_key: str | None = None
) -> User:
    """Set a new password (checked against the password rules) and end the user's other sessions.

    `keep_session_key` is the session the change was made from, when the user changes their own password;
    the caller keeps it valid with `update_session_auth_hash`.
    """
    if actor.pk != user.pk and not is_administrator(actor):
        raise PermissionDenied("You can only change your own password.")
    user = User.objects.select_for_update().get(pk=user.pk)
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The session auth hash already refuses the old sessions on their next request; deleting them as well
    # means nothing signed in with the old password lingers in the session table.
    ended = end_sessions(user, keep_session_key=keep_session_key)
    # Never the password or its hash: only that it changed.
    record_event(actor=actor, action="user.password_changed", target=user, changes={"sessions_ended": ended})
    return user


def record_signed_in(*, user: User, second_factor: str) -> None:
    record_event(actor=user, action="user.signed_in", target=user, changes={"second_factor": second_factor})


def record_sign_in_failed(*, email: str) -> None:
    """A failed password sign-in. Only the address's domain is kept: never the address or the password."""
    domain = email.rpartition("@")[2].lower()[:253]
    record_event(
        system_process=SIGN_IN_PROCESS, action="user.sign_in_failed", changes={"email_domain": domain}
    )


def record_signed_out(*, user: User) -> None:
    record_event(actor=user, action="user.signed_out", target=user)
