"""Monitoring reports routes for the quality walks (imported at the end of routes.py).

One board of the owner's own (the owner is its business manager, so serves it and may send its reports),
sharing a review with a partner board that has a business manager of its own. A monitoring schedule over the
review's plan has a closed first cycle (its snapshot feeds the cross-board summary, a delivery to the partner
board, the trend) and an open second cycle with a meeting (the board pack and minutes, from live data, so
the query-budget walk can add actions and agenda items to it). The wrong role (an auditor of the owner's
agency) and the outsider (another board's agency lead) serve neither board: every object route is a 404 for
them, the same as for a missing record.

The downloads (PDF and XLSX) are registered without rows: rendering a PDF with 50 rows in every walk would
cost minutes, and their query counts are the page's plus the audit and access-log writes; the report tests
(tests/monitoring/test_reports_*.py) check their content and the dashboard's constant query count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.walks.routes import Access, RouteSpec, register


def _world(scenario: Any) -> dict[str, Any]:
    cached = scenario.__dict__.get("monitoring_reports_world")
    if cached is not None:
        return cached
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from safeguard.monitoring import services
    from safeguard.monitoring.models import Cadence
    from safeguard.people.models import Role
    from safeguard.reviews.models import (
        Action,
        ActionPlan,
        ActionStatus,
        PlanKind,
        PlanStatus,
        Review,
    )
    from tests.factories import (
        AgencyFactory,
        BoardFactory,
        BoardRoleFactory,
        SubgroupFactory,
        SubgroupMembershipFactory,
    )

    owner = scenario.owner
    board, partner = BoardFactory(), BoardFactory()
    BoardRoleFactory(board=board, user=owner, role=Role.BOARD_BUSINESS_MANAGER)
    BoardRoleFactory(board=partner, role=Role.BOARD_BUSINESS_MANAGER)
    agency = AgencyFactory(boards=[board])
    subgroup = SubgroupFactory(board=board)
    SubgroupMembershipFactory(subgroup=subgroup, is_chair=True)
    today = timezone.localdate()
    now = timezone.now()
    review = Review.objects.create(
        reference=f"REP-WALK-{uuid4().hex[:12]}",
        review_type="scr",
        subject_pseudonym="Child P",
        lead_board=board,
        notified_on=today - timedelta(days=300),
        created_by=owner,
    )
    review.partner_boards.set([partner])
    review.involved_agencies.set([agency])
    plan = ActionPlan.objects.create(
        review=review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=agency,
        monitoring_subgroup=subgroup,
        title="Reports walk plan",
        status=PlanStatus.APPROVED,
        approved_version=1,
        approved_at=now,
        created_by=owner,
    )
    plan.monitoring_boards.set([board])
    for number, due in ((1, today + timedelta(days=40)), (2, today - timedelta(days=3))):
        Action.objects.create(
            plan=plan,
            number=number,
            title=f"Reports walk action {number}",
            lead_officer_name="Walk Officer",
            due_date=due,
            status=ActionStatus.AGREED,
            agreed_at=now - timedelta(days=30),
            created_by=owner,
        )
    schedule = services.create_schedule(
        actor=owner,
        board=board,
        subgroup=subgroup,
        name="Reports walk schedule",
        cadence=Cadence.MONTHLY,
        starts_on=today - timedelta(days=60),
        cross_board_recipient=partner,
    )
    first, _ = services.open_cycle(schedule=schedule, opens_on=today - timedelta(days=31))
    closed_meeting = services.schedule_meeting(actor=owner, cycle=first, held_on=today - timedelta(days=20))
    snapshot = services.close_cycle(actor=owner, cycle=first)
    second, _ = services.open_cycle(schedule=schedule, opens_on=today)
    meeting = services.schedule_meeting(actor=owner, cycle=second, held_on=today)
    delivery = services.send_cross_board_summary(
        actor=owner, review=review, snapshot=snapshot, to_board=partner, note="Walk"
    )
    world = {
        "board": board,
        "partner": partner,
        "review": review,
        "plan": plan,
        "subgroup": subgroup,
        "schedule": schedule,
        "snapshot": snapshot,
        "closed_meeting": closed_meeting,
        "meeting": meeting,
        "delivery": delivery,
        "year": today.year,
    }
    # The pages log views by content type: look the types up now, so the first request of the query-budget
    # walk does not pay for filling Django's content-type cache.
    from django.contrib.contenttypes.models import ContentType

    from safeguard.core.models import AuditEvent
    from safeguard.monitoring.models import Meeting, ReportDelivery, Snapshot
    from safeguard.people.models import Board

    for model in (Meeting, Snapshot, ReportDelivery, Board, AuditEvent):
        ContentType.objects.get_for_model(model)
    scenario.__dict__["monitoring_reports_world"] = world
    return world


def _secrets(scenario: Any) -> list[str]:
    return [_world(scenario)["review"].reference]


def _meeting(scenario: Any) -> dict[str, Any]:
    return {"pk": _world(scenario)["meeting"].pk}


def _summary(scenario: Any) -> dict[str, Any]:
    world = _world(scenario)
    return {"pk": world["snapshot"].pk, "review_pk": world["review"].pk}


def _delivery(scenario: Any) -> dict[str, Any]:
    return {"pk": _world(scenario)["delivery"].pk}


def _annual(scenario: Any) -> dict[str, Any]:
    world = _world(scenario)
    return {"board_pk": world["board"].pk, "year": world["year"]}


def _with(kwargs: Callable[[Any], dict[str, Any]], **more: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda scenario: {**kwargs(scenario), **more}


# --- Rows for the query-budget walk ------------------------------------------------------------


def _new_actions(scenario: Any, n: int, **fields: Any) -> list[Any]:
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from safeguard.reviews.models import Action, ActionStatus

    plan = _world(scenario)["plan"]
    start = (plan.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    today = timezone.localdate()
    fields.setdefault("status", ActionStatus.AGREED)
    return Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"Reports walk action {start + i}",
            lead_officer=scenario.owner if i % 2 else None,
            due_date=today + timedelta(days=(i % 7) * 10 - 20),
            agreed_at=timezone.now() - timedelta(days=10),
            created_by=scenario.owner,
            **fields,
        )
        for i in range(n)
    )


def _pack_rows(scenario: Any, n: int) -> None:
    """n more actions in the open cycle's plan, each on the meeting's agenda, every other one decided."""
    from django.db.models import Max

    from safeguard.monitoring.models import AgendaItem, AgendaReason, Decision, DecisionKind

    meeting = _world(scenario)["meeting"]
    actions = _new_actions(scenario, n)
    position = meeting.items.aggregate(p=Max("position"))["p"] or 0
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position + i + 1, reason=AgendaReason.OVERDUE, action=action)
        for i, action in enumerate(actions)
    )
    Decision.objects.bulk_create(
        Decision(item=item, kind=DecisionKind.NOTED, note="Walk", decided_by=scenario.owner)
        for item in items[::2]
    )


def _snapshot_rows(scenario: Any, n: int) -> None:
    """n more actions frozen in the closed cycle's snapshot."""
    from safeguard.monitoring.models import SnapshotRow

    world = _world(scenario)
    actions = _new_actions(scenario, n)
    SnapshotRow.objects.bulk_create(
        SnapshotRow(
            snapshot=world["snapshot"],
            action=action,
            review=world["review"],
            plan=world["plan"],
            agency_name=world["plan"].owner_name,
            reference=action.reference,
            title=action.title,
            due_date=action.due_date,
            status=action.status,
            rag="red" if i % 3 == 0 else "green",
            latest_update=f"Walk update {i}",
            latest_update_at=action.agreed_at,
            updated_in_cycle=bool(i % 2),
            updated_on_time=bool(i % 4),
        )
        for i, action in enumerate(actions)
    )


