"""Property: GET /api/v1/actions/ lists exactly the actions the access rules allow.

The oracle below is written from the rules as permissions.py's docstring states them, in plain Python
over the generated data, without calling permissions.py:

- an unpublished review is seen by members of its boards (a current board role, or a current seat on a
  subgroup of the lead or a partner board) and by the safeguarding leads of its involved agencies;
- a published review is seen by everyone who works in the partnership (any current membership, board
  role or subgroup seat);
- a plan is seen with its review, and by its owning agency's safeguarding leads, by members of the
  boards that monitor or own it, and by the lead officers of its actions;
- an action is seen with its plan, and by its own lead officer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.people.models import BoardRole, Membership, Role, SubgroupMembership, User
from safeguard.reviews.models import Action, ActionPlan, ActionStatus, PlanKind, Review, ReviewStatus
from tests.factories import AgencyFactory, BoardFactory, SubgroupFactory, UserFactory
from tests.reviews.api_helpers import Api, today

BOARDS = 2
LEAD, PRACTITIONER = Role.AGENCY_SAFEGUARDING_LEAD, Role.PRACTITIONER
MANAGER, SUBGROUP_MEMBER = Role.BOARD_BUSINESS_MANAGER, Role.SUBGROUP_MEMBER

board_index = st.integers(0, BOARDS - 1)
ended = st.booleans()

worlds = st.fixed_dictionaries(
    {
        # The viewer's own roles: (agency, role, ended), (board, role, ended), (subgroup, ended).
        "memberships": st.lists(
            st.tuples(board_index, st.sampled_from([LEAD, PRACTITIONER]), ended),
            max_size=3,
            unique_by=lambda m: m[:2],
        ),
        "board_roles": st.lists(
            st.tuples(board_index, st.sampled_from([MANAGER, SUBGROUP_MEMBER]), ended),
            max_size=2,
            unique_by=lambda r: r[:2],
        ),
        "seats": st.lists(st.tuples(board_index, ended), max_size=2, unique_by=lambda s: s[0]),
        "reviews": st.lists(
            st.fixed_dictionaries(
                {
                    "lead": board_index,
                    "partners": st.frozensets(board_index),
                    "involved": st.frozensets(board_index),
                    "published": st.booleans(),
                }
            ),
            min_size=1,
            max_size=3,
        ),
        "plans": st.lists(
            st.fixed_dictionaries(
                {
                    "review": st.none() | st.integers(0, 2),
                    "single_agency": st.booleans(),
                    "owner": board_index,
                    "monitoring": st.frozensets(board_index, min_size=1),
                    "subgroup": board_index,
                }
            ),
            min_size=1,
            max_size=4,
        ),
        "actions": st.lists(
            st.fixed_dictionaries(
                {"plan": st.integers(0, 3), "lead": st.sampled_from(["viewer", "other", None])}
            ),
            min_size=1,
            max_size=6,
        ),
    }
)


def _edge(memberships=(), board_roles=(), seats=(), published=False, involved=frozenset()) -> dict[str, Any]:
    """One review led by board 0, its plan owned by board 1's agency and monitored by board 1, one action
    led by someone else: the viewer's own roles alone decide what they see."""
    return {
        "memberships": list(memberships),
        "board_roles": list(board_roles),
        "seats": list(seats),
        "reviews": [{"lead": 0, "partners": frozenset(), "involved": involved, "published": published}],
        "plans": [
            {"review": 0, "single_agency": True, "owner": 1, "monitoring": frozenset({1}), "subgroup": 1}
        ],
        "actions": [{"plan": 0, "lead": "other"}],
    }


# The boundaries of the rules, always tried: no role at all, ended roles, a practitioner (not a lead).
EDGES = [
    _edge(published=True),
    _edge(board_roles=[(0, MANAGER, True)]),
    _edge(seats=[(0, True)]),
    _edge(memberships=[(1, LEAD, True)]),
    _edge(memberships=[(0, PRACTITIONER, False)], involved=frozenset({0})),
    _edge(memberships=[(0, PRACTITIONER, False)], involved=frozenset({0}), published=True),
    _edge(seats=[(1, False)]),
    _edge(memberships=[(1, LEAD, False)]),
    _edge(board_roles=[(1, SUBGROUP_MEMBER, False)]),
    {**_edge(), "actions": [{"plan": 0, "lead": "other"}, {"plan": 0, "lead": "viewer"}]},
]


def oracle(world: dict[str, Any], plans: list[dict[str, Any]], actions: list[dict[str, Any]]) -> set[int]:
    """Indexes of the actions the viewer may see, by the rules in the module docstring."""
    boards = {b for b, _, gone in world["board_roles"] if not gone} | {
        s for s, gone in world["seats"] if not gone
    }
    leads = {a for a, role, gone in world["memberships"] if role == LEAD and not gone}
    works_here = bool(boards) or any(not gone for _, _, gone in world["memberships"])

    def review_seen(review: dict[str, Any]) -> bool:
        on_its_boards = review["lead"] in boards or bool(review["partners"] & boards)
        return on_its_boards or bool(review["involved"] & leads) or (review["published"] and works_here)

    def plan_seen(index: int) -> bool:
        plan = plans[index]
        owner_agency = plan["owner"] if plan["single_agency"] else None
        owner_board = None if plan["single_agency"] else plan["owner"]
        return (
            (plan["review_spec"] is not None and review_seen(plan["review_spec"]))
            or owner_agency in leads
            or owner_board in boards
            or bool(plan["monitoring"] & boards)
            or any(a["plan"] == index and a["lead"] == "viewer" for a in actions)
        )

    return {i for i, a in enumerate(actions) if plan_seen(a["plan"]) or a["lead"] == "viewer"}


