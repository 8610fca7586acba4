"""The monitoring API: snapshots and their rows, cross-board deliveries, and links to report downloads."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse

from safeguard.core.models import AccessEvent, Notification
from safeguard.monitoring import services
from safeguard.monitoring.api.common import meeting_downloads, snapshot_downloads
from safeguard.monitoring.models import ReportDelivery
from tests.monitoring.test_api_world import (
    Api,
    audit_count,
    closed_snapshot,
    open_month,
    today,
)
from tests.reviews.api_helpers import embargoed_review


@pytest.fixture
def month(cig_schedule):
    return open_month(cig_schedule)


# --- Snapshots ----------------------------------------------------------------------------------


def test_a_snapshot_is_read_with_its_rows_and_the_reads_are_logged(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    api = Api(demo.auditor)
    assert api.ids("/snapshots/") == [snapshot.pk]
    body = api.get(f"/snapshots/{snapshot.pk}/").json()
    assert (body["cycle"], body["action_count"], body["board"]) == (month.cycle.pk, 1, month.liverpool.pk)
    rows = api.get(f"/snapshots/{snapshot.pk}/rows/").json()
    assert rows["count"] == 1
    row = rows["results"][0]
    assert (row["action"], row["review"], row["status"], row["rag"]) == (
        month.action.pk,
        month.review.pk,
        "agreed",
        "green",
    )
    assert row["impact_verdict"] == ""
    routes = set(AccessEvent.objects.filter(user=demo.auditor).values_list("route", flat=True))
    assert routes == {"GET /api/v1/snapshots/<int:id>/", "GET /api/v1/snapshots/<int:id>/rows/"}


def test_snapshots_and_rows_filter(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    api = Api(demo.liverpool_manager)
    assert api.ids("/snapshots/", {"cycle": month.cycle.pk, "board": month.liverpool.pk}) == [snapshot.pk]
    assert api.ids("/snapshots/", {"schedule": 999_999}) == []
    assert api.ids(f"/snapshots/{snapshot.pk}/rows/", {"rag": "green", "review": month.review.pk}) != []
    assert api.ids(f"/snapshots/{snapshot.pk}/rows/", {"rag": "red"}) == []
    bad = api.get(f"/snapshots/{snapshot.pk}/rows/", {"rag": "purple"})
    assert bad.status_code == 400
    assert "is not a valid choice" in bad.json()["errors"]["rag"][0]


def test_another_boards_manager_cannot_find_a_snapshot(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    api = Api(demo.lancashire_manager)
    assert api.ids("/snapshots/") == []
    for url in (f"/snapshots/{snapshot.pk}/", f"/snapshots/{snapshot.pk}/rows/"):
        hidden = api.get(url)
        assert hidden.status_code == 404
        assert hidden.json() == api.get(url.replace(str(snapshot.pk), "999999")).json()


# --- Cross-board deliveries ---------------------------------------------------------------------


def _delivery(month, snapshot, **changes):
    return {
        "review": month.review.pk,
        "snapshot": snapshot.pk,
        "to_board": month.lancashire.pk,
        "note": "Quarterly summary",
        **changes,
    }


def test_the_business_manager_sends_the_summary_to_the_other_board(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    response = Api(demo.liverpool_manager).post("/report-deliveries/", _delivery(month, snapshot))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["from_board"], body["to_board"]) == (
        "cross_board_summary",
        month.liverpool.pk,
        month.lancashire.pk,
    )
    assert body["recipients"] == [demo.lancashire_manager.pk]
    assert Notification.objects.filter(user=demo.lancashire_manager).exists()
    # The other board's manager finds it; the read is logged.
    lancashire = Api(demo.lancashire_manager)
    assert lancashire.ids("/report-deliveries/") == [body["id"]]
    assert lancashire.get(f"/report-deliveries/{body['id']}/").json()["snapshot"] == snapshot.pk
    assert AccessEvent.objects.filter(
        user=demo.lancashire_manager, route="GET /api/v1/report-deliveries/<int:id>/"
    ).exists()


def test_deliveries_filter_by_review_and_snapshot(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    delivery = services.send_cross_board_summary(
        actor=demo.liverpool_manager, review=month.review, snapshot=snapshot, to_board=month.lancashire
    )
    api = Api(demo.liverpool_manager)
    assert api.ids("/report-deliveries/", {"review": month.review.pk, "snapshot": snapshot.pk}) == [
        delivery.pk
    ]
    assert api.ids("/report-deliveries/", {"snapshot": 999_999}) == []


def test_a_summary_to_the_sending_board_is_refused_and_nothing_is_written(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    api = Api(demo.liverpool_manager)
    before = audit_count()
    response = api.post("/report-deliveries/", _delivery(month, snapshot, to_board=month.liverpool.pk))
    assert response.status_code == 400
    assert response.json()["errors"] == {"to_board": ["Choose the other board."]}
    assert not ReportDelivery.objects.exists()
    assert audit_count() == before


def test_a_review_the_caller_cannot_see_looks_like_a_missing_one(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    hidden = embargoed_review(demo, month.lancashire)  # Lancashire's alone, under embargo
    api = Api(demo.liverpool_manager)
    response = api.post("/report-deliveries/", _delivery(month, snapshot, review=hidden.pk, extra=1))
    assert response.json()["errors"] == {
        "review": [f'Invalid pk "{hidden.pk}" - object does not exist.'],
        "extra": ["Unexpected field."],
    }
    assert not ReportDelivery.objects.exists()


def test_a_board_member_who_does_not_run_monitoring_may_not_send_a_summary(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    response = Api(demo.auditor).post("/report-deliveries/", _delivery(month, snapshot))
    assert response.status_code == 403
    assert not ReportDelivery.objects.exists()


def test_someone_serving_neither_board_finds_no_delivery(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    delivery = services.send_cross_board_summary(
        actor=demo.liverpool_manager, review=month.review, snapshot=snapshot, to_board=month.lancashire
    )
    api = Api(demo.nursery_dsl)
    assert api.ids("/report-deliveries/") == []
    assert api.get(f"/report-deliveries/{delivery.pk}/").status_code == 404
    # ...nor can they name its snapshot to send one themselves.
    response = api.post("/report-deliveries/", _delivery(month, snapshot))
    assert "does not exist" in response.json()["errors"]["snapshot"][0]


# --- Report downloads ---------------------------------------------------------------------------
# The API links to each download whose URL name exists. This module doubles as a URL configuration with
# only some of the report routes, to show links appear as routes do and nothing is named that is not there.


def _stand_in(request, **kwargs):  # pragma: no cover - only reversed, never requested
    return HttpResponse()


_some_reports = (
    [
        path("meetings/<int:pk>/board-pack/", _stand_in, name="board_pack"),
        path(
            "snapshots/<int:pk>/summary/<int:review_pk>.<str:fmt>",
            _stand_in,
            name="cross_board_summary_download",
        ),
    ],
    "monitoring",
)
urlpatterns = [path("monitoring/", include(_some_reports))]


def test_without_report_routes_there_are_no_links(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    # A URL configuration without the `monitoring` namespace at all.
    with override_settings(ROOT_URLCONF="safeguard.people.api_urls"):
        assert meeting_downloads(meeting) == []


def test_only_the_report_routes_that_exist_give_links(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    snapshot = closed_snapshot(demo, month)
    with override_settings(ROOT_URLCONF=__name__):
        pack = meeting_downloads(meeting)
        reports = snapshot_downloads(snapshot)
    assert pack == [
        {
            "report": "board_pack",
            "format": "html",
            "url": f"/monitoring/meetings/{meeting.pk}/board-pack/",
            "review": None,
        }
    ]
    assert [(link["format"], link["review"]) for link in reports] == [
        ("pdf", month.review.pk),
        ("xlsx", month.review.pk),
    ]
    assert reports[0]["url"] == f"/monitoring/snapshots/{snapshot.pk}/summary/{month.review.pk}.pdf"


def test_a_meeting_links_to_its_board_pack_and_minutes(demo, month) -> None:
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    body = Api(demo.cig_chair).get(f"/meetings/{meeting.pk}/").json()
    assert {(link["report"], link["format"]): link["url"] for link in body["downloads"]} == {
        ("board_pack", "html"): reverse("monitoring:board_pack", kwargs={"pk": meeting.pk}),
        ("board_pack", "pdf"): reverse(
            "monitoring:board_pack_download", kwargs={"pk": meeting.pk, "fmt": "pdf"}
        ),
        ("board_pack", "xlsx"): reverse(
            "monitoring:board_pack_download", kwargs={"pk": meeting.pk, "fmt": "xlsx"}
        ),
        ("minutes", "pdf"): reverse("monitoring:minutes_download", kwargs={"pk": meeting.pk}),
    }


def test_a_snapshot_links_to_each_reviews_summary_and_the_annual_report(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    links = Api(demo.cig_chair).get(f"/snapshots/{snapshot.pk}/").json()["downloads"]
    summary = {"pk": snapshot.pk, "review_pk": month.review.pk}
    annual = {"board_pk": month.liverpool.pk, "year": snapshot.taken_on.year}
    assert [(link["report"], link["format"], link["review"], link["url"]) for link in links] == [
        (
            "cross_board_summary",
            "html",
            month.review.pk,
            reverse("monitoring:cross_board_summary", kwargs=summary),
        ),
        (
            "cross_board_summary",
            "pdf",
            month.review.pk,
            reverse("monitoring:cross_board_summary_download", kwargs={**summary, "fmt": "pdf"}),
        ),
        (
            "cross_board_summary",
            "xlsx",
            month.review.pk,
            reverse("monitoring:cross_board_summary_download", kwargs={**summary, "fmt": "xlsx"}),
        ),
        ("annual_report", "html", None, reverse("monitoring:annual_report", kwargs=annual)),
        (
            "annual_report",
            "pdf",
            None,
            reverse("monitoring:annual_report_download", kwargs={**annual, "fmt": "pdf"}),
        ),
        (
            "annual_report",
            "xlsx",
            None,
            reverse("monitoring:annual_report_download", kwargs={**annual, "fmt": "xlsx"}),
        ),
    ]


def test_a_delivery_links_to_the_summary_as_it_was_sent(demo, month) -> None:
    snapshot = closed_snapshot(demo, month)
    delivery = services.send_cross_board_summary(
        actor=demo.liverpool_manager, review=month.review, snapshot=snapshot, to_board=month.lancashire
    )
    links = Api(demo.lancashire_manager).get(f"/report-deliveries/{delivery.pk}/").json()["downloads"]
    assert [(link["format"], link["review"]) for link in links] == [
        ("html", month.review.pk),
        ("pdf", month.review.pk),
        ("xlsx", month.review.pk),
    ]
    assert links[0]["url"] == reverse("monitoring:delivery_detail", kwargs={"pk": delivery.pk})
