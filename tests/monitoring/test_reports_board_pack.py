"""The board pack: a meeting's summary by review and agency, exceptions and decisions, as page, PDF and XLSX.

The scenario is tests/monitoring/reports_world.py: six actions on the Child T review monitored by Liverpool's
Critical Incident Group, one update received on time, one decision taken and one still needed.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent, AccessVia, AuditEvent
from safeguard.monitoring import reports, services
from safeguard.reviews import services as review_services
from safeguard.reviews.models import Action, ActionStatus
from tests.monitoring import reports_world as w


@pytest.fixture
def world(demo, cig_schedule):
    return w.build(demo, cig_schedule)


def _page(client, world) -> str:
    response = client.get(reverse("monitoring:board_pack", kwargs={"pk": world.meeting.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _download(client, world, fmt: str):
    return client.get(reverse("monitoring:board_pack_download", kwargs={"pk": world.meeting.pk, "fmt": fmt}))


def test_open_cycle_pack_counts_rag_by_review_and_agency(client_as, demo, world):
    html = _page(client_as(demo.cig_chair), world)
    assert w.table_rows(html, "pack-by-review") == [
        ["LSCB-SCR-TEST-01", "1", "1", "3", "1", "6"],
        ["All", "1", "1", "3", "1", "6"],
    ]
    assert w.table_rows(html, "pack-by-agency") == [
        ["Lancashire Children's Social Care", "0", "0", "2", "0", "2"],
        ["Merseyside Police", "1", "1", "1", "1", "4"],
        ["All", "1", "1", "3", "1", "6"],
    ]


def test_open_cycle_pack_says_its_figures_are_live(client_as, demo, world):
    html = _page(client_as(demo.cig_chair), world)
    assert "The cycle is still open: figures are live" in html


def test_open_cycle_pack_lists_the_overdue_action_but_no_missed_update_before_the_deadline(
    client_as, demo, world
):
    rows = w.table_rows(_page(client_as(demo.cig_chair), world), "pack-exceptions")
    assert len(rows) == 1
    assert rows[0][0].startswith(f"{world.a2.reference}: Audit closure of incidents involving children")
    assert rows[0][4] == "Overdue"
    assert w.OLD_UPDATE in rows[0][5]


def test_closed_cycle_pack_counts_missed_updates_from_the_snapshot(client_as, demo, world):
    w.close(demo, world)
    html = _page(client_as(demo.cig_chair), world)
    assert "Frozen when the cycle closed" in html
    reasons = {row[0].split(":")[0]: row[4] for row in w.table_rows(html, "pack-exceptions")}
    assert reasons == {
        world.a2.reference: "Overdue; Update asked for, not received",
        world.a3.reference: "Update asked for, not received",
        world.c1.reference: "Update asked for, not received",
    }


def test_pack_reports_updates_received_against_those_requested(demo, world):
    pack = reports.board_pack(world.meeting)
    assert (pack.updates_requested, pack.updates_received, pack.updates_on_time) == (4, 1, 1)


def test_pack_separates_decisions_needed_from_decisions_taken(client_as, demo, world):
    html = _page(client_as(demo.cig_chair), world)
    needed = w.table_rows(html, "pack-decisions-needed")
    taken = w.table_rows(html, "pack-decisions-taken")
    assert [row[1].split(":")[0] for row in needed] == [world.c2.reference]
    assert needed[0][2] == "Evidence waiting for a decision"
    assert [row[1].split(":")[0] for row in taken] == [world.a2.reference]
    assert "Noted: no change" in taken[0][3]
    assert "Chased with the force lead" in taken[0][3]


def test_closed_cycle_pack_is_the_same_after_the_actions_change(demo, world):
    w.close(demo, world)
    before = reports.board_pack(world.meeting)

    # Everything moves on after the meeting: a new date, progress, a retitled action, a new action.
    review_services.reprogramme_action(
        actor=demo.cig_chair,
        action=world.a2,
        new_due_date=date.today() + timedelta(days=100),
        reason="Trainer",
    )
    review_services.post_update(
        actor=demo.ops_supervisor, action=world.a1, narrative="Half trained", claimed="on_track"
    )
    Action.objects.filter(pk=world.a3.pk).update(title="Renamed", status=ActionStatus.AGREED, at_risk=False)
    Action.objects.create(
        plan=world.plan,
        number=9,
        title="Added later",
        status=ActionStatus.AGREED,
        created_by=demo.police_lead,
    )

    after = reports.board_pack(world.meeting)
    assert dataclasses.asdict(after) == dataclasses.asdict(before)


def test_closed_cycle_pack_page_and_spreadsheet_are_the_same_after_the_actions_change(client_as, demo, world):
    w.close(demo, world)
    client = client_as(demo.cig_chair)
    page_before, book_before = _page(client, world), _download(client, world, "xlsx").content
    review_services.post_update(
        actor=demo.ops_supervisor, action=world.a2, narrative="Started", claimed="on_track"
    )
    Action.objects.filter(pk=world.a1.pk).update(
        title="Renamed", due_date=timezone.localdate() - timedelta(days=1)
    )

    page_after, book_after = _page(client, world), _download(client, world, "xlsx").content
    assert _without_nonces(page_after) == _without_nonces(page_before)
    before, after = w.workbook(book_before), w.workbook(book_after)
    assert before.sheetnames == after.sheetnames
    for title in before.sheetnames:
        assert w.sheet_values(after, title) == w.sheet_values(before, title), title


def _without_nonces(html: str) -> str:
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_pack_pdf_reads_as_the_pack(client_as, demo, world):
    response = _download(client_as(demo.cig_chair), world, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = w.pdf_text(response.content)
    assert "Board pack: Critical Incident Group" in text
    assert "Merseyside Police 1 1 1 1 4" in text
    assert "Audit closure of incidents involving children" in text
    assert "Decisions needed" in text and "Publish the practice guidance" in text


def test_pack_xlsx_holds_the_same_figures(client_as, demo, world):
    response = _download(client_as(demo.cig_chair), world, "xlsx")
    assert response.status_code == 200
    book = w.workbook(response.content)
    assert book.sheetnames == [
        "Summary",
        "By review",
        "By agency",
        "Exceptions",
        "Decisions needed",
        "Decisions taken",
        "Actions",
    ]
    assert w.sheet_values(book, "By agency")[1:] == [
        ["Lancashire Children's Social Care", 0, 0, 2, 0, 2],
        ["Merseyside Police", 1, 1, 1, 1, 4],
        ["All actions", 1, 1, 3, 1, 6],
    ]
    exceptions = w.sheet_values(book, "Exceptions")
    assert [row[1] for row in exceptions[1:]] == [world.a2.reference]
    assert exceptions[1][6].date() == world.a2.due_date  # a real date cell, not text
    actions = w.sheet_values(book, "Actions")
    assert len(actions) == 1 + 6


def test_downloads_are_attachments_with_a_safe_name_that_no_one_caches(client_as, demo, world):
    response = _download(client_as(demo.cig_chair), world, "xlsx")
    assert response["Content-Disposition"] == (
        f'attachment; filename="board-pack-critical-incident-group-{world.meeting.held_on:%Y-%m-%d}.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_format_is_not_found(client_as, demo, world):
    assert _download(client_as(demo.cig_chair), world, "docx").status_code == 404


def test_viewing_the_pack_is_logged(client_as, demo, world):
    _page(client_as(demo.cig_chair), world)
    assert AccessEvent.objects.filter(
        user=demo.cig_chair,
        via=AccessVia.PAGE,
        route="monitoring:board_pack",
        target_id=str(world.meeting.pk),
    ).exists()


def test_downloading_the_pack_is_audited_as_an_export(client_as, demo, world):
    _download(client_as(demo.cig_chair), world, "xlsx")
    assert AuditEvent.objects.filter(actor=demo.cig_chair, action="monitoring.report_exported").exists()
    assert AccessEvent.objects.filter(user=demo.cig_chair, via=AccessVia.EXPORT).exists()


@pytest.mark.parametrize("route", ["monitoring:board_pack", "monitoring:board_pack_download"])
def test_another_boards_manager_gets_not_found(client_as, demo, world, route):
    kwargs = {"pk": world.meeting.pk}
    if route.endswith("download"):
        kwargs["fmt"] = "pdf"
    response = client_as(demo.lancashire_manager).get(reverse(route, kwargs=kwargs))
    assert response.status_code == 404
    assert b"LSCB-SCR-TEST-01" not in response.content
    assert not AccessEvent.objects.filter(user=demo.lancashire_manager).exists()


def test_pack_of_the_next_cycle_flags_actions_with_no_update_since_the_last_one(demo, cig_schedule):
    world = w.build(demo, cig_schedule, meeting=False)
    w.close(demo, world)
    tomorrow = timezone.localdate() + timedelta(days=1)
    cycle, _ = services.open_cycle(schedule=world.schedule, opens_on=tomorrow)
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=cycle, held_on=tomorrow)

    stale = {e.row.action_id for e in reports.board_pack(meeting).exceptions if reports.STALE in e.reasons}
    assert stale == {world.a2.pk, world.a3.pk, world.c1.pk}  # A1 was updated in the first cycle


def test_markup_in_an_action_title_is_printed_as_text(client_as, demo, world):
    Action.objects.filter(pk=world.a2.pk).update(title='<img src="http://example.invalid/x.png"> Audit')
    client = client_as(demo.cig_chair)
    html = _page(client, world)
    assert "&lt;img src=&#34;http://example.invalid/x.png&#34;&gt; Audit" in html
    text = w.pdf_text(_download(client, world, "pdf").content)
    assert '<img src="http://example.invalid/x.png"> Audit' in text