@pytest.fixture
def partnership(db) -> dict[str, Any]:
    boards = [BoardFactory() for _ in range(BOARDS)]
    return {
        "boards": boards,
        "agencies": [AgencyFactory(boards=[board]) for board in boards],
        "subgroups": [SubgroupFactory(board=board) for board in boards],
        "other": UserFactory(),
    }


def _build(partnership: dict[str, Any], world: dict[str, Any]) -> tuple[User, list[Action], list, list]:
    boards, agencies, subgroups = partnership["boards"], partnership["agencies"], partnership["subgroups"]
    gone_on = today() - timedelta(days=1)
    viewer = User.objects.create_user(f"viewer{User.objects.count()}@example.test", None, full_name="Viewer")
    for agency, role, gone in world["memberships"]:
        Membership.objects.create(
            user=viewer, agency=agencies[agency], role=role, ended_on=gone_on if gone else None
        )
    for board, role, gone in world["board_roles"]:
        BoardRole.objects.create(
            user=viewer, board=boards[board], role=role, ended_on=gone_on if gone else None
        )
    for subgroup, gone in world["seats"]:
        SubgroupMembership.objects.create(
            user=viewer, subgroup=subgroups[subgroup], ended_on=gone_on if gone else None
        )

    creator = partnership["other"]
    reviews = []
    for i, spec in enumerate(world["reviews"]):
        review = Review.objects.create(
            reference=f"PROP-{i}",
            review_type="scr",
            subject_pseudonym="Child P",
            lead_board=boards[spec["lead"]],
            notified_on=today() - timedelta(days=100),
            published_on=today() if spec["published"] else None,
            status=ReviewStatus.PUBLISHED if spec["published"] else ReviewStatus.NOTIFIED,
            created_by=creator,
        )
        review.partner_boards.set([boards[b] for b in spec["partners"]])
        review.involved_agencies.set([agencies[a] for a in spec["involved"]])
        reviews.append(review)

    plans, plan_specs, single_agency_owners = [], [], set()
    for spec in world["plans"]:
        review_index = spec["review"] % len(reviews) if reviews and spec["review"] is not None else None
        single = spec["single_agency"]
        if single and review_index is not None and (review_index, spec["owner"]) in single_agency_owners:
            single = False  # one single-agency plan per agency per review: make this one board-owned
        if single and review_index is not None:
            single_agency_owners.add((review_index, spec["owner"]))
        plan = ActionPlan.objects.create(
            review=reviews[review_index] if review_index is not None else None,
            kind=PlanKind.SINGLE_AGENCY if single else PlanKind.MULTI_AGENCY,
            owner_agency=agencies[spec["owner"]] if single else None,
            owner_board=None if single else boards[spec["owner"]],
            monitoring_subgroup=subgroups[spec["subgroup"]],
            title="Plan",
            created_by=creator,
        )
        plan.monitoring_boards.set([boards[b] for b in spec["monitoring"]])
        plans.append(plan)
        plan_specs.append(
            {
                **spec,
                "single_agency": single,
                "review_spec": world["reviews"][review_index] if review_index is not None else None,
            }
        )

    action_specs, actions = [], []
    for i, spec in enumerate(world["actions"]):
        if not plans:
            break
        plan_index = spec["plan"] % len(plans)
        lead = {"viewer": viewer, "other": partnership["other"], None: None}[spec["lead"]]
        actions.append(
            Action.objects.create(
                plan=plans[plan_index],
                number=i + 1,
                title=f"Action {i}",
                lead_officer=lead,
                due_date=today() + timedelta(days=i),
                status=ActionStatus.AGREED,
                created_by=creator,
            )
        )
        action_specs.append({"plan": plan_index, "lead": spec["lead"]})
    return viewer, actions, plan_specs, action_specs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
@example(world=EDGES[0])
@example(world=EDGES[1])
@example(world=EDGES[2])
@example(world=EDGES[3])
@example(world=EDGES[4])
@example(world=EDGES[5])
@example(world=EDGES[6])
@example(world=EDGES[7])
@example(world=EDGES[8])
@example(world=EDGES[9])
def test_the_actions_list_is_exactly_what_the_rules_allow(partnership, world) -> None:
    # Each example writes in a savepoint that is rolled back, so examples never see each other's rows.
    with transaction.atomic():
        viewer, actions, plan_specs, action_specs = _build(partnership, world)
        expected = {actions[i].pk for i in oracle(world, plan_specs, action_specs)}
        api = Api(viewer)
        assert set(api.ids("/actions/")) == expected
        # The count, and a filtered view, are scoped the same way.
        assert api.get("/actions/").json()["count"] == len(expected)
        board = partnership["boards"][0].pk
        filtered = set(api.ids("/actions/", {"board": board}))
        assert filtered == {
            a.pk
            for a in actions
            if a.pk in expected
            and (a.plan.owner_board_id == board or a.plan.monitoring_boards.filter(pk=board).exists())
        }
        transaction.set_rollback(True)
