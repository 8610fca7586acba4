"""Working days and working hours for England and Wales: the one calendar every timescale uses.

A working day is any day other than a Saturday, a Sunday or a bank holiday of the jurisdiction
(the FOIA s10(6) pattern; Christmas Day and Good Friday are in the holiday list). The holidays come
from the `holidays` package (`country_holidays("GB", subdiv="ENG" | "WLS")`), changed by the
`CalendarOverride` table: an override with `is_working_day=False` makes a day non-working (a proclaimed
one-off holiday the package does not know yet); `is_working_day=True` makes a day working whatever the
package or the weekday says.

The counting rule (domain rules §2.3):

- Day 0 is the start date. Counting begins on the next working day: +1 working day from Friday
  3 April 2015 (Good Friday) is Tuesday 7 April 2015, because Saturday, Sunday and Easter Monday
  (6 April) are not working days.
- A start on a non-working day is treated the same way: the start date is still day 0 and the next
  working day is day 1, so +1 working day from Saturday 4 April 2015 is also Tuesday 7 April 2015.
- `add_working_days(start, 0)` is the start date itself, working day or not.
- Negative counts walk backwards the same way: -1 working day from Tuesday 7 April 2015 is Thursday
  2 April 2015.
- `working_days_between(a, b)` is the inverse: for b after a it counts the working days in (a, b]; for b
  before a it is minus the working days in [b, a); for b equal to a it is 0. So
  `add_working_days(a, working_days_between(a, b)) == b` whenever b is a working day.

Caching: the statutory holiday set is cached per (jurisdiction, year) for the life of the process (it
changes only with a package upgrade). Overrides change while the system runs, so they are never cached
across calls: each public function builds a `WorkingCalendar`, which reads the overrides it needs in one
query. Code that asks many questions (a page of clocks, the tick) builds one `WorkingCalendar`, preloads
the date range it needs and passes it in as `calendar=`, so the query count stays constant.
"""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from safeguard.core.models import CalendarOverride, TimescaleUnit

LONDON = ZoneInfo("Europe/London")
JURISDICTIONS = ("ENG", "WLS")

# When a calendar must read overrides for a date it has not loaded, it reads this far ahead (or back) in
# one query, so that walking a few hundred working days costs one query, not one per day.
_LOAD_AHEAD = timedelta(days=400)
_LOAD_BEHIND = timedelta(days=31)


@lru_cache(maxsize=256)
def statutory_holidays(jurisdiction: str, year: int) -> frozenset[date]:
    """The bank holidays (and weekend entries such as Saturday 26 December) of one year, from `holidays`."""
    if jurisdiction not in JURISDICTIONS:
        raise ValueError(
            f"Unknown jurisdiction {jurisdiction!r}; expected one of {', '.join(JURISDICTIONS)}."
        )
    return frozenset(holidays.country_holidays("GB", subdiv=jurisdiction, years=year).keys())


