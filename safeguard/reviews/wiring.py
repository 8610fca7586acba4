"""How reviews plugs into core: My work items and the menu. Called from ReviewsConfig.ready()."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from safeguard.core import inbox
from safeguard.core.calendar import LONDON
from safeguard.core.registry import NavItem, register_navigation


def _end_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time(17, 0), tzinfo=LONDON) if day else None


def review_work_items(user: Any) -> list[inbox.WorkItem]:
    """Actions due from the user, evidence waiting for their decision, impact assessments due."""
    from safeguard.reviews import selectors

    if not user.is_authenticated:
        return []
    items = [
        inbox.WorkItem(
            kind="Action",
            title=f"Action {action.reference}: {action.title}",
            url=f"/actions/{action.pk}/",
            due_at=_end_of(action.due_date),
            rag=action.rag,  # type: ignore[attr-defined]
            reference=action.reference,
        )
        for action in selectors.actions_due_from(user)
    ]
    items += [
        inbox.WorkItem(
            kind="Evidence to decide",
            title=f"Evidence for action {evidence.action.reference}",
            url=f"/actions/{evidence.action_id}/#evidence",
            due_at=None,
            rag=inbox.Rag.AMBER,
            reference=evidence.action.reference,
        )
        for evidence in selectors.evidence_awaiting(user)
    ]
    items += [
        inbox.WorkItem(
            kind="Impact to assess",
            title=f"Impact of action {action.reference}",
            url=f"/actions/{action.pk}/#impact",
            due_at=None,
            rag=inbox.Rag.AMBER,
            reference=action.reference,
        )
        for action in selectors.impact_due(user)
    ]
    return items


def review_navigation(user: Any) -> list[NavItem]:
    from safeguard.people.holdings import request_holdings
    from safeguard.reviews.permissions import as_viewer

    # The menu is built for the request's user: its holdings are read once for the menu and the page.
    request_holdings(user)
    if not (getattr(user, "is_superuser", False) or as_viewer(user).works_in_partnership):
        return []
    return [
        NavItem("Reviews", "reviews:register", order=20),
        NavItem("Actions", "reviews:action_list", order=30),
    ]


def connect() -> None:
    from safeguard.people.demo import register_demo_loader
    from safeguard.reviews.demo import load_child_n_review

    inbox.register(review_work_items)
    register_navigation(review_navigation)
    register_demo_loader(load_child_n_review)
