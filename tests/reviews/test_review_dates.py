"""Recording when the subgroup decided to hold a review and when its report was presented to the board."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import check_chain
from safeguard.core.concurrency import StaleEdit
from safeguard.core.models import AuditEvent
from safeguard.people.models import Role
from safeguard.reviews import services
from safeguard.reviews.demo import REFERENCE, load_child_n_review
from safeguard.reviews.models import Review, ReviewStatus
from tests.factories import AgencyFactory, BoardFactory, BoardRoleFactory, MembershipFactory


def _received(demo, review: Review, *, on: date) -> Review:
    """Move the review on until its report is received (on `on`)."""
    for status in (ReviewStatus.COMMISSIONED, ReviewStatus.IN_PROGRESS, ReviewStatus.REPORT_RECEIVED):
        review = services.move_review(actor=demo.lancashire_manager, review=review, to_status=status, on=on)
    return review


def _record(actor, review: Review, **dates) -> Review:
    return services.update_review(actor=actor, review=review, expected_version=review.version, **dates)


def _events() -> int:
    return AuditEvent.objects.filter(action="review.updated").count()


@pytest.fixture
def received(demo, child_n) -> Review:
    """The test review with its report received 20 days ago (notified 300 days ago)."""
    return _received(demo, child_n.review, on=timezone.localdate() - timedelta(days=20))


# --- The service ------------------------------------------------------------------------------------


def test_a_manager_records_both_dates_audited_and_versioned(demo, received) -> None:
    today = timezone.localdate()
    decided, presented = received.notified_on + timedelta(days=3), today - timedelta(days=5)
    version = received.version
    review = _record(demo.lancashire_manager, received, decided_on=decided, presented_on=presented)
    assert (review.decided_on, review.presented_on) == (decided, presented)
    assert review.version == version + 1
    event = AuditEvent.objects.filter(action="review.updated").latest("sequence")
    assert event.actor_id == demo.lancashire_manager.pk
    assert event.target_id == str(review.pk)
    assert event.changes == {
        "decided_on": {"from": None, "to": decided.isoformat()},
        "presented_on": {"from": None, "to": presented.isoformat()},
    }
    assert check_chain().intact


def test_the_dates_may_fall_on_the_notification_and_receipt_days_and_be_cleared(demo, received) -> None:
    review = _record(
        demo.scr_chair, received, decided_on=received.notified_on, presented_on=received.report_received_on
    )
    assert (review.decided_on, review.presented_on) == (received.notified_on, received.report_received_on)
    review = _record(demo.scr_chair, review, decided_on=None)
    assert (review.decided_on, review.presented_on) == (None, received.report_received_on)


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"decided_on": 1},
            "decided_on",
            "The date of the decision to hold the review cannot be in the future.",
        ),
        ({"presented_on": 1}, "presented_on", "The date the report was presented to the board cannot be in"),
        ({"decided_on": -1000}, "decided_on", "cannot be before the board was notified"),
        (
            {"presented_on": -100},
            "presented_on",
            "cannot have been presented to the board before it was received",
        ),
        ({"decided_on": "2015-01-01"}, "decided_on", "Enter a date"),
    ],
    ids=[
        "decided-in-future",
        "presented-in-future",
        "decided-before-notified",
        "presented-before-received",
        "not-a-date",
    ],
)
def test_a_bad_date_is_refused_with_its_reason_and_nothing_is_written(
    demo, received, dates, field, message
) -> None:
    today = timezone.localdate()
    values = {k: today + timedelta(days=v) if isinstance(v, int) else v for k, v in dates.items()}
    before, version = _events(), received.version
    with pytest.raises(ValidationError) as refused:
        _record(demo.lancashire_manager, received, **values)
    assert message in " ".join(refused.value.message_dict[field])
    received.refresh_from_db()
    assert (received.decided_on, received.presented_on, received.version) == (None, None, version)
    assert _events() == before


def test_one_bad_date_refuses_the_good_one_too(demo, received) -> None:
    with pytest.raises(ValidationError) as refused:
        _record(
            demo.lancashire_manager,
            received,
            decided_on=received.notified_on,
            presented_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"presented_on"}
    received.refresh_from_db()
    assert received.decided_on is None


def test_a_report_not_yet_received_cannot_have_been_presented(demo, child_n) -> None:
    review = child_n.review
    assert review.report_received_on is None
    with pytest.raises(ValidationError) as refused:
        _record(demo.lancashire_manager, review, presented_on=timezone.localdate())
    assert "has not been received yet" in refused.value.message_dict["presented_on"][0]
    review.refresh_from_db()
    assert review.presented_on is None


def test_a_stale_version_writes_nothing(demo, received) -> None:
    stale = received.version
    _record(demo.lancashire_manager, received, lead_reviewer="Someone")
    with pytest.raises(StaleEdit):
        services.update_review(
            actor=demo.scr_chair, review=received, expected_version=stale, decided_on=received.notified_on
        )
    received.refresh_from_db()
    assert received.decided_on is None


def _outside_manager():
    return BoardRoleFactory(board=BoardFactory(), role=Role.BOARD_BUSINESS_MANAGER).user


def _outside_agency_lead():
    return MembershipFactory(agency=AgencyFactory(), role=Role.AGENCY_SAFEGUARDING_LEAD).user


@pytest.mark.parametrize(
    "who",
    ["police_lead", "outside_agency_lead", "auditor", "ops_supervisor", "outside_manager", "anonymous"],
    ids=[
        "involved-agency-lead",
        "another-agencys-lead",
        "board-auditor",
        "agency-staff",
        "another-boards-manager",
        "anonymous",
    ],
)
def test_only_the_reviews_managers_record_its_dates(demo, received, who) -> None:
    makers = {
        "outside_manager": _outside_manager,
        "outside_agency_lead": _outside_agency_lead,
        "anonymous": AnonymousUser,
    }
    actor = makers.get(who, lambda: demo.users[who])()
    before, version = _events(), received.version
    with pytest.raises(PermissionDenied):
        _record(actor, received, decided_on=received.notified_on, presented_on=received.report_received_on)
    received.refresh_from_db()
    assert (received.decided_on, received.presented_on, received.version) == (None, None, version)
    assert _events() == before


# --- The page --------------------------------------------------------------------------------------


def _date(prefix: str, value: date | None) -> dict[str, str]:
    parts = ("day", "month", "year")
    if value is None:
        return {f"{prefix}-{part}": "" for part in parts}
    return {f"{prefix}-{part}": str(getattr(value, part)) for part in parts}


def _form(review: Review, **dates: date | None) -> dict[str, str]:
    data = {"subject_pseudonym": review.subject_pseudonym, "version": str(review.version)}
    for name, value in dates.items():
        data |= _date(name, value)
    return data


def test_the_dates_are_recorded_on_the_edit_page_and_shown_on_the_review(demo, received, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    edit = reverse("reviews:review_edit", args=[received.pk])
    form = client.get(edit).content.decode()
    assert 'name="decided_on-day"' in form and 'name="presented_on-year"' in form
    decided, presented = received.notified_on + timedelta(days=7), received.report_received_on
    response = client.post(edit, _form(received, decided_on=decided, presented_on=presented))
    assert response.status_code == 302
    received.refresh_from_db()
    assert (received.decided_on, received.presented_on) == (decided, presented)
    page = client.get(reverse("reviews:review_detail", args=[received.pk])).content.decode()
    assert f"{decided:%-d %B %Y}" in page and f"{presented:%-d %B %Y}" in page
    assert f"{edit}#id_decided_on" in page  # the "Change" link next to the date


def test_a_bad_date_on_the_page_shows_the_services_message(demo, received, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    edit = reverse("reviews:review_edit", args=[received.pk])
    response = client.post(edit, _form(received, presented_on=timezone.localdate() + timedelta(days=2)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "cannot be in the future" in body
    received.refresh_from_db()
    assert received.presented_on is None


def test_an_impossible_date_on_the_page_is_refused_by_the_form(demo, received, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    edit = reverse("reviews:review_edit", args=[received.pk])
    data = _form(received) | {"decided_on-day": "31", "decided_on-month": "2", "decided_on-year": "2020"}
    body = client.post(edit, data).content.decode()
    assert "The date of the decision to hold the review must be a real date" in body
    received.refresh_from_db()
    assert received.decided_on is None


def test_an_agency_lead_cannot_record_the_dates_on_the_page(demo, received, client_as) -> None:
    response = client_as(demo.police_lead).post(
        reverse("reviews:review_edit", args=[received.pk]), _form(received, decided_on=received.notified_on)
    )
    assert response.status_code == 403
    received.refresh_from_db()
    assert received.decided_on is None


def test_anonymous_is_sent_to_sign_in_and_nothing_changes(demo, received, client) -> None:
    response = client.post(
        reverse("reviews:review_edit", args=[received.pk]), _form(received, decided_on=received.notified_on)
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))
    received.refresh_from_db()
    assert received.decided_on is None


# --- The demo ----------------------------------------------------------------------------------------


def test_child_ns_dates_are_in_the_reviews_own_fields(demo) -> None:
    from safeguard.people.demo import load_demo, register_demo_loader

    register_demo_loader(load_child_n_review)
    load_demo()
    review = Review.objects.get(reference=REFERENCE)
    assert review.decided_on == date(2014, 6, 5)
    assert review.presented_on == date(2015, 4, 15)
    assert review.report_received_on == date(2015, 3, 27)
    assert check_chain().intact
