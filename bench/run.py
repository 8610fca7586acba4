"""`make bench`: Safeguard's throughput and latency beside a plain-Django baseline, on scale data.

    .venv/bin/python bench/run.py [--profile demo|large] [--database-url URL] [--reuse] [--quick]
        [--pages KEY ...] [--no-export] [--no-profile] [--rewrite-report]

1. The database. `--database-url` (or $BENCH_DATABASE_URL) names it; otherwise, when $DATABASE_URL points
   at PostgreSQL, the scratch database `sg_bench` on that server; otherwise the SQLite file
   var/bench/bench.sqlite3. It is dropped, recreated, migrated and filled with
   `generate_scale_data --profile <profile> --anchor <today>` (timed; anchored on the day of the run so
   that due dates and RAG stand where the generator meant them to), unless `--reuse` says it already
   holds scale data (e.g. a large profile generated once: how long that took is read back from the
   audit event the generator wrote). Only databases whose name starts with "sg_bench" are ever
   dropped; `postgres` and `test_safeguard` are refused outright.
2. Two servers on loopback ports, same gunicorn settings (sync workers, one per core): Safeguard
   (`safeguard.wsgi`, SAFEGUARD_ENV=production with a generated SECRET_KEY, static files collected
   under var/bench/static) and the baseline (`bench.baseline.wsgi`, no Safeguard code).
3. The personas sign in through the real sign-in form (session cookie); API pages use the
   administrator's API token.
4. For each page of bench/pages.py, runs alternate (baseline, Safeguard, baseline, Safeguard, ...):
   closed-loop maximum throughput, then open-loop latency at a fixed offered rate.
   Queries per request come from bench/probe.py (Django's test client in-process), with the shape of
   the data (actions by status and RAG, what each persona sees).
5. Unless `--no-export`: one XLSX export of every action the monitor persona may see, timed (first
   byte, last byte) with the server workers' peak memory sampled meanwhile.
6. bench/profile_pages.py on the main pages: SQL against Python, the slowest queries, their plans.
7. bench/results/latest.json and latest.md (or `--results NAME`: NAME.json and NAME.md, for a variant
   run kept beside the main one), with the machine's load (uptime) before, during and after.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.pages import PAGES, Page  # noqa: E402

PYTHON = sys.executable
WORK_DIR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
SCRATCH_PREFIX = "sg_bench"
REFUSED_DATABASES = {"postgres", "test_safeguard", "template0", "template1"}
SCALE_PASSWORD = "scale-bench-password-2026"  # noqa: S105 - safeguard.core.scale.SCALE_PASSWORD
PERSONA_EMAILS = {
    "admin": "admin@scale.invalid",
    "practitioner": "practitioner@scale.invalid",
    "monitor": "monitor@scale.invalid",
    "mash": "mash@scale.invalid",
}
# bench/profile_pages.py looks at these (SQL against Python, slowest queries, plans) after the load runs.
PROFILED_PAGES = (
    "my_work",
    "my_work_monitor",
    "action_list",
    "action_list_filtered",
    "action_detail",
    "review_detail",
    "child_detail",
    "child_search",
    "mash_queue",
)


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- The database --------------------------------------------------------------------------------------


def choose_database(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"/{SCRATCH_PREFIX}"))
    return f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def recreate_database(url: str) -> None:
    name = _database_name(url)
    if url.startswith("sqlite"):
        path = Path(name if name.startswith("/") else "/" + name)
        if not path.name.startswith(("bench", SCRATCH_PREFIX)):
            raise SystemExit(f"Refusing to delete {path}: scratch SQLite files are named bench*.sqlite3.")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if name in REFUSED_DATABASES or not name.startswith(SCRATCH_PREFIX):
        raise SystemExit(
            f"Refusing to drop database {name!r}: scratch databases are named {SCRATCH_PREFIX}*."
        )
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def prepare_database(url: str, profile: str, reuse: bool) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SAFEGUARD_ENV": "development"}
    env["SAFEGUARD_VAR_DIR"] = str(WORK_DIR)
    if reuse:
        log(f"Reusing the scale data in {_redacted(url)} (migrating it first: apps may have added tables)")
        manage(env, "migrate", "--no-input", "-v0", "--skip-checks")
        return {"reused": True}
    log(f"Recreating {_redacted(url)} and generating the '{profile}' profile")
    recreate_database(url)
    # --skip-checks: the system checks import the URLconf, which must not need the tables to exist yet.
    manage(env, "migrate", "--no-input", "-v0", "--skip-checks")
    started = time.perf_counter()
    anchor = datetime.now(UTC).date().isoformat()
    output = manage(env, "generate_scale_data", "--profile", profile, "--anchor", anchor).stdout
    seconds = time.perf_counter() - started
    log(f"Generated in {seconds:.1f}s")
    rows = dict(re.findall(r"^\s+(\S+)\s+([\d,]+)$", output, flags=re.MULTILINE))
    steps = dict(re.findall(r"^(\S+): \{.*\} in ([\d.]+)s$", output, flags=re.MULTILINE))
    return {
        "reused": False,
        "anchor": anchor,
        "seconds": round(seconds, 1),
        "rows": {k: int(v.replace(",", "")) for k, v in rows.items()},
        "step_seconds": {k: float(v) for k, v in steps.items()},
    }


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(parts.password, "***"))
    return urlunsplit(parts)


# --- The servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str) -> dict[str, str]:
    secret = secrets.token_urlsafe(64)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": secret,
        "BASELINE_SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SAFEGUARD_REQUIRE_MFA": "false",
        "SAFEGUARD_VAR_DIR": str(WORK_DIR),
        "STATIC_ROOT": str(WORK_DIR / "static"),
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }


def start_server(module: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        module,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    log_file = (WORK_DIR / f"gunicorn-{module.split('.')[0]}.log").open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"The server for {url} exited with {process.returncode}; see {WORK_DIR}/gunicorn-*.log"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback URL we built
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f}s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def static_is_stale() -> bool:
    """Collecting (and compressing) takes minutes on a busy machine: only when a source is newer."""
    manifest = WORK_DIR / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [
        ROOT / "build" / "assets",
        *(ROOT / "safeguard").glob("*/static"),
        ROOT / "safeguard" / "static",
    ]
    newest = max(
        (f.stat().st_mtime for d in sources if d.exists() for f in d.rglob("*") if f.is_file()), default=0.0
    )
    return newest > manifest.stat().st_mtime


def copy_source_maps() -> None:
    """Work around a gap in `make assets`: GOV.UK Frontend's minified files name source maps that are not
    copied, and production's manifest storage refuses to collect a file whose references are missing."""
    source = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
    for name in ("govuk-frontend.min.css.map", "govuk-frontend.min.js.map"):
        target = ROOT / "build" / "assets" / name
        if not target.exists() and (source / name).exists():
            shutil.copyfile(source / name, target)
            log(f"Copied the missing {name} into build/assets (see bench/run.py copy_source_maps)")


