"""The monitoring API as a whole: every operation refuses an anonymous caller with 401, OPTIONS is a 405,
and every list costs the same number of queries however many rows it holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safeguard.monitoring import services
from safeguard.monitoring.models import MonitoringSchedule, SnapshotRow, UpdateRequest
from safeguard.reviews.models import Action, ActionStatus
from tests.monitoring.test_api_world import (
    Api,
    anonymous,
    closed_snapshot,
    meeting_with_reprogramming,
    open_month,
    queries,
    today,
)


@pytest.fixture
def month(cig_schedule):
    return open_month(cig_schedule)


OPERATIONS = [
    ("get", "/monitoring-schedules/"),
    ("post", "/monitoring-schedules/"),
    ("get", "/monitoring-schedules/1/"),
    ("patch", "/monitoring-schedules/1/"),
    ("post", "/monitoring-schedules/1/open-cycle/"),
    ("get", "/monitoring-cycles/"),
    ("get", "/monitoring-cycles/1/"),
    ("post", "/monitoring-cycles/1/close/"),
    ("get", "/update-requests/"),
    ("get", "/update-requests/1/"),
    ("post", "/update-requests/1/answer/"),
    ("get", "/meetings/"),
    ("post", "/meetings/"),
    ("get", "/meetings/1/"),
    ("post", "/meetings/1/refresh-agenda/"),
    ("post", "/meetings/1/attendance/"),
    ("post", "/meetings/1/finalise/"),
    ("post", "/agenda-items/1/decide/"),
    ("get", "/snapshots/"),
    ("get", "/snapshots/1/"),
    ("get", "/snapshots/1/rows/"),
    ("get", "/report-deliveries/"),
    ("post", "/report-deliveries/"),
    ("get", "/report-deliveries/1/"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda v: v)
def test_an_anonymous_caller_is_refused_with_401(db, method, path) -> None:
    client, url = anonymous(), f"/api/v1{path}"
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, "{}", content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", sorted({path for _, path in OPERATIONS}))
def test_options_is_405_not_a_server_error(demo, path) -> None:
    assert Api(demo.liverpool_manager).client.options(f"/api/v1{path}").status_code == 405


# --- Query counts -------------------------------------------------------------------------------
# Each grower adds n more rows to the list the business manager reads; the count of queries must not move.


def _more_schedules(demo, month, n: int) -> None:
    MonitoringSchedule.objects.bulk_create(
        MonitoringSchedule(
            board=month.liverpool,
            subgroup=month.cig,
            name=f"Ended schedule {i}",
            cadence="monthly",
            starts_on=date(2025, 1, 6),
            is_active=False,
            created_by=demo.liverpool_manager,
        )
        for i in range(n)
    )


def _more_cycles(demo, month, n: int) -> None:
    for i in range(n):
        services.open_cycle(schedule=month.schedule, opens_on=date(2026, 1, 12) + timedelta(days=7 * i))


def _more_requests(demo, month, n: int) -> None:
    start = month.plan.actions.count() + 1
    actions = Action.objects.bulk_create(
        Action(
            plan=month.plan,
            number=start + i,
            title=f"Action {start + i}",
            lead_officer=demo.ops_supervisor,
            due_date=today() + timedelta(days=30),
            status=ActionStatus.AGREED,
            created_by=demo.police_lead,
        )
        for i in range(n)
    )
    UpdateRequest.objects.bulk_create(
        UpdateRequest(
            cycle=month.cycle, action=action, owner=demo.ops_supervisor, deadline=month.cycle.deadline
        )
        for action in actions
    )


def _more_meetings(demo, month, n: int) -> None:
    for i in range(n):
        services.schedule_meeting(
            actor=demo.cig_chair, cycle=month.cycle, held_on=today() + timedelta(days=i)
        )


def _more_snapshots(demo, month, n: int) -> None:
    for i in range(n):
        cycle, _ = services.open_cycle(
            schedule=month.schedule, opens_on=date(2026, 1, 12) + timedelta(days=7 * i)
        )
        services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)


def _more_rows(demo, month, n: int) -> None:
    snapshot = month.cycle.snapshot
    template = snapshot.rows.first()
    SnapshotRow.objects.bulk_create(
        SnapshotRow(
            snapshot=snapshot,
            action=template.action,
            review=template.review,
            plan=template.plan,
            agency_name=template.agency_name,
            reference=f"{template.plan_id}.{100 + i}",
            title=f"Row {i}",
            status="in_progress",
            rag="amber",
        )
        for i in range(n)
    )


def _more_deliveries(demo, month, n: int) -> None:
    snapshot = month.cycle.snapshot
    for _ in range(n):
        services.send_cross_board_summary(
            actor=demo.liverpool_manager, review=month.review, snapshot=snapshot, to_board=month.lancashire
        )


LISTS = [
    ("/monitoring-schedules/", _more_schedules),
    ("/monitoring-cycles/", _more_cycles),
    ("/update-requests/", _more_requests),
    ("/meetings/", _more_meetings),
    ("/snapshots/", _more_snapshots),
    ("/snapshots/{snapshot}/rows/", _more_rows),
    ("/report-deliveries/", _more_deliveries),
]


@pytest.mark.parametrize(("path", "grow"), LISTS, ids=[path for path, _ in LISTS])
def test_a_list_costs_the_same_queries_however_many_rows(demo, month, path, grow) -> None:
    meeting_with_reprogramming(demo, month)  # a meeting with an agenda, and an answered request
    snapshot = closed_snapshot(demo, month)
    services.send_cross_board_summary(
        actor=demo.liverpool_manager, review=month.review, snapshot=snapshot, to_board=month.lancashire
    )
    api = Api(demo.liverpool_manager)
    url = path.format(snapshot=snapshot.pk)
    queries(api, url)  # warm the per-process caches (content types, calendar)
    one = queries(api, url)
    grow(demo, month, 6)
    assert api.get(url, {"limit": 100}).json()["count"] >= 7
    assert queries(api, url) == one


def test_a_meeting_costs_the_same_queries_however_long_its_agenda(demo, month) -> None:
    meeting, item = meeting_with_reprogramming(demo, month)
    api = Api(demo.cig_chair)
    url = f"/meetings/{meeting.pk}/"
    queries(api, url)
    one = queries(api, url)
    services.record_decision(actor=demo.cig_chair, item=item, kind="escalate", note="To the board")
    services.record_attendance(
        actor=demo.cig_chair,
        meeting=meeting,
        attendance={demo.cig_chair.pk: "present", demo.police_lead.pk: "absent"},
    )
    _more_requests(demo, month, 5)
    UpdateRequest.objects.filter(cycle=month.cycle).update(is_stale=True)
    services.refresh_agenda(actor=demo.cig_chair, meeting=meeting)
    assert len(api.get(url).json()["items"]) > 5
    assert queries(api, url) == one
