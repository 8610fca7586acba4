"""Persona fixtures: the demo partnership, loaded for the test that asks for it.

    def test_something(demo):
        demo.mash_officer            # a User, one attribute per demo account key
        demo.boards.liverpool        # a Board; demo.agencies.merseyside_police, demo.teams.liverpool_mash,
        demo.subgroups.liverpool_cig # demo.subgroups.lancashire_scr ... (the keys of people.demo)
        demo.user("dsl@nursery1.demo")

    def test_a_page(client_as, demo):
        client = client_as(demo.auditor)   # a Client signed in as that user

Tests use the MD5 hasher (the test settings), so loading the 16 accounts is quick.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from safeguard.people.demo import DEMO_PARTNERSHIP, demo_password, load_demo_partnership
from safeguard.people.models import User

__all__ = ["client_as", "demo", "demo_password_value"]


class DemoPartnership(SimpleNamespace):
    """The loaded demo: persona users as attributes, organisations in namespaces by their short keys."""

    boards: SimpleNamespace
    agencies: SimpleNamespace
    teams: SimpleNamespace
    subgroups: SimpleNamespace
    users: dict[str, User]
    password: str

    def user(self, email: str) -> User:
        return User.objects.get(email__iexact=email)

    def account_emails(self) -> list[str]:
        return [account.email for account in DEMO_PARTNERSHIP.accounts]


@pytest.fixture
def demo(db: Any) -> DemoPartnership:
    loaded = load_demo_partnership()
    return DemoPartnership(
        **loaded["users"],
        users=loaded["users"],
        boards=SimpleNamespace(**loaded["boards"]),
        agencies=SimpleNamespace(**loaded["agencies"]),
        teams=SimpleNamespace(**loaded["teams"]),
        subgroups=SimpleNamespace(**loaded["subgroups"]),
        password=demo_password(),
    )


@pytest.fixture
def demo_password_value() -> str:
    return demo_password()


@pytest.fixture
def client_as(db: Any) -> Callable[[User], Client]:
    """Make a fresh Client signed in as the given user (force_login: no password, no lockout counting)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
