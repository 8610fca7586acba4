"""Trigram indexes for finding a child by part of a name, on PostgreSQL.

`icontains` becomes `UPPER(column) LIKE UPPER('%word%')`, which no B-tree index serves: without these, every
search read all the region's children (300k at the large profile). pg_trgm is a trusted extension (the
database owner may create it). SQLite has no such index and does not need one at its size; there the
migration does nothing.
"""

from django.db import migrations

COLUMNS = ("given_names", "family_name", "known_as")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS child_{column}_trgm_idx ON casework_child "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS child_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
