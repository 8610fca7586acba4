"""Access walk: every route, every method, as anonymous, the wrong role, another board and the right user."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.walks.routes import ALL_METHODS, EXCLUDED_PREFIXES, REGISTRY, Access, RouteSpec, iter_named_routes

REFUSED_ANONYMOUS_PAGE = {302, 405}
REFUSED_ANONYMOUS_API = {401, 405}


def _specs(*accesses: Access) -> list[RouteSpec]:
    return [spec for spec in REGISTRY.values() if spec.access in accesses]


def _url(spec: RouteSpec, scenario) -> str:
    kwargs = spec.make_kwargs(scenario) if spec.make_kwargs else None
    return reverse(spec.name, kwargs=kwargs)


def _call(client: Client, method: str, url: str):
    return getattr(client, method.lower())(url)


def test_every_route_is_registered() -> None:
    missing = [
        f"{name or '<unnamed>'} ({pattern})"
        for name, pattern in iter_named_routes()
        if not (name.startswith(EXCLUDED_PREFIXES) or pattern.startswith("admin/")) and name not in REGISTRY
    ]
    assert not missing, (
        "Routes the quality walks do not know; describe them in tests/walks/routes.py: " + ", ".join(missing)
    )


def test_every_registered_route_exists() -> None:
    names = {name for name, _ in iter_named_routes()}
    stale = sorted(set(REGISTRY) - names)
    assert not stale, f"Registered routes that no longer exist: {stale}"


def test_every_api_operation_is_covered_by_a_registered_route(db) -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    api_specs = [spec for spec in REGISTRY.values() if spec.api]
    assert api_specs, "no API routes registered"
    paths = {path for path in schema["paths"]}
    registered_patterns = {pattern for name, pattern in iter_named_routes() if name in REGISTRY}
    uncovered = [
        path for path in paths if not any(_same_route(path, pattern) for pattern in registered_patterns)
    ]
    assert not uncovered, f"API operations outside the walks: {uncovered}"


def _same_route(openapi_path: str, django_pattern: str) -> bool:
    import re

    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + django_pattern)
    return template == openapi_path


@pytest.mark.parametrize("spec", _specs(Access.SIGNED_IN, Access.OBJECT, Access.STAFF), ids=lambda s: s.name)
@pytest.mark.parametrize("method", ALL_METHODS)
def test_anonymous_is_refused(client: Client, scenario, spec: RouteSpec, method: str) -> None:
    response = _call(client, method, _url(spec, scenario))
    if spec.api:
        assert response.status_code in REFUSED_ANONYMOUS_API, response.content[:200]
    else:
        assert response.status_code in REFUSED_ANONYMOUS_PAGE
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("people:sign_in"))
    _assert_no_secret(spec, scenario, response)


@pytest.mark.parametrize("spec", list(REGISTRY.values()), ids=lambda s: s.name)
def test_right_user_gets_each_allowed_method(client: Client, scenario, spec: RouteSpec) -> None:
    if spec.access is Access.STAFF:
        scenario.owner.is_staff = scenario.owner.is_superuser = True
        scenario.owner.save()
    if spec.access is not Access.PUBLIC:
        client.force_login(scenario.owner)
    url = _url(spec, scenario)
    for method, status in spec.ok.items():
        response = _call(client, method, url)
        assert response.status_code == status, f"{method} {url}: {response.status_code}"
        if spec.access is not Access.PUBLIC:
            client.force_login(scenario.owner)  # sign-out ends the session; start again for the next method


@pytest.mark.parametrize("spec", list(REGISTRY.values()), ids=lambda s: s.name)
@pytest.mark.parametrize("method", ALL_METHODS)
def test_no_route_answers_with_a_server_error(client: Client, scenario, spec: RouteSpec, method: str) -> None:
    client.force_login(scenario.owner)
    response = _call(client, method, _url(spec, scenario))
    assert response.status_code < 500


@pytest.mark.parametrize("spec", _specs(Access.OBJECT), ids=lambda s: s.name)
@pytest.mark.parametrize("who", ["outsider", "wrong_role"])
def test_missing_and_not_yours_look_the_same(client: Client, scenario, spec: RouteSpec, who: str) -> None:
    url = _url(spec, scenario)
    client.force_login(getattr(scenario, who))
    # A POST-only route (a button on a record's page) is probed with the method it accepts.
    method = "GET" if "GET" in spec.ok else next(iter(spec.ok))
    refused = _call(client, method, url)
    missing_kwargs = {key: 2_000_000_000 for key in spec.make_kwargs(scenario)}  # type: ignore[misc]
    missing = _call(client, method, reverse(spec.name, kwargs=missing_kwargs))
    assert refused.status_code == missing.status_code == 404
    assert _without_nonces(refused.content) == _without_nonces(missing.content)
    _assert_no_secret(spec, scenario, refused)


@pytest.mark.parametrize("spec", _specs(Access.STAFF), ids=lambda s: s.name)
def test_staff_routes_refuse_non_staff(client: Client, scenario, spec: RouteSpec) -> None:
    client.force_login(scenario.outsider)
    response = client.get(_url(spec, scenario))
    assert response.status_code in {302, 403, 404}


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_admin_refuses_anyone_but_staff(client: Client, scenario, who: str) -> None:
    if who != "anonymous":
        client.force_login(scenario.outsider)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _without_nonces(body: bytes) -> bytes:
    """The page minus what differs on every response anyway (CSP nonces, CSRF tokens)."""
    import re

    body = re.sub(rb'nonce="[^"]*"', b'nonce=""', body)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b'name="csrfmiddlewaretoken" value=""', body)


def _assert_no_secret(spec: RouteSpec, scenario, response) -> None:
    if spec.secret_fields is None:
        return
    body = response.content.decode(errors="replace")
    for value in spec.secret_fields(scenario):
        assert value not in body, f"refused response from {spec.name} contains {value!r}"
