from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client

from safeguard.core.audit import verify_chain
from safeguard.core.models import AuditEvent
from safeguard.people import demo as demo_module
from safeguard.people.demo import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_PARTNERSHIP,
    load_demo,
    load_demo_partnership,
    register_demo_loader,
)
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

DEMO_EMAILS = [account.email for account in DEMO_PARTNERSHIP.accounts]
PEOPLE_MODELS = [Board, Agency, Team, Subgroup, User, Membership, BoardRole, SubgroupMembership]


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [*PEOPLE_MODELS, AuditEvent]}


@pytest.fixture
def no_extra_loaders(monkeypatch: pytest.MonkeyPatch) -> list:
    loaders: list = []
    monkeypatch.setattr(demo_module, "_loaders", loaders)
    return loaders


# --- What the demo holds -------------------------------------------------------------------------------


def test_demo_creates_the_fourteen_accounts(db) -> None:
    load_demo_partnership()
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(DEMO_EMAILS)
    assert len(DEMO_EMAILS) == 16


def test_demo_creates_the_lancashire_and_liverpool_boards(db) -> None:
    load_demo_partnership()
    assert set(Board.objects.values_list("short_name", "area")) == {
        ("Lancashire LSCB", "Lancashire"),
        ("Liverpool LSCB", "Liverpool"),
    }


def test_demo_creates_the_thirteen_agencies_each_on_its_areas_board(db) -> None:
    load_demo_partnership()
    agencies = Agency.objects.prefetch_related("boards")
    assert agencies.count() == 13
    for agency in agencies:
        assert [board.area for board in agency.boards.all()] == [agency.local_authority_area]


def test_demo_agencies_carry_the_sectors_of_the_review(demo) -> None:
    assert demo.agencies.lcft.sector == Sector.MENTAL_HEALTH
    assert demo.agencies.liverpool_gp.sector == Sector.PRIMARY_CARE
    assert demo.agencies.nursery1.sector == Sector.EARLY_YEARS
    assert demo.agencies.merseyside_police.sector == Sector.POLICE
    assert demo.agencies.alder_hey.sector == Sector.ACUTE_HEALTH


def test_demo_creates_the_subgroups_of_both_boards(demo) -> None:
    assert set(demo.boards.lancashire.subgroups.values_list("kind", flat=True)) == {
        SubgroupKind.SCR,
        SubgroupKind.LEARNING_IMPROVEMENT,
        SubgroupKind.AUDIT,
        SubgroupKind.EXECUTIVE,
    }
    assert set(demo.boards.liverpool.subgroups.values_list("kind", flat=True)) == {
        SubgroupKind.CRITICAL_INCIDENT,
        SubgroupKind.LEARNING_IMPROVEMENT,
        SubgroupKind.AUDIT,
        SubgroupKind.EXECUTIVE,
        SubgroupKind.SCRUTINY,
    }


def test_the_admin_account_is_staff_and_superuser(demo) -> None:
    assert demo.admin.is_staff and demo.admin.is_superuser


def test_only_the_admin_account_is_staff(demo) -> None:
    assert list(User.objects.filter(is_staff=True)) == [demo.admin]


def test_business_managers_hold_the_role_on_their_own_board(demo) -> None:
    managers = BoardRole.objects.filter(role=Role.BOARD_BUSINESS_MANAGER)
    assert set(managers.values_list("user__email", "board__short_name")) == {
        ("manager@lancashire.demo", "Lancashire LSCB"),
        ("manager@liverpool.demo", "Liverpool LSCB"),
    }


def test_the_scr_chair_chairs_the_lancashire_scr_subgroup(demo) -> None:
    seat = SubgroupMembership.objects.get(user=demo.scr_chair)
    assert seat.subgroup == demo.subgroups.lancashire_scr
    assert seat.is_chair
    assert demo.scr_chair.has_role(Role.SUBGROUP_MEMBER)


