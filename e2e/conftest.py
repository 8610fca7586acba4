"""Browser tests: Playwright (PyPI) driving Debian's Chromium against pytest-django's live server.

Every test under e2e/ is marked `browser`. Without /usr/bin/chromium they are skipped with a reason,
unless SAFEGUARD_REQUIRE_BROWSER=1 (CI), when they fail instead so they can never pass by not running.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.axe import PageLoadTracker
from tests.personas import demo  # noqa: F401 - the demo partnership and its personas, for walks and journeys

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("SAFEGUARD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
E2E_DIR = Path(__file__).resolve().parent


def _browser_required() -> bool:
    return os.environ.get("SAFEGUARD_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: mark before `-m browser` / `-m "not browser"` deselects anything, and before pytest-django
    # orders the tests by their database marks.
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("django_db") is None:
                # The live server needs committed data. Serialized rollback puts back what migrations load
                # (default timescales and the like), which the flush after each transactional test removes.
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if _browser_required():
            pytest.fail(f"SAFEGUARD_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


_call_failed = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, live_server) -> Iterator[object]:
    """A fresh browser tab (no cookies) on the live server; relative URLs work in goto().

    The tab records what would otherwise pass unnoticed, and the test fails at teardown if:
    - a page it loaded was never checked with `e2e.axe.assert_accessible` (every page must be);
    - a script error was raised, or the browser logged an error (a CSP refusal, say);
    - a request for a static asset failed (a page link that starts a file download is not a failure).
    """
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tracker = PageLoadTracker()
    errors: list[str] = []
    failed_assets: list[str] = []
    failed_requests: list[tuple[str, bool]] = []  # (url, was a navigation)
    downloads: set[str] = set()

    def on_request(req) -> None:
        if req.is_navigation_request() and req.frame == tab.main_frame:
            tracker.document_requested()

    def on_navigated(frame) -> None:
        if frame == tab.main_frame:
            tracker.committed(frame.url)

    def on_console(message) -> None:
        # A page answered 404 on purpose is logged as a failed resource load; the asset check covers assets.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            failed_assets.append(f"{response.status} {response.url}")

    def on_request_failed(req) -> None:
        failed_requests.append((req.url, req.is_navigation_request()))

    tab.on("request", on_request)
    tab.on("framenavigated", on_navigated)
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("response", on_response)
    tab.on("requestfailed", on_request_failed)
    tab.on("download", lambda download: downloads.add(download.url))
    tab.axe_tracker = tracker  # type: ignore[attr-defined]
    try:
        yield tab
    finally:
        context.close()
    if request.node.stash.get(_call_failed, True):
        return
    problems = []
    unchecked = tracker.finish()
    if unchecked:
        problems.append("pages loaded but never checked with axe: " + ", ".join(unchecked))
    if errors:
        problems.append("browser errors: " + "; ".join(errors))
    # A link followed to a file (CSV, XLSX, PDF) starts a download and Chromium abandons the navigation: that
    # is not a failed request. Anything else that failed is.
    failed_assets.extend(
        f"failed {url}" for url, navigation in failed_requests if not (navigation and url in downloads)
    )
    if failed_assets:
        problems.append("failed requests: " + "; ".join(failed_assets))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def sign_in_as(page, live_server):
    """Sign a user in without the form (for journeys that are not about signing in): `sign_in_as(user)`.

    Journeys about the sign-in page itself use the keyboard instead (see test_sign_in.py).
    """
    from django.conf import settings
    from django.test import Client

    def _sign_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return _sign_in
