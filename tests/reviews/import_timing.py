"""Time (and optionally profile) a 10,000-row tracker import end to end. A script, not a test.

    .venv/bin/python tests/reviews/import_timing.py [--rows 10000] [--csv] [--profile] [--database-url URL]

It builds a scratch database (a temporary SQLite file unless --database-url names one; a PostgreSQL
database is created and dropped, and its name must start with "sg_import_timing"), migrates it, loads the
demo partnership, registers a review like the tests' Child T, builds the tracker as
tests/reviews/test_import.py does and runs the import's three steps: read the upload (`start_import`),
then the task body (`run_import`: parse the file again, validate every row, write in one transaction).
Timings are wall-clock and CPU seconds for each step (the CPU time of this process, which runs SQLite
too, is the steadier figure on a shared machine); --profile prints the top of cProfile for `run_import`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _database(url: str | None) -> tuple[str, str | None]:
    if url is None:
        return f"sqlite:///{tempfile.mkdtemp(prefix='import-timing-')}/timing.sqlite3", None
    name = url.rsplit("/", 1)[-1]
    if not name.startswith("sg_import_timing"):
        raise SystemExit("The scratch PostgreSQL database's name must start with sg_import_timing.")
    return url, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--csv", action="store_true", help="a CSV tracker instead of XLSX")
    parser.add_argument("--profile", action="store_true", help="cProfile run_import (slower)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    url, pg_name = _database(args.database_url)
    os.environ["DATABASE_URL"] = url
    os.environ["SAFEGUARD_ENV"] = "test"
    os.environ.setdefault("SAFEGUARD_REQUIRE_MFA", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    if pg_name:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="import-timing-media-")
    call_command("migrate", verbosity=0)

    from safeguard.people.demo import load_demo_partnership
    from safeguard.people.models import Agency, Board
    from safeguard.reviews import services
    from safeguard.reviews.models import Action, ImportStatus, ReviewType, TrackerImport
    from safeguard.reviews.spreadsheets import importer
    from tests.reviews.spreadsheet_helpers import csv_upload, xlsx_upload
    from tests.reviews.test_import import HEADER, YEAR

    users = load_demo_partnership()["users"]
    manager = users["lancashire_manager"]
    review = services.register_review(
        actor=manager,
        reference="TIMING-01",
        review_type=ReviewType.SERIOUS_CASE_REVIEW,
        subject_pseudonym="Child T",
        lead_board=Board.objects.get(name__startswith="Lancashire"),
        partner_boards=[Board.objects.get(name__startswith="Liverpool")],
        involved_agencies=[
            Agency.objects.get(name="Merseyside Police"),
            Agency.objects.get(name="Lancashire Children's Social Care"),
        ],
        notified_on=timezone.localdate() - timedelta(days=300),
    )
    agencies = ["Merseyside Police", "Lancashire Children's Social Care"]
    rags = ["R", "Amber", "G", "", "Blue"]
    rows = [HEADER] + [
        [
            str(1 + i % 3),
            agencies[i % 2],
            f"Action {i}: brief practitioners on the learning",
            "Taylor Brennan" if i % 2 == 0 else "Jo Bloggs",
            f"{1 + i % 28}/{1 + i % 12}/{YEAR}",
            "Briefing delivered; attendance recorded",
            "Work under way",
            "",
            rags[i % 5],
            "In progress",
        ]
        for i in range(args.rows)
    ]
    build = time.perf_counter()
    upload = csv_upload(rows, name="big.csv") if args.csv else xlsx_upload(rows, name="big.xlsx")
    print(
        f"build the {'CSV' if args.csv else 'XLSX'} file ({args.rows} rows): {time.perf_counter() - build:.2f} s"
    )

    started, cpu = time.perf_counter(), time.process_time()
    tracker = importer.start_import(actor=manager, review=review, upload=upload)
    upload_seconds, upload_cpu = time.perf_counter() - started, time.process_time() - cpu
    # What queue_import saves, without handing the run to the task backend: run_import is timed alone.
    TrackerImport.objects.filter(pk=tracker.pk).update(status=ImportStatus.QUEUED)
    tracker.refresh_from_db()

    profiler = cProfile.Profile() if args.profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = importer.run_import(tracker)
    if profiler:
        profiler.disable()
    run_seconds, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    tracker.refresh_from_db()
    assert result == "done", (result, tracker.errors[:3])
    assert Action.objects.filter(plan__review=review).count() == args.rows
    print("                                                   wall     CPU (this process)")
    print(f"start_import (read, detect header, keep the file): {upload_seconds:5.2f} s  {upload_cpu:5.2f} s")
    print(f"run_import (parse + validate + write):             {run_seconds:5.2f} s  {run_cpu:5.2f} s")
    total, total_cpu = upload_seconds + run_seconds, upload_cpu + run_cpu
    print(f"total work:                                         {total:5.2f} s  {total_cpu:5.2f} s")
    print(f"database: {settings.DATABASES['default']['ENGINE']}; load average {os.getloadavg()[0]:.2f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    if pg_name:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')


if __name__ == "__main__":
    main()
