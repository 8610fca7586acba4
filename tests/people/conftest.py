"""Fixtures for sign-in, second-factor and session tests."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.people.mfa import recovery_code_digest
from tests.factories import UserFactory

RECOVERY_CODES = [f"recov{n:03d}" for n in range(10)]


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, email: str, password: str, **extra: str) -> object:
    return client.post("/sign-in/", {"email": email, "password": password, **extra})


@pytest.fixture
def mfa_user(db):
    """Mo, a MASH manager who has set up an authenticator app and holds ten recovery codes."""
    return UserFactory(email="mo.mash@example.test", full_name="Mo Mash")


@pytest.fixture
def totp_device(mfa_user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=mfa_user, name="Authenticator app", confirmed=True)


@pytest.fixture
def recovery_codes(mfa_user, totp_device) -> list[str]:
    device = StaticDevice.objects.create(user=mfa_user, name="Recovery codes", confirmed=True)
    for code in RECOVERY_CODES:
        StaticToken.objects.create(device=device, token=recovery_code_digest(code))
    return list(RECOVERY_CODES)


@pytest.fixture
def password_signed_in(client: Client, mfa_user, totp_device, recovery_codes, password) -> Client:
    """Mo's browser after the password step, before the second factor."""
    response = sign_in(client, mfa_user.email, password)
    assert response.status_code == 302
    return client


@pytest.fixture
def verified(password_signed_in: Client, totp_device) -> Client:
    """Mo's browser after both steps."""
    response = password_signed_in.post("/sign-in/two-factor/", {"code": current_code(totp_device)})
    assert response.status_code == 302
    return password_signed_in


def codes_on_page(page: str) -> list[str]:
    """The recovery codes listed on a "Save your recovery codes" page."""
    import re

    listing = re.search(r'<ol class="[^"]*sg-recovery-codes[^"]*"[^>]*>(.*?)</ol>', page, re.S)
    return re.findall(r"<li>\s*([a-z0-9]+)\s*</li>", listing.group(1)) if listing else []


def stored_recovery_tokens(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
