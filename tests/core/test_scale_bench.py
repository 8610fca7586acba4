"""The benchmark harness (bench/): its pages, its baseline and its report, without running any load."""

from __future__ import annotations

from bench import run
from bench.pages import PAGES
from safeguard.core import scale

IDS = {
    "admin_id": 1,
    "practitioner_id": 2,
    "monitor_id": 4,
    "mash_id": 5,
    "user_type_id": 7,
    "review_id": 30,
    "review_actions": 400,
    "board_id": 5,
    "action_id": 900,
    "hot_child_id": 14057,
    "hot_child_entries": 500,
    "child_search_term": "Smith",
}


def test_every_page_has_a_persona_and_both_paths() -> None:
    emails = {
        scale.SCALE_ADMIN_EMAIL,
        scale.SCALE_PRACTITIONER_EMAIL,
        scale.SCALE_MONITOR_EMAIL,
        scale.SCALE_MASH_EMAIL,
    }
    assert set(run.PERSONA_EMAILS.values()) == emails
    for page in PAGES:
        assert page.persona in run.PERSONA_EMAILS
        assert page.app_path(IDS).startswith("/") and page.baseline_path(IDS).startswith("/")
    assert set(run.PROFILED_PAGES) <= {page.key for page in PAGES}
    assert set(run.LATENCY_TARGETS) <= {page.key for page in PAGES}


def test_the_casework_pages_are_measured_for_their_personas() -> None:
    pages = {page.key: page for page in PAGES}
    assert pages["child_detail"].app_path(IDS) == "/children/14057/"
    assert pages["child_detail"].baseline_path(IDS) == "/children/14057/"
    # The search is posted into the session first: the words never appear in the page's address.
    assert pages["child_search"].app_path(IDS) == "/children/"
    assert pages["child_search"].prepare is not None
    assert pages["child_search"].prepare(IDS) == ("/children/", {"q": "Smith"})
    assert pages["child_search"].baseline_path(IDS) == "/children/search/2/?q=Smith"
    assert pages["mash_queue"].app_path(IDS) == "/mash/"
    assert pages["mash_queue"].baseline_path(IDS) == "/mash/5/"
    assert {pages[k].persona for k in ("child_detail", "child_search")} == {"practitioner"}
    assert pages["mash_queue"].persona == "mash"


def _result(rps: float, p95: float) -> dict[str, object]:
    return {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 2, "errors": 0, "dropped": 0}


def test_the_report_shows_the_table_the_targets_and_the_profile() -> None:
    report = {
        "profile": "large",
        "engine": "PostgreSQL",
        "finished_at": "2026-11-26T12:00:00+00:00",
        "generation": {"reused": False, "seconds": 512.3, "rows": {"reviews.action": 100_000}},
        "ids": IDS,
        "shape": {
            "actions_by_status": {"closed": 80},
            "actions_by_rag": {"blue": 80},
            "personas": {"monitor": {"my_work_items": {"Action": 3}, "visible_actions": 90}},
        },
        "settings": {
            "cpus": 2,
            "workers": 2,
            "concurrency": 8,
            "closed_seconds": 10,
            "rate": 50,
            "open_seconds": 20,
            "rounds": 2,
            "uptime_before": "load average: 1.00, 1.00, 1.00",
            "uptime_after": "load average: 2.00, 2.00, 2.00",
        },
        "pages": {
            "action_list": {
                "app": _result(60, 150),
                "baseline": _result(100, 20),
                "queries": {"app": 11, "baseline": 2},
                "load_average_1min": [1.0, 2.0],
            }
        },
        "export": {"status": 200, "rows": "100000", "bytes": 10, "first_byte_s": 1, "total_s": 2,
                   "worker_rss_mb_before": 100, "worker_rss_mb_peak": 150},
        "page_profile": {
            "action_list": {
                "path": "/actions/",
                "wall_ms": {"median": 120.0},
                "sql_ms": 80.0,
                "python_ms": 40.0,
                "queries": 11,
                "slowest": [{"ms": 70.0, "sql": 'SELECT "a"."id", (SELECT 1 FROM "b") FROM "a" WHERE x = 1'}],
                "python_by_area": {"templates": 10.0},
                "python_top": [],
            }
        },
    }  # fmt: skip
    text = run.markdown(report)
    assert "| List: all actions (/actions/, 50 a page) | 60 | 100 | 0.60 |" in text
    assert "150 ms met" in text and "300 ms met" in text and "0.60 met" in text
    assert "Generated in 512.3 s" in text
    assert '`SELECT ... FROM "a" WHERE x = 1`' in text
    assert "load average: 2.00" in text
