"""casework's routes for the quality walks: children's records, chronologies and the MASH front door.

The world: a child on the owner's board, with a current involvement of the owner's agency (the owner, a
practitioner, sees it through that involvement), an entry the owner wrote, and a contact the owner's agency
made. For the MASH routes the owner is also made a MASH manager of a hub agency on that board, so that
rating, deciding and closing are theirs to do. The wrong role (an auditor of the owner's agency) and the
outsider (another board's agency lead) see none of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.walks.routes import Access, RouteSpec, register

_KEY = "casework_world"


def _world(scenario: Any) -> dict[str, Any]:
    cached = scenario.__dict__.get(_KEY)
    if cached is not None:
        return cached
    from django.utils import timezone

    from safeguard.casework import services
    from safeguard.casework.models import EntryCategory

    owner = scenario.owner
    agency = owner.memberships.get().agency
    board = agency.boards.get()
    today = timezone.localdate()
    child = services.register_child(
        actor=owner,
        board=board,
        given_names="Walkerina",
        family_name="Canaryfield",
        date_of_birth=today - timedelta(days=900),
        agency=agency,
        service="Walk service",
    )
    entry = services.add_chronology_entry(
        actor=owner,
        child=child,
        occurred_at=timezone.now() - timedelta(hours=1),
        category=EntryCategory.HOME_VISIT,
        summary="Walk-secret home visit",
    )
    contact = services.record_contact(
        actor=owner,
        child=child,
        referrer_name="Walk referrer",
        referrer_agency=agency,
        concern="Walk-secret concern",
    )
    world = {"child": child, "entry": entry, "contact": contact, "agency": agency, "board": board}
    scenario.__dict__[_KEY] = world
    return world


def _as_mash_manager(scenario: Any) -> dict[str, Any]:
    from safeguard.people.models import Role
    from tests.factories import AgencyFactory, MembershipFactory

    world = _world(scenario)
    if "hub" not in world:
        world["hub"] = AgencyFactory(boards=[world["board"]])
        MembershipFactory(user=scenario.owner, agency=world["hub"], role=Role.MASH_MANAGER)
    return world


def _child(scenario: Any) -> dict[str, Any]:
    return {"pk": _world(scenario)["child"].pk}


def _entry(scenario: Any) -> dict[str, Any]:
    world = _world(scenario)
    return {"pk": world["child"].pk, "entry_pk": world["entry"].pk}


def _contact(scenario: Any) -> dict[str, Any]:
    return {"pk": _world(scenario)["contact"].pk}


def _mash_contact(scenario: Any) -> dict[str, Any]:
    return {"pk": _as_mash_manager(scenario)["contact"].pk}


def _secrets(scenario: Any) -> list[str]:
    world = _world(scenario)
    return ["Canaryfield", "Walk-secret", world["child"].reference]


def children_of_owner(scenario: Any, n: int) -> None:
    """n children the owner's agency works with (the children list shows them)."""
    from django.utils import timezone

    from safeguard.casework.models import Child, Involvement

    world = _world(scenario)
    today = timezone.localdate()
    start = Child.objects.count()
    children = Child.objects.bulk_create(
        Child(
            board=world["board"],
            reference=f"CH-W{start + i:06d}",
            given_names=f"Walk {i}",
            family_name="Canaryfield",
            date_of_birth=today - timedelta(days=400 + i),
            created_by=scenario.owner,
        )
        for i in range(n)
    )
    Involvement.objects.bulk_create(
        Involvement(
            child=c, agency=world["agency"], service="Walk", started_on=today, created_by=scenario.owner
        )
        for c in children
    )


