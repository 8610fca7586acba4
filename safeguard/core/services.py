"""Every write to core's timescale tables: start a clock, meet it, record why it was missed.

Each service is atomic and writes its audit event in the same transaction. A clock's due time comes
from its rule through the one calendar (`safeguard.core.calendar.due_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.calendar import JURISDICTIONS, due_at
from safeguard.core.models import Clock, TimescaleRule

BREACH_REASON_REQUIRED = "Give the reason the timescale was missed"


def _rule(rule: TimescaleRule | str) -> TimescaleRule:
    if isinstance(rule, TimescaleRule):
        return rule
    try:
        return TimescaleRule.objects.get(code=rule)
    except TimescaleRule.DoesNotExist:
        raise ValidationError({"rule": [f"There is no timescale rule with the code {rule!r}."]}) from None


@transaction.atomic
def start_clock(
    *,
    actor: Any = None,
    system_process: str = "",
    rule: TimescaleRule | str,
    subject: models.Model,
    started_at: datetime,
    owner: Any = None,
    title: str,
    url: str = "",
    jurisdiction: str = "ENG",
) -> Clock:
    """Start the timescale `rule` (a rule or its code) for `subject` from `started_at`.

    `title` says what is due without personal details (it appears in My work and in notifications).
    """
    timescale = _rule(rule)
    if jurisdiction not in JURISDICTIONS:
        raise ValidationError({"jurisdiction": ["Choose England or Wales."]})
    if timezone.is_naive(started_at):
        raise ValidationError({"started_at": ["The start time must include a time zone."]})
    if not title.strip():
        raise ValidationError({"title": ["Say what is due."]})
    if url and (not url.startswith("/") or url.startswith("//")):
        # The link is placed in My work and in e-mails: only a path on this site, never another host.
        raise ValidationError({"url": ["The link must be a path on this site, starting with a single /."]})
    clock = Clock(
        rule=timescale,
        subject=subject,
        jurisdiction=jurisdiction,
        owner=owner,
        title=title.strip(),
        url=url,
        started_at=started_at,
        due_at=due_at(timescale.unit, timescale.limit, started_at, jurisdiction),
    )
    clock.subject_id = str(subject.pk)  # the column is text, so keep the value the same type in memory
    clock.save(force_insert=True)
    record_event(
        actor=actor,
        system_process=system_process,
        action="clock.started",
        target=clock,
        changes={
            "rule": timescale.code,
            "subject_type": clock.subject_type_id,
            "subject_id": clock.subject_id,
            "started_at": clock.started_at,
            "due_at": clock.due_at,
            "owner": clock.owner_id,
            "jurisdiction": jurisdiction,
        },
    )
    return clock


@transaction.atomic
def meet_clock(*, actor: Any, clock: Clock, met_at: datetime | None = None, breach_reason: str = "") -> Clock:
    """Mark the timescale met. Met after its due time, it needs the reason it was missed.

    A reason already recorded with `record_clock_breach_reason` counts; one given here replaces it.
    """
    # Lock the clock: two people meeting it at once must not both pass the "not yet met" check.
    locked = Clock.objects.select_for_update().select_related("rule").get(pk=clock.pk)
    if locked.met_at is not None:
        raise ValidationError("This timescale has already been met.", code="already_met")
    met_at = met_at or timezone.now()
    if timezone.is_naive(met_at):
        raise ValidationError({"met_at": ["The time it was met must include a time zone."]})
    if met_at < locked.started_at:
        raise ValidationError({"met_at": ["A timescale cannot be met before it started."]})
    reason = breach_reason.strip() or locked.breach_reason
    late = met_at > locked.due_at
    if late and not reason:
        raise ValidationError({"breach_reason": [BREACH_REASON_REQUIRED]}, code="breach_reason_required")
    changes: dict[str, Any] = {"met_at": [None, met_at], "late": late}
    if reason != locked.breach_reason:
        changes["breach_reason"] = [locked.breach_reason, reason]
    locked.met_at = met_at
    locked.breach_reason = reason
    locked.save(update_fields=["met_at", "breach_reason"])
    record_event(
        actor=actor, action="clock.met", target=locked, changes=changes, reason=reason if late else ""
    )
    clock.met_at, clock.breach_reason = locked.met_at, locked.breach_reason
    return locked


@transaction.atomic
def record_clock_breach_reason(
    *, actor: Any, clock: Clock, reason: str, now: datetime | None = None
) -> Clock:
    """Record (or correct) why a timescale was missed: for a clock that is overdue or was met late."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [BREACH_REASON_REQUIRED]}, code="breach_reason_required")
    locked = Clock.objects.select_for_update().get(pk=clock.pk)
    now = now or timezone.now()
    missed = (locked.met_at or now) > locked.due_at
    if not missed:
        raise ValidationError("This timescale has not been missed.", code="not_missed")
    previous = locked.breach_reason
    locked.breach_reason = reason
    locked.save(update_fields=["breach_reason"])
    record_event(
        actor=actor,
        action="clock.breach_reason_recorded",
        target=locked,
        changes={"breach_reason": [previous, reason]},
        reason=reason,
    )
    clock.breach_reason = locked.breach_reason
    return locked
