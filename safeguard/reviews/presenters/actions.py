"""Display values for the action pages and the all-actions list.

The action page loads everything it shows in a fixed number of queries (one per related table, via
prefetch), whatever the number of updates, evidence items, status changes or reprogrammings; the
timeline then merges them in Python by date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse

from safeguard.core.calendar import LONDON
from safeguard.core.presenters import pagination as core_pagination
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    Action,
    ActionStatus,
    ActionStatusChange,
    Evidence,
    EvidenceDecision,
    EvidenceKind,
    ImpactAssessment,
    ProgressUpdate,
    Rag,
    Reprogramming,
)
from safeguard.reviews.presenters.common import RAG_SHORT, action_status_tag, format_date, rag_tag

DELIVERING = frozenset({ActionStatus.AGREED, ActionStatus.IN_PROGRESS})
REPORTABLE = frozenset(
    {
        ActionStatus.AGREED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.COMPLETED,
        ActionStatus.EVIDENCE_ACCEPTED,
        ActionStatus.IMPACT_ASSESSED,
    }
)


def person(user: Any, fallback: str = "Not recorded") -> str:
    if user is None:
        return fallback
    return user.full_name or user.email


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def iso(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


def human_size(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"


def action_rag_tag(action: Action) -> dict[str, str]:
    rag = getattr(action, "rag", "") or Rag.GREEN
    return rag_tag(rag, overridden=bool(action.rag_override) and action.status != ActionStatus.CLOSED)


def lead_officer_name(action: Action) -> str:
    if action.lead_officer_id:
        return person(action.lead_officer)
    return action.lead_officer_name or "Not set"


# --- The action page ----------------------------------------------------------------------------


@dataclass
class Step:
    """Something the user may do next on this action: a link to its form page."""

    text: str
    href: str
    secondary: bool = False


@dataclass
class TimelineEntry:
    at: datetime
    title: str
    who: str
    body: str = ""
    lines: list[str] = field(default_factory=list)
    link: dict[str, str] | None = None

    @property
    def when(self) -> str:
        return format_datetime(self.at)

    @property
    def when_iso(self) -> str:
        return iso(self.at)


def _prefetch(action: Action) -> None:
    """One query per related table; the page's cost does not grow with the action's history. The review's
    partner boards serve the permission predicates, which would otherwise read them once per question."""
    prefetch_related_objects(
        [action],
        "plan__review__partner_boards",
        Prefetch("criteria"),
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("submitted_by", "decided_by")),
        Prefetch("status_changes", queryset=ActionStatusChange.objects.select_related("actor")),
        Prefetch("reprogrammings", queryset=Reprogramming.objects.select_related("approved_by")),
        Prefetch("impact_assessments", queryset=ImpactAssessment.objects.select_related("assessor")),
    )


def _crumb(text: str, href: str) -> dict[str, str]:
    return {"text": text, "href": href}


def breadcrumbs(action: Action, *, include_action: bool = False) -> list[dict[str, str]]:
    """Reviews > the review > the plan (> the action, on its form pages)."""
    plan = action.plan
    crumbs = [_crumb("Actions", reverse("reviews:action_list"))]
    if plan.review_id:
        crumbs = [
            _crumb("Reviews", reverse("reviews:register")),
            _crumb(plan.review.reference, reverse("reviews:review_detail", args=[plan.review_id])),
        ]
    crumbs.append(_crumb(plan.title, reverse("reviews:plan_detail", args=[plan.pk])))
    if include_action:
        crumbs.append(
            _crumb(f"Action {action.reference}", reverse("reviews:action_detail", args=[action.pk]))
        )
    return crumbs


class ActionPage:
    """Everything the action page shows, for one user (who sees only the steps they may take).

    `user` may be a `permissions.Viewer` (the view passes the request's): the four questions about what the
    user may do then read no table about the user."""

    def __init__(self, action: Action, user: Any) -> None:
        _prefetch(action)
        self.action = action
        self.user = user
        self.reference = action.reference
        self.title = action.title
        self.status_tag = action_status_tag(action.status)
        self.rag_tag = action_rag_tag(action)
        self.may_edit = perms.can_edit_plan(user, action.plan)
        self.may_report = perms.can_report_on(user, action)
        self.may_judge = perms.can_judge(user, action)
        self.may_override = perms.can_override_rag(user, action)
        self.breadcrumbs = breadcrumbs(action)
        self.criteria = list(action.criteria.all())
        self._updates = list(action.updates.all())
        self._evidence = list(action.evidence.all())
        self._changes = list(action.status_changes.all())
        self._reprogrammings = list(action.reprogrammings.all())
        self._impacts = list(action.impact_assessments.all())

    # Facts

    @property
    def facts(self) -> list[dict[str, Any]]:
        a = self.action
        plan = a.plan
        due = format_date(a.due_date)
        if a.is_reprogrammed and a.original_due_date and a.original_due_date != a.due_date:
            due += f" (originally {format_date(a.original_due_date)})"
        rows = [
            {"key": "Status", "tag": self.status_tag},
            {"key": "RAG", "tag": self.rag_tag, "value": self.rag_note},
            {"key": "Lead officer", "value": lead_officer_name(a)},
            {"key": "Due date", "value": due},
            {"key": "Plan", "value": plan.title, "href": reverse("reviews:plan_detail", args=[plan.pk])},
            {"key": "Owned by", "value": plan.owner_name},
            {"key": "Monitored by", "value": str(plan.monitoring_subgroup)},
        ]
        if plan.review_id:
            rows.append(
                {
                    "key": "Review",
                    "value": str(plan.review),
                    "href": reverse("reviews:review_detail", args=[plan.review_id]),
                }
            )
        if a.finding_id:
            rows.append({"key": "Finding", "value": f"{a.finding.number}. {a.finding.title}"})  # type: ignore[union-attr]
        if a.description:
            rows.append({"key": "Description", "value": a.description})
        return rows

    @property
    def rag_note(self) -> str:
        a = self.action
        if a.rag_override and a.status != ActionStatus.CLOSED:
            return f"Set by the board: {a.rag_override_reason}"
        return ""

    # What the user may do now

    @property
    def steps(self) -> list[Step]:
        status, pk = self.action.status, self.action.pk
        steps: list[Step] = []

        def add(text: str, name: str, *, secondary: bool = False) -> None:
            steps.append(Step(text, reverse(f"reviews:{name}", args=[pk]), secondary))

        if self.may_edit and status == ActionStatus.DRAFT:
            add("Edit the action", "action_edit")
            add("Add a success criterion", "criterion_create", secondary=True)
        if self.may_report and status in REPORTABLE:
            add("Post a progress update", "update_create")
            add("Submit evidence", "evidence_create", secondary=True)
        if self.may_report and status in DELIVERING:
            add("Mark as complete", "action_complete", secondary=True)
        if self.may_judge and status in {ActionStatus.EVIDENCE_ACCEPTED, ActionStatus.IMPACT_ASSESSED}:
            add("Assess impact", "impact_create")
        if self.may_judge and status == ActionStatus.IMPACT_ASSESSED:
            add("Close the action", "action_close")
        if self.may_judge and status in {ActionStatus.COMPLETED, ActionStatus.IMPACT_ASSESSED}:
            add("Reopen the action", "action_reopen", secondary=True)
        if self.may_judge and status in DELIVERING:
            add("Approve a new due date", "action_reprogramme", secondary=True)
        if self.may_override and status != ActionStatus.CLOSED:
            add("Set the board's RAG", "action_rag", secondary=True)
        return steps

    # Sections

    @property
    def evidence_rows(self) -> list[dict[str, Any]]:
        rows = []
        for item in self._evidence:
            rows.append(
                {
                    "submitted": format_datetime(item.submitted_at),
                    "submitted_iso": iso(item.submitted_at),
                    "by": person(item.submitted_by),
                    "kind": item.get_kind_display(),
                    "description": item.description,
                    "file": self._file_link(item),
                    "link": item.link if item.kind == EvidenceKind.LINK else "",
                    "decision": item.get_decision_display(),
                    "decision_tag": DECISION_CLASSES.get(item.decision, "govuk-tag--grey"),
                    "return_reason": item.return_reason,
                    "decide_href": (
                        reverse("reviews:evidence_decide", args=[item.pk])
                        if self.may_judge and item.decision == EvidenceDecision.PENDING
                        else ""
                    ),
                }
            )
        return rows

    @staticmethod
    def _file_link(item: Evidence) -> dict[str, str] | None:
        if item.kind != EvidenceKind.FILE or not item.file:
            return None
        return {
            "href": reverse("reviews:evidence_download", args=[item.pk]),
            "text": item.original_filename or "Download the file",
            "size": human_size(item.size_bytes),
        }

    @property
    def impact_rows(self) -> list[dict[str, str]]:
        return [
            {
                "verdict": ia.get_verdict_display(),
                "source": ia.get_source_display(),
                "narrative": ia.narrative,
                "assessor": person(ia.assessor),
                "when": format_datetime(ia.assessed_at),
                "when_iso": iso(ia.assessed_at),
            }
            for ia in self._impacts
        ]

    @property
    def history(self) -> list[dict[str, str]]:
        labels = dict(ActionStatus.choices)
        return [
            {
                "from": labels.get(c.from_status, "") if c.from_status else "Created",
                "to": labels.get(c.to_status, c.to_status),
                "who": person(c.actor),
                "when": format_datetime(c.at),
                "when_iso": iso(c.at),
                "reason": c.reason,
            }
            for c in self._changes
        ]

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Updates, evidence (and the decisions on it), status changes and new dates, newest first."""
        labels = dict(ActionStatus.choices)
        entries: list[TimelineEntry] = []
        for u in self._updates:
            entries.append(
                TimelineEntry(
                    u.written_at,
                    f"Progress update: {u.get_claimed_display()}",
                    person(u.author),
                    body=u.narrative,
                )
            )
        for e in self._evidence:
            entries.append(
                TimelineEntry(
                    e.submitted_at,
                    f"Evidence submitted ({e.get_kind_display().lower()})",
                    person(e.submitted_by),
                    body=e.description,
                    link=self._file_link(e) or ({"href": e.link, "text": e.link} if e.link else None),
                )
            )
            if e.decided_at and e.decision != EvidenceDecision.PENDING:
                entries.append(
                    TimelineEntry(
                        e.decided_at,
                        f"Evidence {e.get_decision_display().lower()}",
                        person(e.decided_by),
                        body=e.return_reason,
                    )
                )
        for c in self._changes:
            title = f"Status: {labels.get(c.to_status, c.to_status)}" if c.from_status else "Action created"
            entries.append(TimelineEntry(c.at, title, person(c.actor), body=c.reason))
        for r in self._reprogrammings:
            entries.append(
                TimelineEntry(
                    r.approved_at,
                    "New due date approved",
                    person(r.approved_by),
                    body=r.reason,
                    lines=[f"From {format_date(r.previous_due_date)} to {format_date(r.new_due_date)}"],
                )
            )
        for ia in self._impacts:
            entries.append(
                TimelineEntry(
                    ia.assessed_at,
                    f"Impact assessed: {ia.get_verdict_display()}",
                    person(ia.assessor),
                    body=ia.narrative,
                    lines=[f"Source: {ia.get_source_display()}"],
                )
            )
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries


DECISION_CLASSES = {
    EvidenceDecision.PENDING: "govuk-tag--yellow",
    EvidenceDecision.ACCEPTED: "govuk-tag--green",
    EvidenceDecision.RETURNED: "govuk-tag--red",
}


def action_heading(action: Action) -> dict[str, Any]:
    """The caption and tags at the top of every form page about one action."""
    return {
        "reference": action.reference,
        "title": action.title,
        "href": reverse("reviews:action_detail", args=[action.pk]),
        "status_tag": action_status_tag(action.status),
        "rag_tag": action_rag_tag(action),
        "due": format_date(action.due_date),
        "breadcrumbs": breadcrumbs(action, include_action=True),
    }


def evidence_summary(evidence: Evidence) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "key": "Submitted",
            "value": f"{format_datetime(evidence.submitted_at)} by {person(evidence.submitted_by)}",
        },
        {"key": "Kind", "value": evidence.get_kind_display()},
        {"key": "What it shows", "value": evidence.description},
        {"key": "Decision", "value": evidence.get_decision_display()},
    ]
    file_link = ActionPage._file_link(evidence)
    if file_link:
        rows.append({"key": "File", "value": file_link["text"], "href": file_link["href"]})
    if evidence.link:
        rows.append({"key": "Link", "value": evidence.link, "href": evidence.link})
    return rows