def probe(which: str, env: dict[str, str], ids: dict[str, Any] | None = None) -> dict[str, Any]:
    probe_env = {**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"}
    if which == "baseline":
        probe_env["DJANGO_SETTINGS_MODULE"] = "bench.baseline.settings"
    args = [PYTHON, str(ROOT / "bench" / "probe.py"), which, *([json.dumps(ids)] if ids else [])]
    result = subprocess.run(
        args, cwd=ROOT, env=probe_env, capture_output=True, text=True, timeout=600, check=False
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("PROBE ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(f"bench/probe.py {which} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(line.removeprefix("PROBE "))


def profile_pages(env: dict[str, str], ids: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """bench/profile_pages.py in a subprocess; a failure is reported, not fatal (the load results stand)."""
    if not keys:
        return {}
    probe_env = {**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"}
    args = [PYTHON, str(ROOT / "bench" / "profile_pages.py"), json.dumps(ids), *keys]
    try:
        result = subprocess.run(
            args, cwd=ROOT, env=probe_env, capture_output=True, text=True, timeout=900, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": "bench/profile_pages.py took more than 15 minutes"}
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("PROFILE ")), None)
    if result.returncode != 0 or line is None:
        return {"error": f"bench/profile_pages.py failed: {result.stderr[-2000:]}"}
    return json.loads(line.removeprefix("PROFILE "))


def uptime() -> str:
    """`uptime` as printed (users and load averages): the machine is shared, so say how busy it was."""
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


async def measure_export(
    base: str, headers: dict[str, str], master_pid: int, *, timeout: float = 300
) -> dict[str, Any]:
    """One XLSX export of every action the persona may see: time to the first and the last byte, the
    size, and the largest resident memory of any server worker while it ran (sampled every 0.2 s)."""
    url = f"{base}/actions/export.xlsx"
    peak = {"rss_mb": max((_rss_mb(pid) for pid in _children(master_pid)), default=0.0)}
    baseline_rss = peak["rss_mb"]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak["rss_mb"] = max([peak["rss_mb"], *(_rss_mb(pid) for pid in _children(master_pid))])
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    result: dict[str, Any] = {"path": "/actions/export.xlsx"}
    try:
        async with (
            aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=timeout)
            ) as session,
            session.get(url, headers=headers, allow_redirects=False) as response,
        ):
            result["status"] = response.status
            result["rows"] = response.headers.get("X-Export-Rows")
            size = 0
            first = None
            async for chunk in response.content.iter_chunked(65536):
                if first is None:
                    first = time.perf_counter() - started
                size += len(chunk)
            result["first_byte_s"] = round(first or 0.0, 2)
            result["bytes"] = size
    except (aiohttp.ClientError, TimeoutError) as exc:
        result["error"] = f"{exc.__class__.__name__}: {exc}"
    finally:
        result["total_s"] = round(time.perf_counter() - started, 2)
        done.set()
        await sampler
    result["worker_rss_mb_before"] = round(baseline_rss, 1)
    result["worker_rss_mb_peak"] = round(peak["rss_mb"], 1)
    return result


# --- Signing in through the form ----------------------------------------------------------------------


async def sign_in(base: str, email: str) -> str:
    """The Cookie header of a session signed in through /sign-in/ (cookies are Secure, so by hand)."""
    cookies: dict[str, str] = {}

    def keep(response: aiohttp.ClientResponse) -> None:
        for name, morsel in response.cookies.items():
            cookies[name] = morsel.value

    def header() -> str:
        return "; ".join(f"{k}={v}" for k, v in cookies.items())

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(f"{base}/sign-in/", allow_redirects=False) as response:
            page = await response.text()
            keep(response)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise SystemExit("No CSRF token on the sign-in page.")
        form = {
            "csrfmiddlewaretoken": html.unescape(match.group(1)),
            "email": email,
            "password": SCALE_PASSWORD,
        }
        async with session.post(
            f"{base}/sign-in/", data=form, headers={"Cookie": header()}, allow_redirects=False
        ) as response:
            keep(response)
            if response.status != 302:
                raise SystemExit(f"Sign-in as {email} answered {response.status}, not a redirect.")
    return header()


async def post_form(base: str, cookie: str, path: str, fields: dict[str, str]) -> None:
    """Post a form of `path` (with the CSRF token its page carries) in the signed-in session `cookie`."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(
            f"{base}{path}", headers={"Cookie": cookie}, allow_redirects=False
        ) as response:
            page = await response.text()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            raise SystemExit(f"No CSRF token on {path}.")
        form = {"csrfmiddlewaretoken": html.unescape(match.group(1)), **fields}
        async with session.post(
            f"{base}{path}", data=form, headers={"Cookie": cookie}, allow_redirects=False
        ) as response:
            if response.status != 302:
                raise SystemExit(f"Posting {path} answered {response.status}, not a redirect.")


# --- Measuring -----------------------------------------------------------------------------------------


def summarise(closed: list[load.RunResult], opened: list[load.RunResult]) -> dict[str, Any]:
    latencies = [x for run in opened for x in run.latencies]
    return {
        "rps": round(statistics.median(run.rate for run in closed), 1),
        "rps_runs": [round(run.rate, 1) for run in closed],
        "p50_ms": round(load.percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(load.percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(load.percentile(latencies, 99) * 1000, 1),
        "open_loop_requests": sum(run.requests for run in opened),
        "errors": sum(run.errors for run in closed + opened),
        "dropped": sum(run.dropped for run in opened),
        "statuses": _merge([run.statuses for run in closed + opened]),
    }


def _merge(dicts: list[dict[int, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for d in dicts:
        for k, v in d.items():
            merged[str(k)] = merged.get(str(k), 0) + v
    return merged


class Servers:
    """The two gunicorn servers. A side is restarted after each open loop: a server that could not keep
    up still holds every queued request (a sync worker does not notice that the client gave up), and its
    backlog would otherwise eat the CPU of the next run, the baseline's included."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env, self.workers = env, workers
        self.ports = {"app": free_port(), "baseline": free_port()}
        self.modules = {"app": "safeguard.wsgi", "baseline": "bench.baseline.wsgi"}
        self.ready_paths = {"app": "/healthz", "baseline": "/users/"}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def base(self, side: str) -> str:
        return f"http://127.0.0.1:{self.ports[side]}"

    def start(self, side: str) -> None:
        self.processes[side] = start_server(self.modules[side], self.ports[side], self.env, self.workers)
        wait_ready(self.base(side) + self.ready_paths[side], self.processes[side])

    def restart(self, side: str) -> None:
        stop(self.processes.get(side))
        self.start(side)

    def stop_all(self) -> None:
        for process in self.processes.values():
            stop(process)


async def measure_page(
    page: Page, targets: dict[str, tuple[str, dict[str, str]]], args: argparse.Namespace, servers: Servers
) -> dict[str, Any]:
    runs: dict[str, dict[str, list[load.RunResult]]] = {
        side: {"closed": [], "open": []} for side in ("baseline", "app")
    }
    for round_ in range(1, args.rounds + 1):
        for side in ("baseline", "app"):
            url, headers = targets[side]
            closed = await load.closed_loop(
                url, headers, concurrency=args.concurrency, seconds=args.closed_seconds
            )
            opened = await load.open_loop(url, headers, rate=args.rate, seconds=args.open_seconds)
            runs[side]["closed"].append(closed)
            runs[side]["open"].append(opened)
            log(
                f"  {page.key} round {round_} {side:<8} {closed.rate:7.1f} req/s closed; "
                f"open p50 {load.percentile(opened.latencies, 50) * 1000:.1f} ms, "
                f"p99 {load.percentile(opened.latencies, 99) * 1000:.1f} ms, "
                f"errors {closed.errors + opened.errors}, dropped {opened.dropped}"
            )
            await asyncio.to_thread(servers.restart, side)
    return {side: summarise(r["closed"], r["open"]) for side, r in runs.items()}


async def check_first(url: str, headers: dict[str, str]) -> None:
    async with (
        aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=load.SLOW_TIMEOUT)
        ) as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
        await response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status} before the run; nothing measured.")


