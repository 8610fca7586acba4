"""/api/v1/me/ and the API's authentication: tokens, sessions and the second factor."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.api.conftest import verify_second_factor

ME = "/api/v1/me/"


def _is_json_error(response) -> bool:
    return response["Content-Type"].startswith("application/json") and "detail" in response.json()


def test_me_refuses_an_anonymous_caller_with_401_json(client: Client, db) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert _is_json_error(response)
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    "header",
    [
        "Token abc",
        "Token",
        "Token ",
        "Token a b",
        "Token " + "z" * 40,
        "Token " + "0" * 39 + "é",
        "Token " + "0" * 4000,
        "token " + "0" * 40,
    ],
    ids=["short", "no-key", "blank-key", "two-keys", "not-hex", "non-ascii", "huge", "unknown-lowercase"],
)
def test_me_refuses_a_malformed_token_with_401_json(client: Client, db, header: str) -> None:
    response = client.get(ME, headers={"Authorization": header})
    assert response.status_code == 401
    assert _is_json_error(response)


def test_me_refuses_an_unknown_well_formed_token(client: Client, db) -> None:
    response = client.get(ME, headers={"Authorization": "Token " + "a" * 40})
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_me_refuses_the_token_of_an_inactive_user(token_client: Client, practitioner) -> None:
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert token_client.get(ME).status_code == 401


def test_me_answers_a_token_caller_with_their_memberships(token_client: Client, practitioner) -> None:
    response = token_client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "practitioner@example.test"
    membership = practitioner.memberships.get()
    assert body["memberships"] == [
        {
            "agency_id": membership.agency_id,
            "agency": membership.agency.name,
            "team": None,
            "role": "practitioner",
            "role_label": "Practitioner",
        }
    ]


def test_me_answers_a_signed_in_session(signed_in: Client) -> None:
    response = signed_in.get(ME)
    assert response.status_code == 200
    assert response.json()["full_name"] == "Pat Practitioner"


@override_settings(SAFEGUARD_REQUIRE_MFA=True)
def test_me_refuses_a_session_without_the_second_factor_when_mfa_is_required(signed_in: Client) -> None:
    response = signed_in.get(ME)
    assert response.status_code in (401, 403)
    assert _is_json_error(response)


@override_settings(SAFEGUARD_REQUIRE_MFA=True)
def test_me_answers_a_session_that_passed_the_second_factor(signed_in: Client, practitioner) -> None:
    verify_second_factor(signed_in, practitioner)
    assert signed_in.get(ME).status_code == 200


def test_me_refuses_an_unverified_session_of_a_user_with_an_authenticator(
    signed_in: Client, practitioner
) -> None:
    # MFA is optional here, but this user has an authenticator app: the pages demand it, so the API does.
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    response = signed_in.get(ME)
    assert response.status_code == 401
    assert _is_json_error(response)


@override_settings(SAFEGUARD_REQUIRE_MFA=True)
def test_me_answers_a_token_caller_when_mfa_is_required(token_client: Client) -> None:
    # Tokens are issued by an administrator to a system, not typed by a person: no second factor applies.
    assert token_client.get(ME).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_me_refuses_writes_with_405_json(signed_in: Client, method: str) -> None:
    response = getattr(signed_in, method)(ME, data={}, content_type="application/json")
    assert response.status_code == 405
    assert _is_json_error(response)


@pytest.mark.parametrize("method", ["post", "delete"])
def test_me_refuses_writes_by_token_with_405_json(token_client: Client, method: str) -> None:
    response = getattr(token_client, method)(ME, data={}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_me_answers_without_storing_the_response(token_client: Client) -> None:
    assert token_client.get(ME)["Cache-Control"] == "no-store"
