"""Display values shared by every reviews page: RAG and status tags, dates, names.

The text always says the state ("Overdue", "Closed"), so colour is never the only signal.
"""

from __future__ import annotations

from datetime import date

from safeguard.reviews.models import ActionStatus, PlanStatus, Rag, ReviewStatus

RAG_TAGS = {
    Rag.RED: {"text": "Red: overdue", "classes": "govuk-tag--red"},
    Rag.AMBER: {"text": "Amber: at risk or due soon", "classes": "govuk-tag--orange"},
    Rag.GREEN: {"text": "Green: on track", "classes": "govuk-tag--green"},
    Rag.BLUE: {"text": "Blue: closed", "classes": "govuk-tag--blue"},
}
RAG_SHORT = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", Rag.BLUE: "Blue"}

ACTION_STATUS_CLASSES = {
    ActionStatus.DRAFT: "govuk-tag--grey",
    ActionStatus.AGREED: "govuk-tag--light-blue",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.COMPLETED: "govuk-tag--purple",
    ActionStatus.EVIDENCE_ACCEPTED: "govuk-tag--turquoise",
    ActionStatus.IMPACT_ASSESSED: "govuk-tag--turquoise",
    ActionStatus.CLOSED: "govuk-tag--green",
}
REVIEW_STATUS_CLASSES = {
    ReviewStatus.NOTIFIED: "govuk-tag--grey",
    ReviewStatus.CLOSED: "govuk-tag--green",
    ReviewStatus.MONITORING: "govuk-tag--blue",
    ReviewStatus.PUBLISHED: "govuk-tag--turquoise",
}
PLAN_STATUS_CLASSES = {
    PlanStatus.DRAFT: "govuk-tag--grey",
    PlanStatus.SUBMITTED: "govuk-tag--yellow",
    PlanStatus.APPROVED: "govuk-tag--green",
}


def rag_tag(rag: str, *, overridden: bool = False) -> dict[str, str]:
    tag = dict(RAG_TAGS.get(rag, {"text": rag.title(), "classes": "govuk-tag--grey"}))
    if overridden:
        tag["text"] += " (set by the board)"
    return tag


def action_status_tag(status: str) -> dict[str, str]:
    return {
        "text": ActionStatus(status).label,
        "classes": ACTION_STATUS_CLASSES.get(status, "govuk-tag--grey"),
    }


def review_status_tag(status: str) -> dict[str, str]:
    return {
        "text": ReviewStatus(status).label,
        "classes": REVIEW_STATUS_CLASSES.get(status, "govuk-tag--light-blue"),
    }


def plan_status_tag(status: str) -> dict[str, str]:
    return {"text": PlanStatus(status).label, "classes": PLAN_STATUS_CLASSES.get(status, "govuk-tag--grey")}


def format_date(value: date | None, *, empty: str = "Not set") -> str:
    return f"{value:%-d %B %Y}" if value else empty
