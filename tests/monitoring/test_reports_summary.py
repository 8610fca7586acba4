"""The cross-board summary: what Liverpool's agencies did on the Child T review (co-owned with Lancashire), from
a closed cycle's snapshot, sent to Lancashire as a recorded delivery with an in-app notification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent, Notification
from safeguard.monitoring import reports, services
from safeguard.monitoring.models import ReportDelivery
from safeguard.reviews import services as review_services
from safeguard.reviews.models import Action, ActionStatus, ActionStatusChange
from tests.monitoring import reports_world as w


@pytest.fixture
def world(demo, cig_schedule):
    world = w.build(demo, cig_schedule, meeting=False)
    w.close(demo, world)
    return world


def _url(world, name: str = "monitoring:cross_board_summary", **extra):
    return reverse(name, kwargs={"pk": world.snapshot.pk, "review_pk": world.review.pk, **extra})


def _send(client, world, **data):
    return client.post(_url(world, "monitoring:send_summary"), data)


def test_summary_holds_only_the_sending_boards_agencies(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world)).content.decode()
    assert w.table_rows(html, "summary-by-agency") == [
        ["Merseyside Police", "1", "1", "1", "1", "4"],
        ["All", "1", "1", "1", "1", "4"],
    ]
    assert "Strengthen supervision of step-down decisions" not in html  # Lancashire CSC's action


def test_first_summary_lists_what_is_delivered_so_far_and_every_update(client_as, demo, world):
    html = client_as(demo.liverpool_manager).get(_url(world)).content.decode()
    completed = w.table_rows(html, "summary-completed")
    assert [row[0].split(":")[0] for row in completed] == [world.a4.reference]
    updates = w.table_rows(html, "summary-updates")
    assert [row[0].split(":")[0] for row in updates] == [world.a1.reference, world.a2.reference]
    assert w.CYCLE_ANSWER in updates[0][4]


def test_next_summary_lists_only_what_was_completed_since_the_previous_snapshot(demo, world):
    Action.objects.filter(pk=world.a3.pk).update(status=ActionStatus.COMPLETED)
    ActionStatusChange.objects.create(
        action=world.a3, from_status="in_progress", to_status="completed", actor=demo.police_lead
    )
    cycle, _ = services.open_cycle(schedule=world.schedule, opens_on=timezone.localdate() + timedelta(days=1))
    second = services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)

    summary = reports.cross_board_summary(second, world.review)
    assert [row.action_id for row in summary.completed] == [world.a3.pk]
    assert summary.previous_taken_on == world.snapshot.taken_on


def test_sending_records_a_delivery_and_tells_the_other_boards_business_manager(client_as, demo, world):
    response = _send(
        client_as(demo.liverpool_manager), world, to_board=world.lancashire.pk, note="Q3 summary"
    )
    delivery = ReportDelivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:delivery_detail", kwargs={"pk": delivery.pk})
    assert (delivery.from_board, delivery.to_board, delivery.snapshot) == (
        world.liverpool,
        world.lancashire,
        world.snapshot,
    )
    assert list(delivery.recipients.all()) == [demo.lancashire_manager]
    note = Notification.objects.get(user=demo.lancashire_manager)
    assert note.url == f"/monitoring/deliveries/{delivery.pk}/"
    assert "Child T" not in note.subject


def test_sending_without_choosing_a_board_explains_and_sends_nothing(client_as, demo, world):
    response = _send(client_as(demo.liverpool_manager), world, note="Q3")
    assert response.status_code == 200
    assert "Choose the board to send the summary to" in response.content.decode()
    assert not ReportDelivery.objects.exists()
    assert not Notification.objects.filter(user=demo.lancashire_manager).exists()


def test_sending_to_a_board_outside_the_review_explains_and_sends_nothing(client_as, demo, world):
    response = _send(client_as(demo.liverpool_manager), world, to_board=world.liverpool.pk)
    assert response.status_code == 200
    assert "Choose one of the boards that share this review" in response.content.decode()
    assert not ReportDelivery.objects.exists()


def test_a_member_who_does_not_manage_the_board_cannot_send(client_as, demo, world):
    response = _send(client_as(demo.police_lead), world, to_board=world.lancashire.pk)
    assert response.status_code == 403
    assert not ReportDelivery.objects.exists()
    assert not Notification.objects.filter(user=demo.lancashire_manager).exists()


def test_the_receiving_board_cannot_open_the_sending_boards_snapshot(client_as, demo, world):
    response = client_as(demo.lancashire_manager).get(_url(world))
    assert response.status_code == 404


def test_a_review_not_shared_with_another_board_has_no_summary(client_as, demo, world):
    world.review.partner_boards.clear()
    response = client_as(demo.liverpool_manager).get(_url(world))
    assert response.status_code == 404


@pytest.fixture
def delivery(demo, world):
    return services.send_cross_board_summary(
        actor=demo.liverpool_manager, review=world.review, snapshot=world.snapshot, to_board=world.lancashire
    )


@pytest.mark.parametrize("who", ["lancashire_manager", "liverpool_manager", "scr_chair", "cig_chair"])
def test_the_delivery_is_visible_to_its_recipients_and_both_boards(client_as, demo, delivery, who):
    response = client_as(getattr(demo, who)).get(
        reverse("monitoring:delivery_detail", kwargs={"pk": delivery.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Morgan Ashworth" in html  # the recipient
    assert "Jordan Kearney" in html  # who sent it
    assert "Cycle 1" in html  # from which snapshot


@pytest.mark.parametrize("who", ["mash_officer", "csc_lead"])
def test_the_delivery_is_not_found_for_anyone_else(client_as, demo, delivery, who):
    response = client_as(getattr(demo, who)).get(
        reverse("monitoring:delivery_detail", kwargs={"pk": delivery.pk})
    )
    assert response.status_code == 404
    assert b"LSCB-SCR-TEST-01" not in response.content


def test_viewing_a_delivery_is_logged(client_as, demo, delivery):
    client_as(demo.lancashire_manager).get(reverse("monitoring:delivery_detail", kwargs={"pk": delivery.pk}))
    assert AccessEvent.objects.filter(
        user=demo.lancashire_manager, route="monitoring:delivery_detail", target_id=str(delivery.pk)
    ).exists()


def test_delivered_files_are_rebuilt_from_the_snapshot_after_the_actions_change(
    client_as, demo, world, delivery
):
    client = client_as(demo.lancashire_manager)
    url = reverse("monitoring:delivery_download", kwargs={"pk": delivery.pk, "fmt": "xlsx"})
    before = w.workbook(client.get(url).content)
    review_services.post_update(
        actor=demo.ops_supervisor, action=world.a2, narrative="Now started", claimed="on_track"
    )
    Action.objects.filter(pk=world.a1.pk).update(title="Renamed since", status=ActionStatus.IN_PROGRESS)

    after = w.workbook(client.get(url).content)
    for title in before.sheetnames:
        assert w.sheet_values(after, title) == w.sheet_values(before, title), title
    assert w.sheet_values(after, "Actions")[1][1] == "Train control-room staff on incident closure"


def test_delivered_pdf_names_the_sender_the_snapshot_and_the_actions(client_as, demo, delivery):
    response = client_as(demo.lancashire_manager).get(
        reverse("monitoring:delivery_download", kwargs={"pk": delivery.pk, "fmt": "pdf"})
    )
    assert response.status_code == 200
    text = w.pdf_text(response.content)
    assert "Cross-board summary: LSCB-SCR-TEST-01" in text
    assert "Jordan Kearney" in text
    assert "Cycle 1" in text
    assert "Merseyside Police 1 1 1 1 4" in text
    assert "Strengthen supervision" not in text


def test_summary_xlsx_lists_the_sending_boards_actions(client_as, demo, world):
    response = client_as(demo.liverpool_manager).get(
        _url(world, "monitoring:cross_board_summary_download", fmt="xlsx")
    )
    book = w.workbook(response.content)
    assert [row[0] for row in w.sheet_values(book, "Actions")[1:]] == [
        world.a1.reference,
        world.a2.reference,
        world.a3.reference,
        world.a4.reference,
    ]
    assert w.sheet_values(book, "Completed")[1][0] == world.a4.reference
