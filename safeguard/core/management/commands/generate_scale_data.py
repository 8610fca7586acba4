"""`manage.py generate_scale_data --profile demo|large [--seed N]`: fill a scratch database for benchmarks.

Runs every registered scale generator (see safeguard.core.scale for how apps add theirs) against an empty,
migrated database. Refuses a database that already holds scale data: drop and recreate it instead.
Run it with DEBUG off (DEBUG=false): with DEBUG on Django keeps the text of recent queries in memory.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import autodiscover_modules

from safeguard.core import scale


class Command(BaseCommand):
    help = "Generate deterministic scale data (boards, users, audit trail, access log, ...) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", choices=sorted(scale.PROFILES), default="demo")
        parser.add_argument("--seed", type=int, default=2026, help="The same seed gives the same data.")
        parser.add_argument(
            "--anchor",
            default=scale.DEFAULT_ANCHOR.date().isoformat(),
            help="Date (YYYY-MM-DD, 09:00 UTC) that generated times are counted back from.",
        )
        parser.add_argument(
            "--only", action="append", default=None, help="Run only this generator (and what it needs)."
        )
        parser.add_argument("--list", action="store_true", help="List the generators in run order.")

    def handle(
        self, *args: Any, profile: str, seed: int, anchor: str, only: list[str] | None, **options: Any
    ) -> None:
        autodiscover_modules("scale")
        if options["list"]:
            for generator in scale.generators_in_order():
                needs = f" (after {', '.join(generator.depends_on)})" if generator.depends_on else ""
                self.stdout.write(f"{generator.name}{needs}")
            return
        try:
            anchor_at = datetime.fromisoformat(anchor).replace(hour=9, tzinfo=UTC)
        except ValueError as exc:
            raise CommandError(f"--anchor: {exc}") from exc
        started = time.perf_counter()
        try:
            report = scale.generate(profile, seed=seed, anchor=anchor_at, log=self.stdout.write, only=only)
        except scale.ScaleDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for table, n in sorted(report.rows.items()):
            self.stdout.write(f"  {table:<28} {n:>12,}")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data '{profile}' (seed {seed}) generated in {elapsed:.1f}s")
        )
