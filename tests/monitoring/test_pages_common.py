"""Helpers shared by the monitoring page tests; their fixtures are in test_pages_fixtures.py.

The fixtures' world: the Child N review's Merseyside Police plan, monitored monthly by Liverpool's Critical Incident
Group (tests/monitoring/conftest.py `cig_schedule`), with its cycle opened today and one update request to
the action's lead officer (the police operational supervisor).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.monitoring import services
from safeguard.monitoring.models import AgendaItem, AgendaReason, UpdateRequest
from safeguard.reviews import services as review_services
from safeguard.reviews.models import Action, ActionStatus, EvidenceKind

ERROR_SUMMARY = "govuk-error-summary"


def url(name: str, *args: object) -> str:
    return reverse(f"monitoring:{name}", args=args or None)


def body(response) -> str:
    return response.content.decode()


def stable(response) -> str:
    """The page minus what differs on every response anyway (CSP nonces, CSRF tokens)."""
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', body(response))
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)


def assert_refused_form(response, *messages: str, status: int = 200) -> str:
    """Bad input: the page again, with an error summary naming each problem."""
    assert response.status_code == status, body(response)[:500]
    page = body(response)
    assert ERROR_SUMMARY in page
    assert "<title>Error:" in page
    for message in messages:
        assert message in page, message
    return page


def assert_sign_in(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))


def count_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, body(response)[:500]
    return len(captured.captured_queries)


def more_actions(plan, n: int, *, lead, created_by) -> list[Action]:
    """n more agreed actions on the plan, straight into the database (for the query-count tests)."""
    start = (plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    today = timezone.localdate()
    return Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"Extra action {start + i}",
            lead_officer=lead,
            due_date=today + timedelta(days=60 + i),
            status=ActionStatus.AGREED,
            created_by=created_by,
        )
        for i in range(n)
    )


def more_requests(cycle, n: int, *, owner, created_by) -> None:
    actions = more_actions(cycle.schedule.plan or _plan_of(cycle), n, lead=owner, created_by=created_by)
    UpdateRequest.objects.bulk_create(
        UpdateRequest(cycle=cycle, action=action, owner=owner, deadline=cycle.deadline, is_stale=i % 2 == 0)
        for i, action in enumerate(actions)
    )


def _plan_of(cycle):
    return cycle.requests.select_related("action__plan").first().action.plan


def more_items(meeting, n: int, *, created_by) -> None:
    """n more agenda items on the meeting, each about an action of its own (stale reason)."""
    plan = meeting.cycle.requests.select_related("action__plan").first().action.plan
    actions = more_actions(plan, n, lead=None, created_by=created_by)
    start = meeting.items.count()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=start + i + 1, reason=AgendaReason.STALE, action=action)
        for i, action in enumerate(actions)
    )


def answered_with_new_date(demo, month, *, days: int = 200) -> None:
    services.answer_request(
        actor=demo.ops_supervisor,
        request=month.request,
        narrative="Half the staff trained",
        claimed="at_risk",
        proposed_due_date=timezone.localdate() + timedelta(days=days),
        proposed_reason="Trainer availability",
    )


def evidence_waiting(demo, action):
    """The lead officer submits narrative evidence and marks the action complete."""
    evidence = review_services.submit_evidence(
        actor=demo.ops_supervisor, action=action, kind=EvidenceKind.NARRATIVE, description="Training register"
    )
    review_services.complete_action(actor=demo.ops_supervisor, action=action)
    return evidence


__all__ = [
    "ERROR_SUMMARY",
    "answered_with_new_date",
    "assert_refused_form",
    "assert_sign_in",
    "body",
    "count_queries",
    "evidence_waiting",
    "more_actions",
    "more_items",
    "more_requests",
    "stable",
    "url",
]
