from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.api_tokens import IssuedToken, issue_api_token


@pytest.fixture
def api_token(practitioner) -> IssuedToken:
    return issue_api_token(user=practitioner, rotate=False, system_process="tests")


@pytest.fixture
def token_client(api_token) -> Client:
    return Client(headers={"Authorization": f"Token {api_token.key}"})


def verify_second_factor(client: Client, user) -> TOTPDevice:
    """Mark the client's session as having passed the second factor, as django_otp.login does."""
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return device
