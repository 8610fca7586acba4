"""Named predicates about a user's place in the partnership, in the `rules` vocabulary.

Every app builds its object checks from these, so "who may do what" reads the same in views, the API,
the admin and services. Each predicate is cheap and safe to call with an anonymous user.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.people.models import Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_administrator(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


@rules.predicate
def is_board_business_manager(user: Any, board: Any = None) -> bool:
    if not _active(user):
        return False
    roles = user.board_roles.filter(ended_on__isnull=True, role=Role.BOARD_BUSINESS_MANAGER)
    if board is not None:
        roles = roles.filter(board=board)
    return roles.exists()


@rules.predicate
def is_board_member(user: Any, board: Any) -> bool:
    """Holds any current role on the board or sits on one of its subgroups."""
    if not _active(user) or board is None:
        return False
    return (
        user.board_roles.filter(ended_on__isnull=True, board=board).exists()
        or user.subgroup_memberships.filter(ended_on__isnull=True, subgroup__board=board).exists()
    )


@rules.predicate
def is_subgroup_member(user: Any, subgroup: Any) -> bool:
    if not _active(user) or subgroup is None:
        return False
    return user.subgroup_memberships.filter(ended_on__isnull=True, subgroup=subgroup).exists()


@rules.predicate
def is_subgroup_chair(user: Any, subgroup: Any) -> bool:
    if not _active(user) or subgroup is None:
        return False
    return user.subgroup_memberships.filter(ended_on__isnull=True, subgroup=subgroup, is_chair=True).exists()


def has_agency_role(*roles: str) -> rules.Predicate:
    """A predicate: the user holds one of `roles` in the given agency (or in any agency if none given)."""

    @rules.predicate
    def predicate(user: Any, agency: Any = None) -> bool:
        if not _active(user):
            return False
        memberships = user.memberships.filter(ended_on__isnull=True, role__in=roles)
        if agency is not None:
            memberships = memberships.filter(agency=agency)
        return memberships.exists()

    return predicate


is_agency_safeguarding_lead = has_agency_role(Role.AGENCY_SAFEGUARDING_LEAD)
belongs_to_agency = has_agency_role(*[role.value for role in Role])

rules.add_perm("people.administer", is_administrator)
