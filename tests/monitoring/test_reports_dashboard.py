"""The partnership dashboard: live RAG by review, agency and board, overdue by agency, update timeliness and the
RAG trend from snapshots, each chart with its data table beside it, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.monitoring import services
from safeguard.reviews.models import Action, ActionStatus
from tests.monitoring import reports_world as w

URL = "/monitoring/dashboard/"


@pytest.fixture
def world(demo, cig_schedule):
    world = w.build(demo, cig_schedule, meeting=False)
    w.close(demo, world)
    return world


def _html(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_counts_the_boards_actions_by_review_agency_and_board(client_as, demo, world):
    html = _html(client_as(demo.liverpool_manager))
    # Liverpool monitors the police plan only (Lancashire CSC's plan is Lancashire's).
    assert w.table_rows(html, "by-review-table") == [
        ["LSCB-SCR-TEST-01", "1", "1", "1", "1", "4"],
        ["All", "1", "1", "1", "1", "4"],
    ]
    assert w.table_rows(html, "by-agency-table")[0] == ["Merseyside Police", "1", "1", "1", "1", "4"]
    assert w.table_rows(html, "by-board-table") == [["Liverpool LSCB", "1", "1", "1", "1", "4"]]


def test_an_action_monitored_by_two_of_the_users_boards_counts_once_per_board(client_as, demo, world):
    from safeguard.people.models import Role
    from tests.factories import BoardRoleFactory

    BoardRoleFactory(board=world.lancashire, user=demo.liverpool_manager, role=Role.BOARD_CHAIR)
    html = _html(client_as(demo.liverpool_manager))
    assert w.table_rows(html, "by-board-table") == [
        ["Lancashire LSCB", "1", "1", "3", "1", "6"],
        ["Liverpool LSCB", "1", "1", "1", "1", "4"],
    ]
    assert w.table_rows(html, "by-review-table")[-1] == ["All", "1", "1", "3", "1", "6"]


def test_dashboard_lists_overdue_actions_by_agency(client_as, demo, world):
    html = _html(client_as(demo.liverpool_manager))
    assert w.table_rows(html, "overdue-table") == [["Merseyside Police", "1"]]


def test_update_timeliness_comes_from_the_closed_cycles(client_as, demo, world):
    html = _html(client_as(demo.liverpool_manager))
    rows = {row[0]: row[1:] for row in w.table_rows(html, "timeliness-table")}
    # Police: three updates asked for (A1, A2, A3), one answered on time; CSC: one asked for (C1), none.
    assert rows["Merseyside Police"] == ["3", "1", "1", "33%"]
    assert rows["Lancashire Children's Social Care"] == ["1", "0", "0", "0%"]


def test_trend_shows_each_snapshot(client_as, demo, world):
    cycle, _ = services.open_cycle(schedule=world.schedule, opens_on=timezone.localdate() + timedelta(days=1))
    Action.objects.filter(pk=world.a3.pk).update(status=ActionStatus.CLOSED, closed_at=timezone.now())
    services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    rows = w.table_rows(_html(client_as(demo.liverpool_manager)), "trend-table")
    assert [row[1:] for row in rows] == [["1", "1", "3", "1", "6"], ["1", "0", "3", "2", "6"]]


def test_every_chart_has_a_data_table_and_words_for_each_colour(client_as, demo, world):
    html = _html(client_as(demo.liverpool_manager))
    for chart, table in (
        ("chart-by-review", "by-review-table"),
        ("chart-by-agency", "by-agency-table"),
        ("chart-by-board", "by-board-table"),
        ("chart-overdue", "overdue-table"),
        ("chart-timeliness", "timeliness-table"),
        ("chart-trend", "trend-table"),
    ):
        assert f'aria-labelledby="{chart}-title"' in html, chart
        assert f'id="{table}"' in html, table
    assert "4 (1 red, 1 amber, 1 green, 1 blue)" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_a_user_who_serves_no_board_sees_an_empty_dashboard(client_as, demo, world):
    html = _html(client_as(demo.social_worker))
    assert "0 actions in monitoring" in html
    assert "Merseyside Police" not in html


def _more_actions(world, demo, n: int, *, start: int) -> None:
    today = timezone.localdate()
    Action.objects.bulk_create(
        Action(
            plan=world.plan,
            number=start + i,
            title=f"Extra {i}",
            due_date=today + timedelta(days=(i % 5) * 7 - 14),
            status=ActionStatus.AGREED if i % 3 else ActionStatus.CLOSED,
            created_by=demo.police_lead,
        )
        for i in range(n)
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


def test_dashboard_costs_the_same_queries_with_1_or_30_more_actions_and_more_snapshots(
    client_as, demo, world
):
    client = client_as(demo.liverpool_manager)
    _more_actions(world, demo, 1, start=100)
    few = _queries(client)
    _more_actions(world, demo, 29, start=200)
    for day in (1, 2, 3):
        cycle, _ = services.open_cycle(
            schedule=world.schedule, opens_on=timezone.localdate() + timedelta(days=day)
        )
        services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
    many = _queries(client)
    assert few == many
    assert many <= 15


def test_dashboard_pdf_has_the_tables(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(
        reverse("monitoring:dashboard_download", kwargs={"fmt": "pdf"})
    )
    assert response.status_code == 200
    text = w.pdf_text(response.content)
    assert "Partnership dashboard" in text
    assert "Merseyside Police 1 1 1 1 4" in text
    assert "Update timeliness by agency" in text


def test_dashboard_xlsx_has_a_sheet_per_table(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(
        reverse("monitoring:dashboard_download", kwargs={"fmt": "xlsx"})
    )
    book = w.workbook(response.content)
    assert book.sheetnames == [
        "Summary",
        "By review",
        "By agency",
        "By board",
        "Overdue by agency",
        "Update timeliness",
        "RAG trend",
    ]
    assert w.sheet_values(book, "By board")[1] == ["Liverpool LSCB", 1, 1, 1, 1, 4]
    assert w.sheet_values(book, "Update timeliness")[1:] == [
        ["Lancashire Children's Social Care", 1, 0, 0, "0%"],
        ["Merseyside Police", 3, 1, 1, "33%"],
    ]


def test_dashboard_links_the_summary_of_each_co_owned_review(client_as, demo, world):
    html = _html(client_as(demo.liverpool_manager))
    href = reverse(
        "monitoring:cross_board_summary", kwargs={"pk": world.snapshot.pk, "review_pk": world.review.pk}
    )
    assert f'href="{href}"' in html
