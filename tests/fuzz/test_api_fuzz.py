"""Fuzz every operation of the API schema with schemathesis, against a real server on loopback.

The schema is read from the running server, so every operation it documents is fuzzed, including ones
added after this file was written. Two runs:

- as the demo board business manager, with every schemathesis check: no server errors, every response
  as documented (status, content type, headers, body), invalid input refused, valid input accepted,
  authentication not ignored, and the stateful checks where the schema links operations;
- as nobody, against the schema fetched once with the token: nothing answers 5xx, and every refusal is
  a 401 (tests/fuzz/anonymous_checks.py).

Both are bounded (a time budget each, examples per operation) and seeded, so a failure reproduces.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fuzz.conftest import FuzzServer

pytestmark = pytest.mark.fuzz

SEED = 20260
MAX_EXAMPLES = 30  # per operation, phase and cycle
REQUEST_TIMEOUT = 10  # seconds, per request
# Time budgets. schemathesis's --max-time is a budget it spends in full: coverage once, then fuzzing and
# stateful cycles until it runs out, ending with its report. So each run takes about its budget however
# many operations the API grows to, and fewer examples reach each one as it grows.
AUTHENTICATED_BUDGET = 60  # seconds
ANONYMOUS_BUDGET = 20  # seconds
# A run that has not finished this long after its budget has hung: it is killed and the test fails.
GRACE = 30  # seconds
ANONYMOUS_CHECKS = Path(__file__).with_name("anonymous_checks.py")
CONFIG = Path(__file__).with_name("schemathesis.toml")
TRACEBACK = "Traceback (most recent call last)"


def _schemathesis(server: FuzzServer, args: list[str], *, budget: int, hooks: Path | None = None) -> str:
    """Run `st run` with the shared bounds; fail with its report (and the server's log) on any problem."""
    env = dict(server.env)
    env.pop("SCHEMATHESIS_HOOKS", None)
    if hooks is not None:
        env["SCHEMATHESIS_HOOKS"] = str(hooks)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        *args,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(budget),
        "--seed",
        str(SEED),
        "--request-timeout",
        str(REQUEST_TIMEOUT),
        # Nothing kept between runs: the seed alone decides what is generated.
        "--generation-database",
        "none",
        "--no-color",
    ]
    log_offset = server.log_size()
    try:
        # The working directory is the temporary one, so no report or cache lands in the project.
        result = subprocess.run(
            command, cwd=server.workdir, env=env, capture_output=True, text=True, timeout=budget + GRACE
        )
    except subprocess.TimeoutExpired as timeout:
        partial = timeout.stdout or b""  # what was read before the kill; bytes even in text mode
        output = partial.decode("utf-8", "replace") if isinstance(partial, bytes) else partial
        pytest.fail(
            f"schemathesis was still running {GRACE}s after its {budget}s budget, and was stopped.\n{output}",
            pytrace=False,
        )
    server_log = server.log_since(log_offset)
    if result.returncode != 0:
        pytest.fail(
            f"schemathesis found problems (exit {result.returncode}):\n{result.stdout}\n{result.stderr}\n"
            f"--- server log ---\n{server_log}",
            pytrace=False,
        )
    # A failure the responses hid (an error logged and swallowed) still fails the run.
    assert TRACEBACK not in server_log, server_log
    return result.stdout


def _schema(server: FuzzServer) -> tuple[bytes, list[str]]:
    status, body = server.get("/api/v1/schema/", token=server.token)
    assert status == 200, body
    return body, _operations(yaml.safe_load(body))


def _assert_tested_all(output: str, operations: list[str]) -> None:
    """Every operation in the schema was selected and tested: the run cannot pass by skipping them."""
    count = len(operations)
    assert f"Selected: {count}/{count}" in output, output
    assert f"Tested: {count}" in output, output


def _operations(schema: dict) -> list[str]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in methods
    ]


def test_the_schema_documents_operations_to_fuzz(fuzz_server: FuzzServer) -> None:
    _, operations = _schema(fuzz_server)
    assert "GET /api/v1/me/" in operations


def test_every_operation_as_a_board_manager(fuzz_server: FuzzServer) -> None:
    _, operations = _schema(fuzz_server)
    output = _schemathesis(
        fuzz_server,
        [
            fuzz_server.schema_url,
            "--header",
            f"Authorization: Token {fuzz_server.token}",
            # No --checks: every check is on by default, and a command-line list would override the
            # one operation-level exception in schemathesis.toml (the multipart evidence upload).
        ],
        budget=AUTHENTICATED_BUDGET,
    )
    _assert_tested_all(output, operations)


def test_every_operation_as_an_anonymous_caller(fuzz_server: FuzzServer) -> None:
    body, operations = _schema(fuzz_server)
    schema_file = fuzz_server.workdir / "schema.yaml"
    schema_file.write_bytes(body)
    output = _schemathesis(
        fuzz_server,
        [
            str(schema_file),
            "--url",
            fuzz_server.base_url,
            "--checks",
            "not_a_server_error,anonymous_is_refused_with_401",
        ],
        budget=ANONYMOUS_BUDGET,
        hooks=ANONYMOUS_CHECKS,
    )
    _assert_tested_all(output, operations)
