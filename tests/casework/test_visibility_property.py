"""Property: who sees a child's record and a MASH contact, for random memberships, children and contacts.

The oracle is written from the rules as safeguard/casework/permissions.py's docstring states them, over the
drawn plain data, without calling permissions.py or selectors.py:

- practice roles are every agency role except auditor and LADO; only current memberships count;
- a child is seen by a practice-role member of an agency with a current involvement with the child, and by
  a MASH officer or manager of an agency that sits on the child's board;
- a contact is seen by a MASH officer or manager of an agency on the contact's board, and by a
  practice-role member of the agency that made it.

Checked for each world: the children list, the single-record check and the record page (200 or 404),
and the contacts list and the contact page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.casework import permissions, selectors
from safeguard.casework.models import Child, Contact, Involvement
from safeguard.people.models import Membership, Role
from tests.factories import AgencyFactory, BoardFactory, UserFactory

BOARDS = 3
# Agency i sits on board i; the last agency sits on boards 0 and 1 (a force covering two areas).
AGENCY_BOARDS = ({0}, {1}, {2}, {0, 1})
AGENCIES = len(AGENCY_BOARDS)
MASH = {Role.MASH_OFFICER, Role.MASH_MANAGER}
NOT_PRACTICE = {Role.AUDITOR, Role.LADO}
ROLES = [Role.PRACTITIONER, Role.MASH_OFFICER, Role.MASH_MANAGER, Role.AUDITOR, Role.TEAM_MANAGER, Role.LADO]

agency_index = st.integers(0, AGENCIES - 1)

worlds = st.fixed_dictionaries(
    {
        "memberships": st.lists(
            st.tuples(agency_index, st.sampled_from(ROLES), st.booleans()),  # (agency, role, ended)
            max_size=3,
            unique_by=lambda m: m[:2],
        ),
        "children": st.lists(
            st.fixed_dictionaries(
                {
                    "board": st.integers(0, BOARDS - 1),
                    # (agency, ended)
                    "involvements": st.lists(
                        st.tuples(agency_index, st.booleans()), max_size=3, unique_by=lambda i: i
                    ),
                }
            ),
            min_size=1,
            max_size=4,
        ),
        # (child index, referring agency or None)
        "contacts": st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), agency_index)), max_size=4),
    }
)


def _current_practice(world: dict[str, Any]) -> list[tuple[int, str]]:
    return [
        (agency, role)
        for agency, role, ended in world["memberships"]
        if not ended and role not in NOT_PRACTICE
    ]


def oracle_sees_child(world: dict[str, Any], child: dict[str, Any]) -> bool:
    involved_now = {agency for agency, ended in child["involvements"] if not ended}
    return any(
        agency in involved_now or (role in MASH and child["board"] in AGENCY_BOARDS[agency])
        for agency, role in _current_practice(world)
    )


def oracle_sees_contact(world: dict[str, Any], board: int, referrer: int | None) -> bool:
    return any(
        (role in MASH and board in AGENCY_BOARDS[agency]) or agency == referrer
        for agency, role in _current_practice(world)
    )


def _build(world: dict[str, Any]) -> tuple[Any, list[Child], list[tuple[Contact, int, int | None]]]:
    boards = [BoardFactory() for _ in range(BOARDS)]
    agencies = [AgencyFactory(boards=[boards[b] for b in sorted(on)]) for on in AGENCY_BOARDS]
    viewer, writer = UserFactory(), UserFactory()
    today = timezone.localdate()
    for agency, role, ended in world["memberships"]:
        Membership.objects.create(
            user=viewer,
            agency=agencies[agency],
            role=role,
            started_on=today - timedelta(days=10),
            ended_on=today - timedelta(days=1) if ended else None,
        )
    children = []
    for n, spec in enumerate(world["children"]):
        child = Child.objects.create(
            board=boards[spec["board"]],
            reference=f"CH-P{n}",
            given_names="Prop",
            family_name=f"Child{n}",
            date_of_birth=today,
            created_by=writer,
        )
        for agency, ended in spec["involvements"]:
            Involvement.objects.create(
                child=child,
                agency=agencies[agency],
                service="Property",
                started_on=today - timedelta(days=5),
                ended_on=today - timedelta(days=1) if ended else None,
                created_by=writer,
            )
        children.append(child)
    contacts = []
    for n, (child_index, referrer) in enumerate(world["contacts"]):
        child = children[child_index % len(children)]
        contact = Contact.objects.create(
            board=child.board,
            reference=f"MC-P{n}",
            child=child,
            referrer_agency=agencies[referrer] if referrer is not None else None,
            referrer_name="Property",
            received_at=timezone.now(),
            concern="Property",
            recorded_by=writer,
        )
        contacts.append((contact, world["children"][child_index % len(children)]["board"], referrer))
    return viewer, children, contacts


@pytest.mark.django_db(transaction=False)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_children_and_contacts_are_seen_exactly_as_the_rules_say(world: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            viewer, children, contacts = _build(world)
            expected_children = {
                child.pk
                for child, spec in zip(children, world["children"], strict=True)
                if oracle_sees_child(world, spec)
            }
            assert set(permissions.visible_children(viewer).values_list("pk", flat=True)) == expected_children
            assert set(selectors.search_children(viewer).values_list("pk", flat=True)) == expected_children
            for child in children:
                assert permissions.can_see_child(viewer, child) == (child.pk in expected_children)
            expected_contacts = {
                contact.pk
                for contact, board, referrer in contacts
                if oracle_sees_contact(world, board, referrer)
            }
            assert set(permissions.visible_contacts(viewer).values_list("pk", flat=True)) == expected_contacts
            for contact, _, _ in contacts:
                assert permissions.can_see_contact(viewer, contact) == (contact.pk in expected_contacts)

            client = Client()
            client.force_login(viewer)
            for child in children:
                status = client.get(f"/children/{child.pk}/").status_code
                assert status == (200 if child.pk in expected_children else 404), child.pk
            for contact, _, _ in contacts:
                status = client.get(f"/mash/contacts/{contact.pk}/").status_code
                assert status == (200 if contact.pk in expected_contacts else 404), contact.pk
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    """Undo the example's rows so the next example starts from an empty database."""
