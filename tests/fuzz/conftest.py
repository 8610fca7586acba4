"""A real Safeguard server on loopback for the API fuzz tests.

Once per session: a fresh SQLite file in a temporary directory, migrated and loaded with the demo
partnership, an API token for a persona who sees much of it, and gunicorn (two workers) serving it on a
port of 127.0.0.1 that the operating system picked. Nothing outside the temporary directory is written,
and nothing leaves the machine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# A board business manager: the broadest everyday view of the demo partnership.
PERSONA = "manager@liverpool.demo"
COMMAND_TIMEOUT = 180  # seconds, for each of migrate, load_demo and create_api_token
STARTUP_TIMEOUT = 30  # seconds until /healthz must answer
SHUTDOWN_TIMEOUT = 10  # seconds between SIGTERM and SIGKILL
# requests and urllib would send loopback traffic through a configured proxy without these.
NO_PROXY = "127.0.0.1,localhost"
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True)
class FuzzServer:
    base_url: str
    token: str
    workdir: Path
    log: Path
    env: dict[str, str]

    @property
    def schema_url(self) -> str:
        return f"{self.base_url}/api/v1/schema/"

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def get(self, path: str, *, token: str | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Token {token}"} if token else {}
        request = urllib.request.Request(self.base_url + path, headers=headers)  # noqa: S310 - loopback only
        try:
            with _OPENER.open(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _environment(workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _PROXY_VARIABLES}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.sqlite3'}",
            # Development posture (console e-mail, the database task queue), but errors answered as in production.
            "SAFEGUARD_ENV": "development",
            "DEBUG": "false",
            "SAFEGUARD_VAR_DIR": str(workdir),
            "MEDIA_ROOT": str(workdir / "media"),
            "SAFEGUARD_REQUIRE_MFA": "false",
            "NO_PROXY": NO_PROXY,
            "no_proxy": NO_PROXY,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    try:
        result = subprocess.run(
            command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"manage.py {' '.join(args)} took more than {COMMAND_TIMEOUT}s", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to gunicorn's master, which stops its workers; SIGKILL to its process group if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        # Started in a session of its own and not yet reaped: the group is the master and its workers.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=SHUTDOWN_TIMEOUT)


def _wait_until_healthy(server: FuzzServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn exited ({process.returncode}) before answering:\n{server.log_since(0)}",
                pytrace=False,
            )
        try:
            status, _ = server.get("/healthz")
        except OSError as error:
            last = str(error)
        else:
            if status == 200:
                return
            last = f"HTTP {status}"
        time.sleep(0.2)
    pytest.fail(
        f"/healthz did not answer within {STARTUP_TIMEOUT}s ({last}):\n{server.log_since(0)}", pytrace=False
    )


@pytest.fixture(scope="session")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    workdir = tmp_path_factory.mktemp("fuzz")
    env = _environment(workdir)
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "load_demo")
    token = _manage(env, "create_api_token", PERSONA).strip()

    # Bind here and hand the listening socket over: no window in which another process takes the port.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    log = workdir / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "safeguard.wsgi",
                "--bind",
                f"fd://{listener.fileno()}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                # No request-line limit: gunicorn answers a long query string (schemathesis repeats
                # parameters) with an HTML 414 before Safeguard sees it; the fuzz is about Safeguard.
                "--limit-request-line",
                "0",
                "--error-logfile",
                "-",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
            start_new_session=True,
        )
    listener.close()
    server = FuzzServer(base_url=f"http://127.0.0.1:{port}", token=token, workdir=workdir, log=log, env=env)
    try:
        _wait_until_healthy(server, process)
        yield server
    finally:
        _stop(process)
