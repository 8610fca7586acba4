"""Fixtures for core: timescale rules, clocks on a content-free subject, London times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from safeguard.core.calendar import LONDON
from safeguard.core.models import Clock, TimescaleRule, TimescaleUnit
from safeguard.core.services import start_clock
from tests.factories import BoardFactory


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def make_rule(db) -> Callable[..., TimescaleRule]:
    def make(
        code: str = "test-rule",
        *,
        unit: str = TimescaleUnit.WORKING_DAYS,
        limit: int = 5,
        amber_within: int = 1,
        name: str = "Test timescale",
    ) -> TimescaleRule:
        rule, _ = TimescaleRule.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "regime": "local",
                "start_event": "Test event",
                "unit": unit,
                "limit": limit,
                "amber_within": amber_within,
            },
        )
        return rule

    return make


@pytest.fixture
def subject(db) -> Any:
    # Clocks hang off any record; a board is one that carries no child's details.
    return BoardFactory()


@pytest.fixture
def make_clock(db, subject, make_rule) -> Callable[..., Clock]:
    def make(
        *,
        rule: TimescaleRule | None = None,
        started_at: datetime,
        owner: Any = None,
        title: str = "Complete the assessment",
        url: str = "/work/1/",
        jurisdiction: str = "ENG",
    ) -> Clock:
        return start_clock(
            system_process="tests",
            rule=rule or make_rule(),
            subject=subject,
            started_at=started_at,
            owner=owner,
            title=title,
            url=url,
            jurisdiction=jurisdiction,
        )

    return make
