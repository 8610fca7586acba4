"""Shared by the monitoring API tests (no tests of its own): a month of Liverpool CIG monitoring built
through the services, and a token client per persona.

The month: the CIG's monthly schedule over Merseyside Police's plan for the Child N test review (one agreed
action led by the ops supervisor), its November cycle open with one update request. Personas:
liverpool_manager and cig_chair run it; police_lead answers for the owning agency and sits on the CIG;
auditor serves the Liverpool board without running anything (the wrong role); lancashire_manager serves
the other board (sees none of it); nursery_dsl works in the partnership but serves no board.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import AgendaReason
from tests.reviews.api_helpers import Api

__all__ = ["Api", "anonymous", "audit_count", "open_month", "queries", "today"]

OPENS_ON = date(2026, 11, 2)


def today() -> date:
    return timezone.localdate()


def anonymous() -> Client:
    return Client()


def audit_count() -> int:
    return AuditEvent.objects.count()


def queries(api: Api, path: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, {"limit": 100, **(params or {})})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def open_month(cig_schedule: SimpleNamespace) -> SimpleNamespace:
    """The CIG's November cycle, open, with one update request to the ops supervisor. Each test module's
    `month` fixture returns it (a fixture imported from another module would read as unused to the linter)."""
    cycle, _ = services.open_cycle(schedule=cig_schedule.schedule, opens_on=OPENS_ON)
    return SimpleNamespace(**vars(cig_schedule), cycle=cycle, request=cycle.requests.get())


def answered_with_new_date(demo: Any, month: SimpleNamespace) -> Any:
    return services.answer_request(
        actor=demo.ops_supervisor,
        request=month.request,
        narrative="Training booked",
        claimed="on_track",
        proposed_due_date=today() + timedelta(days=200),
        proposed_reason="Trainer availability",
    )


def meeting_with_reprogramming(demo: Any, month: SimpleNamespace) -> tuple[Any, Any]:
    """A planned CIG meeting whose agenda asks for a decision on the new date the owner asked for."""
    answered_with_new_date(demo, month)
    meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=month.cycle, held_on=today())
    return meeting, meeting.items.get(reason=AgendaReason.REPROGRAMMING)


def closed_snapshot(demo: Any, month: SimpleNamespace) -> Any:
    return services.close_cycle(actor=demo.liverpool_manager, cycle=month.cycle)
