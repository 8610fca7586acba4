"""The monitoring demo: the seed's two schedules mid-way through a month, loaded through the services."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safeguard.core import inbox, tick
from safeguard.core.audit import check_chain
from safeguard.core.models import AuditEvent, Notification
from safeguard.monitoring.demo import LANCASHIRE_SCHEDULE, LIVERPOOL_SCHEDULE, load_monitoring_demo
from safeguard.monitoring.models import (
    AgendaItem,
    AgendaReason,
    Cadence,
    CycleStatus,
    Decision,
    Meeting,
    MeetingStatus,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    ReportKind,
    RequestStatus,
    Snapshot,
    SnapshotRow,
    UpdateRequest,
)
from safeguard.people.demo import load_demo, registered_demo_loaders
from safeguard.reviews.demo import load_child_n_review
from safeguard.reviews.models import ProgressUpdate


@pytest.fixture
def loaded(db) -> SimpleNamespace:
    result = load_demo()
    users = SimpleNamespace(**result["users"])
    return SimpleNamespace(
        result=result["loaders"]["safeguard.monitoring.demo.load_monitoring_demo"],
        users=users,
        boards=SimpleNamespace(**result["boards"]),
        subgroups=SimpleNamespace(**result["subgroups"]),
        lancashire=MonitoringSchedule.objects.get(name=LANCASHIRE_SCHEDULE),
        liverpool=MonitoringSchedule.objects.get(name=LIVERPOOL_SCHEDULE),
    )


def _counts() -> tuple[int, ...]:
    return (
        MonitoringSchedule.objects.count(),
        MonitoringCycle.objects.count(),
        UpdateRequest.objects.count(),
        Snapshot.objects.count(),
        SnapshotRow.objects.count(),
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        ReportDelivery.objects.count(),
        ProgressUpdate.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_monitoring_loader_runs_after_the_reviews_demo() -> None:
    loaders = registered_demo_loaders()
    assert loaders.index(load_child_n_review) < loaders.index(load_monitoring_demo)


def test_the_lancashire_schedule_is_every_other_month_by_the_scr_subgroup(loaded) -> None:
    schedule = loaded.lancashire
    assert (schedule.board, schedule.subgroup, schedule.cadence) == (
        loaded.boards.lancashire,
        loaded.subgroups.lancashire_scr,
        Cadence.EVERY_OTHER_MONTH,
    )
    assert schedule.plan is None and schedule.cross_board_recipient is None


def test_the_liverpool_schedule_is_monthly_by_the_cig_with_a_quarterly_summary_to_lancashire(loaded) -> None:
    schedule = loaded.liverpool
    assert (schedule.board, schedule.subgroup, schedule.cadence) == (
        loaded.boards.liverpool,
        loaded.subgroups.liverpool_cig,
        Cadence.MONTHLY,
    )
    assert (schedule.cross_board_recipient, schedule.summary_every_cycles) == (loaded.boards.lancashire, 3)


def test_the_demo_has_two_closed_cycles_per_schedule_and_the_liverpool_month_open(loaded) -> None:
    today = timezone.localdate()
    by_schedule = Counter(
        (cycle.schedule.name, cycle.status) for cycle in MonitoringCycle.objects.select_related("schedule")
    )
    assert by_schedule == {
        (LANCASHIRE_SCHEDULE, CycleStatus.CLOSED): 2,
        (LIVERPOOL_SCHEDULE, CycleStatus.CLOSED): 2,
        (LIVERPOOL_SCHEDULE, CycleStatus.OPEN): 1,
    }
    current = loaded.liverpool.cycles.get(status=CycleStatus.OPEN)
    assert current.number == 3 and current.opens_on < today
    assert Snapshot.objects.filter(cycle__status=CycleStatus.CLOSED).count() == 4
    assert loaded.result == {
        "created": True,
        "schedules": 2,
        "cycles": 5,
        "snapshots": 4,
        "meetings": 1,
        "agenda_items": AgendaItem.objects.count(),
        "deliveries": 1,
    }


def test_the_past_cycles_happened_in_the_past_in_order(loaded) -> None:
    now = timezone.now()
    for schedule in (loaded.lancashire, loaded.liverpool):
        closed = list(schedule.cycles.filter(status=CycleStatus.CLOSED).order_by("opens_on"))
        assert [c.number for c in closed] == [1, 2]
        for cycle in closed:
            assert cycle.opened_at < cycle.closed_at < now
            assert cycle.snapshot.taken_on == timezone.localtime(cycle.closed_at).date()
            answered = cycle.requests.filter(status=RequestStatus.ANSWERED)
            assert all(cycle.opened_at < r.answered_at < cycle.closed_at for r in answered)
            assert all(r.answer.written_at == r.answered_at for r in answered)
        assert closed[0].closed_at < closed[1].opened_at


def test_the_snapshots_hold_answers_on_time_late_and_missing_for_the_trend_charts(loaded) -> None:
    for snapshot in Snapshot.objects.all():
        requested = snapshot.rows.filter(action__update_requests__cycle=snapshot.cycle)
        kinds = Counter(
            "on time" if row.updated_on_time else "late" if row.updated_in_cycle else "missing"
            for row in requested
        )
        assert kinds["on time"] >= 2 and kinds["late"] >= 1 and kinds["missing"] >= 1, snapshot
    rags = {s.pk: Counter(s.rows.values_list("rag", flat=True)) for s in Snapshot.objects.all()}
    assert len({tuple(sorted(c.items())) for c in rags.values()}) > 1  # the RAG trend is not flat
    assert any(c["blue"] for c in rags.values()) and any(c["amber"] for c in rags.values())


def test_a_past_cycle_has_a_request_for_a_new_date(loaded) -> None:
    asked = UpdateRequest.objects.filter(cycle__status=CycleStatus.CLOSED, proposed_due_date__isnull=False)
    assert asked.count() == 1
    request = asked.get()
    assert request.proposed_reason and request.proposed_due_date > request.action.due_date


def test_the_upcoming_cig_meeting_has_an_agenda_with_every_reason(loaded) -> None:
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.held_on > timezone.localdate()
    assert meeting.subgroup == loaded.subgroups.liverpool_cig
    assert meeting.cycle == loaded.liverpool.cycles.get(status=CycleStatus.OPEN)
    assert set(meeting.items.values_list("reason", flat=True)) == set(AgendaReason.values)
    reprogramming = meeting.items.get(reason=AgendaReason.REPROGRAMMING)
    assert reprogramming.request.proposed_due_date > reprogramming.action.due_date


def test_the_last_closed_liverpool_snapshot_was_delivered_to_lancashire(loaded) -> None:
    delivery = ReportDelivery.objects.get()
    last_closed = loaded.liverpool.cycles.filter(status=CycleStatus.CLOSED).order_by("-opens_on").first()
    assert delivery.kind == ReportKind.CROSS_BOARD_SUMMARY
    assert (delivery.from_board, delivery.to_board) == (loaded.boards.liverpool, loaded.boards.lancashire)
    assert delivery.snapshot == last_closed.snapshot
    assert delivery.sent_by == loaded.users.cig_chair
    assert list(delivery.recipients.all()) == [loaded.users.lancashire_manager]
    assert Notification.objects.filter(
        user=loaded.users.lancashire_manager, url=f"/monitoring/deliveries/{delivery.pk}/"
    ).exists()


def test_the_requests_were_answered_by_the_lead_officers_and_agency_leads(loaded) -> None:
    authors = set(
        UpdateRequest.objects.filter(answer__isnull=False, answered_at__lt=timezone.now())
        .values_list("answer__author__email", flat=True)
        .distinct()
    )
    users = loaded.users
    assert {users.cig_chair.email, users.scr_chair.email}.isdisjoint(authors)
    assert {users.police_lead.email, users.control_supervisor.email, users.nursery_dsl.email} <= authors


def test_the_cig_chair_my_work_has_the_meeting_decisions_and_no_updates_to_give(loaded) -> None:
    items = inbox.items_for(loaded.users.cig_chair)
    kinds = Counter(item.kind for item in items)
    assert kinds["Progress updates"] == 0  # the chair owes no updates
    meeting = Meeting.objects.get()
    evidence_on_agenda = set(
        meeting.items.filter(reason=AgendaReason.EVIDENCE).values_list("action_id", flat=True)
    )
    evidence_in_my_work = {int(item.url.split("/")[2]) for item in items if item.kind == "Evidence to decide"}
    assert evidence_on_agenda <= evidence_in_my_work
    assert kinds["Impact to assess"] >= 1


def test_the_police_lead_my_work_asks_for_the_stale_police_update(loaded) -> None:
    current = loaded.liverpool.cycles.get(status=CycleStatus.OPEN)
    items = [i for i in inbox.items_for(loaded.users.police_lead) if i.kind == "Progress updates"]
    assert [(i.title, i.url) for i in items] == [
        ("1 progress update requested", f"/monitoring/requests/?cycle={current.pk}")
    ]
    assert current.requests.get(owner=loaded.users.police_lead, status=RequestStatus.REQUESTED).is_stale


def test_a_tick_just_after_loading_opens_no_cycle(loaded) -> None:
    before = MonitoringCycle.objects.count()
    tick.run_jobs(now=timezone.now(), only=["monitoring.open_due_cycles"])
    assert MonitoringCycle.objects.count() == before


def test_loading_the_demo_twice_changes_nothing(loaded) -> None:
    before = _counts()
    again = load_demo()
    assert _counts() == before
    assert again["loaders"]["safeguard.monitoring.demo.load_monitoring_demo"] == {"created": False}
    assert check_chain().intact


def test_the_load_demo_command_loads_the_monitoring_demo_and_says_so_once(db) -> None:
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)
    assert "Created 2 monitoring schedules with 5 cycles" in first.getvalue()
    assert "The monitoring demo is already loaded; nothing changed." in second.getvalue()
    assert MonitoringSchedule.objects.count() == 2


def test_without_the_review_the_monitoring_demo_writes_nothing(demo) -> None:
    partnership = {"users": demo.users}
    assert load_monitoring_demo(partnership=partnership) == {"created": False}
    assert not MonitoringSchedule.objects.exists()


ADMIN_MODELS = (
    MonitoringSchedule,
    MonitoringCycle,
    UpdateRequest,
    Meeting,
    Decision,
    Snapshot,
    SnapshotRow,
    ReportDelivery,
)


def test_the_admin_shows_every_monitoring_record_of_the_demo_read_only(loaded, client_as) -> None:
    client = client_as(loaded.users.admin)
    for model in ADMIN_MODELS:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"{name}_add")).status_code == 403, name
        obj = model.objects.order_by("pk").first()
        if obj is None:  # the demo records no decision: the chair takes them at the meeting
            continue
        page = client.get(reverse(f"{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content, name
        assert client.get(reverse(f"{name}_delete", args=[obj.pk])).status_code == 403, name
