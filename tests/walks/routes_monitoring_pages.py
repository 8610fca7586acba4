"""Monitoring pages routes for the quality walks (imported at the end of routes.py).

One monitoring world per scenario, on a board of its own, built through the services: the reviews walk's
action world (the owner leads an agreed action; another chair of the monitoring subgroup approved the
plan), then the owner is also made the board's business manager and a chair of the monitoring subgroup,
so they may run schedules, cycles and meetings, answer the request addressed to them and record
decisions. A monthly schedule opens its cycle today (one request, to the owner), and the subgroup's
meeting is planned for today with one agenda item. The wrong role (an auditor of the owner's agency) and
the outsider (another board's lead) serve no part of that board: every record is the 404 of a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.walks.routes import Access, RouteSpec, _action_world, register


def _world(scenario: Any) -> dict[str, Any]:
    cached = scenario.__dict__.get("monitoring_pages_world")
    if cached is not None:
        return cached
    from uuid import uuid4

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from safeguard.monitoring import services
    from safeguard.monitoring.models import (
        AgendaItem,
        AgendaReason,
        Cadence,
        Meeting,
        MonitoringCycle,
        MonitoringSchedule,
        UpdateRequest,
    )
    from safeguard.people.models import Role
    from tests.factories import BoardRoleFactory, SubgroupMembershipFactory

    owner = scenario.owner
    action = _action_world(scenario, owner_is="lead")["action"]
    subgroup = action.plan.monitoring_subgroup
    board = subgroup.board
    BoardRoleFactory(board=board, user=owner, role=Role.BOARD_BUSINESS_MANAGER)
    SubgroupMembershipFactory(subgroup=subgroup, user=owner, is_chair=True)
    today = timezone.localdate()
    schedule = services.create_schedule(
        actor=owner,
        board=board,
        subgroup=subgroup,
        name=f"Walk schedule {uuid4().hex[:12]}",
        cadence=Cadence.MONTHLY,
        starts_on=today,
    )
    cycle, _ = services.open_cycle(schedule=schedule, opens_on=today, actor=owner)
    request = cycle.requests.get()
    meeting = services.schedule_meeting(actor=owner, cycle=cycle, held_on=today)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=meeting.items.count() + 1,
        reason=AgendaReason.STALE,
        action=action,
        request=request,
    )
    # Pages log the view by content type: look the types up now, so the first request of the query-budget
    # walk does not pay for filling Django's content-type cache.
    ContentType.objects.get_for_models(MonitoringSchedule, MonitoringCycle, Meeting, UpdateRequest)
    world = {
        "action": action,
        "schedule": schedule,
        "cycle": cycle,
        "request": request,
        "meeting": meeting,
        "item": item,
    }
    scenario.__dict__["monitoring_pages_world"] = world
    return world


def _pk(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"pk": _world(s)[key].pk}


def _secrets(scenario: Any) -> list[str]:
    return [_world(scenario)["schedule"].name]


def _owner_runs_a_board(scenario: Any) -> dict[str, Any]:
    """No URL arguments; gives the owner a board whose monitoring they run."""
    _world(scenario)
    return {}


# --- Rows for the list pages --------------------------------------------------------------------


def _cycles(scenario: Any, n: int) -> None:
    """n more open cycles of the world's schedule (the home page and the schedule page list them)."""
    from datetime import timedelta

    from django.db.models import Max, Min

    from safeguard.monitoring.models import MonitoringCycle

    schedule = _world(scenario)["schedule"]
    last = schedule.cycles.aggregate(n=Max("number"), d=Min("opens_on"))
    start, earliest = last["n"], last["d"]
    MonitoringCycle.objects.bulk_create(
        MonitoringCycle(
            schedule=schedule,
            number=start + i + 1,
            opens_on=earliest - timedelta(days=i + 1),
            deadline=earliest,
            opened_by=scenario.owner,
        )
        for i in range(n)
    )


