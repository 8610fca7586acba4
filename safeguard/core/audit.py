"""The audit trail: explicit, append-only, hash-chained.

`record_event` is called in the same transaction as the change it records. It refuses to write without
an actor (a user) or a named system process, so every entry says who or what made the change. Each
row's hash covers its content and the previous row's hash; `verify_chain` recomputes the chain and
reports every row that does not match.

Append-only is enforced by the database on PostgreSQL (migration 0002_audit_append_only installs a
trigger that refuses UPDATE and DELETE); the hash chain makes tampering visible on any engine.

Concurrency: every writer locks the single `AuditChainHead` row (SELECT ... FOR UPDATE) before it reads
the previous hash, so two transactions can never extend the chain from the same entry; the second waits
until the first commits or rolls back. On SQLite, whose write transactions are already serialised
(`transaction_mode=IMMEDIATE` in settings), the lock is a no-op and the same guarantee holds.
The cost is that audited writes are serialised through one row; that is the price of one total order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from safeguard.core.bulk import insert_values
from safeguard.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_PK = 1

# Dotted, lower-case names such as "action.evidence_accepted": searchable and stable.
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_ACTION_MAX_LENGTH: int = AuditEvent._meta.get_field("action").max_length or 100
_PROCESS_MAX_LENGTH: int = AuditEvent._meta.get_field("system_process").max_length or 100


class AuditError(Exception):
    """An audit event that may not be written (no actor, a malformed action name, an unsaved target)."""


def _canonical(event: AuditEvent | _BatchRow) -> bytes:
    payload = {
        "sequence": event.sequence,
        # Always UTC with microseconds, so the text is the same whichever engine or time zone read the row.
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "system_process": event.system_process,
        "action": event.action,
        "target_type": event.target_type_id,
        "target_id": event.target_id,
        "changes": event.changes,
        "reason": event.reason,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def compute_hash(event: AuditEvent | _BatchRow) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


_JSON_SCALARS = (str, int, bool, type(None))


def _plain_json(value: Any) -> bool:
    """Already what JSON would give back: str/int/bool/None, and lists and str-keyed dicts of them.
    (Floats are left to the round trip: JSON may not give the same float text back on every engine.)"""
    if type(value) in _JSON_SCALARS:
        return True
    if type(value) is list:
        return all(_plain_json(item) for item in value)
    if type(value) is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    return False


def _json_safe(changes: Mapping[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON now, so that the hash computed here equals the one recomputed from the row;
    # values that are plain JSON already (most) come back unchanged, so they skip the round trip.
    if type(changes) is dict and _plain_json(changes):
        return dict(changes)
    try:
        return json.loads(json.dumps(dict(changes or {}), cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as exc:
        raise AuditError(f"An audit event's changes must be plain values (JSON): {exc}") from exc


def _lock_head() -> AuditChainHead:
    """Lock the head of the chain, creating it for an empty trail.

    A missing head beside existing entries means someone removed it: refuse rather than start a second
    chain that would hide whatever was cut from the end of the first.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        raise AuditError("The audit chain head is missing; run verify_audit_chain before writing more.")
    # get_or_create survives a concurrent first writer (it retries the read after an IntegrityError).
    AuditChainHead.objects.get_or_create(pk=HEAD_PK, defaults={"sequence": 0, "hash": GENESIS_HASH})
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_PK)


