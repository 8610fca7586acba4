"""`make bench`: Safeguard's throughput and latency beside a plain-Django baseline, on scale data.

    .venv/bin/python bench/run.py [--profile demo|large] [--database-url URL] [--reuse] [--quick]

1. The database. `--database-url` (or $BENCH_DATABASE_URL) names it; otherwise, when $DATABASE_URL points
   at PostgreSQL, the scratch database `sg_bench` on that server; otherwise the SQLite file
   var/bench/bench.sqlite3. It is dropped, recreated, migrated and filled with
   `generate_scale_data --profile <profile>` (timed), unless `--reuse` says it already holds scale data
   (e.g. a large profile generated once). Only databases whose name starts with "sg_bench" are ever
   dropped; `postgres` and `test_safeguard` are refused outright.
2. Two servers on loopback ports, same gunicorn settings (sync workers, one per core): Safeguard
   (`safeguard.wsgi`, SAFEGUARD_ENV=production with a generated SECRET_KEY, static files collected
   under var/bench/static) and the baseline (`bench.baseline.wsgi`, no Safeguard code).
3. The personas sign in through the real sign-in form (session cookie); API pages use the
   administrator's API token.
4. For each page of bench/pages.py, runs alternate (baseline, Safeguard, baseline, Safeguard, ...):
   closed-loop maximum throughput, then open-loop latency at a fixed offered rate.
   Queries per request come from bench/probe.py (Django's test client in-process).
5. bench/results/latest.json and latest.md.
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
PERSONA_EMAILS = {"admin": "admin@scale.invalid", "practitioner": "practitioner@scale.invalid"}


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
    output = manage(env, "generate_scale_data", "--profile", profile).stdout
    seconds = time.perf_counter() - started
    log(f"Generated in {seconds:.1f}s")
    rows = dict(re.findall(r"^\s+(\S+)\s+([\d,]+)$", output, flags=re.MULTILINE))
    steps = dict(re.findall(r"^(\S+): \{.*\} in ([\d.]+)s$", output, flags=re.MULTILINE))
    return {
        "reused": False,
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


async def measure_page(
    page: Page, targets: dict[str, tuple[str, dict[str, str]]], args: argparse.Namespace
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
            await drain(url, headers)
            log(
                f"  {page.key} round {round_} {side:<8} {closed.rate:7.1f} req/s closed; "
                f"open p50 {load.percentile(opened.latencies, 50) * 1000:.1f} ms, "
                f"p99 {load.percentile(opened.latencies, 99) * 1000:.1f} ms, errors {closed.errors + opened.errors}"
            )
    return {side: summarise(r["closed"], r["open"]) for side, r in runs.items()}


async def drain(url: str, headers: dict[str, str], *, seconds: float = 60, fast: float = 2.0) -> None:
    """Wait until a server overloaded by the open loop has worked off its queue (two quick answers in a
    row, or `seconds`), so that the next run does not pay for this one's backlog."""
    deadline = time.monotonic() + seconds
    quick = 0
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=load.REQUEST_TIMEOUT)
    ) as session:
        while quick < 2 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    await response.read()
            except (aiohttp.ClientError, TimeoutError):
                pass
            quick = quick + 1 if time.monotonic() - started < fast else 0


async def check_first(url: str, headers: dict[str, str]) -> None:
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status} before the run; nothing measured.")


