"""A Liverpool CIG schedule over the Child N test review's police plan, built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safeguard.monitoring import services
from safeguard.monitoring.models import Cadence
from tests.reviews.conftest import agreed_action, child_n  # noqa: F401  (fixture re-export)


@pytest.fixture
def cig_schedule(demo, child_n):  # noqa: F811
    """Monthly CIG monitoring with one agreed police action, its first cycle not yet open."""
    action = agreed_action(demo, child_n, due=timezone.localdate() + timedelta(days=90))
    schedule = services.create_schedule(
        actor=demo.liverpool_manager,
        board=child_n.liverpool,
        subgroup=child_n.cig,
        name="CIG monthly updates",
        cadence=Cadence.MONTHLY,
        starts_on=date(2026, 1, 5),
    )
    return SimpleNamespace(schedule=schedule, action=action, **vars(child_n))
