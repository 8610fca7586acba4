"""Scale data for the reviews module: plans, actions and their history, consistent and deterministic."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from django.db import transaction

from safeguard.core import scale
from safeguard.people.models import SubgroupMembership, User
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    EvidenceDecision,
    PlanKind,
    PlanStatus,
    ProgressUpdate,
    Review,
)


@pytest.fixture
def tiny(db):
    """The tiny profile, rolled back afterwards."""
    with transaction.atomic():
        report = scale.generate("tiny", seed=11)
        yield report
        transaction.set_rollback(True)


def _actions_fingerprint() -> list[tuple[object, ...]]:
    return list(
        Action.objects.order_by("plan__review__reference", "plan__title", "number").values_list(
            "plan__review__reference",
            "plan__title",
            "number",
            "title",
            "status",
            "due_date",
            "lead_officer__email",
            "agreed_at",
            "closed_at",
        )
    )


def test_counts_follow_the_profile(tiny) -> None:
    counts = scale.PROFILES["tiny"].counts
    assert Review.objects.count() == counts["reviews.reviews"] == tiny.rows["reviews.review"]
    assert Action.objects.count() == counts["reviews.actions"] == tiny.rows["reviews.action"]
    for table in ("reviews.actionstatuschange", "reviews.successcriterion", "reviews.actionplanversion"):
        assert tiny.rows[table] > 0


def test_the_same_seed_gives_the_same_actions(db) -> None:
    fingerprints = []
    for _ in range(2):
        with transaction.atomic():
            scale.generate("tiny", seed=3)
            fingerprints.append(_actions_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0]


def test_plans_have_the_owners_their_kind_needs(tiny) -> None:
    for plan in ActionPlan.objects.select_related("review"):
        if plan.kind == PlanKind.SINGLE_AGENCY:
            assert plan.review.involved_agencies.filter(pk=plan.owner_agency_id).exists()
        else:
            assert plan.owner_board_id in plan.review.board_ids()
        assert plan.monitoring_subgroup.kind == "scr"
        assert plan.monitoring_boards.filter(pk=plan.monitoring_subgroup.board_id).exists()


def test_each_action_history_ends_in_its_status(tiny) -> None:
    for action in Action.objects.prefetch_related("status_changes", "evidence", "updates"):
        changes = list(action.status_changes.order_by("at", "pk"))
        assert changes[0].from_status == "" and changes[-1].to_status == action.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(changes))
        assert (action.closed_at is not None) == (action.status == ActionStatus.CLOSED)
        pending = [e for e in action.evidence.all() if e.decision == EvidenceDecision.PENDING]
        assert len(pending) == (1 if action.status == ActionStatus.COMPLETED else 0)
        if action.plan.status != PlanStatus.APPROVED:
            assert action.status == ActionStatus.DRAFT
        assert all(u.written_at <= scale.DEFAULT_ANCHOR for u in action.updates.all())


def test_the_hot_review_is_monitored_by_the_monitor_persona(tiny) -> None:
    monitor = User.objects.get(email=scale.SCALE_MONITOR_EMAIL)
    hot = max(Review.objects.all(), key=lambda r: Action.objects.filter(plan__review=r).count())
    assert (
        Action.objects.filter(plan__review=hot).count()
        == scale.PROFILES["tiny"].counts["reviews.hot_review_actions"]
    )
    assert hot.status == "monitoring"
    assert SubgroupMembership.objects.filter(
        user=monitor, subgroup__board=hot.lead_board, subgroup__kind="scr"
    ).exists()
    assert perms.visible_reviews(monitor).filter(pk=hot.pk).exists()
    # Every agency of the board has its plan, and the board its own.
    kinds = Counter(hot.plans.values_list("kind", flat=True))
    assert kinds[PlanKind.MULTI_AGENCY] == 1
    assert kinds[PlanKind.SINGLE_AGENCY] == hot.lead_board.agencies.count()


def test_updates_and_evidence_are_written_by_who_delivers_the_action(tiny) -> None:
    for update in ProgressUpdate.objects.select_related("action__plan"):
        action = update.action
        assert update.author_id in (action.lead_officer_id, action.plan.created_by_id)
    for evidence in Evidence.objects.exclude(decision=EvidenceDecision.PENDING).select_related("action"):
        assert (
            evidence.decided_by_id is not None and evidence.decided_by_id != evidence.action.lead_officer_id
        )
