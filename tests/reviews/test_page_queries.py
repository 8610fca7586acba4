"""The action, review and plan pages cost a fixed number of queries for every demo persona, whatever the
record's history: the permission predicates read the viewer's roles once per request (a `Viewer`), not
once per question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.people.demo import load_demo, register_demo_loader
from safeguard.reviews import permissions as perms
from safeguard.reviews import services
from safeguard.reviews.demo import REFERENCE, load_child_n_review
from safeguard.reviews.models import Action, ActionStatus, EvidenceKind, Review
from tests.reviews.conftest import agreed_action

# Session, user, second-factor check, working-day calendar, the record, the access-log row, one query per
# related table the page shows, the viewer's roles (one query) and the review's boards.
ACTION_PAGE_BUDGET = 15
REVIEW_PAGE_BUDGET = 16
PLAN_PAGE_BUDGET = 15


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _count(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries), "\n".join(q["sql"][:160] for q in captured.captured_queries)


def test_every_persona_sees_the_child_n_pages_within_budget(demo, client_as) -> None:
    register_demo_loader(load_child_n_review)
    load_demo()
    review = Review.objects.get(reference=REFERENCE)
    # The action with the most history (evidence, updates, status changes): the richest page the demo has.
    action = (
        Action.objects.filter(plan__review=review)
        .annotate(history=Count("evidence", distinct=True) + Count("status_changes", distinct=True))
        .order_by("-history", "pk")
        .first()
    )
    assert action is not None
    pages = {
        "action": (reverse("reviews:action_detail", args=[action.pk]), ACTION_PAGE_BUDGET),
        "review": (reverse("reviews:review_detail", args=[review.pk]), REVIEW_PAGE_BUDGET),
        "plan": (reverse("reviews:plan_detail", args=[action.plan_id]), PLAN_PAGE_BUDGET),
    }
    over = []
    for key, user in sorted(demo.users.items()):
        client = client_as(user)
        for page, (path, budget) in pages.items():
            client.get(path)  # the session's first request does its own bookkeeping
            count, sql = _count(client, path)
            if count > budget:
                over.append(f"{key} on the {page} page: {count} queries (budget {budget}):\n{sql}")
    assert not over, "\n\n".join(over)


def _add_history(demo, action: Action, n: int) -> None:
    for i in range(n):
        services.post_update(
            actor=demo.ops_supervisor, action=action, narrative=f"Update {i}", claimed="on_track"
        )
        services.submit_evidence(
            actor=demo.ops_supervisor, action=action, kind=EvidenceKind.NARRATIVE, description=f"Item {i}"
        )


@pytest.mark.parametrize(
    "persona",
    ["ops_supervisor", "police_lead", "cig_chair", "lancashire_manager", "scr_chair", "auditor"],
    ids=[
        "lead-officer",
        "owning-agency-lead",
        "monitoring-chair",
        "review-manager",
        "other-chair",
        "auditor",
    ],
)
def test_the_action_page_costs_the_same_with_1_and_15_updates_and_evidence_items(
    demo, child_n, client_as, persona
) -> None:
    action = agreed_action(demo, child_n)
    _add_history(demo, action, 1)
    client = client_as(demo.users[persona])
    path = reverse("reviews:action_detail", args=[action.pk])
    client.get(path)
    with_one, _ = _count(client, path)
    _add_history(demo, action, 14)
    services.reprogramme_action(
        actor=demo.cig_chair,
        action=action,
        new_due_date=timezone.localdate() + timedelta(days=200),
        reason="Training venue moved",
    )
    with_fifteen, sql = _count(client, path)
    assert with_one == with_fifteen, f"{with_one} then {with_fifteen}:\n{sql}"
    assert with_fifteen <= ACTION_PAGE_BUDGET, sql


def test_the_page_offers_the_same_steps_as_the_predicates_answer_for_the_user(demo, child_n) -> None:
    """The page asks with a Viewer; the services ask with the user: the answers must be the same."""
    from safeguard.reviews.presenters.actions import ActionPage
    from safeguard.reviews.selectors import get_action_for

    action = agreed_action(demo, child_n)
    _add_history(demo, action, 2)
    services.complete_action(actor=demo.ops_supervisor, action=action)
    for key, user in demo.users.items():
        if not perms.visible_actions(user).filter(pk=action.pk).exists():
            continue
        page = ActionPage(get_action_for(user, action.pk), perms.Viewer(user))
        fresh = Action.objects.select_related("plan__review").get(pk=action.pk)
        answers = (
            perms.can_edit_plan(user, fresh.plan),
            perms.can_report_on(user, fresh),
            perms.can_judge(user, fresh),
            perms.can_override_rag(user, fresh),
        )
        assert (page.may_edit, page.may_report, page.may_judge, page.may_override) == answers, key
    assert action.status == ActionStatus.AGREED  # the page's instance; the row moved on to completed
