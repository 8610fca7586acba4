"""Who may see and do what with reviews, plans and actions.

Reads are querysets (`visible_reviews`, `visible_plans`, `visible_actions`); writes are named
predicates checked by services. Separation of duties: the agency that owns an action (and the action's
lead officer) cannot accept its own evidence, assess its own impact or close its own action.

Visibility:
- an unpublished review is under embargo: only members of its boards (board roles and subgroups of the
  lead and partner boards) and the safeguarding leads of its involved agencies see it;
- a published review is visible to everyone who works in the partnership (any current membership,
  board role or subgroup seat);
- a plan is visible with its review, and also to its owning agency's safeguarding leads, to members of
  the boards that monitor it or own it, and to lead officers of its actions;
- an action is visible with its plan, and to its own lead officer.

Cost: every write predicate reads what the user holds (current board roles, subgroup seats, agency
memberships) through a `Viewer`, loaded in one query. A predicate given a user loads a Viewer of its own;
given a Viewer, it reads no table about the user at all. A page that asks several questions about one user
loads the Viewer once (`request_viewer`) and passes it to every predicate, and the menu's checks
(`works_in_partnership`, `user_board_ids`) reuse it for the rest of the request. Record-side facts (a
review's boards, a plan's monitoring boards, an action's evidence and updates) come from prefetched
relations where the page has loaded them, and from one query each otherwise.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.people.holdings import Holdings, holdings_of, request_holdings
from safeguard.people.models import Agency, Board, BoardRole, Membership, Role, SubgroupMembership
from safeguard.reviews.models import Action, ActionPlan, PlanKind, Review

BOARD_MANAGING_ROLES = (Role.BOARD_BUSINESS_MANAGER, Role.BOARD_CHAIR)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class Viewer:
    """What one user holds in the partnership now (roles, seats and memberships not ended), read in one
    query. It stands for the user in every write predicate: `can_judge(viewer, action)` answers exactly as
    `can_judge(user, action)` would, without reading the user's roles again."""

    def __init__(self, user: Any, holdings: Holdings | None = None) -> None:
        self.user = user
        self.pk = getattr(user, "pk", None)
        self.is_authenticated = bool(getattr(user, "is_authenticated", False))
        self.is_active = bool(getattr(user, "is_active", False))
        self.is_superuser = bool(getattr(user, "is_superuser", False))
        held = holdings if holdings is not None else holdings_of(user)
        board_roles = held.board_roles
        seats = held.seats
        memberships = {(agency, role) for agency, role, _ in held.memberships}
        self.role_board_ids = frozenset(board for board, _ in board_roles)
        self.managed_board_ids = frozenset(
            board for board, role in board_roles if role in BOARD_MANAGING_ROLES
        )
        self.seat_subgroup_ids = frozenset(subgroup for subgroup, _, _ in seats)
        self.seat_board_ids = frozenset(board for _, board, _ in seats)
        self.chaired_subgroup_ids = frozenset(subgroup for subgroup, _, chair in seats if chair)
        self.chaired_board_ids = frozenset(board for _, board, chair in seats if chair)
        self.agency_ids = frozenset(agency for agency, _ in memberships)
        self.lead_agency_ids = frozenset(
            agency for agency, role in memberships if role == Role.AGENCY_SAFEGUARDING_LEAD
        )

    @property
    def board_ids(self) -> frozenset[int]:
        """Boards the user serves: by a board role or a seat on one of the board's subgroups."""
        return self.role_board_ids | self.seat_board_ids

    @property
    def works_in_partnership(self) -> bool:
        return bool(self.role_board_ids or self.seat_subgroup_ids or self.agency_ids)

    def manages_any(self, board_ids: Any) -> bool:
        """Business manager or chair of one of these boards."""
        return not self.managed_board_ids.isdisjoint(board_ids)

    def chairs_a_subgroup_of_any(self, board_ids: Any) -> bool:
        return not self.chaired_board_ids.isdisjoint(board_ids)


_REQUEST_VIEWER = "_reviews_viewer"


