"""Schedule pages: setting one up, changing it (with the version check), its page, and opening a cycle now."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import Cadence, MonitoringCycle, MonitoringSchedule
from safeguard.people.models import Role
from tests.factories import BoardRoleFactory
from tests.monitoring.test_pages_common import (
    assert_refused_form,
    assert_sign_in,
    body,
    count_queries,
    stable,
    url,
)
from tests.monitoring.test_pages_fixtures import *  # noqa: F403


def schedule_data(subgroup, **overrides) -> dict[str, str]:
    data = {
        "name": "CIG monthly updates",
        "subgroup": str(subgroup.pk),
        "plan": "",
        "cadence": Cadence.MONTHLY,
        "custom_dates": "",
        "starts_on-day": "4",
        "starts_on-month": "1",
        "starts_on-year": "2027",
        "ends_on-day": "",
        "ends_on-month": "",
        "ends_on-year": "",
        "response_working_days": "10",
        "reminder_working_days_before": "2",
        "chase_working_days_after": "1",
        "escalate_working_days_after": "5",
        "cross_board_recipient": "",
        "summary_every_cycles": "0",
    }
    data.update(overrides)
    return data


def edit_data(schedule, **overrides) -> dict[str, str]:
    data = schedule_data(schedule.subgroup, is_active="yes", version=str(schedule.version))
    data.pop("subgroup")
    data.pop("plan")
    data.update(
        {
            "name": schedule.name,
            "starts_on-day": str(schedule.starts_on.day),
            "starts_on-month": str(schedule.starts_on.month),
            "starts_on-year": str(schedule.starts_on.year),
        }
    )
    data.update(overrides)
    return data


# --- Who gets the pages ---------------------------------------------------------------------------

SCHEDULE_ROUTES = ["schedule_detail", "schedule_edit", "cycle_open"]
FORM_ROUTES = ["schedule_edit", "cycle_open"]


@pytest.mark.parametrize("route", SCHEDULE_ROUTES)
def test_anonymous_is_sent_to_sign_in(client, month, route) -> None:
    assert_sign_in(client.get(url(route, month.schedule.pk)))
    if route in FORM_ROUTES:
        assert_sign_in(client.post(url(route, month.schedule.pk)))


def test_anonymous_is_sent_to_sign_in_from_the_new_schedule_page(client, db) -> None:
    assert_sign_in(client.get(url("schedule_create")))


@pytest.mark.parametrize("route", SCHEDULE_ROUTES)
def test_another_boards_user_gets_the_same_404_as_a_missing_schedule(client_as, demo, month, route) -> None:
    client = client_as(demo.lancashire_manager)
    refused = client.get(url(route, month.schedule.pk))
    missing = client.get(url(route, 2_000_000_000))
    assert refused.status_code == missing.status_code == 404
    assert stable(refused) == stable(missing)
    assert "CIG monthly updates" not in body(refused)
    if route in FORM_ROUTES:
        assert client.post(url(route, month.schedule.pk), edit_data(month.schedule)).status_code == 404
    assert MonitoringCycle.objects.count() == 1


def test_the_schedule_page_shows_its_rhythm_cycles_and_next_dates(client_as, demo, month) -> None:
    response = client_as(demo.police_lead).get(url("schedule_detail", month.schedule.pk))
    page = body(response)
    assert response.status_code == 200
    assert "Monthly, from 5 January 2026" in page
    assert url("cycle_detail", month.cycle.pk) in page
    following = services.next_occurrence(month.schedule, after=timezone.localdate())
    assert f"{following:%-d %B %Y}" in page
    assert url("schedule_edit", month.schedule.pk) not in page  # a member, not a manager


def test_the_schedule_page_offers_its_manager_the_edit_and_a_cycle_now(client_as, demo, cig_schedule) -> None:
    page = body(client_as(demo.liverpool_manager).get(url("schedule_detail", cig_schedule.schedule.pk)))
    assert url("schedule_edit", cig_schedule.schedule.pk) in page
    assert url("cycle_open", cig_schedule.schedule.pk) in page
    assert "Open the next cycle now" in page


def test_viewing_the_schedule_page_is_logged(client_as, demo, month) -> None:
    client_as(demo.cig_chair).get(url("schedule_detail", month.schedule.pk))
    assert AccessEvent.objects.filter(
        user=demo.cig_chair, target_id=str(month.schedule.pk), route="monitoring:schedule_detail"
    ).exists()


def test_the_schedule_page_costs_the_same_with_1_and_20_cycles(client_as, demo, month) -> None:
    client = client_as(demo.liverpool_manager)
    address = url("schedule_detail", month.schedule.pk)
    client.get(address)
    one = count_queries(client, address)
    today = timezone.localdate()
    MonitoringCycle.objects.bulk_create(
        MonitoringCycle(
            schedule=month.schedule, number=i + 2, opens_on=today - timedelta(days=i + 1), deadline=today
        )
        for i in range(19)
    )
    assert count_queries(client, address) == one


# --- Setting up a schedule ------------------------------------------------------------------------


def test_a_business_manager_sets_up_a_schedule(client_as, demo) -> None:
    cig = demo.subgroups.liverpool_cig
    data = schedule_data(cig, cross_board_recipient=str(demo.boards.lancashire.pk), summary_every_cycles="3")
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data, follow=True)
    schedule = MonitoringSchedule.objects.get()
    assert response.redirect_chain[-1][0] == url("schedule_detail", schedule.pk)
    assert "has been set up" in body(response)
    assert (schedule.board, schedule.subgroup, schedule.cadence) == (
        demo.boards.liverpool,
        cig,
        Cadence.MONTHLY,
    )
    assert schedule.starts_on == date(2027, 1, 4)
    assert schedule.cross_board_recipient == demo.boards.lancashire
    assert schedule.summary_every_cycles == 3
    assert schedule.created_by == demo.liverpool_manager


def test_set_dates_accept_day_first_and_iso_dates(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig,
        cadence=Cadence.CUSTOM,
        custom_dates="31/03/2027\n\n2027-06-30\n 30/9/2027 ",
    )
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert response.status_code == 302
    assert MonitoringSchedule.objects.get().custom_dates == ["2027-03-31", "2027-06-30", "2027-09-30"]


def test_each_bad_set_date_is_named_by_its_line(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig,
        cadence=Cadence.CUSTOM,
        custom_dates="31/03/2027\n31/02/2027\nnext Tuesday",
    )
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    page = assert_refused_form(
        response,
        "Line 2, \u201c31/02/2027\u201d, is not a real date",
        "Line 3, \u201cnext Tuesday\u201d, is not a date",
    )
    assert 'href="#id_custom_dates"' in page
    assert not MonitoringSchedule.objects.exists()


def test_set_dates_come_back_as_typed_after_an_error(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig, name="", cadence=Cadence.CUSTOM, custom_dates="31/03/2027\nsoon"
    )
    page = body(client_as(demo.liverpool_manager).post(url("schedule_create"), data))
    # The lines are not indented by the radios they are revealed under.
    assert ">31/03/2027&#10;soon</textarea>" in page


def test_set_dates_are_needed_for_a_schedule_on_set_dates(client_as, demo) -> None:
    data = schedule_data(demo.subgroups.liverpool_cig, cadence=Cadence.CUSTOM, custom_dates="  ")
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert_refused_form(response, "Enter at least one date for a schedule on set dates")
    assert not MonitoringSchedule.objects.exists()


def test_a_cadence_that_yields_no_date_is_refused(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig, cadence=Cadence.CUSTOM, custom_dates="01/01/2026"
    )  # before the start, 4 January 2027
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert_refused_form(response, "This schedule never opens a cycle")
    assert not MonitoringSchedule.objects.exists()


def test_an_end_before_the_start_is_refused(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig, **{"ends_on-day": "1", "ends_on-month": "1", "ends_on-year": "2027"}
    )
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert_refused_form(response, "The end date must be on or after the start date")
    assert not MonitoringSchedule.objects.exists()


def test_timings_must_be_whole_working_days_from_0_to_60(client_as, demo) -> None:
    data = schedule_data(
        demo.subgroups.liverpool_cig, response_working_days="61", chase_working_days_after="two"
    )
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    page = assert_refused_form(response, "Enter a whole number of working days from 0 to 60")
    assert 'href="#id_response_working_days"' in page
    assert 'href="#id_chase_working_days_after"' in page
    assert not MonitoringSchedule.objects.exists()


def test_an_empty_form_shows_every_problem(client_as, demo) -> None:
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), {})
    assert_refused_form(
        response,
        "Enter a name for the schedule",
        "Choose the subgroup that monitors these plans",
        "Choose how often updates are asked for",
        "Enter the date the first cycle opens",
    )
    assert not MonitoringSchedule.objects.exists()


def test_a_second_schedule_for_the_same_subgroup_is_refused(client_as, demo, cig_schedule) -> None:
    data = schedule_data(cig_schedule.cig, name="Another")
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert_refused_form(response, "An active schedule already covers this")
    assert MonitoringSchedule.objects.count() == 1


def test_a_subgroup_of_another_board_cannot_be_chosen(client_as, demo) -> None:
    data = schedule_data(demo.subgroups.lancashire_scr)
    response = client_as(demo.liverpool_manager).post(url("schedule_create"), data)
    assert_refused_form(response, "Choose one of the board")
    assert not MonitoringSchedule.objects.exists()


def test_someone_who_runs_no_board_is_refused_with_the_reason(client_as, demo) -> None:
    client = client_as(demo.police_lead)  # sits on the CIG, chairs nothing
    response = client.get(url("schedule_create"))
    assert response.status_code == 403
    assert "business manager or chair" in body(response)
    posted = client.post(url("schedule_create"), schedule_data(demo.subgroups.liverpool_cig))
    assert posted.status_code == 403
    assert not MonitoringSchedule.objects.exists()


def test_a_manager_of_two_boards_chooses_the_board_first(client_as, demo) -> None:
    BoardRoleFactory(user=demo.lancashire_manager, board=demo.boards.liverpool, role=Role.BOARD_CHAIR)
    client = client_as(demo.lancashire_manager)
    chooser = body(client.get(url("schedule_create")))
    assert "Which board is the schedule for?" in chooser
    form = body(client.get(url("schedule_create") + f"?board={demo.boards.liverpool.pk}"))
    assert "Critical Incident Group" in form
    assert "SCR Subgroup" not in form


def test_a_board_the_user_does_not_run_cannot_be_chosen(client_as, demo) -> None:
    BoardRoleFactory(user=demo.lancashire_manager, board=demo.boards.liverpool, role=Role.BOARD_CHAIR)
    other = BoardRoleFactory(role=Role.BOARD_BUSINESS_MANAGER).board
    response = client_as(demo.lancashire_manager).get(url("schedule_create") + f"?board={other.pk}")
    assert_refused_form(response, "Choose one of the boards listed")


# --- Changing a schedule --------------------------------------------------------------------------


def test_a_manager_changes_the_rhythm(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    data = edit_data(schedule, cadence=Cadence.QUARTERLY, response_working_days="15")
    response = client_as(demo.liverpool_manager).post(url("schedule_edit", schedule.pk), data)
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.cadence == Cadence.QUARTERLY
    assert schedule.response_working_days == 15
    assert schedule.version == 2


def test_the_edit_form_starts_from_the_stored_schedule(client_as, demo, cig_schedule) -> None:
    services.update_schedule(
        actor=demo.liverpool_manager,
        schedule=cig_schedule.schedule,
        cadence=Cadence.CUSTOM,
        custom_dates=[date(2027, 3, 31)],
    )
    page = body(client_as(demo.liverpool_manager).get(url("schedule_edit", cig_schedule.schedule.pk)))
    assert "31/03/2027" in page
    assert 'value="custom" checked' in page


def test_a_stale_edit_is_refused_and_says_what_changed(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    data = edit_data(schedule, name="My name")  # read at version 1
    services.update_schedule(actor=demo.cig_chair, schedule=schedule, name="The chair's name")
    response = client_as(demo.liverpool_manager).post(url("schedule_edit", schedule.pk), data)
    page = assert_refused_form(response, "Someone else changed this record", "The chair&#39;s name")
    assert 'name="version" value="2"' in page
    schedule.refresh_from_db()
    assert schedule.name == "The chair's name"


def test_stopping_a_schedule_hides_its_next_dates(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    client = client_as(demo.liverpool_manager)
    assert (
        client.post(url("schedule_edit", schedule.pk), edit_data(schedule, is_active="no")).status_code == 302
    )
    schedule.refresh_from_db()
    assert not schedule.is_active
    page = body(client.get(url("schedule_detail", schedule.pk)))
    assert "The schedule is stopped" in page
    assert "Open the next cycle now" not in page


def test_a_member_who_runs_nothing_cannot_change_the_schedule(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    client = client_as(demo.police_lead)
    assert client.get(url("schedule_edit", schedule.pk)).status_code == 403
    response = client.post(url("schedule_edit", schedule.pk), edit_data(schedule, name="Police rhythm"))
    assert response.status_code == 403
    assert "business manager, chair or a subgroup chair" in body(response)
    schedule.refresh_from_db()
    assert schedule.name == "CIG monthly updates"
    assert schedule.version == 1


def test_bad_input_on_the_edit_form_changes_nothing(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    data = edit_data(schedule, name="", escalate_working_days_after="-1")
    response = client_as(demo.liverpool_manager).post(url("schedule_edit", schedule.pk), data)
    assert_refused_form(response, "Enter a name for the schedule", "from 0 to 60")
    schedule.refresh_from_db()
    assert (schedule.name, schedule.escalate_working_days_after, schedule.version) == (
        "CIG monthly updates",
        5,
        1,
    )


# --- Opening a cycle now --------------------------------------------------------------------------


def test_open_the_next_cycle_now_opens_todays_cycle(client_as, demo, cig_schedule) -> None:
    schedule = cig_schedule.schedule
    client = client_as(demo.liverpool_manager)
    assert "Open the cycle" in body(client.get(url("cycle_open", schedule.pk)))
    response = client.post(url("cycle_open", schedule.pk), follow=True)
    cycle = MonitoringCycle.objects.get()
    assert response.redirect_chain[-1][0] == url("cycle_detail", cycle.pk)
    assert cycle.opens_on == timezone.localdate()
    assert cycle.opened_by == demo.liverpool_manager
    assert "Cycle 1 is open: 1 update request sent" in body(response)


def test_opening_again_the_same_day_finds_the_open_cycle(client_as, demo, month) -> None:
    response = client_as(demo.liverpool_manager).post(url("cycle_open", month.schedule.pk))
    assert response["Location"] == url("cycle_detail", month.cycle.pk)
    assert MonitoringCycle.objects.count() == 1


def test_a_member_who_runs_nothing_cannot_open_a_cycle(client_as, demo, cig_schedule) -> None:
    response = client_as(demo.police_lead).post(url("cycle_open", cig_schedule.schedule.pk))
    assert response.status_code == 403
    assert "business manager, chair or a subgroup chair" in body(response)
    assert not MonitoringCycle.objects.exists()


def test_a_stopped_schedule_opens_no_cycle(client_as, demo, cig_schedule) -> None:
    services.update_schedule(actor=demo.liverpool_manager, schedule=cig_schedule.schedule, is_active=False)
    response = client_as(demo.liverpool_manager).post(url("cycle_open", cig_schedule.schedule.pk))
    assert_refused_form(response, "This schedule is stopped")
    assert not MonitoringCycle.objects.exists()
