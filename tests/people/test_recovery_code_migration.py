"""Recovery codes saved before digests were stored keep working after the migration."""

from __future__ import annotations

import importlib

from django.apps import apps
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from safeguard.people.mfa import recovery_code_digest

migration = importlib.import_module("safeguard.people.migrations.0002_digest_recovery_codes")


def test_the_migration_replaces_plain_codes_with_their_digests(mfa_user) -> None:
    device = StaticDevice.objects.create(user=mfa_user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    migration.digest_plain_codes(apps, None)
    assert list(StaticToken.objects.values_list("token", flat=True)) == [recovery_code_digest("abcd2345")]


def test_the_migration_leaves_digests_alone(mfa_user) -> None:
    device = StaticDevice.objects.create(user=mfa_user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token=recovery_code_digest("abcd2345"))
    migration.digest_plain_codes(apps, None)
    assert list(StaticToken.objects.values_list("token", flat=True)) == [recovery_code_digest("abcd2345")]
