"""Every write to reviews, plans and actions.

Each service is atomic, locks the row it changes, checks the move against the transition table and the
actor against the permission predicates, appends a status-change row where the state moves, writes the
audit event and bumps the row's version. Views, the API, imports, commands and tasks all call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from safeguard.core.audit import record_event
from safeguard.core.calendar import LONDON
from safeguard.core.concurrency import bump_version as _bump
from safeguard.core.concurrency import lock_row as _lock
from safeguard.core.models import Clock
from safeguard.core.services import meet_clock, start_clock
from safeguard.core.transitions import InvalidTransition, check_move
from safeguard.people.models import Agency, Board, Subgroup
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    ACTION_TRANSITIONS,
    PLAN_TRANSITIONS,
    REVIEW_TRANSITIONS,
    Action,
    ActionPlan,
    ActionPlanVersion,
    ActionStatus,
    ClaimedProgress,
    Evidence,
    EvidenceDecision,
    EvidenceKind,
    Finding,
    ImpactAssessment,
    ImpactSource,
    ImpactVerdict,
    PlanKind,
    PlanSource,
    PlanStatus,
    Rag,
    Recommendation,
    RecommendationKind,
    Reprogramming,
    Review,
    ReviewStatus,
    ReviewType,
    SuccessCriterion,
    Theme,
)


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _start_of_day(d: date) -> datetime:
    return datetime.combine(d, time(9, 0), tzinfo=LONDON)


# --- Reviews ------------------------------------------------------------------------------------

REVIEW_STATUS_DATE: dict[str, str] = {
    ReviewStatus.COMMISSIONED: "commissioned_on",
    ReviewStatus.REPORT_RECEIVED: "report_received_on",
    ReviewStatus.ACCEPTED: "accepted_on",
    ReviewStatus.PUBLISHED: "published_on",
}


@transaction.atomic
def register_review(
    *,
    actor: Any,
    reference: str,
    review_type: str,
    subject_pseudonym: str,
    lead_board: Board,
    notified_on: date,
    partner_boards: Iterable[Board] = (),
    involved_agencies: Iterable[Agency] = (),
    lead_reviewer: str = "",
    methodology: str = "",
    summary: str = "",
    incident_on: date | None = None,
    late_notification_reason: str = "",
) -> Review:
    """Put a review on the register and start its clocks.

    If the incident date is known, the notification timescale (5 working days) is measured from it and
    met on the notification date; a late notification needs its reason.
    """
    if not perms.can_register_review(actor, lead_board):
        raise _deny("Only the board's business manager or chair can register a review for the board.")
    errors: dict[str, list[str]] = {}
    if Review.objects.filter(reference__iexact=reference.strip()).exists():
        errors["reference"] = ["A review with this reference is already on the register."]
    if review_type not in ReviewType.values:
        errors["review_type"] = ["Choose the type of review."]
    if not subject_pseudonym.strip():
        errors["subject_pseudonym"] = [
            "Enter how the review names its subject, for example \u201cChild N\u201d."
        ]
    if incident_on and incident_on > notified_on:
        errors["incident_on"] = ["The incident date must be on or before the notification date."]
    if notified_on > timezone.localdate():
        errors["notified_on"] = ["The notification date cannot be in the future."]
    partners = [b for b in partner_boards if b.pk != lead_board.pk]
    if errors:
        raise ValidationError(errors)

    review = Review.objects.create(
        reference=reference.strip(),
        review_type=review_type,
        subject_pseudonym=subject_pseudonym.strip(),
        lead_board=lead_board,
        lead_reviewer=lead_reviewer.strip(),
        methodology=methodology,
        summary=summary,
        incident_on=incident_on,
        notified_on=notified_on,
        created_by=actor,
    )
    review.partner_boards.set(partners)
    review.involved_agencies.set(list(involved_agencies))
    review.status_changes.create(from_status="", to_status=review.status, actor=actor)
    record_event(
        actor=actor,
        action="review.registered",
        target=review,
        changes={"reference": review.reference, "type": review_type, "lead_board": lead_board.pk},
    )
    url = f"/reviews/{review.pk}/"
    if incident_on:
        clock = start_clock(
            actor=actor,
            rule="scr-serious-incident-notification",
            subject=review,
            started_at=_start_of_day(incident_on),
            title=f"Notification for review {review.reference}",
            url=url,
        )
        met_at = _start_of_day(notified_on)
        if met_at > clock.due_at and not late_notification_reason.strip():
            raise ValidationError(
                {"late_notification_reason": ["The notification was late: give the reason it was missed."]}
            )
        meet_clock(
            actor=actor,
            clock=clock,
            met_at=min(met_at, timezone.now()),
            breach_reason=late_notification_reason,
        )
    if review_type == ReviewType.RAPID_REVIEW:
        start_clock(
            actor=actor,
            rule="rapid-review",
            subject=review,
            started_at=_start_of_day(notified_on),
            owner=actor,
            title=f"Rapid review {review.reference}",
            url=url,
        )
    return review


@transaction.atomic
def move_review(
    *, actor: Any, review: Review, to_status: str, on: date | None = None, reason: str = ""
) -> Review:
    """Move a review through its lifecycle, recording the date the step happened."""
    review = _lock(Review, review.pk)
    if not perms.can_manage_review(actor, review):
        raise _deny("Only the managers and chairs of the review's boards can move it on.")
    check_move(REVIEW_TRANSITIONS, review.status, to_status, dict(ReviewStatus.choices))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": ["The date cannot be in the future."]})
    if on < review.notified_on:
        raise ValidationError({"on": ["The date cannot be before the review was notified."]})
    if to_status == ReviewStatus.CLOSED and not reason.strip():
        raise ValidationError({"reason": ["Say why the review is being closed."]})
    previous = review.status
    review.status = to_status
    fields = ["status"]
    date_field = REVIEW_STATUS_DATE.get(to_status)
    if date_field and getattr(review, date_field) is None:
        setattr(review, date_field, on)
        fields.append(date_field)
    _bump(review, *fields)
    review.status_changes.create(from_status=previous, to_status=to_status, actor=actor, reason=reason)
    record_event(
        actor=actor,
        action="review.status_changed",
        target=review,
        changes={"from": previous, "to": to_status, "on": on},
        reason=reason,
    )
    _meet_review_clocks(actor=actor, review=review, to_status=to_status, on=on, reason=reason)
    if to_status == ReviewStatus.COMMISSIONED:
        start_clock(
            actor=actor,
            rule="review-publication",
            subject=review,
            started_at=_start_of_day(review.commissioned_on or on),
            title=f"Publication of review {review.reference}",
            url=f"/reviews/{review.pk}/",
        )
    return review


def _meet_review_clocks(*, actor: Any, review: Review, to_status: str, on: date, reason: str) -> None:
    codes = []
    if previous_is_rapid(to_status):
        codes.append("rapid-review")
    if to_status == ReviewStatus.PUBLISHED:
        codes.append("review-publication")
    for clock in Clock.objects.filter(
        rule__code__in=codes, subject_id=str(review.pk), met_at__isnull=True
    ).select_related("rule"):
        if clock.subject_type.model_class() is not Review:
            continue
        met_at = min(_start_of_day(on), timezone.now())
        if met_at > clock.due_at and not reason.strip():
            raise ValidationError(
                {"reason": [f"The {clock.rule.name.lower()} timescale was missed: give the reason."]}
            )
        meet_clock(
            actor=actor, clock=clock, met_at=met_at, breach_reason=reason if met_at > clock.due_at else ""
        )


def previous_is_rapid(to_status: str) -> bool:
    # Leaving the rapid review stage (to commissioning, or closing with no further review) meets its clock.
    return to_status in {ReviewStatus.COMMISSIONED, ReviewStatus.CLOSED}


# The lifecycle dates that no status move sets: recorded by hand (None clears one). The others
# (commissioned, report received, accepted, published) are set by `move_review` as the review moves on.
RECORDED_REVIEW_DATES = ("decided_on", "presented_on")


def _long_date(d: date) -> str:
    return f"{d:%-d %B %Y}"


def _recorded_date_errors(review: Review, fields: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with the decision or presentation date being recorded, checked against the review."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    for name in RECORDED_REVIEW_DATES:
        value = fields.get(name)
        if (
            name in fields
            and value is not None
            and (not isinstance(value, date) or isinstance(value, datetime))
        ):
            errors[name] = ["Enter a date, or leave it blank."]
    decided = fields.get("decided_on")
    if "decided_on" not in errors and decided is not None:
        if decided > today:
            errors["decided_on"] = ["The date of the decision to hold the review cannot be in the future."]
        elif decided < review.notified_on:
            errors["decided_on"] = [
                "The decision to hold the review cannot be before the board was notified "
                f"({_long_date(review.notified_on)})."
            ]
    presented = fields.get("presented_on")
    if "presented_on" not in errors and presented is not None:
        if presented > today:
            errors["presented_on"] = [
                "The date the report was presented to the board cannot be in the future."
            ]
        elif review.report_received_on is None:
            errors["presented_on"] = [
                "The report has not been received yet: move the review on to \u201cReport received\u201d "
                "before recording when it was presented to the board."
            ]
        elif presented < review.report_received_on:
            errors["presented_on"] = [
                "The report cannot have been presented to the board before it was received "
                f"({_long_date(review.report_received_on)})."
            ]
    return errors


@transaction.atomic
def update_review(*, actor: Any, review: Review, expected_version: int, **fields: Any) -> Review:
    """Edit the review's descriptive fields, and record the dates no status move sets: when the subgroup
    decided to hold the review (`decided_on`, not before the notification) and when the report was
    presented to the board (`presented_on`, not before it was received). Neither date may be in the
    future; None clears one. A stale version is refused (someone else saved first); on any refusal
    nothing is written."""
    from safeguard.core.concurrency import save_versioned

    editable = {
        "subject_pseudonym",
        "lead_reviewer",
        "methodology",
        "summary",
        "family_contribution",
        *RECORDED_REVIEW_DATES,
    }
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    review = _lock(Review, review.pk)
    if not perms.can_manage_review(actor, review):
        raise _deny("Only the managers and chairs of the review's boards can edit it.")
    errors = _recorded_date_errors(review, fields)
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(review, name) for name in fields}
    for name, value in fields.items():
        setattr(review, name, value)
    save_versioned(review, expected_version=expected_version, fields=list(fields))
    record_event(
        actor=actor,
        action="review.updated",
        target=review,
        changes={
            name: {"from": before[name], "to": fields[name]}
            for name in fields
            if before[name] != fields[name]
        },
    )
    review.refresh_from_db()
    return review


@transaction.atomic
def add_finding(
    *, actor: Any, review: Review, title: str, text: str, themes: Iterable[Theme] = ()
) -> Finding:
    review = _lock(Review, review.pk)
    if not perms.can_manage_review(actor, review):
        raise _deny("Only the managers and chairs of the review's boards can record findings.")
    errors = {}
    if not title.strip():
        errors["title"] = ["Enter a short title for the finding."]
    if not text.strip():
        errors["text"] = ["Enter the finding."]
    if errors:
        raise ValidationError(errors)
    number = (review.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding.objects.create(
        review=review, number=number, title=title.strip(), text=text.strip(), created_by=actor
    )
    finding.themes.set(list(themes))
    record_event(
        actor=actor,
        action="finding.added",
        target=finding,
        changes={"review": review.pk, "number": number, "themes": sorted(t.slug for t in themes)},
    )
    return finding


@transaction.atomic
def add_recommendation(
    *,
    actor: Any,
    review: Review,
    board: Board,
    text: str,
    kind: str = RecommendationKind.ISSUE_FOR_BOARD,
    findings: Iterable[Finding] = (),
) -> Recommendation:
    review = _lock(Review, review.pk)
    if not perms.can_manage_review(actor, review):
        raise _deny("Only the managers and chairs of the review's boards can record recommendations.")
    errors = {}
    if board.pk not in review.board_ids():
        errors["board"] = ["Choose one of the review's boards."]
    if not text.strip():
        errors["text"] = ["Enter the recommendation or issue for the board."]
    if kind not in RecommendationKind.values:
        errors["kind"] = ["Choose whether this is a recommendation or an issue for the board."]
    findings = list(findings)
    if any(f.review_id != review.pk for f in findings):
        errors["findings"] = ["Choose findings of this review."]
    if errors:
        raise ValidationError(errors)
    number = (review.recommendations.filter(board=board).aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = Recommendation.objects.create(
        review=review, board=board, number=number, kind=kind, text=text.strip(), created_by=actor
    )
    recommendation.findings.set(findings)
    record_event(
        actor=actor,
        action="recommendation.added",
        target=recommendation,
        changes={"review": review.pk, "board": board.pk, "number": number},
    )
    return recommendation


@transaction.atomic
def record_board_response(*, actor: Any, recommendation: Recommendation, response: str) -> Recommendation:
    recommendation = _lock(Recommendation, recommendation.pk)
    if not perms.can_speak_for_board(actor, recommendation.board):
        raise _deny("Only the board the recommendation is for can record its response.")
    if not response.strip():
        raise ValidationError({"response": ["Enter the board's response."]})
    recommendation.board_response = response.strip()
    recommendation.response_recorded_by = actor
    recommendation.response_recorded_at = timezone.now()
    recommendation.save(update_fields=["board_response", "response_recorded_by", "response_recorded_at"])
    record_event(actor=actor, action="recommendation.response_recorded", target=recommendation)
    return recommendation


# --- Plans --------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor: Any,
    kind: str,
    title: str,
    monitoring_subgroup: Subgroup,
    monitoring_boards: Iterable[Board] = (),
    review: Review | None = None,
    owner_agency: Agency | None = None,
    owner_board: Board | None = None,
    source: str = PlanSource.REVIEW,
) -> ActionPlan:
    errors: dict[str, list[str]] = {}
    boards = list(monitoring_boards) or [monitoring_subgroup.board]
    if kind == PlanKind.SINGLE_AGENCY and owner_agency is None:
        errors["owner_agency"] = ["Choose the agency that owns this plan."]
    if kind == PlanKind.MULTI_AGENCY and owner_board is None:
        errors["owner_board"] = ["Choose the board that owns this plan."]
    if kind not in PlanKind.values:
        errors["kind"] = ["Choose single-agency or multi-agency."]
    if source == PlanSource.REVIEW and review is None:
        errors["review"] = ["A plan from a review needs its review."]
    if monitoring_subgroup.board_id not in {b.pk for b in boards}:
        errors["monitoring_subgroup"] = ["Choose a subgroup of one of the monitoring boards."]
    if review is not None:
        if not perms.can_manage_review(actor, review):
            raise _deny("Only the managers and chairs of the review's boards can create its plans.")
        if owner_agency is not None and not review.involved_agencies.filter(pk=owner_agency.pk).exists():
            errors["owner_agency"] = ["Choose an agency involved in the review."]
        if owner_board is not None and owner_board.pk not in review.board_ids():
            errors["owner_board"] = ["Choose one of the review's boards."]
        if (
            kind == PlanKind.SINGLE_AGENCY
            and owner_agency is not None
            and ActionPlan.objects.filter(review=review, owner_agency=owner_agency, kind=kind).exists()
        ):
            errors["owner_agency"] = ["This agency already has a plan for this review."]
    elif not any(perms.can_register_review(actor, b) for b in boards):
        raise _deny("Only a monitoring board's business manager or chair can create a plan.")
    if not title.strip():
        errors["title"] = ["Enter a title for the plan."]
    if errors:
        raise ValidationError(errors)
    plan = ActionPlan.objects.create(
        source=source,
        review=review,
        kind=kind,
        owner_agency=owner_agency if kind == PlanKind.SINGLE_AGENCY else None,
        owner_board=owner_board if kind == PlanKind.MULTI_AGENCY else None,
        monitoring_subgroup=monitoring_subgroup,
        title=title.strip(),
        created_by=actor,
    )
    plan.monitoring_boards.set(boards)
    plan.status_changes.create(from_status="", to_status=plan.status, actor=actor)
    record_event(
        actor=actor,
        action="plan.created",
        target=plan,
        changes={"kind": kind, "review": review.pk if review else None, "owner": plan.owner_name},
    )
    return plan


_HAS_CRITERIA = models.Exists(SuccessCriterion.objects.filter(action_id=models.OuterRef("pk")))


def _action_readiness_errors(action: Action, *, agreed_on: date) -> list[str]:
    """Why an action cannot be agreed yet: the seed's timescale, lead and success criterion."""
    problems = []
    if action.due_date is None:
        problems.append(f"Action {action.number} needs a due date.")
    elif action.due_date < agreed_on:
        problems.append(
            f"Action {action.number} is due before the plan would be approved ({action.due_date:%d/%m/%Y})."
        )
    if action.lead_officer_id is None and not action.lead_officer_name:
        problems.append(f"Action {action.number} needs a lead officer.")
    # `has_criteria` is annotated by the plan-wide callers (one query for the plan, not one per action).
    has_criteria = getattr(action, "has_criteria", None)
    if not (action.criteria.exists() if has_criteria is None else has_criteria):
        problems.append(f"Action {action.number} needs at least one success criterion.")
    return problems


