"""The one place where every route is described for the quality walks.

The walks enumerate every URL pattern from the resolver and every operation in the OpenAPI schema; a
route that is not described here fails `test_every_route_is_registered`, so a new page or API operation
cannot escape the access, header and query-budget checks. Register it here with how to build an object
for it (object routes) and rows for it (list pages).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


class Access(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not (sign-in page, health check)
    SIGNED_IN = "signed_in"  # any signed-in user; shows only the user's own things
    OBJECT = "object"  # one record: only users the access rules allow; others get 404
    STAFF = "staff"  # administrators only


@dataclass(frozen=True)
class RouteSpec:
    name: str
    access: Access
    # Methods the right user may use and the status they get; anything else must be 405 or refused.
    ok: dict[str, int] = field(default_factory=lambda: {"GET": 200})
    api: bool = False
    # Object routes: build the record and return the URL kwargs.
    make_kwargs: Callable[[Any], dict[str, Any]] | None = None
    # List pages: create n rows visible to the right user, for the query-budget walk.
    make_rows: Callable[[Any, int], None] | None = None
    # Fields of the target that must never appear in a refused response.
    secret_fields: Callable[[Any], list[str]] | None = None
    # Page shows no personal data at all (error pages, sign-in); still no-store by policy.
    note: str = ""


ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

REGISTRY: dict[str, RouteSpec] = {}


def register(spec: RouteSpec) -> RouteSpec:
    REGISTRY[spec.name] = spec
    return spec


# Routes maintained by third parties, walked by their own rules: the admin is staff-only as a whole.
EXCLUDED_PREFIXES = ("admin:",)


def iter_named_routes() -> Iterator[tuple[str, str]]:
    """(url name, route pattern) for every named URL in the project."""

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = ":".join(part for part in (namespace, pattern.namespace) if part) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                yield name, prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "", None)


# --- Row builders for list pages ---------------------------------------------------------------


def clocks_for_owner(scenario: Any, n: int) -> None:
    """n open clocks owned by the right user (they appear in My work)."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from safeguard.core.models import Clock, TimescaleRule

    rule, _ = TimescaleRule.objects.get_or_create(
        code="walk-rule",
        defaults={
            "name": "Walk rule",
            "regime": "local",
            "start_event": "test",
            "unit": "working_days",
            "limit": 5,
        },
    )
    now = timezone.now()
    subject_type = ContentType.objects.get_for_model(scenario.owner)
    Clock.objects.bulk_create(
        Clock(
            rule=rule,
            subject_type=subject_type,
            subject_id=str(scenario.owner.pk),
            owner=scenario.owner,
            title=f"Walk item {i}",
            started_at=now,
            due_at=now + timedelta(days=i + 1),
        )
        for i in range(n)
    )


# --- The foundation's routes -------------------------------------------------------------------

register(RouteSpec("core:home", Access.PUBLIC, ok={"GET": 302}, note="redirects to sign-in or My work"))
register(RouteSpec("core:my_work", Access.SIGNED_IN, make_rows=clocks_for_owner))
register(RouteSpec("people:sign_in", Access.PUBLIC, ok={"GET": 200}))
register(RouteSpec("people:sign_out", Access.SIGNED_IN, ok={"POST": 302}))
register(RouteSpec("people:account", Access.SIGNED_IN))
register(
    RouteSpec("people:verify", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}, note="no device: to set-up")
)
register(RouteSpec("people:verify_recovery", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}))
register(RouteSpec("people:change_password", Access.SIGNED_IN, ok={"GET": 200, "POST": 200}))
register(RouteSpec("people:enrol", Access.SIGNED_IN, ok={"GET": 200, "POST": 200}))
register(RouteSpec("people:recovery_codes", Access.SIGNED_IN, ok={"GET": 302, "POST": 302}))
register(RouteSpec("healthz", Access.PUBLIC))
register(RouteSpec("api-me", Access.SIGNED_IN, api=True))
register(RouteSpec("api-schema", Access.SIGNED_IN, api=True))
register(RouteSpec("api-docs", Access.SIGNED_IN, api=True))
register(
    RouteSpec(
        "api-access-log",
        Access.STAFF,
        api=True,
        make_kwargs=lambda s: {"target_type": "people.user", "target_id": str(s.owner.pk)},
        note="administrators (and auditors where the record's app registers a scope); constant-query: "
        "tests/core/test_access_log_api.py",
    )
)


