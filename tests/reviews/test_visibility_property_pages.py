"""Property: the action list page, its RAG counts, the CSV export, the review register and the reviews and
plans API lists hold exactly the rows the access rules allow, for random roles and records.

The oracle is tests/oracle_world.py's, written from the rules in safeguard/reviews/permissions.py's and
rag.py's docstrings over the drawn data, never by calling them:

- /actions/: one row per visible action (the row links to /actions/<id>/), the caption's total, and the
  RAG table (each visible action counted under its RAG); with ?rag=<x>, the visible actions at that RAG;
- /actions/export.csv: one line per visible action (identified by its unique title), with its RAG, and the
  X-Export-Rows header; with ?board=<b>, the visible actions whose plan that board owns or monitors;
- /reviews/: one row per visible review, each with the RAG counts of its visible actions, and the totals
  over every visible action of a visible review;
- /api/v1/reviews/ and /api/v1/action-plans/: the visible reviews (with the same RAG counts) and plans,
  and `count`; /api/v1/action-plans/?agency=<a>: the visible plans that agency owns.

A second property covers single records, whose rule is asked of one plan rather than of every visible
one: each action's page (200 or the same 404), the rule itself with and without the request's loaded roles,
and each review's actions as `visible_actions(user, review=...)` narrows them.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.reviews import permissions as perms
from safeguard.reviews.models import Action, ActionStatus, Rag
from tests.oracle_world import (
    CHAIR,
    LEAD,
    MANAGER,
    PRACTITIONER,
    SUBGROUP_MEMBER,
    action_spec,
    build_reviews,
    build_viewer,
    expected_rag,
    make_partnership,
    normalise,
    plain_world,
    plan_spec,
    review_spec,
    reviews_oracle,
    reviews_worlds,
)
from tests.reviews.api_helpers import Api

RAGS = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)  # the register's column order
ACTION_HREF = re.compile(r"^/actions/(\d+)/$")
REVIEW_HREF = re.compile(r"^/reviews/(\d+)/$")


# --- Reading the pages --------------------------------------------------------------------------


class Tables(HTMLParser):
    """Every <table> of a page: its attributes, caption text and rows of cells (text, links, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self._stack: list[dict[str, Any]] = []
        self._cell: dict[str, Any] | None = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "table":
            table = {"attrs": attributes, "caption": "", "rows": []}
            self.tables.append(table)
            self._stack.append(table)
        elif not self._stack:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = {"tag": tag, "attrs": attributes, "text": "", "hrefs": []}
            self._stack[-1]["rows"][-1].append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._cell["hrefs"].append(attributes.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._stack:
            self._stack[-1]["caption"] += data
        elif self._cell is not None:
            self._cell["text"] += data

    def with_caption(self, start: str) -> dict[str, Any]:
        found = [t for t in self.tables if " ".join(t["caption"].split()).startswith(start)]
        assert len(found) == 1, [t["caption"] for t in self.tables]
        return found[0]


def _page(client: Client, path: str, params: dict[str, Any] | None = None) -> Tables:
    response = client.get(path, params or {})
    assert response.status_code == 200, response.status_code
    return Tables(response.content.decode())


def action_page(client: Client, params: dict[str, Any] | None = None) -> tuple[set[int], dict[str, int], int]:
    """The action ids in the page's table, its RAG table's counts, and the caption's total (0: no table)."""
    tables = _page(client, "/actions/", params)
    counts = {}
    for row in tables.with_caption("Actions by RAG")["rows"]:
        for cell in row:
            if "data-rag" in cell["attrs"]:
                counts[cell["attrs"]["data-rag"]] = int(cell["text"].strip())
    listed = [t for t in tables.tables if t["attrs"].get("id") == "actions"]
    if not listed:
        return set(), counts, 0
    ids = [
        int(m.group(1))
        for row in listed[0]["rows"]
        for cell in row
        for h in cell["hrefs"]
        if (m := ACTION_HREF.match(h))
    ]
    assert len(ids) == len(set(ids)), ids  # each action once
    total = int(listed[0]["caption"].split()[0])
    return set(ids), counts, total


def register_page(client: Client) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """Each listed review's RAG counts by id, and the totals table's counts."""
    tables = _page(client, "/reviews/")
    totals_table = tables.with_caption("Actions by RAG across these reviews")
    cells = [c for row in totals_table["rows"] for c in row if c["tag"] == "td"]
    totals: dict[str, int] = {rag: int(cell["text"].strip()) for rag, cell in zip(RAGS, cells, strict=True)}
    rows: dict[int, dict[str, int]] = {}
    for table in tables.tables:
        for row in table["rows"]:
            links = [m for cell in row for h in cell["hrefs"] if (m := REVIEW_HREF.match(h))]
            if not links:
                continue
            numbers = [int(c["text"].strip()) for c in row[-len(RAGS) :]]
            assert int(links[0].group(1)) not in rows  # each review once
            rows[int(links[0].group(1))] = dict(zip(RAGS, numbers, strict=True))
    return rows, totals


def export_rows(client: Client, params: dict[str, Any] | None = None) -> tuple[dict[str, str], int]:
    """{action title: RAG} from the CSV export, and its X-Export-Rows header."""
    response = client.get("/actions/export.csv", params or {})
    assert response.status_code == 200, response.status_code
    streamed = getattr(response, "streaming_content")  # noqa: B009  (a streaming response)
    text = b"".join(streamed).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    titles = [dict(zip(header, line, strict=True)) for line in lines]
    found = {row["Action"]: row["RAG"].lower() for row in titles}
    assert len(found) == len(titles), titles  # each action once
    return found, int(response["X-Export-Rows"])


# --- Boundaries always tried --------------------------------------------------------------------


def _edge(**roles: Any) -> dict[str, Any]:
    """One unpublished review led by board 0, one single-agency plan of agency 1 monitored by board 1 (its
    subgroup 2), one action led by someone else: the viewer's own roles alone decide what they see."""
    parts = {"reviews": [review_spec()], "plans": [plan_spec()], "actions": [action_spec()], **roles}
    return plain_world(**parts)


EDGES = [
    _edge(),  # no role at all: nothing
    _edge(reviews=[review_spec(published=True)], memberships=[(2, PRACTITIONER, False)]),  # published
    _edge(reviews=[review_spec(published=True)], memberships=[(2, PRACTITIONER, True)]),  # ended member
    _edge(board_roles=[(0, MANAGER, True)]),  # an ended board role
    _edge(seats=[(0, True)]),  # an ended seat
    _edge(reviews=[review_spec(published=True)], seats=[(4, False)]),  # published: a seat elsewhere
    _edge(seats=[(1, False)]),  # a seat on board 0's other subgroup: the review, by its lead board
    _edge(seats=[(3, False)]),  # a seat on board 1's other subgroup: the plan, by its monitoring board
    _edge(memberships=[(0, PRACTITIONER, False)], reviews=[review_spec(involved=[0])]),  # not a lead
    _edge(memberships=[(0, LEAD, False)], reviews=[review_spec(involved=[0])]),  # an involved lead
    _edge(memberships=[(1, LEAD, False)]),  # the owning agency's lead: the plan, not the review
    _edge(board_roles=[(2, SUBGROUP_MEMBER, False)], reviews=[review_spec(partners=[2])]),  # partner
    _edge(
        board_roles=[(1, CHAIR, False)],
        plans=[plan_spec(None, single=False, owner=1, monitoring=[2], subgroup=4)],
    ),  # the owning board of a plan without a review
    _edge(
        actions=[
            action_spec(lead="other", status=ActionStatus.CLOSED, override=Rag.RED),
            action_spec(lead="viewer", due=-1, at_risk=True),
            action_spec(lead="viewer", status=ActionStatus.COMPLETED, due=-30),
            action_spec(lead="viewer", due=0, override=Rag.GREEN),
            action_spec(lead=None, due=None, at_risk=True),
        ]
    ),  # the viewer leads some actions of a plan they could not otherwise see
    _edge(
        memberships=[(1, LEAD, False)],
        actions=[
            action_spec(status=ActionStatus.CLOSED, due=-30),  # blue, however late
            action_spec(status=ActionStatus.DRAFT, due=-1, override=Rag.AMBER),  # the board's RAG
            action_spec(status=ActionStatus.IN_PROGRESS, due=-1),  # red: late
            action_spec(status=ActionStatus.EVIDENCE_ACCEPTED, due=-1),  # green: delivered
            action_spec(status=ActionStatus.AGREED, due=0),  # amber: due today
            action_spec(status=ActionStatus.AGREED, due=2),  # amber: within the window
            action_spec(status=ActionStatus.AGREED, due=90, at_risk=True),  # amber: at risk
            action_spec(status=ActionStatus.AGREED, due=90),  # green
            action_spec(status=ActionStatus.AGREED, due=None),  # green: no date
        ],
    ),  # each branch of the RAG rule, on a plan the viewer sees as the owning agency's lead
]


# --- The property ------------------------------------------------------------------------------


@pytest.fixture
def partnership(db):
    return make_partnership()


def _examples(test: Any) -> Any:
    for world in EDGES:
        test = example(world=world, rag=Rag.RED, board=0)(test)
    return test


def _world_examples(test: Any) -> Any:
    for world in EDGES:
        test = example(world=world)(test)
    return test


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=reviews_worlds, rag=st.sampled_from(RAGS), board=st.integers(0, 2))
@_examples
def test_lists_counts_and_exports_hold_exactly_what_the_rules_allow(partnership, world, rag, board) -> None:
    # Each example writes in a savepoint that is rolled back, so examples never see each other's rows.
    with transaction.atomic():
        world = normalise(world)
        viewer = build_viewer(partnership, world)
        built = build_reviews(partnership, world, viewer)
        seen = reviews_oracle(world)
        rags = [expected_rag(spec) for spec in world["actions"]]
        action_ids = {built.actions[i].pk: i for i in seen.actions}
        client = Client()
        client.force_login(viewer)

        # The all-actions page: its rows, its caption's total and its RAG counts.
        listed, counts, total = action_page(client)
        assert listed == set(action_ids)
        assert total == len(action_ids)
        assert counts == {r: sum(rags[i] == r for i in seen.actions) for r in RAGS}
        # Filtered by RAG: the same scope, cut by the oracle's RAG.
        listed, counts, total = action_page(client, {"rag": rag})
        assert listed == {pk for pk, i in action_ids.items() if rags[i] == rag}
        assert total == len(listed)

        # The CSV export: one line per visible action, with its RAG, and the header's row count.
        exported, header_rows = export_rows(client)
        assert exported == {f"Action {i}": rags[i] for i in seen.actions}
        assert header_rows == len(seen.actions)
        # Filtered by a board: the visible actions whose plan the board owns or monitors.
        exported, header_rows = export_rows(client, {"board": partnership.boards[board].pk})
        plan_of = [world["plans"][spec["plan"]] for spec in world["actions"]]
        expected = {
            f"Action {i}"
            for i in seen.actions
            if board in plan_of[i]["monitoring"]
            or (not plan_of[i]["single_agency"] and plan_of[i]["owner"] == board)
        }
        assert set(exported) == expected
        assert header_rows == len(expected)

        # Per review: RAG counts of its visible actions; totals: every visible action of a visible review.
        per_review = {
            built.reviews[r].pk: Counter(rags[i] for i in seen.actions if plan_of[i]["review"] == r)
            for r in seen.reviews
        }
        rows, totals = register_page(client)
        assert set(rows) == set(per_review)
        assert rows == {pk: {r: c[r] for r in RAGS} for pk, c in per_review.items()}
        assert totals == {r: sum(c[r] for c in per_review.values()) for r in RAGS}

        # The API's review and plan lists, and their counts.
        api = Api(viewer)
        body = api.get("/reviews/", {"limit": 500}).json()
        assert {row["id"]: row["rag"] for row in body["results"]} == {
            pk: {r: c[r] for r in RAGS} for pk, c in per_review.items()
        }
        assert body["count"] == len(per_review)
        plan_ids = {built.plans[i].pk for i in seen.plans}
        body = api.get("/action-plans/", {"limit": 500}).json()
        assert {row["id"] for row in body["results"]} == plan_ids
        assert body["count"] == len(plan_ids)
        agency = partnership.agencies[board].pk
        assert set(api.ids("/action-plans/", {"agency": agency})) == {
            built.plans[i].pk
            for i in seen.plans
            if world["plans"][i]["single_agency"] and world["plans"][i]["owner"] == board
        }
        transaction.set_rollback(True)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=reviews_worlds)
@_world_examples
def test_each_action_and_each_reviews_actions_are_seen_exactly_as_the_rules_allow(partnership, world) -> None:
    with transaction.atomic():
        world = normalise(world)
        viewer = build_viewer(partnership, world)
        built = build_reviews(partnership, world, viewer)
        seen = reviews_oracle(world)
        client = Client()
        client.force_login(viewer)
        for index, action in enumerate(built.actions):
            allowed = index in seen.actions
            assert client.get(f"/actions/{action.pk}/").status_code == (200 if allowed else 404)
            loaded = Action.objects.select_related("plan__review").get(pk=action.pk)
            assert perms.can_see_action(viewer, loaded) is allowed
            assert perms.can_see_action(viewer, loaded, viewer=perms.Viewer(viewer)) is allowed
        plan_of = [world["plans"][spec["plan"]] for spec in world["actions"]]
        for index, review in enumerate(built.reviews):
            expected = {built.actions[i].pk for i in seen.actions if plan_of[i]["review"] == index}
            assert set(perms.visible_actions(viewer, review=review).values_list("pk", flat=True)) == expected
        transaction.set_rollback(True)
