"""Random partnerships for the visibility property tests, and oracles of the documented access rules.

A world is plain data (drawn by hypothesis): the viewer's roles, and reviews, plans and actions that refer
to boards, agencies and subgroups by index. `normalise` makes a drawn world valid (indexes in range, one
single-agency plan per agency per review) without looking at any rule; `build_*` writes it; the oracles
below answer from the plain data alone, written from the rules as the modules' docstrings state them and
never by calling permissions.py, selectors.py or rag.py.

Rules (safeguard/reviews/permissions.py):
- the boards a person serves: a current board role, or a current seat on one of the board's subgroups;
- an unpublished review is seen by people who serve its lead or a partner board, and by the current
  safeguarding leads of its involved agencies;
- a published review is seen by everyone who works in the partnership (any current agency membership,
  board role or subgroup seat);
- a plan is seen with its review, and by its owning agency's safeguarding leads, by people who serve the
  boards that monitor it or own it, and by the lead officers of its actions;
- an action is seen with its plan, and by its own lead officer.

RAG (safeguard/reviews/rag.py): blue when closed; else the board's override where one is recorded; else
red when still to be delivered (draft, agreed, in progress) and past due; else amber when flagged at risk
or still to be delivered and due within the warning window (10 working days); else green. Due dates are
drawn from offsets that are unambiguous whatever the calendar: past, today, in 2 days, in 90 days, none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from hypothesis import strategies as st

from safeguard.people.models import BoardRole, Membership, Role, SubgroupMembership, User
from safeguard.reviews.models import Action, ActionPlan, ActionStatus, PlanKind, Rag, Review, ReviewStatus
from tests.factories import AgencyFactory, BoardFactory, SubgroupFactory, UserFactory

BOARDS = 3
SUBGROUPS_PER_BOARD = 2
SUBGROUPS = BOARDS * SUBGROUPS_PER_BOARD
LEAD, PRACTITIONER = Role.AGENCY_SAFEGUARDING_LEAD, Role.PRACTITIONER
MANAGER, CHAIR, SUBGROUP_MEMBER = Role.BOARD_BUSINESS_MANAGER, Role.BOARD_CHAIR, Role.SUBGROUP_MEMBER
STILL_TO_DELIVER = (ActionStatus.DRAFT, ActionStatus.AGREED, ActionStatus.IN_PROGRESS)
DUE_OFFSETS = (-30, -1, 0, 2, 90, None)  # days from today; None: no due date

board_index = st.integers(0, BOARDS - 1)
subgroup_index = st.integers(0, SUBGROUPS - 1)
ended = st.booleans()
person = st.sampled_from(["viewer", "other", None])


def board_of_subgroup(subgroup: int) -> int:
    return subgroup // SUBGROUPS_PER_BOARD


# --- Strategies ---------------------------------------------------------------------------------

viewer_roles = {
    # (agency, role, ended): agency i belongs to board i.
    "memberships": st.lists(
        st.tuples(board_index, st.sampled_from([LEAD, PRACTITIONER]), ended),
        max_size=3,
        unique_by=lambda m: m[:2],
    ),
    # (board, role, ended)
    "board_roles": st.lists(
        st.tuples(board_index, st.sampled_from([MANAGER, CHAIR, SUBGROUP_MEMBER]), ended),
        max_size=2,
        unique_by=lambda r: r[:2],
    ),
    # (subgroup, ended): subgroup s belongs to board s // SUBGROUPS_PER_BOARD.
    "seats": st.lists(st.tuples(subgroup_index, ended), max_size=2, unique_by=lambda s: s[0]),
}

reviews_part = {
    "reviews": st.lists(
        st.fixed_dictionaries(
            {
                "lead": board_index,
                "partners": st.frozensets(board_index, max_size=2),
                "involved": st.frozensets(board_index, max_size=2),
                "published": st.booleans(),
            }
        ),
        max_size=3,
    ),
    "plans": st.lists(
        st.fixed_dictionaries(
            {
                "review": st.none() | st.integers(0, 2),
                "single_agency": st.booleans(),
                "owner": board_index,
                "monitoring": st.frozensets(board_index, min_size=1, max_size=2),
                "subgroup": subgroup_index,
            }
        ),
        min_size=1,
        max_size=4,
    ),
    "actions": st.lists(
        st.fixed_dictionaries(
            {
                "plan": st.integers(0, 3),
                "lead": person,
                # Weighted towards actions still to deliver with no override, where dates decide.
                "status": st.sampled_from([*STILL_TO_DELIVER, *ActionStatus.values]),
                "due": st.sampled_from(DUE_OFFSETS),
                "at_risk": st.booleans(),
                "override": st.sampled_from(["", "", "", "", *Rag.values]),
            }
        ),
        min_size=1,
        max_size=7,
    ),
}

reviews_worlds = st.fixed_dictionaries({**viewer_roles, **reviews_part})


def plain_world(**parts: Any) -> dict[str, Any]:
    """A world with nothing in it but what is given: for the explicit boundary examples."""
    empty = ("memberships", "board_roles", "seats", "reviews", "plans", "actions")
    return {**{name: [] for name in empty}, **parts}


def plan_spec(review: int | None = 0, *, single: bool = True, owner: int = 1, monitoring=(1,), subgroup=2):
    return {
        "review": review,
        "single_agency": single,
        "owner": owner,
        "monitoring": frozenset(monitoring),
        "subgroup": subgroup,
    }


def action_spec(plan: int = 0, lead: str | None = "other", **rag: Any) -> dict[str, Any]:
    return {
        "plan": plan,
        "lead": lead,
        "status": rag.get("status", ActionStatus.AGREED),
        "due": rag.get("due", 90),
        "at_risk": rag.get("at_risk", False),
        "override": rag.get("override", ""),
    }


def review_spec(lead: int = 0, partners=(), involved=(), published: bool = False) -> dict[str, Any]:
    return {
        "lead": lead,
        "partners": frozenset(partners),
        "involved": frozenset(involved),
        "published": published,
    }


# --- Making a drawn world valid (no rule involved) ---------------------------------------------


def normalise(world: dict[str, Any]) -> dict[str, Any]:
    """Resolve indexes and the one-single-agency-plan-per-agency-per-review constraint."""
    reviews = list(world.get("reviews", []))
    plans, single_owners = [], set()
    for spec in world.get("plans", []):
        review = spec["review"] % len(reviews) if reviews and spec["review"] is not None else None
        single = spec["single_agency"]
        if single and review is not None and (review, spec["owner"]) in single_owners:
            single = False  # a second single-agency plan for the agency: make this one board-owned
        if single and review is not None:
            single_owners.add((review, spec["owner"]))
        plans.append({**spec, "review": review, "single_agency": single})
    actions = []
    if plans:
        actions = [{**spec, "plan": spec["plan"] % len(plans)} for spec in world.get("actions", [])]
    return {**world, "reviews": reviews, "plans": plans, "actions": actions}


# --- The oracle -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    """What the viewer holds now, from the drawn roles (ended ones dropped)."""

    boards: frozenset[int]  # boards served: a current board role or a current seat on a subgroup
    leads: frozenset[int]  # agencies the viewer is a current safeguarding lead of
    works_here: bool  # any current membership, board role or seat


def holdings(world: dict[str, Any]) -> Holdings:
    role_boards = {board for board, _, gone in world["board_roles"] if not gone}
    seat_boards = {board_of_subgroup(subgroup) for subgroup, gone in world["seats"] if not gone}
    leads = {agency for agency, role, gone in world["memberships"] if role == LEAD and not gone}
    member = any(not gone for _, _, gone in world["memberships"])
    boards = frozenset(role_boards | seat_boards)
    return Holdings(boards=boards, leads=frozenset(leads), works_here=bool(boards) or member)


def expected_rag(spec: dict[str, Any]) -> str:
    """The RAG by rag.py's docstring, from the drawn state (due offsets are unambiguous)."""
    status, due = spec["status"], spec["due"]
    if status == ActionStatus.CLOSED:
        return Rag.BLUE
    if spec["override"]:
        return spec["override"]
    to_deliver = status in STILL_TO_DELIVER
    if to_deliver and due is not None and due < 0:
        return Rag.RED
    if spec["at_risk"] or (to_deliver and due is not None and due <= 2):
        return Rag.AMBER
    return Rag.GREEN


