"""The Child N demo: loaded through the services, idempotent, and a partnership mid-way through monitoring."""

from __future__ import annotations

from collections import Counter

from safeguard.core.audit import check_chain
from safeguard.core.models import AuditEvent
from safeguard.people.demo import load_demo, register_demo_loader
from safeguard.reviews import selectors
from safeguard.reviews.demo import PLANS, REFERENCE, load_child_n_review
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Finding,
    PlanKind,
    PlanStatus,
    Rag,
    Recommendation,
    Review,
    ReviewStatus,
)
from safeguard.reviews.wiring import review_work_items


def _load(db) -> dict:
    register_demo_loader(load_child_n_review)
    return load_demo()


def test_the_demo_review_is_the_child_n_review(db) -> None:
    _load(db)
    review = Review.objects.get(reference=REFERENCE)
    assert review.subject_pseudonym == "Child N"
    assert review.lead_board.short_name == "Lancashire LSCB"
    assert [b.short_name for b in review.partner_boards.all()] == ["Liverpool LSCB"]
    assert review.lead_reviewer.startswith("NSPCC senior consultant")
    assert review.methodology == "systems"
    assert review.status == ReviewStatus.MONITORING
    assert (str(review.accepted_on), str(review.published_on)) == ("2015-04-15", "2015-05-29")
    assert review.involved_agencies.count() == 13
    assert Finding.objects.filter(review=review).count() == 9
    recommendations = Recommendation.objects.filter(review=review)
    assert Counter(r.board.short_name for r in recommendations) == {"Lancashire LSCB": 3, "Liverpool LSCB": 3}
    assert all(r.board_response for r in recommendations)
    plans = ActionPlan.objects.filter(review=review)
    assert plans.filter(kind=PlanKind.SINGLE_AGENCY).count() == 13
    assert plans.filter(kind=PlanKind.MULTI_AGENCY).count() == 2
    scr = plans.filter(monitoring_subgroup__name="SCR Subgroup")
    assert {p.owner_name for p in scr} >= {"Lancashire Care Foundation Trust", "Private Day Nursery 1"}
    assert (
        plans.get(owner_agency__name="Merseyside Police").monitoring_subgroup.name
        == "Critical Incident Group"
    )
    # Two plans were reopened by an action added after approval; the rest stand approved.
    assert Counter(p.status for p in plans) == {PlanStatus.APPROVED: 13, PlanStatus.DRAFT: 2}


def test_the_demo_shows_a_realistic_mix_of_states_and_every_rag(db) -> None:
    _load(db)
    actions = selectors.actions_with_rag(Action.objects.filter(plan__review__reference=REFERENCE))
    expected = sum(len(specs) for _, specs in PLANS.values())
    assert actions.count() == expected
    states = Counter(actions.values_list("status", flat=True))
    assert states[ActionStatus.CLOSED] >= 15
    assert states[ActionStatus.IN_PROGRESS] >= 15
    assert states[ActionStatus.AGREED] >= 5
    assert states[ActionStatus.COMPLETED] == 5  # evidence waiting for a decision
    assert states[ActionStatus.EVIDENCE_ACCEPTED] == 2  # impact assessments due
    assert states[ActionStatus.DRAFT] == 2
    rags = Counter(actions.values_list("rag", flat=True))
    assert all(rags[rag] > 0 for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)), rags
    assert actions.filter(is_reprogrammed=True).count() == 1
    assert (
        actions.filter(status=ActionStatus.CLOSED, impact_assessments__verdict="evidenced").count()
        == states["closed"]
    )
    assert not actions.filter(lead_officer__isnull=True, lead_officer_name="").exists()
    assert check_chain().intact


def test_my_work_has_items_for_the_chairs_and_the_lead_officers(db) -> None:
    loaded = _load(db)
    users = loaded["users"]
    cig_chair = Counter(item.kind for item in review_work_items(users["cig_chair"]))
    assert cig_chair["Evidence to decide"] >= 3 and cig_chair["Impact to assess"] >= 1
    assert Counter(item.kind for item in review_work_items(users["scr_chair"]))["Evidence to decide"] >= 1
    for persona in ("control_supervisor", "police_lead", "nursery_dsl", "csc_lead"):
        assert any(item.kind == "Action" for item in review_work_items(users[persona])), persona


def test_loading_the_demo_twice_changes_nothing(db) -> None:
    _load(db)
    counts = (
        Review.objects.count(),
        ActionPlan.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )
    again = _load(db)
    assert (
        Review.objects.count(),
        ActionPlan.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert again["loaders"]["safeguard.reviews.demo.load_child_n_review"]["created"] is False
