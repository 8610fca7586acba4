"""Run axe-core on a Playwright page and fail with a readable list of what it found.

Every journey calls `assert_accessible(page)` on each page it reaches. The rules are axe's WCAG 2.2 AA
set (A and AA of WCAG 2.0, 2.1 and 2.2). Pass `exclude` (CSS selectors) only for parts of a page that
Safeguard does not render itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

if TYPE_CHECKING:
    from playwright.sync_api import Page

WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
    "resultTypes": ["violations"],
}

# Third-party pages Safeguard serves but does not write: the Swagger UI of the API documentation.
EXEMPT_PATHS = ("/api/v1/docs/",)

_axe = Axe()


class PageLoadTracker:
    """Remembers each page a tab loads and whether axe ran on it, so no page a journey reaches goes unchecked.

    A page load is a main-frame document request that commits (after any redirects): a link followed, a form
    posted and re-rendered. Moving to a #fragment on the same page, or script changing the URL, is not one.
    """

    def __init__(self) -> None:
        self.current: str | None = None
        self.checked = True
        self.unchecked: list[str] = []
        self._document_requested = False

    def document_requested(self) -> None:
        self._document_requested = True

    def committed(self, url: str) -> None:
        if not self._document_requested:
            return
        self._document_requested = False
        self._close_current()
        self.current = url
        self.checked = url == "about:blank" or urlsplit(url).path.startswith(EXEMPT_PATHS)

    def mark_checked(self) -> None:
        self.checked = True

    def _close_current(self) -> None:
        if self.current is not None and not self.checked:
            self.unchecked.append(self.current)

    def finish(self) -> list[str]:
        """The pages loaded that axe never looked at."""
        self._close_current()
        self.current = None
        self.checked = True
        return self.unchecked


def axe_violations(page: Page, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """The violations axe reports for the page as it is now (after it has finished loading)."""
    page.wait_for_load_state("load")
    context: dict[str, Any] | None = None
    if exclude:
        context = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    results = _axe.run(page, context=context, options=AXE_OPTIONS)
    return list(results.response["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def check_accessibility(page: Page, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe on the current page, count the page as checked, and return the violations without failing.

    For tests that collect what they find across many pages and report it all at the end (the walk).
    """
    violations = axe_violations(page, exclude=exclude)
    tracker = getattr(page, "axe_tracker", None)
    if tracker is not None:
        tracker.mark_checked()
    return violations


def assert_accessible(page: Page, *, exclude: list[str] | None = None) -> None:
    """Fail the test if axe finds any WCAG 2.2 AA violation on the current page."""
    violations = check_accessibility(page, exclude=exclude)
    if violations:
        report = format_violations(violations)
        message = f"{len(violations)} accessibility violation(s) on {page.url}:\n{report}"
        print(message)
        raise AssertionError(message)


TITLE_SUFFIX = " - Safeguard"


def page_convention_problems(page: Page) -> list[str]:
    """How the current page departs from the conventions every Safeguard page keeps (empty if it keeps them).

    One <h1>; a <title> that names the page and ends with " - Safeguard"; the main content in
    `<main id="main-content">`, where the skip link leads.
    """
    problems = []
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"has {headings} <h1> elements; a page has exactly one")
    title = page.title()
    if not title.endswith(TITLE_SUFFIX) or not title.removesuffix(TITLE_SUFFIX).strip():
        problems.append(f"title {title!r} does not name the page and end with {TITLE_SUFFIX!r}")
    mains = page.locator("main#main-content").count()
    if mains != 1:
        problems.append(f'has {mains} <main id="main-content"> elements; the skip link needs exactly one')
    return problems
