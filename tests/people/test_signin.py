"""Signing in and out with an e-mail address and password, and the lockout after repeated failures."""

from __future__ import annotations

import re

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from safeguard.core.models import AuditEvent
from tests.factories import UserFactory
from tests.people.conftest import sign_in

BAD_CREDENTIALS = "Enter a correct email address and password"


def _is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def _without_nonces(response) -> str:
    # The CSP nonce is fresh on every response; everything else must match.
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def _fail(client: Client, email: str, times: int) -> object:
    response = None
    for _ in range(times):
        response = sign_in(client, email, "not the right passphrase")
    return response


def test_correct_password_signs_in_and_goes_to_my_work(client: Client, practitioner, password) -> None:
    response = sign_in(client, "practitioner@example.test", password)

    assert response.status_code == 302
    assert response["Location"] == "/my-work/"
    assert client.session[SESSION_KEY] == str(practitioner.pk)


def test_email_address_is_matched_without_regard_to_case(client: Client, practitioner, password) -> None:
    response = sign_in(client, "Practitioner@Example.TEST", password)

    assert response.status_code == 302
    assert _is_signed_in(client)


def test_sign_in_returns_to_the_page_asked_for(client: Client, practitioner, password) -> None:
    response = sign_in(client, practitioner.email, password, next="/account/")

    assert response["Location"] == "/account/"


def test_sign_in_ignores_a_next_address_on_another_site(client: Client, practitioner, password) -> None:
    response = sign_in(client, practitioner.email, password, next="https://evil.example/steal")

    assert response["Location"] == "/my-work/"


def test_successful_sign_in_is_audited(client: Client, practitioner, password) -> None:
    sign_in(client, practitioner.email, password)

    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.actor == practitioner
    assert event.changes == {"second_factor": "none"}


def test_wrong_password_and_unknown_address_get_the_same_answer(client: Client, practitioner) -> None:
    wrong_password = sign_in(client, practitioner.email, "not the right passphrase")
    unknown_address = sign_in(client, "nobody@example.test", "not the right passphrase")

    assert wrong_password.status_code == unknown_address.status_code == 200
    for response in (wrong_password, unknown_address):
        page = response.content.decode()
        assert BAD_CREDENTIALS in page
        assert "<title>Error: Sign in" in page
    assert not _is_signed_in(client)


def test_wrong_password_signs_nobody_in_and_changes_nothing(client: Client, practitioner) -> None:
    password_hash = practitioner.password

    sign_in(client, practitioner.email, "not the right passphrase")

    practitioner.refresh_from_db()
    assert not _is_signed_in(client)
    assert practitioner.last_login is None
    assert practitioner.password == password_hash
    assert not AuditEvent.objects.filter(action="user.signed_in").exists()


def test_failed_sign_in_is_audited_with_the_email_domain_only(client: Client, practitioner) -> None:
    sign_in(client, practitioner.email, "not the right passphrase")

    event = AuditEvent.objects.get(action="user.sign_in_failed")
    assert event.actor is None
    assert event.system_process == "sign-in"
    assert event.changes == {"email_domain": "example.test"}
    assert "not the right passphrase" not in str(event.changes) + event.reason


def test_deactivated_user_gets_the_same_message_as_a_wrong_password(client: Client, practitioner, password):
    practitioner.is_active = False
    practitioner.save()

    response = sign_in(client, practitioner.email, password)

    assert response.status_code == 200
    assert BAD_CREDENTIALS in response.content.decode()
    assert not _is_signed_in(client)


def test_missing_fields_show_an_error_summary_linked_to_each_field(client: Client, practitioner) -> None:
    response = client.post("/sign-in/", {"email": "", "password": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "govuk-error-summary" in page
    assert '<a href="#id_email">Enter your email address</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    # Nothing written: no attempt counted, no audit entry, nobody signed in.
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not _is_signed_in(client)


def test_malformed_email_address_is_explained(client: Client, db) -> None:
    response = client.post("/sign-in/", {"email": "not-an-address", "password": "anything at all"})

    assert "Enter an email address in the correct format" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_sign_in_form_has_labels_and_autocomplete(client: Client, db) -> None:
    page = client.get("/sign-in/").content.decode()

    assert '<label class="govuk-label" for="id_email">' in page
    assert '<label class="govuk-label" for="id_password">' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page


def test_account_is_locked_after_the_failure_limit(client: Client, practitioner) -> None:
    response = _fail(client, practitioner.email, settings.AXES_FAILURE_LIMIT)

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_locked_account_cannot_sign_in_even_with_the_right_password(
    client: Client, practitioner, password
) -> None:
    _fail(client, practitioner.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, practitioner.email, password)

    practitioner.refresh_from_db()
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert not _is_signed_in(client)
    assert practitioner.last_login is None
    assert not AuditEvent.objects.filter(action="user.signed_in").exists()


def test_lockout_page_is_the_same_for_an_address_without_an_account(client: Client, practitioner) -> None:
    known = _fail(Client(), practitioner.email, settings.AXES_FAILURE_LIMIT)
    unknown = _fail(Client(), "nobody@example.test", settings.AXES_FAILURE_LIMIT)

    assert known.status_code == unknown.status_code == 429
    assert _without_nonces(known) == _without_nonces(unknown)


def test_changing_the_case_of_the_address_does_not_escape_lockout(client: Client, practitioner, password):
    _fail(client, practitioner.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, practitioner.email.upper(), password)

    assert response.status_code == 429
    assert not _is_signed_in(client)


def test_one_success_before_the_limit_resets_the_count(client: Client, practitioner, password) -> None:
    _fail(client, practitioner.email, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client, practitioner.email, password)
    client.post("/sign-out/")

    response = _fail(client, practitioner.email, 1)

    assert response.status_code == 200


def test_lockout_of_one_address_does_not_lock_another(client: Client, practitioner, password) -> None:
    other = UserFactory(email="other@example.test")
    _fail(client, practitioner.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, other.email, password)

    assert response.status_code == 302


def test_sign_out_is_refused_by_get(signed_in: Client) -> None:
    response = signed_in.get("/sign-out/")

    assert response.status_code == 405
    assert _is_signed_in(signed_in)


def test_sign_out_by_post_ends_the_session(signed_in: Client) -> None:
    response = signed_in.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert not _is_signed_in(signed_in)
    assert signed_in.get("/my-work/")["Location"].startswith("/sign-in/")


def test_sign_in_without_a_csrf_token_is_refused_and_signs_nobody_in(practitioner, password) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = sign_in(browser, practitioner.email, password)

    practitioner.refresh_from_db()
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert not _is_signed_in(browser)
    assert practitioner.last_login is None
    assert not AuditEvent.objects.exists()
    assert not AccessAttempt.objects.exists()


def test_sign_in_page_redirects_someone_already_signed_in(signed_in: Client) -> None:
    response = signed_in.get("/sign-in/")

    assert response.status_code == 302
    assert response["Location"] == "/my-work/"


def test_a_post_with_no_fields_at_all_shows_the_errors(client: Client, db) -> None:
    response = client.post("/sign-in/", {})

    page = response.content.decode()
    assert "<title>Error: Sign in" in page
    assert '<a href="#id_email">Enter your email address</a>' in page
    assert not AccessAttempt.objects.exists()
