"""The audit trail: explicit, append-only, hash-chained.

`record_event` is called in the same transaction as the change it records. It refuses to write without
an actor (a user) or a named system process, so every entry says who or what made the change. Each
row's hash covers its content and the previous row's hash; `verify_chain` recomputes the chain and
reports the first row that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from safeguard.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


class AuditError(Exception):
    """An audit event that may not be written (no actor, or a malformed action name)."""


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
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


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _json_safe(changes: Mapping[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON now, so that the hash computed here equals the one recomputed from the row.
    return json.loads(json.dumps(dict(changes or {}), cls=DjangoJSONEncoder))


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
    """Append one event to the audit trail. Pass `actor` (a user) or `system_process` (e.g. "tick")."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is None and not system_process.strip():
        raise AuditError("An audit event needs an actor or a named system process.")
    if not action or " " in action:
        raise AuditError("An audit action is a dotted name such as 'action.evidence_accepted'.")

    # Lock the head of the chain: two writers must not both extend the same previous hash.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, sequence=0, hash=GENESIS_HASH)
        head = AuditChainHead.objects.select_for_update().get(pk=1)

    event = AuditEvent(
        sequence=head.sequence + 1,
        at=timezone.now(),
        actor=actor,
        system_process=system_process.strip(),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        changes=_json_safe(changes),
        reason=reason,
        previous_hash=head.hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str


def verify_chain(*, batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every place where the stored chain does not match what its rows recompute to."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            yield ChainProblem(event.sequence, f"expected entry #{expected_sequence}; entries are missing")
        if event.previous_hash != expected_previous:
            yield ChainProblem(event.sequence, "does not follow the previous entry (previous hash differs)")
        if compute_hash(event) != event.hash:
            yield ChainProblem(event.sequence, "content does not match its hash (the entry was altered)")
        expected_previous = event.hash
        expected_sequence = event.sequence + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.hash != expected_previous:
        yield ChainProblem(head.sequence, "the last entries are missing (chain head differs)")
