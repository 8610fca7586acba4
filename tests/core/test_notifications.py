"""Notifications: in-app rows, once per dedupe key, and an e-mail that carries only a link."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from safeguard.core.models import Notification
from safeguard.core.notifications import (
    EMAIL_SUBJECT,
    notify,
    send_notification_email,
)
from tests.factories import UserFactory

CANARY = "Canary Childname 01/02/2013"


def test_notify_creates_an_unread_notification(practitioner) -> None:
    notify(user=practitioner, subject="An action is overdue", url="/actions/7/")
    notification = Notification.objects.get(user=practitioner)
    assert (notification.subject, notification.url, notification.read_at) == (
        "An action is overdue",
        "/actions/7/",
        None,
    )


def test_notify_sends_nothing_before_the_transaction_commits(practitioner, mailoutbox) -> None:
    notify(user=practitioner, subject="An action is overdue", url="/actions/7/")
    assert mailoutbox == []


def test_notify_sends_one_email_to_the_user_once_committed(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=practitioner, subject="An action is overdue", url="/actions/7/")
    assert [message.to for message in mailoutbox] == [[practitioner.email]]


def test_the_email_body_is_exactly_the_fixed_text_and_the_link(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=practitioner, subject="An action is overdue", url="/actions/7/")
    assert mailoutbox[0].body == (
        "You have a new notification in Safeguard.\n"
        "\n"
        "Sign in to see it:\n"
        f"{settings.SITE_URL}/actions/7/\n"
        "\n"
        "This e-mail does not contain any details about children or families. Do not reply to it.\n"
    )


def test_the_email_carries_nothing_of_the_notification_subject(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=practitioner, subject=f"Careless subject about {CANARY}", url="/children/3/")
    message = mailoutbox[0]
    assert CANARY not in message.subject
    assert CANARY not in message.body
    assert message.subject == EMAIL_SUBJECT


def test_a_sent_notification_is_marked_emailed(practitioner, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=practitioner, subject="Evidence to accept", url="/evidence/2/")
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_same_dedupe_key_notifies_a_user_only_once(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(user=practitioner, subject="Overdue", url="/x/", dedupe_key="clock:1:overdue")
        second = notify(user=practitioner, subject="Overdue", url="/x/", dedupe_key="clock:1:overdue")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_same_dedupe_key_still_reaches_a_different_user(practitioner, admin_user) -> None:
    notify(user=practitioner, subject="Overdue", url="/x/", dedupe_key="clock:1:overdue")
    notify(user=admin_user, subject="Overdue", url="/x/", dedupe_key="clock:1:overdue")
    assert Notification.objects.count() == 2


def test_without_a_dedupe_key_every_call_notifies(practitioner) -> None:
    notify(user=practitioner, subject="Reminder", url="/x/")
    notify(user=practitioner, subject="Reminder", url="/x/")
    assert Notification.objects.count() == 2


def test_a_notification_rolled_back_sends_no_email(
    practitioner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    def failing_change() -> None:
        with transaction.atomic():
            notify(user=practitioner, subject="Reminder", url="/x/")
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_sending_the_same_notification_twice_sends_one_email(practitioner, mailoutbox) -> None:
    notification = notify(user=practitioner, subject="Reminder", url="/x/")
    assert send_notification_email.call(notification.pk) is True
    assert send_notification_email.call(notification.pk) is False
    assert len(mailoutbox) == 1


def test_an_inactive_user_is_not_emailed(mailoutbox, db) -> None:
    user = UserFactory(is_active=False)
    notification = notify(user=user, subject="Reminder", url="/x/")
    send_notification_email.call(notification.pk)
    assert mailoutbox == []


def test_a_notification_needs_a_subject(practitioner) -> None:
    with pytest.raises(ValueError, match="subject"):
        notify(user=practitioner, subject=" ", url="/x/")
