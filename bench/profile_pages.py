"""Where a page's time goes: SQL against Python, the slowest queries and (PostgreSQL) their plans.

    python bench/profile_pages.py '<ids json>' [page_key ...]    (run by bench/run.py, or by hand)

In-process, with Django's test client signed in as the page's persona (the same settings as the servers):
for each page, a warm-up request, then `REPEATS` timed requests with every query captured (wall time,
time inside the database driver, query count), the slowest queries of the median request and, on
PostgreSQL, EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs; then one request under cProfile, whose
top functions by own time say which Python is expensive. Prints one line "PROFILE <json>".
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEATS = 5
SLOWEST = 5
EXPLAINED = 2
TOP_FUNCTIONS = 12


def _request(client: Any, path: str, headers: dict[str, str]) -> tuple[float, list[dict[str, Any]], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        wall = time.perf_counter() - started
    return wall, list(captured.captured_queries), response.status_code


def _explain(sql: str) -> str:
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        return plan
    except Exception as exc:  # a query that cannot be explained as captured: say so, go on
        return f"(not explained: {exc.__class__.__name__}: {exc})"


def _top_functions(profiler: cProfile.Profile) -> list[dict[str, Any]]:
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({function})",
                "calls": calls,
                "own_ms": round(own * 1000, 1),
                "cumulative_ms": round(cumulative * 1000, 1),
            }
        )
    rows.sort(key=lambda r: r["own_ms"], reverse=True)
    return rows[:TOP_FUNCTIONS]


# Where own time is spent, by the file a function lives in (first match wins).
AREAS = (
    ("database driver", ("psycopg", "sqlite3", "execute at 0x", "method 'execute'", "method 'fetch")),
    (
        "ORM: building SQL",
        ("django/db/models/sql/", "django/db/models/expressions.py", "django/db/models/lookups.py"),
    ),
    ("ORM: rows to objects", ("django/db/models/",)),
    ("templates", ("jinja2/", "govuk_frontend_jinja/", "markupsafe/", "safeguard/jinja2.py")),
    ("Safeguard code", ("safeguard/",)),
    ("Django, other", ("django/",)),
)


def _by_area(profiler: cProfile.Profile) -> dict[str, float]:
    totals: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        where = f"{filename} {function}"
        area = next((name for name, marks in AREAS if any(m in where for m in marks)), "other")
        totals[area] = totals.get(area, 0.0) + own
    return {area: round(seconds * 1000, 1) for area, seconds in sorted(totals.items(), key=lambda kv: -kv[1])}


def _short(filename: str) -> str:
    for marker in ("/site-packages/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profile_page(page: Any, ids: dict[str, Any], client: Any, headers: dict[str, str]) -> dict[str, Any]:
    from django.db import connection

    path = page.app_path(ids)
    client.get(path, headers=headers)  # warm: content types, templates, the calendar
    runs = [_request(client, path, headers) for _ in range(REPEATS)]
    walls = [wall for wall, _, _ in runs]
    median_run = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    wall, queries, status = median_run
    sql_seconds = sum(float(q["time"]) for q in queries)
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:SLOWEST]
    result: dict[str, Any] = {
        "path": path,
        "status": status,
        "wall_ms": {
            "median": round(statistics.median(walls) * 1000, 1),
            "min": round(min(walls) * 1000, 1),
            "max": round(max(walls) * 1000, 1),
        },
        "sql_ms": round(sql_seconds * 1000, 1),
        "python_ms": round((wall - sql_seconds) * 1000, 1),
        "queries": len(queries),
        "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in slowest],
    }
    if connection.vendor == "postgresql":
        selects = [q for q in slowest if q["sql"].lstrip().upper().startswith("SELECT")][:EXPLAINED]
        result["explain"] = [{"sql": q["sql"], "plan": _explain(q["sql"])} for q in selects]
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path, headers=headers)
    profiler.disable()
    result["python_top"] = _top_functions(profiler)
    result["python_by_area"] = _by_area(profiler)
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from django.test import Client

    from bench.pages import PAGES
    from safeguard.core.api_tokens import issue_api_token
    from safeguard.people.models import User

    ids = json.loads(sys.argv[1])
    wanted = set(sys.argv[2:])
    results = {}
    for page in PAGES:
        if wanted and page.key not in wanted:
            continue
        client = Client()
        headers: dict[str, str] = {}
        user = User.objects.get(pk=ids[f"{page.persona}_id"])
        if page.auth == "token":
            key = issue_api_token(user=user, rotate=True, system_process="bench").key
            headers["authorization"] = f"Token {key}"
        else:
            client.force_login(user)
        results[page.key] = profile_page(page, ids, client, headers)
    print("PROFILE " + json.dumps(results, default=str))


if __name__ == "__main__":
    main()
