"""The OpenAPI schema, the Swagger docs page under our CSP, unknown API paths and the health check."""

from __future__ import annotations

import re

import yaml
from django.test import Client

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"


def _csp(response) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in response["Content-Security-Policy"].split(";"))
    return {d[0]: d[1:] for d in directives if d}


def test_schema_is_openapi_3_for_a_signed_in_user(signed_in: Client) -> None:
    response = signed_in.get(SCHEMA)
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]


def test_schema_names_both_authentication_schemes(signed_in: Client) -> None:
    schemes = yaml.safe_load(signed_in.get(SCHEMA).content)["components"]["securitySchemes"]
    assert set(schemes) == {"tokenAuth", "sessionAuth"}


def test_schema_is_refused_to_an_anonymous_caller(client: Client, db) -> None:
    assert client.get(SCHEMA).status_code == 401


def test_docs_page_is_served_to_a_signed_in_user(signed_in: Client) -> None:
    response = signed_in.get(DOCS)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'id="swagger-ui"' in response.content.decode()


def test_docs_page_loads_nothing_from_another_host(signed_in: Client) -> None:
    page = signed_in.get(DOCS).content.decode()
    assert "cdn" not in page.lower()
    assert "https://" not in page
    assert "http://" not in page
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', page))


def test_docs_page_runs_no_inline_script(signed_in: Client) -> None:
    page = signed_in.get(DOCS).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    assert scripts
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)


def test_docs_page_allows_inline_styles_but_not_inline_scripts(signed_in: Client) -> None:
    policy = _csp(signed_in.get(DOCS))
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'self'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_other_pages_keep_the_strict_style_policy(signed_in: Client) -> None:
    policy = _csp(signed_in.get("/my-work/"))
    assert policy["style-src"] == ["'self'"]


def test_docs_init_script_is_served_from_our_own_url(signed_in: Client) -> None:
    response = signed_in.get(DOCS + "?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def test_docs_page_is_refused_to_an_anonymous_caller(client: Client, db) -> None:
    assert client.get(DOCS).status_code == 401


def test_unknown_api_path_is_404_not_500(signed_in: Client) -> None:
    assert signed_in.get("/api/v1/nope/").status_code == 404


def test_unknown_api_path_is_404_for_an_anonymous_caller(client: Client, db) -> None:
    assert client.get("/api/v1/nope/").status_code == 404


def test_health_check_answers_without_authentication(client: Client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