def request_viewer(request: Any) -> Viewer:
    """The signed-in user's Viewer, loaded once for the request and kept on `request.user` (a fresh object
    each request), so the page's predicates and the menu's checks share one read of the user's roles.
    Anything else asked about `request.user` later in the request, a service's check included, answers
    from what the user held when the page first asked; a user object that outlives a request (a test's
    persona, a command's actor) never carries one, so it is read afresh at every check."""
    user = request.user
    viewer = getattr(user, _REQUEST_VIEWER, None)
    if not isinstance(viewer, Viewer):
        viewer = Viewer(user, request_holdings(user))
        setattr(user, _REQUEST_VIEWER, viewer)
    return viewer


def as_viewer(user: Any) -> Viewer:
    """A Viewer as it is; the request's Viewer for a request user that has one; else a fresh one."""
    if isinstance(user, Viewer):
        return user
    viewer = getattr(user, _REQUEST_VIEWER, None)
    return viewer if isinstance(viewer, Viewer) else Viewer(user)


def user_board_ids(user: Any) -> set[int]:
    """Boards the user serves: by a board role or a seat on one of the board's subgroups."""
    if not _active(user):
        return set()
    return set(as_viewer(user).board_ids)


def lead_agency_ids(user: Any) -> set[int]:
    if not _active(user):
        return set()
    return set(as_viewer(user).lead_agency_ids)


def works_in_partnership(user: Any) -> bool:
    """Holds any current membership, board role or subgroup seat (one query, none with a Viewer)."""
    if not _active(user):
        return False
    return as_viewer(user).works_in_partnership


# The user's boards and lead agencies go into the main query as subqueries, not as lists loaded first:
# one query per list page, whatever the user's roles.


def _board_role_boards(user: Any) -> QuerySet[Any]:

    return BoardRole.objects.filter(user=user, ended_on__isnull=True).values("board_id")


def _seat_boards(user: Any) -> QuerySet[Any]:

    return SubgroupMembership.objects.filter(user=user, ended_on__isnull=True).values("subgroup__board_id")


def _in_boards(field: str, user: Any) -> Q:
    """`field` names one of the boards the user serves (a board role or a subgroup seat)."""
    return Q(**{f"{field}__in": _board_role_boards(user)}) | Q(**{f"{field}__in": _seat_boards(user)})


def _lead_agencies(user: Any) -> QuerySet[Any]:
    return Membership.objects.filter(
        user=user, ended_on__isnull=True, role=Role.AGENCY_SAFEGUARDING_LEAD
    ).values("agency_id")


def _works_in_partnership_expression(user: Any) -> Q:

    return Q(
        Exists(Membership.objects.filter(user=user, ended_on__isnull=True))
        | Exists(BoardRole.objects.filter(user=user, ended_on__isnull=True))
        | Exists(SubgroupMembership.objects.filter(user=user, ended_on__isnull=True))
    )


def _reviews_condition(user: Any) -> Q:
    """Embargoed: the review's boards and its involved agencies' leads. Published: the whole partnership."""
    partner = Review.partner_boards.through.objects.filter(
        _in_boards("board_id", user), review_id=OuterRef("pk")
    )
    involved = Review.involved_agencies.through.objects.filter(
        review_id=OuterRef("pk"), agency_id__in=_lead_agencies(user)
    )
    return (
        _in_boards("lead_board_id", user)
        | Q(Exists(partner))
        | Q(Exists(involved))
        | (Q(published_on__isnull=False) & _works_in_partnership_expression(user))
    )


def visible_reviews(user: Any) -> QuerySet[Review]:
    if not _active(user):
        return Review.objects.none()
    if user.is_superuser:
        return Review.objects.all()
    return Review.objects.filter(_reviews_condition(user))


def visible_plans(user: Any) -> QuerySet[ActionPlan]:
    if not _active(user):
        return ActionPlan.objects.none()
    if user.is_superuser:
        return ActionPlan.objects.all()
    monitored = ActionPlan.monitoring_boards.through.objects.filter(
        _in_boards("board_id", user), actionplan_id=OuterRef("pk")
    )
    leads_an_action = Action.objects.filter(plan_id=OuterRef("pk"), lead_officer=user)
    return ActionPlan.objects.filter(
        Q(review__in=visible_reviews(user))
        | Q(owner_agency_id__in=_lead_agencies(user))
        | _in_boards("owner_board_id", user)
        | Exists(monitored)
        | Exists(leads_an_action)
    )


