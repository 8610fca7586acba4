"""The leak check bites: a canary child in a log, a URL, an e-mail or an error page fails the run.

The end-to-end proofs run a tiny inner pytest session (pytester, in process) with the plugin loaded; the
inner session has its own capture, so what it leaks on purpose does not fail this run. The per-channel
tests use `capturing()` for the same reason.
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client

from safeguard.testing_leaks import CANARY_ID, CANARY_ID_DIGITS, CANARY_NAME, capturing, contains_canary

pytest_plugins = ["pytester"]

INNER_ARGS = ("-p", "safeguard.testing_leaks", "-p", "no:django", "-p", "no:cacheprovider", "-q")


def test_a_session_whose_code_logs_the_canary_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import logging
        from safeguard.testing_leaks import CANARY_NAME

        def test_logs_a_child_name():
            logging.getLogger("safeguard.casework").info("Referral received for %s", CANARY_NAME)
        """
    )
    result = pytester.runpytest(*INNER_ARGS)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*personal data leak check failed*",
            "*[[]log[]] test_inner.py::test_logs_a_child_name: INFO safeguard.casework Referral received for Canary*",
        ]
    )


def test_a_debug_line_from_our_own_code_is_checked_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import logging
        from safeguard.testing_leaks import CANARY_ID_DIGITS

        def test_debug_line():
            logging.getLogger("safeguard.casework.matching").debug("matched NHS number %s", CANARY_ID_DIGITS)
        """
    )
    assert pytester.runpytest(*INNER_ARGS).ret == pytest.ExitCode.TESTS_FAILED


def test_a_session_that_leaks_nothing_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import logging

        def test_logs_only_an_identifier():
            logging.getLogger("safeguard.casework").warning("Referral 42 received")
        """
    )
    result = pytester.runpytest(*INNER_ARGS)
    assert result.ret == pytest.ExitCode.OK
    assert "leak check" not in result.stdout.str()


def test_the_canary_is_recognised_however_it_is_written() -> None:
    for text in (
        CANARY_NAME,
        CANARY_NAME.upper(),
        "Quillfeather, Z.",
        CANARY_ID,
        CANARY_ID_DIGITS,
        "999-000-1234",
    ):
        assert contains_canary(text), text
    assert not contains_canary("Child N, NHS number 943 476 5919")


def test_an_email_carrying_the_canary_is_caught_whatever_the_backend(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with capturing() as capture:
        mail.send_mail("A new referral", "Nothing personal here.", None, ["lead@example.test"])
        assert capture.findings == []
        mail.EmailMultiAlternatives(
            "A new referral",
            "See the link.",
            None,
            ["lead@example.test"],
            alternatives=[(f"<p>{CANARY_NAME}</p>", "text/html")],
        ).send()
    assert [finding.kind for finding in capture.findings] == ["e-mail"]


def test_an_email_through_the_console_backend_is_caught(settings, capsys) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with capturing() as capture:
        mail.send_mail(f"About {CANARY_NAME}", "See the link.", None, ["lead@example.test"])
    assert [finding.kind for finding in capture.findings] == ["e-mail"]


@pytest.mark.django_db
def test_a_url_and_an_error_page_carrying_the_canary_are_caught(client: Client) -> None:
    with capturing() as capture:
        client.get("/my-work/")  # nothing personal: redirect to sign in
        assert capture.findings == []
        response = client.get("/children/search/", {"name": CANARY_NAME})
    assert response.status_code == 404
    assert "url" in {finding.kind for finding in capture.findings}
    assert all("Zephyrine" in finding.excerpt for finding in capture.findings)


def test_a_private_capture_does_not_report_to_the_session() -> None:
    with capturing() as outer, capturing() as inner:
        logging.getLogger("safeguard.tests").warning("Canary: %s", CANARY_NAME)
    assert len(inner.findings) == 1
    assert outer.findings == []
