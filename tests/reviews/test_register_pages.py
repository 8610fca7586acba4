"""The review register and a review's own pages, as the demo partnership's personas use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.reviews import services
from safeguard.reviews.models import (
    Finding,
    PlanKind,
    Recommendation,
    Review,
    ReviewStatus,
    ReviewType,
    Theme,
)

ERROR_SUMMARY = "govuk-error-summary"


def _date(prefix: str, value) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


def _review_url(name: str, review: Review) -> str:
    return reverse(f"reviews:{name}", args=[review.pk])


def _views_logged(user, target) -> int:
    return AccessEvent.objects.filter(user=user, target_id=str(target.pk), via="page").count()


# --- The register -------------------------------------------------------------------------------


def test_the_register_lists_the_boards_reviews_with_rag_counts(demo, child_n, client_as) -> None:
    response = client_as(demo.lancashire_manager).get(reverse("reviews:register"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "LSCB-SCR-TEST-01" in body
    assert "Red (overdue)" in body
    assert "Register a review" in body


def test_the_register_filters_by_board_type_status_and_theme(demo, child_n, client_as) -> None:
    other = services.register_review(
        actor=demo.lancashire_manager,
        reference="LSCB-LR-OTHER",
        review_type=ReviewType.LEARNING_REVIEW,
        subject_pseudonym="Child Q",
        lead_board=child_n.lancashire,
        notified_on=timezone.localdate() - timedelta(days=10),
    )
    theme = Theme.objects.get(slug="recording")
    child_n.finding.themes.add(theme)
    client = client_as(demo.lancashire_manager)
    url = reverse("reviews:register")

    def shown(**query) -> set[str]:
        body = client.get(url, query).content.decode()
        return {ref for ref in ("LSCB-SCR-TEST-01", other.reference) if ref in body}

    assert shown() == {"LSCB-SCR-TEST-01", "LSCB-LR-OTHER"}
    assert shown(review_type=ReviewType.LEARNING_REVIEW) == {"LSCB-LR-OTHER"}
    assert shown(theme="recording") == {"LSCB-SCR-TEST-01"}
    assert shown(board=child_n.liverpool.pk) == {"LSCB-SCR-TEST-01"}
    assert shown(status=ReviewStatus.CLOSED) == set()
    # A nonsense filter in the address is ignored, never a server error.
    assert client.get(url, {"board": "x", "status": "nope"}).status_code == 200


def test_the_register_hides_unpublished_reviews_from_other_agencies(demo, child_n, client_as) -> None:
    body = client_as(demo.social_worker).get(reverse("reviews:register")).content.decode()
    assert "LSCB-SCR-TEST-01" not in body
    assert "Register a review" not in body


def test_anonymous_visitors_are_sent_to_sign_in(child_n) -> None:
    for url in (reverse("reviews:register"), _review_url("review_detail", child_n.review)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:sign_in"))


def test_the_register_costs_the_same_with_1_and_20_reviews(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    url = reverse("reviews:register")
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(19):
        services.register_review(
            actor=demo.lancashire_manager,
            reference=f"LSCB-Q-{n}",
            review_type=ReviewType.LEARNING_REVIEW,
            subject_pseudonym=f"Child {n}",
            lead_board=child_n.lancashire,
            notified_on=timezone.localdate() - timedelta(days=n),
        )
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(url).status_code == 200
    assert len(one) == len(twenty), "\n".join(q["sql"] for q in twenty.captured_queries)


def test_the_register_is_paginated_at_50(demo, child_n, client_as) -> None:
    for n in range(50):
        services.register_review(
            actor=demo.lancashire_manager,
            reference=f"LSCB-P-{n:02d}",
            review_type=ReviewType.LEARNING_REVIEW,
            subject_pseudonym="Child P",
            lead_board=child_n.lancashire,
            notified_on=timezone.localdate() - timedelta(days=1),
        )
    client = client_as(demo.lancashire_manager)
    first = client.get(reverse("reviews:register")).content.decode()
    assert "Reviews 1 to 50 of 51" in first
    second = client.get(reverse("reviews:register"), {"page": 2}).content.decode()
    assert "Reviews 51 to 51 of 51" in second


# --- Registering a review -----------------------------------------------------------------------


def _new_review_data(child_n, **overrides) -> dict[str, str]:
    data = {
        "reference": "LSCB-SCR-NEW-01",
        "review_type": ReviewType.SERIOUS_CASE_REVIEW,
        "subject_pseudonym": "Child M",
        "lead_board": str(child_n.lancashire.pk),
        "partner_boards": [str(child_n.liverpool.pk)],
        "involved_agencies": [str(child_n.police.pk)],
        **_date("notified_on", timezone.localdate() - timedelta(days=3)),
    }
    data.update(overrides)
    return data


def test_a_board_manager_registers_a_review(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    assert client.get(reverse("reviews:review_create")).status_code == 200
    response = client.post(reverse("reviews:review_create"), _new_review_data(child_n))
    review = Review.objects.get(reference="LSCB-SCR-NEW-01")
    assert response.status_code == 302
    assert response["Location"] == _review_url("review_detail", review)
    assert set(review.partner_boards.all()) == {child_n.liverpool}
    assert review.notified_on == timezone.localdate() - timedelta(days=3)


def test_a_duplicate_reference_is_refused_with_the_services_message(demo, child_n, client_as) -> None:
    before = Review.objects.count()
    response = client_as(demo.lancashire_manager).post(
        reverse("reviews:review_create"), _new_review_data(child_n, reference="lscb-scr-test-01")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "A review with this reference is already on the register." in body
    assert Review.objects.count() == before


def test_an_impossible_date_is_refused(demo, child_n, client_as) -> None:
    data = _new_review_data(
        child_n, **{"notified_on-day": "31", "notified_on-month": "2", "notified_on-year": "2024"}
    )
    response = client_as(demo.lancashire_manager).post(reverse("reviews:review_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The date the board was notified must be a real date" in body
    assert not Review.objects.filter(reference="LSCB-SCR-NEW-01").exists()


def test_someone_without_a_board_role_cannot_register_a_review(demo, child_n, client_as) -> None:
    client = client_as(demo.csc_lead)
    assert client.get(reverse("reviews:review_create")).status_code == 403
    assert client.post(reverse("reviews:review_create"), _new_review_data(child_n)).status_code == 403
    assert not Review.objects.filter(reference="LSCB-SCR-NEW-01").exists()


# --- A review's page ----------------------------------------------------------------------------


def test_the_review_page_shows_the_tree_and_logs_the_view(demo, child_n, client_as) -> None:
    from tests.reviews.conftest import agreed_action

    services.add_recommendation(
        actor=demo.lancashire_manager, review=child_n.review, board=child_n.lancashire, text="Audit challenge"
    )
    action = agreed_action(demo, child_n)
    response = client_as(demo.lancashire_manager).get(_review_url("review_detail", child_n.review))
    body = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Finding 1: Professional challenge",
        "Audit challenge",
        "No response recorded yet.",
        "Merseyside Police action plan",
        action.title,
        "Green: on track",
        "Not published.",
        "Notified to the board",
    ):
        assert expected in body, expected
    assert _views_logged(demo.lancashire_manager, child_n.review) == 1


@pytest.mark.parametrize("persona", ["social_worker", "nursery_dsl", "mash_officer"])
def test_an_unpublished_review_is_not_found_outside_its_boards_and_agencies(
    demo, child_n, client_as, persona
) -> None:
    client = client_as(getattr(demo, persona))
    for name in (
        "review_detail",
        "review_edit",
        "review_move",
        "finding_create",
        "recommendation_create",
        "plan_create",
    ):
        refused = client.get(_review_url(name, child_n.review))
        missing = client.get(reverse(f"reviews:{name}", args=[2_000_000_000]))
        assert refused.status_code == missing.status_code == 404, name
    assert _views_logged(getattr(demo, persona), child_n.review) == 0


def test_a_published_review_is_open_to_the_partnership(demo, child_n, client_as) -> None:
    review = child_n.review
    today = timezone.localdate()
    for status in (
        ReviewStatus.COMMISSIONED,
        ReviewStatus.IN_PROGRESS,
        ReviewStatus.REPORT_RECEIVED,
        ReviewStatus.ACCEPTED,
        ReviewStatus.PUBLISHED,
    ):
        services.move_review(
            actor=demo.lancashire_manager, review=review, to_status=status, on=today, reason="late"
        )
    response = client_as(demo.social_worker).get(_review_url("review_detail", review))
    assert response.status_code == 200
    assert "Not published." not in response.content.decode()


def test_an_involved_agency_lead_reads_the_review_but_cannot_change_it(demo, child_n, client_as) -> None:
    client = client_as(demo.police_lead)
    assert client.get(_review_url("review_detail", child_n.review)).status_code == 200
    assert client.get(_review_url("finding_create", child_n.review)).status_code == 403
    response = client.post(_review_url("finding_create", child_n.review), {"title": "T", "text": "Text"})
    assert response.status_code == 403
    assert Finding.objects.filter(review=child_n.review).count() == 1


# --- Findings, recommendations and responses ----------------------------------------------------


def test_a_finding_is_recorded_with_its_themes(demo, child_n, client_as) -> None:
    theme = Theme.objects.get(slug="supervision")
    response = client_as(demo.scr_chair).post(
        _review_url("finding_create", child_n.review),
        {"title": "Supervision", "text": "Supervision was not reflective.", "themes": [str(theme.pk)]},
    )
    assert response.status_code == 302
    finding = Finding.objects.get(review=child_n.review, number=2)
    assert list(finding.themes.all()) == [theme]


def test_a_finding_without_text_is_refused(demo, child_n, client_as) -> None:
    response = client_as(demo.lancashire_manager).post(
        _review_url("finding_create", child_n.review), {"title": "Something", "text": "  "}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "Enter the finding." in body
    assert Finding.objects.filter(review=child_n.review).count() == 1


def test_a_recommendation_is_recorded_and_answered_by_its_board(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    response = client.post(
        _review_url("recommendation_create", child_n.review),
        {
            "board": str(child_n.lancashire.pk),
            "kind": "issue",
            "text": "Promote challenge",
            "findings": [str(child_n.finding.pk)],
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(review=child_n.review)
    url = reverse("reviews:recommendation_response", args=[recommendation.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"response": "The board accepts this."}).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.board_response == "The board accepts this."
    assert (
        "The board accepts this." in client.get(_review_url("review_detail", child_n.review)).content.decode()
    )


def test_a_recommendation_without_text_is_refused(demo, child_n, client_as) -> None:
    response = client_as(demo.lancashire_manager).post(
        _review_url("recommendation_create", child_n.review),
        {"board": str(child_n.lancashire.pk), "kind": "issue"},
    )
    assert response.status_code == 200
    assert "Enter the recommendation or issue for the board." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_only_the_recommendations_board_records_its_response(demo, child_n, client_as) -> None:
    recommendation = services.add_recommendation(
        actor=demo.lancashire_manager, review=child_n.review, board=child_n.lancashire, text="Challenge"
    )
    url = reverse("reviews:recommendation_response", args=[recommendation.pk])
    client = client_as(demo.liverpool_manager)
    assert client.get(url).status_code == 403
    assert client.post(url, {"response": "Not ours to say"}).status_code == 403
    empty = client_as(demo.lancashire_manager).post(url, {"response": ""})
    assert empty.status_code == 200
    assert "Enter the board&#39;s response." in empty.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.board_response == ""
    assert client_as(demo.nursery_dsl).get(url).status_code == 404


# --- Moving and editing -------------------------------------------------------------------------


def test_the_review_moves_through_its_lifecycle_with_its_dates(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    url = _review_url("review_move", child_n.review)
    assert client.get(url).status_code == 200
    on = timezone.localdate() - timedelta(days=100)
    response = client.post(url, {"to_status": ReviewStatus.COMMISSIONED, **_date("on", on)})
    assert response.status_code == 302
    child_n.review.refresh_from_db()
    assert child_n.review.status == ReviewStatus.COMMISSIONED
    assert child_n.review.commissioned_on == on


def test_closing_a_review_needs_a_reason(demo, child_n, client_as) -> None:
    response = client_as(demo.lancashire_manager).post(
        _review_url("review_move", child_n.review),
        {"to_status": ReviewStatus.CLOSED, **_date("on", timezone.localdate())},
    )
    assert response.status_code == 200
    assert "Say why the review is being closed." in response.content.decode()
    child_n.review.refresh_from_db()
    assert child_n.review.status == ReviewStatus.NOTIFIED


def test_a_move_the_table_does_not_allow_is_refused(demo, child_n, client_as) -> None:
    response = client_as(demo.lancashire_manager).post(
        _review_url("review_move", child_n.review),
        {"to_status": ReviewStatus.PUBLISHED, **_date("on", timezone.localdate())},
    )
    assert response.status_code == 200
    assert ERROR_SUMMARY in response.content.decode()
    child_n.review.refresh_from_db()
    assert child_n.review.status == ReviewStatus.NOTIFIED


def test_an_agency_lead_cannot_move_the_review(demo, child_n, client_as) -> None:
    response = client_as(demo.police_lead).post(
        _review_url("review_move", child_n.review),
        {"to_status": ReviewStatus.CLOSED, "reason": "x", **_date("on", timezone.localdate())},
    )
    assert response.status_code == 403
    child_n.review.refresh_from_db()
    assert child_n.review.status == ReviewStatus.NOTIFIED


def test_family_contribution_notes_are_saved_and_shown(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    url = _review_url("review_edit", child_n.review)
    assert client.get(url).status_code == 200
    data = {
        "subject_pseudonym": "Child T",
        "family_contribution": "Mother met the reviewer twice.",
        "version": str(child_n.review.version),
    }
    assert client.post(url, data).status_code == 302
    page = client.get(_review_url("review_detail", child_n.review)).content.decode()
    assert "Mother met the reviewer twice." in page


def test_a_stale_edit_is_refused_and_shows_what_changed(demo, child_n, client_as) -> None:
    stale_version = child_n.review.version
    services.update_review(
        actor=demo.scr_chair,
        review=child_n.review,
        expected_version=stale_version,
        lead_reviewer="A. Reviewer",
    )
    response = client_as(demo.lancashire_manager).post(
        _review_url("review_edit", child_n.review),
        {
            "subject_pseudonym": "Child T",
            "lead_reviewer": "",
            "summary": "Mine",
            "version": str(stale_version),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in body
    child_n.review.refresh_from_db()
    assert child_n.review.summary == ""
    assert child_n.review.lead_reviewer == "A. Reviewer"


def test_an_agency_lead_cannot_edit_the_review(demo, child_n, client_as) -> None:
    response = client_as(demo.police_lead).post(
        _review_url("review_edit", child_n.review),
        {"subject_pseudonym": "Renamed", "version": str(child_n.review.version)},
    )
    assert response.status_code == 403
    child_n.review.refresh_from_db()
    assert child_n.review.subject_pseudonym == "Child T"


# --- Query counts -------------------------------------------------------------------------------


def _add_board_plans(demo, child_n, n: int) -> None:
    for i in range(n):
        plan = services.create_plan(
            actor=demo.lancashire_manager,
            review=child_n.review,
            kind=PlanKind.MULTI_AGENCY,
            owner_board=child_n.lancashire,
            monitoring_subgroup=child_n.scr,
            title=f"Board plan {i}",
        )
        for j in range(3):
            services.add_action(
                actor=demo.lancashire_manager,
                plan=plan,
                title=f"Action {j}",
                lead_officer=demo.csc_lead,
                due_date=timezone.localdate() + timedelta(days=5 + 30 * j),
            )


def test_the_review_page_costs_the_same_with_1_and_10_plans(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    url = _review_url("review_detail", child_n.review)
    services.add_recommendation(
        actor=demo.lancashire_manager, review=child_n.review, board=child_n.lancashire, text="One"
    )
    _add_board_plans(demo, child_n, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _add_board_plans(demo, child_n, 9)
    services.add_recommendation(
        actor=demo.lancashire_manager, review=child_n.review, board=child_n.liverpool, text="Two"
    )
    services.add_finding(actor=demo.lancashire_manager, review=child_n.review, title="More", text="More")
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Board plan") >= 10
    assert len(one) == len(ten), "\n".join(q["sql"] for q in ten.captured_queries)
