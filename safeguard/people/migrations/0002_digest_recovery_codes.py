"""Recovery codes stored in plain text before this migration are replaced by their keyed digests, so the
codes users saved keep working and the database no longer holds them (see people.mfa)."""

from django.db import migrations
from django.utils.crypto import salted_hmac

DIGEST_LENGTH = 16  # people.mfa.RECOVERY_DIGEST_LENGTH, fixed here as it was when this ran


def _digest(code: str) -> str:
    value = "".join(ch for ch in code if ch.isalnum()).lower()
    return salted_hmac("safeguard.people.recovery-code", value, algorithm="sha256").hexdigest()[
        :DIGEST_LENGTH
    ]


def digest_plain_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    # django-otp's random tokens are 8 characters; a digest is 16.
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$").iterator():  # noqa: S106
        token.token = _digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(digest_plain_codes, migrations.RunPython.noop)]