def _annual_rows(scenario: Any, n: int) -> None:
    """n more actions closed this year (with an impact assessment each) and n overdue."""
    from django.utils import timezone

    from safeguard.reviews.models import ActionStatus, ImpactAssessment, ProgressUpdate

    closed = _new_actions(scenario, n, status=ActionStatus.CLOSED, closed_at=timezone.now())
    ImpactAssessment.objects.bulk_create(
        ImpactAssessment(
            action=a, verdict="evidenced", source="audit", narrative="Walk", assessor=scenario.owner
        )
        for a in closed
    )
    overdue = _new_actions(scenario, n)
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=a, author=scenario.owner, narrative="Walk delay", claimed="at_risk")
        for a in overdue
    )


def _dashboard_rows(scenario: Any, n: int) -> None:
    _new_actions(scenario, n)
    _snapshot_rows(scenario, n)


def _dashboard_world(scenario: Any) -> dict[str, Any]:
    _world(scenario)
    return {}


_PDF_XLSX = "a PDF or XLSX attachment; content checked in tests/monitoring/test_reports_*.py"

register(
    RouteSpec(
        "monitoring:dashboard", Access.SIGNED_IN, make_kwargs=_dashboard_world, make_rows=_dashboard_rows
    )
)
register(
    RouteSpec(
        "monitoring:dashboard_download",
        Access.SIGNED_IN,
        make_kwargs=_with(_dashboard_world, fmt="xlsx"),
        note=_PDF_XLSX,
    )
)
register(
    RouteSpec(
        "monitoring:board_pack",
        Access.OBJECT,
        make_kwargs=_meeting,
        make_rows=_pack_rows,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:board_pack_download",
        Access.OBJECT,
        make_kwargs=_with(_meeting, fmt="xlsx"),
        secret_fields=_secrets,
        note=_PDF_XLSX,
    )
)
register(
    RouteSpec(
        "monitoring:minutes_download",
        Access.OBJECT,
        make_kwargs=_meeting,
        secret_fields=_secrets,
        note="a PDF attachment; tests/monitoring/test_reports_minutes.py reads its text",
    )
)
register(
    RouteSpec(
        "monitoring:cross_board_summary",
        Access.OBJECT,
        make_kwargs=_summary,
        make_rows=_snapshot_rows,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:cross_board_summary_download",
        Access.OBJECT,
        make_kwargs=_with(_summary, fmt="xlsx"),
        secret_fields=_secrets,
        note=_PDF_XLSX,
    )
)
register(
    RouteSpec(
        "monitoring:send_summary",
        Access.OBJECT,
        ok={"GET": 200, "POST": 200},
        make_kwargs=_summary,
        secret_fields=_secrets,
        note="an empty POST shows the form's error and sends nothing",
    )
)
register(
    RouteSpec(
        "monitoring:delivery_detail",
        Access.OBJECT,
        make_kwargs=_delivery,
        make_rows=_snapshot_rows,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:delivery_download",
        Access.OBJECT,
        make_kwargs=_with(_delivery, fmt="xlsx"),
        secret_fields=_secrets,
        note=_PDF_XLSX,
    )
)
register(
    RouteSpec(
        "monitoring:annual_report",
        Access.OBJECT,
        make_kwargs=_annual,
        make_rows=_annual_rows,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:annual_report_download",
        Access.OBJECT,
        make_kwargs=_with(_annual, fmt="xlsx"),
        secret_fields=_secrets,
        note=_PDF_XLSX,
    )
)
