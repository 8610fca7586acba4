"""Running timescales: rate a clock red, amber, green or blue, and list open clocks in My work.

Writes (start, meet, record a breach reason) are in `safeguard.core.services`.

RAG, in the rule's own unit:
- blue: met;
- red: not met and past its due time;
- amber: not met, and due within the rule's `amber_within` units from now (working days for a
  working-day rule, so a clock due on Tuesday is amber on the Friday before when amber_within is 2);
- green: otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from safeguard.core.calendar import LONDON, WorkingCalendar, calendar_for
from safeguard.core.inbox import Rag, WorkItem
from safeguard.core.models import Clock


class CalendarSet:
    """One WorkingCalendar per jurisdiction, shared by every clock rated in one request or tick."""

    def __init__(self) -> None:
        self._calendars: dict[str, WorkingCalendar] = {}

    def get(self, jurisdiction: str) -> WorkingCalendar:
        if jurisdiction not in self._calendars:
            self._calendars[jurisdiction] = calendar_for(jurisdiction)
        return self._calendars[jurisdiction]

    def preload_for(self, clocks: Iterable[Clock], *, now: datetime) -> None:
        """Read the overrides every clock below needs: one query per jurisdiction, whatever the count."""
        ranges: dict[str, tuple[date, date]] = {}
        today = now.astimezone(LONDON).date()
        for clock in clocks:
            low = min(today, clock.started_at.astimezone(LONDON).date())
            high = max(today, clock.due_at.astimezone(LONDON).date())
            if clock.jurisdiction in ranges:
                old_low, old_high = ranges[clock.jurisdiction]
                low, high = min(low, old_low), max(high, old_high)
            ranges[clock.jurisdiction] = (low, high)
        for jurisdiction, (low, high) in ranges.items():
            # The margin covers the amber window counted forward from today.
            self.get(jurisdiction).preload(low - timedelta(days=7), high + timedelta(days=400))


def clock_rag(clock: Clock, *, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> str:
    """Red, amber, green or blue for one clock; see the module docstring."""
    now = now or timezone.now()
    if clock.met_at:
        return Rag.BLUE
    if now > clock.due_at:
        return Rag.RED
    calendar = calendar or calendar_for(clock.jurisdiction)
    # Amber when the amber window, counted from now in the rule's unit, reaches the due time.
    window_end = calendar.due_at(clock.rule.unit, clock.rule.amber_within, now)
    return Rag.AMBER if window_end >= clock.due_at else Rag.GREEN


def open_clocks_for(user: Any) -> list[Clock]:
    return list(
        Clock.objects.filter(owner=user, met_at__isnull=True).select_related("rule").order_by("due_at", "pk")
    )


def clock_inbox_items(user: Any, *, now: datetime | None = None) -> list[WorkItem]:
    """My work items for the user's open clocks: one query for the clocks, one per jurisdiction."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    clocks = open_clocks_for(user)
    calendars = CalendarSet()
    calendars.preload_for(clocks, now=now)
    return [
        WorkItem(
            kind=clock.rule.name,
            title=clock.title,
            url=clock.url,
            due_at=clock.due_at,
            rag=clock_rag(clock, now=now, calendar=calendars.get(clock.jurisdiction)),
            reference=f"clock:{clock.pk}",
            unit=clock.rule.unit,
            jurisdiction=clock.jurisdiction,
        )
        for clock in clocks
    ]
