"""factory_boy factories for the people model. Persona fixtures in conftest build on these."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from safeguard.people.models import (
    Agency,
    Board,
    BoardRole,
    Membership,
    Role,
    Sector,
    Subgroup,
    SubgroupKind,
    SubgroupMembership,
    Team,
    User,
)

TEST_PASSWORD = "a long test passphrase"


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Safeguarding Children Board {n}")
    short_name = factory.Sequence(lambda n: f"TSCB{n}")
    area = factory.Sequence(lambda n: f"Testshire {n}")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    sector = Sector.CHILDRENS_SOCIAL_CARE
    local_authority_area = "Testshire"

    @factory.post_generation
    def boards(self, create: bool, extracted: list[Board] | None, **kwargs: object) -> None:
        if create and extracted:
            self.boards.set(extracted)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PRACTITIONER


class BoardRoleFactory(DjangoModelFactory):
    class Meta:
        model = BoardRole

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    role = Role.BOARD_BUSINESS_MANAGER


class SubgroupFactory(DjangoModelFactory):
    class Meta:
        model = Subgroup

    board = factory.SubFactory(BoardFactory)
    kind = SubgroupKind.SCR
    name = factory.Sequence(lambda n: f"Subgroup {n}")


class SubgroupMembershipFactory(DjangoModelFactory):
    class Meta:
        model = SubgroupMembership

    subgroup = factory.SubFactory(SubgroupFactory)
    user = factory.SubFactory(UserFactory)
    is_chair = False
