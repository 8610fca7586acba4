"""The annual report extract: a board's monitoring year (reviews in monitoring, actions completed, impact
evidenced, overdue with reasons) and an honest note that learning dissemination is not yet recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.monitoring import reports
from safeguard.reviews.models import Reprogramming
from tests.monitoring import reports_world as w


@pytest.fixture
def world(demo, cig_schedule):
    return w.build(demo, cig_schedule, meeting=False)


def _url(board, year, fmt: str | None = None) -> str:
    if fmt:
        return reverse(
            "monitoring:annual_report_download", kwargs={"board_pk": board.pk, "year": year, "fmt": fmt}
        )
    return reverse("monitoring:annual_report", kwargs={"board_pk": board.pk, "year": year})


def _this_year() -> int:
    return timezone.localdate().year


def test_report_lists_the_review_in_monitoring_with_its_actions(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year())).content.decode()
    [review] = w.table_rows(html, "annual-reviews")
    assert review[0].startswith("LSCB-SCR-TEST-01: Child T")
    # The police plan's four actions: Liverpool monitors it; Lancashire CSC's plan it does not.
    assert review[1:] == ["Partner board", "Monitoring actions", "4", "1", "3"]


def test_report_lists_actions_closed_in_the_year_with_their_impact(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year())).content.decode()
    [completed] = w.table_rows(html, "annual-completed")
    assert completed[0].startswith(f"{world.a4.reference}: Brief supervisors on the closure policy")
    assert completed[3] == "Impact evidenced"
    [impact] = w.table_rows(html, "annual-impact")
    assert impact[1] == "Impact evidenced"
    assert "Impact evidenced: 1" in html


def test_report_gives_the_latest_update_as_the_reason_an_action_is_overdue(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year())).content.decode()
    [overdue] = w.table_rows(html, "annual-overdue")
    assert overdue[0].startswith(world.a2.reference)
    assert overdue[3] == f"{w.OLD_UPDATE} Latest progress update"


def test_a_reprogramming_reason_comes_before_the_latest_update(demo, world):
    Reprogramming.objects.create(
        action=world.a2,
        previous_due_date=world.a2.due_date - timedelta(days=30),
        new_due_date=world.a2.due_date,
        reason="Trainer off sick",
        approved_by=demo.cig_chair,
    )
    report = reports.annual_report(world.liverpool, _this_year())
    [line] = report.overdue
    assert (line.reason, line.reason_source) == ("Trainer off sick", "reprogramming")


def test_learning_disseminated_says_it_is_not_yet_recorded(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year())).content.decode()
    assert "Learning disseminated" in html
    assert "Not yet recorded in Safeguard" in html


def test_a_year_with_no_data_gives_a_clear_message(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(_url(world.liverpool, 2015))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no monitoring data for Liverpool Safeguarding Children Board in 2015" in html
    assert "annual-report/2015.pdf" not in html  # no download of an empty document


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_downloading_a_year_with_no_data_gives_the_message_not_an_empty_file(client_as, demo, world, fmt):
    response = client_as(demo.liverpool_manager).get(_url(world.liverpool, 2015, fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "There is no monitoring data" in response.content.decode()


@pytest.mark.parametrize("year", [1800, 2999])
def test_a_year_out_of_range_gives_a_clear_message(client_as, demo, world, year):
    response = client_as(demo.liverpool_manager).get(_url(world.liverpool, year))
    assert response.status_code == 200
    assert f"There is no annual report extract for {year}: choose a year from 2000 to {_this_year()}" in (
        response.content.decode()
    )


def test_a_board_the_user_does_not_serve_is_not_found(client_as, demo, world):
    response = client_as(demo.lancashire_manager).get(_url(world.liverpool, _this_year()))
    assert response.status_code == 404
    assert b"LSCB-SCR-TEST-01" not in response.content


def test_an_agency_lead_who_serves_no_board_is_not_found(client_as, demo, world):
    assert client_as(demo.csc_lead).get(_url(world.liverpool, _this_year())).status_code == 404


def test_viewing_the_report_is_logged(client_as, demo, world):
    client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year()))
    assert AccessEvent.objects.filter(user=demo.liverpool_manager, route="monitoring:annual_report").exists()


def test_report_pdf_reads_as_the_report(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year(), "pdf"))
    assert response.status_code == 200
    text = w.pdf_text(response.content)
    assert f"Annual report extract: Liverpool Safeguarding Children Board, {_this_year()}" in text
    assert "Brief supervisors on the closure policy" in text
    assert w.OLD_UPDATE in text
    assert "Learning disseminated" in text and "Not yet recorded in Safeguard" in text


def test_report_xlsx_holds_each_section(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(_url(world.liverpool, _this_year(), "xlsx"))
    book = w.workbook(response.content)
    assert book.sheetnames == ["Summary", "Reviews in monitoring", "Actions completed", "Impact", "Overdue"]
    assert w.sheet_values(book, "Reviews in monitoring")[1][0] == "LSCB-SCR-TEST-01"
    assert w.sheet_values(book, "Actions completed")[1][0] == world.a4.reference
    assert w.sheet_values(book, "Overdue")[1][6] == w.OLD_UPDATE
    summary = dict((row[0], row[1]) for row in w.sheet_values(book, "Summary")[1:])
    assert summary["Learning disseminated"].startswith("Not yet recorded in Safeguard")
