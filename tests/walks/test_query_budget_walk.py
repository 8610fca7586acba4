"""Query-budget walk: every list page costs the same number of queries with 1 row as with 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.walks.routes import REGISTRY, RouteSpec

MAX_QUERIES_PER_REQUEST = 15


def _list_routes() -> list[RouteSpec]:
    return [spec for spec in REGISTRY.values() if spec.make_rows is not None]


def _count(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("spec", _list_routes(), ids=lambda s: s.name)
def test_list_pages_cost_the_same_with_1_and_50_rows(client: Client, scenario, spec: RouteSpec) -> None:
    client.force_login(scenario.owner)
    kwargs = spec.make_kwargs(scenario) if spec.make_kwargs else None
    url = reverse(spec.name, kwargs=kwargs)
    spec.make_rows(scenario, 1)  # type: ignore[misc]
    one, _ = _count(client, url)
    spec.make_rows(scenario, 49)  # type: ignore[misc]
    fifty, queries = _count(client, url)
    listing = "\n".join(queries)
    assert one == fifty, f"{spec.name}: {one} queries with 1 row, {fifty} with 50 (N+1?):\n{listing}"
    assert fifty <= MAX_QUERIES_PER_REQUEST, f"{spec.name}: {fifty} queries:\n{listing}"


def test_every_list_page_is_measured() -> None:
    assert _list_routes(), "no list page registered with make_rows"
