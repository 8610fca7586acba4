"""The reviews queries that make /actions/, the review page and the action page slow at scale, timed as they
are and with candidate fixes, on a scale database. A measuring script, not a test; it changes nothing (the
indexes it tries are created inside a transaction and rolled back).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench_large .venv/bin/python bench/query_experiments.py

The persona is the monitor (safeguard.core.scale): an agency safeguarding lead on an SCR subgroup, who may see
nearly every action. Each figure is the median of `REPEATS` runs, with PostgreSQL's JIT on (the server's
default) and off. The candidates copy today's selectors (safeguard/reviews/selectors.py) with one change each:

- the list: `evidence_count` as a correlated subquery instead of `Count("evidence", distinct=True)` (no join
  to evidence, no GROUP BY over every visible action), and the board filter as `plan_id IN (plans of the
  board)` instead of a join with DISTINCT; then the same with an index on Action (due_date, plan, number);
- the review page: the visible plans restricted to the review before the actions are read;
- the action page: the action read by its key, then one EXISTS on its plan's visibility.

Each candidate is checked to return the same rows as the query it replaces.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPEATS = 3


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from safeguard.core.scale import SCALE_MONITOR_EMAIL
    from safeguard.people.models import User
    from safeguard.reviews import permissions as perms
    from safeguard.reviews import selectors
    from safeguard.reviews.models import Action, ActionPlan, Evidence, Rag, Review
    from safeguard.reviews.selectors import ActionFilters

    user = User.objects.get(email=SCALE_MONITOR_EMAIL)
    review = Review.objects.annotate(n=Count("plans__actions")).order_by("-n", "pk").first()
    assert review is not None, "no scale data here"
    board = review.lead_board_id
    action = Action.objects.filter(plan__review=review).order_by("pk").first()
    assert action is not None
    print(f"Monitor {user.pk}; review {review.pk} ({review.n} actions); board {board}; action {action.pk}")  # type: ignore[attr-defined]

    def timed(label: str, fn: Callable[[], Any]) -> None:
        times = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        print(f"  {label:<64} {statistics.median(times) * 1000:9.1f} ms")

    def evidence_count() -> Coalesce:
        per_action = Evidence.objects.filter(action_id=OuterRef("pk")).order_by().values("action_id")
        count = Subquery(per_action.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())
        return Coalesce(count, 0)

    def fixed_list(filters: ActionFilters) -> Any:
        today = timezone.localdate()
        qs = selectors.actions_with_rag(perms.visible_actions(user), today=today).annotate(
            latest_update=selectors.latest_update_subquery(),
            latest_impact=selectors.latest_impact_subquery(),
            evidence_count=evidence_count(),
            rag_order=Case(
                When(rag=Rag.RED, then=Value(0)),
                When(rag=Rag.AMBER, then=Value(1)),
                When(rag=Rag.GREEN, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        if filters.board:
            plans = ActionPlan.objects.filter(
                Q(monitoring_boards__id=filters.board) | Q(owner_board_id=filters.board)
            )
            qs = qs.filter(plan_id__in=plans.values("pk"))
        if filters.rag:
            qs = qs.filter(rag=filters.rag)
        return qs.select_related(
            "plan__review", "plan__owner_agency", "plan__owner_board", "lead_officer", "finding"
        ).order_by(*selectors.SORTS["due"])

    def list_page(filters: ActionFilters, label: str) -> None:
        as_is, fixed = selectors.action_list(user, filters), fixed_list(filters)
        assert [a.pk for a in as_is[:50]] == [a.pk for a in fixed[:50]]
        assert as_is.count() == fixed.count()
        for name, qs in (("as is", as_is), ("candidate", fixed)):
            timed(f"{label} {name}: page of 50", lambda qs=qs: list(qs[:50]))
            timed(f"{label} {name}: count", lambda qs=qs: qs.count())
            timed(f"{label} {name}: RAG counts", lambda qs=qs: selectors.rag_counts(qs))
        over = sum(selectors.rag_counts(as_is).values())
        print(
            f"  (RAG counts add up to {over:,} as is, {sum(selectors.rag_counts(fixed).values()):,} candidate)"
        )

    def review_page() -> None:
        as_is = selectors.actions_with_rag(perms.visible_actions(user).filter(plan__review=review))
        plans = perms.visible_plans(user).filter(review=review)
        scoped = selectors.actions_with_rag(
            Action.objects.filter(Q(plan__in=plans) | Q(lead_officer=user), plan__review=review)
        )
        assert sorted(as_is.values_list("pk", flat=True)) == sorted(scoped.values_list("pk", flat=True))
        related = ("lead_officer", "finding")
        timed("review page's actions as is", lambda: list(as_is.select_related(*related)))
        timed(
            "review page's actions, visible plans of the review only",
            lambda: list(scoped.select_related(*related)),
        )

    def action_page() -> None:
        def scoped() -> bool:
            found = selectors.actions_with_rag(Action.objects.filter(pk=action.pk)).get()
            return (
                found.lead_officer_id == user.pk
                or perms.visible_plans(user).filter(pk=found.plan_id).exists()
            )

        assert scoped()
        timed(
            "action page: selectors.get_action_for as is", lambda: selectors.get_action_for(user, action.pk)
        )
        timed("action page: by key, then EXISTS on the plan's visibility", scoped)

    def my_work() -> None:
        timed("My work: evidence awaiting the monitor", lambda: list(selectors.evidence_awaiting(user)))
        timed("My work: impact assessments due", lambda: list(selectors.impact_due(user)))

    for jit in ("on", "off"):
        with connection.cursor() as cursor:
            cursor.execute(f"SET jit = {jit}")
        print(f"JIT {jit}")
        list_page(ActionFilters(), "/actions/")
        list_page(ActionFilters(board=board, rag="red"), "/actions/?board=..&rag=red")
        review_page()
        action_page()
        my_work()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX bench_tmp_action_due ON reviews_action (due_date, plan_id, number)")
            cursor.execute(
                "CREATE INDEX bench_tmp_evidence_pending ON reviews_evidence (action_id) "
                "WHERE decision = 'pending'"
            )
            cursor.execute("ANALYZE reviews_action")
            cursor.execute("ANALYZE reviews_evidence")
            cursor.execute("SET jit = off")
        print("JIT off, with indexes on Action (due_date, plan, number) and Evidence (action) WHERE pending")
        list_page(ActionFilters(), "/actions/")
        my_work()
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
