"""Concurrent edits never overwrite silently (DESIGN rule 8): the first save wins, a stale one is refused.

The mechanism is exercised on `reviews.Review`, a real versioned record. The page and API used for the
two-editor tests are declared here (this module is their URLconf), so they test the mechanism, not the
reviews app's screens.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils.html import escape
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguard.core.audit import record_event
from safeguard.core.concurrency import StaleEdit, VersionedFormMixin, save_versioned
from tests.factories import AgencyFactory, BoardFactory, UserFactory

reviews_models = pytest.importorskip("safeguard.reviews.models", reason="reviews app not yet installed")
Review = reviews_models.Review

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


# --- A versioned edit page and API operation, as a reviews screen would use them --------------------------


class ReviewForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["summary", "lead_reviewer"]


def edit_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    form = ReviewForm(request.POST if request.method == "POST" else None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                save_versioned(form.instance, expected_version=form.expected_version, fields=form.Meta.fields)
        except StaleEdit as stale:
            form.add_stale_error(stale)
        else:
            return redirect(f"/reviews/{pk}/")
    errors = escape(" ".join(form.non_field_errors()))
    return HttpResponse(f"<p class='errors'>{errors}</p>{form['version'].as_hidden()}", status=200)


class ReviewApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, pk: int) -> Response:
        review = get_object_or_404(Review, pk=pk)
        return Response(
            {"summary": review.summary, "lead_reviewer": review.lead_reviewer, "version": review.version}
        )

    def patch(self, request: Request, pk: int) -> Response:
        review = get_object_or_404(Review, pk=pk)
        fields = [name for name in ("summary", "lead_reviewer") if name in request.data]
        for name in fields:
            setattr(review, name, request.data[name])
        with transaction.atomic():
            save_versioned(review, expected_version=int(request.data["version"]), fields=fields)
        return Response({"version": review.version})


urlpatterns = [
    path("reviews/<int:pk>/edit/", edit_review),
    path("api/reviews/<int:pk>/", ReviewApi.as_view()),
]


# --- Fixtures --------------------------------------------------------------------------------------------


@pytest.fixture
def review(db) -> Any:
    return Review.objects.create(
        reference="TEST-SCR-2026-01",
        review_type="scr",
        subject_pseudonym="Child T",
        lead_board=BoardFactory(),
        notified_on=date(2026, 1, 5),
        created_by=UserFactory(),
        summary="Original summary",
        lead_reviewer="Original reviewer",
    )


def _loaded_version(response: HttpResponse) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, response.content
    return match.group(1)


# --- save_versioned --------------------------------------------------------------------------------------


def test_a_save_at_the_current_version_writes_and_bumps_the_version(review) -> None:
    review.summary = "Updated summary"
    save_versioned(review, expected_version=1, fields=["summary"])
    assert review.version == 2
    review.refresh_from_db()
    assert (review.summary, review.version) == ("Updated summary", 2)


def test_a_stale_save_writes_nothing_and_reports_the_row_as_it_is_now(review) -> None:
    first = Review.objects.get(pk=review.pk)
    first.summary = "First editor's summary"
    save_versioned(first, expected_version=1, fields=["summary"])

    review.summary = "Second editor's summary"
    review.lead_reviewer = "Second editor's reviewer"
    with pytest.raises(StaleEdit) as raised:
        save_versioned(review, expected_version=1, fields=["summary", "lead_reviewer"])

    stale = raised.value
    assert (stale.expected_version, stale.current_version) == (1, 2)
    assert stale.current["summary"].value == "First editor's summary"
    assert stale.current["lead_reviewer"].value == "Original reviewer"
    assert stale.changed_at is not None
    stored = Review.objects.get(pk=review.pk)
    assert (stored.summary, stored.lead_reviewer, stored.version) == (
        "First editor's summary",
        "Original reviewer",
        2,
    )


def test_the_check_and_the_write_are_one_conditional_update(review) -> None:
    review.summary = "Updated summary"
    with CaptureQueriesContext(connection) as queries:
        save_versioned(review, expected_version=1, fields=["summary"])
    assert len(queries) == 1
    sql = queries[0]["sql"].lower()
    assert sql.startswith("update") and '"version" =' in sql.split("where", 1)[1]


def test_a_stale_edit_names_who_made_the_last_change(review) -> None:
    editor = UserFactory(full_name="Erin Editor")
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(summary="Changed by Erin", version=2)
        record_event(actor=editor, action="review.updated", target=review)
    with pytest.raises(StaleEdit) as raised:
        save_versioned(review, expected_version=1, fields=["summary"])
    assert raised.value.changed_by == "Erin Editor"


def test_a_model_without_a_version_field_is_refused(db) -> None:
    agency = AgencyFactory()
    with pytest.raises(ImproperlyConfigured, match="no `version` field"):
        save_versioned(agency, expected_version=1, fields=["name"])


def test_the_version_itself_is_not_an_editable_field(review) -> None:
    with pytest.raises(ImproperlyConfigured):
        save_versioned(review, expected_version=1, fields=["version"])


def test_a_removed_row_is_not_reported_as_stale(review) -> None:
    Review.objects.filter(pk=review.pk).delete()
    with pytest.raises(Review.DoesNotExist):
        save_versioned(review, expected_version=1, fields=["summary"])


# --- Two editors on the page -----------------------------------------------------------------------------


def test_two_editors_on_the_page_the_first_save_wins_and_the_second_is_told_what_changed(review) -> None:
    first, second = Client(), Client()
    url = f"/reviews/{review.pk}/edit/"
    first_version = _loaded_version(first.get(url))
    second_version = _loaded_version(second.get(url))
    assert first_version == second_version == "1"

    saved = first.post(
        url,
        {"summary": "First editor's summary", "lead_reviewer": "Original reviewer", "version": first_version},
    )
    assert saved.status_code == 302

    refused = second.post(
        url,
        {
            "summary": "Original summary",
            "lead_reviewer": "Second editor's reviewer",
            "version": second_version,
        },
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert (
        "Someone else changed this record while you were editing it: "
        "Summary: now &#x27;First editor&#x27;s summary&#x27;; Lead reviewer: now &#x27;Original reviewer&#x27;. "
        "Your changes have not been saved."
    ) in page
    # The page carries the version now stored, so saving again is a deliberate choice.
    assert _loaded_version(refused) == "2"

    stored = Review.objects.get(pk=review.pk)
    assert (stored.summary, stored.lead_reviewer, stored.version) == (
        "First editor's summary",
        "Original reviewer",
        2,
    )


def test_a_resubmission_after_seeing_the_change_is_saved(review) -> None:
    editor = Client()
    url = f"/reviews/{review.pk}/edit/"
    Review.objects.filter(pk=review.pk).update(summary="Someone else's summary", version=2)
    refused = editor.post(url, {"summary": "Mine", "lead_reviewer": "Original reviewer", "version": "1"})
    again = editor.post(
        url, {"summary": "Mine", "lead_reviewer": "Original reviewer", "version": _loaded_version(refused)}
    )
    assert again.status_code == 302
    assert Review.objects.get(pk=review.pk).summary == "Mine"


# --- Two clients of the API ------------------------------------------------------------------------------


def test_two_api_clients_the_first_save_wins_and_the_second_gets_409_with_the_current_record(review) -> None:
    first, second = Client(), Client()
    url = f"/api/reviews/{review.pk}/"
    assert first.get(url).json()["version"] == second.get(url).json()["version"] == 1

    saved = first.patch(
        url, json.dumps({"summary": "First client's summary", "version": 1}), content_type="application/json"
    )
    assert saved.status_code == 200
    assert saved.json() == {"version": 2}

    refused = second.patch(
        url, json.dumps({"summary": "Second client's summary", "version": 1}), content_type="application/json"
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "stale"
    assert "Someone else changed this record" in body["detail"]
    assert body["current"] == {"summary": "First client's summary", "version": 2}
    assert "changed_at" in body

    stored = Review.objects.get(pk=review.pk)
    assert (stored.summary, stored.version) == ("First client's summary", 2)
