"""pytest plugin (`-p safeguard.testing_leaks`): a canary child must never reach a log, a URL, an e-mail
or an error page (DESIGN rule 9).

Factories plant `CANARY_NAME` and `CANARY_ID` in sensitive fields (a child's name, an NHS number, a family
contribution note). For the whole session this plugin looks at:

- every log record any logger dispatches. `logging.Logger.callHandlers` is wrapped rather than a handler
  attached to the root logger: Django's `dictConfig` (and any test that reconfigures logging) replaces the
  root's handlers, and `django.server` does not propagate to the root at all; every record that passes
  its logger's level goes through `callHandlers`, whatever the handlers. Our own `safeguard` loggers are
  opened to DEBUG, since a deployment may run at LOG_LEVEL=DEBUG. Libraries keep their levels: factory_boy
  logs every factory's arguments at DEBUG, which would report the canary the tests planted on purpose.
- every e-mail built for sending. `EmailMessage.message()` is wrapped: every Django mail backend (locmem,
  which pytest-django installs for each test, console, file, SMTP) calls it once per message it sends,
  so a test that overrides EMAIL_BACKEND is still seen; `mail.outbox`, by contrast, is emptied per test.
  Subject, text body and alternative (HTML) bodies are checked before any MIME encoding hides them.
- every request Django handles, through the test client and the live server alike: `BaseHandler
  .get_response` (and its async twin) is wrapped to read the full path (percent-decoded) and, for a 4xx
  or 5xx answer, the error page (except a stale edit's 409, which returns the record to its editor).

Text is checked as it is seen and only findings are kept, so memory stays flat and the cost is one regex
search per line. At session end any finding fails the run (exit status 1) and is printed.

`capturing()` gives a test its own private capture (nested captures shadow the session's), so the check
can be tested without failing the run that tests it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import pytest

CANARY_NAME = "Canary Zephyrine Quillfeather"
CANARY_GIVEN_NAME = "Zephyrine"
CANARY_FAMILY_NAME = "Quillfeather"
CANARY_ID = "999 000 1234"  # NHS-number shaped (999 numbers are never issued)
CANARY_ID_DIGITS = "9990001234"

# Either name on its own, or the identifier however it is spaced, in any case. The names are found by a
# substring test on the case-folded text (a case-insensitive alternation is ~100x slower on a long page).
_CANARY_WORDS = (CANARY_GIVEN_NAME.casefold(), CANARY_FAMILY_NAME.casefold())
_CANARY_ID_PATTERN = re.compile(r"999[\s\-]?000[\s\-]?1234")
_EXCERPT = 160
_WORKEROUTPUT_KEY = "safeguard_leaks"


def canary_at(text: str) -> int:
    """Where the canary first appears in `text`, or -1."""
    folded = text.casefold()
    hits = [position for word in _CANARY_WORDS if (position := folded.find(word)) >= 0]
    if (match := _CANARY_ID_PATTERN.search(text)) is not None:
        hits.append(match.start())
    return min(hits, default=-1)


def contains_canary(text: str) -> bool:
    return canary_at(text) >= 0


@dataclass(frozen=True)
class Finding:
    kind: str  # "log", "url", "e-mail", "error page"
    where: str  # the test that was running
    excerpt: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.excerpt}"


@dataclass
class Capture:
    findings: list[Finding] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=lambda: {"log": 0, "url": 0, "e-mail": 0, "error page": 0})
    current_test: str = "(outside any test)"

    def check(self, kind: str, text: str) -> None:
        self.seen[kind] += 1
        position = canary_at(text)
        if position < 0:
            return
        start = max(0, position - _EXCERPT // 2)
        excerpt = " ".join(text[start : start + _EXCERPT].split())
        finding = Finding(kind=kind, where=self.current_test, excerpt=excerpt)
        if finding not in self.findings:
            self.findings.append(finding)


# The innermost capture receives everything; the session's sits at the bottom.
_captures: list[Capture] = []
_installed = False
_log_format = logging.Formatter("%(levelname)s %(name)s %(message)s")


def _active() -> Capture | None:
    return _captures[-1] if _captures else None


def _safely(check: Callable[[Capture], None]) -> None:
    capture = _active()
    if capture is None:
        return
    # The watcher must never break the code it watches.
    with contextlib.suppress(Exception):
        check(capture)


def _install() -> None:
    """Wrap the three choke points once per process; the wrappers report to the active capture."""
    global _installed
    if _installed:
        return
    from django.core.handlers.base import BaseHandler
    from django.core.mail.message import EmailMessage

    call_handlers = logging.Logger.callHandlers

    @functools.wraps(call_handlers)
    def watched_call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
        _safely(lambda capture: capture.check("log", _log_format.format(record)))
        call_handlers(self, record)

    logging.Logger.callHandlers = watched_call_handlers  # type: ignore[method-assign]

    build_message = EmailMessage.message

    @functools.wraps(build_message)
    def watched_message(self: EmailMessage, *args: Any, **kwargs: Any) -> Any:
        _safely(lambda capture: capture.check("e-mail", _mail_text(self)))
        return build_message(self, *args, **kwargs)

    EmailMessage.message = watched_message  # type: ignore[method-assign]

    get_response = BaseHandler.get_response

    @functools.wraps(get_response)
    def watched_get_response(self: BaseHandler, request: Any) -> Any:
        _safely(lambda capture: capture.check("url", unquote_plus(request.get_full_path())))
        response = get_response(self, request)
        _safely(lambda capture: _check_error_page(capture, request, response))
        return response

    BaseHandler.get_response = watched_get_response  # type: ignore[method-assign]

    get_response_async = BaseHandler.get_response_async

    @functools.wraps(get_response_async)
    async def watched_get_response_async(self: BaseHandler, request: Any) -> Any:
        _safely(lambda capture: capture.check("url", unquote_plus(request.get_full_path())))
        response = await get_response_async(self, request)
        _safely(lambda capture: _check_error_page(capture, request, response))
        return response

    BaseHandler.get_response_async = watched_get_response_async  # type: ignore[method-assign]
    _installed = True


def _mail_text(message: Any) -> str:
    parts = [str(message.subject or ""), str(message.body or "")]
    for alternative in getattr(message, "alternatives", None) or []:
        content = alternative[0]
        parts.append(content.decode(errors="replace") if isinstance(content, bytes) else str(content))
    return "\n".join(parts)


def _check_error_page(capture: Capture, request: Any, response: Any) -> None:
    if response.status_code < 400 or getattr(response, "streaming", False):
        return
    if response.status_code == 409:
        # A stale edit's 409 shows the record as it now is to a caller allowed to edit it
        # (safeguard.core.concurrency): record data for its user, not an error page.
        return
    body = response.content.decode(response.charset or "utf-8", errors="replace")
    capture.check("error page", f"{response.status_code} {request.path}: {body}")


@contextlib.contextmanager
def capturing() -> Iterator[Capture]:
    """A private capture for the block: what happens inside is reported here, not to the session."""
    _install()
    enclosing = _active()
    capture = Capture(current_test=enclosing.current_test if enclosing else "(capturing block)")
    _captures.append(capture)
    try:
        yield capture
    finally:
        _captures.remove(capture)


# --- Hooks -----------------------------------------------------------------------------------------------

_SESSION_CAPTURE = pytest.StashKey[Capture]()


def pytest_sessionstart(session: pytest.Session) -> None:
    _install()
    # Our own code's debug lines are checked too; the level is restored at the end of the session.
    safeguard_logger = logging.getLogger("safeguard")
    session.stash[_PREVIOUS_LEVEL] = safeguard_logger.level
    safeguard_logger.setLevel(logging.DEBUG)
    capture = Capture()
    session.stash[_SESSION_CAPTURE] = capture
    _captures.append(capture)


_PREVIOUS_LEVEL = pytest.StashKey[int]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    capture = item.session.stash.get(_SESSION_CAPTURE, None)
    if capture is not None:
        capture.current_test = item.nodeid
    try:
        return (yield)
    finally:
        if capture is not None:
            capture.current_test = "(between tests)"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under pytest-xdist, each worker hands its findings to the controller, which judges the run."""
    session_capture = _active()
    for kind, where, excerpt in getattr(node, "workeroutput", {}).get(_WORKEROUTPUT_KEY, []):
        if session_capture is not None:
            session_capture.findings.append(Finding(kind=kind, where=where, excerpt=excerpt))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    capture = session.stash.get(_SESSION_CAPTURE, None)
    if capture is None:
        return
    with contextlib.suppress(ValueError):
        _captures.remove(capture)
    logging.getLogger("safeguard").setLevel(session.stash.get(_PREVIOUS_LEVEL, logging.NOTSET))
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller reports
        workeroutput[_WORKEROUTPUT_KEY] = [(f.kind, f.where, f.excerpt) for f in capture.findings]
        return
    if not capture.findings:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        f"Personal data leak check: the canary child ({CANARY_NAME} / {CANARY_ID}) reached "
        f"{len(capture.findings)} place(s) it must never reach (DESIGN rule 9):",
        *(f"  {finding}" for finding in capture.findings),
    ]
    if reporter is not None:
        reporter.write("\n")
        reporter.write_sep("=", "personal data leak check failed", red=True, bold=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines))
