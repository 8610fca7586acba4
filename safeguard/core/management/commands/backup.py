from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.backup import BackupError, backup_to


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump -Fc) with a manifest of table checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="File to write (default: var/backups/<timestamp>)")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        suffix = ".sqlite3" if connection.vendor == "sqlite" else ".dump"
        path: Path = options["output"] or settings.VAR_DIR / "backups" / f"safeguard-{stamp}{suffix}"
        # Recorded first, so that the backup holds the record of its own making.
        record_event(system_process="backup", action="database.backup_taken", changes={"file": path.name})
        try:
            fingerprints = backup_to(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(f.rows for f in fingerprints.values())
        self.stdout.write(f"Backed up {len(fingerprints)} tables ({rows} rows) to {path}")
