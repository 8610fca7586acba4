"""Seed the default timescale rules from the domain rules (docs: /work/shared/domain/safeguarding-rules.md).

Idempotent: rules are matched by code and brought back to these defaults. Local values (MASH RAG hours,
escalation stage days) are defaults only; a partnership changes them in the admin. Source citations name
the statutory text and the domain-rules reference key ([S3], [T5] ...).
"""

from django.db import migrations

from safeguard.core.timescales import seed_default_rules


def seed_rules(apps, schema_editor):
    seed_default_rules(apps.get_model("core", "TimescaleRule"), overwrite=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    # Reversing leaves the rules in place: clocks refer to them (PROTECT), and they are harmless.
    operations = [migrations.RunPython(seed_rules, migrations.RunPython.noop)]