def visible_actions(user: Any, **plan_lookups: Any) -> QuerySet[Action]:
    """The actions the user may see; with `plan_lookups` (e.g. `review=review`), only those plans' actions.

    Narrowing by plan inside the rule matters at scale: `plan__in=visible_plans(user)` alone makes the
    database build every plan the user may see (tens of thousands) before it looks at one review's few.
    """
    if not _active(user):
        return Action.objects.none()
    plans = ActionPlan.objects.filter(**plan_lookups)
    scope = Action.objects.filter(plan__in=plans.values("pk")) if plan_lookups else Action.objects.all()
    if user.is_superuser:
        return scope
    return scope.filter(Q(plan__in=visible_plans(user).filter(**plan_lookups)) | Q(lead_officer=user))


def can_see_action(user: Any, action: Action, *, viewer: Viewer | None = None) -> bool:
    """One action, already read by its key: the same rule as `visible_actions`, asked of its plan alone.

    With the request's `viewer` (roles already loaded), the commonest reasons to see it (the plan's owner,
    the review's lead board, a published review) are answered from the loaded plan and review without a
    query; only when none holds is the whole rule asked of the database.
    """
    if not _active(user):
        return False
    if user.is_superuser or action.lead_officer_id == user.pk:
        return True
    if viewer is not None and _plan_visible_to_holdings(viewer, action):
        return True
    return visible_plans(user).filter(pk=action.plan_id).exists()


def _plan_visible_to_holdings(viewer: Viewer, action: Action) -> bool:
    """Some of `visible_plans`' reasons, each sufficient on its own, read from what is loaded already."""
    if not Action.plan.is_cached(action):
        return False
    plan = action.plan
    if plan.owner_agency_id in viewer.lead_agency_ids or plan.owner_board_id in viewer.board_ids:
        return True
    if plan.review_id is None or not ActionPlan.review.is_cached(plan):
        return False
    review = plan.review
    if review is None:
        return False
    return review.lead_board_id in viewer.board_ids or (
        review.published_on is not None and viewer.works_in_partnership
    )


# --- Write predicates ---------------------------------------------------------------------------
# Each takes a user or a Viewer (see `Viewer`); the visibility querysets above take users only.


def _prefetched(instance: Any, name: str) -> list[Any] | None:
    """The rows of a relation the page has already prefetched, or None (then the predicate queries)."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def _review_board_ids(review: Review) -> set[int]:
    """`Review.board_ids()`, from the prefetched partner boards where the page loaded them."""
    partners = _prefetched(review, "partner_boards")
    if partners is None:
        return review.board_ids()
    return {review.lead_board_id, *(board.pk for board in partners)}


def _monitoring_board_ids(plan: ActionPlan) -> set[int]:
    boards = _prefetched(plan, "monitoring_boards")
    if boards is None:
        return set(plan.monitoring_boards.values_list("id", flat=True))
    return {board.pk for board in boards}


def can_register_review(user: Any, board: Board) -> bool:
    """Board business managers and chairs register reviews for their board."""
    return _active(user) and board.pk in as_viewer(user).managed_board_ids


def can_manage_review(user: Any, review: Review) -> bool:
    """Record findings, recommendations and responses, create plans, move the review on: the managers and
    chairs of the review's boards, and the chairs of those boards' subgroups."""
    if not _active(user):
        return False
    viewer = as_viewer(user)
    if not (viewer.managed_board_ids or viewer.chaired_board_ids):
        return False  # no board to manage: the review's boards need not be read
    boards = _review_board_ids(review)
    return viewer.manages_any(boards) or viewer.chairs_a_subgroup_of_any(boards)


def can_speak_for_board(user: Any, board: Board) -> bool:
    """The board's business manager or chair, or the chair of one of its subgroups."""
    if not _active(user):
        return False
    viewer = as_viewer(user)
    return board.pk in viewer.managed_board_ids or board.pk in viewer.chaired_board_ids


def belongs_to_owner(user: Any, plan: ActionPlan) -> bool:
    """The user acts for the agency that owns the plan (any current role in it)."""
    if not _active(user) or plan.kind != PlanKind.SINGLE_AGENCY or plan.owner_agency_id is None:
        return False
    return plan.owner_agency_id in as_viewer(user).agency_ids


