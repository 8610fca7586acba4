"""Setting a monitoring schedule: every bad input gets its own message, and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguard.core.models import AuditEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import Cadence, MonitoringSchedule
from tests.reviews.conftest import agreed_action


def _create(demo, child_n, **changes: Any) -> MonitoringSchedule:
    """A valid CIG schedule for Liverpool with `changes` applied: "@key" names a child_n object and an actor
    given as a string names a persona."""
    values: dict[str, Any] = {
        "actor": demo.liverpool_manager,
        "board": child_n.liverpool,
        "subgroup": child_n.cig,
        "name": "CIG monthly updates",
        "cadence": Cadence.MONTHLY,
        "starts_on": date(2027, 1, 4),
    }
    for key, value in changes.items():
        if key == "actor" and isinstance(value, str):
            value = getattr(demo, value)
        values[key] = (
            getattr(child_n, value[1:]) if isinstance(value, str) and value.startswith("@") else value
        )
    return services.create_schedule(**values)


def _nothing_written(before: int) -> None:
    """Only the `before` schedules made by the test's arrangement exist, each with its one audit event."""
    assert MonitoringSchedule.objects.count() == before
    assert AuditEvent.objects.filter(action="monitoring.schedule_created").count() == before


BAD_INPUTS = {
    "set-dates-before-the-start": (
        {"cadence": Cadence.CUSTOM, "starts_on": date(2027, 3, 1), "custom_dates": [date(2027, 1, 10)]},
        "custom_dates",
        "This schedule never opens a cycle: no date falls between its start and its end.",
    ),
    "set-dates-after-the-end": (
        {
            "cadence": Cadence.CUSTOM,
            "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 2, 1),
            "custom_dates": [date(2027, 6, 1)],
        },
        "custom_dates",
        "This schedule never opens a cycle: no date falls between its start and its end.",
    ),
    "custom-cadence-without-dates": (
        {"cadence": Cadence.CUSTOM},
        "custom_dates",
        "Enter at least one date for a schedule on set dates.",
    ),
    "set-dates-with-a-monthly-cadence": (
        {"custom_dates": [date(2027, 2, 1)]},
        "custom_dates",
        "Set dates are only used with the \u201cOn set dates\u201d cadence.",
    ),
    "unknown-cadence": ({"cadence": "fortnightly"}, "cadence", "Choose how often updates are asked for."),
    "ends-before-it-starts": (
        {"ends_on": date(2026, 12, 1)},
        "ends_on",
        "The end date must be on or after the start date.",
    ),
    "no-start-date": ({"starts_on": None}, "starts_on", "Enter the date the first cycle opens."),
    "blank-name": (
        {"name": "  "},
        "name",
        "Enter a name for the schedule, for example \u201cSCR subgroup updates\u201d.",
    ),
    "no-subgroup": ({"subgroup": None}, "subgroup", "Choose the subgroup that monitors these plans."),
    "subgroup-of-another-board": ({"subgroup": "@scr"}, "subgroup", "Choose a subgroup of Liverpool LSCB."),
    "plan-monitored-by-another-subgroup": (
        {"actor": "lancashire_manager", "board": "@lancashire", "subgroup": "@scr", "plan": "@plan"},
        "plan",
        "This plan is monitored by a different subgroup.",
    ),
    "negative-response-days": (
        {"response_working_days": -1},
        "response_working_days",
        "Enter a whole number of working days from 0 to 60.",
    ),
    "negative-reminder-days": (
        {"reminder_working_days_before": -2},
        "reminder_working_days_before",
        "Enter a whole number of working days from 0 to 60.",
    ),
    "negative-chase-days": (
        {"chase_working_days_after": -1},
        "chase_working_days_after",
        "Enter a whole number of working days from 0 to 60.",
    ),
    "too-many-escalation-days": (
        {"escalate_working_days_after": 61},
        "escalate_working_days_after",
        "Enter a whole number of working days from 0 to 60.",
    ),
    "no-time-to-answer": (
        {"response_working_days": 0},
        "response_working_days",
        "Give owners at least one working day to answer.",
    ),
    "summary-to-its-own-board": (
        {"cross_board_recipient": "@liverpool"},
        "cross_board_recipient",
        "Choose another board to receive the summary.",
    ),
    "summary-without-a-recipient": (
        {"summary_every_cycles": 3},
        "cross_board_recipient",
        "Choose the board that receives the summary.",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_a_bad_schedule_gets_its_message_and_nothing_is_written(demo, child_n, case) -> None:
    changes, field, message = case
    with pytest.raises(ValidationError) as refused:
        _create(demo, child_n, **changes)
    assert message in refused.value.message_dict[field]
    _nothing_written(0)


def test_a_second_active_schedule_for_the_same_subgroup_is_refused(demo, child_n) -> None:
    _create(demo, child_n)
    with pytest.raises(ValidationError) as refused:
        _create(demo, child_n, name="Another CIG schedule", cadence=Cadence.QUARTERLY)
    assert refused.value.message_dict == {
        "subgroup": ["An active schedule already covers this; change that one instead."]
    }
    _nothing_written(1)


def test_a_second_active_schedule_for_the_same_plan_is_refused(demo, child_n) -> None:
    _create(demo, child_n, plan="@plan", name="Police plan, quarterly", cadence=Cadence.QUARTERLY)
    with pytest.raises(ValidationError) as refused:
        _create(demo, child_n, plan="@plan", name="Police plan again")
    assert refused.value.message_dict == {
        "plan": ["An active schedule already covers this; change that one instead."]
    }
    _nothing_written(1)


def test_a_plan_with_a_rhythm_of_its_own_leaves_the_subgroups_schedule(demo, child_n) -> None:
    agreed_action(demo, child_n)
    general = _create(demo, child_n)
    assert list(services.plans_for(general)) == [child_n.plan]
    own = _create(demo, child_n, plan="@plan", name="Police plan, quarterly", cadence=Cadence.QUARTERLY)
    assert list(services.plans_for(general)) == []
    assert list(services.plans_for(own)) == [child_n.plan]


@pytest.mark.parametrize("persona", ["police_lead", "scr_chair", "lancashire_manager", "auditor"])
def test_only_the_boards_managers_and_subgroup_chairs_set_schedules(demo, child_n, persona) -> None:
    with pytest.raises(PermissionDenied):
        _create(demo, child_n, actor=getattr(demo, persona))
    _nothing_written(0)


def test_the_cig_chair_may_set_the_cig_schedule(demo, child_n) -> None:
    schedule = _create(demo, child_n, actor=demo.cig_chair)
    assert schedule.created_by == demo.cig_chair
    assert AuditEvent.objects.filter(
        action="monitoring.schedule_created", target_id=str(schedule.pk)
    ).exists()


def test_set_dates_are_stored_once_and_in_order(demo, child_n) -> None:
    schedule = _create(
        demo,
        child_n,
        cadence=Cadence.CUSTOM,
        custom_dates=[date(2027, 5, 12), date(2027, 2, 10), date(2027, 5, 12)],
    )
    assert schedule.custom_dates == ["2027-02-10", "2027-05-12"]


def test_a_bad_change_to_a_schedule_is_refused_and_nothing_changes(demo, child_n) -> None:
    schedule = _create(demo, child_n)
    with pytest.raises(ValidationError) as refused:
        services.update_schedule(actor=demo.liverpool_manager, schedule=schedule, response_working_days=-3)
    assert refused.value.message_dict == {
        "response_working_days": ["Enter a whole number of working days from 0 to 60."]
    }
    schedule.refresh_from_db()
    assert (schedule.response_working_days, schedule.version) == (10, 1)
    assert not AuditEvent.objects.filter(action="monitoring.schedule_changed").exists()