async def measure_all(
    app_base: str, baseline_base: str, info: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    ids = info["ids"]
    sessions = {persona: await sign_in(app_base, email) for persona, email in PERSONA_EMAILS.items()}
    results = {}
    for page in PAGES:
        if page.auth == "token":
            app_headers = {"Authorization": f"Token {info['token']}"}
        else:
            app_headers = {"Cookie": sessions[page.persona]}
        targets = {
            "baseline": (baseline_base + page.baseline_path(ids), {}),
            "app": (app_base + page.app_path(ids), app_headers),
        }
        for url, headers in targets.values():
            await check_first(url, headers)
        log(f"{page.name}")
        results[page.key] = await measure_page(page, targets, args)
    return results


# --- Reporting ----------------------------------------------------------------------------------------


def write_results(report: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    s = report["settings"]
    lines = [
        f"# Benchmark: {report['profile']} profile, {report['engine']}",
        "",
        f"Run {report['finished_at']} on {s['cpus']} CPU(s); gunicorn sync workers: {s['workers']} per server; "
        f"closed loop {s['concurrency']} clients x {s['closed_seconds']} s; open loop {s['rate']} req/s x "
        f"{s['open_seconds']} s; {s['rounds']} alternating round(s) per page. Load average (1 min) before and "
        f"after: {s['load_average_1min'][0]} and {s['load_average_1min'][1]}.",
        "",
    ]
    generation = report["generation"]
    if not generation.get("reused"):
        lines += [f"Scale data generated in {generation['seconds']} s.", ""]
    lines += [
        "| Page | Safeguard req/s | Baseline req/s | Ratio | Safeguard p50 / p95 / p99 ms | "
        "Baseline p50 / p95 / p99 ms | Queries (Safeguard / baseline) | Errors |",
        "| --- | ---: | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for page in PAGES:
        result = report["pages"].get(page.key)
        if result is None:
            continue
        app, base = result["app"], result["baseline"]
        ratio = app["rps"] / base["rps"] if base["rps"] else float("nan")
        lines.append(
            f"| {page.name} | {app['rps']} | {base['rps']} | {ratio:.2f} | "
            f"{app['p50_ms']} / {app['p95_ms']} / {app['p99_ms']} | "
            f"{base['p50_ms']} / {base['p95_ms']} / {base['p99_ms']} | "
            f"{result['queries']['app']} / {result['queries']['baseline']} | "
            f"{app['errors'] + base['errors']} (+{app['dropped'] + base['dropped']} dropped) |"
        )
    lines += [
        "",
        "Ratio: Safeguard's closed-loop throughput over the baseline's (1.00 = as fast as plain Django).",
        "Latencies: open loop at the fixed offered rate, counted from each request's due time, so a server",
        "that cannot keep up shows its queue. Load generator, both servers and the database share the CPUs.",
        "",
    ]
    return "\n".join(lines)


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
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.closed_seconds, args.open_seconds = 1, 3, 4
    args.rounds = max(1, min(args.rounds, 10))
    args.closed_seconds = max(1.0, min(args.closed_seconds, 120.0))
    args.open_seconds = max(1.0, min(args.open_seconds, 120.0))
    args.rate = max(1.0, min(args.rate, 1000.0))

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    url = choose_database(args.database_url)
    if _database_name(url) in REFUSED_DATABASES:
        raise SystemExit(f"Refusing to benchmark against {_database_name(url)!r}.")
    generation = prepare_database(url, args.profile, args.reuse)

    env = server_env(url)
    copy_source_maps()
    if static_is_stale():
        log("Collecting static files")
        shutil.rmtree(WORK_DIR / "static", ignore_errors=True)
        manage(env, "collectstatic", "--no-input", "-v0")
    info = probe("app", env)
    info["queries_baseline"] = probe("baseline", env, info["ids"])["queries"]

    app_port, baseline_port = free_port(), free_port()
    app = baseline = None
    try:
        app = start_server("safeguard.wsgi", app_port, env, args.workers)
        baseline = start_server("bench.baseline.wsgi", baseline_port, env, args.workers)
        app_base, baseline_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{baseline_port}"
        wait_ready(f"{app_base}/healthz", app)
        wait_ready(f"{baseline_base}/users/", baseline)
        log(f"Safeguard on {app_base}, baseline on {baseline_base}")
        load_before = os.getloadavg()[0]
        pages = asyncio.run(measure_all(app_base, baseline_base, info, args))
        load_after = os.getloadavg()[0]
    finally:
        stop(app)
        stop(baseline)

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
        "settings": {
            "cpus": os.cpu_count(),
            "workers": args.workers,
            "concurrency": args.concurrency,
            "closed_seconds": args.closed_seconds,
            "rate": args.rate,
            "open_seconds": args.open_seconds,
            "rounds": args.rounds,
            "load_average_1min": [round(load_before, 1), round(load_after, 1)],
        },
        "pages": pages,
    }
    write_results(report)
    print(markdown(report))
    log(f"Wrote {RESULTS / 'latest.md'} and latest.json")


if __name__ == "__main__":
    main()
