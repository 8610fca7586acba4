from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core.backup import BackupError, restore_from


class Command(BaseCommand):
    help = "Replace the database with a backup made by `manage.py backup`, then verify it table by table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the current data will be replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces every row in the database. Run again with --yes to confirm."
            )
        try:
            problems = restore_from(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("Restored, but the data differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(f"Restored {options['path']} and verified every table against its manifest.")
