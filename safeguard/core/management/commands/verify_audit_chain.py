"""`manage.py verify_audit_chain`: recompute the audit trail's hash chain and report any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core.audit import check_chain


class Command(BaseCommand):
    help = "Check that the audit trail is complete and unaltered. Exits 1 if any entry fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Rows read per database round trip (default 5000)."
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = check_chain(batch_size=max(batch_size, 1))
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.entries} entries"))
            return
        for problem in report.problems:
            self.stderr.write(f"Audit entry {problem}")
        # manage.py turns this into exit status 1, which cron and CI alert on.
        raise CommandError(
            f"Audit chain broken: {len(report.problems)} problem(s) in {report.entries} entries.",
            returncode=1,
        )
