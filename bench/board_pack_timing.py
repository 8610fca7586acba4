"""Time the board pack for a board with 5,000 open actions: HTML page, PDF and XLSX. A script, not a test.

    .venv/bin/python bench/board_pack_timing.py [--actions 5000] [--overdue 0.08] [--answered 0.9]

It builds a scratch SQLite database in a temporary directory, migrates it, loads the demo partnership and
gives Liverpool's Critical Incident Group one review with a plan for each Liverpool agency and N open actions
between them (bulk_create; by default 8% overdue, 10% flagged at risk, the rest on track). It opens a monthly
cycle through the services (one update request per action), answers a share of them on time, plans the
meeting (whose agenda lists the overdue actions) and then times, through the test client and so through the
whole middleware stack:

- the pack while the cycle is open (live data): the HTML page, the PDF, the XLSX;
- the pack after the cycle closes (from the 5,000-row snapshot): the same three.

Each figure is wall-clock and CPU seconds of this process (which runs SQLite too; CPU is the steadier figure on
a shared machine), with the number of exceptions the pack lists and the size of the file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5_000)
    parser.add_argument("--overdue", type=float, default=0.08, help="share of actions past their due date")
    parser.add_argument("--answered", type=float, default=0.9, help="share of requests answered on time")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='board-pack-timing-')}/timing.sqlite3"
    os.environ["SAFEGUARD_ENV"] = "test"
    os.environ.setdefault("SAFEGUARD_REQUIRE_MFA", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)

    from safeguard.monitoring import services
    from safeguard.monitoring.models import Cadence, RequestStatus, UpdateRequest
    from safeguard.people.demo import load_demo_partnership
    from safeguard.people.models import Agency, Board, Subgroup
    from safeguard.reviews import services as review_services
    from safeguard.reviews.models import (
        Action,
        ActionPlan,
        ActionStatus,
        PlanKind,
        PlanStatus,
        ProgressUpdate,
        ReviewType,
    )

    users = load_demo_partnership()["users"]
    manager, chair = users["liverpool_manager"], users["cig_chair"]
    liverpool = Board.objects.get(name__startswith="Liverpool")
    cig = Subgroup.objects.get(board=liverpool, kind="critical_incident")
    agencies = list(Agency.objects.filter(boards=liverpool).order_by("name"))
    today = timezone.localdate()
    now = timezone.now()
    review = review_services.register_review(
        actor=manager,
        reference="TIMING-PACK-01",
        review_type=ReviewType.SERIOUS_CASE_REVIEW,
        subject_pseudonym="Child T",
        lead_board=liverpool,
        involved_agencies=agencies,
        notified_on=today - timedelta(days=400),
    )
    plans = []
    for agency in agencies:
        plan = ActionPlan.objects.create(
            review=review,
            kind=PlanKind.SINGLE_AGENCY,
            owner_agency=agency,
            monitoring_subgroup=cig,
            title=f"{agency.name} action plan",
            status=PlanStatus.APPROVED,
            approved_version=1,
            approved_at=now,
            created_by=manager,
        )
        plan.monitoring_boards.set([liverpool])
        plans.append(plan)

    started = time.perf_counter()
    overdue_every = max(int(1 / args.overdue), 1) if args.overdue else 0
    actions = []
    for i in range(args.actions):
        overdue = bool(overdue_every) and i % overdue_every == 0
        actions.append(
            Action(
                plan=plans[i % len(plans)],
                number=i // len(plans) + 1,
                title=f"Action {i}: brief practitioners on the learning from the review and record attendance",
                lead_officer_name=f"Officer {i % 40}",
                due_date=today - timedelta(days=5 + i % 60)
                if overdue
                else today + timedelta(days=20 + i % 300),
                status=ActionStatus.IN_PROGRESS if i % 2 else ActionStatus.AGREED,
                at_risk=(i % 10 == 3),
                agreed_at=now - timedelta(days=90),
                created_by=manager,
            )
        )
    Action.objects.bulk_create(actions, batch_size=1000)
    print(f"built {args.actions:,} open actions in {len(plans)} plans: {time.perf_counter() - started:.2f} s")

    schedule = services.create_schedule(
        actor=manager,
        board=liverpool,
        subgroup=cig,
        name="CIG monthly updates",
        cadence=Cadence.MONTHLY,
        starts_on=today - timedelta(days=10),
    )
    started = time.perf_counter()
    cycle, _ = services.open_cycle(schedule=schedule, opens_on=today)
    print(
        f"opened the cycle ({cycle.requests.count():,} update requests): {time.perf_counter() - started:.2f} s"
    )
    requests = list(cycle.requests.order_by("pk").values_list("pk", "action_id"))
    answered = requests[: int(len(requests) * args.answered)]
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action_id=action_id,
                author=manager,
                narrative="Briefings delivered as planned",
                claimed="on_track",
            )
            for _, action_id in answered
        ],
        batch_size=1000,
    )
    UpdateRequest.objects.filter(pk__in=[pk for pk, _ in answered]).update(
        status=RequestStatus.ANSWERED, answered_at=timezone.now()
    )
    meeting = services.schedule_meeting(actor=chair, cycle=cycle, held_on=today)
    print(f"meeting planned with {meeting.items.count():,} agenda items")

    client = Client()
    client.force_login(manager)

    def timed(label: str, url: str) -> None:
        client.get(url)  # warm: template compilation, fonts, content types
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, (url, response.status_code)
        print(f"  {label:<6} {wall:6.2f} s wall  {cpu:6.2f} s CPU  {len(response.content) / 1024:8.0f} KB")

    def run(state: str) -> None:
        from safeguard.monitoring import reports

        pack = reports.board_pack(type(meeting).objects.get(pk=meeting.pk))
        print(
            f"{state}: {len(pack.rows):,} actions, {len(pack.exceptions):,} exceptions listed, "
            f"{len(pack.decisions_needed):,} decisions needed"
        )
        timed("HTML", reverse("monitoring:board_pack", kwargs={"pk": meeting.pk}))
        timed("PDF", reverse("monitoring:board_pack_download", kwargs={"pk": meeting.pk, "fmt": "pdf"}))
        timed("XLSX", reverse("monitoring:board_pack_download", kwargs={"pk": meeting.pk, "fmt": "xlsx"}))

    run("open cycle (live data)")
    started = time.perf_counter()
    services.close_cycle(actor=manager, cycle=cycle)
    print(f"closed the cycle (snapshot of {args.actions:,} rows): {time.perf_counter() - started:.2f} s")
    run("closed cycle (snapshot)")
    print(f"database: {settings.DATABASES['default']['ENGINE']}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