def _actions(scenario: Any, n: int) -> list[Any]:
    from datetime import timedelta

    from django.utils import timezone

    from safeguard.reviews.models import Action, ActionStatus

    template = _world(scenario)["action"]
    plan = template.plan
    start = (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"Walk action {start + i}",
            lead_officer=scenario.owner,
            due_date=timezone.localdate() + timedelta(days=30 + i),
            status=ActionStatus.AGREED,
            created_by=template.created_by,
        )
        for i in range(n)
    )


def _requests(scenario: Any, n: int) -> None:
    """n more requests in the world's cycle, all addressed to the owner (the cycle page and the owner's
    request list show them)."""
    from safeguard.monitoring.models import UpdateRequest

    cycle = _world(scenario)["cycle"]
    UpdateRequest.objects.bulk_create(
        UpdateRequest(
            cycle=cycle, action=action, owner=scenario.owner, deadline=cycle.deadline, is_stale=i % 2 == 0
        )
        for i, action in enumerate(_actions(scenario, n))
    )


def _items(scenario: Any, n: int) -> None:
    """n more agenda items on the world's meeting, each about an action of its own."""
    from safeguard.monitoring.models import AgendaItem, AgendaReason

    meeting = _world(scenario)["meeting"]
    start = meeting.items.count()
    reasons = [AgendaReason.STALE, AgendaReason.OVERDUE, AgendaReason.IMPACT]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=start + i + 1, reason=reasons[i % 3], action=action)
        for i, action in enumerate(_actions(scenario, n))
    )


# --- The routes ---------------------------------------------------------------------------------

_FORM = {"GET": 200, "POST": 200}  # an empty POST shows the form's errors

register(RouteSpec("monitoring:home", Access.SIGNED_IN, make_rows=_cycles, make_kwargs=_owner_runs_a_board))
register(
    RouteSpec(
        "monitoring:schedule_create",
        Access.SIGNED_IN,
        ok=_FORM,
        make_kwargs=_owner_runs_a_board,
        note="the owner runs one board's monitoring, so the form opens for it directly",
    )
)
register(
    RouteSpec(
        "monitoring:schedule_detail",
        Access.OBJECT,
        make_kwargs=_pk("schedule"),
        make_rows=_cycles,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:schedule_edit",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_pk("schedule"),
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:cycle_open",
        Access.OBJECT,
        ok={"GET": 200, "POST": 302},
        make_kwargs=_pk("schedule"),
        secret_fields=_secrets,
        note="today's cycle is already open: the POST finds it and goes there",
    )
)
register(
    RouteSpec(
        "monitoring:cycle_detail",
        Access.OBJECT,
        make_kwargs=_pk("cycle"),
        make_rows=_requests,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:cycle_close",
        Access.OBJECT,
        ok={"GET": 200, "POST": 302},
        make_kwargs=_pk("cycle"),
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:meeting_create", Access.OBJECT, ok=_FORM, make_kwargs=_pk("cycle"), secret_fields=_secrets
    )
)
register(
    RouteSpec(
        "monitoring:request_list", Access.SIGNED_IN, make_rows=_requests, make_kwargs=_owner_runs_a_board
    )
)
register(
    RouteSpec(
        "monitoring:request_answer",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_pk("request"),
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:meeting_detail",
        Access.OBJECT,
        make_kwargs=_pk("meeting"),
        make_rows=_items,
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:meeting_attendance",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_pk("meeting"),
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "monitoring:agenda_refresh",
        Access.OBJECT,
        ok={"GET": 302, "POST": 302},
        make_kwargs=_pk("meeting"),
        secret_fields=_secrets,
        note="a button on the meeting page; a GET goes back to the meeting",
    )
)
register(
    RouteSpec(
        "monitoring:meeting_finalise",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_pk("meeting"),
        secret_fields=_secrets,
        note="an empty POST lacks the version and shows the error",
    )
)
register(
    RouteSpec(
        "monitoring:item_decide",
        Access.OBJECT,
        ok={"GET": 302, "POST": 200},
        make_kwargs=_pk("item"),
        secret_fields=_secrets,
        note="the form is on the meeting page: a GET goes back there, an empty POST shows it with its error",
    )
)