@dataclass(frozen=True)
class Seen:
    """Indexes (into the normalised world) of what the viewer may see."""

    reviews: frozenset[int]
    plans: frozenset[int]
    actions: frozenset[int]


def reviews_oracle(world: dict[str, Any]) -> Seen:
    """What the viewer may see of a normalised world's reviews, plans and actions."""
    held = holdings(world)

    def review_seen(review: dict[str, Any]) -> bool:
        serves_its_boards = bool(({review["lead"]} | review["partners"]) & held.boards)
        return (
            serves_its_boards
            or bool(review["involved"] & held.leads)
            or (review["published"] and held.works_here)
        )

    reviews = frozenset(i for i, r in enumerate(world["reviews"]) if review_seen(r))

    def plan_seen(index: int, plan: dict[str, Any]) -> bool:
        owner_agency = plan["owner"] if plan["single_agency"] else None
        owner_board = None if plan["single_agency"] else plan["owner"]
        return (
            plan["review"] in reviews
            or owner_agency in held.leads
            or owner_board in held.boards
            or bool(plan["monitoring"] & held.boards)
            or any(a["plan"] == index and a["lead"] == "viewer" for a in world["actions"])
        )

    plans = frozenset(i for i, p in enumerate(world["plans"]) if plan_seen(i, p))
    actions = frozenset(
        i for i, a in enumerate(world["actions"]) if a["plan"] in plans or a["lead"] == "viewer"
    )
    return Seen(reviews=reviews, plans=plans, actions=actions)


