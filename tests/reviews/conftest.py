"""A review mid-flight, built through the services with the demo partnership's personas."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from safeguard.people.models import Agency, Board, Subgroup
from safeguard.reviews import services
from safeguard.reviews.models import PlanKind, ReviewType


@pytest.fixture
def child_n(demo) -> SimpleNamespace:
    """The Child N review: led by Lancashire, Liverpool a partner, with a Merseyside Police plan
    monitored by Liverpool's Critical Incident Group."""
    lancashire = Board.objects.get(name__startswith="Lancashire")
    liverpool = Board.objects.get(name__startswith="Liverpool")
    police = Agency.objects.get(name="Merseyside Police")
    csc = Agency.objects.get(name="Lancashire Children's Social Care")
    cig = Subgroup.objects.get(board=liverpool, kind="critical_incident")
    scr = Subgroup.objects.get(board=lancashire, kind="scr")
    review = services.register_review(
        actor=demo.lancashire_manager,
        reference="LSCB-SCR-TEST-01",
        review_type=ReviewType.SERIOUS_CASE_REVIEW,
        subject_pseudonym="Child T",
        lead_board=lancashire,
        partner_boards=[liverpool],
        involved_agencies=[police, csc],
        notified_on=timezone.localdate() - timedelta(days=300),
    )
    finding = services.add_finding(
        actor=demo.lancashire_manager,
        review=review,
        title="Professional challenge",
        text="Practitioners rarely challenged.",
    )
    plan = services.create_plan(
        actor=demo.lancashire_manager,
        review=review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=police,
        monitoring_subgroup=cig,
        monitoring_boards=[liverpool, lancashire],
        title="Merseyside Police action plan",
    )
    return SimpleNamespace(
        review=review,
        finding=finding,
        plan=plan,
        police=police,
        csc=csc,
        cig=cig,
        scr=scr,
        lancashire=lancashire,
        liverpool=liverpool,
    )


def agreed_action(demo, child_n, *, due: date | None = None):
    """An action on the police plan, agreed through plan approval by the CIG chair."""
    action = services.add_action(
        actor=demo.police_lead,
        plan=child_n.plan,
        title="Train control-room staff on incident closure",
        lead_officer=demo.ops_supervisor,
        due_date=due or timezone.localdate() + timedelta(days=60),
        finding=child_n.finding,
    )
    services.add_success_criterion(
        actor=demo.police_lead,
        action=action,
        statement="All control staff trained",
        measure="Training records",
        target="100%",
    )
    services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    services.approve_plan(actor=demo.cig_chair, plan=child_n.plan)
    action.refresh_from_db()
    return action
