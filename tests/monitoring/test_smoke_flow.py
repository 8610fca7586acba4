from datetime import UTC, date, datetime

from safeguard.monitoring import services
from safeguard.monitoring.models import AgendaReason, CycleStatus, DecisionKind, RequestStatus


def test_a_month_of_monitoring_runs_end_to_end(demo, cig_schedule):
    s = cig_schedule
    cycle, created = services.open_cycle(schedule=s.schedule, opens_on=date(2026, 11, 2))
    assert created
    request = cycle.requests.get()
    assert request.owner == demo.ops_supervisor
    services.answer_request(
        actor=demo.ops_supervisor,
        request=request,
        narrative="Training booked",
        claimed="on_track",
        proposed_due_date=date(2027, 6, 30),
        proposed_reason="Trainer availability",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=cycle, held_on=date(2026, 11, 20))
    reasons = list(meeting.items.values_list("reason", flat=True))
    assert AgendaReason.REPROGRAMMING in reasons
    item = meeting.items.get(reason=AgendaReason.REPROGRAMMING)
    other_member = [m.user for m in s.cig.memberships.all() if m.user != demo.police_lead and not m.is_chair]
    print([u.email for u in other_member])
    services.record_decision(actor=demo.cig_chair, item=item, kind=DecisionKind.APPROVE_REPROGRAMMING)
    s.action.refresh_from_db()
    assert s.action.due_date == date(2027, 6, 30)
    snapshot = services.close_cycle(
        actor=demo.liverpool_manager, cycle=cycle, now=datetime(2026, 11, 25, 12, tzinfo=UTC)
    )
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    assert snapshot.rows.count() == 1


def test_closing_every_third_cycle_tells_the_business_manager_a_summary_is_due(demo, cig_schedule):
    from safeguard.core.models import Notification
    from safeguard.monitoring.models import MonitoringSchedule

    s = cig_schedule
    MonitoringSchedule.objects.filter(pk=s.schedule.pk).update(
        cross_board_recipient=s.lancashire, summary_every_cycles=3
    )
    s.schedule.refresh_from_db()
    due = []
    for month in (9, 10, 11):
        cycle, _ = services.open_cycle(schedule=s.schedule, opens_on=date(2026, month, 1))
        services.close_cycle(actor=demo.liverpool_manager, cycle=cycle)
        due.append(
            Notification.objects.filter(
                user=demo.liverpool_manager, dedupe_key=f"cycle:{cycle.pk}:summary_due"
            ).exists()
        )
    assert due == [False, False, True]
