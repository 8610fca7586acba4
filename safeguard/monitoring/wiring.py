"""How monitoring plugs into core: tick jobs, My work items and the menu. Called from MonitoringConfig.ready()."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from safeguard.core import inbox
from safeguard.core.calendar import LONDON
from safeguard.core.registry import NavItem, register_navigation


def request_work_items(user: Any) -> list[inbox.WorkItem]:
    """One item per open cycle in which the user still owes updates: they answer them on one page."""
    from safeguard.monitoring import selectors

    if not user.is_authenticated:
        return []
    items = []
    for cycle_id, deadline, waiting, rag in selectors.open_requests_summary(user):
        items.append(
            inbox.WorkItem(
                kind="Progress updates",
                title=f"{waiting} progress update{'s' if waiting != 1 else ''} requested",
                url=f"/monitoring/requests/?cycle={cycle_id}",
                due_at=datetime.combine(deadline, time(17, 0), tzinfo=LONDON),
                rag=rag,
                reference=f"cycle-{cycle_id}",
            )
        )
    return items


def monitoring_navigation(user: Any) -> list[NavItem]:
    from safeguard.reviews.permissions import user_board_ids

    if not (getattr(user, "is_superuser", False) or user_board_ids(user)):
        return []
    return [NavItem("Monitoring", "monitoring:home", order=40)]


def connect() -> None:
    from safeguard.core.tick import register_job
    from safeguard.monitoring import services

    register_job("monitoring.open_due_cycles", services.open_due_cycles)
    register_job("monitoring.request_reminders", services.send_request_reminders)
    inbox.register(request_work_items)
    register_navigation(monitoring_navigation)
    from safeguard.monitoring.demo import load_monitoring_demo
    from safeguard.people.demo import register_demo_loader

    register_demo_loader(load_monitoring_demo)
