"""The working-day calendar: bank holidays of England and Wales, the counting rule, overrides, hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.calendar import (
    LONDON,
    WorkingCalendar,
    add_months,
    add_working_days,
    add_working_hours,
    due_at,
    end_of_day,
    is_working_day,
    statutory_holidays,
    working_days_between,
)
from safeguard.core.models import CalendarOverride, TimescaleUnit
from tests.core.conftest import london

# Every bank holiday in England and Wales, 2014-2027, written out by hand from the Banking and Financial
# Dealings Act 1971 schedule and the royal proclamations (not taken from the `holidays` package):
# New Year's Day (or the Monday after a weekend), Good Friday, Easter Monday, the first Monday in May,
# the last Mondays in May and August, Christmas Day and Boxing Day with weekday substitutes, and the
# one-offs: VE Day moved the early-May holiday to Friday 8 May 2020; the Platinum Jubilee moved the spring
# holiday to Thursday 2 June 2022 and added Friday 3 June; the Queen's state funeral on 19 September 2022;
# the Coronation on Monday 8 May 2023.
BANK_HOLIDAYS_ENGLAND_AND_WALES = {
    2014: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2015: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2016: ["01-01", "03-25", "03-28", "05-02", "05-30", "08-29", "12-26", "12-27"],
    2017: ["01-02", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"],
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}
EXPECTED_HOLIDAYS = sorted(
    date.fromisoformat(f"{year}-{month_day}")
    for year, days in BANK_HOLIDAYS_ENGLAND_AND_WALES.items()
    for month_day in days
)
EXPECTED_SET = frozenset(EXPECTED_HOLIDAYS)


def expected_working(d: date) -> bool:
    return d.weekday() < 5 and d not in EXPECTED_SET


def expected_step(d: date, step: int) -> date:
    d += timedelta(days=step)
    while not expected_working(d):
        d += timedelta(days=step)
    return d


def no_overrides(jurisdiction: str = "ENG") -> WorkingCalendar:
    return WorkingCalendar(jurisdiction, overrides={})


# The hand-written list ---------------------------------------------------------------------------


def test_the_hand_written_bank_holidays_all_fall_on_weekdays() -> None:
    assert all(d.weekday() < 5 for d in EXPECTED_HOLIDAYS)


@pytest.mark.parametrize("holiday", EXPECTED_HOLIDAYS, ids=str)
def test_a_bank_holiday_is_not_a_working_day(db, holiday: date) -> None:
    assert not is_working_day(holiday)


@pytest.mark.parametrize("holiday", EXPECTED_HOLIDAYS, ids=str)
def test_one_working_day_after_the_day_before_a_bank_holiday_skips_it(db, holiday: date) -> None:
    previous = expected_step(holiday, -1)
    assert add_working_days(previous, 1) == expected_step(previous, 1)
    assert add_working_days(previous, 1) > holiday


@pytest.mark.parametrize("jurisdiction", ["ENG", "WLS"])
def test_every_weekday_2014_to_2027_is_working_unless_a_listed_bank_holiday(jurisdiction: str) -> None:
    calendar = no_overrides(jurisdiction)
    d = date(2014, 1, 1)
    wrong = []
    while d <= date(2027, 12, 31):
        if calendar.is_working_day(d) != expected_working(d):
            wrong.append(d)
        d += timedelta(days=1)
    assert wrong == []


def test_wales_has_the_same_bank_holidays_as_england_2014_to_2027() -> None:
    for year in range(2014, 2028):
        assert statutory_holidays("WLS", year) == statutory_holidays("ENG", year), year


def test_weekend_entries_in_the_holiday_list_change_nothing() -> None:
    # The package lists Saturday 26 December 2015 as well as its Monday substitute.
    calendar = no_overrides()
    assert date(2015, 12, 26) in statutory_holidays("ENG", 2015)
    assert calendar.add_working_days(date(2015, 12, 24), 1) == date(2015, 12, 29)


# The counting rule -------------------------------------------------------------------------------


def test_one_working_day_from_good_friday_2015_is_tuesday_after_easter_monday(db) -> None:
    assert add_working_days(date(2015, 4, 3), 1) == date(2015, 4, 7)


def test_a_start_on_a_saturday_counts_the_next_working_day_as_day_one(db) -> None:
    assert add_working_days(date(2015, 4, 4), 1) == date(2015, 4, 7)


def test_zero_working_days_is_the_start_date_even_when_not_working(db) -> None:
    assert add_working_days(date(2015, 4, 4), 0) == date(2015, 4, 4)


def test_negative_working_days_walk_back_over_the_easter_weekend(db) -> None:
    assert add_working_days(date(2015, 4, 7), -1) == date(2015, 4, 2)


def test_working_days_between_a_date_and_itself_is_zero(db) -> None:
    assert working_days_between(date(2015, 4, 3), date(2015, 4, 3)) == 0


def test_working_days_between_counts_the_end_but_not_the_start(db) -> None:
    assert working_days_between(date(2015, 4, 2), date(2015, 4, 8)) == 2


def test_working_days_between_backwards_is_negative(db) -> None:
    assert working_days_between(date(2015, 4, 8), date(2015, 4, 2)) == -2


def test_working_days_between_two_days_of_one_weekend_is_zero(db) -> None:
    assert working_days_between(date(2015, 4, 4), date(2015, 4, 5)) == 0


def test_forty_five_working_days_reads_the_overrides_once(db, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert add_working_days(date(2015, 4, 1), 45) == date(2015, 6, 9)


def test_an_unknown_jurisdiction_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown jurisdiction"):
        WorkingCalendar("SCT")


# Properties ----------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
# The first use of a year builds its holiday list, which can take longer than hypothesis's default deadline.
calendar_property = settings(deadline=None)


@calendar_property
@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_adding_then_counting_working_days_round_trips(start: date, n: int) -> None:
    calendar = no_overrides()
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n


@calendar_property
@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_adding_working_days_always_lands_on_a_working_day(start: date, n: int) -> None:
    calendar = no_overrides()
    assert calendar.is_working_day(calendar.add_working_days(start, n))


@calendar_property
@given(a=dates, b=dates)
def test_adding_the_count_between_two_dates_reaches_a_working_end(a: date, b: date) -> None:
    calendar = no_overrides()
    if calendar.is_working_day(b):
        assert calendar.add_working_days(a, calendar.working_days_between(a, b)) == b


@calendar_property
@given(start=dates, n=st.integers(min_value=0, max_value=200), m=st.integers(min_value=0, max_value=200))
def test_adding_more_working_days_never_gives_an_earlier_date(start: date, n: int, m: int) -> None:
    calendar = no_overrides()
    low, high = sorted((n, m))
    assert calendar.add_working_days(start, low) <= calendar.add_working_days(start, high)


@calendar_property
@given(start=dates, n=st.integers(min_value=0, max_value=300))
def test_walking_back_undoes_walking_forward_from_a_working_day(start: date, n: int) -> None:
    calendar = no_overrides()
    if calendar.is_working_day(start):
        assert calendar.add_working_days(calendar.add_working_days(start, n), -n) == start


@calendar_property
@given(a=dates, b=dates, c=dates)
def test_working_days_between_is_monotonic_in_the_end_date(a: date, b: date, c: date) -> None:
    calendar = no_overrides()
    low, high = sorted((b, c))
    assert calendar.working_days_between(a, low) <= calendar.working_days_between(a, high)


# Overrides -----------------------------------------------------------------------------------------


def test_a_proclaimed_one_off_holiday_is_not_a_working_day(db) -> None:
    CalendarOverride.objects.create(date=date(2029, 6, 1), reason="Proclaimed bank holiday")
    assert not is_working_day(date(2029, 6, 1))


def test_a_proclaimed_one_off_holiday_is_skipped_when_counting(db) -> None:
    CalendarOverride.objects.create(date=date(2029, 6, 1), reason="Proclaimed bank holiday")
    assert add_working_days(date(2029, 5, 31), 1) == date(2029, 6, 4)


def test_a_day_made_working_counts_even_when_it_is_a_bank_holiday(db) -> None:
    CalendarOverride.objects.create(date=date(2015, 4, 6), is_working_day=True, reason="Local working day")
    assert add_working_days(date(2015, 4, 3), 1) == date(2015, 4, 6)


def test_an_override_for_england_does_not_change_wales(db) -> None:
    CalendarOverride.objects.create(jurisdiction="ENG", date=date(2029, 6, 1), reason="English one-off")
    assert is_working_day(date(2029, 6, 1), jurisdiction="WLS")


def test_a_new_override_takes_effect_on_the_next_call(db) -> None:
    assert is_working_day(date(2029, 6, 1))
    CalendarOverride.objects.create(date=date(2029, 6, 1), reason="Proclaimed bank holiday")
    assert not is_working_day(date(2029, 6, 1))


def test_an_override_far_beyond_the_first_read_is_still_found(db) -> None:
    CalendarOverride.objects.create(date=date(2017, 6, 1), reason="Far away")
    calendar = WorkingCalendar("ENG")
    assert calendar.is_working_day(date(2015, 1, 5))
    assert not calendar.is_working_day(date(2017, 6, 1))


# Working hours -------------------------------------------------------------------------------------


def test_working_hours_from_friday_afternoon_carry_over_the_weekend(db) -> None:
    assert add_working_hours(london(2015, 3, 13, 16), 4) == london(2015, 3, 16, 12)


def test_working_hours_skip_good_friday_and_easter_monday(db) -> None:
    assert add_working_hours(london(2015, 4, 2, 16), 4) == london(2015, 4, 7, 12)


def test_working_hours_started_in_the_evening_begin_next_morning(db) -> None:
    assert add_working_hours(london(2015, 3, 10, 20), 2) == london(2015, 3, 11, 11)


def test_working_hours_started_before_nine_begin_at_nine(db) -> None:
    assert add_working_hours(london(2015, 3, 10, 7), 3) == london(2015, 3, 10, 12)


def test_a_full_working_day_of_hours_ends_at_five(db) -> None:
    assert add_working_hours(london(2015, 3, 10, 9), 8) == london(2015, 3, 10, 17)


def test_working_hours_keep_wall_clock_time_across_the_change_to_summer_time(db) -> None:
    # Clocks went forward on Sunday 29 March 2015; Monday still starts at 09:00 London time.
    result = add_working_hours(london(2015, 3, 27, 16), 2)
    assert result == london(2015, 3, 30, 10)
    assert result.utcoffset() == timedelta(hours=1)


def test_working_hours_accept_a_utc_start_and_answer_in_london_time(db) -> None:
    # 08:00 UTC on 1 July is 09:00 in London (summer time).
    result = add_working_hours(datetime(2015, 7, 1, 8, tzinfo=UTC), 1)
    assert result == london(2015, 7, 1, 10)
    assert result.tzinfo == LONDON


def test_working_hours_refuse_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        no_overrides().add_working_hours(datetime(2015, 3, 10, 9), 1)


def test_working_hours_may_use_other_opening_times(db) -> None:
    result = add_working_hours(london(2015, 3, 10, 15), 2, day_start=time(8), day_end=time(16))
    assert result == london(2015, 3, 11, 9)


# Months and due times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2015, 1, 31), 1, date(2015, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2015, 11, 30), 3, date(2016, 2, 29)),
        (date(2015, 12, 15), 1, date(2016, 1, 15)),
        (date(2015, 3, 31), -1, date(2015, 2, 28)),
        (date(2015, 4, 2), 6, date(2015, 10, 2)),
    ],
    ids=str,
)
def test_add_months_keeps_the_day_of_month_clipped_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_a_working_day_timescale_is_due_at_the_end_of_its_last_day(db) -> None:
    due = due_at(TimescaleUnit.WORKING_DAYS, 1, london(2015, 4, 3, 10), "ENG")
    assert due == end_of_day(date(2015, 4, 7))


def test_a_month_timescale_is_due_at_the_end_of_the_same_day_of_month(db) -> None:
    due = due_at(TimescaleUnit.MONTHS, 3, london(2015, 11, 30, 10), "ENG")
    assert due == end_of_day(date(2016, 2, 29))


def test_a_calendar_day_timescale_ignores_bank_holidays(db) -> None:
    due = due_at(TimescaleUnit.CALENDAR_DAYS, 3, london(2015, 4, 2, 10), "ENG")
    assert due == end_of_day(date(2015, 4, 5))


def test_an_hours_timescale_counts_elapsed_hours(db) -> None:
    assert due_at(TimescaleUnit.HOURS, 72, london(2015, 4, 2, 10), "ENG") == london(2015, 4, 5, 10)


def test_a_working_hours_timescale_counts_office_hours(db) -> None:
    assert due_at(TimescaleUnit.WORKING_HOURS, 4, london(2015, 4, 2, 16), "ENG") == london(2015, 4, 7, 12)


def test_an_unknown_unit_is_refused(db) -> None:
    with pytest.raises(ValueError, match="Unknown timescale unit"):
        due_at("fortnights", 1, london(2015, 4, 2, 10), "ENG")


def test_calendars_are_shared_within_a_block_and_read_once(db, django_assert_num_queries) -> None:
    from safeguard.core.calendar import shared_calendars

    with shared_calendars(), django_assert_num_queries(1):
        add_working_days(date(2026, 12, 1), 5)
        add_working_days(date(2026, 12, 2), 5)
        is_working_day(date(2026, 12, 3))


def test_a_changed_override_is_seen_inside_a_shared_block(db) -> None:
    from safeguard.core.calendar import shared_calendars
    from safeguard.core.models import CalendarOverride

    with shared_calendars():
        assert is_working_day(date(2026, 12, 3))
        CalendarOverride.objects.create(
            jurisdiction="ENG", date=date(2026, 12, 3), is_working_day=False, reason="Snow closure"
        )
        assert not is_working_day(date(2026, 12, 3))