def entries_on_child(scenario: Any, n: int) -> None:
    """n more chronology entries on the walk child, some amended, some late (the record page shows them)."""
    from django.utils import timezone

    from safeguard.casework.models import ChronologyEntry, EntryCategory

    world = _world(scenario)
    now = timezone.now()
    made = ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            child=world["child"],
            agency=world["agency"],
            author=scenario.owner,
            author_name=scenario.owner.full_name,
            occurred_at=now - timedelta(days=i + 2),
            recorded_at=now,
            category=EntryCategory.OTHER,
            summary=f"Walk entry {i}",
            late_reason="Walk",
        )
        for i in range(n)
    )
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            child=world["child"],
            agency=world["agency"],
            author=scenario.owner,
            author_name=scenario.owner.full_name,
            occurred_at=original.occurred_at,
            recorded_at=now,
            category=EntryCategory.OTHER,
            summary=f"{original.summary} (amended)",
            late_reason="Walk",
            amends=original,
            amendment_reason="Walk",
        )
        for original in made[::3]
    )


def contacts_of_owner(scenario: Any, n: int) -> None:
    """n contacts the owner's agency made (the MASH page lists a referrer's own contacts)."""
    from django.utils import timezone

    from safeguard.casework.models import Contact

    world = _world(scenario)
    now = timezone.now()
    start = Contact.objects.count()
    Contact.objects.bulk_create(
        Contact(
            board=world["board"],
            reference=f"MC-W{start + i:06d}",
            child=world["child"],
            referrer_agency=world["agency"],
            referrer_name="Walk",
            received_at=now - timedelta(minutes=i + 1),
            concern="Walk",
            recorded_by=scenario.owner,
        )
        for i in range(n)
    )


FORM = {"GET": 200, "POST": 200}  # an empty POST shows the form's errors and writes nothing

register(
    RouteSpec(
        "casework:child_list",
        Access.SIGNED_IN,
        ok={"GET": 200, "POST": 302},
        make_rows=children_of_owner,
        note="a search is posted, kept in the session and redirected to the list",
    )
)
register(RouteSpec("casework:register_child", Access.SIGNED_IN, ok=FORM))
register(
    RouteSpec(
        "casework:child_detail",
        Access.OBJECT,
        make_kwargs=_child,
        make_rows=entries_on_child,
        secret_fields=_secrets,
    )
)
register(RouteSpec("casework:add_entry", Access.OBJECT, ok=FORM, make_kwargs=_child, secret_fields=_secrets))
register(
    RouteSpec("casework:amend_entry", Access.OBJECT, ok=FORM, make_kwargs=_entry, secret_fields=_secrets)
)
register(
    RouteSpec("casework:record_contact", Access.OBJECT, ok=FORM, make_kwargs=_child, secret_fields=_secrets)
)
register(RouteSpec("casework:contact_list", Access.SIGNED_IN, make_rows=contacts_of_owner))
register(RouteSpec("casework:contact_detail", Access.OBJECT, make_kwargs=_contact, secret_fields=_secrets))
for _name in ("casework:rate_contact", "casework:decide_contact", "casework:close_contact"):
    register(
        RouteSpec(
            _name,
            Access.OBJECT,
            ok={"POST": 200},
            make_kwargs=_mash_contact,
            secret_fields=_secrets,
            note="an empty POST (or one in the wrong state) shows the error on the contact page",
        )
    )

# The API: the same rules as the pages (the walk posts multipart, which the JSON operations refuse with 415;
# bodies are tested in tests/casework/test_api.py).
register(RouteSpec("api-children-list", Access.SIGNED_IN, api=True, make_rows=children_of_owner))
register(
    RouteSpec(
        "api-children-detail",
        Access.OBJECT,
        api=True,
        make_kwargs=lambda s: {"id": _world(s)["child"].pk},
        secret_fields=_secrets,
    )
)
register(
    RouteSpec(
        "api-children-chronology",
        Access.OBJECT,
        ok={"GET": 200, "POST": 415},
        api=True,
        make_kwargs=lambda s: {"id": _world(s)["child"].pk},
        make_rows=entries_on_child,
        secret_fields=_secrets,
    )
)
register(RouteSpec("api-contacts-list", Access.SIGNED_IN, api=True, make_rows=contacts_of_owner))
register(
    RouteSpec(
        "api-contacts-detail",
        Access.OBJECT,
        api=True,
        make_kwargs=lambda s: {"id": _world(s)["contact"].pk},
        secret_fields=_secrets,
    )
)
