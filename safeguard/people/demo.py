"""The demo partnership: the Lancashire and Liverpool boards and agencies of the Child N review.

The data is declarative (`DEMO_PARTNERSHIP`); `load_demo_partnership` makes the database match it and
is idempotent: a second run finds every row by its natural key and changes nothing. Existing users keep
their passwords unless `reset_passwords=True`.

Later apps add their own demo data without editing this module: they register a loader with
`register_demo_loader` (in their AppConfig.ready()); `load_demo` runs the partnership first and then each
registered loader, in registration order, in one transaction. A loader is called as
`loader(partnership=<the dict returned by load_demo_partnership>, stdout=<stream or None>)`, must be
idempotent itself and may return a summary dict.

All people and organisations are fictional apart from the agencies the published response names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction

from safeguard.core.audit import record_event
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

SYSTEM_PROCESS = "load_demo"
DEFAULT_DEMO_PASSWORD = "safeguard-demo-2026"  # noqa: S105 - a published demo password, as in the Makefile


def demo_password() -> str:
    """The password of every demo account: $DEMO_PASSWORD, or the default the Makefile also uses."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


class Writer(Protocol):
    """Where progress goes: a management command's stdout, a StringIO, sys.stdout."""

    def write(self, text: str) -> Any: ...


# --- The declarative data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardSpec:
    key: str
    name: str
    short_name: str
    area: str


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    sector: str
    area: str
    boards: tuple[str, ...]
    teams: tuple[TeamSpec, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SubgroupSpec:
    key: str
    board: str
    kind: str
    name: str


@dataclass(frozen=True)
class MembershipSpec:
    agency: str
    role: str
    team: str | None = None


@dataclass(frozen=True)
class BoardRoleSpec:
    board: str
    role: str


@dataclass(frozen=True)
class SubgroupSeatSpec:
    subgroup: str
    is_chair: bool = False


@dataclass(frozen=True)
class AccountSpec:
    key: str
    email: str
    full_name: str
    job_title: str
    description: str
    is_staff: bool = False
    is_superuser: bool = False
    memberships: tuple[MembershipSpec, ...] = ()
    board_roles: tuple[BoardRoleSpec, ...] = ()
    subgroups: tuple[SubgroupSeatSpec, ...] = ()


@dataclass(frozen=True)
class PartnershipSpec:
    boards: tuple[BoardSpec, ...]
    agencies: tuple[AgencySpec, ...]
    subgroups: tuple[SubgroupSpec, ...]
    accounts: tuple[AccountSpec, ...] = ()


LANCS = "Lancashire"
LPOOL = "Liverpool"

DEMO_PARTNERSHIP = PartnershipSpec(
    boards=(
        BoardSpec("lancashire", "Lancashire Safeguarding Children Board", "Lancashire LSCB", LANCS),
        BoardSpec("liverpool", "Liverpool Safeguarding Children Board", "Liverpool LSCB", LPOOL),
    ),
    agencies=(
        # Lancashire agencies.
        AgencySpec(
            "lancashire_csc",
            "Lancashire Children's Social Care",
            Sector.CHILDRENS_SOCIAL_CARE,
            LANCS,
            ("lancashire",),
            (
                TeamSpec("lancashire_social_work", "Children's Social Work Team"),
                TeamSpec("lancashire_csc_qa", "Safeguarding and Quality Assurance"),
            ),
        ),
        AgencySpec(
            "lcft",
            "Lancashire Care Foundation Trust",
            Sector.MENTAL_HEALTH,
            LANCS,
            ("lancashire",),
            (
                TeamSpec("lcft_safeguarding", "Safeguarding Team"),
                TeamSpec("lcft_children_in_care", "Children in Care Health Team"),
            ),
            note="Mental health and community health provider.",
        ),
        AgencySpec(
            "school",
            "Lancashire primary school (the school)",
            Sector.SCHOOL,
            LANCS,
            ("lancashire",),
            note="The response names it only as 'School'.",
        ),
        AgencySpec(
            "lancashire_police",
            "Lancashire Constabulary",
            Sector.POLICE,
            LANCS,
            ("lancashire",),
            (TeamSpec("lancashire_ppu", "Public Protection Unit"),),
        ),
        # The response lists Private Day Nursery 1 among the Lancashire agencies; Private Day Nursery 2 comes
        # last and is not placed. Both are Lancashire here: the recommendation on guidance to nursery settings
        # is Lancashire LSCB's, and the school that takes children from the nurseries is in Lancashire.
        AgencySpec("nursery1", "Private Day Nursery 1", Sector.EARLY_YEARS, LANCS, ("lancashire",)),
        AgencySpec("nursery2", "Private Day Nursery 2", Sector.EARLY_YEARS, LANCS, ("lancashire",)),
        # Liverpool agencies.
        AgencySpec("liverpool_gp", "Liverpool GP practice", Sector.PRIMARY_CARE, LPOOL, ("liverpool",)),
        AgencySpec(
            "liverpool_cs",
            "Liverpool Children's Services",
            Sector.CHILDRENS_SOCIAL_CARE,
            LPOOL,
            ("liverpool",),
            (
                TeamSpec("liverpool_mash", "Liverpool MASH"),
                TeamSpec("liverpool_assessment", "Assessment and Intervention Team"),
                TeamSpec("liverpool_cs_qa", "Quality Assurance Team"),
            ),
        ),
        AgencySpec(
            "liverpool_womens",
            "Liverpool Women's NHS Foundation Trust",
            Sector.ACUTE_HEALTH,
            LPOOL,
            ("liverpool",),
            (TeamSpec("liverpool_womens_safeguarding", "Safeguarding Team"),),
        ),
        AgencySpec(
            "liverpool_community_health",
            "Liverpool Community Health NHS Trust",
            Sector.COMMUNITY_HEALTH,
            LPOOL,
            ("liverpool",),
            (TeamSpec("liverpool_health_visiting", "Health Visiting Team"),),
        ),
        AgencySpec(
            "royal_liverpool",
            "Royal Liverpool & Broadgreen Hospitals Trust",
            Sector.ACUTE_HEALTH,
            LPOOL,
            ("liverpool",),
        ),
        AgencySpec(
            "alder_hey",
            "Alder Hey Children's NHS Foundation Trust",
            Sector.ACUTE_HEALTH,
            LPOOL,
            ("liverpool",),
            (TeamSpec("alder_hey_safeguarding", "Safeguarding Team"),),
        ),
        AgencySpec(
            "merseyside_police",
            "Merseyside Police",
            Sector.POLICE,
            LPOOL,
            ("liverpool",),
            (
                TeamSpec("police_response", "Liverpool BCU Response Team"),
                TeamSpec("police_control_room", "Control Room"),
                TeamSpec("police_vprf", "Vulnerable Person Referral Unit"),
            ),
        ),
    ),
    subgroups=(
        SubgroupSpec("lancashire_scr", "lancashire", SubgroupKind.SCR, "SCR Subgroup"),
        SubgroupSpec(
            "lancashire_li",
            "lancashire",
            SubgroupKind.LEARNING_IMPROVEMENT,
            "Learning & Improvement Subgroup",
        ),
        SubgroupSpec("lancashire_audit", "lancashire", SubgroupKind.AUDIT, "Audit Subgroup"),
        SubgroupSpec("lancashire_executive", "lancashire", SubgroupKind.EXECUTIVE, "Executive Group"),
        SubgroupSpec("liverpool_cig", "liverpool", SubgroupKind.CRITICAL_INCIDENT, "Critical Incident Group"),
        SubgroupSpec(
            "liverpool_li", "liverpool", SubgroupKind.LEARNING_IMPROVEMENT, "Learning & Improvement Sub Group"
        ),
        SubgroupSpec("liverpool_audit", "liverpool", SubgroupKind.AUDIT, "Audit Sub Group"),
        SubgroupSpec("liverpool_executive", "liverpool", SubgroupKind.EXECUTIVE, "Executive Group"),
        SubgroupSpec(
            "liverpool_scrutiny", "liverpool", SubgroupKind.SCRUTINY, "Scrutiny Audit & Review Group"
        ),
    ),
    # Whoever sits on a subgroup also holds the board's subgroup_member role, so permissions can ask the
    # board-role question without joining subgroups.
    accounts=(
        AccountSpec(
            "admin",
            "admin@safeguard.demo",
            "Alex Administrator",
            "System administrator",
            "Administrator (all administration pages)",
            is_staff=True,
            is_superuser=True,
        ),
        AccountSpec(
            "lancashire_manager",
            "manager@lancashire.demo",
            "Morgan Ashworth",
            "LSCB Business Manager",
            "Board business manager, Lancashire LSCB; SCR Subgroup member",
            board_roles=(
                BoardRoleSpec("lancashire", Role.BOARD_BUSINESS_MANAGER),
                BoardRoleSpec("lancashire", Role.SUBGROUP_MEMBER),
            ),
            subgroups=(SubgroupSeatSpec("lancashire_scr"),),
        ),
        AccountSpec(
            "scr_chair",
            "scr.chair@lancashire.demo",
            "Priya Whitmore",
            "Chair, SCR Subgroup",
            "Chair of the SCR Subgroup, Lancashire LSCB",
            board_roles=(BoardRoleSpec("lancashire", Role.SUBGROUP_MEMBER),),
            subgroups=(SubgroupSeatSpec("lancashire_scr", is_chair=True),),
        ),
        AccountSpec(
            "liverpool_manager",
            "manager@liverpool.demo",
            "Jordan Kearney",
            "LSCB Business Manager",
            "Board business manager, Liverpool LSCB; Critical Incident Group member",
            board_roles=(
                BoardRoleSpec("liverpool", Role.BOARD_BUSINESS_MANAGER),
                BoardRoleSpec("liverpool", Role.SUBGROUP_MEMBER),
            ),
            subgroups=(SubgroupSeatSpec("liverpool_cig"),),
        ),
        AccountSpec(
            "cig_chair",
            "cig.chair@liverpool.demo",
            "Samira Okonjo",
            "Chair, Critical Incident Group",
            "Chair of the Critical Incident Group, Liverpool LSCB",
            board_roles=(BoardRoleSpec("liverpool", Role.SUBGROUP_MEMBER),),
            subgroups=(SubgroupSeatSpec("liverpool_cig", is_chair=True),),
        ),
        AccountSpec(
            "csc_lead",
            "lead@lancashire-csc.demo",
            "Dana Fairclough",
            "Head of Safeguarding",
            "Agency safeguarding lead, Lancashire Children's Social Care",
            memberships=(
                MembershipSpec("lancashire_csc", Role.AGENCY_SAFEGUARDING_LEAD, "lancashire_csc_qa"),
            ),
        ),
        AccountSpec(
            "police_lead",
            "lead@merseyside-police.demo",
            "Chris Ellison",
            "Detective Chief Inspector, Public Protection",
            "Agency safeguarding lead, Merseyside Police; Critical Incident Group member",
            memberships=(MembershipSpec("merseyside_police", Role.AGENCY_SAFEGUARDING_LEAD),),
            board_roles=(BoardRoleSpec("liverpool", Role.SUBGROUP_MEMBER),),
            subgroups=(SubgroupSeatSpec("liverpool_cig"),),
        ),
        AccountSpec(
            "mash_officer",
            "mash@liverpool-cs.demo",
            "Robin Tate",
            "MASH Social Worker",
            "MASH officer, Liverpool Children's Services (Liverpool MASH)",
            memberships=(MembershipSpec("liverpool_cs", Role.MASH_OFFICER, "liverpool_mash"),),
        ),
        AccountSpec(
            "mash_manager",
            "mash.manager@liverpool-cs.demo",
            "Priya Ashworth",
            "MASH Team Manager",
            "MASH manager, Liverpool Children's Services (Liverpool MASH): decides contacts",
            memberships=(MembershipSpec("liverpool_cs", Role.MASH_MANAGER, "liverpool_mash"),),
        ),
        AccountSpec(
            "health_visitor",
            "health.visitor@liverpool-community-health.demo",
            "Morgan Fairclough",
            "Health Visitor",
            "Practitioner (health visitor), Liverpool Community Health NHS Trust",
            memberships=(
                MembershipSpec("liverpool_community_health", Role.PRACTITIONER, "liverpool_health_visiting"),
            ),
        ),
        AccountSpec(
            "social_worker",
            "social.worker@liverpool-cs.demo",
            "Jamie Horrocks",
            "Social Worker",
            "Practitioner (social worker), Liverpool Children's Services",
            memberships=(MembershipSpec("liverpool_cs", Role.PRACTITIONER, "liverpool_assessment"),),
        ),
        AccountSpec(
            "police_officer",
            "officer@merseyside-police.demo",
            "Casey Lowther",
            "Police Constable",
            "Practitioner (police officer), Merseyside Police",
            memberships=(MembershipSpec("merseyside_police", Role.PRACTITIONER, "police_response"),),
        ),
        AccountSpec(
            "ops_supervisor",
            "ops.supervisor@merseyside-police.demo",
            "Taylor Brennan",
            "Police Sergeant",
            "Operational supervisor, Merseyside Police",
            memberships=(
                MembershipSpec("merseyside_police", Role.OPERATIONAL_SUPERVISOR, "police_response"),
            ),
        ),
        AccountSpec(
            "control_supervisor",
            "control.supervisor@merseyside-police.demo",
            "Avery Marsden",
            "Control Room Supervisor",
            "Control-room supervisor, Merseyside Police (Control Room)",
            memberships=(
                MembershipSpec("merseyside_police", Role.CONTROL_ROOM_SUPERVISOR, "police_control_room"),
            ),
        ),
        AccountSpec(
            # A nursery's designated safeguarding lead is a practitioner in the persona table: they record
            # concerns, refer and share information at the front door. The agency lead role (owning the
            # agency's action plan) can be added here if a later module's demo needs it for the nursery.
            "nursery_dsl",
            "dsl@nursery1.demo",
            "Leslie Parbold",
            "Designated Safeguarding Lead",
            "Practitioner (designated safeguarding lead), Private Day Nursery 1",
            memberships=(MembershipSpec("nursery1", Role.PRACTITIONER),),
        ),
        AccountSpec(
            "auditor",
            "auditor@liverpool.demo",
            "Rowan Prescott",
            "Quality Assurance Auditor",
            "Auditor, Liverpool LSCB; Audit Sub Group member",
            board_roles=(
                BoardRoleSpec("liverpool", Role.AUDITOR),
                BoardRoleSpec("liverpool", Role.SUBGROUP_MEMBER),
            ),
            subgroups=(SubgroupSeatSpec("liverpool_audit"),),
        ),
    ),
)


def list_accounts(spec: PartnershipSpec = DEMO_PARTNERSHIP) -> list[tuple[str, str]]:
    """(e-mail, role description) of every demo account, without touching the database."""
    return [(account.email, account.description) for account in spec.accounts]


# --- Later apps' loaders -------------------------------------------------------------------------------

DemoLoader = Callable[..., Any]
_loaders: list[DemoLoader] = []


def register_demo_loader(loader: DemoLoader) -> DemoLoader:
    """Add a loader that `load_demo` runs after the partnership. Usable as a decorator; registers once."""
    if loader not in _loaders:
        _loaders.append(loader)
    return loader


def registered_demo_loaders() -> list[DemoLoader]:
    return list(_loaders)


# --- Loading -------------------------------------------------------------------------------------------


GROUPS = (
    "boards",
    "agencies",
    "teams",
    "subgroups",
    "users",
    "memberships",
    "board_roles",
    "subgroup_memberships",
)


class _Changes:
    """What one run created and updated, by row group, for the audit trail and the summary."""

    def __init__(self) -> None:
        self.created: dict[str, list[str]] = {}
        self.updated: dict[str, dict[str, list[str]]] = {}

    def in_order(self) -> None:
        self.created = {g: self.created[g] for g in GROUPS if g in self.created}
        self.updated = {g: self.updated[g] for g in GROUPS if g in self.updated}

    def note(self, group: str, key: str, created: bool, changed: list[str]) -> None:
        if created:
            self.created.setdefault(group, []).append(key)
        elif changed:
            self.updated.setdefault(group, {})[key] = changed


def _ensure(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, bool, list[str]]:
    """Find the row by its natural key; create it, or bring the declared fields up to date if they differ."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), True, []
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, False, changed


def _write(stdout: Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text if text.endswith("\n") else text + "\n")


@transaction.atomic
def load_demo_partnership(
    *,
    stdout: Writer | None = None,
    reset_passwords: bool = False,
    spec: PartnershipSpec = DEMO_PARTNERSHIP,
) -> dict[str, Any]:
    """Make the database hold the demo partnership. Idempotent; returns the rows by their short keys.

    The result has `boards`, `agencies`, `teams`, `subgroups` and `users` (dicts from key to row) and
    `created` / `updated` (row group to natural keys) describing what this run changed.
    """
    password = demo_password()
    changes = _Changes()

    boards: dict[str, Board] = {}
    for b in spec.boards:
        board, created, changed = _ensure(
            Board, {"name": b.name}, {"short_name": b.short_name, "area": b.area}
        )
        boards[b.key] = board
        changes.note("boards", b.name, created, changed)

    agencies: dict[str, Agency] = {}
    teams: dict[str, Team] = {}
    for a in spec.agencies:
        agency, created, changed = _ensure(
            Agency, {"name": a.name}, {"sector": str(a.sector), "local_authority_area": a.area}
        )
        wanted = {boards[key].pk for key in a.boards}
        present = set(agency.boards.values_list("pk", flat=True))
        if wanted - present:
            agency.boards.add(*(wanted - present))
            if not created:
                changed.append("boards")
        agencies[a.key] = agency
        changes.note("agencies", a.name, created, changed)
        for t in a.teams:
            team, created, changed = _ensure(Team, {"agency": agency, "name": t.name}, {})
            teams[t.key] = team
            changes.note("teams", f"{t.name} ({a.name})", created, changed)

    subgroups: dict[str, Subgroup] = {}
    for s in spec.subgroups:
        subgroup, created, changed = _ensure(
            Subgroup, {"board": boards[s.board], "name": s.name}, {"kind": str(s.kind)}
        )
        subgroups[s.key] = subgroup
        changes.note("subgroups", f"{s.name} ({boards[s.board].short_name})", created, changed)

    users: dict[str, User] = {}
    reset: list[str] = []
    for acc in spec.accounts:
        user = User.objects.filter(email__iexact=acc.email).first()
        declared = {
            "full_name": acc.full_name,
            "job_title": acc.job_title,
            "is_staff": acc.is_staff,
            "is_superuser": acc.is_superuser,
        }
        if user is None:
            user = User(email=acc.email.lower(), **declared)
            validate_password(password, user)
            user.set_password(password)
            user.save()
            changes.note("users", acc.email, True, [])
        else:
            changed = [name for name, value in declared.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, declared[name])
            if reset_passwords and not user.check_password(password):
                validate_password(password, user)
                user.set_password(password)
                changed.append("password")
                reset.append(acc.email)
            if changed:
                user.save(update_fields=changed)
            changes.note("users", acc.email, False, [name for name in changed if name != "password"])
        users[acc.key] = user

        for m in acc.memberships:
            _, created, changed = _ensure(
                Membership,
                {"user": user, "agency": agencies[m.agency], "role": str(m.role), "ended_on": None},
                {"team": teams[m.team] if m.team else None},
            )
            changes.note(
                "memberships", f"{acc.email}: {m.role} at {agencies[m.agency].name}", created, changed
            )
        for r in acc.board_roles:
            _, created, changed = _ensure(
                BoardRole, {"user": user, "board": boards[r.board], "role": str(r.role), "ended_on": None}, {}
            )
            changes.note(
                "board_roles", f"{acc.email}: {r.role} on {boards[r.board].short_name}", created, changed
            )
        for seat in acc.subgroups:
            _, created, changed = _ensure(
                SubgroupMembership,
                {"subgroup": subgroups[seat.subgroup], "user": user, "ended_on": None},
                {"is_chair": seat.is_chair},
            )
            changes.note("subgroup_memberships", f"{acc.email}: {subgroups[seat.subgroup]}", created, changed)

    changes.in_order()
    for group, keys in changes.created.items():
        record_event(
            system_process=SYSTEM_PROCESS,
            action=f"demo.{group}_created",
            changes={"created": keys},
            reason="Demo partnership loaded",
        )
    for group, fields in changes.updated.items():
        record_event(
            system_process=SYSTEM_PROCESS,
            action=f"demo.{group}_updated",
            changes={"updated": fields},
            reason="Demo partnership brought back to its declared values",
        )
    if reset:
        record_event(
            system_process=SYSTEM_PROCESS,
            action="demo.passwords_reset",
            changes={"users": reset},
            reason="load_demo --reset-passwords",
        )

    if changes.created or changes.updated or reset:
        for group, keys in changes.created.items():
            _write(stdout, f"Created {len(keys)} {group.replace('_', ' ')}.")
        for group, fields in changes.updated.items():
            _write(stdout, f"Updated {len(fields)} {group.replace('_', ' ')}.")
        if reset:
            _write(stdout, f"Reset the passwords of {len(reset)} demo accounts.")
    else:
        _write(stdout, "The demo partnership is already loaded; nothing changed.")

    return {
        "boards": boards,
        "agencies": agencies,
        "teams": teams,
        "subgroups": subgroups,
        "users": users,
        "created": changes.created,
        "updated": changes.updated,
        "passwords_reset": reset,
    }


@transaction.atomic
def load_demo(*, stdout: Writer | None = None, reset_passwords: bool = False) -> dict[str, Any]:
    """The partnership and then every registered loader, all in one transaction."""
    from safeguard.core.models import TimescaleRule
    from safeguard.core.timescales import seed_default_rules

    # The demo's clocks need the default timescales; a database emptied since its migrations (a flushed
    # test database, a wiped table) gets back any that are missing. Local changes are kept.
    seed_default_rules(TimescaleRule, overwrite=False)
    partnership = load_demo_partnership(stdout=stdout, reset_passwords=reset_passwords)
    extras: dict[str, Any] = {}
    for loader in _loaders:
        extras[f"{loader.__module__}.{loader.__qualname__}"] = loader(partnership=partnership, stdout=stdout)
    return {**partnership, "loaders": extras}
