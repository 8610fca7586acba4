"""Who may see and write children's records, chronologies and MASH contacts.

A child's record is seen only through a legitimate relationship (DESIGN rule 3):
- staff in a practice role (not auditors) of an agency with a current involvement with the child;
- MASH officers and managers of an agency that sits on the board holding the child's record (the hub
  researches every child in its area).
Administrators get no standing access: the record holds a child's life, not configuration.

Contacts are seen by the MASH of the contact's board and by practice staff of the agency that made it
(they are told the outcome). Anyone who sees a child in a practice role may share a worry about it with
the MASH of the child's area, wherever their own agency works (a family that moves between areas keeps
the agencies that know it); MASH officers and managers rate and close contacts; only MASH managers decide.
A MASH role follows the agency's boards: an agency that sits on two boards gives its MASH staff both.

Chronology: anyone who sees the child in a practice role may add an entry, in the name of the agency that
gives them access. An entry is amended by its author, or by a supervisor, team manager or safeguarding lead
of the entry's agency.

Every predicate takes a `CaseViewer` (what the user holds, read in one query) or a user.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from safeguard.casework.models import Child, ChronologyEntry, Contact, Involvement
from safeguard.people.holdings import Holdings, holdings_of, request_holdings
from safeguard.people.models import Role

PRACTICE_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.OPERATIONAL_SUPERVISOR,
        Role.CONTROL_ROOM_SUPERVISOR,
        Role.TEAM_MANAGER,
        Role.MASH_OFFICER,
        Role.MASH_MANAGER,
        Role.AGENCY_SAFEGUARDING_LEAD,
    }
)
MASH_ROLES = frozenset({Role.MASH_OFFICER, Role.MASH_MANAGER})
SUPERVISING_ROLES = frozenset(
    {
        Role.OPERATIONAL_SUPERVISOR,
        Role.CONTROL_ROOM_SUPERVISOR,
        Role.TEAM_MANAGER,
        Role.AGENCY_SAFEGUARDING_LEAD,
        Role.MASH_MANAGER,
    }
)


class CaseViewer:
    """The user's current practice memberships, with the boards of each agency (from the user's holdings:
    one query, or none for a request whose holdings are already read)."""

    def __init__(self, user: Any, holdings: Holdings | None = None) -> None:
        self.user = user
        self.pk = getattr(user, "pk", None)
        held = holdings if holdings is not None else holdings_of(user)
        rows = [row for row in held.memberships if row[1] in PRACTICE_ROLES]
        self.agency_ids = frozenset(agency for agency, _, _ in rows)
        self.supervised_agency_ids = frozenset(
            agency for agency, role, _ in rows if role in SUPERVISING_ROLES
        )
        self.board_ids = frozenset(board for _, _, board in rows if board is not None)
        self.mash_board_ids = frozenset(board for _, role, board in rows if role in MASH_ROLES and board)
        self.mash_manager_board_ids = frozenset(
            board for _, role, board in rows if role == Role.MASH_MANAGER and board
        )
        self.mash_agency_ids = frozenset(agency for agency, role, _ in rows if role in MASH_ROLES)

    @property
    def works_in_practice(self) -> bool:
        return bool(self.agency_ids)


def case_viewer(user_or_viewer: Any) -> CaseViewer:
    return user_or_viewer if isinstance(user_or_viewer, CaseViewer) else CaseViewer(user_or_viewer)


_REQUEST_VIEWER = "_casework_viewer"


def request_viewer(request: Any) -> CaseViewer:
    """The request user's CaseViewer, loaded once per request."""
    viewer = getattr(request, _REQUEST_VIEWER, None)
    if viewer is None:
        viewer = CaseViewer(request.user, request_holdings(request.user))
        setattr(request, _REQUEST_VIEWER, viewer)
    return viewer


# --- Children -----------------------------------------------------------------------------------


def visible_children(user: Any) -> QuerySet[Child]:
    viewer = case_viewer(user)
    if not viewer.works_in_practice:
        return Child.objects.none()
    involved = Involvement.objects.filter(ended_on__isnull=True, agency_id__in=viewer.agency_ids).values(
        "child_id"
    )
    return Child.objects.filter(Q(board_id__in=viewer.mash_board_ids) | Q(pk__in=involved))


def access_agency_ids(user: Any, child: Child, involved_agency_ids: Any) -> frozenset[int]:
    """The user's agencies through which they see `child` (empty: they do not see it).

    `involved_agency_ids` are the agencies with a current involvement (the page has them loaded)."""
    viewer = case_viewer(user)
    through_involvement = viewer.agency_ids & frozenset(involved_agency_ids)
    if child.board_id in viewer.mash_board_ids:
        return through_involvement | viewer.mash_agency_ids
    return through_involvement


def current_involved_agency_ids(child: Child) -> frozenset[int]:
    return frozenset(
        Involvement.objects.filter(child=child, ended_on__isnull=True).values_list("agency_id", flat=True)
    )


def can_see_child(user: Any, child: Child, involved_agency_ids: Any = None) -> bool:
    if involved_agency_ids is None:
        involved_agency_ids = current_involved_agency_ids(child)
    return bool(access_agency_ids(user, child, involved_agency_ids))


def can_amend_entry(user: Any, entry: ChronologyEntry, involved_agency_ids: Any = None) -> bool:
    viewer = case_viewer(user)
    if not can_see_child(viewer, entry.child, involved_agency_ids):
        return False
    return entry.author_id == viewer.pk or entry.agency_id in viewer.supervised_agency_ids


# --- Contacts -----------------------------------------------------------------------------------


def visible_contacts(user: Any) -> QuerySet[Contact]:
    viewer = case_viewer(user)
    if not viewer.works_in_practice:
        return Contact.objects.none()
    return Contact.objects.filter(
        Q(board_id__in=viewer.mash_board_ids) | Q(referrer_agency_id__in=viewer.agency_ids)
    )


def can_see_contact(user: Any, contact: Contact) -> bool:
    viewer = case_viewer(user)
    return contact.board_id in viewer.mash_board_ids or contact.referrer_agency_id in viewer.agency_ids


def works_in_mash(user: Any) -> bool:
    return bool(case_viewer(user).mash_board_ids)


def can_rate_contact(user: Any, contact: Contact) -> bool:
    return contact.board_id in case_viewer(user).mash_board_ids


def can_decide_contact(user: Any, contact: Contact) -> bool:
    return contact.board_id in case_viewer(user).mash_manager_board_ids


def can_close_contact(user: Any, contact: Contact) -> bool:
    return can_rate_contact(user, contact)
