from __future__ import annotations

from dataclasses import dataclass

import pytest

from safeguard.people.models import Role
from tests.factories import AgencyFactory, BoardFactory, MembershipFactory


@dataclass
class Scenario:
    """The people every walk uses: the right user, and users who must be refused."""

    owner: object  # a practitioner in agency A on board A: the right user
    wrong_role: object  # same agency, a role without access to agency records (e.g. auditor)
    outsider: object  # a lead of agency B on board B


@pytest.fixture
def scenario(db) -> Scenario:
    board_a, board_b = BoardFactory(), BoardFactory()
    agency_a = AgencyFactory(boards=[board_a])
    agency_b = AgencyFactory(boards=[board_b])
    return Scenario(
        owner=MembershipFactory(agency=agency_a, role=Role.PRACTITIONER).user,
        wrong_role=MembershipFactory(agency=agency_a, role=Role.AUDITOR).user,
        outsider=MembershipFactory(agency=agency_b, role=Role.AGENCY_SAFEGUARDING_LEAD).user,
    )


# --- reviews: actions --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _evidence_files_in_a_temporary_directory(settings, tmp_path) -> None:
    """Evidence uploaded by the walks' builders lands in the test's own directory, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
