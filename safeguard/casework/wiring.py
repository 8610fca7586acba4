"""How casework plugs into core: My work items, the menu, the access-log scope and the demo loader."""

from __future__ import annotations

from typing import Any

from safeguard.core import inbox
from safeguard.core.registry import NavItem, register_navigation


def mash_work_items(user: Any) -> list[inbox.WorkItem]:
    """Contacts waiting for the user's MASH: to rate (officers and managers) and to decide (managers).

    Rated contacts' timescales reach My work as clocks owned by whoever rated them."""
    from safeguard.casework import selectors

    if not user.is_authenticated:
        return []
    return [
        inbox.WorkItem(
            kind="Contact to rate" if contact.status == "received" else "Contact to decide",
            title=f"Contact {contact.reference}",
            url=f"/mash/contacts/{contact.pk}/",
            due_at=None,
            rag=inbox.Rag.AMBER,
            reference=contact.reference,
        )
        for contact in selectors.mash_work_for(user)
    ]


def casework_navigation(user: Any) -> list[NavItem]:
    from safeguard.casework.permissions import CaseViewer
    from safeguard.people.holdings import request_holdings

    # The menu is built for the request's user: its holdings are read once for the menu and the page.
    viewer = CaseViewer(user, request_holdings(user))
    if not viewer.works_in_practice:
        return []
    return [
        NavItem("Children", "casework:child_list", order=10),
        NavItem("MASH", "casework:contact_list", order=15),
    ]


def child_in_auditors_boards(user: Any, key: str) -> bool:
    """Auditors read who viewed a child's record in the boards they audit."""
    from safeguard.casework.models import Child
    from safeguard.people.models import BoardRole, Role

    if not key.isdigit():
        return False
    boards = BoardRole.objects.filter(user=user, role=Role.AUDITOR, ended_on__isnull=True).values("board_id")
    return Child.objects.filter(pk=int(key), board_id__in=boards).exists()


def connect() -> None:
    from safeguard.casework.demo import load_casework
    from safeguard.core.access_api import register_access_log_scope
    from safeguard.people.demo import register_demo_loader

    inbox.register(mash_work_items)
    register_navigation(casework_navigation)
    register_access_log_scope("casework.child", child_in_auditors_boards)
    register_demo_loader(load_casework)
