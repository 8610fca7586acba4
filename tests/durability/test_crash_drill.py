"""Crash drill: a write the server acknowledged survives the server being killed mid-burst.

A real server (gunicorn, two workers) runs on its own database. A few threads sign in through the real
form again and again; each successful sign-in commits a `user.signed_in` audit event before the 302 is
sent, so every 302 is an acknowledged write. Part-way through, the master and its workers are killed with
SIGKILL (no graceful shutdown, no atexit, nothing flushed by us). The database is then read directly:
every acknowledged sign-in must be there, the audit hash chain must verify, and a restarted server must
answer /healthz.

Runs on a SQLite file always, and on PostgreSQL too when the suite itself runs on PostgreSQL (CI's second
pass): then the drill creates and drops its own database, so the test database is never touched.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

from safeguard.people.demo import DEFAULT_DEMO_PASSWORD

pytestmark = pytest.mark.durability

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Demo practitioners: none has a second factor, so a correct password is answered 302 → /my-work/.
USERS = ("social.worker@liverpool-cs.demo", "officer@merseyside-police.demo", "dsl@nursery1.demo")
PASSWORD = DEFAULT_DEMO_PASSWORD

# Bounds: the drill never runs away, whatever the server does.
KILL_AFTER_ACKNOWLEDGED = 18  # kill once this many sign-ins have been acknowledged...
KILL_AFTER_SECONDS = 30.0  # ...or after this long, whichever comes first
MAX_ATTEMPTS_PER_THREAD = 200
REQUEST_TIMEOUT = 15.0
START_TIMEOUT = 40.0
COMMAND_TIMEOUT = 120.0

# Per process, so two runs at once (two checkouts, a developer and CI) never drop each other's database.
PG_DRILL_DATABASE = f"sg_crash_drill_{os.getpid()}"
CSRF_COOKIE = "safeguard_csrf"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


# --- The database the drill runs on ----------------------------------------------------------------------


@dataclass
class DrillDatabase:
    url: str
    engine: str

    def signed_in_counts(self) -> Counter[str]:
        """`user.signed_in` audit events per user e-mail, read straight from the database."""
        query = (
            "SELECT u.email, COUNT(*) FROM core_auditevent e JOIN people_user u ON u.id = e.actor_id "
            "WHERE e.action = 'user.signed_in' GROUP BY u.email"
        )
        if self.engine == "sqlite":
            path = urlsplit(self.url).path
            # Opening the file replays the write-ahead log the killed server left behind.
            with contextlib.closing(sqlite3.connect(path, timeout=20)) as db:
                rows = db.execute(query).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.url, connect_timeout=10) as db:
                rows = db.execute(query).fetchall()
        return Counter({email: count for email, count in rows})


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextlib.contextmanager
def _sqlite_database(tmp_path: Path) -> Iterator[DrillDatabase]:
    yield DrillDatabase(url=f"sqlite:///{tmp_path / 'drill.sqlite3'}", engine="sqlite")


@contextlib.contextmanager
def _postgres_database(admin_url: str) -> Iterator[DrillDatabase]:
    import psycopg

    def admin(statement: str) -> None:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as db:
            db.execute(statement)

    # A database of our own, so the suite's test database is never touched; FORCE ends any
    # connection a killed worker left half-open.
    admin(f"DROP DATABASE IF EXISTS {PG_DRILL_DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {PG_DRILL_DATABASE}")
    parts = urlsplit(admin_url)
    try:
        yield DrillDatabase(url=urlunsplit(parts._replace(path=f"/{PG_DRILL_DATABASE}")), engine="postgresql")
    finally:
        admin(f"DROP DATABASE IF EXISTS {PG_DRILL_DATABASE} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def drill_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DrillDatabase]:
    if request.param == "sqlite":
        with _sqlite_database(tmp_path) as database:
            yield database
        return
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("the suite is not running on PostgreSQL (DATABASE_URL is not postgres://)")
    with _postgres_database(admin_url) as database:
        yield database


# --- The server and the commands -------------------------------------------------------------------------


def _environment(database: DrillDatabase, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database.url,
        SAFEGUARD_ENV="development",
        DEBUG="false",
        SAFEGUARD_VAR_DIR=str(var_dir),
        SAFEGUARD_REQUIRE_MFA="false",
        DEMO_PASSWORD=PASSWORD,
        DJANGO_SETTINGS_MODULE="safeguard.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: its own process group, nothing else."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _start_server(env: dict[str, str], log: Path) -> Server:
    port = _free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                GUNICORN,
                "safeguard.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--timeout=30",
                "--graceful-timeout=1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so one killpg takes master and workers
        )
    server = Server(process=process, port=port, log=log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{server.output()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if _get(port, "/healthz")[0] == 200:
                return server
        time.sleep(0.2)
    server.kill()
    raise AssertionError(f"gunicorn did not answer /healthz within {START_TIMEOUT}s:\n{server.output()}")


@contextlib.contextmanager
def _running_server(env: dict[str, str], log: Path) -> Iterator[Server]:
    server = _start_server(env, log)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.kill()


# --- A minimal browser: one cookie jar per sign-in -------------------------------------------------------


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, _headers(response), response.read().decode(errors="replace")
    finally:
        conn.close()


def _headers(response: http.client.HTTPResponse) -> dict[str, str]:
    return {"location": response.getheader("Location") or "", "set-cookie": _cookie_header(response)}


def _cookie_header(response: http.client.HTTPResponse) -> str:
    jar: SimpleCookie = SimpleCookie()
    for value in response.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def sign_in(port: int, email: str) -> bool:
    """One sign-in through the real form. True only for the acknowledged outcome: 302 to /my-work/."""
    status, headers, body = _get(port, "/sign-in/")
    match = CSRF_INPUT.search(body)
    if status != 200 or not match or CSRF_COOKIE not in headers["set-cookie"]:
        return False
    form = urlencode({"csrfmiddlewaretoken": match.group(1), "email": email, "password": PASSWORD})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(
            "POST",
            "/sign-in/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": headers["set-cookie"],
                "Referer": f"http://127.0.0.1:{port}/sign-in/",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status == 302 and urlsplit(response.getheader("Location") or "").path == "/my-work/"
    finally:
        conn.close()


@dataclass
class Burst:
    port: int
    acknowledged: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def total(self) -> int:
        with self.lock:
            return sum(self.acknowledged.values())

    def run(self, email: str) -> None:
        for _ in range(MAX_ATTEMPTS_PER_THREAD):
            if self.stop.is_set():
                return
            try:
                ok = sign_in(self.port, email)
            except (OSError, http.client.HTTPException):
                ok = False  # the server died under us: never acknowledged, so never counted as one
            with self.lock:
                (self.acknowledged if ok else self.refused)[email] += 1


# --- The drill -------------------------------------------------------------------------------------------


def test_acknowledged_sign_ins_survive_a_kill_9_of_the_server(
    drill_database: DrillDatabase, tmp_path: Path
) -> None:
    started = time.monotonic()
    env = _environment(drill_database, tmp_path)
    # System checks are CI's own step; here they would only add start-up time to a durability drill.
    for command in (("migrate", "--no-input", "--skip-checks", "-v0"), ("load_demo",)):
        result = _manage(env, *command)
        assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    before = drill_database.signed_in_counts()
    log = tmp_path / "gunicorn.log"

    with _running_server(env, log) as server:
        burst = Burst(port=server.port)
        threads = [threading.Thread(target=burst.run, args=(email,), daemon=True) for email in USERS]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + KILL_AFTER_SECONDS
        while burst.total() < KILL_AFTER_ACKNOWLEDGED and time.monotonic() < deadline:
            time.sleep(0.02)
        # Mid-burst: requests are in flight in both workers when the whole group dies.
        server.kill()
        burst.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in threads), "a burst thread did not stop"
        # Nothing of the old server is left answering: the workers died with the master.
        with pytest.raises(OSError):
            _get(server.port, "/healthz")

    acknowledged = burst.acknowledged
    assert sum(acknowledged.values()) > 0, f"no sign-in was acknowledged before the kill:\n{server.output()}"

    stored = drill_database.signed_in_counts() - before
    lost = {
        email: acknowledged[email] - stored[email] for email in USERS if stored[email] < acknowledged[email]
    }
    assert not lost, f"acknowledged sign-ins missing after the crash: {lost} (stored {dict(stored)})"

    chain = _manage(env, "verify_audit_chain")
    assert chain.returncode == 0, f"audit chain broken after the crash:\n{chain.stdout}\n{chain.stderr}"

    with _running_server(env, tmp_path / "gunicorn-restart.log") as restarted:
        status, _, body = _get(restarted.port, "/healthz")
        assert status == 200, body
        assert '"ok"' in body
        # And the restarted server takes writes again.
        assert sign_in(restarted.port, USERS[0])

    elapsed = time.monotonic() - started
    print(
        f"\n{drill_database.engine}: {sum(acknowledged.values())} acknowledged "
        f"({dict(acknowledged)}), {sum(stored.values())} stored, "
        f"{sum(burst.refused.values())} failed in flight; drill took {elapsed:.1f}s"
    )
