"""`manage.py create_api_token EMAIL [--rotate]`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from safeguard.core.api_tokens import digest
from safeguard.core.models import ApiToken, AuditEvent


def _issue(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_create_api_token_prints_a_new_key(practitioner) -> None:
    key = _issue("practitioner@example.test")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert ApiToken.objects.get(user=practitioner).key_digest == digest(key)


def test_create_api_token_stores_only_a_digest_of_the_key(practitioner) -> None:
    key = _issue("practitioner@example.test")
    stored = ApiToken.objects.values().get(user=practitioner)
    assert key not in str(stored)


def test_create_api_token_refuses_to_reissue_without_rotate(practitioner) -> None:
    key = _issue("practitioner@example.test")
    with pytest.raises(CommandError, match=r"already has an API key.*--rotate"):
        _issue("practitioner@example.test")
    assert list(ApiToken.objects.filter(user=practitioner).values_list("key_digest", flat=True)) == [
        digest(key)
    ]
    assert AuditEvent.objects.filter(action="api_token.issued").count() == 1


def test_create_api_token_matches_the_email_without_regard_to_case(practitioner) -> None:
    _issue("Practitioner@Example.TEST")
    assert ApiToken.objects.filter(user=practitioner).exists()


def test_create_api_token_rotate_replaces_the_key(practitioner) -> None:
    old = _issue("practitioner@example.test")
    new = _issue("practitioner@example.test", "--rotate")
    assert new != old
    assert list(ApiToken.objects.filter(user=practitioner).values_list("key_digest", flat=True)) == [
        digest(new)
    ]


def test_create_api_token_rotate_stops_the_old_key_working(practitioner, client: Client) -> None:
    old = _issue("practitioner@example.test")
    _issue("practitioner@example.test", "--rotate")
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {old}"}).status_code == 401


def test_create_api_token_key_opens_the_api(practitioner, client: Client) -> None:
    key = _issue("practitioner@example.test")
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {key}"}).status_code == 200


def test_create_api_token_records_an_audit_event_without_the_key(practitioner) -> None:
    key = _issue("practitioner@example.test")
    event = AuditEvent.objects.get(action="api_token.issued")
    assert event.actor is None
    assert event.system_process == "create_api_token"
    assert event.target_id == str(practitioner.pk)
    assert event.changes == {"new_key": True, "replaced_key": False}
    assert key not in str(event.changes) + event.reason


def test_create_api_token_records_a_rotation(practitioner) -> None:
    _issue("practitioner@example.test")
    _issue("practitioner@example.test", "--rotate")
    latest = AuditEvent.objects.filter(action="api_token.issued").last()
    assert latest.changes == {"new_key": True, "replaced_key": True}


def test_create_api_token_refuses_an_unknown_email(db) -> None:
    with pytest.raises(CommandError, match=r"No user has the e-mail address 'nobody@example\.test'"):
        _issue("nobody@example.test")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_api_token_refuses_an_inactive_user(practitioner) -> None:
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="inactive"):
        _issue("practitioner@example.test")
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_deactivated_users_key_is_refused(practitioner, client: Client) -> None:
    key = _issue("practitioner@example.test")
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {key}"}).status_code == 401


def test_using_a_key_notes_when_it_was_last_used(practitioner, client: Client) -> None:
    key = _issue("practitioner@example.test")
    client.get("/api/v1/me/", headers={"Authorization": f"Token {key}"})
    assert ApiToken.objects.get(user=practitioner).last_used_at is not None