def test_the_cig_chair_chairs_the_critical_incident_group(demo) -> None:
    chairs = SubgroupMembership.objects.filter(subgroup=demo.subgroups.liverpool_cig, is_chair=True)
    assert [seat.user for seat in chairs] == [demo.cig_chair]


def test_the_critical_incident_group_has_the_manager_and_police_lead_as_members(demo) -> None:
    members = set(demo.subgroups.liverpool_cig.members.all())
    assert members == {demo.cig_chair, demo.liverpool_manager, demo.police_lead}


def test_the_lancashire_manager_sits_on_the_scr_subgroup(demo) -> None:
    assert demo.subgroups.lancashire_scr in demo.lancashire_manager.subgroups.all()


def test_the_auditor_audits_for_liverpool_and_sits_on_its_audit_sub_group(demo) -> None:
    assert demo.auditor.board_roles.filter(board=demo.boards.liverpool, role=Role.AUDITOR).exists()
    assert list(demo.auditor.subgroups.all()) == [demo.subgroups.liverpool_audit]


@pytest.mark.parametrize(
    ("persona", "agency", "role", "team"),
    [
        ("csc_lead", "lancashire_csc", Role.AGENCY_SAFEGUARDING_LEAD, "lancashire_csc_qa"),
        ("police_lead", "merseyside_police", Role.AGENCY_SAFEGUARDING_LEAD, None),
        ("mash_officer", "liverpool_cs", Role.MASH_OFFICER, "liverpool_mash"),
        ("social_worker", "liverpool_cs", Role.PRACTITIONER, "liverpool_assessment"),
        ("police_officer", "merseyside_police", Role.PRACTITIONER, "police_response"),
        ("ops_supervisor", "merseyside_police", Role.OPERATIONAL_SUPERVISOR, "police_response"),
        ("control_supervisor", "merseyside_police", Role.CONTROL_ROOM_SUPERVISOR, "police_control_room"),
        ("nursery_dsl", "nursery1", Role.PRACTITIONER, None),
    ],
)
def test_agency_personas_hold_their_role_in_their_agency(demo, persona, agency, role, team) -> None:
    membership = getattr(demo, persona).memberships.get()
    assert membership.agency == getattr(demo.agencies, agency)
    assert membership.role == role
    assert membership.team == (getattr(demo.teams, team) if team else None)


def test_the_default_demo_password_passes_the_password_rules_for_every_account(demo) -> None:
    for user in demo.users.values():
        validate_password(DEFAULT_DEMO_PASSWORD, user)


def test_demo_uses_the_demo_password_from_the_environment(db, monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "another long demo passphrase")
    load_demo_partnership()
    assert User.objects.get(email="auditor@liverpool.demo").check_password("another long demo passphrase")


def test_demo_refuses_a_demo_password_that_breaks_the_password_rules(db, monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "short")
    with pytest.raises(Exception, match="too short"):
        load_demo_partnership()
    assert not User.objects.exists()


# --- Idempotence and the audit trail ------------------------------------------------------------------


def test_a_second_run_changes_no_row_and_writes_no_audit_event(db) -> None:
    load_demo_partnership()
    before = _row_counts()
    second = load_demo_partnership()
    assert _row_counts() == before
    assert second["created"] == {} and second["updated"] == {}


def test_a_second_run_keeps_a_changed_password(demo) -> None:
    demo.auditor.set_password("the auditor's own passphrase")
    demo.auditor.save()
    load_demo_partnership()
    demo.auditor.refresh_from_db()
    assert demo.auditor.check_password("the auditor's own passphrase")


def test_reset_passwords_sets_the_demo_password_again(demo) -> None:
    demo.auditor.set_password("the auditor's own passphrase")
    demo.auditor.save()
    load_demo_partnership(reset_passwords=True)
    demo.auditor.refresh_from_db()
    assert demo.auditor.check_password(demo.password)


def test_reset_passwords_is_audited(demo) -> None:
    demo.auditor.set_password("the auditor's own passphrase")
    demo.auditor.save()
    load_demo_partnership(reset_passwords=True)
    event = AuditEvent.objects.get(action="demo.passwords_reset")
    assert event.changes == {"users": ["auditor@liverpool.demo"]}


