"""Clocks: started from a rule through the calendar, met on time or with a reason, rated RAG."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from safeguard.core.audit import AuditError
from safeguard.core.calendar import end_of_day
from safeguard.core.clocks import clock_inbox_items, clock_rag
from safeguard.core.inbox import Rag
from safeguard.core.models import AuditEvent, Clock, TimescaleRule, TimescaleUnit
from safeguard.core.services import meet_clock, record_clock_breach_reason, start_clock
from tests.core.conftest import london

# Starting ------------------------------------------------------------------------------------------


def test_an_icpc_clock_is_due_fifteen_working_days_after_the_strategy_discussion(make_clock) -> None:
    clock = make_clock(rule=TimescaleRule.objects.get(code="icpc"), started_at=london(2015, 4, 2, 10))
    # Good Friday and Easter Monday 2015 do not count.
    assert clock.due_at == end_of_day(date(2015, 4, 27))


def test_a_clock_can_be_started_from_the_rule_code(subject) -> None:
    clock = start_clock(
        system_process="tests",
        rule="referral-decision",
        subject=subject,
        started_at=london(2015, 4, 3, 10),
        title="Decide on the referral",
    )
    assert clock.due_at == end_of_day(date(2015, 4, 7))


def test_an_unknown_rule_code_is_refused(subject) -> None:
    with pytest.raises(ValidationError):
        start_clock(
            system_process="tests",
            rule="no-such-rule",
            subject=subject,
            started_at=london(2015, 4, 3),
            title="x",
        )


def test_a_mash_red_clock_counts_working_hours(make_clock) -> None:
    clock = make_clock(rule=TimescaleRule.objects.get(code="mash-red"), started_at=london(2015, 4, 2, 15))
    assert clock.due_at == london(2015, 4, 7, 11)


def test_starting_a_clock_writes_an_audit_event_naming_the_process(make_clock) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    event = AuditEvent.objects.get(action="clock.started", target_id=str(clock.pk))
    assert event.system_process == "tests"
    assert event.changes["rule"] == "test-rule"


def test_starting_a_clock_without_an_actor_or_process_saves_nothing(make_rule, subject) -> None:
    with pytest.raises(AuditError):
        start_clock(rule=make_rule(), subject=subject, started_at=london(2015, 4, 2), title="Assess")
    assert not Clock.objects.exists()


def test_a_clock_in_wales_uses_the_welsh_calendar(make_clock) -> None:
    clock = make_clock(started_at=london(2015, 4, 3, 10), jurisdiction="WLS")
    assert clock.jurisdiction == "WLS"
    assert clock.due_at == end_of_day(date(2015, 4, 13))


# Meeting -------------------------------------------------------------------------------------------


def test_a_clock_met_on_time_is_blue(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 4, 7, 10))
    clock.refresh_from_db()
    assert clock_rag(clock, now=london(2015, 5, 1)) == Rag.BLUE


def test_meeting_a_clock_writes_an_audit_event_by_the_user(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 4, 7, 10))
    assert AuditEvent.objects.get(action="clock.met", target_id=str(clock.pk)).actor == practitioner


def test_a_clock_met_late_without_a_reason_is_refused(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    with pytest.raises(ValidationError, match="Give the reason the timescale was missed"):
        meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 5, 1, 10))


def test_a_refused_late_meeting_changes_nothing(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    with pytest.raises(ValidationError):
        meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 5, 1, 10))
    clock.refresh_from_db()
    assert clock.met_at is None
    assert not AuditEvent.objects.filter(action="clock.met").exists()


def test_a_clock_met_late_with_a_reason_keeps_the_reason(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    meet_clock(
        actor=practitioner, clock=clock, met_at=london(2015, 5, 1, 10), breach_reason="Family unavailable"
    )
    clock.refresh_from_db()
    assert clock.breach_reason == "Family unavailable"


def test_a_reason_recorded_before_meeting_lets_a_late_clock_be_met(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    record_clock_breach_reason(
        actor=practitioner, clock=clock, reason="Chair unavailable", now=london(2015, 4, 20, 10)
    )
    meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 4, 21, 10))
    clock.refresh_from_db()
    assert clock.met_at == london(2015, 4, 21, 10)


def test_a_clock_cannot_be_met_twice(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 4, 7, 10))
    with pytest.raises(ValidationError, match="already been met"):
        meet_clock(actor=practitioner, clock=clock, met_at=london(2015, 4, 8, 10))


def test_a_breach_reason_is_refused_for_a_clock_that_was_not_missed(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    with pytest.raises(ValidationError, match="not been missed"):
        record_clock_breach_reason(actor=practitioner, clock=clock, reason="x", now=london(2015, 4, 7, 10))


def test_recording_a_breach_reason_is_audited_with_the_reason(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    record_clock_breach_reason(actor=practitioner, clock=clock, reason="Sickness", now=london(2015, 5, 1))
    event = AuditEvent.objects.get(action="clock.breach_reason_recorded")
    assert event.reason == "Sickness"


def test_an_empty_breach_reason_is_refused(make_clock, practitioner) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    with pytest.raises(ValidationError, match="Give the reason"):
        record_clock_breach_reason(actor=practitioner, clock=clock, reason="  ", now=london(2015, 5, 1))


# RAG -----------------------------------------------------------------------------------------------


def test_an_open_clock_past_its_due_time_is_red(make_clock) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))  # 5 working days over Easter: due Mon 13 April
    assert clock_rag(clock, now=london(2015, 4, 14, 0, 1)) == Rag.RED


def test_an_open_clock_on_its_due_day_is_amber(make_clock) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    assert clock_rag(clock, now=london(2015, 4, 13, 16)) == Rag.AMBER


def test_an_open_clock_well_before_its_due_time_is_green(make_clock) -> None:
    clock = make_clock(started_at=london(2015, 4, 2, 10))
    assert clock_rag(clock, now=london(2015, 4, 7, 10)) == Rag.GREEN


def test_the_amber_window_counts_working_days_over_a_weekend(make_rule, make_clock) -> None:
    # Due Monday 20 April; one working day of warning starts on the Friday before, not on the Sunday.
    rule = make_rule(limit=5, amber_within=1)
    clock = make_clock(rule=rule, started_at=london(2015, 4, 13, 10))
    assert clock_rag(clock, now=london(2015, 4, 17, 10)) == Rag.AMBER


def test_the_day_before_the_amber_window_is_green(make_rule, make_clock) -> None:
    rule = make_rule(limit=5, amber_within=1)
    clock = make_clock(rule=rule, started_at=london(2015, 4, 13, 10))
    assert clock_rag(clock, now=london(2015, 4, 16, 10)) == Rag.GREEN


def test_the_amber_window_of_an_hours_rule_counts_hours(make_rule, make_clock) -> None:
    rule = make_rule("test-hours", unit=TimescaleUnit.HOURS, limit=72, amber_within=12)
    clock = make_clock(rule=rule, started_at=london(2015, 4, 2, 10))
    assert clock_rag(clock, now=london(2015, 4, 4, 22, 30)) == Rag.AMBER
    assert clock_rag(clock, now=london(2015, 4, 4, 21, 30)) == Rag.GREEN


def test_the_inbox_lists_only_the_users_open_clocks(make_clock, practitioner, admin_user) -> None:
    mine = make_clock(started_at=london(2015, 4, 2, 10), owner=practitioner)
    make_clock(started_at=london(2015, 4, 2, 10), owner=admin_user)
    done = make_clock(started_at=london(2015, 4, 2, 10), owner=practitioner)
    meet_clock(actor=practitioner, clock=done, met_at=london(2015, 4, 3, 10))
    items = clock_inbox_items(practitioner, now=london(2015, 4, 7, 10))
    assert [item.reference for item in items] == [f"clock:{mine.pk}"]


# Seeded rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "unit", "limit"),
    [
        ("cspr-serious-incident-notification", TimescaleUnit.WORKING_DAYS, 5),
        ("scr-serious-incident-notification", TimescaleUnit.WORKING_DAYS, 5),
        ("rapid-review", TimescaleUnit.WORKING_DAYS, 15),
        ("referral-decision", TimescaleUnit.WORKING_DAYS, 1),
        ("single-assessment", TimescaleUnit.WORKING_DAYS, 45),
        ("icpc", TimescaleUnit.WORKING_DAYS, 15),
        ("first-core-group", TimescaleUnit.WORKING_DAYS, 10),
        ("lado-referral", TimescaleUnit.WORKING_DAYS, 1),
        ("mash-red", TimescaleUnit.WORKING_HOURS, 4),
        ("mash-amber", TimescaleUnit.WORKING_HOURS, 24),
        ("mash-green", TimescaleUnit.HOURS, 72),
        ("escalation-stage-1", TimescaleUnit.WORKING_DAYS, 5),
        ("review-publication", TimescaleUnit.MONTHS, 6),
    ],
)
def test_the_default_timescales_are_seeded(db, code: str, unit: str, limit: int) -> None:
    rule = TimescaleRule.objects.get(code=code)
    assert (rule.unit, rule.limit) == (unit, limit)
    assert rule.source


def test_seeding_the_timescales_again_restores_defaults_without_duplicates(db) -> None:
    migration = importlib.import_module("safeguard.core.migrations.0003_default_timescales")
    TimescaleRule.objects.filter(code="icpc").update(limit=99)
    count = TimescaleRule.objects.count()
    migration.seed_rules(django_apps, None)
    assert TimescaleRule.objects.count() == count
    assert TimescaleRule.objects.get(code="icpc").limit == 15
