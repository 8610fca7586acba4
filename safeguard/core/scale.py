"""Scale data: a deterministic, seeded generator of a large area's volume, for benchmarks.

`manage.py generate_scale_data --profile demo|large [--seed N]` runs every registered generator once, in
dependency order, against an empty (freshly migrated) scratch database. The same profile and seed give
the same rows on a fresh database every time: each generator draws from its own `random.Random` seeded
with "<seed>:<generator name>", and times are counted back from a fixed anchor, never from the clock.

Profiles (`PROFILES`) hold every table's target count in one place, including the tables of apps that
do not generate yet (children, chronology, contacts): the large profile is the design's ten-year volume
for a region of ten boards. Generated now: boards, agencies, teams, users and their roles (`people`),
open clocks, the audit trail and the access log (`core.*`), and the review register with its findings,
recommendations, plans, actions and every action's history (`reviews`; see `generate_reviews`).

Personas (all with `SCALE_PASSWORD`): the administrator; a practitioner who owns an average share of
open clocks and whose own record is the access log's "hot" record; an auditor of the first board; and a
monitor, an agency safeguarding lead with a seat on their board's SCR subgroup, who leads actions and
judges other agencies' evidence and impact. The monitor's board leads the "hot" review, the one with
`reviews.hot_review_actions` actions.

How an app adds its tables
--------------------------
Create `safeguard/<app>/scale.py`; the command imports every installed app's `scale` module
(`autodiscover_modules("scale")`), so nothing else needs editing. In it::

    from safeguard.core.scale import ScaleContext, register_generator

    def generate_actions(ctx: ScaleContext) -> dict[str, int]:
        users = ctx.state["people.user_ids"]           # shared by the people generator
        rows = (
            (ctx.rng.choice(users), f"Action {n}", ctx.anchor - ctx.days(ctx.rng.randint(0, 3650)))
            for n in range(ctx.count("actions"))
        )
        written = ctx.bulk_insert(Action, ("owner_id", "title", "created_at"), rows)
        return {"reviews.action": written}

    register_generator("reviews.actions", generate_actions, depends_on=["people"])

Rules for a generator:
- draw only from `ctx.rng` (never `random` or the wall clock), so the data is reproducible;
- take counts from `ctx.count(key)` (add the key to the profiles here) so that `tiny` stays tiny;
- write with `ctx.bulk_insert` (bulk_create in batches; COPY on PostgreSQL) or `bulk_create` in batches,
  never row by row; a generator runs in its own transaction unless registered with `atomic=False`
  (then it must commit in batches itself, as `ctx.bulk_insert(..., commit_every=...)` does);
- publish what later generators need in `ctx.state` under "<app>.<name>" keys, and return the number
  of rows written per table (the command prints them);
- write audit events only through `ctx.audit_rows` (below), which keeps the hash chain valid.

Idempotence: the command refuses to run on a database that already holds scale data (the boards named
"SCALE-nn"). There is no clean-up: scale data goes in a scratch database that is dropped and recreated
(`dropdb sg_bench && createdb sg_bench && manage.py migrate`; for SQLite, delete the file). Never point it
at a database with real records; it refuses to run with SAFEGUARD_ENV=production, because it creates
accounts with a published password (`SCALE_PASSWORD`).
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from safeguard.core.audit import GENESIS_HASH, HEAD_PK, compute_hash, record_event
from safeguard.core.models import AccessEvent, AccessVia, AuditChainHead, AuditEvent, Clock, TimescaleRule

SYSTEM_PROCESS = "generate_scale_data"
# Every scale account signs in with this password (scratch databases only; see the module docstring).
SCALE_PASSWORD = "scale-bench-password-2026"  # noqa: S105 - published, like the demo password
SCALE_EMAIL_DOMAIN = "scale.invalid"
SCALE_ADMIN_EMAIL = f"admin@{SCALE_EMAIL_DOMAIN}"
SCALE_PRACTITIONER_EMAIL = f"practitioner@{SCALE_EMAIL_DOMAIN}"
SCALE_AUDITOR_EMAIL = f"auditor@{SCALE_EMAIL_DOMAIN}"
# An agency safeguarding lead with a seat on their board's SCR subgroup: leads actions, judges evidence.
SCALE_MONITOR_EMAIL = f"monitor@{SCALE_EMAIL_DOMAIN}"
BOARD_PREFIX = "SCALE-"
# Times are counted back from here, so that a seed always gives the same rows.
DEFAULT_ANCHOR = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Profile:
    name: str
    counts: dict[str, int]


# Keys are "<app>.<what>"; apps that have no generator yet keep their targets here all the same.
PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        "tiny",
        {
            "people.boards": 2,
            "people.agencies_per_board": 3,
            "people.teams_per_agency": 2,
            "people.users": 40,
            "core.access_events": 600,
            "core.audit_events": 300,
            "core.open_clocks": 80,
            "casework.children": 50,
            "casework.chronology_entries": 200,
            "casework.contacts": 100,
            "reviews.reviews": 4,
            "reviews.actions": 20,
            "reviews.hot_review_actions": 8,
        },
    ),
    "demo": Profile(
        "demo",
        {
            "people.boards": 10,
            "people.agencies_per_board": 15,
            "people.teams_per_agency": 3,
            "people.users": 1_500,
            "core.access_events": 50_000,
            "core.audit_events": 20_000,
            "core.open_clocks": 30_000,
            "casework.children": 3_000,
            "casework.chronology_entries": 20_000,
            "casework.contacts": 10_000,
            "reviews.reviews": 50,
            "reviews.actions": 1_000,
            "reviews.hot_review_actions": 120,
        },
    ),
    "large": Profile(
        "large",
        {
            "people.boards": 10,
            "people.agencies_per_board": 15,
            "people.teams_per_agency": 4,
            "people.users": 5_000,
            "core.access_events": 10_000_000,
            "core.audit_events": 1_000_000,
            "core.open_clocks": 100_000,
            "casework.children": 300_000,
            "casework.chronology_entries": 2_000_000,
            "casework.contacts": 1_000_000,
            "reviews.reviews": 5_000,
            "reviews.actions": 100_000,
            "reviews.hot_review_actions": 400,
        },
    ),
}


class ScaleDataError(Exception):
    """Scale data cannot be generated here (already present, production, unknown profile, a cycle)."""


@dataclass
class ScaleContext:
    profile: Profile
    seed: int
    anchor: datetime = DEFAULT_ANCHOR
    batch_size: int = 5_000
    log: Callable[[str], None] = lambda message: None
    # Shared between generators: "<app>.<name>" -> anything a later generator needs.
    state: dict[str, Any] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def count(self, key: str, default: int = 0) -> int:
        return self.profile.counts.get(key, default)

    @staticmethod
    def days(n: float) -> timedelta:
        return timedelta(days=n)

    @property
    def postgresql(self) -> bool:
        return connection.vendor == "postgresql"

    def bulk_insert(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        commit_every: int | None = None,
    ) -> int:
        """Insert tuples of `fields` values (attnames such as "user_id"); returns the number of rows.

        PostgreSQL: COPY (JSON values as dicts are written as JSON text). Elsewhere: bulk_create in
        batches. With `commit_every`, commits after that many rows (call it outside a transaction).
        """
        if self.postgresql:
            return _copy_rows(model, fields, rows, commit_every=commit_every)
        # Elsewhere each bulk_create is its own transaction unless the caller holds one.
        written = 0
        batch: list[models.Model] = []
        for row in rows:
            batch.append(model(**dict(zip(fields, row, strict=True))))
            if len(batch) >= self.batch_size:
                model._default_manager.bulk_create(batch, batch_size=self.batch_size)
                written += len(batch)
                batch = []
        if batch:
            model._default_manager.bulk_create(batch, batch_size=self.batch_size)
            written += len(batch)
        return written

    def create_returning_ids(self, model: type[models.Model], objs: list[models.Model]) -> list[Any]:
        """bulk_create small tables in batches and return their primary keys, in order."""
        created = model._default_manager.bulk_create(objs, batch_size=self.batch_size)
        return [obj.pk for obj in created]


def _copy_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    commit_every: int | None,
) -> int:
    table = model._meta.db_table
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(_field_name(model, f)).column) for f in fields
    )
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
    # JSON columns go as JSON text; the other values are written by psycopg as they are.
    json_at = [
        i
        for i, f in enumerate(fields)
        if isinstance(model._meta.get_field(_field_name(model, f)), models.JSONField)
    ]
    written = 0
    iterator = iter(rows)
    chunk = commit_every or 0
    while True:
        in_this = 0
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in iterator:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i], separators=(",", ":"))
                copy.write_row(row)
                in_this += 1
                if chunk and in_this >= chunk:
                    break
        written += in_this
        if not chunk or in_this < chunk:
            return written


def _field_name(model: type[models.Model], attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname or f.name == attname:
            return f.name
    raise ScaleDataError(f"{model.__name__} has no field {attname!r}")


@contextmanager
def bulk_load_mode(model: type[models.Model]) -> Iterator[None]:
    """PostgreSQL: drop the table's plain indexes and foreign keys for a bulk load; restore them after.

    Building an index once over the loaded rows is several times faster than maintaining it row by row,
    and a foreign key re-added after the load is checked with one join instead of one locking lookup per
    row (millions of rows referring to a few thousand users turn those locks into multixacts, the
    slowest part of a load). Elsewhere it does nothing. If the load fails, everything is restored all
    the same; a restored foreign key is validated in full.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'f'
            """,
            [quote(table)],
        )
        foreign_keys = cursor.fetchall()
        # Dropping a foreign key alters the table it refers to too, which PostgreSQL refuses while that
        # table has deferred checks pending in this transaction (rows inserted earlier): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            cursor.execute(f"ANALYZE {quote(table)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django creates them


# --- The registry ----------------------------------------------------------------------------------


GeneratorFn = Callable[[ScaleContext], dict[str, int]]


@dataclass(frozen=True)
class Generator:
    name: str
    fn: GeneratorFn
    depends_on: tuple[str, ...] = ()
    atomic: bool = True


_generators: dict[str, Generator] = {}


def register_generator(
    name: str, fn: GeneratorFn, depends_on: Iterable[str] = (), *, atomic: bool = True
) -> GeneratorFn:
    """Add a generator; `depends_on` names generators that must run first. Registering twice replaces."""
    _generators[name] = Generator(name, fn, tuple(depends_on), atomic)
    return fn


def generators_in_order() -> list[Generator]:
    """Every registered generator, dependencies first; ties in name order (so the order is stable)."""
    ordered: list[Generator] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in visiting:
            raise ScaleDataError(f"Scale generators depend on each other in a cycle: {' -> '.join(path)}")
        generator = _generators.get(name)
        if generator is None:
            raise ScaleDataError(f"Scale generator {path[-2] if len(path) > 1 else name!r} needs {name!r}")
        visiting.add(name)
        for dependency in sorted(generator.depends_on):
            visit(dependency, (*path, dependency))
        visiting.discard(name)
        done.add(name)
        ordered.append(generator)

    for name in sorted(_generators):
        visit(name, (name,))
    return ordered


def scale_data_present() -> bool:
    board = apps.get_model("people", "Board")
    return board.objects.filter(short_name__startswith=BOARD_PREFIX).exists()


@dataclass(frozen=True)
class GenerationReport:
    profile: str
    seed: int
    rows: dict[str, int]
    seconds: dict[str, float]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def generate(
    profile_name: str,
    *,
    seed: int = 2026,
    anchor: datetime = DEFAULT_ANCHOR,
    log: Callable[[str], None] = lambda message: None,
    only: Iterable[str] | None = None,
) -> GenerationReport:
    """Run every registered generator (or only those named and their dependencies) for a profile."""
    from django.conf import settings

    if getattr(settings, "PRODUCTION", False):
        raise ScaleDataError("Scale data creates accounts with a published password: never in production.")
    profile = PROFILES.get(profile_name)
    if profile is None:
        raise ScaleDataError(f"Unknown profile {profile_name!r}; choose one of {', '.join(PROFILES)}.")
    if scale_data_present():
        raise ScaleDataError(
            "This database already holds scale data. Drop and recreate it (dropdb/createdb and migrate, "
            "or delete the SQLite file), then run again."
        )
    wanted = _with_dependencies(set(only)) if only else None
    state: dict[str, Any] = {}
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for generator in generators_in_order():
        if wanted is not None and generator.name not in wanted:
            continue
        ctx = ScaleContext(
            profile=profile,
            seed=seed,
            anchor=anchor,
            log=log,
            state=state,
            rng=random.Random(f"{seed}:{generator.name}"),
        )
        log(f"{generator.name} ...")
        started = time.perf_counter()
        if generator.atomic:
            with transaction.atomic():
                written = generator.fn(ctx)
        else:
            written = generator.fn(ctx)
        seconds[generator.name] = time.perf_counter() - started
        for table, n in written.items():
            rows[table] = rows.get(table, 0) + n
        log(f"{generator.name}: {written} in {seconds[generator.name]:.1f}s")
    if connection.vendor == "postgresql" and wanted is None:
        # Planner statistics for every table, as a production database has them: tables written with
        # bulk_create are otherwise unanalysed until autovacuum comes round, and plans are misjudged.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds["analyze"] = time.perf_counter() - started
        log(f"analyze: {{}} in {seconds['analyze']:.1f}s")
    record_event(
        system_process=SYSTEM_PROCESS,
        action="scale.data_generated",
        changes={
            "profile": profile.name,
            "seed": seed,
            "anchor": anchor.isoformat(),
            "rows": rows,
            "seconds": {name: round(s, 1) for name, s in seconds.items()},
        },
    )
    return GenerationReport(profile.name, seed, rows, seconds)


def _with_dependencies(names: set[str]) -> set[str]:
    result: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in result:
            continue
        if name not in _generators:
            raise ScaleDataError(f"No scale generator called {name!r}.")
        result.add(name)
        pending.extend(_generators[name].depends_on)
    return result


# --- People: boards, agencies, teams, users and their roles ----------------------------------------
# Kept here until the people app takes it over (safeguard/people/scale.py); models are looked up by
# label so that core still imports no app.

_FIRST = (
    "Alex", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jas", "Kit", "Lou", "Mo", "Nia",
    "Oli", "Pat", "Quin", "Rae", "Sam", "Tam", "Uma", "Vic", "Wyn", "Xan", "Yas", "Zed",
)  # fmt: skip
_LAST = (
    "Archer", "Baker", "Carter", "Dyer", "Ellis", "Fisher", "Glover", "Hunter", "Ingram", "Joiner",
    "Keller", "Lister", "Mason", "Naylor", "Oakes", "Porter", "Quarry", "Roper", "Slater", "Turner",
)  # fmt: skip
# Agency roles and their share of the workforce.
_ROLE_MIX = (
    ("practitioner", 60),
    ("operational_supervisor", 6),
    ("team_manager", 10),
    ("mash_officer", 10),
    ("mash_manager", 3),
    ("agency_safeguarding_lead", 5),
    ("auditor", 4),
    ("lado", 2),
)


def generate_people(ctx: ScaleContext) -> dict[str, int]:
    Board = apps.get_model("people", "Board")
    Agency = apps.get_model("people", "Agency")
    Team = apps.get_model("people", "Team")
    User = apps.get_model("people", "User")
    Membership = apps.get_model("people", "Membership")
    BoardRole = apps.get_model("people", "BoardRole")
    Subgroup = apps.get_model("people", "Subgroup")
    SubgroupMembership = apps.get_model("people", "SubgroupMembership")
    rng = ctx.rng
    since = ctx.anchor - timedelta(days=3650)

    n_boards = ctx.count("people.boards")
    board_ids = ctx.create_returning_ids(
        Board,
        [
            Board(
                name=f"Scale Safeguarding Children Partnership {b:02d}",
                short_name=f"{BOARD_PREFIX}{b:02d}",
                area=f"Scale Area {b:02d}",
                jurisdiction="WLS" if b % 5 == 0 else "ENG",
                created_at=since,
            )
            for b in range(1, n_boards + 1)
        ],
    )
    sectors = _sector_values(Agency)
    agencies: list[Any] = []
    agency_board: list[int] = []
    for b, board_id in enumerate(board_ids, start=1):
        for a in range(ctx.count("people.agencies_per_board")):
            sector = sectors[a % len(sectors)]
            agencies.append(
                Agency(
                    name=f"Scale Area {b:02d} {sector.replace('_', ' ')} {a + 1:02d}",
                    sector=sector,
                    local_authority_area=f"Scale Area {b:02d}",
                    created_at=since,
                )
            )
            agency_board.append(board_id)
    agency_ids = ctx.create_returning_ids(Agency, agencies)
    through = Agency.boards.through
    through.objects.bulk_create(
        [through(agency_id=a, board_id=b) for a, b in zip(agency_ids, agency_board, strict=True)],
        batch_size=ctx.batch_size,
    )
    team_objs = [
        Team(agency_id=agency_id, name=f"Team {t + 1}")
        for agency_id in agency_ids
        for t in range(ctx.count("people.teams_per_agency"))
    ]
    team_ids = ctx.create_returning_ids(Team, team_objs)
    teams_of: dict[int, list[int]] = {}
    for team, team_id in zip(team_objs, team_ids, strict=True):
        teams_of.setdefault(team.agency_id, []).append(team_id)

    # One password hash for every account: hashing thousands of times would take minutes with Argon2.
    password = make_password(SCALE_PASSWORD)
    n_users = max(ctx.count("people.users"), 4)
    users = []
    for n in range(1, n_users + 1):
        email = {
            1: SCALE_ADMIN_EMAIL,
            2: SCALE_PRACTITIONER_EMAIL,
            3: SCALE_AUDITOR_EMAIL,
            4: SCALE_MONITOR_EMAIL,
        }.get(n, f"user{n:05d}@{SCALE_EMAIL_DOMAIN}")
        users.append(
            User(
                email=email,
                full_name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                job_title="Scale account",
                password=password,
                is_staff=n == 1,
                is_superuser=n == 1,
                date_joined=since + timedelta(days=rng.randint(0, 3000)),
            )
        )
    user_ids = ctx.create_returning_ids(User, users)

    roles = [role for role, _ in _ROLE_MIX]
    role_cum = list(itertools.accumulate(weight for _, weight in _ROLE_MIX))
    memberships = []
    practitioner_ids: list[int] = []
    board_of_user: dict[int, int] = {}
    members_by_agency: dict[int, list[tuple[int, str]]] = {}
    for index, user_id in enumerate(user_ids):
        if index == 0:
            continue  # the administrator acts for no agency
        position = rng.randrange(len(agency_ids))
        agency_id = agency_ids[position]
        role = (
            "practitioner"
            if index == 1
            else "auditor"
            if index == 2
            else "agency_safeguarding_lead"
            if index == 3
            else rng.choices(roles, cum_weights=role_cum)[0]
        )
        memberships.append(
            Membership(
                user_id=user_id,
                agency_id=agency_id,
                team_id=rng.choice(teams_of[agency_id]) if teams_of.get(agency_id) else None,
                role=role,
                started_on=(since + timedelta(days=rng.randint(0, 3000))).date(),
            )
        )
        board_of_user[user_id] = agency_board[position]
        members_by_agency.setdefault(agency_id, []).append((user_id, role))
        if role == "practitioner":
            practitioner_ids.append(user_id)
    Membership.objects.bulk_create(memberships, batch_size=ctx.batch_size)

    # Per board: a business manager, a chair, two auditors and a dozen subgroup members (the first of
    # them chairs both subgroups). The personas are never drawn: their roles are set below.
    personas = set(user_ids[:4])
    monitor = user_ids[3] if len(user_ids) > 3 else None
    board_roles = []
    subgroup_objs = []
    by_board: dict[int, list[int]] = {}
    for user_id, board_id in board_of_user.items():
        if user_id not in personas:
            by_board.setdefault(board_id, []).append(user_id)
    seats: list[tuple[int, list[int]]] = []
    board_staff: dict[int, dict[str, int]] = {}
    subgroups_of: dict[int, dict[str, int]] = {}
    for board_id in board_ids:
        people = by_board.get(board_id, [])
        if not people:
            continue
        picked = rng.sample(people, min(len(people), 16))
        for role, chosen in (
            ("board_business_manager", picked[:1]),
            ("board_chair", picked[1:2]),
            ("auditor", picked[2:4]),
            ("subgroup_member", picked[4:]),
        ):
            board_roles.extend(BoardRole(user_id=u, board_id=board_id, role=role) for u in chosen)
        board_staff[board_id] = {"manager": picked[0], "chair": picked[min(1, len(picked) - 1)]}
        for kind, name in (("scr", "SCR Subgroup"), ("learning_improvement", "Learning and Improvement")):
            subgroup_objs.append(Subgroup(board_id=board_id, kind=kind, name=name))
            members = list(picked[4:]) or picked[:1]
            if kind == "scr" and monitor is not None and board_of_user.get(monitor) == board_id:
                members.append(monitor)  # the monitor persona sits on their board's SCR subgroup
            seats.append((board_id, members))
    if len(user_ids) > 2:  # the auditor persona audits the first board
        board_roles.append(BoardRole(user_id=user_ids[2], board_id=board_ids[0], role="auditor"))
    BoardRole.objects.bulk_create(board_roles, batch_size=ctx.batch_size, ignore_conflicts=True)
    subgroup_ids = ctx.create_returning_ids(Subgroup, subgroup_objs)
    for subgroup, subgroup_id in zip(subgroup_objs, subgroup_ids, strict=True):
        subgroups_of.setdefault(subgroup.board_id, {})[subgroup.kind] = subgroup_id
    SubgroupMembership.objects.bulk_create(
        [
            SubgroupMembership(subgroup_id=subgroup_id, user_id=u, is_chair=i == 0)
            for subgroup_id, (_, members) in zip(subgroup_ids, seats, strict=True)
            for i, u in enumerate(members)
        ],
        batch_size=ctx.batch_size,
    )

    ctx.state.update(
        {
            "people.board_ids": board_ids,
            "people.agency_ids": agency_ids,
            "people.team_ids": team_ids,
            "people.user_ids": user_ids,
            "people.practitioner_ids": practitioner_ids,
            "people.admin_id": user_ids[0],
            "people.practitioner_id": user_ids[1],
            "people.monitor_id": monitor,
            "people.agency_board": dict(zip(agency_ids, agency_board, strict=True)),
            "people.members_by_agency": members_by_agency,
            "people.board_of_user": board_of_user,
            "people.board_staff": board_staff,
            "people.subgroups": subgroups_of,
            # subgroup id -> its members, the chair first
            "people.subgroup_members": {
                subgroup_id: members for subgroup_id, (_, members) in zip(subgroup_ids, seats, strict=True)
            },
        }
    )
    return {
        "people.board": len(board_ids),
        "people.agency": len(agency_ids),
        "people.team": len(team_ids),
        "people.user": len(user_ids),
        "people.membership": len(memberships),
        "people.boardrole": len(board_roles),
        "people.subgroup": len(subgroup_ids),
    }


def _sector_values(agency_model: type[models.Model]) -> list[str]:
    return [value for value, _ in agency_model._meta.get_field("sector").choices]


# --- Core: open clocks, the audit trail and the access log -----------------------------------------


def generate_clocks(ctx: ScaleContext) -> dict[str, int]:
    """Open clocks owned by practitioners (about 20 each on the large profile), due around the anchor."""
    rules = list(TimescaleRule.objects.order_by("code"))
    if not rules:
        rules = [
            TimescaleRule.objects.create(
                code="scale-rule",
                name="Scale rule",
                regime="local",
                start_event="scale data",
                unit="working_days",
                limit=10,
            )
        ]
    rng = ctx.rng
    owners = ctx.state["people.practitioner_ids"]
    persona = ctx.state["people.practitioner_id"]
    user_type = ContentType.objects.get_for_model(apps.get_model("people", "User")).pk
    n = ctx.count("core.open_clocks")
    per_owner = max(n // max(len(owners), 1), 1)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            # The practitioner persona gets an average share first, so My work has a typical load.
            owner = persona if i < per_owner else rng.choice(owners)
            rule = rules[i % len(rules)]
            started = ctx.anchor - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
            due = started + timedelta(days=rng.randint(1, 90))
            yield (
                rule.pk,
                user_type,
                str(owner),
                "ENG",
                owner,
                f"Scale item {i + 1}",
                "",
                started,
                due,
                None,
                "",
                started,
            )

    fields = (
        "rule_id",
        "subject_type_id",
        "subject_id",
        "jurisdiction",
        "owner_id",
        "title",
        "url",
        "started_at",
        "due_at",
        "met_at",
        "breach_reason",
        "created_at",
    )
    return {"core.clock": ctx.bulk_insert(Clock, fields, rows())}


_AUDIT_ACTIONS = (
    ("user.signed_in", 40),
    ("user.signed_out", 25),
    ("clock.started", 15),
    ("clock.met", 12),
    ("user.password_changed", 3),
    ("clock.breach_reason_recorded", 3),
    ("user.mfa_verified", 2),
)


def generate_audit_trail(ctx: ScaleContext) -> dict[str, int]:
    """Audit events over ten years, hashed in sequence so the chain stays valid, then the head moved.

    Holds the chain head's lock throughout (the generator runs in one transaction), as record_event does.
    """
    rng = ctx.rng
    users = ctx.state["people.user_ids"]
    user_type = ContentType.objects.get_for_model(apps.get_model("people", "User")).pk
    clock_type = ContentType.objects.get_for_model(Clock).pk
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        if AuditEvent.objects.exists():
            raise ScaleDataError("The audit chain head is missing; run verify_audit_chain first.")
        head = AuditChainHead.objects.create(pk=HEAD_PK, sequence=0, hash=GENESIS_HASH)
    n = ctx.count("core.audit_events")
    actions = [a for a, _ in _AUDIT_ACTIONS]
    action_cum = list(itertools.accumulate(w for _, w in _AUDIT_ACTIONS))
    start = ctx.anchor - timedelta(days=3650)
    step = timedelta(days=3650) / max(n, 1)
    previous = head.hash
    sequence = head.sequence
    last = {"sequence": sequence, "hash": previous}

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal previous, sequence
        event = AuditEvent()
        for i in range(n):
            sequence += 1
            action = rng.choices(actions, cum_weights=action_cum)[0]
            actor = rng.choice(users)
            if action.startswith("clock."):
                target_type, target_id = (
                    clock_type,
                    str(rng.randint(1, max(ctx.count("core.open_clocks"), 1))),
                )
            else:
                target_type, target_id = user_type, str(actor)
            event.sequence = sequence
            event.at = start + step * i + timedelta(microseconds=rng.randrange(1_000_000))
            event.actor_id = actor
            event.system_process = ""
            event.action = action
            event.target_type_id = target_type
            event.target_id = target_id
            event.changes = {"n": i + 1} if action.startswith("clock.") else {}
            event.reason = ""
            event.previous_hash = previous
            digest = compute_hash(event)
            yield (
                sequence,
                event.at,
                actor,
                "",
                action,
                target_type,
                target_id,
                event.changes,
                "",
                previous,
                digest,
            )
            previous = digest
            last["sequence"], last["hash"] = sequence, digest

    fields = (
        "sequence",
        "at",
        "actor_id",
        "system_process",
        "action",
        "target_type_id",
        "target_id",
        "changes",
        "reason",
        "previous_hash",
        "hash",
    )
    with bulk_load_mode(AuditEvent) if n >= 100_000 else nullcontext():
        written = ctx.bulk_insert(AuditEvent, fields, rows())
    AuditChainHead.objects.filter(pk=HEAD_PK).update(sequence=last["sequence"], hash=last["hash"])
    return {"core.auditevent": written}


_ROUTES = {
    "people.user": ("people:account", "GET /api/v1/me/"),
    "core.clock": ("core:my_work", "GET /api/v1/clocks/<int:pk>/"),
    "people.team": ("admin:people_team_change", "GET /api/v1/teams/<int:pk>/"),
}
# Share of the access log that goes to the practitioner persona's own record: the "hot" record whose
# viewers the benchmark lists (100,000 rows on the large profile).
HOT_SHARE = 0.01


def generate_access_log(ctx: ScaleContext) -> dict[str, int]:
    """Access events over two years, in time order, on users, clocks and teams (PostgreSQL: COPY,
    committed every million rows, with the secondary indexes rebuilt once at the end)."""
    rng = ctx.rng
    users = ctx.state["people.user_ids"]
    teams = ctx.state["people.team_ids"]
    persona = ctx.state["people.practitioner_id"]
    user_model = apps.get_model("people", "User")
    team_model = apps.get_model("people", "Team")
    types = {
        "people.user": ContentType.objects.get_for_model(user_model).pk,
        "core.clock": ContentType.objects.get_for_model(Clock).pk,
        "people.team": ContentType.objects.get_for_model(team_model).pk,
    }
    n_clocks = max(ctx.count("core.open_clocks"), 1)
    n = ctx.count("core.access_events")
    start = ctx.anchor - timedelta(days=730)
    step_us = int(730 * 86_400 * 1_000_000 / max(n, 1))
    via_page, via_api = AccessVia.PAGE.value, AccessVia.API.value

    def rows() -> Iterator[tuple[Any, ...]]:
        random_ = rng.random
        choice = rng.choice
        for i in range(n):
            draw = random_()
            if draw < HOT_SHARE:
                label, target = "people.user", persona
            elif draw < 0.6:
                label, target = "people.user", choice(users)
            elif draw < 0.9:
                label, target = "core.clock", int(random_() * n_clocks) + 1
            else:
                label, target = "people.team", choice(teams)
            api = random_() < 0.2
            route = _ROUTES[label][1 if api else 0]
            yield (
                start + timedelta(microseconds=step_us * i),
                choice(users),
                types[label],
                str(target),
                via_api if api else via_page,
                route,
                "",
            )

    fields = ("at", "user_id", "target_type_id", "target_id", "via", "route", "break_glass_reason")
    big = n >= 1_000_000
    if big:
        with bulk_load_mode(AccessEvent):
            written = ctx.bulk_insert(AccessEvent, fields, rows(), commit_every=1_000_000)
    else:
        with transaction.atomic():
            written = ctx.bulk_insert(AccessEvent, fields, rows())
    ctx.state["core.hot_target"] = ("people.user", persona)
    return {"core.accessevent": written}


# --- Reviews: the register, findings, recommendations, plans, actions and their history ------------
# Kept here until the reviews app takes it over (safeguard/reviews/scale.py); models are looked up by
# label so that core still imports no app. Everything is dated from the anchor: a review's course
# (decided, commissioned, report received, accepted, published, monitored, closed) follows from its
# notification date, a plan is approved a month or two after acceptance, and an action's status follows
# from its due date, so that old reviews are closed with every action closed and recent ones are
# mid-way through monitoring: the mix of statuses, RAG and due dates a ten-year register holds.

# (review type, weight); "practice" is a serious case review before the 2019 reforms, a local child
# safeguarding practice review after them.
_REVIEW_TYPE_MIX = (("rapid_review", 40), ("practice", 30), ("learning_review", 14), ("dhr", 9), ("sar", 7))
_REVIEW_TYPE_CODES = {
    "rapid_review": "RR",
    "scr": "SCR",
    "lcspr": "LCSPR",
    "learning_review": "LR",
    "dhr": "DHR",
    "sar": "SAR",
}
_REFORM_DATE = datetime(2019, 6, 29, tzinfo=UTC).date()
_METHODOLOGIES = ("systems", "systems", "systems", "hybrid", "appreciative", "traditional", "other")
_LEAD_REVIEWERS = (
    "Independent reviewer (systems methodology)",
    "NSPCC senior consultant",
    "Independent author, SCIE Learning Together",
    "Independent chair and author",
    "Board's learning and improvement officer",
)
_ACTION_VERBS = (
    "Review",
    "Update",
    "Deliver training on",
    "Audit",
    "Embed",
    "Publish guidance on",
    "Strengthen",
    "Monitor",
    "Introduce a checklist for",
    "Brief all staff on",
)
_ACTION_OBJECTS = (
    "professional challenge and escalation",
    "recording of information from other areas",
    "reflective supervision of complex cases",
    "information sharing at school transition",
    "the use of interpreters",
    "private law orders and their enforcement",
    "caseload weighting",
    "the threshold document",
    "domestic abuse risk assessment",
    "the quality of multi-agency referrals",
    "the missing-from-home protocol",
    "attendance at strategy discussions",
    "the voice of the child in assessments",
    "chronologies in case files",
)
_ACTION_DESCRIPTIONS = (
    "Arising from the review's finding; progress is reported to the subgroup each quarter.",
    "The owning agency will report completion with evidence of how practice has changed.",
    "To be delivered across all teams, with a dip-sample audit six months after completion.",
    "",
)
_LEAD_TITLES = (
    "Head of Safeguarding",
    "Named Nurse for Safeguarding",
    "Designated Safeguarding Lead",
    "Detective Inspector, Public Protection",
    "Service Manager",
    "Principal Social Worker",
)
# Who leads an agency's actions: weight by role (safeguarding leads and managers lead most of them).
_LEAD_WEIGHTS = {
    "agency_safeguarding_lead": 8.0,
    "team_manager": 4.0,
    "operational_supervisor": 3.0,
    "mash_manager": 3.0,
    "lado": 2.0,
    "practitioner": 1.0,
    "mash_officer": 1.0,
    "auditor": 0.5,
}
_UPDATE_NARRATIVES = (
    "Work continues as planned; the next milestone is on track.",
    "Training sessions delivered to two of the three teams; the last is booked.",
    "Policy drafted and out for consultation with the partner agencies.",
    "Audit sample selected; findings to be reported at the next subgroup meeting.",
    "Delayed by staff absence; a revised plan is agreed with the service manager.",
    "Briefing circulated and discussed at team meetings; attendance recorded.",
)
_EVIDENCE_DESCRIPTIONS = (
    "Training register and evaluation summary.",
    "Revised policy, approved by the senior leadership team.",
    "Dip-sample audit of twenty case files, with the findings.",
    "Link to the published practice guidance.",
    "Minutes of the team meeting where the briefing was given.",
)
_RETURN_REASONS = (
    "The evidence shows the training was offered, not that practice changed; please add an audit.",
    "The policy is still in draft; please resubmit once it is approved.",
)
_IMPACT_NARRATIVES = (
    "A re-audit shows the change is embedded in most case files sampled.",
    "Practitioner feedback is positive; the data do not yet show a change.",
    "Inspection findings refer to the improvement.",
)
_CRITERIA = (
    ("Practitioners use the escalation policy when they disagree", "Escalations logged per quarter", "4"),
    ("Case files hold an up-to-date chronology", "Share of audited files with a chronology", "90%"),
    ("Staff have completed the training", "Share of staff trained", "95%"),
    ("Supervision records show reflection on risk", "Share of audited records", "80%"),
)
_ACTION_PATH = (
    "draft",
    "agreed",
    "in_progress",
    "completed",
    "evidence_accepted",
    "impact_assessed",
    "closed",
)
# An action's status by where its due date stands against the anchor (while its review is monitored).
_STATUS_LONG_PAST = (
    ("closed", 88),
    ("impact_assessed", 6),
    ("evidence_accepted", 1),
    ("completed", 1),
    ("in_progress", 4),
)
_STATUS_PAST = (
    ("closed", 40),
    ("impact_assessed", 15),
    ("evidence_accepted", 5),
    ("completed", 8),
    ("in_progress", 24),
    ("agreed", 8),
)
_STATUS_FUTURE = (
    ("in_progress", 60),
    ("agreed", 25),
    ("completed", 6),
    ("evidence_accepted", 3),
    ("impact_assessed", 2),
    ("closed", 4),
)
_STATUS_JUST_AGREED = (("agreed", 70), ("in_progress", 30))
_REVIEW_MILESTONES = {
    "decided_on": "notified",
    "commissioned_on": "commissioned",
    "report_received_on": "report_received",
    "presented_on": "accepted",
    "accepted_on": "accepted",
    "published_on": "published",
}


def _weighted(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


def _office_time(day: Any, rng: random.Random) -> datetime:
    """A time on `day` (a date) in office hours, UTC."""
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 540))


@dataclass
class _ReviewSpec:
    board: int
    partner: int | None
    review_type: str
    notified_on: Any
    status: str = ""
    dates: dict[str, Any] = field(default_factory=dict)
    steps: list[tuple[str, Any]] = field(default_factory=list)  # (status, date) reached, in order
    closed_on: Any = None
    hot: bool = False


def _review_course(
    rng: random.Random, review_type: str, notified: Any, today: Any, *, monitor_only: bool = False
) -> tuple[str, dict[str, Any], list[tuple[str, Any]], Any]:
    """Status, milestone dates and the steps taken by `today`, for a review notified on `notified`."""
    d = timedelta
    if review_type == "rapid_review":
        # A rapid review decides within 15 working days; a further review, if any, is its own record.
        decided = notified + d(days=rng.randint(12, 21))
        planned = [("notified", notified), ("rapid_review", notified + d(days=2)), ("closed", decided)]
        dates = {"decided_on": decided}
    else:
        decided = notified + d(days=rng.randint(10, 40))
        commissioned = decided + d(days=rng.randint(20, 60))
        started = commissioned + d(days=rng.randint(14, 45))
        received = started + d(days=rng.randint(150, 300))
        accepted = received + d(days=rng.randint(20, 60))
        delayed = not monitor_only and rng.random() < 0.1  # parallel proceedings delay publication
        published = accepted + d(days=rng.randint(200, 500) if delayed else rng.randint(20, 90))
        dates = {
            "decided_on": decided,
            "commissioned_on": commissioned,
            "report_received_on": received,
            "presented_on": accepted,
            "accepted_on": accepted,
            "published_on": published,
        }
        planned = [
            ("notified", notified),
            ("commissioned", commissioned),
            ("in_progress", started),
            ("report_received", received),
            ("accepted", accepted),
        ]
        if delayed:
            planned += [("monitoring", accepted + d(days=14)), ("published", published)]
        else:
            planned += [("published", published), ("monitoring", published + d(days=7))]
        if not monitor_only:
            planned.append(("closed", max(accepted + d(days=rng.randint(900, 1800)), published + d(days=30))))
    steps = [(status, on) for status, on in planned if on <= today]
    status = steps[-1][0]
    reached = {s for s, _ in steps}
    kept = {key: on for key, on in dates.items() if _REVIEW_MILESTONES[key] in reached and on <= today}
    return status, kept, steps, steps[-1][1] if status == "closed" else None


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders; ties by position): exact and stable."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class _ActionLife:
    """What the child tables need to know about one generated action."""

    plan_index: int
    number: int
    status: str
    steps: list[tuple[str, datetime]]  # (to_status, at), from creation
    lead: int | None
    author: int
    judge: int
    at_risk: bool
    due: Any
    reprogramming: tuple[Any, Any, datetime] | None  # previous due date, new due date, approved at
    returned_at: datetime | None  # evidence returned once, before the accepted submission
    title: str


def _action_life(
    rng: random.Random,
    *,
    created: datetime,
    approved: datetime | None,
    closed: datetime | None,
    now: datetime,
) -> tuple[str, list[tuple[str, datetime]], Any, Any, tuple[Any, Any, datetime] | None, datetime | None]:
    """Status, status steps (with times), due date, original due date, reprogramming, evidence return."""
    d = timedelta
    today = now.date()
    if approved is None:
        due = (created + d(days=rng.randint(90, 540))).date()
        return "draft", [("draft", created)], due, due, None, None
    due = (approved + d(days=rng.randint(60, 540))).date()
    original = due
    reprogramming = None
    if rng.random() < 0.07:
        at = approved + (datetime(due.year, due.month, due.day, tzinfo=UTC) - approved) * 0.7
        if at < (closed or now):
            due = original + d(days=rng.randint(60, 180))
            reprogramming = (original, due, at)
    if closed is not None:
        status = "closed"
    elif (now - approved).days < 30:
        status = _weighted(rng, _STATUS_JUST_AGREED)
    elif (today - due).days > 365:
        status = _weighted(rng, _STATUS_LONG_PAST)
    elif (today - due).days > 0:
        status = _weighted(rng, _STATUS_PAST)
    else:
        status = _weighted(rng, _STATUS_FUTURE)
    # Times of every step on the path, then kept up to the status and never after the ceiling.
    due_at = datetime(due.year, due.month, due.day, 12, 0, tzinfo=UTC)
    span = max(due_at - approved, d(days=30))
    times = {
        "draft": created,
        "agreed": approved,
        "in_progress": approved + d(days=rng.randint(3, 30)),
        "completed": approved + span * rng.uniform(0.5, 1.1),
    }
    times["evidence_accepted"] = times["completed"] + d(days=rng.randint(14, 75))
    times["impact_assessed"] = times["evidence_accepted"] + d(days=rng.randint(30, 150))
    times["closed"] = times["impact_assessed"] + d(days=rng.randint(7, 45))
    end = _ACTION_PATH.index(status)
    ceiling = closed or now
    steps: list[tuple[str, datetime]] = []
    previous = created
    for position, name in enumerate(_ACTION_PATH[: end + 1]):
        # Squeezed in order before the ceiling: whatever was reached happened by then.
        latest = ceiling - d(days=end - position + 1)
        at = max(min(times[name], latest), previous + d(minutes=1))
        steps.append((name, at))
        previous = at
    returned_at = None
    if end >= _ACTION_PATH.index("evidence_accepted") and rng.random() < 0.15:
        # Evidence sent back once: completed -> in progress -> completed again before it was accepted.
        first = steps[3][1] - d(days=40)
        if first > steps[2][1]:
            returned_at = first + d(days=15)
            steps[3:3] = [("completed", first), ("in_progress", returned_at)]
    return status, steps, due, original, reprogramming, returned_at


def generate_reviews(ctx: ScaleContext) -> dict[str, int]:
    """Reviews over ten years with findings, recommendations, plans (one per involved agency and one per
    board of the review) and `reviews.actions` actions with success criteria, progress updates, evidence,
    impact assessments, new due dates and status history; the approved version of each approved plan.

    One review of the monitor persona's board is "hot": in monitoring, every agency of the board involved,
    `reviews.hot_review_actions` actions (the review page the benchmark measures). The monitor leads
    actions of their agency (weighted as a safeguarding lead) and sits on the SCR subgroup that judges
    their board's plans, so their My work holds a subgroup member's share of evidence and impact."""
    if not apps.is_installed("safeguard.reviews"):
        return {}
    names = (
        "Review",
        "ReviewStatusChange",
        "Theme",
        "Finding",
        "Recommendation",
        "ActionPlan",
        "ActionPlanVersion",
        "PlanStatusChange",
        "Action",
        "SuccessCriterion",
        "ProgressUpdate",
        "Evidence",
        "ImpactAssessment",
        "Reprogramming",
        "ActionStatusChange",
    )
    m = {name: apps.get_model("reviews", name) for name in names}
    rng = ctx.rng
    now = ctx.anchor
    today = now.date()
    agency_board: dict[int, int] = ctx.state["people.agency_board"]
    members_by_agency: dict[int, list[tuple[int, str]]] = ctx.state["people.members_by_agency"]
    staff: dict[int, dict[str, int]] = ctx.state["people.board_staff"]
    subgroups: dict[int, dict[str, int]] = ctx.state["people.subgroups"]
    subgroup_members: dict[int, list[int]] = ctx.state["people.subgroup_members"]
    board_of_user: dict[int, int] = ctx.state["people.board_of_user"]
    monitor = ctx.state.get("people.monitor_id")
    boards = [b for b in ctx.state["people.board_ids"] if b in staff and b in subgroups]
    if not boards:
        return {}
    agencies_of: dict[int, list[int]] = {}
    for agency, board in agency_board.items():
        agencies_of.setdefault(board, []).append(agency)
    agency_of_user = {user: agency for agency, members in members_by_agency.items() for user, _ in members}
    leads_of = {
        agency: [user for user, role in members if role == "agency_safeguarding_lead"]
        for agency, members in members_by_agency.items()
    }
    lead_weights = {
        agency: (
            [user for user, _ in members],
            list(itertools.accumulate(_LEAD_WEIGHTS.get(role, 1.0) for _, role in members)),
        )
        for agency, members in members_by_agency.items()
    }
    board_short = dict(
        apps.get_model("people", "Board").objects.filter(pk__in=boards).values_list("pk", "short_name")
    )
    agency_names = dict(apps.get_model("people", "Agency").objects.values_list("pk", "name"))

    # 1. The register, in notification order over ten years.
    n_reviews = ctx.count("reviews.reviews")
    hot_board = board_of_user.get(monitor, boards[0]) if monitor else boards[0]
    if hot_board not in staff:
        hot_board = boards[0]
    types = [t for t, _ in _REVIEW_TYPE_MIX]
    type_cum = list(itertools.accumulate(w for _, w in _REVIEW_TYPE_MIX))
    specs: list[_ReviewSpec] = []
    for i in range(n_reviews):
        board = rng.choice(boards)
        partner = None
        if len(boards) > 1 and rng.random() < 0.15:
            partner = rng.choice([b for b in boards if b != board])
        kind = rng.choices(types, cum_weights=type_cum)[0]
        notified = today - timedelta(days=int((n_reviews - i) * 3650 / n_reviews) + rng.randint(0, 6))
        specs.append(_ReviewSpec(board, partner, kind, notified))
    # The hot review: the monitor's board's review notified nearest to 900 days ago, kept in monitoring.
    hot_index = None
    if specs:
        hot_on = today - timedelta(days=900)
        candidates = [i for i, s in enumerate(specs) if s.board == hot_board] or list(range(len(specs)))
        hot_index = min(candidates, key=lambda i: (abs((specs[i].notified_on - hot_on).days), i))
        hot = specs[hot_index]
        hot.board, hot.partner, hot.review_type, hot.notified_on, hot.hot = (
            hot_board,
            None,
            "practice",
            hot_on,
            True,
        )
    counters: dict[tuple[int, int], int] = {}
    review_objs = []
    for spec in specs:
        if spec.review_type == "practice":
            spec.review_type = "scr" if spec.notified_on < _REFORM_DATE else "lcspr"
        spec.status, spec.dates, spec.steps, spec.closed_on = _review_course(
            rng, spec.review_type, spec.notified_on, today, monitor_only=spec.hot
        )
        key = (spec.board, spec.notified_on.year)
        counters[key] = counters.get(key, 0) + 1
        code = _REVIEW_TYPE_CODES[spec.review_type]
        adult = spec.review_type in ("dhr", "sar")
        pseudonym = (
            f"{'Adult' if adult else 'Child'} {chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}"
        )
        full = spec.review_type != "rapid_review"
        review_objs.append(
            m["Review"](
                reference=f"{board_short[spec.board]}-{code}-{spec.notified_on.year}-{counters[key]:03d}",
                review_type=spec.review_type,
                subject_pseudonym=pseudonym,
                lead_board_id=spec.board,
                lead_reviewer=rng.choice(_LEAD_REVIEWERS) if full else "",
                methodology=rng.choice(_METHODOLOGIES) if full else "",
                summary=f"Scale review of the circumstances of {pseudonym}." if full else "",
                status=spec.status,
                incident_on=spec.notified_on - timedelta(days=rng.randint(1, 20)),
                notified_on=spec.notified_on,
                created_by_id=staff[spec.board]["manager"],
                created_at=_office_time(spec.notified_on, rng),
                version=len(spec.steps),
                **spec.dates,
            )
        )
    Review = m["Review"]
    review_ids = ctx.create_returning_ids(Review, review_objs)
    Review.partner_boards.through.objects.bulk_create(
        [
            Review.partner_boards.through(review_id=rid, board_id=s.partner)
            for rid, s in zip(review_ids, specs, strict=True)
            if s.partner
        ],
        batch_size=ctx.batch_size,
    )

    def review_changes() -> Iterator[tuple[Any, ...]]:
        for rid, spec in zip(review_ids, specs, strict=True):
            previous = ""
            for status, on in spec.steps:
                yield (rid, previous, status, staff[spec.board]["manager"], _office_time(on, rng), "")
                previous = status

    change_fields = ("from_status", "to_status", "actor_id", "at", "reason")
    rows = {"reviews.review": len(review_ids)}
    rows["reviews.reviewstatuschange"] = ctx.bulk_insert(
        m["ReviewStatusChange"], ("review_id", *change_fields), review_changes()
    )

    # 2. Involved agencies, findings and recommendations (reviews that reached a report).
    with_report = [
        i for i, s in enumerate(specs) if s.review_type != "rapid_review" and "report_received_on" in s.dates
    ]
    involved: dict[int, list[int]] = {}
    for i in with_report:
        spec = specs[i]
        own = agencies_of.get(spec.board, [])
        k = len(own) if spec.hot else rng.randint(min(3, len(own)), min(12, len(own)))
        chosen = own[:k] if spec.hot else rng.sample(own, k)
        if spec.partner and agencies_of.get(spec.partner):
            partner_own = agencies_of[spec.partner]
            chosen += rng.sample(partner_own, min(len(partner_own), rng.randint(1, 3)))
        involved[i] = chosen
    through = Review.involved_agencies.through
    through.objects.bulk_create(
        [through(review_id=review_ids[i], agency_id=a) for i, agencies in involved.items() for a in agencies],
        batch_size=ctx.batch_size,
    )
    themes = list(m["Theme"].objects.order_by("slug").values_list("pk", "name"))
    finding_objs, finding_themes = [], []
    for i in with_report:
        spec = specs[i]
        for n in range(1, rng.randint(3, 9) + 1):
            theme = rng.choice(themes) if themes else None
            finding_objs.append(
                m["Finding"](
                    review_id=review_ids[i],
                    number=n,
                    title=theme[1] if theme else f"Finding {n}",
                    text="Practitioners did not consistently share or test what they knew about the risk.",
                    created_by_id=staff[spec.board]["manager"],
                    created_at=_office_time(spec.dates["report_received_on"], rng),
                )
            )
            finding_themes.append([theme[0]] if theme else [])
    Finding = m["Finding"]
    finding_ids = ctx.create_returning_ids(Finding, finding_objs)
    Finding.themes.through.objects.bulk_create(
        [
            Finding.themes.through(finding_id=fid, theme_id=t)
            for fid, ts in zip(finding_ids, finding_themes, strict=True)
            for t in ts
        ],
        batch_size=ctx.batch_size,
    )
    findings_of: dict[int, list[int]] = {}
    for obj, fid in zip(finding_objs, finding_ids, strict=True):
        findings_of.setdefault(obj.review_id, []).append(fid)
    accepted_reviews = [i for i in with_report if "accepted_on" in specs[i].dates]
    rec_objs, rec_findings = [], []
    for i in accepted_reviews:
        spec = specs[i]
        for board in (spec.board, spec.partner) if spec.partner else (spec.board,):
            manager = staff.get(board, staff[spec.board])["manager"]
            for n in range(1, rng.randint(2, 5) + 1):
                responded = _office_time(spec.dates["accepted_on"], rng)
                rec_objs.append(
                    m["Recommendation"](
                        review_id=review_ids[i],
                        board_id=board,
                        number=n,
                        kind="issue",
                        text="The board should seek assurance that the learning has changed practice.",
                        board_response="Accepted: single-agency and board plans set out the actions.",
                        response_recorded_by_id=manager,
                        response_recorded_at=responded,
                        created_by_id=manager,
                        created_at=responded,
                    )
                )
                own_findings = findings_of.get(review_ids[i], [])
                rec_findings.append(rng.sample(own_findings, min(len(own_findings), rng.randint(1, 2))))
    Recommendation = m["Recommendation"]
    rec_ids = ctx.create_returning_ids(Recommendation, rec_objs)
    Recommendation.findings.through.objects.bulk_create(
        [
            Recommendation.findings.through(recommendation_id=rid, finding_id=f)
            for rid, fs in zip(rec_ids, rec_findings, strict=True)
            for f in fs
        ],
        batch_size=ctx.batch_size,
    )
    recs_of: dict[tuple[int, int], list[int]] = {}
    for obj, rid in zip(rec_objs, rec_ids, strict=True):
        recs_of.setdefault((obj.review_id, obj.board_id), []).append(rid)
    rows["reviews.finding"] = len(finding_ids)
    rows["reviews.recommendation"] = len(rec_ids)

    # 3. Plans: one single-agency plan per involved agency, one multi-agency plan per board of the review,
    # each monitored by the SCR subgroup of its board; approved a month or two after acceptance.
    plan_objs = []
    plan_meta: list[dict[str, Any]] = []
    for i in accepted_reviews:
        spec = specs[i]
        accepted = _office_time(spec.dates["accepted_on"], rng)
        owners: list[tuple[str, int]] = [("single_agency", a) for a in involved[i]]
        owners += [
            ("multi_agency", b) for b in ((spec.board, spec.partner) if spec.partner else (spec.board,))
        ]
        for kind, owner in owners:
            board = agency_board[owner] if kind == "single_agency" else owner
            subgroup = subgroups.get(board, subgroups[spec.board])["scr"]
            # The subgroup's chair approves and judges, unless they act for the owning agency: then the
            # first member who does not (nobody marks their own agency's homework).
            members = subgroup_members[subgroup]
            chair = next((u for u in members if agency_of_user.get(u) != owner), members[0])
            if kind == "single_agency":
                creator = rng.choice(leads_of.get(owner) or [staff[spec.board]["manager"]])
                title = f"{agency_names[owner]}: single-agency action plan"
            else:
                creator = staff.get(owner, staff[spec.board])["manager"]
                title = f"{board_short.get(owner, 'Board')} multi-agency action plan"
            created = min(accepted + timedelta(days=rng.randint(1, 14)), now - timedelta(hours=1))
            submitted = created + timedelta(days=rng.randint(14, 40))
            approved = submitted + timedelta(days=rng.randint(7, 30))
            status = "approved" if approved <= now else "submitted" if submitted <= now else "draft"
            plan_objs.append(
                m["ActionPlan"](
                    source="review",
                    review_id=review_ids[i],
                    kind=kind,
                    owner_agency_id=owner if kind == "single_agency" else None,
                    owner_board_id=owner if kind == "multi_agency" else None,
                    monitoring_subgroup_id=subgroup,
                    title=title,
                    status=status,
                    version_number=1,
                    approved_version=1 if status == "approved" else None,
                    approved_at=approved if status == "approved" else None,
                    approved_by_id=chair if status == "approved" else None,
                    created_by_id=creator,
                    created_at=created,
                    version={"draft": 1, "submitted": 2, "approved": 3}[status],
                )
            )
            plan_meta.append(
                {
                    "review": i,
                    "board": board,
                    "kind": kind,
                    "owner": owner,
                    "status": status,
                    "created": created,
                    "submitted": submitted,
                    "approved": approved if status == "approved" else None,
                    "creator": creator,
                    "chair": chair,
                }
            )
    ActionPlan = m["ActionPlan"]
    plan_ids = ctx.create_returning_ids(ActionPlan, plan_objs)
    ActionPlan.monitoring_boards.through.objects.bulk_create(
        [
            ActionPlan.monitoring_boards.through(actionplan_id=pid, board_id=meta["board"])
            for pid, meta in zip(plan_ids, plan_meta, strict=True)
        ],
        batch_size=ctx.batch_size,
    )

    def plan_changes() -> Iterator[tuple[Any, ...]]:
        for pid, meta in zip(plan_ids, plan_meta, strict=True):
            yield (pid, "", "draft", meta["creator"], meta["created"], "")
            if meta["status"] in ("submitted", "approved"):
                yield (pid, "draft", "submitted", meta["creator"], meta["submitted"], "")
            if meta["status"] == "approved":
                yield (pid, "submitted", "approved", meta["chair"], meta["approved"], "")

    rows["reviews.actionplan"] = len(plan_ids)
    rows["reviews.planstatuschange"] = ctx.bulk_insert(
        m["PlanStatusChange"], ("plan_id", *change_fields), plan_changes()
    )

    # 4. Actions: the hot review's plans share `reviews.hot_review_actions`; the other plans share the
    # rest in proportion to a skewed weight (board plans a little heavier): from none to dozens a plan.
    n_actions = ctx.count("reviews.actions")
    hot_plans = [p for p, meta in enumerate(plan_meta) if specs[meta["review"]].hot]
    others = [p for p, meta in enumerate(plan_meta) if not specs[meta["review"]].hot]
    n_hot = min(ctx.count("reviews.hot_review_actions"), n_actions) if hot_plans and others else 0
    if not others:
        others = hot_plans
    counts = [0] * len(plan_meta)
    for group, total in ((hot_plans, n_hot), (others, n_actions - n_hot)):
        weights = [
            rng.lognormvariate(0, 0.7) * (1.5 if plan_meta[p]["kind"] == "multi_agency" else 1.0)
            for p in group
        ]
        for p, c in zip(group, _allocate(total, weights), strict=True):
            counts[p] += c
    lives: list[_ActionLife] = []

    def action_rows() -> Iterator[tuple[Any, ...]]:
        for p, meta in enumerate(plan_meta):
            spec = specs[meta["review"]]
            review_id = review_ids[meta["review"]]
            closed = _office_time(spec.closed_on, rng) if spec.closed_on else None
            own_findings = findings_of.get(review_id, [])
            board_recs = recs_of.get((review_id, meta["board"]), [])
            # Board plans are led by the business manager or a subgroup member, never by their judge.
            board_people = [
                user
                for user in (
                    staff[meta["board"]]["manager"],
                    *subgroup_members[subgroups[meta["board"]]["scr"]],
                )
                if user != meta["chair"]
            ] or [staff[meta["board"]]["manager"]]
            for number in range(1, counts[p] + 1):
                created = min(
                    meta["created"] + timedelta(hours=rng.randint(1, 72)), now - timedelta(minutes=1)
                )
                status, steps, due, original, reprogramming, returned_at = _action_life(
                    rng, created=created, approved=meta["approved"], closed=closed, now=now
                )
                lead, lead_name = None, ""
                if meta["kind"] == "single_agency":
                    if meta["owner"] in lead_weights and rng.random() < 0.75:
                        users, cum = lead_weights[meta["owner"]]
                        lead = rng.choices(users, cum_weights=cum)[0]
                    else:
                        lead_name = rng.choice(_LEAD_TITLES)
                elif rng.random() < 0.6:
                    lead = rng.choice(board_people)
                else:
                    lead_name = "Board business unit"
                at_risk = status in ("agreed", "in_progress") and due >= today and rng.random() < 0.1
                override, reason, override_by = "", "", None
                if status not in ("draft", "closed") and rng.random() < 0.02:
                    override = "red" if rng.random() < 0.7 else "amber"
                    reason, override_by = "Updates missed for two subgroup meetings.", meta["chair"]
                title = f"{rng.choice(_ACTION_VERBS)} {rng.choice(_ACTION_OBJECTS)}"
                finding = rng.choice(own_findings) if own_findings and rng.random() < 0.85 else None
                share = 0.6 if meta["kind"] == "multi_agency" else 0.2
                recommendation = rng.choice(board_recs) if board_recs and rng.random() < share else None
                agreed_at = next((at for s, at in steps if s == "agreed"), None)
                last = steps[-1][1]
                author = lead or meta["creator"]
                lives.append(
                    _ActionLife(
                        p,
                        number,
                        status,
                        steps,
                        lead,
                        author,
                        meta["chair"],
                        at_risk,
                        due,
                        reprogramming,
                        returned_at,
                        title,
                    )
                )
                yield (
                    plan_ids[p],
                    number,
                    finding,
                    recommendation,
                    title,
                    rng.choice(_ACTION_DESCRIPTIONS),
                    lead,
                    lead_name,
                    due,
                    original,
                    status,
                    at_risk,
                    override,
                    reason,
                    override_by,
                    reprogramming is not None,
                    True,
                    agreed_at,
                    last if status == "closed" else None,
                    meta["creator"],
                    created,
                    last,
                    len(steps),
                )

    action_fields = (
        "plan_id",
        "number",
        "finding_id",
        "recommendation_id",
        "title",
        "description",
        "lead_officer_id",
        "lead_officer_name",
        "due_date",
        "original_due_date",
        "status",
        "at_risk",
        "rag_override",
        "rag_override_reason",
        "rag_override_by_id",
        "is_reprogrammed",
        "in_annual_report",
        "agreed_at",
        "closed_at",
        "created_by_id",
        "created_at",
        "updated_at",
        "version",
    )
    Action = m["Action"]
    big = n_actions >= 100_000
    with bulk_load_mode(Action) if big else nullcontext():
        rows["reviews.action"] = ctx.bulk_insert(Action, action_fields, action_rows())
    action_id = {
        (plan, number): pk
        for pk, plan, number in Action.objects.order_by().values_list("pk", "plan_id", "number").iterator()
    }
    ids = [action_id[(plan_ids[life.plan_index], life.number)] for life in lives]

    # 5. Every action's history. Large tables load without their indexes and foreign keys (rebuilt after).
    def status_changes() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            previous = ""
            for status, at in life.steps:
                judged = status in ("agreed", "evidence_accepted", "impact_assessed", "closed")
                returned = previous == "completed" and status == "in_progress"
                reason = "Evidence returned: see the decision on it." if returned else ""
                yield (pk, previous, status, life.judge if judged or returned else life.author, at, reason)
                previous = status

    def criteria() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            for _ in range(rng.randint(0, 1) if life.status == "draft" else rng.randint(1, 2)):
                statement, measure, target = rng.choice(_CRITERIA)
                yield (pk, statement, measure, "", target, "The monitoring subgroup")

    def updates() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            started = next((at for s, at in life.steps if s == "in_progress"), None)
            if started is None:
                continue
            completed = next((at for s, at in reversed(life.steps) if s == "completed"), None)
            at = started + timedelta(days=rng.randint(20, 90))
            for _ in range(12):
                if at >= (completed or now):
                    break
                claimed = "at_risk" if life.at_risk or rng.random() < 0.1 else "on_track"
                yield (pk, life.author, at, rng.choice(_UPDATE_NARRATIVES), claimed)
                at += timedelta(days=rng.randint(60, 120))
            if completed is not None:
                yield (
                    pk,
                    life.author,
                    completed - timedelta(hours=1),
                    "Delivered; evidence submitted.",
                    "complete",
                )

    def evidence() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            completed = next((at for s, at in reversed(life.steps) if s == "completed"), None)
            if completed is None:
                continue
            accepted = next((at for s, at in life.steps if s == "evidence_accepted"), None)
            submissions = []
            if life.returned_at is not None:
                first = next(at for s, at in life.steps if s == "completed")
                submissions.append((first, "returned", life.returned_at))
            submissions.append((completed, "accepted" if accepted else "pending", accepted))
            for submitted, decision, decided in submissions:
                kind = rng.choices(("narrative", "link", "file"), weights=(45, 30, 25))[0]
                file = f"evidence/{submitted:%Y/%m}/scale-{pk}.pdf" if kind == "file" else ""
                yield (
                    pk,
                    kind,
                    rng.choice(_EVIDENCE_DESCRIPTIONS),
                    file,
                    "evidence.pdf" if file else "",
                    "application/pdf" if file else "",
                    rng.randint(20_000, 4_000_000) if file else None,
                    f"https://scale.invalid/evidence/{pk}" if kind == "link" else "",
                    life.author,
                    submitted,
                    decision,
                    life.judge if decided else None,
                    decided,
                    rng.choice(_RETURN_REASONS) if decision == "returned" else "",
                )

    def impacts() -> Iterator[tuple[Any, ...]]:
        verdicts = (("evidenced", 50), ("partly", 30), ("not_evidenced", 8), ("too_early", 12))
        sources = ("audit", "data", "inspection", "practitioner_feedback")
        for pk, life in zip(ids, lives, strict=True):
            assessed = next((at for s, at in life.steps if s == "impact_assessed"), None)
            if assessed is not None:
                verdict, source = _weighted(rng, verdicts), rng.choice(sources)
                yield (pk, verdict, source, rng.choice(_IMPACT_NARRATIVES), life.judge, assessed)

    def reprogrammings() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            if life.reprogramming is not None:
                previous, new, at = life.reprogramming
                yield (pk, previous, new, "Delayed by a restructure; the new date is agreed.", life.judge, at)

    evidence_fields = (
        "action_id",
        "kind",
        "description",
        "file",
        "original_filename",
        "content_type",
        "size_bytes",
        "link",
        "submitted_by_id",
        "submitted_at",
        "decision",
        "decided_by_id",
        "decided_at",
        "return_reason",
    )
    loads: tuple[tuple[str, str, tuple[str, ...], Callable[[], Iterator[tuple[Any, ...]]]], ...] = (
        ("reviews.actionstatuschange", "ActionStatusChange", ("action_id", *change_fields), status_changes),
        (
            "reviews.successcriterion",
            "SuccessCriterion",
            ("action_id", "statement", "measure", "baseline", "target", "assessed_by"),
            criteria,
        ),
        (
            "reviews.progressupdate",
            "ProgressUpdate",
            ("action_id", "author_id", "written_at", "narrative", "claimed"),
            updates,
        ),
        ("reviews.evidence", "Evidence", evidence_fields, evidence),
        (
            "reviews.impactassessment",
            "ImpactAssessment",
            ("action_id", "verdict", "source", "narrative", "assessor_id", "assessed_at"),
            impacts,
        ),
        (
            "reviews.reprogramming",
            "Reprogramming",
            ("action_id", "previous_due_date", "new_due_date", "reason", "approved_by_id", "approved_at"),
            reprogrammings,
        ),
    )
    for label, model_name, fields, source in loads:
        with bulk_load_mode(m[model_name]) if big else nullcontext():
            rows[label] = ctx.bulk_insert(m[model_name], fields, source())

    # 6. The approved version of every approved plan: a frozen copy of its actions.
    by_plan: dict[int, list[_ActionLife]] = {}
    for life in lives:
        by_plan.setdefault(life.plan_index, []).append(life)

    def versions() -> Iterator[tuple[Any, ...]]:
        for p, meta in enumerate(plan_meta):
            if meta["approved"] is None:
                continue
            content = {
                "title": plan_objs[p].title,
                "actions": [
                    {"number": a.number, "title": a.title, "due_date": a.due.isoformat()}
                    for a in by_plan.get(p, [])
                ],
            }
            yield (plan_ids[p], 1, content, meta["chair"], meta["approved"])

    rows["reviews.actionplanversion"] = ctx.bulk_insert(
        m["ActionPlanVersion"], ("plan_id", "number", "content", "approved_by_id", "approved_at"), versions()
    )
    if hot_index is not None:
        ctx.state["reviews.hot_review_id"] = review_ids[hot_index]
    return rows


register_generator("people", generate_people)
register_generator("core.clocks", generate_clocks, depends_on=["people"])
register_generator("core.audit_trail", generate_audit_trail, depends_on=["people"])
register_generator("core.access_log", generate_access_log, depends_on=["people"], atomic=False)
register_generator("reviews", generate_reviews, depends_on=["people"])


__all__ = [
    "PROFILES",
    "SCALE_ADMIN_EMAIL",
    "SCALE_AUDITOR_EMAIL",
    "SCALE_MONITOR_EMAIL",
    "SCALE_PASSWORD",
    "SCALE_PRACTITIONER_EMAIL",
    "GenerationReport",
    "Profile",
    "ScaleContext",
    "ScaleDataError",
    "generate",
    "generators_in_order",
    "register_generator",
    "scale_data_present",
]
