"""Running timescales: start a clock from a rule, meet it, and rate it red, amber or green."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from safeguard.core.inbox import Rag, WorkItem
from safeguard.core.models import Clock


def clock_rag(clock: Clock, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if clock.met_at:
        return Rag.BLUE
    if now > clock.due_at:
        return Rag.RED
    window = (clock.due_at - clock.started_at) / 4
    return Rag.AMBER if clock.due_at - now <= window else Rag.GREEN


def clock_inbox_items(user: Any) -> list[WorkItem]:
    if not user.is_authenticated:
        return []
    clocks = Clock.objects.filter(owner=user, met_at__isnull=True).select_related("rule")
    return [
        WorkItem(
            kind=clock.rule.name, title=clock.title, url=clock.url, due_at=clock.due_at, rag=clock_rag(clock)
        )
        for clock in clocks
    ]
