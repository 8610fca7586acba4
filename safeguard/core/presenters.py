"""Display values for core objects: labels, GOV.UK tag classes and human dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from safeguard.core.inbox import RAG_LABELS, Rag, WorkItem

RAG_TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.BLUE: "govuk-tag--blue",
}


def rag_tag(rag: str) -> dict[str, str]:
    """GOV.UK tag parameters: the text says the state, so colour is never the only signal."""
    return {"text": RAG_LABELS.get(rag, rag.title()), "classes": RAG_TAG_CLASSES.get(rag, "govuk-tag--grey")}


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "No deadline"
    local = timezone.localtime(value)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


@dataclass(frozen=True)
class WorkItemRow:
    kind: str
    title: str
    url: str
    due: str
    due_iso: str
    tag: dict[str, str]


def work_item_rows(items: list[WorkItem]) -> list[WorkItemRow]:
    return [
        WorkItemRow(
            kind=item.kind,
            title=item.title,
            url=item.url,
            due=format_datetime(item.due_at),
            due_iso=item.due_at.isoformat() if item.due_at else "",
            tag=rag_tag(item.rag),
        )
        for item in items
    ]