def _move_plan(plan: ActionPlan, *, actor: Any, to_status: str, reason: str = "") -> None:
    check_move(PLAN_TRANSITIONS, plan.status, to_status, dict(PlanStatus.choices))
    previous = plan.status
    plan.status = to_status
    plan.status_changes.create(from_status=previous, to_status=to_status, actor=actor, reason=reason)


@transaction.atomic
def submit_plan(*, actor: Any, plan: ActionPlan) -> ActionPlan:
    plan = _lock(ActionPlan, plan.pk)
    if not perms.can_edit_plan(actor, plan):
        raise _deny(
            "Only the owning agency's safeguarding lead or the review's managers can submit the plan."
        )
    drafts = list(
        plan.actions.filter(status=ActionStatus.DRAFT).annotate(has_criteria=_HAS_CRITERIA).order_by("number")
    )
    if not plan.actions.exists():
        raise ValidationError({"plan": ["Add at least one action before submitting the plan."]})
    problems = [p for a in drafts for p in _action_readiness_errors(a, agreed_on=timezone.localdate())]
    if problems:
        raise ValidationError({"actions": problems})
    _move_plan(plan, actor=actor, to_status=PlanStatus.SUBMITTED)
    _bump(plan, "status")
    record_event(actor=actor, action="plan.submitted", target=plan, changes={"version": plan.version_number})
    return plan


