"""Exporting action lists: the tracker's columns, the list's filters, scoping, audit and access log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from safeguard.core.models import AccessEvent, AuditEvent
from safeguard.reviews import services
from safeguard.reviews.models import EvidenceKind
from safeguard.reviews.spreadsheets.export import COLUMNS
from tests.factories import MembershipFactory
from tests.reviews.conftest import agreed_action
from tests.reviews.spreadsheet_helpers import review_urls

__all__ = ["review_urls"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def two_actions(demo, child_n):
    first = agreed_action(demo, child_n)
    services.post_update(
        actor=demo.ops_supervisor, action=first, narrative="Half the staff trained", claimed="at_risk"
    )
    services.submit_evidence(
        actor=demo.police_lead, action=first, kind=EvidenceKind.NARRATIVE, description="Register"
    )
    second = services.add_action(
        actor=demo.police_lead,
        plan=child_n.plan,
        title='=HYPERLINK("http://example.test")',
        lead_officer_name="Head of Control Room",
        due_date=timezone.localdate() + timedelta(days=200),
    )
    return first, second


def _csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def _xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_export_has_the_trackers_columns_and_rows(
    demo, child_n, two_actions, client_as, review_urls
) -> None:
    first, _ = two_actions
    response = client_as(demo.lancashire_manager).get(
        reverse("reviews:actions_export", kwargs={"fmt": "csv"})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 3
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["Review"] == "LSCB-SCR-TEST-01"
    assert row["Finding"] == "1. Professional challenge"
    assert row["Agency"] == "Merseyside Police"
    assert row["Action"] == first.title
    assert row["Lead officer"] == "Taylor Brennan"
    assert row["Due date"] == f"{first.due_date:%d/%m/%Y}"
    assert row["Success criteria"] == "All control staff trained (target: 100%)"
    assert row["Latest update"] == "Half the staff trained"
    assert row["Evidence"] == "Waiting for a decision: Register"
    assert row["RAG"] == "Amber"
    assert row["Status"] == "In progress"
    second_row = dict(
        zip(COLUMNS, rows[2], strict=True)
    )  # the second action: no account, a formula-like title
    assert second_row["Lead officer"] == "Head of Control Room"
    assert second_row["Action"].startswith("'=")  # never a formula in the board's spreadsheet


def test_xlsx_export_opens_with_dates_as_dates(demo, child_n, two_actions, client_as, review_urls) -> None:
    first, _ = two_actions
    response = client_as(demo.lancashire_manager).get(
        reverse("reviews:actions_export", kwargs={"fmt": "xlsx"})
    )
    assert response.status_code == 200
    rows = _xlsx(response)
    assert rows[0] == COLUMNS
    assert len(rows) == 3
    assert rows[1][COLUMNS.index("Due date")].date() == first.due_date
    assert rows[1][COLUMNS.index("RAG")] == "Amber"


def test_the_export_honours_the_lists_filters(demo, child_n, two_actions, client_as, review_urls) -> None:
    first, second = two_actions
    client = client_as(demo.lancashire_manager)
    url = reverse("reviews:actions_export", kwargs={"fmt": "csv"})
    assert [r[4] for r in _csv(client.get(url, {"status": "in_progress"}))[1:]] == [first.title]
    assert [r[4] for r in _csv(client.get(url, {"status": "draft"}))[1:]] == ["'" + second.title]
    assert len(_csv(client.get(url, {"rag": "amber"}))) == 2
    due_before = (first.due_date + timedelta(days=1)).strftime("%d/%m/%Y")
    assert [r[4] for r in _csv(client.get(url, {"due_before": due_before}))[1:]] == [first.title]
    assert len(_csv(client.get(url, {"agency": child_n.csc.pk}))) == 1  # header only
    assert (
        len(_csv(client.get(url, {"status": "not-a-status"}))) == 3
    )  # a bad filter is dropped, as on the list


def test_the_export_is_scoped_to_what_the_user_may_see(
    demo, child_n, two_actions, client_as, review_urls
) -> None:
    url = reverse("reviews:actions_export", kwargs={"fmt": "csv"})
    # A lead of another agency on the Lancashire board sees a published review's actions only once published;
    # this review is unpublished, so only the police plan's own people and the boards see it.
    assert len(_csv(client_as(demo.police_lead).get(url))) == 3
    nobody = MembershipFactory().user  # an agency outside both boards, no board role
    assert _csv(client_as(nobody).get(url)) == [list(COLUMNS)]
    assert len(_xlsx(client_as(nobody).get(url.replace("csv", "xlsx")))) == 1


def test_the_export_is_recorded_in_the_audit_trail_and_the_access_log(
    demo, child_n, two_actions, client_as, review_urls
) -> None:
    client_as(demo.lancashire_manager).get(
        reverse("reviews:actions_export", kwargs={"fmt": "xlsx"}), {"status": "in_progress"}
    )
    event = AuditEvent.objects.get(action="actions.exported")
    assert event.actor == demo.lancashire_manager
    assert event.changes == {"format": "xlsx", "filters": {"status": "in_progress"}, "sort": "due", "rows": 1}
    access = AccessEvent.objects.filter(user=demo.lancashire_manager, via="export")
    assert {a.target_type.model for a in access} == {"auditevent", "review"}


def test_an_unknown_format_is_not_found(demo, client_as, review_urls) -> None:
    assert client_as(demo.lancashire_manager).get("/actions/export.pdf").status_code == 404


def test_exporting_many_actions_streams(demo, child_n, client_as, review_urls) -> None:
    """2,000 actions (a chunk's worth) in both formats; the time is printed for the report."""
    import time

    from safeguard.reviews.importing import NewAction, NewCriterion, bulk_add_actions

    bulk_add_actions(
        actor=demo.lancashire_manager,
        plan=child_n.plan,
        new_actions=[
            NewAction(
                title=f"Action {i}",
                lead_officer_name="Head of Control Room",
                due_date=timezone.localdate() + timedelta(days=i % 300),
                criteria=[NewCriterion(statement="Done", measure="Audit", target="100%")],
            )
            for i in range(2000)
        ],
    )
    client = client_as(demo.lancashire_manager)
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        response = client.get(reverse("reviews:actions_export", kwargs={"fmt": fmt}))
        rows = _csv(response) if fmt == "csv" else _xlsx(response)
        print(f"\nexport of 2,000 actions as {fmt}: {time.perf_counter() - started:.2f} s")
        assert len(rows) == 2001


def test_the_export_reads_a_fixed_number_of_queries_however_many_actions(demo, child_n, client_as) -> None:
    """Criteria and evidence are read once per chunk of actions, not once per action."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(demo.lancashire_manager)
    url = reverse("reviews:actions_export", kwargs={"fmt": "csv"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(url).streaming_content)
        return len(captured)

    agreed_action(demo, child_n)
    few = queries()
    for _ in range(5):
        action = agreed_action(demo, child_n)
        services.submit_evidence(
            actor=demo.police_lead, action=action, kind=EvidenceKind.NARRATIVE, description="Register"
        )
    assert queries() == few
