"""Who may see and do what with reviews, plans and actions.

Reads are querysets (`visible_reviews`, `visible_plans`, `visible_actions`); writes are named
predicates checked by services. Separation of duties: the agency that owns an action (and the action's
lead officer) cannot accept its own evidence, assess its own impact or close its own action.

Visibility:
- an unpublished review is under embargo: only members of its boards (board roles and subgroups of the
  lead and partner boards) and the safeguarding leads of its involved agencies see it;
- a published review is visible to everyone who works in the partnership (any current membership or
  board role);
- a plan is visible with its review, and also to its owning agency's safeguarding leads, to members of
  the boards that monitor it or own it, and to lead officers of its actions;
- an action is visible with its plan, and to its own lead officer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.people.models import Agency, Board, BoardRole, Membership, Role, SubgroupMembership
from safeguard.reviews.models import Action, ActionPlan, PlanKind, Review

BOARD_MANAGING_ROLES = (Role.BOARD_BUSINESS_MANAGER, Role.BOARD_CHAIR)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_board_ids(user: Any) -> set[int]:
    """Boards the user serves: by a board role or a seat on one of the board's subgroups."""
    if not _active(user):
        return set()
    roles = set(user.board_roles.filter(ended_on__isnull=True).values_list("board_id", flat=True))
    seats = set(
        user.subgroup_memberships.filter(ended_on__isnull=True).values_list("subgroup__board_id", flat=True)
    )
    return roles | seats


def lead_agency_ids(user: Any) -> set[int]:
    if not _active(user):
        return set()
    return set(
        user.memberships.filter(ended_on__isnull=True, role=Role.AGENCY_SAFEGUARDING_LEAD).values_list(
            "agency_id", flat=True
        )
    )


def works_in_partnership(user: Any) -> bool:
    """Holds any current membership, board role or subgroup seat (one query)."""
    if not _active(user):
        return False
    from safeguard.people.models import User

    current = {"user": OuterRef("pk"), "ended_on__isnull": True}
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Exists(Membership.objects.filter(**current))
            | Exists(BoardRole.objects.filter(**current))
            | Exists(SubgroupMembership.objects.filter(**current))
        )
        .exists()
    )


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


def visible_actions(user: Any) -> QuerySet[Action]:
    if not _active(user):
        return Action.objects.none()
    if user.is_superuser:
        return Action.objects.all()
    return Action.objects.filter(Q(plan__in=visible_plans(user)) | Q(lead_officer=user))


# --- Write predicates ---------------------------------------------------------------------------


def can_register_review(user: Any, board: Board) -> bool:
    """Board business managers and chairs register reviews for their board."""
    return (
        _active(user)
        and user.board_roles.filter(
            ended_on__isnull=True, board=board, role__in=BOARD_MANAGING_ROLES
        ).exists()
    )


def can_manage_review(user: Any, review: Review) -> bool:
    """Record findings, recommendations and responses, create plans, move the review on: the managers and
    chairs of the review's boards, and the chairs of those boards' subgroups."""
    if not _active(user):
        return False
    boards = review.board_ids()
    return (
        user.board_roles.filter(
            ended_on__isnull=True, board_id__in=boards, role__in=BOARD_MANAGING_ROLES
        ).exists()
        or user.subgroup_memberships.filter(
            ended_on__isnull=True, subgroup__board_id__in=boards, is_chair=True
        ).exists()
    )


def can_speak_for_board(user: Any, board: Board) -> bool:
    """The board's business manager or chair, or the chair of one of its subgroups."""
    return _active(user) and (
        user.board_roles.filter(ended_on__isnull=True, board=board, role__in=BOARD_MANAGING_ROLES).exists()
        or user.subgroup_memberships.filter(
            ended_on__isnull=True, subgroup__board=board, is_chair=True
        ).exists()
    )


def belongs_to_owner(user: Any, plan: ActionPlan) -> bool:
    """The user acts for the agency that owns the plan (any current role in it)."""
    if not _active(user) or plan.kind != PlanKind.SINGLE_AGENCY or plan.owner_agency_id is None:
        return False
    return Membership.objects.filter(
        user=user, agency_id=plan.owner_agency_id, ended_on__isnull=True
    ).exists()


def can_edit_plan(user: Any, plan: ActionPlan) -> bool:
    """Draft and change a plan's actions: the owning agency's safeguarding lead, or the review's managers
    (for board-owned plans, the owning board's managers)."""
    if not _active(user):
        return False
    if plan.owner_agency_id and plan.owner_agency_id in lead_agency_ids(user):
        return True
    if plan.review is not None and can_manage_review(user, plan.review):
        return True
    return bool(
        plan.owner_board_id
        and user.board_roles.filter(
            ended_on__isnull=True, board_id=plan.owner_board_id, role__in=BOARD_MANAGING_ROLES
        ).exists()
    )


def is_monitor(user: Any, plan: ActionPlan) -> bool:
    """A member of the subgroup that monitors the plan."""
    return (
        _active(user)
        and user.subgroup_memberships.filter(
            ended_on__isnull=True, subgroup_id=plan.monitoring_subgroup_id
        ).exists()
    )


def is_independent_monitor(user: Any, action_or_plan: Action | ActionPlan) -> bool:
    """A monitor who neither acts for the owning agency nor leads the action: the one who may judge it."""
    plan = action_or_plan.plan if isinstance(action_or_plan, Action) else action_or_plan
    if not is_monitor(user, plan) or belongs_to_owner(user, plan):
        return False
    return not (isinstance(action_or_plan, Action) and action_or_plan.lead_officer_id == user.pk)


def has_drafted(user: Any, plan: ActionPlan) -> bool:
    """Submitted the plan or wrote one of its actions: an author of the plan, whatever their role."""
    from safeguard.reviews.models import PlanStatus

    return (
        plan.status_changes.filter(actor_id=user.pk, to_status=PlanStatus.SUBMITTED).exists()
        or plan.actions.filter(created_by_id=user.pk).exists()
    )


def can_approve_plan(user: Any, plan: ActionPlan) -> bool:
    """An independent monitor who did not draft the plan: nobody approves their own work."""
    return is_independent_monitor(user, plan) and not has_drafted(user, plan)


def can_report_on(user: Any, action: Action) -> bool:
    """Post progress updates and submit evidence: the lead officer or whoever may edit the plan."""
    return _active(user) and (action.lead_officer_id == user.pk or can_edit_plan(user, action.plan))


def has_worked_on(user: Any, action: Action) -> bool:
    """Posted an update or submitted evidence on the action: part of its delivery, whatever their role."""
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
    if not _active(user) or belongs_to_owner(user, action.plan):
        return False
    boards = set(action.plan.monitoring_boards.values_list("id", flat=True))
    return (
        user.board_roles.filter(
            ended_on__isnull=True, board_id__in=boards, role__in=BOARD_MANAGING_ROLES
        ).exists()
        or user.subgroup_memberships.filter(
            ended_on__isnull=True, subgroup_id=action.plan.monitoring_subgroup_id, is_chair=True
        ).exists()
    )


def agencies_for_new_plans(review: Review) -> QuerySet[Agency]:
    return review.involved_agencies.all()
