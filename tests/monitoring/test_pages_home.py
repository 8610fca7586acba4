"""The monitoring home: what each persona sees, the empty state, and its cost."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeguard.monitoring import services
from safeguard.monitoring.models import MonitoringCycle
from tests.monitoring.test_pages_common import assert_sign_in, body, count_queries, url
from tests.monitoring.test_pages_fixtures import *  # noqa: F403


def test_anonymous_is_sent_to_sign_in(client, db) -> None:
    assert_sign_in(client.get(url("home")))


def test_the_business_manager_sees_the_schedule_the_open_cycle_and_the_planned_meeting(
    client_as, demo, month, meeting
) -> None:
    page = body(client_as(demo.liverpool_manager).get(url("home")))
    assert "CIG monthly updates" in page
    assert "Monthly, from 5 January 2026" in page
    assert url("schedule_detail", month.schedule.pk) in page
    assert url("cycle_detail", month.cycle.pk) in page
    assert "Open: collecting updates" in page
    assert url("meeting_detail", meeting.pk) in page


def test_the_next_cycle_date_comes_from_the_schedule(client_as, demo, month) -> None:
    following = services.next_occurrence(month.schedule, after=timezone.localdate())
    page = body(client_as(demo.liverpool_manager).get(url("home")))
    assert f"{following:%-d %B %Y}" in page


def test_a_manager_is_offered_a_new_schedule_for_the_board_they_run(client_as, demo, month) -> None:
    page = body(client_as(demo.liverpool_manager).get(url("home")))
    assert f"{url('schedule_create')}?board={month.liverpool.pk}" in page


def test_a_member_who_runs_nothing_is_not_offered_a_new_schedule(client_as, demo, month) -> None:
    page = body(client_as(demo.police_lead).get(url("home")))  # a CIG member, not its chair
    assert "CIG monthly updates" in page
    assert url("schedule_create") not in page


def test_another_boards_manager_sees_none_of_it(client_as, demo, month) -> None:
    page = body(client_as(demo.lancashire_manager).get(url("home")))
    assert "CIG monthly updates" not in page
    assert url("cycle_detail", month.cycle.pk) not in page


def test_someone_who_serves_no_board_gets_an_empty_state_and_their_requests(client_as, demo, month) -> None:
    response = client_as(demo.ops_supervisor).get(url("home"))
    page = body(response)
    assert response.status_code == 200
    assert "You do not serve on a board" in page
    assert "You have 1 progress update to send." in page
    assert url("request_list") in page
    assert "CIG monthly updates" not in page


def test_a_closed_cycle_is_listed_with_its_snapshot_and_board_pack(client_as, demo, month, meeting) -> None:
    services.close_cycle(actor=demo.liverpool_manager, cycle=month.cycle)
    page = body(client_as(demo.liverpool_manager).get(url("home")))
    assert "Recently closed cycles" in page
    assert "Closed: snapshot taken" in page
    assert "(1 action)" in page
    assert f"/monitoring/meetings/{meeting.pk}/board-pack/" in page


def test_the_home_page_costs_the_same_with_1_and_20_open_cycles(client_as, demo, month) -> None:
    client = client_as(demo.liverpool_manager)
    client.get(url("home"))  # fills the process caches (content types, calendars)
    one = count_queries(client, url("home"))
    today = timezone.localdate()
    MonitoringCycle.objects.bulk_create(
        MonitoringCycle(
            schedule=month.schedule,
            number=month.cycle.number + i + 1,
            opens_on=today - timedelta(days=i + 1),
            deadline=today,
        )
        for i in range(19)
    )
    assert count_queries(client, url("home")) == one