# --- reviews: actions --------------------------------------------------------------------------
# Each builder makes a fresh review, plan and action on a board of its own, through the services, and
# gives the scenario's owner exactly the part the route needs: lead officer (report on it), review
# manager (edit a draft) or chair of the monitoring subgroup (judge it, set its RAG). The wrong role
# (an auditor of the owner's agency) and the outsider (another board's lead) see none of it.


def _action_world(scenario: Any, *, owner_is: str, state: str = "agreed") -> dict[str, Any]:
    from datetime import timedelta
    from uuid import uuid4

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from safeguard.people.models import Role
    from safeguard.reviews import services
    from safeguard.reviews.models import ImpactSource, ImpactVerdict, PlanKind, ReviewType
    from tests.factories import (
        AgencyFactory,
        BoardFactory,
        BoardRoleFactory,
        MembershipFactory,
        SubgroupFactory,
        SubgroupMembershipFactory,
    )

    owner = scenario.owner
    board = BoardFactory()
    agency = AgencyFactory(boards=[board])
    manager = (
        owner
        if owner_is == "manager"
        else BoardRoleFactory(board=board, role=Role.BOARD_BUSINESS_MANAGER).user
    )
    if owner_is == "manager":
        BoardRoleFactory(board=board, user=owner, role=Role.BOARD_BUSINESS_MANAGER)
    subgroup = SubgroupFactory(board=board)
    chair = owner if owner_is == "chair" else SubgroupMembershipFactory(subgroup=subgroup, is_chair=True).user
    if owner_is == "chair":
        SubgroupMembershipFactory(subgroup=subgroup, user=owner, is_chair=True)
    lead = owner if owner_is == "lead" else MembershipFactory(agency=agency, role=Role.PRACTITIONER).user
    today = timezone.localdate()
    review = services.register_review(
        actor=manager,
        reference=f"WALK-{uuid4().hex[:12]}",
        review_type=ReviewType.SERIOUS_CASE_REVIEW,
        subject_pseudonym="Child W",
        lead_board=board,
        involved_agencies=[agency],
        notified_on=today - timedelta(days=30),
    )
    plan = services.create_plan(
        actor=manager,
        review=review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=agency,
        monitoring_subgroup=subgroup,
        monitoring_boards=[board],
        title="Walk plan",
    )
    action = services.add_action(
        actor=manager, plan=plan, title="Walk action", lead_officer=lead, due_date=today + timedelta(days=60)
    )
    world: dict[str, Any] = {"action": action}
    if state == "draft":
        return world
    services.add_success_criterion(
        actor=manager, action=action, statement="Done", measure="Records", target="All"
    )
    services.submit_plan(actor=manager, plan=plan)
    # An independent member of the monitoring subgroup approves (never the owning agency).
    services.approve_plan(actor=chair, plan=plan)
    if state == "agreed":
        return world
    if state == "file":
        upload = SimpleUploadedFile("walk evidence.pdf", b"%PDF-1.4 walk", content_type="application/pdf")
        world["evidence"] = services.submit_evidence(
            actor=lead, action=action, kind="file", description="Register", upload=upload
        )
        return world
    evidence = services.submit_evidence(actor=lead, action=action, kind="narrative", description="Register")
    services.complete_action(actor=lead, action=action)
    world["evidence"] = evidence
    if state == "completed":
        return world
    services.accept_evidence(actor=chair, evidence=evidence)
    if state == "evidence_accepted":
        return world
    services.assess_impact(
        actor=chair,
        action=action,
        verdict=ImpactVerdict.EVIDENCED,
        source=ImpactSource.AUDIT,
        narrative="Audit",
    )
    assert state == "impact_assessed", state
    return world


def _action_kwargs(owner_is: str, state: str = "agreed") -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"pk": _action_world(s, owner_is=owner_is, state=state)["action"].pk}


