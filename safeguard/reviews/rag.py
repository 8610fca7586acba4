"""RAG for actions: computed from dates and state, overridable by the board with a reason.

One definition serves both the database (an annotation, so lists can filter, sort and count by RAG
without loading rows) and single objects (the same annotation on a one-row queryset):

- blue: closed;
- the board's override, where one is recorded;
- red: still to be delivered (draft, agreed, in progress) and past its due date;
- amber: flagged at risk, or due within the warning window (counted in working days);
- green: otherwise (including delivered actions waiting for evidence, impact or closure).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from safeguard.core.calendar import add_working_days
from safeguard.reviews.models import OPEN_STATES, ActionStatus, Rag

DEFAULT_AMBER_WORKING_DAYS = 10


def amber_window_days() -> int:
    return int(getattr(settings, "SAFEGUARD_ACTION_AMBER_WORKING_DAYS", DEFAULT_AMBER_WORKING_DAYS))


def amber_until(today: date) -> date:
    """The last due date that is amber (not green) today: the warning window's end, in working days."""
    return add_working_days(today, amber_window_days())


def rag_expression(*, today: date | None = None) -> Case:
    today = today or timezone.localdate()
    amber_until_day = amber_until(today)
    return Case(
        When(status=ActionStatus.CLOSED, then=Value(Rag.BLUE)),
        When(~Q(rag_override=""), then="rag_override"),
        When(status__in=OPEN_STATES, due_date__lt=today, then=Value(Rag.RED)),
        When(Q(at_risk=True) & ~Q(status=ActionStatus.CLOSED), then=Value(Rag.AMBER)),
        When(status__in=OPEN_STATES, due_date__lte=amber_until_day, then=Value(Rag.AMBER)),
        default=Value(Rag.GREEN),
        output_field=CharField(max_length=10),
    )


RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}
