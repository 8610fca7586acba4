"""Property: the monitoring API lists hold exactly the rows the access rules allow, for random roles and
records.

The oracle is written in plain Python over the drawn data from the rules in
safeguard/monitoring/permissions.py's docstrings (the module's, visible_requests' and the `mine` filter's
help text), never by calling them:

- the boards a person serves: a current board role, or a current seat on any of the board's subgroups;
- a board's schedules, cycles, meetings and snapshots are seen by the people who serve the board (the
  schedule's board, for a cycle, its meetings and its snapshot);
- an update request is seen by the people who serve its cycle's board, and also by its owner, by the
  action's lead officer and by the current safeguarding leads of the agency that owns the action's plan
  (a board-owned plan has no owning agency);
- ?mine=true keeps the requests the caller may answer: addressed to them, on actions they lead, or on
  actions of an agency they are the current safeguarding lead of;
- a report delivery is seen by the people who serve the board it came from or the board it went to, and
  by its recipients.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.monitoring.models import (
    Cadence,
    CycleStatus,
    Meeting,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    ReportKind,
    Snapshot,
    UpdateRequest,
)
from tests.oracle_world import (
    BOARDS,
    CHAIR,
    LEAD,
    MANAGER,
    PRACTITIONER,
    SUBGROUP_MEMBER,
    Partnership,
    action_spec,
    board_of_subgroup,
    build_reviews,
    build_viewer,
    holdings,
    make_partnership,
    normalise,
    person,
    person_for,
    plain_world,
    plan_spec,
    review_spec,
    reviews_part,
    subgroup_index,
    today,
    viewer_roles,
)
from tests.reviews.api_helpers import Api

monitoring_part = {
    "schedules": st.lists(
        st.fixed_dictionaries({"subgroup": subgroup_index, "active": st.booleans()}), min_size=1, max_size=3
    ),
    "cycles": st.lists(
        st.fixed_dictionaries({"schedule": st.integers(0, 2), "closed": st.booleans()}), max_size=4
    ),
    "requests": st.lists(
        st.fixed_dictionaries({"cycle": st.integers(0, 3), "action": st.integers(0, 6), "owner": person}),
        max_size=6,
    ),
    "meetings": st.lists(st.integers(0, 3), max_size=3),
    "deliveries": st.lists(
        st.fixed_dictionaries(
            {
                "snapshot": st.integers(0, 3),
                "to": st.integers(0, BOARDS - 1),
                "recipients": st.frozensets(st.sampled_from(["viewer", "other"])),
            }
        ),
        max_size=3,
    ),
}

worlds = st.fixed_dictionaries({**viewer_roles, **reviews_part, **monitoring_part})


def normalise_monitoring(world: dict[str, Any]) -> dict[str, Any]:
    """Resolve indexes and the model's constraints (one active general schedule per subgroup, one request
    per action per cycle, a snapshot only for a closed cycle, a delivery to another board). No rule here."""
    world = normalise(world)
    schedules, active = [], set()
    for spec in world["schedules"]:
        is_active = spec["active"] and spec["subgroup"] not in active
        if is_active:
            active.add(spec["subgroup"])
        schedules.append({**spec, "active": is_active, "board": board_of_subgroup(spec["subgroup"])})
    cycles = [{**c, "schedule": c["schedule"] % len(schedules)} for c in world["cycles"]]
    requests, pairs = [], set()
    for spec in world["requests"] if cycles and world["actions"] else []:
        cycle, action = spec["cycle"] % len(cycles), spec["action"] % len(world["actions"])
        if (cycle, action) not in pairs:
            pairs.add((cycle, action))
            requests.append({**spec, "cycle": cycle, "action": action})
    meetings = [m % len(cycles) for m in world["meetings"]] if cycles else []
    snapshots = [i for i, c in enumerate(cycles) if c["closed"]]  # cycle index of each snapshot
    deliveries = []
    for spec in world["deliveries"] if snapshots else []:
        snapshot = spec["snapshot"] % len(snapshots)
        from_board = schedules[cycles[snapshots[snapshot]]["schedule"]]["board"]
        to = spec["to"] if spec["to"] != from_board else (from_board + 1) % BOARDS
        deliveries.append({**spec, "snapshot": snapshot, "from": from_board, "to": to})
    return {
        **world,
        "schedules": schedules,
        "cycles": cycles,
        "requests": requests,
        "meetings": meetings,
        "snapshots": snapshots,
        "deliveries": deliveries,
    }


def oracle(world: dict[str, Any]) -> dict[str, set[int]]:
    """Indexes of what the viewer may see in each collection, by the rules in the module docstring."""
    held = holdings(world)
    schedule_board = [s["board"] for s in world["schedules"]]
    cycle_board = [schedule_board[c["schedule"]] for c in world["cycles"]]

    def may_answer(request: dict[str, Any]) -> bool:
        action = world["actions"][request["action"]]
        plan = world["plans"][action["plan"]]
        owning_agency = plan["owner"] if plan["single_agency"] else None
        return request["owner"] == "viewer" or action["lead"] == "viewer" or owning_agency in held.leads

    requests = world["requests"]
    return {
        "schedules": {i for i, board in enumerate(schedule_board) if board in held.boards},
        "cycles": {i for i, board in enumerate(cycle_board) if board in held.boards},
        "requests": {
            i for i, r in enumerate(requests) if cycle_board[r["cycle"]] in held.boards or may_answer(r)
        },
        "mine": {i for i, r in enumerate(requests) if may_answer(r)},
        "meetings": {i for i, cycle in enumerate(world["meetings"]) if cycle_board[cycle] in held.boards},
        "snapshots": {i for i, cycle in enumerate(world["snapshots"]) if cycle_board[cycle] in held.boards},
        "deliveries": {
            i
            for i, d in enumerate(world["deliveries"])
            if {d["from"], d["to"]} & held.boards or "viewer" in d["recipients"]
        },
    }


def build_monitoring(partnership: Partnership, world: dict[str, Any], viewer: Any, actions: list) -> dict:
    """Write the normalised world's monitoring records directly (valid rows, no notifications)."""
    other = partnership.other
    schedules = [
        MonitoringSchedule.objects.create(
            board=partnership.boards[spec["board"]],
            subgroup=partnership.subgroups[spec["subgroup"]],
            name=f"Schedule {i}",
            cadence=Cadence.MONTHLY,
            starts_on=today() - timedelta(days=365),
            is_active=spec["active"],
            created_by=other,
        )
        for i, spec in enumerate(world["schedules"])
    ]
    cycles, numbers = [], [0] * len(schedules)
    for spec in world["cycles"]:
        numbers[spec["schedule"]] += 1
        number = numbers[spec["schedule"]]
        opens_on = today() - timedelta(days=30 * number)
        cycles.append(
            MonitoringCycle.objects.create(
                schedule=schedules[spec["schedule"]],
                number=number,
                opens_on=opens_on,
                deadline=opens_on + timedelta(days=14),
                status=CycleStatus.CLOSED if spec["closed"] else CycleStatus.OPEN,
                closed_at=None,
            )
        )
    requests = [
        UpdateRequest.objects.create(
            cycle=cycles[spec["cycle"]],
            action=actions[spec["action"]],
            owner=person_for(partnership, viewer, spec["owner"]),
            deadline=cycles[spec["cycle"]].deadline,
        )
        for spec in world["requests"]
    ]
    meetings = [
        Meeting.objects.create(
            cycle=cycles[cycle],
            subgroup=cycles[cycle].schedule.subgroup,
            held_on=today() + timedelta(days=7),
            created_by=other,
        )
        for cycle in world["meetings"]
    ]
    snapshots = [
        Snapshot.objects.create(cycle=cycles[cycle], taken_on=today()) for cycle in world["snapshots"]
    ]
    deliveries = []
    for spec in world["deliveries"]:
        delivery = ReportDelivery.objects.create(
            kind=ReportKind.CROSS_BOARD_SUMMARY,
            from_board=partnership.boards[spec["from"]],
            to_board=partnership.boards[spec["to"]],
            snapshot=snapshots[spec["snapshot"]],
            sent_by=other,
        )
        delivery.recipients.set([viewer if who == "viewer" else other for who in spec["recipients"]])
        deliveries.append(delivery)
    return {
        "schedules": schedules,
        "cycles": cycles,
        "requests": requests,
        "meetings": meetings,
        "snapshots": snapshots,
        "deliveries": deliveries,
    }


