"""Headers walk: every page carries the security headers, and no page may be cached."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.walks.routes import REGISTRY, Access, RouteSpec


def _get_routes() -> list[RouteSpec]:
    return [spec for spec in REGISTRY.values() if "GET" in spec.ok]


@pytest.mark.parametrize("spec", _get_routes(), ids=lambda s: s.name)
def test_every_page_carries_the_security_headers(client: Client, scenario, spec: RouteSpec) -> None:
    if spec.access is not Access.PUBLIC:
        client.force_login(scenario.owner)
    kwargs = spec.make_kwargs(scenario) if spec.make_kwargs else None
    response = client.get(reverse(spec.name, kwargs=kwargs))
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_error_pages_carry_the_security_headers(client: Client, db) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def _production_check(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-for-the-check-only-" + "y" * 20,
        "ALLOWED_HOSTS": "safeguard.example.org",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, check=False
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = _production_check("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_send_hsts() -> None:
    script = "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE)"
    result = _production_check("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    seconds, secure = result.stdout.strip().splitlines()[-1].split()
    assert int(seconds) >= 31536000
    assert secure == "True"


def test_production_refuses_to_start_with_debug_on() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={
            "SAFEGUARD_ENV": "production",
            "DEBUG": "true",
            "SECRET_KEY": "z" * 60,
            "ALLOWED_HOSTS": "a.example",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_refuses_to_start_with_the_default_secret() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"SAFEGUARD_ENV": "production", "ALLOWED_HOSTS": "a.example"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
