"""The second factor: enrolment with an authenticator app, verification, recovery codes."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.models import AuditEvent
from safeguard.people.mfa import recovery_code_digest
from tests.people.conftest import codes_on_page, current_code, sign_in, stored_recovery_tokens

VERIFY = "/sign-in/two-factor/"
RECOVERY = "/sign-in/recovery-code/"
ENROL = "/account/two-factor/set-up/"
CODES = "/account/two-factor/recovery-codes/"


def _is_verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def _pending_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


# --- Enrolment -----------------------------------------------------------------------------------------


def test_enrolment_page_shows_an_inline_svg_qr_code_and_the_secret(signed_in: Client, practitioner) -> None:
    response = signed_in.get(ENROL)

    page = response.content.decode()
    device = _pending_device(practitioner)
    assert response.status_code == 200
    assert '<div class="sg-qr" role="img"' in page
    assert "<svg" in page
    assert "<img" not in page
    assert "data:image" not in page
    assert device.config_url.split("secret=")[1][:8] in page.replace(" ", "")


def test_enrolment_page_keeps_the_same_secret_when_reloaded(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)
    signed_in.get(ENROL)

    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_code_field_asks_for_a_one_time_code_on_a_numeric_keypad(signed_in: Client) -> None:
    page = signed_in.get(ENROL).content.decode()

    assert '<label class="govuk-label" for="id_code">' in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_correct_code_confirms_the_device_and_shows_ten_recovery_codes(signed_in: Client, practitioner):
    signed_in.get(ENROL)
    device = _pending_device(practitioner)

    response = signed_in.post(ENROL, {"code": current_code(device)}, follow=True)

    device.refresh_from_db()
    page = response.content.decode()
    codes = codes_on_page(page)
    assert device.confirmed
    assert _is_verified(signed_in)
    assert "Save your recovery codes" in page
    assert len(set(codes)) == 10
    assert stored_recovery_tokens(practitioner) == {recovery_code_digest(code) for code in codes}


def test_recovery_codes_are_stored_only_as_digests(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)
    response = signed_in.post(ENROL, {"code": current_code(_pending_device(practitioner))}, follow=True)

    stored = stored_recovery_tokens(practitioner)
    assert stored
    assert not any(
        code in token or token in code
        for code in codes_on_page(response.content.decode())
        for token in stored
    )


def test_recovery_codes_are_shown_only_once(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)
    enrolled = signed_in.post(ENROL, {"code": current_code(_pending_device(practitioner))}, follow=True)
    codes = codes_on_page(enrolled.content.decode())
    assert codes

    page = signed_in.get(CODES).content.decode()

    assert "You have 10 recovery codes left" in page
    assert not any(code in page for code in codes)


def test_wrong_code_leaves_the_device_unconfirmed(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)
    wrong = f"{(int(current_code(_pending_device(practitioner))) + 1) % 1_000_000:06d}"

    response = signed_in.post(ENROL, {"code": wrong})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Set up two-factor authentication" in page
    assert "The code is not correct" in page
    assert not _pending_device(practitioner).confirmed
    assert not StaticToken.objects.exists()
    assert not AuditEvent.objects.filter(action="user.mfa_enrolled").exists()


def test_code_that_is_not_six_digits_is_explained(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)

    response = signed_in.post(ENROL, {"code": "12ab"})

    assert '<a href="#id_code">The code must be 6 digits, like 123456</a>' in response.content.decode()
    assert not _pending_device(practitioner).confirmed


def test_enrolment_is_audited(signed_in: Client, practitioner) -> None:
    signed_in.get(ENROL)

    signed_in.post(ENROL, {"code": current_code(_pending_device(practitioner))})

    event = AuditEvent.objects.get(action="user.mfa_enrolled")
    assert event.actor == practitioner
    assert event.changes == {"method": "totp"}


def test_unverified_user_cannot_replace_their_app_by_enrolling_again(password_signed_in: Client, mfa_user):
    response = password_signed_in.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=mfa_user, confirmed=False).exists()


# --- Verification after the password ---------------------------------------------------------------------


def test_password_sign_in_sends_a_user_with_an_app_to_verification(
    client: Client, mfa_user, totp_device, password
):
    response = sign_in(client, mfa_user.email, password)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert not _is_verified(client)


def test_unverified_user_is_kept_out_of_other_pages(password_signed_in: Client) -> None:
    response = password_signed_in.get("/my-work/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fmy-work%2F"


def test_users_with_an_app_must_verify_even_when_mfa_is_not_required(
    password_signed_in: Client, settings
) -> None:
    settings.SAFEGUARD_REQUIRE_MFA = False

    response = password_signed_in.get("/account/")

    assert response["Location"].startswith(VERIFY)


def test_correct_code_completes_sign_in(password_signed_in: Client, totp_device, mfa_user) -> None:
    response = password_signed_in.post(VERIFY, {"code": current_code(totp_device), "next": "/my-work/"})

    assert response.status_code == 302
    assert response["Location"] == "/my-work/"
    assert _is_verified(password_signed_in)
    assert password_signed_in.get("/my-work/").status_code == 200
    assert AuditEvent.objects.filter(action="user.mfa_verified", actor=mfa_user).exists()


def test_wrong_code_is_refused(password_signed_in: Client, totp_device) -> None:
    wrong = f"{(int(current_code(totp_device)) + 1) % 1_000_000:06d}"

    response = password_signed_in.post(VERIFY, {"code": wrong})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Enter the code from your authenticator app" in page
    assert "The code is not correct" in page
    assert not _is_verified(password_signed_in)


def test_a_code_cannot_be_used_twice(verified: Client, mfa_user, totp_device, password) -> None:
    used_code = current_code(totp_device)
    totp_device.refresh_from_db()
    last_t = totp_device.last_t
    other_browser = Client()
    sign_in(other_browser, mfa_user.email, password)

    response = other_browser.post(VERIFY, {"code": used_code})

    totp_device.refresh_from_db()
    assert response.status_code == 200
    assert "This code has already been used" in response.content.decode()
    assert not _is_verified(other_browser)
    assert totp_device.last_t == last_t
    assert AuditEvent.objects.filter(action="user.mfa_verified").count() == 1


def test_repeated_wrong_codes_are_slowed_down(password_signed_in: Client, totp_device) -> None:
    wrong = f"{(int(current_code(totp_device)) + 1) % 1_000_000:06d}"
    password_signed_in.post(VERIFY, {"code": wrong})

    response = password_signed_in.post(VERIFY, {"code": current_code(totp_device)})

    assert "Too many wrong codes. Wait" in response.content.decode()
    assert not _is_verified(password_signed_in)


def test_a_code_from_another_device_secret_is_refused(password_signed_in: Client, totp_device) -> None:
    stranger = TOTP(b"0" * 20).token()

    response = password_signed_in.post(VERIFY, {"code": f"{stranger:06d}"})

    assert response.status_code == 200
    assert not _is_verified(password_signed_in)


# --- Recovery codes --------------------------------------------------------------------------------------


def test_recovery_code_completes_sign_in(password_signed_in: Client, recovery_codes) -> None:
    response = password_signed_in.post(RECOVERY, {"code": recovery_codes[0].upper(), "next": "/my-work/"})

    assert response.status_code == 302
    assert response["Location"] == "/my-work/"
    assert _is_verified(password_signed_in)


def test_recovery_code_works_only_once(password_signed_in: Client, mfa_user, recovery_codes, password):
    password_signed_in.post(RECOVERY, {"code": recovery_codes[0]})
    other_browser = Client()
    sign_in(other_browser, mfa_user.email, password)

    response = other_browser.post(RECOVERY, {"code": recovery_codes[0]})

    assert response.status_code == 200
    assert "The recovery code is not correct or has already been used" in response.content.decode()
    assert not _is_verified(other_browser)
    assert StaticToken.objects.filter(device__user=mfa_user).count() == 9


def test_regenerating_recovery_codes_replaces_the_old_ones(
    verified: Client, mfa_user, recovery_codes
) -> None:
    response = verified.post(CODES, follow=True)

    page = response.content.decode()
    new_codes = set(codes_on_page(page))
    assert len(new_codes) == 10
    assert not new_codes & set(recovery_codes)
    assert stored_recovery_tokens(mfa_user) == {recovery_code_digest(code) for code in new_codes}
    event = AuditEvent.objects.get(action="user.recovery_codes_regenerated")
    assert event.actor == mfa_user
    assert not any(code in str(event.changes) for code in new_codes)


def test_regenerating_recovery_codes_needs_the_second_factor_first(
    password_signed_in: Client, mfa_user, recovery_codes
):
    response = password_signed_in.post(CODES)

    assert response["Location"].startswith(VERIFY)
    assert stored_recovery_tokens(mfa_user) == {recovery_code_digest(code) for code in recovery_codes}


# --- Account page and the requirement ---------------------------------------------------------------------


def test_account_page_shows_two_factor_is_on_and_codes_left(verified: Client) -> None:
    page = verified.get("/account/").content.decode()

    assert "On: authenticator app" in page
    assert "10 left" in page
    assert "Create new recovery codes" in page
    assert 'href="/account/password/"' in page


def test_account_page_offers_set_up_when_two_factor_is_off(signed_in: Client) -> None:
    page = signed_in.get("/account/").content.decode()

    assert "Off" in page
    assert f'href="{ENROL}"' in page


@pytest.fixture
def mfa_required(settings):
    settings.SAFEGUARD_REQUIRE_MFA = True


@pytest.mark.usefixtures("mfa_required")
def test_when_required_a_user_without_an_app_is_sent_to_enrolment(signed_in: Client) -> None:
    response = signed_in.get("/my-work/")

    assert response["Location"] == f"{ENROL}?next=%2Fmy-work%2F"


@pytest.mark.usefixtures("mfa_required")
def test_when_required_sign_in_goes_straight_to_enrolment(client: Client, practitioner, password) -> None:
    response = sign_in(client, practitioner.email, password)

    assert response["Location"].startswith(ENROL)


@pytest.mark.usefixtures("mfa_required")
@pytest.mark.parametrize("path", ["/healthz", "/api/v1/me/", "/sign-in/", "/account/two-factor/set-up/"])
def test_when_required_some_paths_are_not_redirected(signed_in: Client, path: str) -> None:
    response = signed_in.get(path)

    assert not response.get("Location", "").startswith(ENROL)


@pytest.mark.usefixtures("mfa_required")
def test_when_required_a_verified_user_reaches_their_pages(verified: Client) -> None:
    assert verified.get("/my-work/").status_code == 200


def test_an_empty_code_is_explained_and_changes_nothing(password_signed_in: Client, totp_device) -> None:
    response = password_signed_in.post(VERIFY, {})

    totp_device.refresh_from_db()
    assert (
        '<a href="#id_code">Enter the 6-digit code from your authenticator app</a>'
        in response.content.decode()
    )
    assert totp_device.throttling_failure_count == 0
    assert not _is_verified(password_signed_in)


def test_verification_gives_the_session_a_new_id(password_signed_in: Client, totp_device) -> None:
    before = password_signed_in.session.session_key

    password_signed_in.post(VERIFY, {"code": current_code(totp_device)})

    assert password_signed_in.session.session_key != before
    assert _is_verified(password_signed_in)
