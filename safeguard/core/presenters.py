"""Display values for core objects: labels, GOV.UK tag classes and human dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.core.paginator import Page
from django.utils import timezone

from safeguard.core.calendar import LONDON
from safeguard.core.clocks import CalendarSet
from safeguard.core.inbox import RAG_LABELS, Rag, WorkItem
from safeguard.core.models import Notification, TimescaleUnit

RAG_TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.BLUE: "govuk-tag--blue",
}


def rag_tag(rag: str) -> dict[str, str]:
    """GOV.UK tag parameters: the text says the state, so colour is never the only signal."""
    return {"text": RAG_LABELS.get(rag, rag.title()), "classes": RAG_TAG_CLASSES.get(rag, "govuk-tag--grey")}


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "No deadline"
    local = value.astimezone(LONDON)
    if local.time() == time.max:
        # A day-based deadline falls due at the end of its day: the date says it all.
        return f"{local:%-d %B %Y}"
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def due_phrase(
    due_at: datetime | None,
    *,
    now: datetime,
    unit: str = TimescaleUnit.WORKING_DAYS,
    calendars: CalendarSet | None = None,
    jurisdiction: str = "ENG",
) -> str:
    """ "due in 3 working days", "due today", "overdue by 2 working days", in the item's own unit.

    Day counts compare London dates: an item due today is "due today" until the end of its due time.
    Hour-based items count whole elapsed hours.
    """
    if due_at is None:
        return ""
    overdue = now > due_at
    if unit in (TimescaleUnit.HOURS, TimescaleUnit.WORKING_HOURS):
        hours = int(abs(due_at - now) / timedelta(hours=1))
        if overdue:
            return f"overdue by {_plural(hours, 'hour')}" if hours else "overdue"
        return f"due in {_plural(hours, 'hour')}" if hours else "due within the hour"
    today = now.astimezone(LONDON).date()
    due_day = due_at.astimezone(LONDON).date()
    if unit == TimescaleUnit.WORKING_DAYS:
        calendar = (calendars or CalendarSet()).get(jurisdiction)
        word = "working day"
        if overdue:
            days = calendar.working_days_between(due_day, today)
        else:
            days = calendar.working_days_between(today, due_day)
    else:
        word = "day"
        days = abs((due_day - today).days)
    if overdue:
        return f"overdue by {_plural(days, word)}" if days else "overdue"
    return f"due in {_plural(days, word)}" if days else "due today"


@dataclass(frozen=True)
class WorkItemRow:
    kind: str
    title: str
    url: str
    due: str
    due_iso: str
    due_phrase: str
    tag: dict[str, str]


def work_item_rows(items: list[WorkItem], *, now: datetime | None = None) -> list[WorkItemRow]:
    now = now or timezone.now()
    calendars = CalendarSet()
    _preload(calendars, items, now=now)
    return [
        WorkItemRow(
            kind=item.kind,
            title=item.title,
            url=item.url,
            due=format_datetime(item.due_at),
            due_iso=item.due_at.isoformat() if item.due_at else "",
            due_phrase=due_phrase(
                item.due_at, now=now, unit=item.unit, calendars=calendars, jurisdiction=item.jurisdiction
            ),
            tag=rag_tag(item.rag),
        )
        for item in items
    ]


def work_caption(page: Page) -> str:
    """My work's table caption: the order, and which items of how many when there is more than a page."""
    if page.paginator.num_pages <= 1:
        return "Due from you, soonest first"
    return f"Due from you, soonest first: items {page.start_index()} to {page.end_index()} of {page.paginator.count}"


def _preload(calendars: CalendarSet, items: Iterable[WorkItem], *, now: datetime) -> None:
    # One override query per jurisdiction for the whole page, however many items it lists.
    today = now.astimezone(LONDON).date()
    spans: dict[str, list[datetime]] = {}
    for item in items:
        if item.due_at is not None and item.unit == TimescaleUnit.WORKING_DAYS:
            spans.setdefault(item.jurisdiction, []).append(item.due_at)
    for jurisdiction, dues in spans.items():
        days = [due.astimezone(LONDON).date() for due in dues]
        calendars.get(jurisdiction).preload(min([today, *days]), max([today, *days]))


@dataclass(frozen=True)
class NotificationRow:
    subject: str
    url: str
    when: str
    when_iso: str


def notification_rows(notifications: Iterable[Notification]) -> list[NotificationRow]:
    return [
        NotificationRow(
            subject=notification.subject,
            url=notification.url,
            when=format_datetime(notification.created_at),
            when_iso=notification.created_at.isoformat(),
        )
        for notification in notifications
    ]


def pagination(page: Page, href: Callable[[int], str], *, label: str = "") -> dict[str, Any] | None:
    """govukPagination's parameters for a page of a list, or None when it has one page.

    `href(number)` gives the link to page `number` (keeping whatever filters the list has); the first,
    the last and the pages either side of the current one are shown, with ellipses between.
    """
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(int(number)), "current": number == page.number})
    result: dict[str, Any] = {"items": items}
    if label:
        result["landmarkLabel"] = label
    if page.has_previous():
        result["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        result["next"] = {"href": href(page.next_page_number())}
    return result
