"""Session limits (idle and absolute), ending sessions on deactivation, and the session cookie."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from safeguard.core.models import AuditEvent
from safeguard.people.models import UserSession
from safeguard.people.services import deactivate_user
from safeguard.people.signals import LAST_SEEN_AT, SIGNED_IN_AT
from tests.people.conftest import sign_in

IDLE_MESSAGE = "You were signed out after 30 minutes without activity"
ABSOLUTE_MESSAGE = "You were signed out because you had been signed in for 12 hours"


def _shift_session(client: Client, *, signed_in_ago: float, last_seen_ago: float) -> None:
    """Travel forward in time by moving the session's timestamps back."""
    now = time.time()
    session = client.session
    session[SIGNED_IN_AT] = now - signed_in_ago
    session[LAST_SEEN_AT] = now - last_seen_ago
    session.save()


def _is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _sessions_of(user) -> int:
    stored = [s for s in UserSession.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    assert all(s.user_id == user.pk for s in stored)
    return len(stored)


@pytest.fixture
def browser(client: Client, practitioner, password) -> Client:
    """Pat, signed in through the sign-in page."""
    assert sign_in(client, practitioner.email, password).status_code == 302
    return client


def test_sign_in_stamps_the_session_with_the_time(browser: Client) -> None:
    before = time.time()

    session = browser.session

    assert before - 60 < session[SIGNED_IN_AT] <= before
    assert session[LAST_SEEN_AT] == session[SIGNED_IN_AT]


def test_idle_session_is_ended_with_a_message(browser: Client) -> None:
    _shift_session(browser, signed_in_ago=31 * 60, last_seen_ago=31 * 60)

    response = browser.get("/my-work/", follow=True)

    assert response.redirect_chain[0] == ("/sign-in/?next=%2Fmy-work%2F", 302)
    assert IDLE_MESSAGE in response.content.decode()
    assert not _is_signed_in(browser)


def test_activity_within_the_idle_limit_keeps_the_session(browser: Client) -> None:
    _shift_session(browser, signed_in_ago=2 * 60 * 60, last_seen_ago=29 * 60)

    response = browser.get("/my-work/")

    assert response.status_code == 200
    assert time.time() - browser.session[LAST_SEEN_AT] < 60


def test_session_is_ended_twelve_hours_after_sign_in_however_active(browser: Client) -> None:
    _shift_session(browser, signed_in_ago=12 * 60 * 60 + 1, last_seen_ago=10)

    response = browser.get("/my-work/", follow=True)

    assert response.redirect_chain[0][0].startswith("/sign-in/")
    assert ABSOLUTE_MESSAGE in response.content.decode()
    assert not _is_signed_in(browser)


def test_expired_session_post_changes_nothing(browser: Client, practitioner) -> None:
    password_hash = practitioner.password
    _shift_session(browser, signed_in_ago=31 * 60, last_seen_ago=31 * 60)

    response = browser.post(
        "/account/password/",
        {
            "current_password": "a long test passphrase",
            "new_password": "another quite long passphrase",
            "confirm_password": "another quite long passphrase",
        },
    )

    practitioner.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert practitioner.password == password_hash
    assert not AuditEvent.objects.filter(action="user.password_changed").exists()


def test_expired_session_on_the_api_is_refused_not_redirected(browser: Client) -> None:
    _shift_session(browser, signed_in_ago=31 * 60, last_seen_ago=31 * 60)

    response = browser.get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert not _is_signed_in(browser)


def test_session_without_timestamps_starts_its_clock_now(signed_in: Client) -> None:
    session = signed_in.session
    session.pop(SIGNED_IN_AT, None)
    session.pop(LAST_SEEN_AT, None)
    session.save()

    assert signed_in.get("/my-work/").status_code == 200
    assert time.time() - signed_in.session[SIGNED_IN_AT] < 60


def test_session_cookie_is_http_only_and_same_site_lax(client: Client, practitioner, password) -> None:
    response = sign_in(client, practitioner.email, password)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- Deactivation ---------------------------------------------------------------------------------------


def test_deactivation_ends_every_session_of_the_user(browser: Client, practitioner, admin_user) -> None:
    second_browser = Client()
    second_browser.force_login(practitioner)

    deactivate_user(actor=admin_user, user=practitioner, reason="Left the agency")

    assert _sessions_of(practitioner) == 0
    assert browser.get("/my-work/")["Location"].startswith("/sign-in/")
    assert second_browser.get("/my-work/")["Location"].startswith("/sign-in/")


def test_deactivation_leaves_other_users_signed_in(practitioner, admin_user) -> None:
    admin_browser = Client()
    admin_browser.force_login(admin_user)

    deactivate_user(actor=admin_user, user=practitioner, reason="Left the agency")

    assert _sessions_of(admin_user) == 1


def test_deactivation_is_audited_with_its_reason(browser: Client, practitioner, admin_user) -> None:
    deactivate_user(actor=admin_user, user=practitioner, reason="Left the agency")

    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.actor == admin_user
    assert event.target_id == str(practitioner.pk)
    assert event.reason == "Left the agency"
    assert event.changes == {"is_active": [True, False], "sessions_ended": 1}


def test_only_an_administrator_can_deactivate_a_user(browser: Client, practitioner) -> None:
    colleague = type(practitioner).objects.create_user("colleague@example.test", full_name="Cal Colleague")

    with pytest.raises(PermissionDenied):
        deactivate_user(actor=colleague, user=practitioner, reason="Mischief")

    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert _sessions_of(practitioner) == 1
    assert not AuditEvent.objects.filter(action="user.deactivated").exists()


def test_deactivation_needs_a_reason(browser: Client, practitioner, admin_user) -> None:
    with pytest.raises(ValidationError):
        deactivate_user(actor=admin_user, user=practitioner, reason="  ")

    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert _sessions_of(practitioner) == 1


def test_deactivating_by_saving_the_model_also_ends_sessions(browser: Client, practitioner) -> None:
    # The admin's change form saves the model directly; the signal receiver covers that path.
    practitioner.is_active = False
    practitioner.save()

    assert _sessions_of(practitioner) == 0


def test_saving_an_active_user_leaves_their_sessions(browser: Client, practitioner) -> None:
    practitioner.full_name = "Pat Renamed"
    practitioner.save()

    assert _sessions_of(practitioner) == 1


def test_ending_a_users_sessions_costs_the_same_queries_however_many_sessions_exist(
    practitioner, password, django_assert_num_queries
) -> None:
    from safeguard.people.services import end_sessions

    for _ in range(5):
        assert sign_in(Client(), practitioner.email, password).status_code == 302
    assert UserSession.objects.filter(user_id=practitioner.pk).count() == 5
    with django_assert_num_queries(1):  # one DELETE, however many sessions
        assert end_sessions(practitioner) == 5
    assert not UserSession.objects.filter(user_id=practitioner.pk).exists()


def test_the_signed_in_user_is_stored_beside_the_session(browser: Client, practitioner) -> None:
    assert UserSession.objects.get(session_key=browser.session.session_key).user_id == practitioner.pk
