"""The monitoring tick with a frozen clock: cycles open on their day, requests are reminded, chased and
escalated on the right working day across bank holidays, and nothing is sent twice, even after a crash.

The clock is frozen by passing `now` to `tick.run_jobs` (the jobs and services take it); times are
Europe/London, as the boards count their days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from safeguard.core import tick
from safeguard.core.models import Notification
from safeguard.monitoring import services
from safeguard.monitoring.models import Cadence, MonitoringCycle, RequestStatus, UpdateRequest
from safeguard.reviews import services as review_services
from safeguard.reviews.models import ClaimedProgress, ProgressUpdate
from tests.core.conftest import london

# --- Arrangements ----------------------------------------------------------------------------------


@pytest.fixture
def police(demo, child_n) -> SimpleNamespace:
    """Two agreed actions on the Merseyside Police plan (monitored by Liverpool's CIG): one led by the
    operational supervisor, one by the control-room supervisor."""
    due = timezone.localdate() + timedelta(days=400)
    actions = []
    for title, lead in (
        ("Train control-room staff on incident closure", demo.ops_supervisor),
        ("Audit incident closures each month", demo.control_supervisor),
    ):
        action = review_services.add_action(
            actor=demo.police_lead,
            plan=child_n.plan,
            title=title,
            lead_officer=lead,
            due_date=due,
            finding=child_n.finding,
        )
        review_services.add_success_criterion(
            actor=demo.police_lead, action=action, statement="Done", measure="Records", target="100%"
        )
        actions.append(action)
    review_services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    review_services.approve_plan(actor=demo.cig_chair, plan=child_n.plan)
    for action in actions:
        action.refresh_from_db()
    return SimpleNamespace(training=actions[0], audit=actions[1], **vars(child_n))


def make_schedule(demo, police, **fields: Any):
    """A CIG schedule over the police plan, set by the Liverpool business manager."""
    values = {"name": "CIG monthly updates", "cadence": Cadence.MONTHLY, **fields}
    return services.create_schedule(
        actor=demo.liverpool_manager, board=police.liverpool, subgroup=police.cig, **values
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Run what the tick queues on commit (the e-mail tasks; the immediate backend in tests)."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def monitoring_notifications() -> list[tuple[str, str]]:
    """(recipient e-mail, step) of every monitoring notification, in the order they were made."""
    return [
        (email, key.rsplit(":", 1)[1])
        for email, key in Notification.objects.filter(dedupe_key__startswith="cycle:")
        .order_by("pk")
        .values_list("user__email", "dedupe_key")
    ]


def monitoring_mails(mailoutbox) -> list[str]:
    """Recipients of the e-mails that point at monitoring pages."""
    return sorted(m.to[0] for m in mailoutbox if "/monitoring/" in m.body)


def crash_on_call(monkeypatch, n: int) -> None:
    """Make the n-th notification the monitoring services send raise, as a crash half-way would."""
    real = services.notify
    calls = {"count": 0}

    def flaky(**kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n:
            raise RuntimeError("simulated crash")
        return real(**kwargs)

    monkeypatch.setattr(services, "notify", flaky)


def walk(first: date, last: date, hours: tuple[int, ...] = (7,)) -> None:
    """Run the tick every day at these hours (weekends and bank holidays too, as cron does)."""
    day = first
    while day <= last:
        for hour in hours:
            tick.run_jobs(now=london(day.year, day.month, day.day, hour))
        day += timedelta(days=1)


# --- Opening cycles --------------------------------------------------------------------------------


def test_the_monitoring_jobs_are_registered_with_the_tick() -> None:
    jobs = tick.registered_jobs()
    assert {"monitoring.open_due_cycles", "monitoring.request_reminders"} <= set(jobs)


def test_a_schedule_opens_its_cycle_on_the_due_date(demo, police) -> None:
    schedule = make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 14, 7))
    cycle = MonitoringCycle.objects.get(schedule=schedule)
    assert (cycle.number, cycle.opens_on, cycle.opened_by) == (1, date(2026, 12, 14), None)
    assert set(cycle.requests.values_list("owner", flat=True)) == {
        demo.ops_supervisor.pk,
        demo.control_supervisor.pk,
    }


def test_a_schedule_opens_nothing_the_day_before(demo, police) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 13, 23, 59))
    assert not MonitoringCycle.objects.exists()
    assert not monitoring_notifications()


def test_the_due_date_is_londons_day_not_utcs(demo, police) -> None:
    # 00:30 on 1 June in London is still 31 May in UTC.
    make_schedule(demo, police, starts_on=date(2027, 6, 1))
    tick.run_jobs(now=london(2027, 5, 31, 23, 30))
    assert not MonitoringCycle.objects.exists()
    tick.run_jobs(now=london(2027, 6, 1, 0, 30))
    assert MonitoringCycle.objects.get().opens_on == date(2027, 6, 1)


def test_running_the_tick_twice_in_the_same_minute_opens_one_cycle_and_notifies_once(
    demo, police, mailoutbox, on_commit
) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    on_commit(tick.run_jobs, now=london(2026, 12, 14, 7, 0))
    on_commit(tick.run_jobs, now=london(2026, 12, 14, 7, 0))
    assert MonitoringCycle.objects.count() == 1
    assert UpdateRequest.objects.count() == 2
    assert sorted(monitoring_notifications()) == [
        (demo.control_supervisor.email, "request"),
        (demo.ops_supervisor.email, "request"),
    ]
    assert monitoring_mails(mailoutbox) == sorted([demo.control_supervisor.email, demo.ops_supervisor.email])


def test_a_crash_half_way_through_opening_loses_nothing_and_repeats_nothing(
    demo, police, mailoutbox, on_commit, monkeypatch
) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    crash_on_call(monkeypatch, 2)  # the first owner is notified, then the process dies
    result = on_commit(tick.run_jobs, now=london(2026, 12, 14, 7))
    assert result.failed == {"monitoring.open_due_cycles": "RuntimeError"}
    assert not MonitoringCycle.objects.exists()  # the half-opened cycle was rolled back whole
    assert not monitoring_notifications() and not monitoring_mails(mailoutbox)

    monkeypatch.undo()
    on_commit(tick.run_jobs, now=london(2026, 12, 14, 7, 5))
    on_commit(tick.run_jobs, now=london(2026, 12, 14, 7, 10))
    assert MonitoringCycle.objects.count() == 1 and UpdateRequest.objects.count() == 2
    assert sorted(monitoring_notifications()) == [
        (demo.control_supervisor.email, "request"),
        (demo.ops_supervisor.email, "request"),
    ]
    assert monitoring_mails(mailoutbox) == sorted([demo.control_supervisor.email, demo.ops_supervisor.email])


def test_a_crash_in_the_escalation_keeps_the_chasers_sent_and_escalates_once_on_the_rerun(
    demo, police, mailoutbox, on_commit, monkeypatch
) -> None:
    # Chase and escalate on the same day: the chasers go, then the escalation crashes.
    make_schedule(
        demo, police, starts_on=date(2026, 12, 14), chase_working_days_after=1, escalate_working_days_after=1
    )
    on_commit(tick.run_jobs, now=london(2026, 12, 14, 7))
    crash_on_call(monkeypatch, 3)  # two chasers, then the escalation to the business manager
    result = on_commit(tick.run_jobs, now=london(2026, 12, 31, 7))
    assert result.failed == {"monitoring.request_reminders": "RuntimeError"}
    assert [step for _, step in monitoring_notifications()].count("chase") == 2
    assert UpdateRequest.objects.filter(chased_at__isnull=False, escalated_at__isnull=True).count() == 2

    monkeypatch.undo()
    on_commit(tick.run_jobs, now=london(2026, 12, 31, 7, 5))
    on_commit(tick.run_jobs, now=london(2026, 12, 31, 7, 10))
    steps = [(email, step) for email, step in monitoring_notifications() if step != "request"]
    assert sorted(steps) == sorted(
        [
            (demo.ops_supervisor.email, "chase"),
            (demo.control_supervisor.email, "chase"),
            (demo.liverpool_manager.email, "escalation"),
        ]
    )
    # Two requests, two chasers and one escalation, each e-mailed once.
    assert len(monitoring_mails(mailoutbox)) == 5
    assert not UpdateRequest.objects.filter(escalated_at__isnull=True).exists()


# --- Reminders, chasers and escalation in working days ----------------------------------------------

# Each case: when the cycle opens, its timings, and the first day each step fires. The tick runs every
# day; a step that fires first on day D did not fire on the day before.
CALENDARS = {
    # Ten working days from Monday 14 December 2026 skip Christmas Day (Friday 25) and Boxing Day
    # observed (Monday 28): the deadline is Wednesday 30 December. Two working days before it is
    # Thursday 24 December; one after is Thursday 31 December; five after skip New Year's Day and the
    # weekend: Thursday 7 January 2027.
    "christmas-2026": (
        date(2026, 12, 14),
        {},
        date(2026, 12, 30),
        {"reminder": date(2026, 12, 24), "chase": date(2026, 12, 31), "escalation": date(2027, 1, 7)},
    ),
    # Eight working days from Monday 15 March 2027 end on Thursday 25 March, the day before Good
    # Friday. One working day after skips Good Friday, the weekend and Easter Monday: Tuesday 30 March.
    "easter-2027": (
        date(2027, 3, 15),
        {
            "response_working_days": 8,
            "reminder_working_days_before": 1,
            "chase_working_days_after": 1,
            "escalate_working_days_after": 3,
        },
        date(2027, 3, 25),
        {"reminder": date(2027, 3, 24), "chase": date(2027, 3, 30), "escalation": date(2027, 4, 1)},
    ),
}


@pytest.mark.parametrize("case", CALENDARS.values(), ids=CALENDARS.keys())
def test_each_step_fires_on_its_working_day_across_bank_holidays(demo, police, case) -> None:
    opens_on, timings, deadline, expected = case
    make_schedule(demo, police, starts_on=opens_on, **timings)
    first_sent: dict[str, date] = {}
    day = opens_on
    while day <= max(expected.values()) + timedelta(days=2):
        tick.run_jobs(now=london(day.year, day.month, day.day, 7))
        for _, step in monitoring_notifications():
            first_sent.setdefault(step, day)
        day += timedelta(days=1)
    assert MonitoringCycle.objects.get().deadline == deadline
    assert first_sent == {"request": opens_on, **expected}


@pytest.mark.parametrize("case", CALENDARS.values(), ids=CALENDARS.keys())
def test_each_step_is_sent_once_to_each_person_however_often_the_tick_runs(demo, police, case) -> None:
    opens_on, timings, _, expected = case
    make_schedule(demo, police, starts_on=opens_on, **timings)
    walk(opens_on, max(expected.values()) + timedelta(days=2), hours=(7, 7, 12, 18))
    assert sorted(monitoring_notifications()) == sorted(
        [
            (user.email, step)
            for user in (demo.ops_supervisor, demo.control_supervisor)
            for step in ("request", "reminder", "chase")
        ]
        + [(demo.liverpool_manager.email, "escalation")]
    )


def test_the_escalation_goes_to_the_board_business_manager(demo, police) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 14, 7))
    tick.run_jobs(now=london(2027, 1, 7, 7))
    escalation = Notification.objects.get(dedupe_key__endswith=":escalation")
    cycle = MonitoringCycle.objects.get()
    assert (escalation.user, escalation.url) == (demo.liverpool_manager, f"/monitoring/cycles/{cycle.pk}/")


def test_a_request_answered_on_its_page_is_not_chased(demo, police) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 14, 7))
    request = UpdateRequest.objects.get(action=police.training)
    services.answer_request(
        actor=demo.ops_supervisor,
        request=request,
        narrative="Half the staff trained.",
        claimed=ClaimedProgress.ON_TRACK,
        today=date(2026, 12, 18),
    )
    walk(date(2026, 12, 15), date(2027, 1, 8))
    steps = [(email, step) for email, step in monitoring_notifications() if step in {"chase", "reminder"}]
    assert sorted(steps) == [
        (demo.control_supervisor.email, "chase"),
        (demo.control_supervisor.email, "reminder"),
    ]
    request.refresh_from_db()
    assert (request.status, request.reminded_at, request.chased_at, request.escalated_at) == (
        RequestStatus.ANSWERED,
        None,
        None,
        None,
    )


def test_an_update_posted_on_the_action_page_answers_the_request_and_stops_the_chaser(demo, police) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 14, 7))
    update = review_services.post_update(
        actor=demo.ops_supervisor,
        action=police.training,
        narrative="Trained.",
        claimed=ClaimedProgress.ON_TRACK,
    )
    # Posted on the action page on Friday 18 December, in the frozen story.
    ProgressUpdate.objects.filter(pk=update.pk).update(written_at=london(2026, 12, 18, 10))
    tick.run_jobs(now=london(2026, 12, 31, 7))
    request = UpdateRequest.objects.get(action=police.training)
    assert (request.status, request.answer_id, request.chased_at) == (RequestStatus.ANSWERED, update.pk, None)
    assert (demo.ops_supervisor.email, "chase") not in monitoring_notifications()
    assert (demo.control_supervisor.email, "chase") in monitoring_notifications()


def test_an_update_written_after_the_ticks_moment_does_not_answer_the_request_yet(demo, police) -> None:
    make_schedule(demo, police, starts_on=date(2026, 12, 14))
    tick.run_jobs(now=london(2026, 12, 14, 7))
    update = review_services.post_update(
        actor=demo.ops_supervisor,
        action=police.training,
        narrative="Trained.",
        claimed=ClaimedProgress.ON_TRACK,
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(written_at=london(2027, 1, 4, 10))
    tick.run_jobs(now=london(2026, 12, 31, 7))
    request = UpdateRequest.objects.get(action=police.training)
    assert request.status == RequestStatus.REQUESTED and request.chased_at is not None


# --- Outages, set dates and end dates --------------------------------------------------------------


def test_a_tick_after_a_three_month_outage_opens_only_the_latest_due_cycle(demo, police) -> None:
    schedule = make_schedule(demo, police, starts_on=date(2027, 1, 4))
    tick.run_jobs(now=london(2027, 1, 4, 7))
    tick.run_jobs(now=london(2027, 4, 5, 7))  # nothing ran in February and March
    cycles = list(schedule.cycles.order_by("opens_on").values_list("number", "opens_on"))
    assert cycles == [(1, date(2027, 1, 4)), (2, date(2027, 4, 4))]
    latest = schedule.cycles.get(number=2)
    assert Notification.objects.filter(dedupe_key=f"cycle:{latest.pk}:request").count() == 2


def test_a_custom_cadence_opens_cycles_on_its_set_dates_only(demo, police) -> None:
    schedule = make_schedule(
        demo,
        police,
        cadence=Cadence.CUSTOM,
        starts_on=date(2027, 2, 1),
        custom_dates=[date(2027, 2, 10), date(2027, 5, 12)],
    )
    for day in (date(2027, 2, 9), date(2027, 2, 10), date(2027, 3, 10), date(2027, 4, 12), date(2027, 5, 12)):
        tick.run_jobs(now=london(day.year, day.month, day.day, 7))
    assert list(schedule.cycles.order_by("opens_on").values_list("opens_on", flat=True)) == [
        date(2027, 2, 10),
        date(2027, 5, 12),
    ]


def test_a_schedule_opens_nothing_after_its_end_date(demo, police) -> None:
    schedule = make_schedule(demo, police, starts_on=date(2027, 1, 4), ends_on=date(2027, 2, 20))
    for month in (1, 2, 3, 4):
        tick.run_jobs(now=london(2027, month, 4, 7))
    assert list(schedule.cycles.order_by("opens_on").values_list("opens_on", flat=True)) == [
        date(2027, 1, 4),
        date(2027, 2, 4),
    ]


def test_an_inactive_schedule_opens_nothing(demo, police) -> None:
    schedule = make_schedule(demo, police, starts_on=date(2027, 1, 4))
    services.update_schedule(actor=demo.liverpool_manager, schedule=schedule, is_active=False)
    tick.run_jobs(now=london(2027, 1, 4, 7))
    assert not MonitoringCycle.objects.exists()
