"""Display values for the review register, a review's page and a plan's pages.

Everything a template places is prepared here: labels, tags (from presenters/common.py), dates, counts,
links and the GOV.UK component parameters. Templates only loop and test prepared flags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page
from django.urls import reverse
from markupsafe import Markup

from safeguard.core.calendar import LONDON
from safeguard.core.presenters import pagination as core_pagination
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionPlanVersion,
    ActionStatus,
    Methodology,
    PlanKind,
    PlanStatus,
    Rag,
    Review,
    ReviewStatus,
)
from safeguard.reviews.presenters.common import (
    RAG_SHORT,
    action_status_tag,
    format_date,
    plan_status_tag,
    rag_tag,
    review_status_tag,
)
from safeguard.reviews.selectors import ReviewTree

RAGS = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
RAG_COLUMN_HEADINGS = {
    Rag.RED: "Red (overdue)",
    Rag.AMBER: "Amber (at risk or due soon)",
    Rag.GREEN: "Green (on track)",
    Rag.BLUE: "Blue (closed)",
}


def _link(href: str, text: str) -> Markup:
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def _row(key: str, value: str | Markup, *, actions: list[dict[str, str]] | None = None) -> dict[str, Any]:
    content = {"html": value} if isinstance(value, Markup) else {"text": value}
    row: dict[str, Any] = {"key": {"text": key}, "value": content}
    if actions:
        row["actions"] = {"items": actions}
    return row


def format_datetime(value: datetime | None, *, empty: str = "") -> str:
    if value is None:
        return empty
    local = value.astimezone(LONDON)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def rag_cells(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """One cell per RAG in a fixed order, numbers as text with the colour named in the column heading."""
    return [{"rag": rag, "count": int(counts.get(rag, 0) or 0)} for rag in RAGS]


def rag_sentence(counts: Mapping[str, int]) -> str:
    parts = [f"{int(counts.get(rag, 0) or 0)} {RAG_SHORT[rag].lower()}" for rag in RAGS]
    return ", ".join(parts)


def rag_headings() -> list[str]:
    return [RAG_COLUMN_HEADINGS[rag] for rag in RAGS]


def lead_officer_name(action: Action) -> str:
    if action.lead_officer_id and action.lead_officer is not None:
        return action.lead_officer.full_name
    return action.lead_officer_name or "Not chosen yet"


def person(user: Any) -> str:
    return (user.full_name or user.email) if user is not None else ""


# --- The register -------------------------------------------------------------------------------


def register_rows(reviews: Iterable[Review]) -> list[dict[str, Any]]:
    rows = []
    for review in reviews:
        counts = {rag: getattr(review, f"rag_{rag}", 0) or 0 for rag in RAGS}
        rows.append(
            {
                "url": reverse("reviews:review_detail", args=[review.pk]),
                "reference": review.reference,
                "subject": review.subject_pseudonym,
                "type": review.get_review_type_display(),
                "board": review.lead_board.short_name,
                "status": review_status_tag(review.status),
                "notified": format_date(review.notified_on),
                "notified_iso": iso(review.notified_on),
                "embargoed": not review.is_published,
                "rag": rag_cells(counts),
            }
        )
    return rows


def register_totals(totals: Mapping[str, int | None]) -> dict[str, Any]:
    counts = {rag: totals.get(rag) or 0 for rag in RAGS}
    return {
        "cells": [
            {"heading": RAG_COLUMN_HEADINGS[rag], "count": counts[rag], "tag": rag_tag(rag)} for rag in RAGS
        ],
        "total": sum(counts.values()),
    }


def pagination(page: Page, query: Mapping[str, Any], *, path: str) -> dict[str, Any] | None:
    """GOV.UK pagination parameters that keep the filters, or None for a single page."""

    def href(number: int) -> str:
        params = {k: v for k, v in query.items() if k != "page" and v not in ("", None)}
        params["page"] = number
        return f"{path}?{urlencode(params)}"

    return core_pagination(page, href, label="Pages of reviews")


def register_caption(page: Page) -> str:
    total = page.paginator.count
    if total == 0:
        return "No reviews match"
    if page.paginator.num_pages == 1:
        return f"{total} review{'s' if total != 1 else ''}"
    return f"Reviews {page.start_index()} to {page.end_index()} of {total}"


# --- A review's page ----------------------------------------------------------------------------

LIFECYCLE_DATES = (
    ("Incident", "incident_on"),
    ("Notified to the board", "notified_on"),
    ("Decision to review", "decided_on"),
    ("Commissioned", "commissioned_on"),
    ("Report received", "report_received_on"),
    ("Presented to the board", "presented_on"),
    ("Accepted by the board", "accepted_on"),
    ("Published", "published_on"),
)


def review_heading(review: Review) -> dict[str, Any]:
    return {
        "title": f"{review.reference}: {review.subject_pseudonym}",
        "caption": review.get_review_type_display(),
        "status": review_status_tag(review.status),
        "url": reverse("reviews:review_detail", args=[review.pk]),
        "reference": review.reference,
        "embargoed": not review.is_published,
    }


def review_summary_rows(
    review: Review, *, partner_boards: list[Any], agencies: list[Any], can_manage: bool
) -> list[dict[str, Any]]:
    edit = (
        [
            {
                "href": reverse("reviews:review_edit", args=[review.pk]),
                "text": "Change",
                "visuallyHiddenText": "the review's details",
            }
        ]
        if can_manage
        else None
    )
    return [
        _row("Reference", review.reference),
        _row("Type", review.get_review_type_display()),
        _row("Subject", review.subject_pseudonym, actions=edit),
        _row("Lead board", review.lead_board.name),
        _row("Partner boards", ", ".join(b.name for b in partner_boards) or "None"),
        _row("Agencies involved", ", ".join(a.name for a in agencies) or "None recorded"),
        _row("Lead reviewer", review.lead_reviewer or "Not recorded"),
        _row(
            "Methodology", Methodology(review.methodology).label if review.methodology else "Not decided yet"
        ),
        _row("Summary", review.summary or "Not recorded"),
    ]


# Dates no status move sets: a manager records them on the edit page (the link goes to the date's input).
RECORDED_DATES = {
    "decided_on": "the date of the decision to review",
    "presented_on": "the date the report was presented to the board",
}


def lifecycle_rows(review: Review, *, can_manage: bool) -> list[dict[str, Any]]:
    edit = reverse("reviews:review_edit", args=[review.pk])
    rows = [
        _row(
            label,
            format_date(getattr(review, name), empty="Not yet"),
            actions=[
                {"href": f"{edit}#id_{name}", "text": "Change", "visuallyHiddenText": RECORDED_DATES[name]}
            ]
            if can_manage and name in RECORDED_DATES
            else None,
        )
        for label, name in LIFECYCLE_DATES
    ]
    move = (
        [
            {
                "href": reverse("reviews:review_move", args=[review.pk]),
                "text": "Move on",
                "visuallyHiddenText": "the review's status",
            }
        ]
        if can_manage and review.status != ReviewStatus.CLOSED
        else None
    )
    rows.insert(0, _row("Status", review.get_status_display(), actions=move))
    return rows


def status_history(changes: Iterable[Any], labels: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "when": format_datetime(change.at),
            "when_iso": iso(change.at),
            "from": labels.get(change.from_status, "") if change.from_status else "New",
            "to": labels.get(change.to_status, change.to_status),
            "by": person(change.actor),
            "reason": change.reason,
        }
        for change in changes
    ]


def action_row(action: Action) -> dict[str, Any]:
    rag = getattr(action, "rag", "")
    return {
        "reference": action.reference,
        "title": action.title,
        "url": reverse("reviews:action_detail", args=[action.pk]),
        "lead": lead_officer_name(action),
        "due": format_date(action.due_date),
        "due_iso": iso(action.due_date),
        "status": action_status_tag(action.status),
        "rag": rag_tag(rag, overridden=bool(action.rag_override)) if rag else None,
        "finding": f"Finding {action.finding.number}" if action.finding_id and action.finding else "",
    }


def review_page(
    tree: ReviewTree,
    *,
    partner_boards: list[Any],
    agencies: list[Any],
    status_changes: list[Any],
    can_manage: bool,
    speaks_for: set[int],
) -> dict[str, Any]:
    review = tree.review
    findings = [
        {
            "number": f.number,
            "title": f.title,
            "text": f.text,
            "themes": ", ".join(t.name for t in f.themes.all()),
            "anchor": f"finding-{f.number}",
        }
        for f in tree.findings
    ]
    boards: dict[int, dict[str, Any]] = {}
    for rec in tree.recommendations:
        group = boards.setdefault(rec.board_id, {"board": rec.board.name, "items": []})
        group["items"].append(
            {
                "label": f"{rec.board.short_name} {rec.number}",
                "kind": rec.get_kind_display(),
                "text": rec.text,
                "findings": ", ".join(
                    str(f.number) for f in sorted(rec.findings.all(), key=lambda f: f.number)
                ),
                "response": rec.board_response,
                "response_at": format_datetime(rec.response_recorded_at),
                "response_url": reverse("reviews:recommendation_response", args=[rec.pk])
                if rec.board_id in speaks_for
                else "",
                "response_action": "Change the response"
                if rec.board_response
                else "Record the board's response",
            }
        )
    plans = []
    for node in tree.plans:
        plan = node.plan
        plans.append(
            {
                "title": plan.title,
                "url": reverse("reviews:plan_detail", args=[plan.pk]),
                "owner": plan.owner_name,
                "kind": plan.get_kind_display(),
                "status": plan_status_tag(plan.status),
                "version": plan.version_number,
                "rag": rag_cells(node.rag),
                "rag_sentence": rag_sentence(node.rag),
                "action_count": len(node.actions),
                "actions": [action_row(a) for a in node.actions],
                "caption": f"Actions in {plan.title} ({plan.owner_name})",
            }
        )
    return {
        "heading": review_heading(review),
        "summary_rows": review_summary_rows(
            review, partner_boards=partner_boards, agencies=agencies, can_manage=can_manage
        ),
        "lifecycle_rows": lifecycle_rows(review, can_manage=can_manage),
        "history": status_history(status_changes, dict(ReviewStatus.choices)),
        "family_contribution": review.family_contribution,
        "findings": findings,
        "recommendations": list(boards.values()),
        "plans": plans,
        "rag_totals": rag_cells(tree.rag),
        "rag_total_count": sum(tree.rag.values()),
        "rag_headings": rag_headings(),
        "can_manage": can_manage,
        "links": {
            "finding": reverse("reviews:finding_create", args=[review.pk]),
            "recommendation": reverse("reviews:recommendation_create", args=[review.pk]),
            "plan": reverse("reviews:plan_create", args=[review.pk]),
            "edit": reverse("reviews:review_edit", args=[review.pk]),
            "move": reverse("reviews:review_move", args=[review.pk]),
            "import": reverse("reviews:import_start", args=[review.pk]),
            "actions": f"{reverse('reviews:action_list')}?{urlencode({'review': review.pk})}",
        },
    }


# --- A plan's pages -----------------------------------------------------------------------------


def readiness_gaps(action: Action, *, today: date) -> list[str]:
    """What a draft action still needs before its plan can be approved (the service decides; this shows it)."""
    if action.status != ActionStatus.DRAFT:
        return []
    gaps = []
    if action.due_date is None:
        gaps.append("a due date")
    elif action.due_date < today:
        gaps.append("a due date from today onwards")
    if not action.lead_officer_id and not action.lead_officer_name:
        gaps.append("a lead officer")
    if not getattr(action, "criteria_count", 1):
        gaps.append("a success criterion")
    return gaps


def plan_heading(plan: ActionPlan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "caption": plan.owner_name,
        "status": plan_status_tag(plan.status),
        "url": reverse("reviews:plan_detail", args=[plan.pk]),
        "review": {
            "url": reverse("reviews:review_detail", args=[plan.review_id]),
            "text": f"{plan.review.reference}: {plan.review.subject_pseudonym}",
        }
        if plan.review_id and plan.review is not None
        else None,
    }


def plan_summary_rows(plan: ActionPlan, *, monitoring_boards: list[Any]) -> list[dict[str, Any]]:
    rows = [
        _row("Owner", plan.owner_name),
        _row("Kind", plan.get_kind_display()),
        _row("Status", plan.get_status_display()),
        _row("Version", f"Version {plan.version_number}"),
        _row("Monitoring subgroup", plan.monitoring_subgroup.name),
        _row("Monitoring boards", ", ".join(b.name for b in monitoring_boards) or "None"),
    ]
    if plan.review_id and plan.review is not None:
        rows.insert(
            0,
            _row(
                "Review",
                _link(reverse("reviews:review_detail", args=[plan.review_id]), plan.review.reference),
            ),
        )
    if plan.approved_version:
        rows.append(
            _row(
                "Last approved",
                f"Version {plan.approved_version}, {format_datetime(plan.approved_at)}",
            )
        )
    return rows


def plan_page(
    plan: ActionPlan,
    *,
    actions: list[Action],
    monitoring_boards: list[Any],
    status_changes: list[Any],
    versions: list[ActionPlanVersion],
    today: date,
    can_edit: bool,
    can_approve: bool,
) -> dict[str, Any]:
    rows = []
    counts: Counter[str] = Counter()
    for action in actions:
        row = action_row(action)
        row["criteria_count"] = getattr(action, "criteria_count", 0)
        gaps = readiness_gaps(action, today=today)
        row["gaps"] = f"Needs {' and '.join(gaps)}" if gaps else ""
        rows.append(row)
        counts[getattr(action, "rag", "")] += 1
    is_draft = plan.status == PlanStatus.DRAFT
    is_submitted = plan.status == PlanStatus.SUBMITTED
    return {
        "heading": plan_heading(plan),
        "summary_rows": plan_summary_rows(plan, monitoring_boards=monitoring_boards),
        "actions": rows,
        "actions_caption": f"Actions ({len(rows)})",
        "rag": rag_cells(counts),
        "rag_headings": rag_headings(),
        "history": status_history(status_changes, dict(PlanStatus.choices)),
        "versions": [
            {
                "number": v.number,
                "url": reverse("reviews:plan_version", args=[plan.pk, v.number]),
                "approved_at": format_datetime(v.approved_at),
                "approved_by": person(v.approved_by),
                "current": v.number == plan.version_number and plan.status == PlanStatus.APPROVED,
            }
            for v in versions
        ],
        "is_draft": is_draft,
        "is_submitted": is_submitted,
        "is_approved": plan.status == PlanStatus.APPROVED,
        "can_add_action": can_edit and not is_submitted,
        "can_submit": can_edit and is_draft,
        "can_decide": can_approve and is_submitted,
        "reopens_on_change": plan.status == PlanStatus.APPROVED,
        "next_version": plan.version_number + 1,
        "gaps_count": sum(1 for r in rows if r["gaps"]),
        "subgroup": plan.monitoring_subgroup.name,
        "approved_version": plan.approved_version,
        "links": {
            "submit": reverse("reviews:plan_submit", args=[plan.pk]),
            "approve": reverse("reviews:plan_approve", args=[plan.pk]),
            "return": reverse("reviews:plan_return", args=[plan.pk]),
            "add_action": reverse("reviews:action_create", args=[plan.pk]),
        },
    }


def version_page(plan: ActionPlan, version: ActionPlanVersion) -> dict[str, Any]:
    content = version.content or {}
    actions = []
    for item in content.get("actions", []):
        due = item.get("due_date")
        due_date = date.fromisoformat(due) if due else None
        actions.append(
            {
                "number": item.get("number"),
                "title": item.get("title", ""),
                "description": item.get("description", ""),
                "finding": f"Finding {item['finding']}" if item.get("finding") else "None",
                "lead": item.get("lead_officer") or "Not recorded",
                "due": format_date(due_date),
                "due_iso": iso(due_date),
                "criteria": item.get("criteria", []),
            }
        )
    kind = content.get("kind", "")
    return {
        "heading": plan_heading(plan),
        "title": content.get("title", plan.title),
        "number": version.number,
        "summary_rows": [
            _row("Plan title", content.get("title", "")),
            _row("Owner", content.get("owner", "")),
            _row("Kind", PlanKind(kind).label if kind in PlanKind.values else kind),
            _row("Approved by", person(version.approved_by)),
            _row("Approved", format_datetime(version.approved_at)),
        ],
        "actions": actions,
        "is_latest": plan.approved_version == version.number and plan.status == PlanStatus.APPROVED,
    }


def plan_decision_summary(plan: ActionPlan, actions: list[Action]) -> list[dict[str, Any]]:
    """The short list a decision page shows: each action with its lead, date and criteria count."""
    return [
        {
            **action_row(a),
            "criteria_count": getattr(a, "criteria_count", 0),
        }
        for a in actions
    ]