# --- Boundaries always tried --------------------------------------------------------------------


def _edge(**parts: Any) -> dict[str, Any]:
    """Board 0's schedule (its subgroup 0) with a closed cycle, its meeting and snapshot, and a request
    addressed to someone else on an action led by someone else, of agency 1's plan (monitored by board 1);
    the snapshot sent from board 0 to board 2 for someone else. The viewer's roles decide what they see."""
    world = plain_world(
        reviews=[review_spec()],
        plans=[plan_spec()],
        actions=[action_spec()],
        schedules=[{"subgroup": 0, "active": True}],
        cycles=[{"schedule": 0, "closed": True}],
        requests=[{"cycle": 0, "action": 0, "owner": "other"}],
        meetings=[0],
        deliveries=[{"snapshot": 0, "to": 2, "recipients": frozenset({"other"})}],
    )
    world.update(parts)
    return world


EDGES = [
    _edge(),  # no role at all: nothing
    _edge(board_roles=[(0, MANAGER, True)]),  # an ended board role
    _edge(seats=[(0, True)]),  # an ended seat
    _edge(seats=[(1, False)]),  # a seat on another subgroup of board 0: everything of board 0
    _edge(board_roles=[(2, SUBGROUP_MEMBER, False)]),  # serves the board it went to: the delivery only
    _edge(board_roles=[(1, CHAIR, False)]),  # the plan's monitoring board is not the schedule's board
    _edge(memberships=[(1, PRACTITIONER, False)]),  # the owning agency, not its lead
    _edge(memberships=[(1, LEAD, False)]),  # the owning agency's lead: the request only
    _edge(memberships=[(1, LEAD, True)]),  # an ended lead
    _edge(memberships=[(1, LEAD, False)], plans=[plan_spec(single=False)]),  # a board-owned plan
    _edge(requests=[{"cycle": 0, "action": 0, "owner": "viewer"}]),  # addressed to the viewer
    _edge(actions=[action_spec(lead="viewer")]),  # the viewer leads the action
    _edge(deliveries=[{"snapshot": 0, "to": 2, "recipients": frozenset({"viewer"})}]),  # a recipient
]