# --- The all-actions list -----------------------------------------------------------------------


def query_string(params: Any, **changes: Any) -> str:
    """The current query string with some keys replaced (None removes a key); never the page number
    unless asked for."""
    items = [(k, v) for k, values in params.lists() for v in values if k not in changes and k != "page"]
    for key, value in changes.items():
        if value not in (None, ""):
            items.append((key, value))
    return urlencode(items)


def action_rows(actions: Any) -> list[dict[str, Any]]:
    rows = []
    for a in actions:
        plan = a.plan
        rows.append(
            {
                "reference": a.reference,
                "title": a.title,
                "href": reverse("reviews:action_detail", args=[a.pk]),
                "review": plan.review.reference if plan.review_id else "",
                "owner": plan.owner_name,
                "lead": lead_officer_name(a),
                "due": format_date(a.due_date),
                "due_iso": iso(a.due_date),
                "status_tag": action_status_tag(a.status),
                "rag_tag": action_rag_tag(a),
            }
        )
    return rows


def rag_summary(counts: dict[str, int], params: Any) -> list[dict[str, Any]]:
    base = reverse("reviews:action_list")
    return [
        {
            "rag": rag,
            "label": RAG_SHORT[rag],
            "tag": rag_tag(rag),
            "count": counts.get(rag, 0),
            "href": f"{base}?{query_string(params, rag=rag)}",
        }
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
    ]


def pagination(page: Any, params: Any) -> dict[str, Any] | None:
    """Parameters for govukPagination, keeping the filters in every link."""
    base = reverse("reviews:action_list")
    return core_pagination(page, lambda number: f"{base}?{query_string(params, page=number)}")
