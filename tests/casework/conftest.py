"""Children for the casework tests, built through the services with the demo partnership's personas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import Child, Gender


@pytest.fixture
def kai(demo) -> Child:
    """Kai Brennan, 14 months old, on the Liverpool board: registered by the health visitor for Liverpool
    Community Health (health visiting), with Merseyside Police's involvement started by the MASH officer."""
    child = services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Kai",
        family_name="Brennan",
        gender=Gender.MALE,
        date_of_birth=timezone.localdate() - timedelta(days=430),
        agency=demo.agencies.liverpool_community_health,
        service="Health visiting",
    )
    services.start_involvement(
        actor=demo.mash_officer,
        child=child,
        agency=demo.agencies.merseyside_police,
        service="Domestic abuse incidents (public protection)",
    )
    return child
