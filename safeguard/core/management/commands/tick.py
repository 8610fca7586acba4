"""`manage.py tick`: run every periodic job once, or every N seconds with --loop."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from safeguard.core.tick import registered_jobs, run_jobs


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, overdue notices, cycle requests) once, or repeatedly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            metavar="SECONDS",
            help="Run again every SECONDS seconds until interrupted (Ctrl-C stops cleanly).",
        )
        parser.add_argument("--job", action="append", dest="jobs", help="Run only this job (repeatable).")

    def handle(
        self, *args: Any, loop: float | None = None, jobs: list[str] | None = None, **options: Any
    ) -> None:
        if loop is not None and loop <= 0:
            raise CommandError("--loop needs a positive number of seconds.")
        unknown = sorted(set(jobs or []) - set(registered_jobs()))
        if unknown:
            raise CommandError(f"No tick job called {', '.join(unknown)}.")
        if loop is None:
            if not self._run_once(jobs):
                raise CommandError("One or more tick jobs failed; see the log.")
            return
        # honcho and process managers stop with SIGTERM: treat it like Ctrl-C so both end the same way.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            while True:
                # A failed job is logged and tried again next time round; the loop keeps going.
                self._run_once(jobs)
                # A long-running process must not hold a connection the database has since dropped.
                close_old_connections()
                time.sleep(loop)
        except KeyboardInterrupt:
            self.stdout.write("Tick stopped.")
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _run_once(self, jobs: list[str] | None) -> bool:
        result = run_jobs(only=jobs)
        for name, count in result.done.items():
            if count:
                self.stdout.write(f"{name}: {count}")
        for name, error in result.failed.items():
            self.stderr.write(f"{name} failed: {error}")
        return result.ok
