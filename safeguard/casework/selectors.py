"""Reads of children's records, chronologies and contacts, always through the access rules.

`get_child_for`, `get_entry_for` and `get_contact_for` give the same 404 for "missing" and "not yours".
Pages read a bounded number of queries whatever the number of entries: the chronology is paged in the
database, and each entry's amendment state is an annotation, not a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safeguard.casework import permissions as perms
from safeguard.casework.models import Child, ChronologyEntry, Contact, ContactStatus, Involvement


@dataclass(frozen=True)
class ChildAccess:
    """A child the user may see, with the current involvements and the agencies that give the access."""

    child: Child
    involvements: list[Involvement]
    through_agency_ids: frozenset[int]

    @property
    def involved_agency_ids(self) -> frozenset[int]:
        return frozenset(involvement.agency_id for involvement in self.involvements)


def get_child_for(user: Any, pk: Any) -> ChildAccess:
    """The child, if the user sees it; otherwise the same 404 as for a child that does not exist."""
    child = Child.objects.select_related("board").filter(pk=pk).first()
    if child is None:
        raise Http404("No such child")
    involvements = list(
        Involvement.objects.filter(child=child, ended_on__isnull=True)
        .select_related("agency", "lead_practitioner")
        .order_by("started_on", "pk")
    )
    through = perms.access_agency_ids(user, child, {i.agency_id for i in involvements})
    if not through:
        raise Http404("No such child")
    return ChildAccess(child=child, involvements=involvements, through_agency_ids=through)


def chronology_for(
    child: Child, *, agency_id: int | None = None, category: str = "", significant_only: bool = False
) -> QuerySet[ChronologyEntry]:
    """The child's chronology, newest event first; each entry says whether it has been amended."""
    entries = (
        ChronologyEntry.objects.filter(child=child)
        .select_related("agency", "amends")
        .annotate(is_amended=Exists(ChronologyEntry.objects.filter(amends=OuterRef("pk"))))
        .order_by("-occurred_at", "-pk")
    )
    if agency_id is not None:
        entries = entries.filter(agency_id=agency_id)
    if category:
        entries = entries.filter(category=category)
    if significant_only:
        entries = entries.filter(significant=True)
    return entries


def get_entry_for(user: Any, child_pk: Any, entry_pk: Any) -> tuple[ChildAccess, ChronologyEntry]:
    access = get_child_for(user, child_pk)
    entry = (
        ChronologyEntry.objects.filter(child=access.child, pk=entry_pk)
        .select_related("agency")
        .annotate(is_amended=Exists(ChronologyEntry.objects.filter(amends=OuterRef("pk"))))
        .first()
    )
    if entry is None:
        raise Http404("No such entry")
    return access, entry


def search_children(user: Any, query: str = "") -> QuerySet[Child]:
    """Children the user sees, by name or reference (every word must match), in name order.

    On PostgreSQL the name columns carry trigram indexes (migration 0002), so a word matched anywhere in a
    name is an index search, not a read of every child in the region."""
    children = perms.visible_children(user).select_related("board")
    for word in query.split()[:5]:
        if word.upper().startswith("CH-"):
            children = children.filter(reference__iexact=word)
        else:
            children = children.filter(
                Q(given_names__icontains=word) | Q(family_name__icontains=word) | Q(known_as__icontains=word)
            )
    return children.order_by("family_name", "given_names", "pk")


def get_contact_for(user: Any, pk: Any) -> Contact:
    contact = (
        Contact.objects.select_related(
            "board", "child", "referrer_agency", "rated_by", "decided_by", "recorded_by"
        )
        .filter(pk=pk)
        .first()
    )
    if contact is None or not perms.can_see_contact(user, contact):
        raise Http404("No such contact")
    return contact


OPEN_STATUSES = (ContactStatus.RECEIVED, ContactStatus.RATED, ContactStatus.DECIDED)


def contact_queue(user: Any, *, status: str = "") -> QuerySet[Contact]:
    """Contacts the user sees: open ones by default, oldest first (the MASH works the queue in order)."""
    contacts = perms.visible_contacts(user).select_related("child", "referrer_agency", "board")
    contacts = contacts.filter(status=status) if status else contacts.filter(status__in=OPEN_STATUSES)
    return contacts.order_by("received_at", "pk")


def mash_work_for(user: Any) -> list[Contact]:
    """Contacts waiting for the user: received ones to rate, and (for MASH managers) rated ones to decide."""
    viewer = perms.case_viewer(user)
    if not viewer.mash_board_ids:
        return []
    to_rate = Contact.objects.filter(board_id__in=viewer.mash_board_ids, status=ContactStatus.RECEIVED)
    to_decide = Contact.objects.filter(board_id__in=viewer.mash_manager_board_ids, status=ContactStatus.RATED)
    return list((to_rate | to_decide).only("pk", "reference", "status").order_by("received_at", "pk")[:200])