# --- Writing a world -----------------------------------------------------------------------------


@dataclass
class Partnership:
    boards: list[Any]
    agencies: list[Any]
    subgroups: list[Any]
    other: Any  # a User


def make_partnership() -> Partnership:
    """Boards, one agency per board, SUBGROUPS_PER_BOARD subgroups per board, and another person."""
    boards = [BoardFactory() for _ in range(BOARDS)]
    return Partnership(
        boards=boards,
        agencies=[AgencyFactory(boards=[board]) for board in boards],
        subgroups=[SubgroupFactory(board=boards[board_of_subgroup(s)]) for s in range(SUBGROUPS)],
        other=UserFactory(),
    )


def today() -> date:
    return timezone.localdate()


def build_viewer(partnership: Partnership, world: dict[str, Any]) -> User:
    gone_on = today() - timedelta(days=1)
    viewer = User.objects.create_user(f"viewer{User.objects.count()}@example.test", None, full_name="Viewer")
    for agency, role, gone in world["memberships"]:
        Membership.objects.create(
            user=viewer, agency=partnership.agencies[agency], role=role, ended_on=gone_on if gone else None
        )
    for board, role, gone in world["board_roles"]:
        BoardRole.objects.create(
            user=viewer, board=partnership.boards[board], role=role, ended_on=gone_on if gone else None
        )
    for subgroup, gone in world["seats"]:
        SubgroupMembership.objects.create(
            user=viewer, subgroup=partnership.subgroups[subgroup], ended_on=gone_on if gone else None
        )
    return viewer


@dataclass
class Built:
    viewer: User
    reviews: list[Review]
    plans: list[ActionPlan]
    actions: list[Action]


def person_for(partnership: Partnership, viewer: User, who: str | None) -> User | None:
    return {"viewer": viewer, "other": partnership.other, None: None}[who]


def build_reviews(partnership: Partnership, world: dict[str, Any], viewer: User) -> Built:
    """Write a normalised world's reviews, plans and actions (action i is titled "Action i")."""
    boards, agencies, subgroups = partnership.boards, partnership.agencies, partnership.subgroups
    creator = partnership.other
    reviews = []
    for i, spec in enumerate(world["reviews"]):
        review = Review.objects.create(
            reference=f"PROP-{i}",
            review_type="scr",
            subject_pseudonym="Child P",
            lead_board=boards[spec["lead"]],
            notified_on=today() - timedelta(days=100 + i),
            published_on=today() if spec["published"] else None,
            status=ReviewStatus.PUBLISHED if spec["published"] else ReviewStatus.NOTIFIED,
            created_by=creator,
        )
        review.partner_boards.set([boards[b] for b in spec["partners"]])
        review.involved_agencies.set([agencies[a] for a in spec["involved"]])
        reviews.append(review)

    plans = []
    for i, spec in enumerate(world["plans"]):
        single = spec["single_agency"]
        plan = ActionPlan.objects.create(
            review=reviews[spec["review"]] if spec["review"] is not None else None,
            kind=PlanKind.SINGLE_AGENCY if single else PlanKind.MULTI_AGENCY,
            owner_agency=agencies[spec["owner"]] if single else None,
            owner_board=None if single else boards[spec["owner"]],
            monitoring_subgroup=subgroups[spec["subgroup"]],
            title=f"Plan {i}",
            created_by=creator,
        )
        plan.monitoring_boards.set([boards[b] for b in spec["monitoring"]])
        plans.append(plan)

    actions = []
    for i, spec in enumerate(world["actions"]):
        lead = person_for(partnership, viewer, spec["lead"])
        actions.append(
            Action.objects.create(
                plan=plans[spec["plan"]],
                number=i + 1,
                title=f"Action {i}",
                lead_officer=lead,
                lead_officer_name="" if lead else "Someone without an account",
                due_date=today() + timedelta(days=spec["due"]) if spec["due"] is not None else None,
                status=spec["status"],
                at_risk=spec["at_risk"],
                rag_override=spec["override"],
                rag_override_reason="The board's view" if spec["override"] else "",
                created_by=creator,
            )
        )
    return Built(viewer=viewer, reviews=reviews, plans=plans, actions=actions)