def _evidence_kwargs(owner_is: str, state: str) -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"pk": _action_world(s, owner_is=owner_is, state=state)["evidence"].pk}


def actions_led_by_owner(scenario: Any, n: int) -> None:
    """n agreed actions the owner leads, on one plan (the all-actions list shows them)."""
    from datetime import timedelta

    from django.utils import timezone

    from safeguard.reviews.models import Action, ActionStatus

    template = _action_world(scenario, owner_is="lead")["action"]
    start = (template.plan.actions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    Action.objects.bulk_create(
        Action(
            plan=template.plan,
            number=start + i,
            title=f"Walk action {start + i}",
            lead_officer=scenario.owner,
            due_date=timezone.localdate() + timedelta(days=i),
            status=ActionStatus.AGREED,
            created_by=template.created_by,
        )
        for i in range(n - 1)
    )


register(RouteSpec("reviews:action_list", Access.SIGNED_IN, make_rows=actions_led_by_owner))
register(RouteSpec("reviews:action_detail", Access.OBJECT, make_kwargs=_action_kwargs("lead")))
register(RouteSpec("reviews:action_edit", Access.OBJECT, make_kwargs=_action_kwargs("manager", "draft")))
register(RouteSpec("reviews:criterion_create", Access.OBJECT, make_kwargs=_action_kwargs("manager", "draft")))
register(RouteSpec("reviews:update_create", Access.OBJECT, make_kwargs=_action_kwargs("lead")))
register(RouteSpec("reviews:evidence_create", Access.OBJECT, make_kwargs=_action_kwargs("lead")))
register(RouteSpec("reviews:action_complete", Access.OBJECT, make_kwargs=_action_kwargs("lead")))
register(
    RouteSpec("reviews:evidence_decide", Access.OBJECT, make_kwargs=_evidence_kwargs("chair", "completed"))
)
register(
    RouteSpec(
        "reviews:evidence_download",
        Access.OBJECT,
        make_kwargs=_evidence_kwargs("lead", "file"),
        note="a file, as an attachment; tests/reviews/test_action_pages.py checks its headers",
    )
)
register(
    RouteSpec(
        "reviews:impact_create", Access.OBJECT, make_kwargs=_action_kwargs("chair", "evidence_accepted")
    )
)
register(
    RouteSpec("reviews:action_close", Access.OBJECT, make_kwargs=_action_kwargs("chair", "impact_assessed"))
)
register(
    RouteSpec("reviews:action_reopen", Access.OBJECT, make_kwargs=_action_kwargs("chair", "impact_assessed"))
)
register(RouteSpec("reviews:action_reprogramme", Access.OBJECT, make_kwargs=_action_kwargs("chair")))
register(RouteSpec("reviews:action_rag", Access.OBJECT, make_kwargs=_action_kwargs("chair")))


# --- reviews: API -------------------------------------------------------------------------------
# One embargoed review on a board of its own, with a finding, a board-owned plan and an action, built
# straight in the database (the walks test access, not the lifecycle: tests/reviews/test_api.py drives the
# services). The owner sits on the board (so sees the review and its plan) and leads the action; the
# wrong role (an auditor of the owner's agency) and the outsider (another board's lead) see none of it.
# Operations that take only POST are registered as SIGNED_IN: a GET there is 405 for everyone, so the
# "missing and not yours look the same" GET check does not apply; tests/reviews/test_api.py checks their
# 404 (not visible) and 403 (visible, not allowed) answers.


def _reviews_api_world(scenario: Any) -> dict[str, Any]:
    cached = getattr(scenario, "reviews_api_world", None)
    if cached is not None:
        return cached
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from safeguard.people.models import Role
    from safeguard.reviews.models import Action, ActionPlan, ActionStatus, Finding, PlanKind, Review
    from tests.factories import BoardFactory, BoardRoleFactory, SubgroupFactory

    owner = scenario.owner
    board = BoardFactory()
    BoardRoleFactory(board=board, user=owner, role=Role.SUBGROUP_MEMBER)
    today = timezone.localdate()
    review = Review.objects.create(
        reference=f"API-WALK-{uuid4().hex[:12]}",
        review_type="scr",
        subject_pseudonym="Child Q",
        lead_board=board,
        notified_on=today - timedelta(days=30),
        created_by=owner,
    )
    plan = ActionPlan.objects.create(
        review=review,
        kind=PlanKind.MULTI_AGENCY,
        owner_board=board,
        monitoring_subgroup=SubgroupFactory(board=board),
        title="API walk plan",
        created_by=owner,
    )
    plan.monitoring_boards.set([board])
    world = {
        "board": board,
        "review": review,
        "finding": Finding.objects.create(
            review=review, number=1, title="Walk", text="Walk", created_by=owner
        ),
        "plan": plan,
        "action": Action.objects.create(
            plan=plan,
            number=1,
            title="API walk action",
            lead_officer=owner,
            due_date=today + timedelta(days=30),
            status=ActionStatus.AGREED,
            created_by=owner,
        ),
    }
    # Reads log the access by content type; look the types up now so the first request of the query-budget
    # walk does not pay for filling Django's content-type cache.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(Review, ActionPlan, Action, Finding)
    scenario.reviews_api_world = world  # type: ignore[attr-defined]
    return world


def _api_id(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"id": _reviews_api_world(s)[key].pk}


def _api_secrets(scenario: Any) -> list[str]:
    return [_reviews_api_world(scenario)["review"].reference]


def _api_published_reviews(scenario: Any, n: int) -> None:
    """n published reviews: everyone who works in the partnership sees them."""
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from safeguard.reviews.models import Review

    board = _reviews_api_world(scenario)["board"]
    today = timezone.localdate()
    Review.objects.bulk_create(
        Review(
            reference=f"API-PUB-{uuid4().hex[:12]}",
            review_type="scr",
            subject_pseudonym="Child P",
            lead_board=board,
            notified_on=today - timedelta(days=90),
            published_on=today - timedelta(days=10),
            status="published",
            created_by=scenario.owner,
        )
        for _ in range(n)
    )


def _api_findings(scenario: Any, n: int) -> None:
    from django.db.models import Max

    from safeguard.reviews.models import Finding

    review = _reviews_api_world(scenario)["review"]
    start = (review.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    Finding.objects.bulk_create(
        Finding(
            review=review, number=start + i, title=f"F{start + i}", text="Walk", created_by=scenario.owner
        )
        for i in range(n)
    )


def _api_plans(scenario: Any, n: int) -> None:
    from safeguard.reviews.models import ActionPlan

    world = _reviews_api_world(scenario)
    template = world["plan"]
    plans = ActionPlan.objects.bulk_create(
        ActionPlan(
            review=world["review"],
            kind=template.kind,
            owner_board=world["board"],
            monitoring_subgroup=template.monitoring_subgroup,
            title=f"API walk plan {i}",
            created_by=scenario.owner,
        )
        for i in range(n)
    )
    ActionPlan.monitoring_boards.through.objects.bulk_create(
        ActionPlan.monitoring_boards.through(actionplan_id=plan.pk, board_id=world["board"].pk)
        for plan in plans
    )


def _api_actions(scenario: Any, n: int) -> None:
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from safeguard.reviews.models import Action, ActionStatus

    plan = _reviews_api_world(scenario)["plan"]
    start = (plan.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    Action.objects.bulk_create(
        Action(
            plan=plan,
            number=start + i,
            title=f"API walk action {start + i}",
            lead_officer=scenario.owner,
            due_date=timezone.localdate() + timedelta(days=i),
            status=ActionStatus.IN_PROGRESS,
            created_by=scenario.owner,
        )
        for i in range(n)
    )


def _api_action_rows(kind: str) -> Callable[[Any, int], None]:
    """n updates, evidence, impact assessments or status changes on the world's action."""

    def make(scenario: Any, n: int) -> None:
        from safeguard.reviews.models import ActionStatus

        action = _reviews_api_world(scenario)["action"]
        by = scenario.owner
        for i in range(n):
            if kind == "updates":
                action.updates.create(author=by, narrative=f"Update {i}", claimed="on_track")
            elif kind == "evidence":
                action.evidence.create(kind="narrative", description=f"Evidence {i}", submitted_by=by)
            elif kind == "impact":
                action.impact_assessments.create(
                    verdict="partly", source="audit", narrative="Walk", assessor=by
                )
            else:
                action.status_changes.create(from_status="", to_status=ActionStatus.AGREED, actor=by)

    return make


_API_POST_ONLY = "POST-only operation (415: the walk posts multipart); 403/404: tests/reviews/test_api.py"

register(
    RouteSpec(
        "api-reviews-list",
        Access.SIGNED_IN,
        ok={"GET": 200, "POST": 415},
        api=True,
        make_rows=_api_published_reviews,
    )
)
register(
    RouteSpec(
        "api-reviews-detail",
        Access.OBJECT,
        api=True,
        make_kwargs=_api_id("review"),
        secret_fields=_api_secrets,
    )
)
register(
    RouteSpec(
        "api-reviews-findings",
        Access.OBJECT,
        ok={"GET": 200, "POST": 415},
        api=True,
        make_kwargs=_api_id("review"),
        make_rows=_api_findings,
        secret_fields=_api_secrets,
    )
)
register(
    RouteSpec(
        "api-findings-list", Access.SIGNED_IN, ok={"GET": 200, "POST": 415}, api=True, make_rows=_api_findings
    )
)
register(RouteSpec("api-findings-detail", Access.OBJECT, api=True, make_kwargs=_api_id("finding")))
register(
    RouteSpec(
        "api-plans-list", Access.SIGNED_IN, ok={"GET": 200, "POST": 415}, api=True, make_rows=_api_plans
    )
)
register(RouteSpec("api-plans-detail", Access.OBJECT, api=True, make_kwargs=_api_id("plan")))
register(
    RouteSpec(
        "api-plans-actions",
        Access.OBJECT,
        ok={"GET": 200, "POST": 415},
        api=True,
        make_kwargs=_api_id("plan"),
        make_rows=_api_actions,
    )
)
register(RouteSpec("api-actions-list", Access.SIGNED_IN, api=True, make_rows=_api_actions))
register(RouteSpec("api-actions-detail", Access.OBJECT, api=True, make_kwargs=_api_id("action")))
for _name in ("updates", "evidence", "impact"):
    register(
        RouteSpec(
            f"api-actions-{_name}",
            Access.OBJECT,
            # The evidence operation also takes multipart (a file): an empty form is a 400, not a 415.
            ok={"GET": 200, "POST": 400 if _name == "evidence" else 415},
            api=True,
            make_kwargs=_api_id("action"),
            make_rows=_api_action_rows(_name),
        )
    )
register(
    RouteSpec(
        "api-actions-history",
        Access.OBJECT,
        api=True,
        make_kwargs=_api_id("action"),
        make_rows=_api_action_rows("history"),
    )
)
for _name, _key in (
    ("api-reviews-transition", "review"),
    ("api-plans-submit", "plan"),
    ("api-plans-approve", "plan"),
    ("api-plans-return", "plan"),
    ("api-actions-criteria", "action"),
    ("api-actions-complete", "action"),
    ("api-actions-accept-evidence", "action"),
    ("api-actions-return-evidence", "action"),
    ("api-actions-close", "action"),
    ("api-actions-reopen", "action"),
    ("api-actions-reprogramme", "action"),
    ("api-actions-rag-override", "action"),
):
    register(
        RouteSpec(
            _name,
            Access.SIGNED_IN,
            ok={"POST": 415},
            api=True,
            make_kwargs=_api_id(_key),
            note=_API_POST_ONLY,
        )
    )


# --- reviews: register and plans ---------------------------------------------------------------
# One embargoed review on a board of its own, built through the services, for each plan state a route
# needs (draft and ready to submit, submitted, approved). The owner manages the board (business manager)
# and sits on the monitoring subgroup outside the owning agency, so may edit, submit, approve and return;
# the wrong role (an auditor of the owner's agency) and the outsider (another board's lead) see none of it.


def _register_world(scenario: Any, state: str = "draft") -> dict[str, Any]:
    worlds = scenario.__dict__.setdefault("register_worlds", {})
    if state in worlds:
        return worlds[state]
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from safeguard.people.models import Role
    from safeguard.reviews import services
    from safeguard.reviews.models import PlanKind, ReviewType
    from tests.factories import (
        AgencyFactory,
        BoardFactory,
        BoardRoleFactory,
        MembershipFactory,
        SubgroupFactory,
        SubgroupMembershipFactory,
    )

    owner = scenario.owner
    board = BoardFactory()
    BoardRoleFactory(board=board, user=owner, role=Role.BOARD_BUSINESS_MANAGER)
    agency = AgencyFactory(boards=[board])
    subgroup = SubgroupFactory(board=board)
    SubgroupMembershipFactory(subgroup=subgroup, user=owner)
    lead = MembershipFactory(agency=agency, role=Role.PRACTITIONER).user
    # Another manager drafts and submits, so the owner (on the monitoring subgroup) may approve:
    # nobody approves a plan they drafted.
    drafter = BoardRoleFactory(board=board, role=Role.BOARD_BUSINESS_MANAGER).user
    today = timezone.localdate()
    review = services.register_review(
        actor=owner,
        reference=f"REG-WALK-{uuid4().hex[:12]}",
        review_type=ReviewType.SERIOUS_CASE_REVIEW,
        subject_pseudonym="Child R",
        lead_board=board,
        involved_agencies=[agency],
        notified_on=today - timedelta(days=30),
    )
    finding = services.add_finding(actor=owner, review=review, title="Challenge", text="Rarely challenged.")
    recommendation = services.add_recommendation(
        actor=owner, review=review, board=board, text="Promote challenge"
    )
    plan = services.create_plan(
        actor=owner,
        review=review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=agency,
        monitoring_subgroup=subgroup,
        monitoring_boards=[board],
        title="Register walk plan",
    )
    action = services.add_action(
        actor=drafter,
        plan=plan,
        title="Walk action",
        lead_officer=lead,
        due_date=today + timedelta(days=60),
        finding=finding,
    )
    services.add_success_criterion(
        actor=drafter, action=action, statement="Done", measure="Records", target="All"
    )
    if state in {"submitted", "approved"}:
        services.submit_plan(actor=drafter, plan=plan)
    if state == "approved":
        services.approve_plan(actor=owner, plan=plan)
    plan.refresh_from_db()
    world = {"board": board, "review": review, "recommendation": recommendation, "plan": plan}
    worlds[state] = world
    return world


def _register_kwargs(key: str, state: str = "draft") -> Callable[[Any], dict[str, Any]]:
    return lambda s: {"pk": _register_world(s, state)[key].pk}


def _register_secrets(state: str = "draft") -> Callable[[Any], list[str]]:
    return lambda s: [_register_world(s, state)["review"].reference]


def _plan_version_kwargs(scenario: Any) -> dict[str, Any]:
    plan = _register_world(scenario, "approved")["plan"]
    return {"pk": plan.pk, "number": plan.approved_version}


def _owner_manages_a_board(scenario: Any) -> dict[str, Any]:
    """No URL arguments; gives the owner a board to register reviews for."""
    _register_world(scenario)
    return {}


def reviews_on_owners_board(scenario: Any, n: int) -> None:
    """n reviews on the owner's board (the register shows them)."""
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from safeguard.reviews.models import Review

    world = _register_world(scenario)
    today = timezone.localdate()
    Review.objects.bulk_create(
        Review(
            reference=f"REG-ROW-{uuid4().hex[:12]}",
            review_type="scr",
            subject_pseudonym="Child S",
            lead_board=world["board"],
            notified_on=today - timedelta(days=i + 1),
            created_by=scenario.owner,
        )
        for i in range(n)
    )


_FORM = {"GET": 200, "POST": 200}  # an empty POST shows the form's errors

register(RouteSpec("reviews:register", Access.SIGNED_IN, make_rows=reviews_on_owners_board))
register(RouteSpec("reviews:review_create", Access.SIGNED_IN, ok=_FORM, make_kwargs=_owner_manages_a_board))
for _name, _ok in (
    ("reviews:review_detail", {"GET": 200}),
    ("reviews:review_edit", _FORM),
    ("reviews:review_move", _FORM),
    ("reviews:finding_create", _FORM),
    ("reviews:recommendation_create", _FORM),
    ("reviews:plan_create", _FORM),
):
    register(
        RouteSpec(
            _name,
            Access.OBJECT,
            ok=_ok,
            make_kwargs=_register_kwargs("review"),
            secret_fields=_register_secrets(),
        )
    )
register(
    RouteSpec(
        "reviews:recommendation_response",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_register_kwargs("recommendation"),
        secret_fields=_register_secrets(),
    )
)
register(
    RouteSpec(
        "reviews:plan_detail",
        Access.OBJECT,
        make_kwargs=_register_kwargs("plan"),
        secret_fields=_register_secrets(),
    )
)
register(
    RouteSpec(
        "reviews:plan_version",
        Access.OBJECT,
        make_kwargs=_plan_version_kwargs,
        secret_fields=_register_secrets("approved"),
    )
)
register(
    RouteSpec(
        "reviews:plan_submit",
        Access.OBJECT,
        ok={"GET": 200, "POST": 302},
        make_kwargs=_register_kwargs("plan"),
        secret_fields=_register_secrets(),
    )
)
register(
    RouteSpec(
        "reviews:plan_approve",
        Access.OBJECT,
        ok={"GET": 200, "POST": 302},
        make_kwargs=_register_kwargs("plan", "submitted"),
        secret_fields=_register_secrets("submitted"),
    )
)
register(
    RouteSpec(
        "reviews:plan_return",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_register_kwargs("plan", "submitted"),
        secret_fields=_register_secrets("submitted"),
    )
)
register(
    RouteSpec(
        "reviews:action_create",
        Access.OBJECT,
        ok=_FORM,
        make_kwargs=_register_kwargs("plan"),
        secret_fields=_register_secrets(),
    )
)


# --- reviews: spreadsheets ---------------------------------------------------------------------
# The export is any signed-in user's: it holds only the actions they may see (tests/reviews/test_export.py
# checks the scoping, and that memory and queries stay flat: the rows are read in chunks of 2,000 while the
# response streams, so the query-budget walk, which does not read a streamed body, does not measure it).
# Imports belong to a review's managers: the owner is made a manager of a fresh review; an import is the
# owner's own upload. Everyone else gets the 404 of a missing record.


def _import_review_kwargs(scenario: Any) -> dict[str, Any]:
    action = _action_world(scenario, owner_is="manager", state="draft")["action"]
    return {"pk": action.plan.review_id}


def _tracker_import_kwargs(scenario: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safeguard.reviews.models import Review
    from safeguard.reviews.spreadsheets import importer

    review = Review.objects.get(pk=_import_review_kwargs(scenario)["pk"])
    upload = SimpleUploadedFile(
        "walk tracker.csv", b"Agency,Action,Due date\r\nWalk agency,Walk action,31/03/2031\r\n"
    )
    tracker = importer.start_import(actor=scenario.owner, review=review, upload=upload)
    return {"pk": tracker.pk}


register(
    RouteSpec(
        "reviews:actions_export",
        Access.SIGNED_IN,
        make_kwargs=lambda s: {"fmt": "csv"},
        note="a streamed CSV or XLSX attachment of the user's visible actions",
    )
)
register(
    RouteSpec(
        "reviews:import_start",
        Access.OBJECT,
        ok={"GET": 200, "POST": 200},
        make_kwargs=_import_review_kwargs,
        note="POST without a file shows the form's error",
    )
)
register(
    RouteSpec(
        "reviews:import_detail",
        Access.OBJECT,
        ok={"GET": 200, "POST": 200},
        make_kwargs=_tracker_import_kwargs,
        note="POST without a mapping shows the missing columns",
    )
)
register(RouteSpec("reviews:import_progress", Access.OBJECT, make_kwargs=_tracker_import_kwargs))


# --- monitoring: each part registers its routes in its own file ---------------------------------

from tests.walks import (  # noqa: E402, F401
    routes_casework,
    routes_monitoring_api,
    routes_monitoring_pages,
    routes_monitoring_reports,
)
