"""Password storage and the password rules, through the change-password page."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings

from safeguard.core.models import AuditEvent
from safeguard.people.services import change_password

PAGE = "/account/password/"
NEW = "tea kettle orbit lantern"


def _change(client: Client, new: str, *, current: str = "a long test passphrase", confirm: str | None = None):
    return client.post(
        PAGE,
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


@pytest.fixture
def old_hash(practitioner) -> str:
    return practitioner.password


def _unchanged(user, old_hash: str) -> bool:
    user.refresh_from_db()
    return (
        user.password == old_hash and not AuditEvent.objects.filter(action="user.password_changed").exists()
    )


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_new_password_is_stored_with_argon2(practitioner) -> None:
    change_password(actor=practitioner, user=practitioner, new_password=NEW)

    practitioner.refresh_from_db()
    assert practitioner.password.startswith("argon2$")
    assert practitioner.check_password(NEW)


def test_change_password_page_has_labelled_fields_with_autocomplete(signed_in: Client) -> None:
    page = signed_in.get(PAGE).content.decode()

    assert '<label class="govuk-label" for="id_current_password">' in page
    assert '<label class="govuk-label" for="id_new_password">' in page
    assert 'autocomplete="current-password"' in page
    assert page.count('autocomplete="new-password"') == 2


def test_long_passphrase_without_digits_or_symbols_is_accepted(signed_in: Client, practitioner) -> None:
    response = _change(signed_in, NEW)

    practitioner.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert practitioner.check_password(NEW)


def test_password_shorter_than_twelve_characters_is_refused(
    signed_in: Client, practitioner, old_hash
) -> None:
    response = _change(signed_in, "Sh0rt!pass")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change your password" in page
    assert '<a href="#id_new_password">Your new password must be 12 characters or more</a>' in page
    assert _unchanged(practitioner, old_hash)


def test_common_password_is_refused(signed_in: Client, practitioner, old_hash) -> None:
    response = _change(signed_in, "password1234")

    assert "Your new password is too easy to guess" in response.content.decode()
    assert _unchanged(practitioner, old_hash)


def test_password_like_the_email_address_is_refused(signed_in: Client, practitioner, old_hash) -> None:
    response = _change(signed_in, "practitioner@example.test")

    assert "must not be like your name or email address" in response.content.decode()
    assert _unchanged(practitioner, old_hash)


def test_wrong_current_password_is_refused(signed_in: Client, practitioner, old_hash) -> None:
    response = _change(signed_in, NEW, current="not my password at all")

    assert (
        '<a href="#id_current_password">Your current password is incorrect</a>' in response.content.decode()
    )
    assert _unchanged(practitioner, old_hash)


def test_mismatched_confirmation_is_refused(signed_in: Client, practitioner, old_hash) -> None:
    response = _change(signed_in, NEW, confirm="tea kettle orbit lanterns")

    assert '<a href="#id_confirm_password">The passwords do not match' in response.content.decode()
    assert _unchanged(practitioner, old_hash)


def test_empty_form_lists_every_missing_field(signed_in: Client, practitioner, old_hash) -> None:
    response = signed_in.post(PAGE, {})

    page = response.content.decode()
    assert '<a href="#id_current_password">Enter your current password</a>' in page
    assert '<a href="#id_new_password">Enter a new password</a>' in page
    assert '<a href="#id_confirm_password">Enter your new password again</a>' in page
    assert _unchanged(practitioner, old_hash)


def test_password_change_keeps_this_session(signed_in: Client, practitioner) -> None:
    _change(signed_in, NEW)

    assert signed_in.session[SESSION_KEY] == str(practitioner.pk)
    assert signed_in.get("/my-work/").status_code == 200


def test_password_change_ends_the_users_other_sessions(signed_in: Client, practitioner) -> None:
    other_browser = Client()
    other_browser.force_login(practitioner)

    _change(signed_in, NEW)

    assert other_browser.get("/my-work/")["Location"].startswith("/sign-in/")


def test_password_change_is_audited_without_the_password(signed_in: Client, practitioner) -> None:
    _change(signed_in, NEW)

    event = AuditEvent.objects.get(action="user.password_changed")
    practitioner.refresh_from_db()
    assert event.actor == practitioner
    assert NEW not in str(event.changes)
    assert practitioner.password not in str(event.changes)


def test_new_password_works_for_the_next_sign_in(signed_in: Client, practitioner) -> None:
    _change(signed_in, NEW)
    signed_in.post("/sign-out/")

    response = signed_in.post("/sign-in/", {"email": practitioner.email, "password": NEW})

    assert response.status_code == 302
    assert response["Location"] == "/my-work/"


def test_a_user_cannot_change_someone_elses_password(practitioner, old_hash) -> None:
    other = type(practitioner).objects.create_user(
        "other@example.test", "their own passphrase", full_name="O"
    )

    with pytest.raises(PermissionDenied):
        change_password(actor=other, user=practitioner, new_password=NEW)

    assert _unchanged(practitioner, old_hash)