class WorkingCalendar:
    """The working-day calendar of one jurisdiction, with the overrides read from the database on demand.

    Pass `overrides` (date -> is_working_day) to use a fixed set instead of the database (no queries).
    """

    def __init__(self, jurisdiction: str = "ENG", *, overrides: dict[date, bool] | None = None) -> None:
        if jurisdiction not in JURISDICTIONS:
            raise ValueError(
                f"Unknown jurisdiction {jurisdiction!r}; expected one of {', '.join(JURISDICTIONS)}."
            )
        self.jurisdiction = jurisdiction
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._fixed = overrides is not None
        self._loaded: tuple[date, date] | None = None

    # Overrides -----------------------------------------------------------------------------------

    def preload(self, first: date, last: date) -> None:
        """Read the overrides for first..last (inclusive) now, in at most two queries."""
        if self._fixed:
            return
        if first > last:
            first, last = last, first
        if self._loaded is None:
            self._load(first, last)
            self._loaded = (first, last)
            return
        low, high = self._loaded
        if first < low:
            self._load(first, low - timedelta(days=1))
            low = first
        if last > high:
            self._load(high + timedelta(days=1), last)
            high = last
        self._loaded = (low, high)

    def _load(self, first: date, last: date) -> None:
        rows = CalendarOverride.objects.filter(
            jurisdiction=self.jurisdiction, date__range=(first, last)
        ).values_list("date", "is_working_day")
        self._overrides.update(dict(rows))

    def _ensure(self, d: date) -> None:
        if self._fixed:
            return
        if self._loaded is None:
            self.preload(d - _LOAD_BEHIND, d + _LOAD_AHEAD)
            return
        low, high = self._loaded
        if d < low:
            self.preload(d - _LOAD_AHEAD, high)
        elif d > high:
            self.preload(low, d + _LOAD_AHEAD)

    # Days ----------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        self._ensure(d)
        override = self._overrides.get(d)
        if override is not None:
            return override
        return d.weekday() < 5 and d not in statutory_holidays(self.jurisdiction, d.year)

    def add_working_days(self, start: date, n: int) -> date:
        """See the module-level `add_working_days`."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        d = start
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """See the module-level `working_days_between`."""
        if end == start:
            return 0
        if end > start:
            self.preload(start, end)
            days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
            return sum(1 for d in days if self.is_working_day(d))
        self.preload(end, start)
        days = (end + timedelta(days=i) for i in range((start - end).days))
        return -sum(1 for d in days if self.is_working_day(d))

    def next_working_day(self, d: date) -> date:
        """The first working day after d."""
        return self.add_working_days(d, 1)

    # Hours ---------------------------------------------------------------------------------------

    def add_working_hours(
        self,
        start_dt: datetime,
        hours: float,
        *,
        day_start: time = time(9),
        day_end: time = time(17),
    ) -> datetime:
        """See the module-level `add_working_hours`."""
        if start_dt.tzinfo is None or start_dt.utcoffset() is None:
            raise ValueError("add_working_hours needs a timezone-aware datetime.")
        if hours < 0:
            raise ValueError("add_working_hours counts forwards only; hours must not be negative.")
        if day_end <= day_start:
            raise ValueError("The working day must end after it starts.")
        local = start_dt.astimezone(LONDON)
        if hours == 0:
            return local
        remaining = timedelta(hours=hours)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= day_end:
            day = self.next_working_day(day)
            cursor = datetime.combine(day, day_start, tzinfo=LONDON)
        elif local.time() < day_start:
            cursor = datetime.combine(day, day_start, tzinfo=LONDON)
        else:
            cursor = local
        while True:
            # Wall-clock arithmetic: a working day is day_start..day_end whatever the clocks do overnight.
            close = datetime.combine(day, day_end, tzinfo=LONDON)
            available = close.replace(tzinfo=None) - cursor.replace(tzinfo=None)
            if remaining <= available:
                naive_end = cursor.replace(tzinfo=None) + remaining
                return naive_end.replace(tzinfo=LONDON)
            remaining -= available
            day = self.next_working_day(day)
            cursor = datetime.combine(day, day_start, tzinfo=LONDON)

    # Timescales ----------------------------------------------------------------------------------

    def due_at(self, rule_unit: str, limit: int, start_dt: datetime) -> datetime:
        """See the module-level `due_at`."""
        if start_dt.tzinfo is None or start_dt.utcoffset() is None:
            raise ValueError("due_at needs a timezone-aware start.")
        local = start_dt.astimezone(LONDON)
        if rule_unit == TimescaleUnit.WORKING_DAYS:
            return end_of_day(self.add_working_days(local.date(), limit))
        if rule_unit == TimescaleUnit.CALENDAR_DAYS:
            return end_of_day(local.date() + timedelta(days=limit))
        if rule_unit == TimescaleUnit.MONTHS:
            return end_of_day(add_months(local.date(), limit))
        if rule_unit == TimescaleUnit.HOURS:
            return local + timedelta(hours=limit)
        if rule_unit == TimescaleUnit.WORKING_HOURS:
            return self.add_working_hours(local, limit)
        raise ValueError(f"Unknown timescale unit {rule_unit!r}.")


def end_of_day(d: date) -> datetime:
    """The last moment of a day in London: a timescale "within N days" is met any time on day N."""
    return datetime.combine(d, time.max, tzinfo=LONDON)


# Within one request (or one tick) every caller shares one calendar per jurisdiction, so the overrides
# are read once however many modules count working days for the page (My work asks every app).
_shared: ContextVar[dict[str, WorkingCalendar] | None] = ContextVar("safeguard_calendars", default=None)


@contextmanager
def shared_calendars() -> Iterator[None]:
    """Share calendars between every caller inside the block (the request middleware and the tick use it)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def forget_shared_calendars() -> None:
    """Drop the calendars shared in this block: an override changed, so they must be read again."""
    shared = _shared.get()
    if shared is not None:
        shared.clear()


