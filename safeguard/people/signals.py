"""Receivers that end a user's sessions when they are deactivated or their password changes.

The services in `safeguard.people.services` end sessions explicitly. These receivers cover the other ways
an account is changed (the admin, a shell): deactivating a user by saving the model ends their sessions too.
A password change needs no receiver: Django's session auth hash refuses every session signed in with the
old password on its next request.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from safeguard.people.models import User
from safeguard.people.services import end_sessions

# Session keys for SessionLifetimeMiddleware: when the user signed in and when they were last seen.
SIGNED_IN_AT = "sg_signed_in_at"
LAST_SEEN_AT = "sg_last_seen_at"


@receiver(user_logged_in, dispatch_uid="safeguard.people.stamp_session")
def stamp_session(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


@receiver(pre_save, sender=User, dispatch_uid="safeguard.people.note_deactivation")
def note_deactivation(sender: type[User], instance: User, **kwargs: Any) -> None:
    # Only a save of an inactive user can be a deactivation, so only then is the stored row read.
    instance._sg_deactivated = bool(  # type: ignore[attr-defined]
        instance.pk
        and not instance.is_active
        and sender.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User, dispatch_uid="safeguard.people.end_sessions_on_deactivation")
def end_sessions_on_deactivation(sender: type[User], instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_sg_deactivated", False):
        end_sessions(instance)
        instance._sg_deactivated = False  # type: ignore[attr-defined]