async def measure_all(
    servers: Servers, info: dict[str, Any], args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    ids = info["ids"]
    app_base, baseline_base = servers.base("app"), servers.base("baseline")
    # Sessions live in the database, so they outlast the servers' restarts.
    sessions = {persona: await sign_in(app_base, email) for persona, email in PERSONA_EMAILS.items()}
    results = {}
    for page in selected_pages(args):
        if page.auth == "token":
            app_headers = {"Authorization": f"Token {info['token']}"}
        elif page.prepare is not None:
            # A session of its own, so what the form leaves in it (a search) touches no other page.
            cookie = await sign_in(app_base, PERSONA_EMAILS[page.persona])
            await post_form(app_base, cookie, *page.prepare(ids))
            app_headers = {"Cookie": cookie}
        else:
            app_headers = {"Cookie": sessions[page.persona]}
        targets = {
            "baseline": (baseline_base + page.baseline_path(ids), {}),
            "app": (app_base + page.app_path(ids), app_headers),
        }
        for url, headers in targets.values():
            await check_first(url, headers)
        log(f"{page.name}")
        load_before = os.getloadavg()[0]
        results[page.key] = await measure_page(page, targets, args, servers)
        results[page.key]["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    export = None
    if args.export:
        log("XLSX export of every action the monitor persona may see")
        export = await measure_export(app_base, {"Cookie": sessions["monitor"]}, servers.processes["app"].pid)
        log(f"  {export}")
    return results, export


def selected_pages(args: argparse.Namespace) -> list[Page]:
    return [page for page in PAGES if not args.pages or page.key in args.pages]


# --- Reporting ----------------------------------------------------------------------------------------


def write_results(report: dict[str, Any], name: str = "latest") -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    s = report["settings"]
    lines = [
        f"# Benchmark: {report['profile']} profile, {report['engine']}",
        "",
        f"Run {report['finished_at']} on {s['cpus']} CPU(s); gunicorn sync workers: {s['workers']} per server; "
        f"closed loop {s['concurrency']} clients x {s['closed_seconds']} s; open loop {s['rate']} req/s x "
        f"{s['open_seconds']} s; {s['rounds']} alternating round(s) per page.",
        "",
        *([f"Note: {report['note']}", ""] if report.get("note") else []),
        "Machine load (the machine is shared; load generator, both servers and the database share its CPUs):",
        "",
        f"- before: `{s.get('uptime_before', '')}`",
        f"- after: `{s.get('uptime_after', '')}`",
        "",
    ]
    lines += _generation_lines(report)
    lines += [
        "## Results",
        "",
        "| Page | Safeguard req/s | Baseline req/s | Ratio | Safeguard p50 / p95 / p99 ms | "
        "Baseline p50 / p95 / p99 ms | Queries (Safeguard / baseline) | Errors | Load (1 min) |",
        "| --- | ---: | ---: | ---: | --- | --- | --- | ---: | --- |",
    ]
    for page in PAGES:
        result = report["pages"].get(page.key)
        if result is None:
            continue
        app, base = result["app"], result["baseline"]
        ratio = app["rps"] / base["rps"] if base["rps"] else float("nan")
        load_avg = result.get("load_average_1min", ["", ""])
        lines.append(
            f"| {page.name} | {app['rps']} | {base['rps']} | {ratio:.2f} | "
            f"{app['p50_ms']} / {app['p95_ms']} / {app['p99_ms']} | "
            f"{base['p50_ms']} / {base['p95_ms']} / {base['p99_ms']} | "
            f"{result['queries']['app']} / {result['queries']['baseline']} | "
            f"{app['errors'] + base['errors']} (+{app['dropped'] + base['dropped']} dropped) | "
            f"{load_avg[0]} -> {load_avg[1]} |"
        )
    lines += [
        "",
        "Ratio: Safeguard's closed-loop throughput over the baseline's (1.00 = as fast as plain Django).",
        "Latencies: open loop at the fixed offered rate, counted from each request's due time, so a server",
        "that cannot keep up shows its queue (requests time out after 10 s; more than 64 in flight are",
        "dropped). The baseline reads the same tables with plain generic views: no sign-in, no visibility",
        "rules, no RAG, no GOV.UK layout, no access log.",
        "",
    ]
    lines += _targets_lines(report)
    lines += _shape_lines(report)
    lines += _export_lines(report.get("export"))
    lines += _profile_lines(report.get("page_profile") or {})
    return "\n".join(lines)


# The targets of issues #3 and #4, reported (never asserted): page key -> (p95 ms, p99 ms).
LATENCY_TARGETS = {
    "my_work": (200, 500),
    "my_work_monitor": (200, 500),
    "action_list": (200, 500),
    "action_list_filtered": (200, 500),
    "action_detail": (200, 500),
    "review_detail": (200, 500),
    "who_viewed": (100, None),
    "child_detail": (200, 500),
    "child_search": (200, 500),
    "mash_queue": (200, 500),
}


def _targets_lines(report: dict[str, Any]) -> list[str]:
    lines = [
        "## Against the targets (issues #3 and #4; reported, not asserted)",
        "",
        "p95 <= 200 ms and p99 <= 500 ms at 50 req/s for the pages; who viewed this record p95 <= 100 ms;",
        "list throughput >= 0.5 x the baseline's.",
        "",
        "| Page | p95 | p99 | Throughput ratio |",
        "| --- | --- | --- | --- |",
    ]
    for page in PAGES:
        result = report["pages"].get(page.key)
        if result is None or page.key not in LATENCY_TARGETS:
            continue
        p95_target, p99_target = LATENCY_TARGETS[page.key]
        app, base = result["app"], result["baseline"]
        ratio = app["rps"] / base["rps"] if base["rps"] else float("nan")
        p95 = f"{app['p95_ms']} ms {'met' if app['p95_ms'] <= p95_target else 'MISSED'}"
        p99 = (
            f"{app['p99_ms']} ms {'met' if app['p99_ms'] <= p99_target else 'MISSED'}" if p99_target else "-"
        )
        ratio_text = (
            f"{ratio:.2f} {'met' if ratio >= 0.5 else 'MISSED'}" if "list" in page.key else f"{ratio:.2f}"
        )
        lines.append(f"| {page.name} | {p95} | {p99} | {ratio_text} |")
    return [*lines, ""]


def _generation_lines(report: dict[str, Any]) -> list[str]:
    generation = report["generation"]
    lines = ["## Scale data", ""]
    seconds = generation.get("seconds")
    if generation.get("reused"):
        lines.append("Reused a database generated earlier (`--reuse`); from the generator's audit event:")
    if seconds is not None:
        lines.append(f"Generated in {seconds} s (anchor {generation.get('anchor', 'default')}).")
    steps = generation.get("step_seconds") or {}
    if steps:
        lines.append("Steps: " + ", ".join(f"{name} {value} s" for name, value in steps.items()) + ".")
    rows = generation.get("rows") or {}
    if rows:
        lines += ["", "| Table | Rows |", "| --- | ---: |"]
        lines += [f"| {table} | {n:,} |" for table, n in sorted(rows.items())]
    return [*lines, ""]


def _shape_lines(report: dict[str, Any]) -> list[str]:
    shape = report.get("shape") or {}
    if not shape:
        return []
    ids = report.get("ids", {})
    lines = [
        "## What the pages show",
        "",
        f"- Actions by status: {_counts(shape.get('actions_by_status', {}))}.",
        f"- Actions by RAG (today): {_counts(shape.get('actions_by_rag', {}))}.",
        f"- The review page: review {ids.get('review_id')} with {ids.get('review_actions')} actions; the action "
        f"page: action {ids.get('action_id')}; the filtered list: board {ids.get('board_id')}.",
        f"- Who viewed this record: {shape.get('hot_record_access_events', 0):,} access events on the hot record.",
    ]
    for persona, seen in (shape.get("personas") or {}).items():
        lines.append(
            f"- {persona}: My work {_counts(seen['my_work_items'])}; may see {seen['visible_actions']:,} actions."
        )
    case = shape.get("casework") or {}
    if case:
        lines += [
            f"- Casework: {case.get('children', 0):,} children, {case.get('chronology_entries', 0):,} chronology "
            f"entries; contacts by status: {_counts(case.get('contacts_by_status', {}))}.",
            f"- The child page: child {ids.get('hot_child_id')} with {case.get('hot_child_entries', 0):,} entries. "
            f"The practitioner sees {case.get('practitioner_children', 0):,} children and leads "
            f'{case.get("practitioner_caseload", 0)}; the search for "{case.get("search_term", "")}" '
            f"matches {case.get('search_matches', 0):,}.",
            f"- The MASH officer sees {case.get('mash_children', 0):,} children; their queue holds "
            f"{case.get('mash_queue', 0):,} open contacts.",
        ]
    return [*lines, ""]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])) or "none"


