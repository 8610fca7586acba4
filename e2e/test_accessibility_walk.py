"""The accessibility walk: each demo persona signs in and follows every link it can, and every page it reaches
is checked with axe and against Safeguard's page conventions.

Nobody lists the pages: the walk starts at My work and follows, breadth first, every same-origin <a href> it
finds (GET only), so a page a new module links from the navigation, My work or another page is walked as soon
as it exists. Each page must answer 200 with HTML, log no browser error, pass axe's WCAG 2.2 AA rules and keep
the conventions of `e2e.axe.page_convention_problems`. Everything found is collected and reported at the end,
per persona, with the page, the rule and where on the page.

Not followed: signing out; /admin/ (Django's admin is third-party: `test_the_admin_index` checks its index for
the administrator only); /api/ (the API documentation is third-party Swagger UI); static files; a URL with a
query string whose path was already walked (another page of a list, another sort order: same template, and
unbounded); anything that is not HTML (a PDF, XLSX or CSV link starts a download; anything else is told by the
response's Content-Type). Each persona walks at most MAX_PAGES pages in at most MAX_SECONDS; reaching a bound
is reported as a warning with the pages left unwalked.

The personas are the accounts of `safeguard.people.demo`, walked one after another in one test (a subtest
each, so each persona passes or fails on its own), with the whole demo loaded (every module's registered
demo data) and three timescales and a notification of their own, so My work shows its table. A route (one URL
pattern, such as one review's page) is walked at most MAX_PER_ROUTE times per persona. axe's result for a page
is shared between personas who see the same page at the same address: see SHARING below.

Pages no link reaches (a form's error state, the page-not-found page) are listed in UNLINKED_PAGES.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from e2e.axe import assert_accessible, check_accessibility, format_violations, page_convention_problems
from e2e.keyboard import tab_to
from safeguard.people.demo import DEMO_PARTNERSHIP, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_PAGES = 40
MAX_SECONDS = 60
MAX_PER_ROUTE = 1  # records of one kind (/reviews/1/, /reviews/2/ ...) render one template: walk one
START = "/my-work/"

PERSONAS = [account.key for account in DEMO_PARTNERSHIP.accounts]
ADMINISTRATORS = [account.key for account in DEMO_PARTNERSHIP.accounts if account.is_staff]


@dataclass(frozen=True)
class Finding:
    url: str
    rule: str
    help: str
    targets: tuple[str, ...] = ()


@dataclass
class Walk:
    persona: str
    visited: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unwalked: list[str] = field(default_factory=list)
    shared: dict[str, str] = field(default_factory=dict)  # address: the persona whose axe check it reused
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def report(self) -> str:
        lines = [
            f"{len(self.findings)} problem(s) for persona {self.persona!r} "
            f"on {len({f.url for f in self.findings})} of the {len(self.visited)} page(s) walked:"
        ]
        for finding in self.findings:
            lines.append(f"- {self.persona} | {finding.url} | {finding.rule}: {finding.help}")
            lines.extend(f"    at {target}" for target in finding.targets)
        return "\n".join(lines)

    def summary(self) -> str:
        lines = [f"{self.persona}: {len(self.visited)} page(s) in {self.seconds:.1f}s"]
        for url in self.visited:
            shared = f", axe shared with {self.shared[url]}" if url in self.shared else ""
            lines.append(f"  walked  {url} ({self.timings.get(url, 0):.2f}s{shared})")
        lines.extend(f"  skipped {url} ({reason})" for url, reason in self.skipped.items())
        return "\n".join(lines)


def _skip_reason(path: str) -> str | None:
    if path == reverse("people:sign_out"):
        return "signs out"
    if path.startswith("/admin/"):
        return "Django admin, third-party (its index is checked for the administrator)"
    if path.startswith("/api/"):
        return "API and its third-party Swagger documentation"
    if path.startswith(settings.STATIC_URL):
        return "static file"
    return None


# SHARING: axe is the slow part of the walk (about 0.7s a page on an idle machine), and most pages look the same
# to every persona. In one walk of all the personas, axe runs once for each (address, shape), and a persona who
# reaches the same address with the same shape reuses that result. The shape is the main menu's addresses plus
# the set of kinds of element on the page: each element's tag, its parent's tag, its classes, its attribute
# names, its role and type values and whether it holds text of its own. Text (names, dates) and how many of
# each kind (rows in a table) are left out; a persona who sees another menu, a kind of button others do not, or
# a form in an error state gets a check of their own. Status, page conventions and browser errors are still
# checked on every page for every persona, and every page is still loaded, so links only that persona sees are
# followed.
AxeChecked = dict[tuple[str, str], str]  # (address, shape digest): the persona whose walk ran axe on it


_SHAPE = """() => {
  const kinds = new Set();
  for (const el of document.querySelectorAll("html, html *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const names = [...el.attributes].map((a) => a.name).sort().join(",");
    const cls = typeof el.className === "string" ? el.className : "";
    const kind = `${el.getAttribute("role") || ""}/${el.getAttribute("type") || ""}`;
    const parent = el.parentElement ? el.parentElement.tagName : "";
    kinds.add(`${parent}>${el.tagName}.${cls}[${names}]${kind}${own ? "+text" : ""}`);
  }
  const menu = [...document.querySelectorAll("header nav a")].map((a) => a.getAttribute("href"));
  return {
    fingerprint: menu.join(" ") + "\\n" + [...kinds].sort().join("\\n"),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
  };
}"""


def _route(path: str) -> str:
    """The URL pattern a path matches ("reviews/<int:pk>/"), or the path itself if none does."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return f"{match.namespace}:{match.route}" if match.namespace else match.route


class Crawler:
    """Breadth-first over one signed-in tab; the URLs it keeps are relative: path and sorted query."""

    def __init__(self, page: Page, origin: str, persona: str, axe_checked: AxeChecked) -> None:
        self.page = page
        self.origin = urlsplit(origin)
        self.walk = Walk(persona)
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()  # queued, walked or skipped
        self.seen_paths: set[str] = set()
        self.per_route: dict[str, int] = {}
        self.console_errors: list[str] = []
        self.axe_checked = axe_checked

    def _on_console(self, message: Any) -> None:
        # As in conftest: a resource that failed to load is reported by status, not as a console error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def normalise(self, href: str) -> str | None:
        """Same-origin address without its fragment, query parameters sorted; None for another origin."""
        current = self.page.url
        base = current if current.startswith(("http://", "https://")) else self.origin.geturl()
        parts = urlsplit(urljoin(base, href))
        if (parts.scheme, parts.netloc) != (self.origin.scheme, self.origin.netloc):
            return None
        query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        return urlunsplit(("", "", parts.path or "/", query, ""))

    def offer(self, href: str) -> None:
        url = self.normalise(href)
        if url is None or url in self.seen:
            return
        self.seen.add(url)
        parts = urlsplit(url)
        reason = _skip_reason(parts.path)
        if reason is None and parts.query and parts.path in self.seen_paths:
            reason = "query-string variant of a page already walked or queued"
        if reason is not None:
            self.walk.skipped[url] = reason
            return
        route = _route(parts.path)
        if self.per_route.get(route, 0) >= MAX_PER_ROUTE:
            self.walk.skipped[url] = (
                f"another page of route {route!r}, walked {MAX_PER_ROUTE} time(s) already"
            )
            return
        self.per_route[route] = self.per_route.get(route, 0) + 1
        self.seen_paths.add(parts.path)
        self.queue.append(url)

    def _on_page_error(self, error: Any) -> None:
        self.console_errors.append(str(error))

    def run(self, start: str) -> Walk:
        began = time.monotonic()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        try:
            self.offer(start)
            while self.queue:
                if len(self.walk.visited) >= MAX_PAGES or time.monotonic() - began > MAX_SECONDS:
                    self.walk.unwalked = list(self.queue)
                    break
                self.visit(self.queue.popleft())
        finally:
            self.page.remove_listener("console", self._on_console)
            self.page.remove_listener("pageerror", self._on_page_error)
        self.walk.seconds = time.monotonic() - began
        return self.walk

    def found(self, url: str, rule: str, help: str, targets: tuple[str, ...] = ()) -> None:
        self.walk.findings.append(Finding(url, rule, help, targets))

    def visit(self, url: str) -> None:
        began = time.monotonic()
        self.console_errors.clear()
        try:
            response = self.page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                raise
            self.walk.skipped[url] = "a file download, not a page"
            return
        content_type = response.headers.get("content-type", "") if response is not None else ""
        address = self.normalise(self.page.url) or self.page.url
        if address != url:
            reason = _skip_reason(urlsplit(address).path)
            if address in self.seen and address not in self.queue:
                reason = "already walked or skipped"
            if reason is not None:
                self.page.axe_tracker.mark_checked()  # type: ignore[attr-defined]
                self.walk.skipped[url] = f"redirects to {address}: {reason}"
                return
            if address in self.queue:
                self.queue.remove(address)  # walked now, under the address it redirects to
            self.seen.add(address)
            self.seen_paths.add(urlsplit(address).path)
        if not content_type.startswith("text/html"):
            # Shown in the browser but not a page (JSON, plain text, an image): nothing for axe to check.
            self.page.axe_tracker.mark_checked()  # type: ignore[attr-defined]
            self.walk.skipped[url] = f"not HTML: {content_type or 'no Content-Type'}"
            return
        if response is not None and response.status != 200:
            self.found(url, "status", f"answered {response.status}, not 200 (a link leads to it)")

        self.page.wait_for_load_state("load")
        shape = self.page.evaluate(_SHAPE)
        key = (address, hashlib.sha256(shape["fingerprint"].encode()).hexdigest())
        checked_for = self.axe_checked.get(key)
        if checked_for is None:
            for violation in check_accessibility(self.page):
                for_each = tuple(" ".join(str(p) for p in node["target"]) for node in violation["nodes"])
                self.found(url, f"axe {violation['id']}", violation["help"], for_each)
            self.axe_checked[key] = self.walk.persona
        else:
            # A page of the same shape at the same address was checked for another persona (see SHARING).
            self.page.axe_tracker.mark_checked()  # type: ignore[attr-defined]
            self.walk.shared[address] = checked_for
        for problem in page_convention_problems(self.page):
            self.found(url, "convention", problem)
        for error in self.console_errors:
            self.found(url, "console error", error)
        self.walk.visited.append(address)
        self.walk.timings[address] = time.monotonic() - began
        for href in shape["links"]:
            self.offer(href)


def _give_work(user: Any) -> None:
    """Something in the persona's My work and notifications, so the walk sees the table, tags and links."""
    from safeguard.core.models import TimescaleRule
    from safeguard.core.notifications import notify
    from safeguard.core.services import start_clock

    rule = TimescaleRule.objects.get(code="rapid-review")
    now = timezone.now()
    account = reverse("people:account")
    for days_ago, title in ((30, "Overdue"), (18, "Due soon"), (0, "On track")):
        start_clock(
            system_process="e2e accessibility walk",
            rule=rule,
            subject=user,
            started_at=now - timedelta(days=days_ago),
            owner=user,
            title=f"Rapid review ({title.lower()} example)",
            url=account,
        )
    notify(user=user, subject="An example notification", url=account)


@pytest.fixture
def demo_users(db) -> dict[str, Any]:
    """The whole demo, as `make run` loads it: the partnership and every module's registered demo data, so
    the walk reaches the records a module lists as well as its lists."""
    return load_demo()["users"]


def test_every_page_each_persona_reaches_is_accessible(
    page, live_server, demo_users, sign_in_as, subtests
) -> None:
    """One test, a subtest per persona: the demo is loaded once (loading it for each persona took longer than
    most walks), and the personas share axe results for the pages they see alike (see SHARING)."""
    axe_checked: AxeChecked = {}
    for persona in PERSONAS:
        with subtests.test(msg=persona):
            page.context.clear_cookies()
            user = demo_users[persona]
            _give_work(user)
            sign_in_as(user)
            walk = Crawler(page, live_server.url, persona, axe_checked).run(START)
            print(walk.summary())

            assert START in walk.visited, f"the walk could not start at {START}:\n{walk.summary()}"
            if walk.unwalked:
                warnings.warn(
                    f"the walk for {persona} stopped at its bound ({MAX_PAGES} pages, {MAX_SECONDS}s) with "
                    f"{len(walk.unwalked)} page(s) left: {', '.join(walk.unwalked)}",
                    stacklevel=1,
                )
            assert not walk.findings, walk.report()


@pytest.mark.parametrize("persona", ADMINISTRATORS)
def test_the_admin_index(page, demo, sign_in_as, persona) -> None:
    """Django's admin is third-party: only its index is checked, and what axe finds there is an expected
    failure with the list, so it stays in sight without failing the build."""
    sign_in_as(demo.users[persona])
    response = page.goto("/admin/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    violations = check_accessibility(page)
    if violations:
        pytest.xfail(
            "the Django admin (third-party, not Safeguard's templates) has "
            f"{len(violations)} WCAG 2.2 AA violation(s) on its index:\n{format_violations(violations)}"
        )


def _sign_in_with_errors(page: Page) -> None:
    page.goto(reverse("people:sign_in"))
    assert_accessible(page)
    tab_to(page, "button[type=submit]:has-text('Sign in')")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()


def _page_not_found_signed_out(page: Page) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404


# What no link reaches. test_sign_in.py and test_error_pages.py already run axe on these and check their
# headings; here they get the page conventions the walk checks everywhere else.
UNLINKED_PAGES: dict[str, Callable[[Page], None]] = {
    "sign-in page with errors": _sign_in_with_errors,
    "page not found, signed out": _page_not_found_signed_out,
}


@pytest.mark.parametrize("name", list(UNLINKED_PAGES))
def test_pages_no_link_reaches_keep_the_conventions(page, name) -> None:
    UNLINKED_PAGES[name](page)
    problems = page_convention_problems(page)
    violations = check_accessibility(page)
    assert not problems, f"{name} ({page.url}): " + "; ".join(problems)
    assert not violations, format_violations(violations)
