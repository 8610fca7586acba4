"""The import's bulk write (`importing._insert`, not `bulk_create`) stores what the services store."""

from __future__ import annotations

from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from safeguard.core.audit import check_chain
from safeguard.core.models import AuditEvent
from safeguard.reviews import importing, services
from safeguard.reviews.models import Action, ActionStatusChange, Rag, SuccessCriterion

IGNORED = {"id", "number", "created_at", "updated_at"}


def _row(action: Action) -> dict:
    return {k: v for k, v in model_to_dict(Action.objects.get(pk=action.pk)).items() if k not in IGNORED}


def test_a_bulk_action_is_stored_as_the_services_store_it(demo, child_n) -> None:
    manager = demo.lancashire_manager
    due = timezone.localdate() + timedelta(days=30)
    by_service = services.add_action(
        actor=manager,
        plan=child_n.plan,
        title="Brief control-room staff",
        description="From the tracker",
        lead_officer=demo.ops_supervisor,
        due_date=due,
        finding=child_n.finding,
    )
    services.add_success_criterion(
        actor=manager, action=by_service, statement="All briefed", measure="Register", target="100%"
    )
    services.override_rag(actor=manager, action=by_service, rag=Rag.AMBER, reason="Imported")
    before = AuditEvent.objects.count()
    [by_bulk] = importing.bulk_add_actions(
        actor=manager,
        plan=child_n.plan,
        new_actions=[
            importing.NewAction(
                title="Brief control-room staff",
                description="From the tracker",
                lead_officer=demo.ops_supervisor,
                due_date=due,
                finding=child_n.finding,
                criteria=[importing.NewCriterion(statement="All briefed", measure="Register", target="100%")],
                rag_override=Rag.AMBER,
                rag_override_reason="Imported",
            )
        ],
    )
    assert _row(by_bulk) == _row(by_service)
    stored = Action.objects.get(pk=by_bulk.pk)
    assert stored.rag_override == "amber" and stored.due_date == due
    assert abs(stored.created_at - timezone.now()) < timedelta(minutes=5)
    assert stored.updated_at == by_bulk.updated_at  # the batch's one time, on the instance as a save sets it
    criterion = SuccessCriterion.objects.get(action=by_bulk)
    assert (criterion.statement, criterion.measure, criterion.target) == ("All briefed", "Register", "100%")
    change = ActionStatusChange.objects.get(action=by_bulk)
    assert (change.from_status, change.to_status, change.actor_id) == ("", "draft", manager.pk)
    events = AuditEvent.objects.filter(sequence__gt=before).order_by("sequence")
    assert [(e.action, e.changes) for e in events] == [
        ("action.added", {"plan": child_n.plan.pk, "number": by_bulk.number}),
        ("action.criterion_added", {"criterion": criterion.pk}),
        ("action.rag_overridden", {"from": "", "to": "amber"}),
    ]
    assert check_chain().intact


def test_criterion_keys_follow_their_actions_in_order(demo, child_n) -> None:
    actions = importing.bulk_add_actions(
        actor=demo.lancashire_manager,
        plan=child_n.plan,
        new_actions=[
            importing.NewAction(
                title=f"Action {i}",
                lead_officer_name="Head of service",
                due_date=timezone.localdate() + timedelta(days=40),
                criteria=[
                    importing.NewCriterion(statement=f"{i}.{j}", measure="m", target="t")
                    for j in range(i % 3)
                ],
            )
            for i in range(30)
        ],
    )
    for action in actions:
        statements = list(
            SuccessCriterion.objects.filter(action=action).order_by("pk").values_list("statement", flat=True)
        )
        i = int(action.title.split()[1])
        assert statements == [f"{i}.{j}" for j in range(i % 3)]
        audited = [
            e.changes["criterion"]
            for e in AuditEvent.objects.filter(
                action="action.criterion_added", target_id=str(action.pk)
            ).order_by("sequence")
        ]
        assert audited == list(
            SuccessCriterion.objects.filter(action=action).order_by("pk").values_list("pk", flat=True)
        )
