"""The update requests a user owes, and answering one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import RequestStatus
from safeguard.reviews.models import ProgressUpdate
from tests.monitoring.test_pages_common import (
    assert_refused_form,
    assert_sign_in,
    body,
    count_queries,
    more_requests,
    stable,
    url,
)
from tests.monitoring.test_pages_fixtures import *  # noqa: F403


def answer(narrative: str = "Half the control room trained", claimed: str = "on_track", **more: str):
    return {"narrative": narrative, "claimed": claimed, "ask_new_date": "no", **more}


def new_date(day, reason: str = "Trainer availability") -> dict[str, str]:
    return {
        "ask_new_date": "yes",
        "proposed_due_date-day": str(day.day),
        "proposed_due_date-month": str(day.month),
        "proposed_due_date-year": str(day.year),
        "proposed_reason": reason,
    }


def test_anonymous_is_sent_to_sign_in(client, month) -> None:
    assert_sign_in(client.get(url("request_list")))
    assert_sign_in(client.get(url("request_answer", month.request.pk)))
    assert_sign_in(client.post(url("request_answer", month.request.pk), answer()))
    assert not ProgressUpdate.objects.exists()


# --- The list -------------------------------------------------------------------------------------


def test_the_lead_officer_sees_the_request_they_owe(client_as, demo, month) -> None:
    page = body(client_as(demo.ops_supervisor).get(url("request_list")))
    assert f"{month.action.reference}: {month.action.title}" in page
    assert "Waiting for an update" in page
    assert url("request_answer", month.request.pk) in page
    assert "CIG monthly updates: Cycle 1" in page


def test_the_owning_agencys_lead_sees_the_request_they_may_answer(client_as, demo, month) -> None:
    page = body(client_as(demo.police_lead).get(url("request_list")))
    assert url("request_answer", month.request.pk) in page


def test_the_list_shows_one_cycle_when_asked(client_as, demo, month) -> None:
    client = client_as(demo.ops_supervisor)
    mine = body(client.get(url("request_list") + f"?cycle={month.cycle.pk}"))
    assert url("request_answer", month.request.pk) in mine
    assert "Show all your requests" in mine
    other = body(client.get(url("request_list") + "?cycle=2000000000"))
    assert url("request_answer", month.request.pk) not in other


def test_a_bad_cycle_in_the_address_is_reported_and_ignored(client_as, demo, month) -> None:
    response = client_as(demo.ops_supervisor).get(url("request_list") + "?cycle=abc")
    assert response.status_code == 200
    assert "The cycle in the address is not valid" in body(response)
    assert url("request_answer", month.request.pk) in body(response)


def test_someone_who_owes_nothing_sees_an_empty_list(client_as, demo, month) -> None:
    page = body(client_as(demo.lancashire_manager).get(url("request_list")))
    assert "You have no update requests in open monitoring cycles" in page
    assert month.action.title not in page


def test_the_list_costs_the_same_with_1_and_20_requests(client_as, demo, month) -> None:
    client = client_as(demo.ops_supervisor)
    client.get(url("request_list"))
    one = count_queries(client, url("request_list"))
    more_requests(month.cycle, 19, owner=demo.ops_supervisor, created_by=demo.police_lead)
    assert count_queries(client, url("request_list")) == one


# --- Answering ------------------------------------------------------------------------------------


def test_the_lead_officer_answers_and_is_back_on_the_list_with_a_banner(client_as, demo, month) -> None:
    response = client_as(demo.ops_supervisor).post(
        url("request_answer", month.request.pk), answer(), follow=True
    )
    assert response.redirect_chain[-1][0] == url("request_list")
    assert f"Your update on action {month.action.reference} has been sent" in body(response)
    month.request.refresh_from_db()
    assert month.request.status == RequestStatus.ANSWERED
    assert month.request.answer.narrative == "Half the control room trained"
    assert month.request.proposed_due_date is None


def test_an_answer_may_ask_for_a_new_due_date(client_as, demo, month) -> None:
    day = month.action.due_date + timedelta(days=90)
    response = client_as(demo.ops_supervisor).post(
        url("request_answer", month.request.pk), answer(**new_date(day)), follow=True
    )
    assert "your request for a new due date goes to the subgroup" in body(response)
    month.request.refresh_from_db()
    assert (month.request.proposed_due_date, month.request.proposed_reason) == (day, "Trainer availability")


def test_an_empty_answer_shows_every_problem_and_writes_nothing(client_as, demo, month) -> None:
    response = client_as(demo.ops_supervisor).post(url("request_answer", month.request.pk), {})
    page = assert_refused_form(response, "Describe the progress made", "Choose how the action is going")
    assert 'href="#id_narrative"' in page
    assert not ProgressUpdate.objects.exists()
    month.request.refresh_from_db()
    assert month.request.status == RequestStatus.REQUESTED


def test_asking_for_a_new_date_needs_the_date_and_the_reason(client_as, demo, month) -> None:
    data = answer(ask_new_date="yes")
    response = client_as(demo.ops_supervisor).post(url("request_answer", month.request.pk), data)
    page = assert_refused_form(
        response, "Enter the new due date you are asking for", "Say why the action needs a new date"
    )
    assert 'href="#id_proposed_due_date"' in page
    assert not ProgressUpdate.objects.exists()


def test_a_new_date_before_the_current_due_date_is_refused(client_as, demo, month) -> None:
    day = month.action.due_date - timedelta(days=1)
    response = client_as(demo.ops_supervisor).post(
        url("request_answer", month.request.pk), answer(**new_date(day))
    )
    assert_refused_form(response, "The new date must be after the current due date")
    assert not ProgressUpdate.objects.exists()


def test_a_new_date_in_the_past_is_refused(client_as, demo, month) -> None:
    day = timezone.localdate() - timedelta(days=3)
    response = client_as(demo.ops_supervisor).post(
        url("request_answer", month.request.pk), answer(**new_date(day))
    )
    assert_refused_form(response, "The new date must be in the future")
    assert not ProgressUpdate.objects.exists()


def test_a_new_date_that_is_not_a_date_is_refused(client_as, demo, month) -> None:
    data = answer(
        ask_new_date="yes",
        proposed_reason="x",
        **{"proposed_due_date-day": "31", "proposed_due_date-month": "2", "proposed_due_date-year": "2027"},
    )
    response = client_as(demo.ops_supervisor).post(url("request_answer", month.request.pk), data)
    assert_refused_form(response, "The new due date must be a real date")
    assert not ProgressUpdate.objects.exists()


def test_viewing_the_answer_page_is_logged(client_as, demo, month) -> None:
    client_as(demo.ops_supervisor).get(url("request_answer", month.request.pk))
    assert AccessEvent.objects.filter(
        user=demo.ops_supervisor, target_id=str(month.request.pk), route="monitoring:request_answer"
    ).exists()


def test_the_answer_page_shows_the_last_update(client_as, demo, month) -> None:
    client = client_as(demo.ops_supervisor)
    client.post(url("request_answer", month.request.pk), answer("First update"))
    page = body(client.get(url("request_answer", month.request.pk)))
    assert "First update" in page
    assert "You answered this request on" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_boards_user_gets_the_same_404_as_a_missing_request(client_as, demo, month, method) -> None:
    client = client_as(demo.lancashire_manager)
    refused = getattr(client, method)(url("request_answer", month.request.pk), answer())
    missing = getattr(client, method)(url("request_answer", 2_000_000_000), answer())
    assert refused.status_code == missing.status_code == 404
    assert stable(refused) == stable(missing)
    assert not ProgressUpdate.objects.exists()


def test_a_board_member_who_may_not_report_on_the_action_is_refused_with_the_reason(
    client_as, demo, month
) -> None:
    client = client_as(
        demo.auditor
    )  # serves Liverpool, so sees the request, but is no part of the police plan
    assert client.get(url("request_answer", month.request.pk)).status_code == 403
    response = client.post(url("request_answer", month.request.pk), answer())
    assert response.status_code == 403
    assert "Only the action&#39;s lead officer or the owning agency&#39;s safeguarding lead" in body(response)
    assert not ProgressUpdate.objects.exists()
    month.request.refresh_from_db()
    assert month.request.status == RequestStatus.REQUESTED


def test_a_request_of_a_closed_cycle_cannot_be_answered(client_as, demo, month) -> None:
    services.close_cycle(actor=demo.liverpool_manager, cycle=month.cycle)
    client = client_as(demo.ops_supervisor)
    assert "This monitoring cycle has closed" in body(client.get(url("request_answer", month.request.pk)))
    response = client.post(url("request_answer", month.request.pk), answer())
    assert_refused_form(response, "This monitoring cycle has closed")
    assert not ProgressUpdate.objects.exists()


def test_requests_still_waiting_come_before_answered_ones(client_as, demo, month) -> None:
    more_requests(month.cycle, 1, owner=demo.ops_supervisor, created_by=demo.police_lead)
    services.answer_request(
        actor=demo.ops_supervisor, request=month.request, narrative="Done", claimed="on_track"
    )
    waiting = month.cycle.requests.exclude(pk=month.request.pk).get()
    page = body(client_as(demo.ops_supervisor).get(url("request_list")))
    assert page.index(url("request_answer", waiting.pk)) < page.index(url("request_answer", month.request.pk))


def test_a_new_date_typed_under_no_is_refused_not_dropped(client_as, demo, month) -> None:
    day = timezone.localdate() + timedelta(days=400)
    typed = {**new_date(day), "ask_new_date": "no"}
    response = client_as(demo.ops_supervisor).post(url("request_answer", month.request.pk), answer(**typed))
    month.request.refresh_from_db()
    assert response.status_code == 200
    assert "choose “Yes” to ask for it, or clear them" in body(response)
    assert month.request.status == RequestStatus.REQUESTED
    assert not ProgressUpdate.objects.exists()
