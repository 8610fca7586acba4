"""Periodic work in one idempotent pass: `manage.py tick` runs every registered job once.

Apps register jobs in their AppConfig.ready() with `register_job(name, fn)`. A job is a function
`fn(*, now)` that does whatever is due at `now` and returns how many things it did. Jobs must be
idempotent: running the tick twice, or again after a crash half-way through, must not repeat anything
(notifications use dedupe keys for this). Jobs act as the system process "tick" in the audit trail.

One job failing does not stop the others; `run_jobs` reports every failure after running the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.clocks import CalendarSet, clock_rag
from safeguard.core.inbox import Rag
from safeguard.core.models import Clock, Notification

logger = logging.getLogger(__name__)

SYSTEM_PROCESS = "tick"

Job = Callable[..., int | None]
_jobs: dict[str, Job] = {}


def register_job(name: str, fn: Job) -> Job:
    """Register (or replace) the periodic job `name`; jobs run in registration order."""
    _jobs[name] = fn
    return fn


def unregister_job(name: str) -> None:
    _jobs.pop(name, None)


def registered_jobs() -> dict[str, Job]:
    return dict(_jobs)


@dataclass
class TickResult:
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def run_jobs(*, now: datetime | None = None, only: list[str] | None = None) -> TickResult:
    """Run each registered job once at `now` (default: the current time)."""
    from safeguard.core.calendar import shared_calendars

    now = now or timezone.now()
    result = TickResult()
    with shared_calendars():
        for name, fn in list(_jobs.items()):
            if only is not None and name not in only:
                continue
            try:
                result.done[name] = fn(now=now) or 0
            except Exception as exc:
                # Log the job and the kind of failure only: messages may carry record details.
                logger.exception("Tick job %s failed", name)
                result.failed[name] = type(exc).__name__
    return result


# The core job: "due soon" and "overdue" notifications for open clocks ----------------------------

_BATCH = 500


def clock_dedupe_key(clock_id: int, rag: str) -> str:
    return f"clock:{clock_id}:{'overdue' if rag == Rag.RED else 'due_soon'}"


def notify_clock_owners(*, now: datetime) -> int:
    """Tell each open clock's owner once when it is due soon (amber) and once when it is overdue (red).

    Each clock is handled in its own transaction, so a crash part-way keeps what was done; the dedupe
    keys make a rerun skip it.
    """
    from safeguard.core.notifications import notify

    sent = 0
    # Once the overdue notice has gone there is nothing left to send for a clock; leaving those out keeps
    # the pass short however many clocks stay overdue and open.
    overdue_sent = Notification.objects.filter(
        user_id=OuterRef("owner_id"),
        dedupe_key=Concat(Value("clock:"), Cast(OuterRef("pk"), CharField()), Value(":overdue")),
    )
    clocks = (
        Clock.objects.filter(met_at__isnull=True, owner__isnull=False)
        .filter(~Exists(overdue_sent))
        .select_related("rule", "owner")
    )
    batch: list[Clock] = []
    for clock in clocks.order_by("due_at", "pk").iterator(chunk_size=_BATCH):
        batch.append(clock)
        if len(batch) == _BATCH:
            sent += _notify_batch(batch, now=now, notify=notify)
            batch = []
    if batch:
        sent += _notify_batch(batch, now=now, notify=notify)
    return sent


def _notify_batch(clocks: list[Clock], *, now: datetime, notify: Callable[..., Notification | None]) -> int:
    calendars = CalendarSet()
    calendars.preload_for(clocks, now=now)
    wanted: list[tuple[Clock, str]] = []
    for clock in clocks:
        rag = clock_rag(clock, now=now, calendar=calendars.get(clock.jurisdiction))
        if rag in (Rag.RED, Rag.AMBER):
            wanted.append((clock, rag))
    if not wanted:
        return 0
    # One query for what was already sent, so a rerun costs no writes and no audit entries.
    already = set(
        Notification.objects.filter(
            dedupe_key__in=[clock_dedupe_key(clock.pk, rag) for clock, rag in wanted]
        ).values_list("user_id", "dedupe_key")
    )
    sent = 0
    for clock, rag in wanted:
        key = clock_dedupe_key(clock.pk, rag)
        if (clock.owner_id, key) in already:
            continue
        overdue = rag == Rag.RED
        subject = f"{'Overdue' if overdue else 'Due soon'}: {clock.title}"
        with transaction.atomic():
            notification = notify(user=clock.owner, subject=subject, url=clock.url, dedupe_key=key)
            if notification is not None:
                record_event(
                    system_process=SYSTEM_PROCESS,
                    action="clock.overdue_notified" if overdue else "clock.due_soon_notified",
                    target=clock,
                    changes={"notification": notification.pk, "owner": clock.owner_id},
                )
                sent += 1
    return sent


def register_builtin_jobs() -> None:
    register_job("core.clock_notifications", notify_clock_owners)
