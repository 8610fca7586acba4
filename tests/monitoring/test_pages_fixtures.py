"""Fixtures for the monitoring page tests. Test modules take them with a star import (fixtures are only
ever named as test arguments, so nothing else is brought into the module):

    from tests.monitoring.test_pages_fixtures import *  # noqa: F403
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safeguard.monitoring import services
from safeguard.people.models import Role
from tests.factories import BoardFactory, BoardRoleFactory

__all__ = ["meeting", "month", "other_board_manager"]


@pytest.fixture
def other_board_manager(db):
    """The business manager of a board that has nothing to do with Child N."""
    return BoardRoleFactory(board=BoardFactory(), role=Role.BOARD_BUSINESS_MANAGER).user


@pytest.fixture
def month(demo, cig_schedule):
    """The CIG's cycle, opened today by the Liverpool business manager: one request, to the lead officer."""
    cycle, _ = services.open_cycle(
        schedule=cig_schedule.schedule, opens_on=timezone.localdate(), actor=demo.liverpool_manager
    )
    return SimpleNamespace(cycle=cycle, request=cycle.requests.get(), **vars(cig_schedule))


@pytest.fixture
def meeting(demo, month):
    """The CIG's meeting for the cycle, a week away, planned by its chair."""
    return services.schedule_meeting(
        actor=demo.cig_chair, cycle=month.cycle, held_on=timezone.localdate() + timedelta(days=7)
    )
