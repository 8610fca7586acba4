"""Scale data: a deterministic, seeded generator of a large area's volume, for benchmarks.

`manage.py generate_scale_data --profile demo|large [--seed N]` runs every registered generator once, in
dependency order, against an empty (freshly migrated) scratch database. The same profile and seed give
the same rows on a fresh database every time: each generator draws from its own `random.Random` seeded
with "<seed>:<generator name>", and times are counted back from a fixed anchor, never from the clock.

Profiles (`PROFILES`) hold every table's target count in one place: the large profile is the design's
ten-year volume for a region of ten boards. Generated: boards, agencies, teams, users and their roles
(`people`), open clocks, the audit trail and the access log (`core.*`); from safeguard/reviews/scale.py,
the review register with its findings, recommendations, plans, actions and every action's history
(`reviews`); and from safeguard/casework/scale.py, children, the agencies' involvements with them, their
chronologies and the MASH contacts with their status history (`casework`).

Personas (all with `SCALE_PASSWORD`): the administrator; a practitioner who owns an average share of
open clocks, whose own record is the access log's "hot" record, and who leads a caseload of their
agency's involvements, one of them the "hot" child with `casework.hot_child_entries` chronology entries;
an auditor of the first board; a monitor, an agency safeguarding lead with a seat on their board's SCR
subgroup, who leads actions and judges other agencies' evidence and impact (the monitor's board leads
the "hot" review, the one with `reviews.hot_review_actions` actions); and a MASH officer of the first
board's children's social care agency, whose MASH sees every child of that board and works its queue of
open contacts.

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

from safeguard.core.audit import GENESIS_HASH, HASHED_COLUMNS, HEAD_PK, compute_hash, record_event
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
# A MASH officer of the first board's children's social care agency: sees the board's children, rates contacts.
SCALE_MASH_EMAIL = f"mash@{SCALE_EMAIL_DOMAIN}"
BOARD_PREFIX = "SCALE-"
# Times are counted back from here, so that a seed always gives the same rows.
DEFAULT_ANCHOR = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Profile:
    name: str
    counts: dict[str, int]


# Keys are "<app>.<what>"; an app's generator reads its own (an app without one keeps its targets here).
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
            "casework.involvements": 100,
            "casework.chronology_entries": 200,
            "casework.hot_child_entries": 40,
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
            "casework.involvements": 6_000,
            "casework.chronology_entries": 20_000,
            "casework.hot_child_entries": 500,
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
            "casework.involvements": 600_000,
            "casework.chronology_entries": 2_000_000,
            "casework.hot_child_entries": 500,
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
    """Run every registered generator (or only those named and their dependencies) for a profile.
    Every installed app's `scale` module is imported first, so its generators are registered."""
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("scale")

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
    n_users = max(ctx.count("people.users"), 5)
    users = []
    for n in range(1, n_users + 1):
        email = {
            1: SCALE_ADMIN_EMAIL,
            2: SCALE_PRACTITIONER_EMAIL,
            3: SCALE_AUDITOR_EMAIL,
            4: SCALE_MONITOR_EMAIL,
            5: SCALE_MASH_EMAIL,
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

    mash_position = next(
        (
            i
            for i, (agency, board_id) in enumerate(zip(agencies, agency_board, strict=True))
            if board_id == board_ids[0] and agency.sector == "childrens_social_care"
        ),
        0,
    )
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
        if index == 4:  # the MASH persona: the first board's children's social care agency
            position = mash_position
        agency_id = agency_ids[position]
        role = (
            "practitioner"
            if index == 1
            else "auditor"
            if index == 2
            else "agency_safeguarding_lead"
            if index == 3
            else "mash_officer"
            if index == 4
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
    personas = set(user_ids[:5])
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
            "people.mash_id": user_ids[4],
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

    fields = (*HASHED_COLUMNS, "hash")
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


register_generator("people", generate_people)
register_generator("core.clocks", generate_clocks, depends_on=["people"])
register_generator("core.audit_trail", generate_audit_trail, depends_on=["people"])
register_generator("core.access_log", generate_access_log, depends_on=["people"], atomic=False)


__all__ = [
    "PROFILES",
    "SCALE_ADMIN_EMAIL",
    "SCALE_AUDITOR_EMAIL",
    "SCALE_MASH_EMAIL",
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
