"""My work: one inbox of what is due from a user, across every module, ordered by deadline.

Each app registers a provider (a function of the user returning WorkItems) in its AppConfig.ready(),
so the inbox never imports an app's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class Rag:
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"


RAG_LABELS = {Rag.RED: "Overdue", Rag.AMBER: "Due soon", Rag.GREEN: "On track", Rag.BLUE: "Done"}


@dataclass(frozen=True)
class WorkItem:
    kind: str  # e.g. "Timescale", "Action", "Evidence to accept"
    title: str  # content-free: never a child's name
    url: str
    due_at: datetime | None
    rag: str
    reference: str = ""
    # How "due in ..." is counted for this item (a TimescaleUnit value) and in which calendar.
    unit: str = "working_days"
    jurisdiction: str = "ENG"


InboxProvider = Callable[[Any], Iterable[WorkItem]]
_providers: list[InboxProvider] = []


def register(provider: InboxProvider) -> InboxProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _sort_key(item: WorkItem) -> tuple[int, datetime, str, str]:
    # Items without a deadline come last; among the rest, the soonest first; ties in a stable order.
    return (0 if item.due_at else 1, item.due_at or _FAR_FUTURE, item.kind, item.title)


def items_for(user: Any) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return sorted(items, key=_sort_key)


def register_builtin_providers() -> None:
    from safeguard.core.clocks import clock_inbox_items
    from safeguard.core.registry import NavItem, register_navigation

    register(clock_inbox_items)

    @register_navigation
    def core_navigation(user: Any) -> list[NavItem]:
        return [NavItem("My work", "core:my_work", order=0)]
