"""The monitoring API: schedules and cycles, each operation through its service; bad input refused with the
field named and nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.core.models import AccessEvent
from safeguard.monitoring.models import (
    CycleStatus,
    MonitoringCycle,
    MonitoringSchedule,
    Snapshot,
    UpdateRequest,
)
from tests.monitoring.test_api_world import (
    Api,
    audit_count,
    closed_snapshot,
    open_month,
)


@pytest.fixture
def month(cig_schedule):
    return open_month(cig_schedule)


NEW_SCHEDULE = {"name": "Plan on its own rhythm", "cadence": "quarterly", "starts_on": "2027-01-04"}


def _body(child_n, **changes):
    return {
        "board": child_n.liverpool.pk,
        "subgroup": child_n.cig.pk,
        "plan": child_n.plan.pk,
        **NEW_SCHEDULE,
        **changes,
    }


# --- Schedules: reads ---------------------------------------------------------------------------


def test_a_board_member_lists_and_reads_the_boards_schedules(demo, cig_schedule) -> None:
    api = Api(demo.auditor)
    assert api.ids("/monitoring-schedules/") == [cig_schedule.schedule.pk]
    body = api.get(f"/monitoring-schedules/{cig_schedule.schedule.pk}/").json()
    assert body["cadence"] == "monthly"
    assert body["board"] == cig_schedule.liverpool.pk
    assert body["subgroup_name"] == "Critical Incident Group"
    assert body["version"] == 1


def test_schedules_filter_by_board_subgroup_and_whether_active(demo, cig_schedule) -> None:
    api = Api(demo.liverpool_manager)
    schedule = cig_schedule.schedule.pk
    assert api.ids("/monitoring-schedules/", {"board": cig_schedule.liverpool.pk}) == [schedule]
    assert api.ids("/monitoring-schedules/", {"board": cig_schedule.lancashire.pk}) == []
    assert api.ids("/monitoring-schedules/", {"subgroup": cig_schedule.cig.pk}) == [schedule]
    assert api.ids("/monitoring-schedules/", {"is_active": "false"}) == []


def test_another_boards_manager_sees_no_schedule(demo, cig_schedule) -> None:
    api = Api(demo.lancashire_manager)
    assert api.ids("/monitoring-schedules/") == []
    assert api.get("/monitoring-schedules/").json()["count"] == 0


# --- Schedules: create --------------------------------------------------------------------------


def test_the_business_manager_creates_a_schedule_for_one_plan(demo, child_n) -> None:
    response = Api(demo.liverpool_manager).post(
        "/monitoring-schedules/", _body(child_n, response_working_days=5)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    schedule = MonitoringSchedule.objects.get(pk=body["id"])
    assert (schedule.plan, schedule.cadence, schedule.response_working_days) == (child_n.plan, "quarterly", 5)
    assert body["reminder_working_days_before"] == 2  # the default, as the service sets it


def test_a_schedule_that_never_opens_a_cycle_is_refused_and_nothing_is_written(demo, child_n) -> None:
    api = Api(demo.liverpool_manager)
    before = audit_count()
    response = api.post(
        "/monitoring-schedules/", _body(child_n, cadence="custom", custom_dates=["2026-01-05"])
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "custom_dates": ["This schedule never opens a cycle: no date falls between its start and its end."]
    }
    assert not MonitoringSchedule.objects.exists()
    assert audit_count() == before


def test_a_schedule_body_is_typed_and_strict(demo, child_n) -> None:
    response = Api(demo.liverpool_manager).post(
        "/monitoring-schedules/",
        _body(child_n, cadence="weekly", response_working_days=61, status="active", starts_on="31/02/2027"),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["status"] == ["Unexpected field."]
    assert "is not a valid choice" in errors["cadence"][0]
    assert errors["response_working_days"] == ["Ensure this value is less than or equal to 60."]
    assert "Date has wrong format" in errors["starts_on"][0]
    assert not MonitoringSchedule.objects.exists()


def test_a_subgroup_of_the_other_board_gets_the_services_message(demo, child_n) -> None:
    # The Lancashire SCR subgroup is visible to the Liverpool manager (its board leads a review they see).
    response = Api(demo.liverpool_manager).post(
        "/monitoring-schedules/", _body(child_n, subgroup=child_n.scr.pk, plan=None)
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"subgroup": ["Choose a subgroup of Liverpool LSCB."]}


def test_records_the_caller_cannot_see_look_like_missing_ones(demo, child_n) -> None:
    from tests.reviews.api_helpers import embargoed_review

    hidden = embargoed_review(demo, child_n.lancashire)  # under embargo: Lancashire only
    from safeguard.reviews import services as review_services

    hidden_plan = review_services.create_plan(
        actor=demo.lancashire_manager,
        review=hidden,
        kind="multi_agency",
        owner_board=child_n.lancashire,
        monitoring_subgroup=child_n.scr,
        monitoring_boards=[child_n.lancashire],
        title="Hidden plan",
    )
    api = Api(demo.liverpool_manager)
    hidden_answer = api.post("/monitoring-schedules/", _body(child_n, plan=hidden_plan.pk)).json()
    missing_answer = api.post("/monitoring-schedules/", _body(child_n, plan=999_999)).json()
    assert hidden_answer["errors"]["plan"] == [f'Invalid pk "{hidden_plan.pk}" - object does not exist.']
    assert missing_answer["errors"]["plan"] == ['Invalid pk "999999" - object does not exist.']


def test_a_board_member_who_does_not_run_monitoring_may_not_create_a_schedule(demo, child_n) -> None:
    response = Api(demo.auditor).post("/monitoring-schedules/", _body(child_n))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only the board's business manager")
    assert not MonitoringSchedule.objects.exists()


def test_another_boards_manager_cannot_name_a_board_they_cannot_see(demo, child_n) -> None:
    from tests.reviews.api_helpers import embargoed_review

    embargoed_review(demo, child_n.liverpool, reference="LIV-ONLY-1")
    # The nursery DSL serves no board and sees no review naming Liverpool.
    response = Api(demo.nursery_dsl).post("/monitoring-schedules/", _body(child_n))
    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["board"][0]
    assert not MonitoringSchedule.objects.exists()


# --- Schedules: change --------------------------------------------------------------------------


def test_a_schedule_is_changed_with_its_version(demo, cig_schedule) -> None:
    api = Api(demo.cig_chair)
    url = f"/monitoring-schedules/{cig_schedule.schedule.pk}/"
    response = api.client.patch(
        f"/api/v1{url}",
        {"version": 1, "cadence": "quarterly", "reminder_working_days_before": 3},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    cig_schedule.schedule.refresh_from_db()
    assert (cig_schedule.schedule.cadence, cig_schedule.schedule.reminder_working_days_before) == (
        "quarterly",
        3,
    )


def test_a_change_against_an_old_version_is_a_409_and_nothing_changes(demo, cig_schedule) -> None:
    api = Api(demo.cig_chair)
    url = f"/api/v1/monitoring-schedules/{cig_schedule.schedule.pk}/"
    first = api.client.patch(url, {"version": 1, "name": "First"}, content_type="application/json")
    assert first.status_code == 200
    stale = api.client.patch(url, {"version": 1, "name": "Second"}, content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale"
    assert body["current"] == {"name": "First", "version": 2}
    cig_schedule.schedule.refresh_from_db()
    assert cig_schedule.schedule.name == "First"


def test_a_change_needs_the_version_and_refuses_fields_it_cannot_change(demo, cig_schedule) -> None:
    url = f"/api/v1/monitoring-schedules/{cig_schedule.schedule.pk}/"
    response = Api(demo.cig_chair).client.patch(
        url, {"board": cig_schedule.lancashire.pk, "name": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "version": ["This field is required."],
        "board": ["Unexpected field."],
    }
    no_name = Api(demo.cig_chair).client.patch(
        url, {"version": 1, "name": " "}, content_type="application/json"
    )
    assert "Enter a name for the schedule" in no_name.json()["errors"]["name"][0]
    cig_schedule.schedule.refresh_from_db()
    assert (cig_schedule.schedule.name, cig_schedule.schedule.version) == ("CIG monthly updates", 1)


def test_the_wrong_role_may_not_change_a_schedule_and_another_board_cannot_find_it(
    demo, cig_schedule
) -> None:
    url = f"/api/v1/monitoring-schedules/{cig_schedule.schedule.pk}/"
    body = {"version": 1, "name": "Changed"}
    assert Api(demo.police_lead).client.patch(url, body, content_type="application/json").status_code == 403
    outsider = Api(demo.lancashire_manager).client.patch(url, body, content_type="application/json")
    assert outsider.status_code == 404
    cig_schedule.schedule.refresh_from_db()
    assert cig_schedule.schedule.name == "CIG monthly updates"


def test_put_is_not_an_operation(demo, cig_schedule) -> None:
    url = f"/api/v1/monitoring-schedules/{cig_schedule.schedule.pk}/"
    response = Api(demo.cig_chair).client.put(url, {"version": 1}, content_type="application/json")
    assert response.status_code == 405


# --- Opening a cycle ----------------------------------------------------------------------------


def test_opening_a_cycle_asks_the_owner_and_a_second_open_finds_the_first(demo, cig_schedule) -> None:
    api = Api(demo.liverpool_manager)
    url = f"/monitoring-schedules/{cig_schedule.schedule.pk}/open-cycle/"
    first = api.post(url, {"opens_on": "2026-12-07"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["number"], body["status"], body["opens_on"]) == (1, "open", "2026-12-07")
    assert body["requests"] == {"total": 1, "waiting": 1, "answered": 0, "withdrawn": 0, "stale": 0}
    again = api.post(url, {"opens_on": "2026-12-07"})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert UpdateRequest.objects.count() == 1


def test_opening_a_cycle_needs_a_date_and_the_right_role(demo, cig_schedule) -> None:
    url = f"/monitoring-schedules/{cig_schedule.schedule.pk}/open-cycle/"
    missing = Api(demo.liverpool_manager).post(url, {})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"opens_on": ["This field is required."]}
    assert Api(demo.auditor).post(url, {"opens_on": "2026-12-07"}).status_code == 403
    assert Api(demo.lancashire_manager).post(url, {"opens_on": "2026-12-07"}).status_code == 404
    assert not MonitoringCycle.objects.exists()


def test_a_cycle_cannot_open_outside_the_schedules_life(demo, cig_schedule) -> None:
    api = Api(demo.liverpool_manager)
    url = f"/monitoring-schedules/{cig_schedule.schedule.pk}/open-cycle/"
    early = api.post(url, {"opens_on": "1900-01-01"})
    assert early.status_code == 400
    assert early.json()["errors"] == {
        "opens_on": ["Choose a date within the schedule, from when it starts to when it ends."]
    }
    MonitoringSchedule.objects.filter(pk=cig_schedule.schedule.pk).update(is_active=False)
    ended = api.post(url, {"opens_on": "2026-12-07"})
    assert ended.json()["errors"] == {
        "non_field_errors": ["This schedule has ended; no more cycles can be opened."]
    }
    assert not MonitoringCycle.objects.exists()


# --- Cycles -------------------------------------------------------------------------------------


def test_a_cycle_is_read_with_its_counts_and_the_read_is_logged(demo, month) -> None:
    api = Api(demo.cig_chair)
    body = api.get(f"/monitoring-cycles/{month.cycle.pk}/").json()
    assert body["label"] == "Cycle 1, November 2026"
    assert body["deadline"] == month.cycle.deadline.isoformat()
    assert body["requests"]["waiting"] == 1
    assert body["snapshot"] is None
    assert AccessEvent.objects.filter(
        user=demo.cig_chair, route="GET /api/v1/monitoring-cycles/<int:id>/"
    ).exists()


def test_cycles_filter_by_schedule_board_and_status(demo, month) -> None:
    api = Api(demo.liverpool_manager)
    cycle = month.cycle.pk
    assert api.ids("/monitoring-cycles/", {"schedule": month.schedule.pk}) == [cycle]
    assert api.ids("/monitoring-cycles/", {"board": month.liverpool.pk, "status": "open"}) == [cycle]
    assert api.ids("/monitoring-cycles/", {"status": "closed"}) == []
    bad = api.get("/monitoring-cycles/", {"status": "finished", "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "colour"}


def test_closing_a_cycle_freezes_its_snapshot(demo, month) -> None:
    response = Api(demo.liverpool_manager).post(f"/monitoring-cycles/{month.cycle.pk}/close/")
    assert response.status_code == 200, response.content
    body = response.json()
    snapshot = Snapshot.objects.get(cycle=month.cycle)
    assert (body["status"], body["snapshot"]) == ("closed", snapshot.pk)
    assert snapshot.rows.count() == 1


def test_closing_a_closed_cycle_is_refused(demo, month) -> None:
    closed_snapshot(demo, month)
    response = Api(demo.liverpool_manager).post(f"/monitoring-cycles/{month.cycle.pk}/close/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["This cycle is already closed: snapshot taken."]
    }
    assert Snapshot.objects.count() == 1


def test_the_wrong_role_may_not_close_a_cycle_and_another_board_cannot_find_it(demo, month) -> None:
    url = f"/monitoring-cycles/{month.cycle.pk}/close/"
    assert Api(demo.police_lead).post(url).status_code == 403
    assert Api(demo.lancashire_manager).post(url).status_code == 404
    assert Api(demo.liverpool_manager).post(url, {"force": True}).json()["errors"] == {
        "force": ["Unexpected field."]
    }
    month.cycle.refresh_from_db()
    assert month.cycle.status == CycleStatus.OPEN
    assert not Snapshot.objects.exists()


def test_a_cycle_opened_on_a_later_date_is_numbered_after_the_first(demo, month) -> None:
    api = Api(demo.liverpool_manager)
    response = api.post(f"/monitoring-schedules/{month.schedule.pk}/open-cycle/", {"opens_on": "2026-12-07"})
    assert response.json()["number"] == 2
    assert api.ids("/monitoring-cycles/") == [response.json()["id"], month.cycle.pk]
    assert date.fromisoformat(response.json()["deadline"]) > date(2026, 12, 7)


def test_body_values_must_have_their_json_type(demo, cig_schedule) -> None:
    url = f"/api/v1/monitoring-schedules/{cig_schedule.schedule.pk}/"
    response = Api(demo.cig_chair).client.patch(
        url,
        {
            "version": "1",
            "is_active": 0,
            "name": 5,
            "response_working_days": 5.0,
            "cross_board_recipient": "1",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "version": ["A valid integer is required."],
        "is_active": ["Must be a valid boolean."],
        "name": ["Not a valid string."],
        "response_working_days": ["A valid integer is required."],
        "cross_board_recipient": ["A valid integer is required."],
    }
    cig_schedule.schedule.refresh_from_db()
    assert (cig_schedule.schedule.is_active, cig_schedule.schedule.version) == (True, 1)


def test_a_filter_is_given_once_and_never_empty(demo, cig_schedule) -> None:
    api = Api(demo.liverpool_manager)
    empty = api.get("/monitoring-schedules/", {"board": ""})
    assert empty.json()["errors"] == {"board": ["A valid integer is required."]}
    twice = api.client.get("/api/v1/monitoring-schedules/?board=1&board=2")
    assert twice.json()["errors"] == {"board": ["Give this parameter once."]}
