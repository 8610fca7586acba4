import pytest
from django.core.exceptions import PermissionDenied

from safeguard.reviews import services
from safeguard.reviews.models import ActionStatus, EvidenceKind, ImpactSource, ImpactVerdict, PlanStatus
from tests.reviews.conftest import agreed_action


def test_an_action_goes_from_draft_to_closed(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    assert action.status == ActionStatus.AGREED
    child_n.plan.refresh_from_db()
    assert child_n.plan.status == PlanStatus.APPROVED
    services.post_update(
        actor=demo.ops_supervisor, action=action, narrative="Half trained", claimed="on_track"
    )
    evidence = services.submit_evidence(
        actor=demo.police_lead,
        action=action,
        kind=EvidenceKind.NARRATIVE,
        description="Training register shows 100%",
    )
    services.complete_action(actor=demo.police_lead, action=action)
    services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    services.assess_impact(
        actor=demo.cig_chair,
        action=action,
        verdict=ImpactVerdict.EVIDENCED,
        source=ImpactSource.AUDIT,
        narrative="Audit",
    )
    services.close_action(actor=demo.cig_chair, action=action)
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED
    assert [c.to_status for c in action.status_changes.all()] == [
        "draft",
        "agreed",
        "in_progress",
        "completed",
        "evidence_accepted",
        "impact_assessed",
        "closed",
    ]


def test_the_owning_agency_cannot_accept_its_own_evidence(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = services.submit_evidence(
        actor=demo.police_lead, action=action, kind=EvidenceKind.NARRATIVE, description="Register"
    )
    services.complete_action(actor=demo.police_lead, action=action)
    with pytest.raises(PermissionDenied):
        services.accept_evidence(actor=demo.police_lead, evidence=evidence)
    evidence.refresh_from_db()
    action.refresh_from_db()
    assert evidence.decision == "pending"
    assert action.status == ActionStatus.COMPLETED
