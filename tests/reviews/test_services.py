"""The action tracker's rules, through the services every page, API call and import uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.core.audit import verify_chain
from safeguard.core.models import AuditEvent, Clock
from safeguard.core.transitions import InvalidTransition
from safeguard.reviews import permissions, services
from safeguard.reviews.models import (
    Action,
    ActionPlanVersion,
    ActionStatus,
    EvidenceKind,
    ImpactSource,
    ImpactVerdict,
    PlanStatus,
    Rag,
    Review,
    ReviewStatus,
    ReviewType,
)
from safeguard.reviews.selectors import actions_with_rag
from tests.reviews.conftest import agreed_action


def _rag(action: Action, **kwargs) -> str:
    return actions_with_rag(Action.objects.filter(pk=action.pk), **kwargs).get().rag


def _draft(demo, child_n, **overrides):
    fields = {
        "title": "Audit recording",
        "lead_officer": demo.ops_supervisor,
        "due_date": timezone.localdate() + timedelta(days=30),
    }
    fields.update(overrides)
    return services.add_action(actor=demo.police_lead, plan=child_n.plan, **fields)


def _criterion(demo, action):
    return services.add_success_criterion(
        actor=demo.police_lead,
        action=action,
        statement="Records audited",
        measure="Audit",
        target="95% compliant",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": None}, "needs a due date"),
        ({"lead_officer": None}, "needs a lead officer"),
    ],
)
def test_a_plan_cannot_be_submitted_with_an_unready_action(demo, child_n, overrides, message) -> None:
    action = _draft(demo, child_n, **overrides)
    _criterion(demo, action)
    with pytest.raises(ValidationError, match=message):
        services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    child_n.plan.refresh_from_db()
    assert child_n.plan.status == PlanStatus.DRAFT


def test_an_action_needs_a_success_criterion_before_it_is_agreed(demo, child_n) -> None:
    _draft(demo, child_n)
    with pytest.raises(ValidationError, match="at least one success criterion"):
        services.submit_plan(actor=demo.police_lead, plan=child_n.plan)


def test_an_action_due_before_the_plan_is_approved_is_refused(demo, child_n) -> None:
    action = _draft(demo, child_n, due_date=timezone.localdate() - timedelta(days=1))
    _criterion(demo, action)
    with pytest.raises(ValidationError, match="due before the plan would be approved"):
        services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    action.refresh_from_db()
    assert action.status == ActionStatus.DRAFT


def test_the_owning_agency_cannot_approve_its_own_plan(demo, child_n) -> None:
    action = _draft(demo, child_n)
    _criterion(demo, action)
    services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    # The police lead sits on the CIG, but the plan is their own agency's.
    with pytest.raises(PermissionDenied):
        services.approve_plan(actor=demo.police_lead, plan=child_n.plan)
    child_n.plan.refresh_from_db()
    assert child_n.plan.status == PlanStatus.SUBMITTED
    assert not ActionPlanVersion.objects.exists()


def test_approval_freezes_a_version_that_later_changes_do_not_touch(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    frozen = ActionPlanVersion.objects.get(plan=child_n.plan)
    services.add_action(actor=demo.police_lead, plan=child_n.plan, title="A second action")
    child_n.plan.refresh_from_db()
    assert child_n.plan.status == PlanStatus.DRAFT
    assert child_n.plan.version_number == 2
    assert child_n.plan.approved_version == 1
    frozen.refresh_from_db()
    assert [a["title"] for a in frozen.content["actions"]] == [action.title]


def test_a_transition_not_in_the_table_is_refused(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    with pytest.raises(InvalidTransition):
        services.close_action(actor=demo.cig_chair, action=action)
    action.refresh_from_db()
    assert action.status == ActionStatus.AGREED


def test_evidence_is_returned_only_with_a_reason(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = services.submit_evidence(
        actor=demo.police_lead, action=action, kind=EvidenceKind.NARRATIVE, description="x"
    )
    services.complete_action(actor=demo.police_lead, action=action)
    with pytest.raises(ValidationError, match="why the evidence is being returned"):
        services.return_evidence(actor=demo.cig_chair, evidence=evidence, reason=" ")
    services.return_evidence(actor=demo.cig_chair, evidence=evidence, reason="The register is unsigned")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_the_lead_officer_cannot_assess_impact_of_their_own_action(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    with pytest.raises(PermissionDenied):
        services.assess_impact(
            actor=demo.ops_supervisor,
            action=action,
            verdict=ImpactVerdict.EVIDENCED,
            source=ImpactSource.DATA,
            narrative="x",
        )
    assert not action.impact_assessments.exists()


def test_an_action_whose_impact_is_not_evidenced_cannot_be_closed(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = services.submit_evidence(
        actor=demo.police_lead, action=action, kind=EvidenceKind.NARRATIVE, description="x"
    )
    services.complete_action(actor=demo.police_lead, action=action)
    services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    services.assess_impact(
        actor=demo.cig_chair,
        action=action,
        verdict=ImpactVerdict.NOT_EVIDENCED,
        source=ImpactSource.AUDIT,
        narrative="No change",
    )
    with pytest.raises(ValidationError, match="no evidence of impact"):
        services.close_action(actor=demo.cig_chair, action=action)
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPACT_ASSESSED


def test_reprogramming_records_the_old_date_the_reason_and_the_approver(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    old = action.due_date
    new = old + timedelta(days=30)
    change = services.reprogramme_action(
        actor=demo.cig_chair, action=action, new_due_date=new, reason="Training delayed"
    )
    action.refresh_from_db()
    assert (change.previous_due_date, change.new_due_date, change.approved_by) == (old, new, demo.cig_chair)
    assert action.due_date == new and action.is_reprogrammed


class TestRag:
    def test_an_open_action_past_its_due_date_is_red(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n)
        assert _rag(action, today=action.due_date + timedelta(days=1)) == Rag.RED

    def test_an_action_due_within_the_warning_window_is_amber(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n)
        assert _rag(action, today=action.due_date - timedelta(days=3)) == Rag.AMBER

    def test_an_action_well_before_its_date_is_green(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n, due=timezone.localdate() + timedelta(days=120))
        assert _rag(action) == Rag.GREEN

    def test_an_action_flagged_at_risk_is_amber(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n, due=timezone.localdate() + timedelta(days=120))
        services.post_update(
            actor=demo.ops_supervisor, action=action, narrative="Staff shortages", claimed="at_risk"
        )
        assert _rag(action) == Rag.AMBER

    def test_the_boards_override_wins_and_needs_a_reason(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n, due=timezone.localdate() + timedelta(days=120))
        with pytest.raises(ValidationError):
            services.override_rag(actor=demo.liverpool_manager, action=action, rag=Rag.RED, reason="")
        services.override_rag(
            actor=demo.liverpool_manager, action=action, rag=Rag.RED, reason="No update for two cycles"
        )
        assert _rag(action) == Rag.RED

    def test_the_owning_agency_cannot_override_its_own_rag(self, demo, child_n) -> None:
        action = agreed_action(demo, child_n)
        with pytest.raises(PermissionDenied):
            services.override_rag(actor=demo.police_lead, action=action, rag=Rag.GREEN, reason="We are fine")
        action.refresh_from_db()
        assert action.rag_override == ""


class TestEmbargo:
    def test_an_unpublished_review_is_hidden_from_agencies_outside_it(self, demo, child_n) -> None:
        assert not permissions.visible_reviews(demo.social_worker).filter(pk=child_n.review.pk).exists()

    def test_an_unpublished_review_is_visible_to_an_involved_agencys_lead(self, demo, child_n) -> None:
        assert permissions.visible_reviews(demo.police_lead).filter(pk=child_n.review.pk).exists()

    def test_a_published_review_is_visible_across_the_partnership(self, demo, child_n) -> None:
        Review.objects.filter(pk=child_n.review.pk).update(published_on=timezone.localdate())
        assert permissions.visible_reviews(demo.social_worker).filter(pk=child_n.review.pk).exists()


def test_a_late_notification_needs_its_reason(demo, child_n) -> None:
    before = Review.objects.count()
    with pytest.raises(ValidationError, match="notification was late"):
        services.register_review(
            actor=demo.lancashire_manager,
            reference="LATE-1",
            review_type=ReviewType.SERIOUS_CASE_REVIEW,
            subject_pseudonym="Child L",
            lead_board=child_n.lancashire,
            incident_on=timezone.localdate() - timedelta(days=60),
            notified_on=timezone.localdate() - timedelta(days=30),
        )
    assert Review.objects.count() == before


def test_a_rapid_review_starts_its_fifteen_working_day_clock(demo, child_n) -> None:
    review = services.register_review(
        actor=demo.lancashire_manager,
        reference="RR-1",
        review_type=ReviewType.RAPID_REVIEW,
        subject_pseudonym="Child R",
        lead_board=child_n.lancashire,
        notified_on=timezone.localdate(),
    )
    clock = Clock.objects.get(rule__code="rapid-review", subject_id=str(review.pk))
    assert clock.owner == demo.lancashire_manager
    services.move_review(actor=demo.lancashire_manager, review=review, to_status=ReviewStatus.COMMISSIONED)
    clock.refresh_from_db()
    assert clock.met_at is not None


def test_only_the_boards_managers_register_a_review(demo, child_n) -> None:
    with pytest.raises(PermissionDenied):
        services.register_review(
            actor=demo.police_lead,
            reference="NOPE-1",
            review_type=ReviewType.SERIOUS_CASE_REVIEW,
            subject_pseudonym="Child X",
            lead_board=child_n.liverpool,
            notified_on=timezone.localdate(),
        )
    assert not Review.objects.filter(reference="NOPE-1").exists()


def test_every_step_leaves_an_intact_audit_chain(demo, child_n) -> None:
    agreed_action(demo, child_n)
    assert AuditEvent.objects.filter(action="plan.approved").exists()
    assert list(verify_chain()) == []


def test_a_subgroup_chair_cannot_report_on_an_agencys_action(demo, child_n) -> None:
    # The CIG chair may edit plans of the review's boards and judges the police plan: reporting on it would
    # make them part of its delivery, so the service refuses and nothing is written.
    action = agreed_action(demo, child_n)
    with pytest.raises(PermissionDenied):
        services.submit_evidence(
            actor=demo.cig_chair, action=action, kind=EvidenceKind.NARRATIVE, description="x"
        )
    with pytest.raises(PermissionDenied):
        services.post_update(actor=demo.cig_chair, action=action, narrative="x", claimed="on_track")
    assert not action.evidence.exists()
    assert not action.updates.exists()