def test_the_first_run_records_one_event_per_created_row_group(db) -> None:
    load_demo_partnership()
    events = AuditEvent.objects.all()
    assert {event.system_process for event in events} == {"load_demo"}
    assert sorted(event.action for event in events) == sorted(
        f"demo.{group}_created"
        for group in (
            "boards",
            "agencies",
            "teams",
            "subgroups",
            "users",
            "memberships",
            "board_roles",
            "subgroup_memberships",
        )
    )


def test_the_audit_chain_verifies_after_loading(db) -> None:
    load_demo_partnership()
    assert list(verify_chain()) == []


def test_a_run_restores_a_changed_declared_value_and_audits_it(demo) -> None:
    Agency.objects.filter(pk=demo.agencies.lcft.pk).update(sector=Sector.OTHER)
    load_demo_partnership()
    demo.agencies.lcft.refresh_from_db()
    assert demo.agencies.lcft.sector == Sector.MENTAL_HEALTH
    assert AuditEvent.objects.get(action="demo.agencies_updated").changes == {
        "updated": {"Lancashire Care Foundation Trust": ["sector"]}
    }


def test_a_run_recreates_a_missing_subgroup_seat_only(demo) -> None:
    SubgroupMembership.objects.filter(user=demo.auditor).delete()
    load_demo_partnership()
    assert SubgroupMembership.objects.filter(user=demo.auditor).count() == 1
    assert AuditEvent.objects.filter(action__endswith="_created").latest("sequence").action == (
        "demo.subgroup_memberships_created"
    )


# --- Signing in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_every_demo_account_signs_in_through_the_sign_in_form(demo, client: Client, email: str) -> None:
    response = client.post("/sign-in/", {"email": email, "password": demo.password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo.user(email).pk)


# --- Later apps' loaders -------------------------------------------------------------------------------


def test_load_demo_runs_registered_loaders_after_the_partnership(db, no_extra_loaders) -> None:
    seen: list[int] = []

    @register_demo_loader
    def count_boards(*, partnership, stdout=None):
        seen.append(Board.objects.count())
        return {"boards_seen": len(partnership["boards"])}

    result = load_demo()
    assert seen == [2]
    assert list(result["loaders"].values()) == [{"boards_seen": 2}]


def test_a_loader_is_registered_once_however_often_it_is_registered(no_extra_loaders) -> None:
    def loader(*, partnership, stdout=None):
        return None

    register_demo_loader(loader)
    register_demo_loader(loader)
    assert no_extra_loaders == [loader]


def test_a_failing_loader_rolls_back_the_whole_demo(db, no_extra_loaders) -> None:
    @register_demo_loader
    def broken(*, partnership, stdout=None):
        raise RuntimeError("broken loader")

    with pytest.raises(RuntimeError):
        load_demo()
    assert not Board.objects.exists()
    assert not AuditEvent.objects.exists()


# --- The command ---------------------------------------------------------------------------------------


def test_load_demo_command_loads_the_partnership(db, no_extra_loaders) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert User.objects.count() == 16
    assert "Created 16 users." in out.getvalue()


def test_load_demo_command_says_nothing_changed_on_a_second_run(db, no_extra_loaders) -> None:
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue() == "The demo partnership is already loaded; nothing changed.\n"


def test_list_accounts_prints_every_demo_email(db) -> None:
    out = StringIO()
    call_command("load_demo", "--list-accounts", stdout=out)
    for email in DEMO_EMAILS:
        assert email in out.getvalue()


def test_list_accounts_prints_only_the_table(db) -> None:
    out = StringIO()
    call_command("load_demo", "--list-accounts", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + len(DEMO_EMAILS)
    assert lines[0].split() == ["E-mail", "Role"]


def test_list_accounts_loads_nothing(db) -> None:
    call_command("load_demo", "--list-accounts", stdout=StringIO())
    assert not User.objects.exists()