def calendar_for(jurisdiction: str) -> WorkingCalendar:
    """The jurisdiction's calendar: the one shared in this request or tick, or a new one outside them."""
    shared = _shared.get()
    if shared is None:
        return WorkingCalendar(jurisdiction)
    calendar = shared.get(jurisdiction)
    if calendar is None:
        calendar = shared[jurisdiction] = WorkingCalendar(jurisdiction)
    return calendar


def _calendar(jurisdiction: str, calendar: WorkingCalendar | None) -> WorkingCalendar:
    if calendar is not None:
        if calendar.jurisdiction != jurisdiction:
            raise ValueError("The calendar passed in is for a different jurisdiction.")
        return calendar
    return calendar_for(jurisdiction)


def is_working_day(d: date, *, jurisdiction: str = "ENG", calendar: WorkingCalendar | None = None) -> bool:
    """Whether d is a working day: not a weekend or bank holiday, unless an override says otherwise."""
    return _calendar(jurisdiction, calendar).is_working_day(d)


def add_working_days(
    start: date, n: int, *, jurisdiction: str = "ENG", calendar: WorkingCalendar | None = None
) -> date:
    """The date n working days after start (before it, for negative n).

    Day 0 is the start date; counting begins on the next working day. +1 working day from Friday
    3 April 2015 (Good Friday) is Tuesday 7 April 2015, because Easter Monday is 6 April. A start on a
    non-working day follows the same rule: the next working day is day 1 (+1 from Saturday 4 April 2015
    is also Tuesday 7 April 2015). n = 0 returns start unchanged. Negative n walks backwards: the
    result is the |n|-th working day before start.
    """
    return _calendar(jurisdiction, calendar).add_working_days(start, n)


def working_days_between(
    start: date, end: date, *, jurisdiction: str = "ENG", calendar: WorkingCalendar | None = None
) -> int:
    """Working days from start to end, the inverse of `add_working_days`.

    end after start: the number of working days in (start, end]. end before start: minus the number of
    working days in [end, start). Equal: 0. Hence add_working_days(start, working_days_between(start,
    end)) == end for every working day end.
    """
    return _calendar(jurisdiction, calendar).working_days_between(start, end)


def add_working_hours(
    start_dt: datetime,
    hours: float,
    *,
    jurisdiction: str = "ENG",
    day_start: time = time(9),
    day_end: time = time(17),
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """The moment `hours` working hours after start_dt, in Europe/London.

    Only day_start..day_end on working days counts. A start outside those hours (evening, weekend, bank
    holiday) starts counting at day_start of the next working day; 0 hours returns start_dt.
    """
    return _calendar(jurisdiction, calendar).add_working_hours(
        start_dt, hours, day_start=day_start, day_end=day_end
    )


def add_months(d: date, n: int) -> date:
    """The same day of the month n months later, clipped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    last_day = std_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def due_at(
    rule_unit: str,
    limit: int,
    start_dt: datetime,
    jurisdiction: str = "ENG",
    *,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """When a timescale of `limit` `rule_unit`s started at start_dt falls due (aware, Europe/London).

    Day-based units (working days, calendar days, months) fall due at the end of the due day, so a
    timescale "within 15 working days" is met any time on the fifteenth working day. Hours are elapsed
    hours; working hours count only 09:00-17:00 on working days.
    """
    return _calendar(jurisdiction, calendar).due_at(rule_unit, limit, start_dt)
