"""In-app notifications and their content-free e-mail twins.

Callers pass a content-free subject ("An action is overdue", "Evidence is waiting for you") and the
URL where the work is: never a child's name, address or any other detail. The e-mail carries even
less: a fixed text and the link, so nothing about a child or family leaves the system by e-mail even if
a subject were written carelessly.

`notify` is idempotent by `dedupe_key`: the same key is never notified twice to the same user, which
is what lets the tick run again after a crash without repeating itself.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from safeguard.core.models import Notification

logger = logging.getLogger(__name__)

EMAIL_SUBJECT = "Safeguard: you have a new notification"
EMAIL_BODY = (
    "You have a new notification in Safeguard.\n"
    "\n"
    "Sign in to see it:\n"
    "{link}\n"
    "\n"
    "This e-mail does not contain any details about children or families. "
    "Do not reply to it.\n"
)


def email_body(link: str) -> str:
    return EMAIL_BODY.format(link=link)


def absolute_link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


def notify(*, user: Any, subject: str, url: str, dedupe_key: str = "") -> Notification | None:
    """Notify a user in the app and, once the transaction commits, by e-mail.

    Returns the new notification, or None when `dedupe_key` was already notified to this user.
    """
    subject = subject.strip()
    if not subject:
        raise ValueError("A notification needs a subject.")
    if not dedupe_key:
        notification = Notification.objects.create(user=user, subject=subject[:200], url=url)
    else:
        try:
            # The savepoint keeps an enclosing transaction usable when a concurrent writer wins the race
            # to the unique (user, dedupe_key) constraint.
            with transaction.atomic():
                notification, created = Notification.objects.get_or_create(
                    user=user, dedupe_key=dedupe_key, defaults={"subject": subject[:200], "url": url}
                )
        except IntegrityError:
            return None
        if not created:
            return None
    notification_id = notification.pk
    transaction.on_commit(lambda: send_notification_email.enqueue(notification_id))
    return notification


def unread_notifications_for(user: Any) -> QuerySet[Notification]:
    """The user's unread notifications, newest first."""
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-pk")


@task()
def send_notification_email(notification_id: int) -> bool:
    """Send the e-mail twin of one notification; safe to run twice (it sends at most once)."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    user = notification.user
    if not user.is_active or not user.email:
        return False
    # Claim the notification before sending: a second worker running the same task finds it claimed.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        send_mail(
            subject=EMAIL_SUBJECT,
            message=email_body(absolute_link(notification.url)),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        # Release the claim so a retry can send it; the exception itself names no person.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        logger.exception("Notification e-mail %s could not be sent", notification_id)
        raise
    return True
