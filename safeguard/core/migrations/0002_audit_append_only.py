"""Make the audit trail and the access log append-only in the database (PostgreSQL only).

A row trigger refuses every UPDATE and DELETE on core_auditevent and core_accessevent, whoever issues it:
the ORM, raw SQL or a console session. TRUNCATE fires no row trigger, so the test suite's flush still
works; a deliberate purge (retention) must be done by the database owner with TRUNCATE or by dropping the
trigger, which leaves its own trace in the database logs.

SQLite gets no trigger: there the hash chain alone shows tampering.
"""

from django.db import migrations

APPEND_ONLY_TABLES = ("core_auditevent", "core_accessevent")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION safeguard_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'Audit and access entries are never updated or deleted; record a new event instead.';
END;
$$;
"""

CREATE_TRIGGER = """
CREATE TRIGGER {table}_append_only
BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION safeguard_refuse_change();
"""

DROP_TRIGGER = "DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
DROP_FUNCTION = "DROP FUNCTION IF EXISTS safeguard_refuse_change();"


def _run(schema_editor, sql):
    # params=None: the SQL is sent as written, so the % placeholders of RAISE stay PL/pgSQL's own.
    schema_editor.execute(sql, params=None)


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _run(schema_editor, CREATE_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        _run(schema_editor, DROP_TRIGGER.format(table=table))
        _run(schema_editor, CREATE_TRIGGER.format(table=table))


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        _run(schema_editor, DROP_TRIGGER.format(table=table))
    _run(schema_editor, DROP_FUNCTION)


class Migration(migrations.Migration):
    # After 0002_initial, not 0001_initial: both must sit on one line or `migrate` refuses the graph.
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(install_triggers, remove_triggers, elidable=False)]
