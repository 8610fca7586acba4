"""What a user holds in the partnership now, read in one query and shared by every app's permission checks.

A user's current board roles, subgroup seats and agency memberships (with the boards of each membership's
agency) decide what they may see and do everywhere: reviews' `Viewer` and casework's `CaseViewer` are both
built from one `Holdings`. For the signed-in user of a request it is read once and kept on that request's
user object (a fresh object every request), so the menu's checks and every app's page checks share one
read. A user object that outlives a request (a test's persona, a command's actor) is never given one: it
is read afresh at every check, so a change of role always counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, BooleanField, CharField, Value

from safeguard.people.models import BoardRole, Membership, SubgroupMembership

_REQUEST_HOLDINGS = "_people_holdings"


@dataclass(frozen=True)
class Holdings:
    board_roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)  # (board, role)
    seats: frozenset[tuple[int, int, bool]] = field(default_factory=frozenset)  # (subgroup, board, is chair)
    # (agency, role, board the agency sits on, or None for an agency on no board): a row per board.
    memberships: frozenset[tuple[int, str, int | None]] = field(default_factory=frozenset)


NOTHING = Holdings()


def _active(user: Any) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    )


def read_holdings(user: Any) -> Holdings:
    """The user's current board roles, seats and memberships: one query for the three tables."""
    if not _active(user):
        return NOTHING
    current = {"user": user, "ended_on__isnull": True}
    nothing = Value(None, output_field=BigIntegerField())
    not_chair = Value(False, output_field=BooleanField())
    board_roles = (
        BoardRole.objects.filter(**current)
        .order_by()
        .annotate(kind=Value("board_role", output_field=CharField()), extra=nothing, chair=not_chair)
        .values_list("kind", "board_id", "extra", "role", "chair")
    )
    seats = (
        SubgroupMembership.objects.filter(**current)
        .order_by()
        .annotate(kind=Value("seat", output_field=CharField()), no_role=Value("", output_field=CharField()))
        .values_list("kind", "subgroup__board_id", "subgroup_id", "no_role", "is_chair")
    )
    memberships = (
        Membership.objects.filter(**current)
        .order_by()
        .annotate(kind=Value("membership", output_field=CharField()), chair=not_chair)
        .values_list("kind", "agency_id", "agency__boards__id", "role", "chair")
    )
    roles: set[tuple[int, str]] = set()
    seated: set[tuple[int, int, bool]] = set()
    members: set[tuple[int, str, int | None]] = set()
    for kind, board_or_agency, extra, role, is_chair in board_roles.union(seats, memberships, all=True):
        if kind == "board_role":
            roles.add((board_or_agency, role))
        elif kind == "seat" and extra is not None:
            seated.add((extra, board_or_agency, bool(is_chair)))
        elif kind == "membership":
            members.add((board_or_agency, role, extra))
    return Holdings(frozenset(roles), frozenset(seated), frozenset(members))


def holdings_of(user: Any) -> Holdings:
    """The request's holdings if this is a request's user that has them; otherwise read afresh."""
    held = getattr(user, _REQUEST_HOLDINGS, None)
    return held if isinstance(held, Holdings) else read_holdings(user)


def request_holdings(request_user: Any) -> Holdings:
    """For the signed-in user of the current request only: read once and kept on that user object."""
    held = getattr(request_user, _REQUEST_HOLDINGS, None)
    if not isinstance(held, Holdings):
        held = read_holdings(request_user)
        if _active(request_user):
            setattr(request_user, _REQUEST_HOLDINGS, held)
    return held