def _export_lines(export: dict[str, Any] | None) -> list[str]:
    if not export:
        return []
    lines = ["## XLSX export (monitor persona, every action they may see; one request)", ""]
    if "error" in export:
        lines.append(f"Failed after {export['total_s']} s: {export['error']}.")
    else:
        lines.append(
            f"Status {export.get('status')}; {export.get('rows')} rows, {export.get('bytes', 0):,} bytes; first "
            f"byte after {export.get('first_byte_s')} s, last after {export['total_s']} s."
        )
    lines.append(
        f"Largest server worker memory while it ran: {export['worker_rss_mb_peak']} MB "
        f"(before: {export['worker_rss_mb_before']} MB)."
    )
    return [*lines, ""]


def _profile_lines(profile: dict[str, Any]) -> list[str]:
    if not profile:
        return []
    lines = ["## Where the time goes (bench/profile_pages.py, in-process, one request at a time)", ""]
    if "error" in profile:
        return [*lines, profile["error"], ""]
    lines += [
        "| Page | Wall ms (median of 5) | SQL ms | Python ms | Queries | Slowest query ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, page in profile.items():
        slowest = page["slowest"][0]["ms"] if page["slowest"] else 0
        lines.append(
            f"| {key} | {page['wall_ms']['median']} | {page['sql_ms']} | {page['python_ms']} | "
            f"{page['queries']} | {slowest} |"
        )
    lines.append("")
    for key, page in profile.items():
        lines += [f"### {key}: `{page['path']}`", ""]
        lines.append("Slowest queries of the median request:")
        lines.append("")
        for query in page["slowest"][:3]:
            lines.append(f"- {query['ms']} ms: `{_clip(_elide_select_list(query['sql']), 700)}`")
        lines.append("")
        for explained in page.get("explain", [])[:1]:
            lines += ["Plan of the slowest:", "", "```", _clip_lines(explained["plan"], 40), "```", ""]
        if page.get("python_by_area"):
            areas = ", ".join(f"{area} {ms} ms" for area, ms in page["python_by_area"].items())
            lines += [f"Own time by area (one request under cProfile, which slows Python down): {areas}.", ""]
        lines.append("Top functions by own time:")
        lines.append("")
        for row in page["python_top"][:8]:
            lines.append(
                f"- {row['own_ms']} ms own / {row['cumulative_ms']} ms cum, {row['calls']} calls: `{row['function']}`"
            )
        lines.append("")
    return lines


def _elide_select_list(sql: str) -> str:
    """`SELECT <columns> FROM ...` -> `SELECT ... FROM ...`: the columns say little, the rest says why."""
    text = " ".join(sql.split())
    if not text.upper().startswith("SELECT "):
        return text
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and text.startswith(" FROM ", i):
            return "SELECT ..." + text[i:]
    return text


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _clip_lines(text: str, limit: int) -> str:
    rows = text.splitlines()
    return "\n".join(rows if len(rows) <= limit else [*rows[:limit], f"... ({len(rows) - limit} more lines)"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profile", choices=("tiny", "demo", "large"), default="demo")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reuse", action="store_true", help="The database already holds scale data.")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--closed-seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--open-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="One short round: to check the harness.")
    parser.add_argument(
        "--pages", nargs="*", default=None, help=f"Only these pages ({', '.join(p.key for p in PAGES)})."
    )
    parser.add_argument("--no-export", dest="export", action="store_false", help="Skip the XLSX export.")
    parser.add_argument("--no-profile", dest="profile_pages", action="store_false", help="Skip profiling.")
    parser.add_argument(
        "--rewrite-report", action="store_true", help="Only write NAME.md again from NAME.json."
    )
    parser.add_argument(
        "--results", default="latest", help="Write bench/results/NAME.json and NAME.md (default: latest)."
    )
    parser.add_argument("--note", default="", help="A line for the report: what is special about this run.")
    args = parser.parse_args()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", args.results):
        raise SystemExit("--results: a plain name (letters, digits, - and _), written under bench/results/.")
    if args.rewrite_report:
        report = json.loads((RESULTS / f"{args.results}.json").read_text())
        (RESULTS / f"{args.results}.md").write_text(markdown(report))
        return
    if args.quick:
        args.rounds, args.closed_seconds, args.open_seconds = 1, 3, 4
    args.rounds = max(1, min(args.rounds, 10))
    args.closed_seconds = max(1.0, min(args.closed_seconds, 120.0))
    args.open_seconds = max(1.0, min(args.open_seconds, 120.0))
    args.rate = max(1.0, min(args.rate, 1000.0))
    unknown = set(args.pages or ()) - {p.key for p in PAGES}
    if unknown:
        raise SystemExit(f"Unknown page(s): {', '.join(sorted(unknown))}")

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    url = choose_database(args.database_url)
    if _database_name(url) in REFUSED_DATABASES:
        raise SystemExit(f"Refusing to benchmark against {_database_name(url)!r}.")
    uptime_before = uptime()
    generation = prepare_database(url, args.profile, args.reuse)

    env = server_env(url)
    copy_source_maps()
    if static_is_stale():
        log("Collecting static files")
        shutil.rmtree(WORK_DIR / "static", ignore_errors=True)
        manage(env, "collectstatic", "--no-input", "-v0")
    log("Probing the data (ids, shape, queries per page)")
    info = probe("app", env)
    info["queries_baseline"] = probe("baseline", env, info["ids"])["queries"]
    generated = info["shape"].get("generated") or {}
    if generation.get("reused") and generated:
        steps = generated.get("seconds") or {}
        generation.update(
            {
                "profile": generated.get("profile"),
                "anchor": generated.get("anchor"),
                "rows": generated.get("rows"),
                "step_seconds": steps,
                "seconds": round(sum(steps.values()), 1) if steps else None,
            }
        )

    servers = Servers(env, args.workers)
    export = None
    try:
        servers.start("app")
        servers.start("baseline")
        log(f"Safeguard on {servers.base('app')}, baseline on {servers.base('baseline')}")
        load_before = os.getloadavg()[0]
        pages, export = asyncio.run(measure_all(servers, info, args))
        load_after = os.getloadavg()[0]
    finally:
        servers.stop_all()
    profile: dict[str, Any] = {}
    if args.profile_pages:
        keys = [k for k in PROFILED_PAGES if k in pages]
        log(f"Profiling {', '.join(keys)}")
        profile = profile_pages(env, info["ids"], keys)
    uptime_after = uptime()

    for key, result in pages.items():
        result["queries"] = {
            "app": info["queries"][key]["queries"],
            "baseline": info["queries_baseline"][key]["queries"],
        }
    report = {
        "profile": args.profile,
        "engine": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "database": _redacted(url),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation": generation,
        "ids": info["ids"],
        "shape": info["shape"],
        "settings": {
            "cpus": os.cpu_count(),
            "workers": args.workers,
            "concurrency": args.concurrency,
            "closed_seconds": args.closed_seconds,
            "rate": args.rate,
            "open_seconds": args.open_seconds,
            "rounds": args.rounds,
            "load_average_1min": [round(load_before, 1), round(load_after, 1)],
            "uptime_before": uptime_before,
            "uptime_after": uptime_after,
        },
        "pages": pages,
        "export": export,
        "page_profile": profile,
        "note": args.note,
    }
    write_results(report, args.results)
    print(markdown(report))
    log(f"Wrote {RESULTS / args.results}.md and .json")


if __name__ == "__main__":
    main()
