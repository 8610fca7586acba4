"""The tick: each registered job once per run, idempotent, surviving a crash part-way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from safeguard.core import notifications, tick
from safeguard.core.models import AuditEvent, Notification
from tests.core.conftest import london


@pytest.fixture
def clean_jobs() -> Iterator[None]:
    """Let a test register extra jobs without leaving them behind."""
    before = tick.registered_jobs()
    yield
    for name in set(tick.registered_jobs()) - set(before):
        tick.unregister_job(name)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the e-mail sends queued on commit, as the real transaction would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def easter_clock(make_rule, make_clock, practitioner):
    # Two working days from Thursday 2 April 2015: Good Friday and Easter Monday do not count, so it is
    # due at the end of Wednesday 8 April; one working day of warning makes it amber on Tuesday 7 April.
    rule = make_rule("test-two-days", limit=2, amber_within=1)
    return make_clock(rule=rule, started_at=london(2015, 4, 2, 10), owner=practitioner, url="/work/easter/")


def test_core_registers_the_clock_notification_job() -> None:
    assert "core.clock_notifications" in tick.registered_jobs()


def test_an_overdue_clock_notifies_its_owner(easter_clock, practitioner) -> None:
    tick.run_jobs(now=london(2015, 4, 9, 9))
    notification = Notification.objects.get(user=practitioner)
    assert notification.dedupe_key == f"clock:{easter_clock.pk}:overdue"


def test_the_notification_links_to_the_work(easter_clock, practitioner) -> None:
    tick.run_jobs(now=london(2015, 4, 9, 9))
    assert Notification.objects.get(user=practitioner).url == "/work/easter/"


def test_running_the_tick_twice_sends_one_notification_and_one_email(
    easter_clock, mailoutbox, on_commit
) -> None:
    on_commit(tick.run_jobs, now=london(2015, 4, 9, 9))
    on_commit(tick.run_jobs, now=london(2015, 4, 9, 10))
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_clock_is_due_soon_and_then_overdue_once_each(easter_clock) -> None:
    for now in (london(2015, 4, 7, 9), london(2015, 4, 7, 15), london(2015, 4, 9, 9), london(2015, 4, 10, 9)):
        tick.run_jobs(now=now)
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == [
        f"clock:{easter_clock.pk}:due_soon",
        f"clock:{easter_clock.pk}:overdue",
    ]


@pytest.mark.parametrize(
    "now",
    [london(2015, 4, 3, 12), london(2015, 4, 4, 12), london(2015, 4, 5, 12), london(2015, 4, 6, 12)],
    ids=["good-friday", "saturday", "easter-sunday", "easter-monday"],
)
def test_a_clock_frozen_over_easter_sends_nothing_before_its_warning_day(easter_clock, now) -> None:
    tick.run_jobs(now=now)
    assert not Notification.objects.exists()


def test_a_clock_frozen_over_easter_is_due_soon_on_the_tuesday(easter_clock) -> None:
    tick.run_jobs(now=london(2015, 4, 7, 9))
    assert Notification.objects.get().dedupe_key == f"clock:{easter_clock.pk}:due_soon"


def test_a_clock_is_not_overdue_late_on_its_due_day(easter_clock) -> None:
    tick.run_jobs(now=london(2015, 4, 8, 23, 30))
    assert not Notification.objects.filter(dedupe_key__endswith=":overdue").exists()


def test_a_met_clock_sends_nothing(easter_clock, practitioner) -> None:
    from safeguard.core.services import meet_clock

    meet_clock(actor=practitioner, clock=easter_clock, met_at=london(2015, 4, 3, 10))
    tick.run_jobs(now=london(2015, 4, 9, 9))
    assert not Notification.objects.exists()


def test_a_clock_without_an_owner_sends_nothing(make_rule, make_clock) -> None:
    make_clock(rule=make_rule(limit=1), started_at=london(2015, 4, 2, 10))
    tick.run_jobs(now=london(2015, 4, 20, 9))
    assert not Notification.objects.exists()


def test_the_tick_records_its_notices_as_the_tick_process(easter_clock) -> None:
    tick.run_jobs(now=london(2015, 4, 9, 9))
    event = AuditEvent.objects.get(action="clock.overdue_notified")
    assert (event.system_process, event.actor_id, event.target_id) == ("tick", None, str(easter_clock.pk))


def test_a_failing_job_does_not_undo_the_jobs_before_it(easter_clock, clean_jobs) -> None:
    def broken(*, now):
        raise RuntimeError("simulated crash")

    tick.register_job("tests.broken", broken)
    result = tick.run_jobs(now=london(2015, 4, 9, 9))
    assert result.failed == {"tests.broken": "RuntimeError"}
    assert Notification.objects.count() == 1


def test_rerunning_after_a_failing_job_sends_nothing_twice(
    easter_clock, clean_jobs, mailoutbox, on_commit
) -> None:
    def broken(*, now):
        raise RuntimeError("simulated crash")

    tick.register_job("tests.broken", broken)
    on_commit(tick.run_jobs, now=london(2015, 4, 9, 9))
    tick.unregister_job("tests.broken")
    on_commit(tick.run_jobs, now=london(2015, 4, 9, 9, 1))
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_crash_part_way_through_the_clocks_resumes_without_repeats(
    make_rule, make_clock, practitioner, monkeypatch, mailoutbox, on_commit
) -> None:
    rule = make_rule(limit=1)
    for _ in range(3):
        make_clock(rule=rule, started_at=london(2015, 4, 2, 10), owner=practitioner)
    real_notify = notifications.notify
    calls = {"n": 0}

    def notify_then_crash(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash")
        return real_notify(**kwargs)

    monkeypatch.setattr(notifications, "notify", notify_then_crash)
    first = on_commit(tick.run_jobs, now=london(2015, 4, 20, 9))
    assert first.failed and Notification.objects.count() == 1
    monkeypatch.setattr(notifications, "notify", real_notify)
    on_commit(tick.run_jobs, now=london(2015, 4, 20, 9, 1))
    assert Notification.objects.count() == 3
    assert len(mailoutbox) == 3


def test_the_tick_command_runs_the_jobs_once(easter_clock, clean_jobs) -> None:
    seen = []
    tick.register_job("tests.record", lambda *, now: seen.append(now) or 0)
    call_command("tick")
    assert len(seen) == 1


def test_the_tick_command_fails_when_a_job_fails(db, clean_jobs) -> None:
    def broken(*, now):
        raise RuntimeError("simulated crash")

    tick.register_job("tests.broken", broken)
    with pytest.raises(CommandError, match="failed"):
        call_command("tick", job=["tests.broken"])


def test_the_tick_command_refuses_an_unknown_job(db) -> None:
    with pytest.raises(CommandError, match="No tick job"):
        call_command("tick", job=["no.such.job"])


def test_the_tick_loop_stops_cleanly_on_ctrl_c(db, clean_jobs, monkeypatch, capsys) -> None:
    seen = []
    tick.register_job("tests.record", lambda *, now: seen.append(now) or 0)

    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("safeguard.core.management.commands.tick.time.sleep", interrupt)
    call_command("tick", loop=60)
    assert len(seen) == 1
    assert "Tick stopped." in capsys.readouterr().out


def test_a_clock_already_notified_overdue_is_not_read_again(easter_clock, django_assert_num_queries) -> None:
    tick.run_jobs(now=london(2015, 4, 9, 9))
    # One query finds no clock left to look at: no calendar, notification or audit queries follow.
    with django_assert_num_queries(1):
        tick.run_jobs(now=london(2015, 4, 9, 10), only=["core.clock_notifications"])