@transaction.atomic
def return_plan(*, actor: Any, plan: ActionPlan, reason: str) -> ActionPlan:
    plan = _lock(ActionPlan, plan.pk)
    if not perms.can_approve_plan(actor, plan):
        raise _deny("Only members of the monitoring subgroup outside the owning agency can return a plan.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say what needs to change before the plan can be approved."]})
    _move_plan(plan, actor=actor, to_status=PlanStatus.DRAFT, reason=reason)
    _bump(plan, "status")
    record_event(actor=actor, action="plan.returned", target=plan, reason=reason)
    return plan


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan and its actions as they stand, for the frozen approved version."""
    actions = (
        plan.actions.select_related("lead_officer", "finding").prefetch_related("criteria").order_by("number")
    )
    return {
        "title": plan.title,
        "kind": plan.kind,
        "owner": plan.owner_name,
        "version": plan.version_number,
        "actions": [
            {
                "number": a.number,
                "title": a.title,
                "description": a.description,
                "finding": a.finding.number if a.finding else None,
                "lead_officer": a.lead_officer.full_name if a.lead_officer else "",
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "criteria": [
                    {
                        "statement": c.statement,
                        "measure": c.measure,
                        "baseline": c.baseline,
                        "target": c.target,
                    }
                    for c in a.criteria.all()
                ],
            }
            for a in actions
        ],
    }


@transaction.atomic
def approve_plan(*, actor: Any, plan: ActionPlan) -> ActionPlan:
    """The monitoring subgroup approves the plan: its draft actions are agreed and this version is frozen."""
    plan = _lock(ActionPlan, plan.pk)
    if not perms.can_approve_plan(actor, plan):
        raise _deny("Only members of the monitoring subgroup outside the owning agency can approve the plan.")
    check_move(PLAN_TRANSITIONS, plan.status, PlanStatus.APPROVED, dict(PlanStatus.choices))
    today = timezone.localdate()
    drafts = list(
        plan.actions.select_for_update()
        .filter(status=ActionStatus.DRAFT)
        .annotate(has_criteria=_HAS_CRITERIA)
        .order_by("number")
    )
    problems = [p for a in drafts for p in _action_readiness_errors(a, agreed_on=today)]
    if problems:
        raise ValidationError({"actions": problems})
    now = timezone.now()
    for action in drafts:
        _move_action(
            action,
            actor=actor,
            to_status=ActionStatus.AGREED,
            reason=f"Plan approved (version {plan.version_number})",
        )
        action.agreed_at = now
        action.original_due_date = action.original_due_date or action.due_date
        _bump(action, "status", "agreed_at", "original_due_date")
    _move_plan(plan, actor=actor, to_status=PlanStatus.APPROVED)
    plan.approved_version = plan.version_number
    plan.approved_at = now
    plan.approved_by = actor
    _bump(plan, "status", "approved_version", "approved_at", "approved_by")
    ActionPlanVersion.objects.create(
        plan=plan, number=plan.version_number, content=plan_snapshot(plan), approved_by=actor, approved_at=now
    )
    record_event(
        actor=actor,
        action="plan.approved",
        target=plan,
        changes={"version": plan.version_number, "actions_agreed": [a.number for a in drafts]},
    )
    return plan


def _reopen_if_approved(plan: ActionPlan, *, actor: Any, why: str) -> None:
    """A change to an approved plan opens a new draft version; the approved version stays as it was."""
    if plan.status == PlanStatus.APPROVED:
        _move_plan(plan, actor=actor, to_status=PlanStatus.DRAFT, reason=why)
        plan.version_number += 1
        _bump(plan, "status", "version_number")
    elif plan.status == PlanStatus.SUBMITTED:
        raise ValidationError(
            {"plan": ["The plan is waiting for approval; ask for it to be returned before changing it."]}
        )


@transaction.atomic
def add_action(
    *,
    actor: Any,
    plan: ActionPlan,
    title: str,
    description: str = "",
    lead_officer: Any = None,
    due_date: date | None = None,
    finding: Finding | None = None,
    recommendation: Recommendation | None = None,
    lead_officer_name: str = "",
) -> Action:
    """Add a draft action. `lead_officer_name` names a lead officer who has no account (imported trackers)."""
    plan = _lock(ActionPlan, plan.pk)
    if not perms.can_edit_plan(actor, plan):
        raise _deny("Only the owning agency's safeguarding lead or the review's managers can add actions.")
    errors = {}
    if not title.strip():
        errors["title"] = ["Enter what will be done."]
    if finding is not None and finding.review_id != plan.review_id:
        errors["finding"] = ["Choose a finding of this plan's review."]
    if recommendation is not None and recommendation.review_id != plan.review_id:
        errors["recommendation"] = ["Choose a recommendation of this plan's review."]
    if lead_officer is not None and not lead_officer.is_active:
        errors["lead_officer"] = ["Choose an active user as lead officer."]
    if errors:
        raise ValidationError(errors)
    _reopen_if_approved(plan, actor=actor, why="Action added")
    number = (plan.actions.aggregate(n=Max("number"))["n"] or 0) + 1
    action = Action.objects.create(
        plan=plan,
        number=number,
        title=title.strip(),
        description=description.strip(),
        lead_officer=lead_officer,
        lead_officer_name="" if lead_officer is not None else lead_officer_name.strip()[:200],
        due_date=due_date,
        finding=finding,
        recommendation=recommendation,
        created_by=actor,
    )
    action.status_changes.create(from_status="", to_status=action.status, actor=actor)
    record_event(
        actor=actor, action="action.added", target=action, changes={"plan": plan.pk, "number": number}
    )
    return action


@transaction.atomic
def update_draft_action(*, actor: Any, action: Action, expected_version: int, **fields: Any) -> Action:
    """Edit an action that is still a draft. After agreement the due date changes only by reprogramming."""
    from safeguard.core.concurrency import save_versioned

    editable = {
        "title",
        "description",
        "lead_officer",
        "lead_officer_name",
        "due_date",
        "finding",
        "recommendation",
    }
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    action = _lock(Action, action.pk)
    if not perms.can_edit_plan(actor, action.plan):
        raise _deny("Only the owning agency's safeguarding lead or the review's managers can edit actions.")
    if action.status != ActionStatus.DRAFT:
        raise InvalidTransition(
            "Only a draft action can be edited; an agreed action's date changes by reprogramming."
        )
    before = {name: getattr(action, name) for name in fields}
    for name, value in fields.items():
        setattr(action, name, value)
    save_versioned(action, expected_version=expected_version, fields=list(fields))
    record_event(
        actor=actor,
        action="action.updated",
        target=action,
        changes={n: {"from": str(before[n]), "to": str(fields[n])} for n in fields if before[n] != fields[n]},
    )
    action.refresh_from_db()
    return action


@transaction.atomic
def add_success_criterion(
    *,
    actor: Any,
    action: Action,
    statement: str,
    measure: str,
    target: str,
    baseline: str = "",
    assessed_by: str = "",
) -> SuccessCriterion:
    action = _lock(Action, action.pk)
    if not perms.can_edit_plan(actor, action.plan):
        raise _deny(
            "Only the owning agency's safeguarding lead or the review's managers can set success criteria."
        )
    if action.status != ActionStatus.DRAFT:
        raise InvalidTransition("Success criteria are agreed with the action; add them while it is a draft.")
    errors = {}
    if not statement.strip():
        errors["statement"] = ["Say what success looks like."]
    if not measure.strip():
        errors["measure"] = ["Say how it will be measured."]
    if not target.strip():
        errors["target"] = ["Enter the target."]
    if errors:
        raise ValidationError(errors)
    criterion = action.criteria.create(
        statement=statement.strip(),
        measure=measure.strip(),
        baseline=baseline.strip(),
        target=target.strip(),
        assessed_by=assessed_by.strip(),
    )
    _bump(action)
    record_event(
        actor=actor, action="action.criterion_added", target=action, changes={"criterion": criterion.pk}
    )
    return criterion


# --- Actions: delivery and judgement --------------------------------------------------------------


def _move_action(action: Action, *, actor: Any, to_status: str, reason: str = "") -> None:
    check_move(ACTION_TRANSITIONS, action.status, to_status, dict(ActionStatus.choices))
    previous = action.status
    action.status = to_status
    action.status_changes.create(from_status=previous, to_status=to_status, actor=actor, reason=reason)


@transaction.atomic
def post_update(*, actor: Any, action: Action, narrative: str, claimed: str) -> Any:
    action = _lock(Action, action.pk)
    if not perms.can_report_on(actor, action):
        raise _deny("Only the lead officer or the owning agency's safeguarding lead can post updates.")
    if action.status in {ActionStatus.DRAFT, ActionStatus.CLOSED}:
        raise InvalidTransition("Updates are posted on agreed actions that are not closed.")
    errors = {}
    if not narrative.strip():
        errors["narrative"] = ["Describe the progress made."]
    if claimed not in ClaimedProgress.values:
        errors["claimed"] = ["Choose how the action is going."]
    if errors:
        raise ValidationError(errors)
    update = action.updates.create(author=actor, narrative=narrative.strip(), claimed=claimed)
    fields = ["at_risk"]
    action.at_risk = claimed == ClaimedProgress.AT_RISK
    if action.status == ActionStatus.AGREED:
        _move_action(action, actor=actor, to_status=ActionStatus.IN_PROGRESS, reason="First progress update")
        fields.append("status")
    _bump(action, *fields)
    record_event(actor=actor, action="action.update_posted", target=action, changes={"claimed": claimed})
    return update


def _size_in_words(size: int) -> str:
    # A limit under 1 MB (set for tests or a small deployment) must not read as "0 MB".
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _validate_upload(upload: UploadedFile) -> list[str]:
    allowed = settings.SAFEGUARD_EVIDENCE_TYPES
    limit = settings.SAFEGUARD_EVIDENCE_MAX_BYTES
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    problems = []
    if extension not in allowed:
        problems.append(
            f"The file must be one of: {', '.join(sorted(e.upper() for e in allowed))}. \u201c{name}\u201d is not."
        )
    if upload.size is not None and upload.size > limit:
        problems.append(f"The file must be smaller than {_size_in_words(limit)}.")
    if upload.size == 0:
        problems.append("The selected file is empty.")
    return problems


@transaction.atomic
def submit_evidence(
    *,
    actor: Any,
    action: Action,
    kind: str,
    description: str,
    upload: UploadedFile | None = None,
    link: str = "",
) -> Evidence:
    action = _lock(Action, action.pk)
    if not perms.can_report_on(actor, action):
        raise _deny("Only the lead officer or the owning agency's safeguarding lead can submit evidence.")
    if action.status in {ActionStatus.DRAFT, ActionStatus.CLOSED}:
        raise InvalidTransition("Evidence is submitted for agreed actions that are not closed.")
    errors: dict[str, list[str]] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = ["Choose a file, a link or a written account."]
    if not description.strip():
        errors["description"] = ["Describe what the evidence shows."]
    if kind == EvidenceKind.FILE:
        if upload is None:
            errors["upload"] = ["Select a file."]
        else:
            problems = _validate_upload(upload)
            if problems:
                errors["upload"] = problems
    if kind == EvidenceKind.LINK and not link.startswith(("https://", "http://")):
        errors["link"] = ["Enter a link starting with https://"]
    if errors:
        raise ValidationError(errors)
    evidence = Evidence(
        action=action,
        kind=kind,
        description=description.strip(),
        link=link if kind == EvidenceKind.LINK else "",
        submitted_by=actor,
    )
    if kind == EvidenceKind.FILE and upload is not None:
        evidence.original_filename = (upload.name or "")[:255]
        evidence.content_type = (upload.content_type or "")[:100]
        evidence.size_bytes = upload.size
        evidence.file.save(
            f"action-{action.pk}.{evidence.original_filename.rsplit('.', 1)[-1].lower()}", upload, save=False
        )
    evidence.save()
    _bump(action)
    record_event(
        actor=actor, action="evidence.submitted", target=evidence, changes={"action": action.pk, "kind": kind}
    )
    return evidence


@transaction.atomic
def complete_action(*, actor: Any, action: Action, note: str = "") -> Action:
    """The owner says the action is done; it waits for its evidence to be judged."""
    action = _lock(Action, action.pk)
    if not perms.can_report_on(actor, action):
        raise _deny("Only the lead officer or the owning agency's safeguarding lead can complete an action.")
    if not action.evidence.filter(
        decision__in=[EvidenceDecision.PENDING, EvidenceDecision.ACCEPTED]
    ).exists():
        raise ValidationError({"evidence": ["Submit evidence before marking the action complete."]})
    _move_action(action, actor=actor, to_status=ActionStatus.COMPLETED, reason=note)
    action.at_risk = False
    _bump(action, "status", "at_risk")
    record_event(actor=actor, action="action.completed", target=action, reason=note)
    return action


@transaction.atomic
def accept_evidence(*, actor: Any, evidence: Evidence, note: str = "") -> Evidence:
    evidence = _lock(Evidence, evidence.pk)
    # Lock the action: two subgroup members deciding in the same meeting must not both pass the check.
    action = _lock(Action, evidence.action_id)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can accept evidence.")
    if evidence.decision != EvidenceDecision.PENDING:
        raise InvalidTransition("This evidence has already been decided.")
    evidence.decision = EvidenceDecision.ACCEPTED
    evidence.decided_by = actor
    evidence.decided_at = timezone.now()
    evidence.save(update_fields=["decision", "decided_by", "decided_at"])
    still_pending = action.evidence.filter(decision=EvidenceDecision.PENDING).exists()
    if action.status == ActionStatus.COMPLETED and not still_pending:
        _move_action(action, actor=actor, to_status=ActionStatus.EVIDENCE_ACCEPTED, reason=note)
        _bump(action, "status")
    record_event(
        actor=actor, action="evidence.accepted", target=evidence, changes={"action": action.pk}, reason=note
    )
    return evidence


@transaction.atomic
def return_evidence(*, actor: Any, evidence: Evidence, reason: str) -> Evidence:
    evidence = _lock(Evidence, evidence.pk)
    action = _lock(Action, evidence.action_id)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can return evidence.")
    if evidence.decision != EvidenceDecision.PENDING:
        raise InvalidTransition("This evidence has already been decided.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the evidence is being returned."]})
    evidence.decision = EvidenceDecision.RETURNED
    evidence.decided_by = actor
    evidence.decided_at = timezone.now()
    evidence.return_reason = reason.strip()
    evidence.save(update_fields=["decision", "decided_by", "decided_at", "return_reason"])
    if action.status == ActionStatus.COMPLETED:
        _move_action(
            action,
            actor=actor,
            to_status=ActionStatus.IN_PROGRESS,
            reason=f"Evidence returned: {reason.strip()}",
        )
        _bump(action, "status")
    record_event(
        actor=actor, action="evidence.returned", target=evidence, changes={"action": action.pk}, reason=reason
    )
    return evidence


@transaction.atomic
def assess_impact(
    *, actor: Any, action: Action, verdict: str, source: str, narrative: str
) -> ImpactAssessment:
    action = _lock(Action, action.pk)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can assess impact.")
    if action.status not in {ActionStatus.EVIDENCE_ACCEPTED, ActionStatus.IMPACT_ASSESSED}:
        raise InvalidTransition("Impact is assessed once the action's evidence has been accepted.")
    errors = {}
    if verdict not in ImpactVerdict.values:
        errors["verdict"] = ["Choose the verdict."]
    if source not in ImpactSource.values:
        errors["source"] = ["Choose where the evidence of impact comes from."]
    if not narrative.strip():
        errors["narrative"] = ["Explain the verdict."]
    if errors:
        raise ValidationError(errors)
    assessment = action.impact_assessments.create(
        verdict=verdict, source=source, narrative=narrative.strip(), assessor=actor
    )
    if action.status == ActionStatus.EVIDENCE_ACCEPTED:
        _move_action(
            action,
            actor=actor,
            to_status=ActionStatus.IMPACT_ASSESSED,
            reason=assessment.get_verdict_display(),
        )
        _bump(action, "status")
    record_event(
        actor=actor,
        action="action.impact_assessed",
        target=action,
        changes={"verdict": verdict, "source": source},
    )
    return assessment


@transaction.atomic
def close_action(*, actor: Any, action: Action, note: str = "") -> Action:
    action = _lock(Action, action.pk)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can close an action.")
    if action.status != ActionStatus.IMPACT_ASSESSED:
        raise InvalidTransition("An action is closed once its impact has been assessed.")
    latest = action.impact_assessments.order_by("-assessed_at", "-pk").first()
    if latest is not None and latest.verdict == ImpactVerdict.NOT_EVIDENCED:
        raise ValidationError(
            {
                "impact": [
                    "The latest assessment found no evidence of impact: reopen the action or assess it again."
                ]
            }
        )
    _move_action(action, actor=actor, to_status=ActionStatus.CLOSED, reason=note)
    action.closed_at = timezone.now()
    _bump(action, "status", "closed_at")
    record_event(actor=actor, action="action.closed", target=action, reason=note)
    return action


@transaction.atomic
def reopen_action(*, actor: Any, action: Action, reason: str) -> Action:
    """Impact not evidenced: the action goes back to the owner with the reason."""
    action = _lock(Action, action.pk)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can reopen an action.")
    # The table allows agreed -> in progress (the first update); reopening is only for delivered work.
    if action.status not in {ActionStatus.COMPLETED, ActionStatus.IMPACT_ASSESSED}:
        raise InvalidTransition("An action is reopened once it has been completed or its impact assessed.")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the action is being reopened."]})
    _move_action(action, actor=actor, to_status=ActionStatus.IN_PROGRESS, reason=reason)
    _bump(action, "status")
    record_event(actor=actor, action="action.reopened", target=action, reason=reason)
    return action


@transaction.atomic
def reprogramme_action(*, actor: Any, action: Action, new_due_date: date, reason: str) -> Reprogramming:
    """A new due date for an agreed action, with its reason and the approver (the actor)."""
    action = _lock(Action, action.pk)
    if not perms.can_judge(actor, action):
        raise _deny("Only the monitoring subgroup, outside the owning agency, can approve a new date.")
    if action.status not in {ActionStatus.AGREED, ActionStatus.IN_PROGRESS}:
        raise InvalidTransition(
            "Only an agreed action that is still being delivered can be given a new date."
        )
    errors = {}
    if not reason.strip():
        errors["reason"] = ["Say why the date is changing."]
    if new_due_date == action.due_date:
        errors["new_due_date"] = ["Enter a date different from the current due date."]
    elif new_due_date < timezone.localdate():
        errors["new_due_date"] = ["The new due date cannot be in the past."]
    if errors:
        raise ValidationError(errors)
    assert action.due_date is not None  # agreed actions always have one
    change = action.reprogrammings.create(
        previous_due_date=action.due_date, new_due_date=new_due_date, reason=reason.strip(), approved_by=actor
    )
    action.due_date = new_due_date
    action.is_reprogrammed = True
    _bump(action, "due_date", "is_reprogrammed")
    record_event(
        actor=actor,
        action="action.reprogrammed",
        target=action,
        changes={"from": change.previous_due_date, "to": new_due_date},
        reason=reason,
    )
    return change


@transaction.atomic
def override_rag(*, actor: Any, action: Action, rag: str, reason: str) -> Action:
    """The board's RAG for an action, with a reason; an empty `rag` returns it to the computed value."""
    action = _lock(Action, action.pk)
    if not perms.can_override_rag(actor, action):
        raise _deny("Only a monitoring board's managers or the monitoring subgroup's chair can override RAG.")
    if rag and rag not in Rag.values:
        raise ValidationError({"rag": ["Choose red, amber, green or blue."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason for the board's RAG."]})
    previous = action.rag_override
    action.rag_override = rag
    action.rag_override_reason = reason.strip() if rag else ""
    action.rag_override_by = actor if rag else None
    _bump(action, "rag_override", "rag_override_reason", "rag_override_by")
    record_event(
        actor=actor,
        action="action.rag_overridden",
        target=action,
        changes={"from": previous, "to": rag},
        reason=reason,
    )
    return action
