"""The shared form pieces: a time of day, and the moment a wall clock in London showed."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from safeguard.core.calendar import LONDON
from safeguard.core.govuk_forms import TimeOfDayField, local_moment


def test_a_time_that_never_happened_in_london_has_no_moment() -> None:
    # 29 March 2026: the clocks went forward from 01:00 to 02:00.
    assert local_moment(date(2026, 3, 29), time(1, 30), LONDON) is None


def test_a_time_either_side_of_the_gap_is_that_moment_in_london() -> None:
    before = local_moment(date(2026, 3, 29), time(0, 30), LONDON)
    after = local_moment(date(2026, 3, 29), time(2, 30), LONDON)
    assert before is not None and before.utcoffset().total_seconds() == 0
    assert after is not None and after.utcoffset().total_seconds() == 3600


@pytest.mark.parametrize(
    ("typed", "expected"), [("14:30", time(14, 30)), ("9.05", time(9, 5)), (" 07:00 ", time(7, 0))]
)
def test_a_time_of_day_is_read_from_hours_and_minutes(typed: str, expected: time) -> None:
    assert TimeOfDayField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "noon", "1430", "12:3"])
def test_anything_else_is_refused_with_the_message(typed: str) -> None:
    with pytest.raises(ValidationError, match="hours and minutes"):
        TimeOfDayField().clean(typed)
