"""Keys issued by DRF's authtoken before 0004 keep working, and their plain text is erased."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test import Client
from django.utils import timezone

from safeguard.core.api_tokens import digest
from safeguard.core.models import ApiToken

migration = importlib.import_module("safeguard.core.migrations.0004_api_token_digest")
# The migration uses only the editor's connection; a real schema editor cannot open inside a test's
# transaction on SQLite.
EDITOR = SimpleNamespace(connection=connection)
LEGACY_KEY = "0123456789abcdef0123456789abcdef01234567"


def _legacy_table_with(user) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
            [LEGACY_KEY, user.pk, timezone.now()],
        )


def test_the_migration_digests_legacy_keys_and_erases_them(practitioner, client: Client) -> None:
    _legacy_table_with(practitioner)
    migration.digest_legacy_keys(apps, EDITOR)
    assert ApiToken.objects.get(user=practitioner).key_digest == digest(LEGACY_KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    assert client.get("/api/v1/me/", headers={"Authorization": f"Token {LEGACY_KEY}"}).status_code == 200


def test_the_migration_does_nothing_without_a_legacy_table(db) -> None:
    migration.digest_legacy_keys(apps, EDITOR)
    assert not ApiToken.objects.exists()
