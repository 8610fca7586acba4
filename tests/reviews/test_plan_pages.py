"""Action plans in the browser: create, add actions, submit, approve or return, and the frozen versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent
from safeguard.people.models import Agency
from safeguard.reviews import services
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionPlanVersion,
    ActionStatus,
    PlanKind,
    PlanStatus,
    SuccessCriterion,
)
from tests.reviews.conftest import agreed_action

ERROR_SUMMARY = "govuk-error-summary"


def _date(prefix: str, value) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


def _plan_url(name: str, plan: ActionPlan) -> str:
    return reverse(f"reviews:{name}", args=[plan.pk])


def _status(plan: ActionPlan) -> str:
    plan.refresh_from_db()
    return plan.status


def _ready_action(demo, child_n, *, due=None, **overrides) -> Action:
    action = services.add_action(
        actor=demo.police_lead,
        plan=child_n.plan,
        title=overrides.get("title", "Train control-room staff"),
        lead_officer=overrides.get("lead_officer", demo.ops_supervisor),
        due_date=due or timezone.localdate() + timedelta(days=60),
    )
    if overrides.get("criterion", True):
        services.add_success_criterion(
            actor=demo.police_lead, action=action, statement="All trained", measure="Records", target="100%"
        )
    return action


def _submitted(demo, child_n) -> ActionPlan:
    _ready_action(demo, child_n)
    services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    return child_n.plan


# --- Creating a plan ----------------------------------------------------------------------------


def _plan_data(child_n, **overrides) -> dict[str, str]:
    data = {
        "title": "Lancashire CSC action plan",
        "kind": PlanKind.SINGLE_AGENCY,
        "owner_agency": str(child_n.csc.pk),
        "monitoring_subgroup": str(child_n.scr.pk),
        "monitoring_boards": [str(child_n.lancashire.pk)],
    }
    data.update(overrides)
    return data


def test_a_board_manager_creates_a_plan_for_an_involved_agency(demo, child_n, client_as) -> None:
    client = client_as(demo.lancashire_manager)
    url = reverse("reviews:plan_create", args=[child_n.review.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _plan_data(child_n))
    plan = ActionPlan.objects.get(review=child_n.review, owner_agency=child_n.csc)
    assert response.status_code == 302
    assert response["Location"] == _plan_url("plan_detail", plan)
    assert plan.status == PlanStatus.DRAFT


def test_a_plan_for_an_agency_not_involved_is_refused(demo, child_n, client_as) -> None:
    outsider = Agency.objects.get(name__startswith="Alder Hey")
    before = ActionPlan.objects.count()
    response = client_as(demo.lancashire_manager).post(
        reverse("reviews:plan_create", args=[child_n.review.pk]),
        _plan_data(child_n, owner_agency=str(outsider.pk)),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "Choose an agency involved in the review." in body
    assert ActionPlan.objects.count() == before


def test_an_agency_lead_cannot_create_plans(demo, child_n, client_as) -> None:
    before = ActionPlan.objects.count()
    response = client_as(demo.police_lead).post(
        reverse("reviews:plan_create", args=[child_n.review.pk]), _plan_data(child_n)
    )
    assert response.status_code == 403
    assert ActionPlan.objects.count() == before


# --- The plan page ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["police_lead", "cig_chair", "lancashire_manager", "liverpool_manager"])
def test_the_plan_page_is_open_to_the_owner_the_monitors_and_the_boards(
    demo, child_n, client_as, persona
) -> None:
    _ready_action(demo, child_n, criterion=False)
    user = getattr(demo, persona)
    response = client_as(user).get(_plan_url("plan_detail", child_n.plan))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Merseyside Police action plan" in body
    assert "Needs a success criterion" in body
    assert AccessEvent.objects.filter(
        user=user, target_id=str(child_n.plan.pk), route="reviews:plan_detail"
    ).exists()


@pytest.mark.parametrize("persona", ["nursery_dsl", "social_worker", "mash_officer"])
def test_the_plan_is_not_found_outside_the_review(demo, child_n, client_as, persona) -> None:
    client = client_as(getattr(demo, persona))
    for name in ("plan_detail", "plan_submit", "plan_approve", "plan_return", "action_create"):
        refused = client.get(_plan_url(name, child_n.plan))
        missing = client.get(reverse(f"reviews:{name}", args=[2_000_000_000]))
        assert refused.status_code == missing.status_code == 404, name


def test_anonymous_visitors_are_sent_to_sign_in(child_n) -> None:
    for name in ("plan_detail", "plan_submit", "plan_approve", "plan_return", "action_create"):
        response = Client().get(_plan_url(name, child_n.plan))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:sign_in"))


def test_the_plan_page_offers_each_person_only_their_step(demo, child_n, client_as) -> None:
    lead_page = client_as(demo.police_lead).get(_plan_url("plan_detail", child_n.plan)).content.decode()
    assert "Submit the plan for approval" in lead_page
    assert "Add an action" in lead_page
    _submitted(demo, child_n)
    chair_page = client_as(demo.cig_chair).get(_plan_url("plan_detail", child_n.plan)).content.decode()
    assert "Approve the plan" in chair_page
    lead_page = client_as(demo.police_lead).get(_plan_url("plan_detail", child_n.plan)).content.decode()
    assert "Approve the plan" not in lead_page
    assert "waiting for approval" in lead_page


# --- Adding actions -----------------------------------------------------------------------------


def _action_data(demo, child_n, **overrides) -> dict[str, str]:
    data = {
        "title": "Audit closures monthly",
        "lead_officer": str(demo.ops_supervisor.pk),
        "finding": str(child_n.finding.pk),
        **_date("due_date", timezone.localdate() + timedelta(days=90)),
        "criterion_statement": "Closures are endorsed",
        "criterion_measure": "Monthly audit",
        "criterion_target": "95%",
    }
    data.update(overrides)
    return data


def test_the_owning_agency_adds_an_action_with_its_first_success_criterion(demo, child_n, client_as) -> None:
    client = client_as(demo.police_lead)
    url = _plan_url("action_create", child_n.plan)
    assert client.get(url).status_code == 200
    response = client.post(url, _action_data(demo, child_n))
    assert response.status_code == 302
    action = Action.objects.get(plan=child_n.plan)
    assert action.lead_officer == demo.ops_supervisor
    assert action.due_date == timezone.localdate() + timedelta(days=90)
    assert action.finding == child_n.finding
    assert list(action.criteria.values_list("target", flat=True)) == ["95%"]


def test_an_action_due_before_the_plan_is_approved_is_refused(demo, child_n, client_as) -> None:
    data = _action_data(demo, child_n, **_date("due_date", timezone.localdate() - timedelta(days=1)))
    response = client_as(demo.police_lead).post(_plan_url("action_create", child_n.plan), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "an action cannot be due before its plan is approved" in body
    assert not Action.objects.filter(plan=child_n.plan).exists()


def test_an_action_without_a_title_is_refused(demo, child_n, client_as) -> None:
    response = client_as(demo.police_lead).post(
        _plan_url("action_create", child_n.plan), _action_data(demo, child_n, title="")
    )
    assert response.status_code == 200
    assert "Enter what will be done." in response.content.decode()
    assert not Action.objects.exists()


def test_a_half_written_criterion_writes_neither_the_action_nor_the_criterion(
    demo, child_n, client_as
) -> None:
    data = _action_data(demo, child_n, criterion_measure="", criterion_target="")
    response = client_as(demo.police_lead).post(_plan_url("action_create", child_n.plan), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say how it will be measured." in body
    assert "Enter the target." in body
    assert not Action.objects.exists()
    assert not SuccessCriterion.objects.exists()


def test_another_agencys_lead_cannot_add_actions(demo, child_n, client_as) -> None:
    # Lancashire CSC's lead sees the review (CSC is involved) and so its plans, but owns only CSC's.
    client = client_as(demo.csc_lead)
    assert client.get(_plan_url("action_create", child_n.plan)).status_code == 403
    assert (
        client.post(_plan_url("action_create", child_n.plan), _action_data(demo, child_n)).status_code == 403
    )
    assert not Action.objects.exists()


def test_adding_an_action_to_an_approved_plan_opens_a_new_version(demo, child_n, client_as) -> None:
    agreed_action(demo, child_n)
    client = client_as(demo.police_lead)
    assert "opens version 2" in client.get(_plan_url("action_create", child_n.plan)).content.decode()
    assert (
        client.post(_plan_url("action_create", child_n.plan), _action_data(demo, child_n)).status_code == 302
    )
    child_n.plan.refresh_from_db()
    assert child_n.plan.status == PlanStatus.DRAFT
    assert child_n.plan.version_number == 2


# --- Submitting ---------------------------------------------------------------------------------


def test_the_owning_agency_lead_submits_a_ready_plan(demo, child_n, client_as) -> None:
    _ready_action(demo, child_n)
    client = client_as(demo.police_lead)
    assert client.get(_plan_url("plan_submit", child_n.plan)).status_code == 200
    response = client.post(_plan_url("plan_submit", child_n.plan))
    assert response.status_code == 302
    assert _status(child_n.plan) == PlanStatus.SUBMITTED


def test_submitting_a_plan_with_an_unready_action_shows_what_is_missing(demo, child_n, client_as) -> None:
    _ready_action(demo, child_n, lead_officer=None, criterion=False)
    response = client_as(demo.police_lead).post(_plan_url("plan_submit", child_n.plan))
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "Action 1 needs a lead officer." in body
    assert "Action 1 needs at least one success criterion." in body
    assert _status(child_n.plan) == PlanStatus.DRAFT


def test_submitting_an_empty_plan_is_refused(demo, child_n, client_as) -> None:
    response = client_as(demo.police_lead).post(_plan_url("plan_submit", child_n.plan))
    assert response.status_code == 200
    assert "Add at least one action before submitting the plan." in response.content.decode()
    assert _status(child_n.plan) == PlanStatus.DRAFT


def test_another_agencys_lead_cannot_submit_the_plan(demo, child_n, client_as) -> None:
    _ready_action(demo, child_n)
    client = client_as(demo.csc_lead)
    assert client.get(_plan_url("plan_submit", child_n.plan)).status_code == 403
    assert client.post(_plan_url("plan_submit", child_n.plan)).status_code == 403
    assert _status(child_n.plan) == PlanStatus.DRAFT


# --- Approving and returning --------------------------------------------------------------------


def test_the_monitoring_subgroup_approves_and_the_version_is_frozen(demo, child_n, client_as) -> None:
    _submitted(demo, child_n)
    client = client_as(demo.cig_chair)
    assert client.get(_plan_url("plan_approve", child_n.plan)).status_code == 200
    response = client.post(_plan_url("plan_approve", child_n.plan))
    assert response.status_code == 302
    assert _status(child_n.plan) == PlanStatus.APPROVED
    assert Action.objects.get(plan=child_n.plan).status == ActionStatus.AGREED
    assert ActionPlanVersion.objects.filter(plan=child_n.plan, number=1).exists()
    page = client.get(_plan_url("plan_detail", child_n.plan)).content.decode()
    assert reverse("reviews:plan_version", args=[child_n.plan.pk, 1]) in page


def test_the_owning_agency_cannot_approve_its_own_plan(demo, child_n, client_as) -> None:
    _submitted(demo, child_n)
    client = client_as(demo.police_lead)  # also sits on the Critical Incident Group that monitors the plan
    assert client.get(_plan_url("plan_approve", child_n.plan)).status_code == 403
    assert client.post(_plan_url("plan_approve", child_n.plan)).status_code == 403
    assert _status(child_n.plan) == PlanStatus.SUBMITTED
    assert not ActionPlanVersion.objects.exists()
    assert Action.objects.get(plan=child_n.plan).status == ActionStatus.DRAFT


def test_approving_an_action_now_overdue_is_refused_with_the_services_message(
    demo, child_n, client_as
) -> None:
    _submitted(demo, child_n)
    # The plan was submitted in time, but one action's date passed while it waited.
    Action.objects.filter(plan=child_n.plan).update(due_date=timezone.localdate() - timedelta(days=2))
    response = client_as(demo.cig_chair).post(_plan_url("plan_approve", child_n.plan))
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "Action 1 is due before the plan would be approved" in body
    assert _status(child_n.plan) == PlanStatus.SUBMITTED


def test_returning_a_plan_needs_a_reason(demo, child_n, client_as) -> None:
    _submitted(demo, child_n)
    response = client_as(demo.cig_chair).post(_plan_url("plan_return", child_n.plan), {"reason": " "})
    body = response.content.decode()
    assert response.status_code == 200
    assert ERROR_SUMMARY in body
    assert "Say what needs to change before the plan can be approved." in body
    assert _status(child_n.plan) == PlanStatus.SUBMITTED


def test_a_returned_plan_goes_back_to_draft_with_its_reason(demo, child_n, client_as) -> None:
    _submitted(demo, child_n)
    client = client_as(demo.cig_chair)
    assert client.get(_plan_url("plan_return", child_n.plan)).status_code == 200
    response = client.post(_plan_url("plan_return", child_n.plan), {"reason": "Targets are not measurable"})
    assert response.status_code == 302
    assert _status(child_n.plan) == PlanStatus.DRAFT
    page = client_as(demo.police_lead).get(_plan_url("plan_detail", child_n.plan)).content.decode()
    assert "Targets are not measurable" in page


def test_the_owning_agency_cannot_return_its_own_plan(demo, child_n, client_as) -> None:
    _submitted(demo, child_n)
    response = client_as(demo.police_lead).post(
        _plan_url("plan_return", child_n.plan), {"reason": "Never mind"}
    )
    assert response.status_code == 403
    assert _status(child_n.plan) == PlanStatus.SUBMITTED


def test_approving_a_plan_that_is_not_submitted_is_refused(demo, child_n, client_as) -> None:
    _ready_action(demo, child_n)
    response = client_as(demo.cig_chair).post(_plan_url("plan_approve", child_n.plan))
    assert response.status_code == 200
    assert ERROR_SUMMARY in response.content.decode()
    assert _status(child_n.plan) == PlanStatus.DRAFT


# --- Frozen versions ----------------------------------------------------------------------------


def test_an_approved_version_stays_readable_after_later_changes(demo, child_n, client_as) -> None:
    action = agreed_action(demo, child_n)
    services.add_action(actor=demo.police_lead, plan=child_n.plan, title="A later action")
    Action.objects.filter(pk=action.pk).update(title="Renamed after approval")
    client = client_as(demo.liverpool_manager)
    response = client.get(reverse("reviews:plan_version", args=[child_n.plan.pk, 1]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Train control-room staff on incident closure" in body
    assert "A later action" not in body
    assert "Renamed after approval" not in body
    assert "It has changed since" in body
    assert AccessEvent.objects.filter(route="reviews:plan_version", target_id=str(child_n.plan.pk)).exists()


def test_a_version_that_does_not_exist_is_not_found(demo, child_n, client_as) -> None:
    agreed_action(demo, child_n)
    client = client_as(demo.cig_chair)
    assert client.get(reverse("reviews:plan_version", args=[child_n.plan.pk, 2])).status_code == 404
    assert (
        client_as(demo.nursery_dsl)
        .get(reverse("reviews:plan_version", args=[child_n.plan.pk, 1]))
        .status_code
        == 404
    )
