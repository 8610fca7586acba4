from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.personas import *  # noqa: F403 - the demo persona fixtures


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def practitioner(db):
    return MembershipFactory(user__email="practitioner@example.test", user__full_name="Pat Practitioner").user


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@example.test", full_name="Ada Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def signed_in(client: Client, practitioner) -> Client:
    client.force_login(practitioner)
    return client
