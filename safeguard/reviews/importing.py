"""The bulk path for imported actions: the rows and audit events of `services.add_action` and
`services.add_success_criterion` (and `services.override_rag` where the tracker's RAG is kept), written
for thousands of actions at once.

Why it exists: through the services a 10,000-row tracker costs about 25 queries a row (lock, permission
queries, the next number, the action, its status-change row, its criterion, the version bump and one
hash-chained audit event each), a quarter of a million queries. Here the same checks run once per plan and
the rows go in with one prepared INSERT per table run by `executemany` (`core.bulk.insert_rows` and `insert_values`, about five times
cheaper than `bulk_create`'s per-value compilation), the audit events through `core.audit.record_events`.

What stays equivalent, row for row, to calling the services one action at a time:
- the permission check (`can_edit_plan`, and `can_override_rag` for a kept RAG) and the draft-only rule,
  made once for the plan, which is locked for the whole write;
- an approved plan is reopened as a new draft version by `services.add_action` itself (the first action of
  such a plan goes through the service), a submitted plan is refused as the service refuses it;
- each Action gets the next number in its plan, a `draft` status-change row (from "" to "draft"), one
  SuccessCriterion per criterion, a version bumped once per criterion (and once for the RAG override);
- the audit trail gets, in order, `action.added` {"plan", "number"}, one `action.criterion_added`
  {"criterion"} per criterion and `action.rag_overridden` {"from", "to"} with its reason: the same
  actions, targets, changes and reasons, chained with the same hashes as `record_event` makes them.

The field checks the services make (a title, a criterion's statement, measure and target, an active lead
officer, a finding of the plan's review) are made by the importer's validation before anything is written.
Audit events are appended by `core.audit.record_events` (through `append_audit_events`), which extends the
chain exactly as repeated `record_event` calls would, with one lock of the chain head for the batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.core import audit
from safeguard.core.bulk import insert_rows, insert_values
from safeguard.reviews import permissions as perms
from safeguard.reviews import services
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionStatusChange,
    Finding,
    PlanStatus,
    SuccessCriterion,
)

BATCH_SIZE = 1000


@dataclass
class NewCriterion:
    statement: str
    measure: str
    target: str
    baseline: str = ""
    assessed_by: str = ""


@dataclass
class NewAction:
    title: str
    description: str = ""
    lead_officer: Any = None
    lead_officer_name: str = ""
    due_date: date | None = None
    finding: Finding | None = None
    criteria: list[NewCriterion] = field(default_factory=list)
    rag_override: str = ""
    rag_override_reason: str = ""


# The bulk write records the same audit events as the services, through core's batch recorder.
AuditEntry = audit.PendingEvent


def append_audit_events(*, actor: Any, entries: Sequence[AuditEntry]) -> int:
    return audit.record_events(actor=actor, events=entries, batch_size=BATCH_SIZE)


@transaction.atomic
def bulk_add_actions(*, actor: Any, plan: ActionPlan, new_actions: Sequence[NewAction]) -> list[Action]:
    """Add draft actions (with their criteria) to a plan: what `add_action` + `add_success_criterion` write."""
    if not new_actions:
        return []
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if not perms.can_edit_plan(actor, plan):
        raise PermissionDenied(
            "Only the owning agency's safeguarding lead or the review's managers can add actions."
        )
    created: list[Action] = []
    pending = list(new_actions)
    if plan.status != PlanStatus.DRAFT:
        # The service opens the new draft version (approved) or refuses (submitted), as it would for one action.
        first = pending.pop(0)
        action = services.add_action(
            actor=actor,
            plan=plan,
            title=first.title,
            description=first.description,
            lead_officer=first.lead_officer,
            lead_officer_name=first.lead_officer_name,
            due_date=first.due_date,
            finding=first.finding,
        )
        for criterion in first.criteria:
            services.add_success_criterion(actor=actor, action=action, **criterion.__dict__)
        if first.rag_override:
            services.override_rag(
                actor=actor, action=action, rag=first.rag_override, reason=first.rag_override_reason
            )
        created.append(action)
    if not pending:
        return created
    if any(a.rag_override for a in pending) and not perms.can_override_rag(actor, Action(plan=plan)):
        raise PermissionDenied(
            "Only a monitoring board's managers or the monitoring subgroup's chair can override RAG."
        )
    if any(a.finding is not None and a.finding.review_id != plan.review_id for a in pending):
        raise ValidationError({"finding": ["Choose a finding of this plan's review."]})
    if any(not a.title.strip() for a in pending):
        raise ValidationError({"title": ["Enter what will be done."]})

    number = plan.actions.aggregate(n=Max("number"))["n"] or 0
    now = timezone.now()
    actions = []
    for item in pending:
        number += 1
        lead = item.lead_officer
        actions.append(
            Action(
                plan=plan,
                number=number,
                title=item.title.strip(),
                description=item.description.strip(),
                lead_officer=lead,
                lead_officer_name="" if lead is not None else item.lead_officer_name.strip()[:200],
                due_date=item.due_date,
                finding=item.finding,
                status=ActionStatus.DRAFT,
                rag_override=item.rag_override,
                rag_override_reason=item.rag_override_reason.strip() if item.rag_override else "",
                rag_override_by_id=actor.pk if item.rag_override else None,
                # One bump per criterion added and one for the override, as the services would make.
                version=1 + len(item.criteria) + (1 if item.rag_override else 0),
                created_by_id=actor.pk,
                created_at=now,
            )
        )
    insert_rows(actions)
    # Our numbers are the plan's highest (the plan is locked), so they find our rows' keys.
    keys = dict(
        Action.objects.filter(plan=plan, number__gt=actions[0].number - 1).values_list("number", "pk")
    )
    for action in actions:
        action.pk = keys[action.number]
        action._state.adding = False
        action._state.db = Action.objects.db
    # Status changes and criteria as plain rows: a model instance each would cost more than its INSERT.
    insert_values(
        ActionStatusChange,
        ["action_id", "from_status", "to_status", "actor_id", "at", "reason"],
        [(a.pk, "", ActionStatus.DRAFT.value, actor.pk, now, "") for a in actions],
    )
    insert_values(
        SuccessCriterion,
        ["action_id", "statement", "measure", "baseline", "target", "assessed_by"],
        [
            (
                action.pk,
                c.statement.strip(),
                c.measure.strip(),
                c.baseline.strip(),
                c.target.strip(),
                c.assessed_by.strip(),
            )
            for action, item in zip(actions, pending, strict=True)
            for c in item.criteria
        ],
    )
    # The audit names each criterion by its key: an action's criteria took increasing keys in the order
    # they were inserted, and the actions are new, so these are exactly ours.
    criterion_keys: dict[int, list[int]] = defaultdict(list)
    for action_id, pk in (
        SuccessCriterion.objects.filter(action__plan=plan, action__number__gt=actions[0].number - 1)
        .order_by("pk")
        .values_list("action_id", "pk")
    ):
        criterion_keys[action_id].append(pk)

    entries: list[AuditEntry] = []
    for action in actions:
        entries.append(AuditEntry("action.added", action, {"plan": plan.pk, "number": action.number}))
        for criterion_pk in criterion_keys.get(action.pk, []):
            entries.append(AuditEntry("action.criterion_added", action, {"criterion": criterion_pk}))
        if action.rag_override:
            entries.append(
                AuditEntry(
                    "action.rag_overridden",
                    action,
                    {"from": "", "to": action.rag_override},
                    action.rag_override_reason,
                )
            )
    append_audit_events(actor=actor, entries=entries)
    return created + actions