@transaction.atomic
def record_event(
    *,
    action: str,
    actor: Any = None,
    system_process: str = "",
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit trail. Pass `actor` (a user) or `system_process` (e.g. "tick").

    An anonymous user counts as no actor. Raises AuditError, writing nothing, when the event cannot be
    attributed or is malformed. Call it inside the transaction of the change it records.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    system_process = (system_process or "").strip()
    if actor is None and not system_process:
        raise AuditError("An audit event needs an actor or a named system process.")
    if len(system_process) > _PROCESS_MAX_LENGTH:
        raise AuditError(f"A system process name has at most {_PROCESS_MAX_LENGTH} characters.")
    if not isinstance(action, str) or len(action) > _ACTION_MAX_LENGTH or not _ACTION_NAME.match(action):
        raise AuditError("An audit action is a dotted name such as 'action.evidence_accepted'.")
    if target is not None and target.pk is None:
        raise AuditError("An audit event's target must be saved first.")
    safe_changes = _json_safe(changes)

    # Lock the head of the chain: two writers must not both extend the same previous hash.
    head = _lock_head()
    event = AuditEvent(
        sequence=head.sequence + 1,
        at=timezone.now(),
        actor=actor,
        system_process=system_process,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        changes=safe_changes,
        reason=reason or "",
        previous_hash=head.hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


# An audit row's columns in the order its hash covers them (then the row's own `hash`): for batch writers.
HASHED_COLUMNS = (
    "sequence",
    "at",
    "actor_id",
    "system_process",
    "action",
    "target_type_id",
    "target_id",
    "changes",
    "reason",
    "previous_hash",
)


class _BatchRow:
    """An audit row as `compute_hash` reads it (the model's attribute names), for batches."""

    COLUMNS = HASHED_COLUMNS
    __slots__ = HASHED_COLUMNS
    sequence: int
    at: datetime
    actor_id: int | None
    system_process: str
    action: str
    target_type_id: int | None
    target_id: str
    changes: dict[str, Any]
    reason: str
    previous_hash: str

    def __init__(self, **values: Any) -> None:
        for name in self.COLUMNS:
            setattr(self, name, values[name])

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.COLUMNS)


@dataclass(frozen=True)
class PendingEvent:
    """One event of a batch for `record_events`: what `record_event` takes, less the actor."""

    action: str
    target: models.Model
    changes: Mapping[str, Any] | None = None
    reason: str = ""


@transaction.atomic
def record_events(*, actor: Any, events: Sequence[PendingEvent], batch_size: int = 1000) -> int:
    """Append many events by one actor in order, exactly as repeated `record_event` calls would, in a few
    bulk inserts. For imports, where thousands of rows are written in one transaction. The events are not
    given primary keys on return (read them back by sequence if needed)."""
    if not events:
        return 0
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AuditError("An audit event needs an actor or a named system process.")
    for pending in events:
        if not _ACTION_NAME.match(pending.action) or len(pending.action) > _ACTION_MAX_LENGTH:
            raise AuditError("An audit action is a dotted name such as 'action.evidence_accepted'.")
        if pending.target.pk is None:
            raise AuditError("An audit event's target must be saved first.")
    head = _lock_head()
    sequence, previous = head.sequence, head.hash
    content_types: dict[type[models.Model], ContentType] = {}
    rows = []
    for pending in events:
        model = type(pending.target)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        sequence += 1
        # The row's values without a model instance per event (34,000 of them in a 10,000-row import).
        event = _BatchRow(
            sequence=sequence,
            at=timezone.now(),
            actor_id=actor.pk,
            system_process="",
            action=pending.action,
            target_type_id=content_types[model].pk,
            target_id=str(pending.target.pk),
            changes=_json_safe(pending.changes),
            reason=pending.reason or "",
            previous_hash=previous,
        )
        previous = compute_hash(event)
        rows.append((*event.values(), previous))
    # One prepared INSERT over the batch: bulk_create's per-value compilation was a third of a 10,000-row
    # import. The values are exactly those hashed above.
    insert_values(AuditEvent, [*_BatchRow.COLUMNS, "hash"], rows, batch_size=batch_size)
    head.sequence, head.hash = sequence, previous
    head.save(update_fields=["sequence", "hash"])
    return len(rows)


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.sequence}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(*, batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every place where the stored chain does not match what its rows recompute to.

    Reads the trail in sequence order in batches, so memory stays flat over millions of rows.
    """
    yield from _ChainWalk().problems(batch_size=batch_size)


def check_chain(*, batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain once: how many entries it holds and every problem found."""
    walk = _ChainWalk()
    problems = tuple(walk.problems(batch_size=batch_size))
    return ChainReport(entries=walk.entries, problems=problems)


class _ChainWalk:
    def __init__(self) -> None:
        self.entries = 0

    def problems(self, *, batch_size: int) -> Iterator[ChainProblem]:
        expected_previous = GENESIS_HASH
        expected_sequence = 1
        last_sequence = 0
        for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
            self.entries += 1
            if event.sequence != expected_sequence:
                missing = (
                    f"#{expected_sequence}"
                    if event.sequence == expected_sequence + 1
                    else f"#{expected_sequence} to #{event.sequence - 1}"
                )
                yield ChainProblem(event.sequence, f"entries are missing before it ({missing})")
            if event.previous_hash != expected_previous:
                yield ChainProblem(
                    event.sequence, "does not follow the previous entry (previous hash differs)"
                )
            if compute_hash(event) != event.hash:
                yield ChainProblem(event.sequence, "content does not match its hash (the entry was altered)")
            expected_previous = event.hash
            expected_sequence = event.sequence + 1
            last_sequence = event.sequence
        head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
        if head is None:
            if self.entries:
                yield ChainProblem(last_sequence, "the chain head is missing")
        elif head.sequence != last_sequence or head.hash != expected_previous:
            yield ChainProblem(head.sequence, "the last entries are missing (chain head differs)")