# --- The property ------------------------------------------------------------------------------


@pytest.fixture
def partnership(db) -> Partnership:
    return make_partnership()


def _examples(test: Any) -> Any:
    for world in EDGES:
        test = example(world=world)(test)
    return test


LISTS = {
    "schedules": "/monitoring-schedules/",
    "cycles": "/monitoring-cycles/",
    "requests": "/update-requests/",
    "meetings": "/meetings/",
    "snapshots": "/snapshots/",
    "deliveries": "/report-deliveries/",
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
@_examples
def test_monitoring_lists_hold_exactly_what_the_rules_allow(partnership, world) -> None:
    # Each example writes in a savepoint that is rolled back, so examples never see each other's rows.
    with transaction.atomic():
        world = normalise_monitoring(world)
        viewer = build_viewer(partnership, world)
        built = build_reviews(partnership, world, viewer)
        records = build_monitoring(partnership, world, viewer, built.actions)
        seen = oracle(world)
        api = Api(viewer)
        for name, path in LISTS.items():
            expected = {records[name][i].pk for i in seen[name]}
            body = api.get(path, {"limit": 500}).json()
            assert {row["id"] for row in body["results"]} == expected, name
            assert body["count"] == len(expected), name
        mine = {records["requests"][i].pk for i in seen["mine"]}
        assert set(api.ids("/update-requests/", {"mine": "true"})) == mine
        # A filter narrows within the scope, never widens it.
        if records["cycles"]:
            cycle = records["cycles"][0].pk
            assert set(api.ids("/update-requests/", {"cycle": cycle})) == {
                records["requests"][i].pk for i in seen["requests"] if world["requests"][i]["cycle"] == 0
            }
        board = partnership.boards[0].pk
        assert set(api.ids("/monitoring-cycles/", {"board": board})) == {
            records["cycles"][i].pk
            for i in seen["cycles"]
            if world["schedules"][world["cycles"][i]["schedule"]]["board"] == 0
        }
        transaction.set_rollback(True)
