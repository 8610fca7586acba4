"""Monitoring api routes for the quality walks (imported at the end of routes.py).

One monitoring world on a board of its own, built straight in the database (the walks test access, not the
lifecycle: tests/monitoring/test_api_*.py drive the services): an embargoed review with a board-owned plan
and an agreed action, a schedule, an open cycle with an update request, a planned meeting with one agenda
item, a snapshot with a row, and a summary delivered to a second board. The owner is the board's business
manager and chairs its subgroup, so sees and may do everything; the wrong role (an auditor of the owner's
agency) and the outsider (another board's lead) serve no board here and see none of it.

Operations that take only POST are registered as SIGNED_IN, as the reviews ones are: a GET there is 405 for
everyone, so the "missing and not yours look the same" GET check does not apply; tests/monitoring/
test_api_*.py check their 404 (not visible), 403 (visible, not allowed) and 401 (anonymous) answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.walks.routes import Access, RouteSpec, register


def _world(scenario: Any) -> dict[str, Any]:
    cached = getattr(scenario, "monitoring_api_world", None)
    if cached is not None:
        return cached
    from datetime import timedelta
    from uuid import uuid4

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from safeguard.monitoring.models import (
        AgendaItem,
        Meeting,
        MonitoringCycle,
        MonitoringSchedule,
        ReportDelivery,
        Snapshot,
        SnapshotRow,
        UpdateRequest,
    )
    from safeguard.people.models import Role
    from safeguard.reviews.models import Action, ActionPlan, ActionStatus, PlanKind, Review
    from tests.factories import BoardFactory, BoardRoleFactory, SubgroupFactory, SubgroupMembershipFactory

    owner = scenario.owner
    board, other_board = BoardFactory(), BoardFactory()
    BoardRoleFactory(board=board, user=owner, role=Role.BOARD_BUSINESS_MANAGER)
    subgroup = SubgroupFactory(board=board)
    SubgroupMembershipFactory(subgroup=subgroup, user=owner, is_chair=True)
    today = timezone.localdate()
    review = Review.objects.create(
        reference=f"MON-WALK-{uuid4().hex[:12]}",
        review_type="scr",
        subject_pseudonym="Child M",
        lead_board=board,
        notified_on=today - timedelta(days=60),
        created_by=owner,
    )
    plan = ActionPlan.objects.create(
        review=review,
        kind=PlanKind.MULTI_AGENCY,
        owner_board=board,
        monitoring_subgroup=subgroup,
        title="Monitoring walk plan",
        created_by=owner,
    )
    plan.monitoring_boards.set([board])
    action = Action.objects.create(
        plan=plan,
        number=1,
        title="Monitoring walk action",
        lead_officer=owner,
        due_date=today + timedelta(days=30),
        status=ActionStatus.AGREED,
        created_by=owner,
    )
    schedule = MonitoringSchedule.objects.create(
        board=board,
        subgroup=subgroup,
        name="Walk schedule",
        cadence="monthly",
        starts_on=today - timedelta(days=30),
        created_by=owner,
    )
    cycle = MonitoringCycle.objects.create(
        schedule=schedule, number=1, opens_on=today - timedelta(days=3), deadline=today + timedelta(days=10)
    )
    request = UpdateRequest.objects.create(cycle=cycle, action=action, owner=owner, deadline=cycle.deadline)
    meeting = Meeting.objects.create(cycle=cycle, subgroup=subgroup, held_on=today, created_by=owner)
    item = AgendaItem.objects.create(meeting=meeting, position=1, reason="overdue", action=action)
    snapshot = Snapshot.objects.create(cycle=cycle, taken_on=today)
    SnapshotRow.objects.create(
        snapshot=snapshot,
        action=action,
        review=review,
        plan=plan,
        agency_name=board.name,
        reference=action.reference,
        title=action.title,
        status=action.status,
        rag="green",
    )
    delivery = ReportDelivery.objects.create(
        kind="cross_board_summary",
        review=review,
        from_board=board,
        to_board=other_board,
        snapshot=snapshot,
        sent_by=owner,
    )
    world = {
        "board": board,
        "subgroup": subgroup,
        "review": review,
        "plan": plan,
        "schedule": schedule,
        "cycle": cycle,
        "request": request,
        "meeting": meeting,
        "item": item,
        "snapshot": snapshot,
        "delivery": delivery,
        "other_board": other_board,
    }
    # Reads log the access by content type; look the types up now so the first request of the query-budget
    # walk does not pay for filling Django's content-type cache.
    ContentType.objects.get_for_models(MonitoringCycle, UpdateRequest, Meeting, Snapshot, ReportDelivery)
    scenario.monitoring_api_world = world  # type: ignore[attr-defined]
    return world


def _id(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"id": _world(s)[key].pk}


def _secrets(scenario: Any) -> list[str]:
    return [_world(scenario)["review"].reference]


# --- Row builders for the lists ------------------------------------------------------------------


def _schedules(scenario: Any, n: int) -> None:
    from safeguard.monitoring.models import MonitoringSchedule

    world = _world(scenario)
    template = world["schedule"]
    MonitoringSchedule.objects.bulk_create(
        MonitoringSchedule(
            board=world["board"],
            subgroup=world["subgroup"],
            name=f"Ended walk schedule {i}",
            cadence="quarterly",
            starts_on=template.starts_on,
            is_active=False,
            created_by=scenario.owner,
        )
        for i in range(n)
    )


def _new_cycles(scenario: Any, n: int) -> list[Any]:
    from datetime import timedelta

    from django.db.models import Max

    from safeguard.monitoring.models import MonitoringCycle

    schedule = _world(scenario)["schedule"]
    last = schedule.cycles.aggregate(n=Max("number"))["n"] or 0
    first_day = schedule.starts_on - timedelta(days=400)
    return MonitoringCycle.objects.bulk_create(
        MonitoringCycle(
            schedule=schedule,
            number=last + 1 + i,
            opens_on=first_day - timedelta(days=last + i),
            deadline=first_day + timedelta(days=10),
        )
        for i in range(n)
    )


def _cycles(scenario: Any, n: int) -> None:
    _new_cycles(scenario, n)


def _requests(scenario: Any, n: int) -> None:
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from safeguard.monitoring.models import UpdateRequest
    from safeguard.reviews.models import Action, ActionStatus

    world = _world(scenario)
    plan, cycle = world["plan"], world["cycle"]
    start = (plan.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"Monitoring walk action {start + i}",
            lead_officer=scenario.owner,
            due_date=timezone.localdate() + timedelta(days=i),
            status=ActionStatus.IN_PROGRESS,
            created_by=scenario.owner,
        )
        for i in range(n)
    )
    UpdateRequest.objects.bulk_create(
        UpdateRequest(cycle=cycle, action=action, owner=scenario.owner, deadline=cycle.deadline)
        for action in actions
    )


def _meetings(scenario: Any, n: int) -> None:
    from datetime import timedelta

    from safeguard.monitoring.models import Meeting

    world = _world(scenario)
    Meeting.objects.bulk_create(
        Meeting(
            cycle=world["cycle"],
            subgroup=world["subgroup"],
            held_on=world["meeting"].held_on + timedelta(days=i + 1),
            created_by=scenario.owner,
        )
        for i in range(n)
    )


def _snapshots(scenario: Any, n: int) -> None:
    from safeguard.monitoring.models import Snapshot

    Snapshot.objects.bulk_create(
        Snapshot(cycle=cycle, taken_on=cycle.deadline) for cycle in _new_cycles(scenario, n)
    )


def _rows(scenario: Any, n: int) -> None:
    from safeguard.monitoring.models import SnapshotRow

    world = _world(scenario)
    template = world["snapshot"].rows.first()
    SnapshotRow.objects.bulk_create(
        SnapshotRow(
            snapshot=world["snapshot"],
            action_id=template.action_id,
            review=world["review"],
            plan=world["plan"],
            agency_name=template.agency_name,
            reference=f"{template.reference}-{i}",
            title=f"Walk row {i}",
            status="in_progress",
            rag="amber",
        )
        for i in range(n)
    )


def _deliveries(scenario: Any, n: int) -> None:
    from safeguard.monitoring.models import ReportDelivery

    world = _world(scenario)
    deliveries = ReportDelivery.objects.bulk_create(
        ReportDelivery(
            kind="cross_board_summary",
            review=world["review"],
            from_board=world["board"],
            to_board=world["other_board"],
            snapshot=world["snapshot"],
            sent_by=scenario.owner,
        )
        for _ in range(n)
    )
    ReportDelivery.recipients.through.objects.bulk_create(
        ReportDelivery.recipients.through(reportdelivery_id=delivery.pk, user_id=scenario.owner.pk)
        for delivery in deliveries
    )


# --- Routes -------------------------------------------------------------------------------------

_CREATE = {"GET": 200, "POST": 415}  # the walk posts multipart: the JSON-only API answers 415

for _name, _rows_builder, _ok in (
    ("api-monitoring-schedules-list", _schedules, _CREATE),
    ("api-monitoring-cycles-list", _cycles, {"GET": 200}),
    ("api-update-requests-list", _requests, {"GET": 200}),
    ("api-meetings-list", _meetings, _CREATE),
    ("api-snapshots-list", _snapshots, {"GET": 200}),
    ("api-report-deliveries-list", _deliveries, _CREATE),
):
    register(RouteSpec(_name, Access.SIGNED_IN, ok=_ok, api=True, make_rows=_rows_builder))

for _name, _key, _ok in (
    ("api-monitoring-schedules-detail", "schedule", {"GET": 200, "PATCH": 400}),  # empty body: no version
    ("api-monitoring-cycles-detail", "cycle", {"GET": 200}),
    ("api-update-requests-detail", "request", {"GET": 200}),
    ("api-meetings-detail", "meeting", {"GET": 200}),
    ("api-snapshots-detail", "snapshot", {"GET": 200}),
    ("api-report-deliveries-detail", "delivery", {"GET": 200}),
):
    register(RouteSpec(_name, Access.OBJECT, ok=_ok, api=True, make_kwargs=_id(_key), secret_fields=_secrets))

register(
    RouteSpec(
        "api-snapshots-rows",
        Access.OBJECT,
        api=True,
        make_kwargs=_id("snapshot"),
        make_rows=_rows,
        secret_fields=_secrets,
    )
)

_POST_ONLY = (
    "POST-only operation (415: the walk posts multipart); 401/403/404: tests/monitoring/test_api_*.py"
)

for _name, _key in (
    ("api-monitoring-schedules-open-cycle", "schedule"),
    ("api-monitoring-cycles-close", "cycle"),
    ("api-update-requests-answer", "request"),
    ("api-meetings-refresh-agenda", "meeting"),
    ("api-meetings-attendance", "meeting"),
    ("api-meetings-finalise", "meeting"),
    ("api-agenda-items-decide", "item"),
):
    register(
        RouteSpec(_name, Access.SIGNED_IN, ok={"POST": 415}, api=True, make_kwargs=_id(_key), note=_POST_ONLY)
    )
