"""Backups that can be proven: copy the database, restore it, and compare table by table.

SQLite is copied with its online backup API (consistent while the server keeps writing); PostgreSQL with
`pg_dump -Fc` and `pg_restore`. Each backup writes a manifest of per-table row counts and checksums;
a restore is checked against it, so "the backup worked" is a measurement, not a hope.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    checksum: str


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_fingerprints(*, chunk_size: int = 2000) -> dict[str, TableFingerprint]:
    """Row count and a SHA-256 over every row, ordered by every column, for each table."""
    fingerprints: dict[str, TableFingerprint] = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            columns = [col.name for col in connection.introspection.get_table_description(cursor, table)]
            order = ", ".join(_quote(c) for c in columns)
            cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608 - names from introspection
            digest = hashlib.sha256()
            count = 0
            while rows := cursor.fetchmany(chunk_size):
                for row in rows:
                    digest.update(repr(tuple(_normalise(v) for v in row)).encode())
                    count += 1
            fingerprints[table] = TableFingerprint(rows=count, checksum=digest.hexdigest())
    return fingerprints


def _normalise(value: Any) -> Any:
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value


def compare(expected: dict[str, TableFingerprint], actual: dict[str, TableFingerprint]) -> list[str]:
    """Plain-words differences between two sets of fingerprints; empty when they match."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: missing after restore")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != actual[table]:
            e, a = expected[table], actual[table]
            if e.rows != a.rows:
                problems.append(f"{table}: {e.rows} rows expected, {a.rows} found")
            else:
                problems.append(f"{table}: {e.rows} rows as expected, but their contents differ")
    return problems


def write_manifest(path: Path, fingerprints: dict[str, TableFingerprint]) -> Path:
    manifest = path.with_name(path.name + MANIFEST_SUFFIX)
    data = {
        "vendor": connection.vendor,
        "tables": {t: {"rows": f.rows, "checksum": f.checksum} for t, f in fingerprints.items()},
    }
    manifest.write_text(json.dumps(data, indent=2, sort_keys=True))
    return manifest


def read_manifest(path: Path) -> dict[str, TableFingerprint]:
    manifest = path.with_name(path.name + MANIFEST_SUFFIX)
    if not manifest.exists():
        raise BackupError(f"No manifest beside the backup ({manifest.name}); cannot verify the restore.")
    data = json.loads(manifest.read_text())
    if data.get("vendor") != connection.vendor:
        raise BackupError(
            f"The backup is of a {data.get('vendor')} database; this one is {connection.vendor}."
        )
    return {t: TableFingerprint(rows=v["rows"], checksum=v["checksum"]) for t, v in data["tables"].items()}


def _libpq_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    env["PGDATABASE"] = settings["NAME"]
    return env


def backup_to(path: Path) -> dict[str, TableFingerprint]:
    """Write a backup of the current database to `path` with its manifest; return the fingerprints."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        fingerprints = table_fingerprints()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        fingerprints = table_fingerprints()
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={path}"],
            env=_libpq_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"Backups are not supported for {connection.vendor}.")
    write_manifest(path, fingerprints)
    return fingerprints


def restore_from(path: Path) -> list[str]:
    """Replace the current database with the backup at `path`; return problems found by the comparison."""
    if not path.exists():
        raise BackupError(f"No backup at {path}.")
    expected = read_manifest(path)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()  # pg_restore needs the tables unlocked
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env=_libpq_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"Restores are not supported for {connection.vendor}.")
    return compare(expected, table_fingerprints())
