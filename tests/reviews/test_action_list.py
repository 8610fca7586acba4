"""The all-actions list: filters return exactly the expected rows, bad values give a message, and the
page costs the same however many actions it shows."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.people.models import Role
from safeguard.reviews import services
from safeguard.reviews.models import Action, ActionStatus, EvidenceKind, ImpactSource, ImpactVerdict, PlanKind
from tests.factories import BoardFactory, BoardRoleFactory

LIST = "/actions/"  # reviews:action_list (the URL contract); reversing at import would load the URLconf


def _add(actor, plan, title, lead, days):
    action = services.add_action(
        actor=actor,
        plan=plan,
        title=title,
        lead_officer=lead,
        due_date=timezone.localdate() + timedelta(days=days),
    )
    services.add_success_criterion(
        actor=actor, action=action, statement="Done", measure="Records", target="All"
    )
    return action


@pytest.fixture
def tracker(demo, child_n) -> SimpleNamespace:
    """Five actions on two plans of the Child N review, one in each interesting state:

    police (Merseyside Police, monitored by Liverpool's CIG and both boards):
      on_track  agreed, due in 60 days       -> green
      due_soon  in progress, due in 5 days   -> amber
      overdue   agreed, due 3 days ago       -> red
    csc (Lancashire Children's Social Care, monitored by Lancashire's SCR subgroup):
      later     agreed, due in 200 days      -> green
      closed    closed, due in 100 days      -> blue
    """
    police, csc_plan = (
        child_n.plan,
        services.create_plan(
            actor=demo.lancashire_manager,
            review=child_n.review,
            kind=PlanKind.SINGLE_AGENCY,
            owner_agency=child_n.csc,
            monitoring_subgroup=child_n.scr,
            monitoring_boards=[child_n.lancashire],
            title="Lancashire CSC action plan",
        ),
    )
    on_track = _add(demo.police_lead, police, "Train control-room staff", demo.ops_supervisor, 60)
    due_soon = _add(demo.police_lead, police, "Refresh closure codes", demo.ops_supervisor, 5)
    overdue = _add(demo.police_lead, police, "Audit incident closures", demo.ops_supervisor, 20)
    services.submit_plan(actor=demo.police_lead, plan=police)
    services.approve_plan(actor=demo.cig_chair, plan=police)
    later = _add(demo.csc_lead, csc_plan, "Supervision audit", demo.csc_lead, 200)
    closed = _add(demo.csc_lead, csc_plan, "Chronology training", demo.csc_lead, 100)
    services.submit_plan(actor=demo.csc_lead, plan=csc_plan)
    services.approve_plan(actor=demo.scr_chair, plan=csc_plan)

    services.post_update(actor=demo.ops_supervisor, action=due_soon, narrative="Started", claimed="on_track")
    # Agreed with a date in the future; time has passed since (the services refuse a past date, rightly).
    Action.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    evidence = services.submit_evidence(
        actor=demo.csc_lead, action=closed, kind=EvidenceKind.NARRATIVE, description="x"
    )
    services.complete_action(actor=demo.csc_lead, action=closed)
    services.accept_evidence(actor=demo.scr_chair, evidence=evidence)
    services.assess_impact(
        actor=demo.scr_chair,
        action=closed,
        verdict=ImpactVerdict.EVIDENCED,
        source=ImpactSource.AUDIT,
        narrative="x",
    )
    services.close_action(actor=demo.scr_chair, action=closed)
    return SimpleNamespace(
        on_track=on_track,
        due_soon=due_soon,
        overdue=overdue,
        later=later,
        closed=closed,
        police=police,
        csc=csc_plan,
    )


def _page(client, params: dict | None = None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> set[int]:
    if 'id="actions"' not in html:
        return set()
    table = html[html.index('id="actions"') : html.index("</table>", html.index('id="actions"'))]
    return {int(pk) for pk in re.findall(r'href="/actions/(\d+)/"', table)}


def _counts(html: str) -> dict[str, int]:
    return {rag: int(n) for rag, n in re.findall(r'data-rag="(\w+)">(\d+)<', html)}


def _pks(*actions) -> set[int]:
    return {a.pk for a in actions}


@pytest.fixture
def manager(client_as, demo):
    return client_as(demo.lancashire_manager)  # the lead board's manager sees every plan of the review


def test_everything_visible_is_listed_with_counts_by_rag(manager, tracker) -> None:
    html = _page(manager)
    t = tracker
    assert _rows(html) == _pks(t.on_track, t.due_soon, t.overdue, t.later, t.closed)
    assert _counts(html) == {"red": 1, "amber": 1, "green": 2, "blue": 1}
    assert "5 actions" in html
    assert "Red: overdue" in html and "Blue: closed" in html  # the tag says it: not colour alone


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rag": "red"}, ["overdue"]),
        ({"rag": "amber"}, ["due_soon"]),
        ({"rag": "green"}, ["on_track", "later"]),
        ({"rag": "blue"}, ["closed"]),
        ({"status": "in_progress"}, ["due_soon"]),
        ({"status": "agreed"}, ["on_track", "overdue", "later"]),
        ({"status": "closed"}, ["closed"]),
        ({"overdue": "on"}, ["overdue"]),
        ({"due_before": "+30"}, ["due_soon", "overdue"]),
        ({"due_after": "+50"}, ["on_track", "later", "closed"]),
        ({"due_after": "+50", "due_before": "+150"}, ["on_track", "closed"]),
        ({"agency": "csc"}, ["later", "closed"]),
        ({"agency": "police"}, ["on_track", "due_soon", "overdue"]),
        ({"board": "liverpool"}, ["on_track", "due_soon", "overdue"]),
        ({"board": "lancashire"}, ["on_track", "due_soon", "overdue", "later", "closed"]),
        ({"agency": "police", "rag": "green"}, ["on_track"]),
    ],
    ids=lambda v: "&".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_each_filter_returns_exactly_the_expected_rows(manager, tracker, child_n, params, expected) -> None:
    today = timezone.localdate()
    query = {}
    for key, value in params.items():
        if key in {"due_before", "due_after"}:
            value = f"{today + timedelta(days=int(value)):%d/%m/%Y}"
        elif key == "agency":
            value = {"csc": child_n.csc, "police": child_n.police}[value].pk
        elif key == "board":
            value = {"liverpool": child_n.liverpool, "lancashire": child_n.lancashire}[value].pk
        query[key] = value
    html = _page(manager, query)
    assert "govuk-error-summary" not in html
    assert _rows(html) == _pks(*(getattr(tracker, name) for name in expected))


def test_the_counts_are_for_the_filtered_set(manager, tracker, child_n) -> None:
    html = _page(manager, {"agency": child_n.police.pk})
    assert _counts(html) == {"red": 1, "amber": 1, "green": 1, "blue": 0}


def test_iso_dates_are_accepted_too(manager, tracker) -> None:
    before = timezone.localdate() + timedelta(days=30)
    assert _rows(_page(manager, {"due_before": before.isoformat()})) == _pks(
        tracker.due_soon, tracker.overdue
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rag": "purple"}, "Choose red, amber, green or blue"),
        ({"status": "done-ish"}, "Choose a status from the list"),
        ({"agency": "abc"}, "Choose an agency from the list"),
        ({"board": "999999"}, "Choose a board from the list"),
        ({"due_before": "31/02/2026"}, "Due on or before must be a real date"),
        ({"due_after": "next tuesday"}, "Due on or after must be a real date"),
        ({"due_after": "10/10/2030", "due_before": "01/01/2030"}, "must be the same as or after"),
        ({"sort": "; DROP TABLE"}, "Choose how to sort from the list"),
        ({"review": "x"}, "The review in the address is not valid"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
def test_a_bad_filter_value_gives_a_message_not_a_server_error(manager, tracker, params, message) -> None:
    html = _page(manager, params)
    assert "govuk-error-summary" in html
    assert message in html
    assert "<title>Error: Actions" in html
    # The bad value is ignored: the rest of the list still shows.
    assert _rows(html) == _pks(
        tracker.on_track, tracker.due_soon, tracker.overdue, tracker.later, tracker.closed
    )


def test_a_bad_page_number_shows_a_page_not_an_error(manager, tracker) -> None:
    for page in ("abc", "-1", "999", "1.5"):
        assert _rows(_page(manager, {"page": page}))


def test_sorting(manager, tracker) -> None:
    t = tracker

    def order(sort: str) -> list[int]:
        html = _page(manager, {"sort": sort})
        table = html[html.index('id="actions"') :]
        return [int(pk) for pk in re.findall(r'href="/actions/(\d+)/"', table)]

    assert order("due") == [a.pk for a in (t.overdue, t.due_soon, t.on_track, t.closed, t.later)]
    assert order("-due") == [a.pk for a in (t.later, t.closed, t.on_track, t.due_soon, t.overdue)]
    assert order("rag")[:2] == [t.overdue.pk, t.due_soon.pk]
    assert order("rag")[-1] == t.closed.pk


def test_the_export_links_carry_the_same_filters(manager, tracker, child_n) -> None:
    html = _page(manager, {"agency": child_n.police.pk, "rag": "red", "page": "1"})
    for fmt in ("csv", "xlsx"):
        export = reverse("reviews:actions_export", kwargs={"fmt": fmt})
        assert f'href="{export}?agency={child_n.police.pk}&amp;rag=red"' in html


def test_another_boards_user_sees_no_actions(client_as, tracker) -> None:
    stranger = BoardRoleFactory(board=BoardFactory(), role=Role.BOARD_BUSINESS_MANAGER).user
    html = _page(client_as(stranger))
    assert _rows(html) == set()
    assert _counts(html) == {"red": 0, "amber": 0, "green": 0, "blue": 0}
    assert "No actions match" in html


def test_a_lead_officer_sees_the_actions_they_lead(client_as, demo, tracker) -> None:
    html = _page(client_as(demo.ops_supervisor))
    assert _rows(html) == _pks(tracker.on_track, tracker.due_soon, tracker.overdue)


def test_anonymous_is_sent_to_sign_in(client, db) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))


# --- Pages of 50, and a constant number of queries -----------------------------------------------


def _more_actions(plan, creator, lead, n: int) -> None:
    start = (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"Bulk action {start + i}",
            lead_officer=lead,
            due_date=timezone.localdate() + timedelta(days=30 + i),
            status=ActionStatus.AGREED,
            created_by=creator,
        )
        for i in range(n)
    )


def test_the_list_shows_50_a_page_and_keeps_the_filters_in_page_links(
    manager, demo, tracker, child_n
) -> None:
    _more_actions(tracker.police, demo.police_lead, demo.ops_supervisor, 48)  # 51 police actions
    query = {"agency": child_n.police.pk}
    first = _page(manager, query)
    assert len(_rows(first)) == 50
    assert "51 actions, showing 1 to 50" in first
    assert f"?agency={child_n.police.pk}&amp;page=2" in first
    second = _page(manager, {**query, "page": 2})
    assert len(_rows(second)) == 1
    assert _rows(first).isdisjoint(_rows(second))


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"rag": "green", "board": "liverpool"}], ids=["unfiltered", "filtered"]
)
def test_the_list_costs_the_same_with_1_and_50_actions(client_as, demo, child_n, params) -> None:
    plan = child_n.plan
    _more_actions(plan, demo.police_lead, demo.ops_supervisor, 1)
    if "board" in params:
        params = {**params, "board": child_n.liverpool.pk}
    client = client_as(demo.lancashire_manager)
    client.get(LIST)  # warm the session
    one = _queries(client, params)
    _more_actions(plan, demo.police_lead, demo.ops_supervisor, 49)
    fifty = _queries(client, params)
    assert one == fifty, (one, fifty)
    assert fifty <= 15, fifty


def test_rag_counts_count_each_action_once_however_much_evidence_it_has(demo, child_n) -> None:
    from safeguard.reviews import selectors
    from safeguard.reviews.models import EvidenceKind
    from tests.reviews.conftest import agreed_action

    action = agreed_action(demo, child_n)
    for n in range(3):
        services.submit_evidence(
            actor=demo.ops_supervisor, action=action, kind=EvidenceKind.NARRATIVE, description=f"Part {n}"
        )
    actions = selectors.action_list(demo.lancashire_manager)
    assert sum(selectors.rag_counts(actions).values()) == actions.count() == 1
    assert actions.get().evidence_count == 3


def test_the_board_filter_lists_an_action_once_when_both_boards_monitor_it(demo, child_n) -> None:
    from safeguard.reviews import selectors
    from tests.reviews.conftest import agreed_action

    agreed_action(demo, child_n)  # the police plan is monitored by Liverpool and Lancashire
    actions = selectors.action_list(
        demo.lancashire_manager, selectors.ActionFilters(board=child_n.liverpool.pk)
    )
    assert actions.count() == 1
    assert sum(selectors.rag_counts(actions).values()) == 1