def can_edit_plan(user: Any, plan: ActionPlan) -> bool:
    """Draft and change a plan's actions: the owning agency's safeguarding lead, or the review's managers
    (for board-owned plans, the owning board's managers)."""
    if not _active(user):
        return False
    viewer = as_viewer(user)
    if plan.owner_agency_id and plan.owner_agency_id in viewer.lead_agency_ids:
        return True
    if plan.review is not None and can_manage_review(viewer, plan.review):
        return True
    return bool(plan.owner_board_id and plan.owner_board_id in viewer.managed_board_ids)


def is_monitor(user: Any, plan: ActionPlan) -> bool:
    """A member of the subgroup that monitors the plan."""
    return _active(user) and plan.monitoring_subgroup_id in as_viewer(user).seat_subgroup_ids


def is_independent_monitor(user: Any, action_or_plan: Action | ActionPlan) -> bool:
    """A monitor who neither acts for the owning agency nor leads the action: the one who may judge it."""
    plan = action_or_plan.plan if isinstance(action_or_plan, Action) else action_or_plan
    viewer = as_viewer(user)
    if not is_monitor(viewer, plan) or belongs_to_owner(viewer, plan):
        return False
    return not (isinstance(action_or_plan, Action) and action_or_plan.lead_officer_id == viewer.pk)


def has_drafted(user: Any, plan: ActionPlan) -> bool:
    """Submitted the plan or wrote one of its actions: an author of the plan, whatever their role."""
    from safeguard.reviews.models import PlanStatus

    changes = _prefetched(plan, "status_changes")
    if changes is None:
        submitted = plan.status_changes.filter(actor_id=user.pk, to_status=PlanStatus.SUBMITTED).exists()
    else:
        submitted = any(c.actor_id == user.pk and c.to_status == PlanStatus.SUBMITTED for c in changes)
    return submitted or plan.actions.filter(created_by_id=user.pk).exists()


def can_approve_plan(user: Any, plan: ActionPlan) -> bool:
    """An independent monitor who did not draft the plan: nobody approves their own work."""
    return is_independent_monitor(user, plan) and not has_drafted(user, plan)


def can_report_on(user: Any, action: Action) -> bool:
    """Post progress updates, submit evidence, complete: the people who deliver or report the action. That
    is its lead officer, the owning agency's safeguarding lead, and the board managers who keep the plan
    (the business manager enters updates for an agency with no one on the system). Not subgroup chairs,
    though they may edit plans: reporting would make them part of the delivery, and they judge it."""
    if not _active(user):
        return False
    if action.lead_officer_id == user.pk:
        return True
    plan = action.plan
    viewer = as_viewer(user)
    if plan.owner_agency_id and plan.owner_agency_id in viewer.lead_agency_ids:
        return True
    if not viewer.managed_board_ids:
        return False
    if plan.owner_board_id:
        return plan.owner_board_id in viewer.managed_board_ids
    return plan.review is not None and viewer.manages_any(_review_board_ids(plan.review))


def has_worked_on(user: Any, action: Action) -> bool:
    """Posted an update or submitted evidence on the action: part of its delivery, whatever their role."""
    evidence = _prefetched(action, "evidence")
    updates = _prefetched(action, "updates")
    if evidence is not None and updates is not None:
        return any(e.submitted_by_id == user.pk for e in evidence) or any(
            u.author_id == user.pk for u in updates
        )
    return (
        action.evidence.filter(submitted_by_id=user.pk).exists()
        or action.updates.filter(author_id=user.pk).exists()
    )


def can_judge(user: Any, action: Action) -> bool:
    """Accept or return evidence, assess impact, close, approve reprogramming: an independent monitor who
    has not worked on the action themselves (a subgroup chair may also edit plans, but never marks their
    own homework)."""
    return is_independent_monitor(user, action) and not has_worked_on(user, action)


def can_override_rag(user: Any, action: Action) -> bool:
    """The board's word on RAG: managers or chairs of a monitoring board, or the monitoring subgroup's chair,
    never the owning agency."""
    if not _active(user):
        return False
    viewer = as_viewer(user)
    if belongs_to_owner(viewer, action.plan):
        return False
    if action.plan.monitoring_subgroup_id in viewer.chaired_subgroup_ids:
        return True
    return bool(viewer.managed_board_ids) and viewer.manages_any(_monitoring_board_ids(action.plan))


def agencies_for_new_plans(review: Review) -> QuerySet[Agency]:
    return review.involved_agencies.all()
