"""Any action list as a board tracker: CSV or XLSX, both streamed.

The rows come from `selectors.action_list`, so an export holds exactly what the user's filtered list
shows, scoped to what they may see. Memory stays flat however many actions: the queryset is read with
`.iterator(chunk_size=2000)` (criteria and evidence prefetched per chunk), CSV lines are yielded as they are
made, and the XLSX sheet is zipped as it is written (`core.xlsx_stream`), so neither waits for the last row.

Cells that a spreadsheet would run as a formula (text starting with = + - @, tab or CR) are written with a
leading apostrophe, so an action's title can never become a formula on a board member's machine.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from safeguard.core.xlsx_stream import stream_xlsx
from safeguard.reviews.models import Action, ActionStatus, Evidence, ImpactVerdict, SuccessCriterion
from safeguard.reviews.presenters.common import RAG_SHORT

CHUNK_SIZE = 2000

COLUMNS = (
    "Safeguard ref",
    "Review",
    "Finding",
    "Agency",
    "Action",
    "Lead officer",
    "Due date",
    "Success criteria",
    "Latest update",
    "Evidence",
    "RAG",
    "Status",
    "Impact",
)
DATE_COLUMN = COLUMNS.index("Due date")
WIDTHS = (12, 18, 30, 30, 50, 22, 12, 40, 50, 40, 8, 22, 22)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STATUS = dict(ActionStatus.choices)
_VERDICT = dict(ImpactVerdict.choices)


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_row(row: list[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def export_queryset(actions: QuerySet[Action]) -> QuerySet[Action]:
    """The list's queryset with what the tracker's columns need, fetched per chunk (not per row)."""
    return actions.prefetch_related(
        Prefetch(
            "criteria",
            queryset=SuccessCriterion.objects.order_by("pk").only("action_id", "statement", "target"),
        ),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.order_by("submitted_at", "pk").only(
                "action_id", "kind", "description", "decision", "original_filename", "link"
            ),
        ),
    )


def _criteria(action: Action) -> str:
    lines = []
    for criterion in action.criteria.all():
        line = criterion.statement
        if criterion.target and criterion.target not in line:
            line += f" (target: {criterion.target})"
        lines.append(line)
    return "\n".join(lines)


def _evidence(action: Action) -> str:
    lines = []
    for item in action.evidence.all():
        label = item.get_decision_display()
        detail = item.description or item.original_filename or item.link
        lines.append(f"{label}: {detail}")
    return "\n".join(lines)


def action_row(action: Any) -> list[Any]:
    """One action as the tracker's cells; the due date stays a date (CSV writes it as dd/mm/yyyy)."""
    plan = action.plan
    finding = action.finding
    lead = (
        action.lead_officer.full_name
        if action.lead_officer_id and action.lead_officer
        else action.lead_officer_name
    )
    return [
        action.reference,
        plan.review.reference if plan.review_id and plan.review else "",
        f"{finding.number}. {finding.title}" if finding else "",
        plan.owner_name,
        action.title,
        lead,
        action.due_date,
        _criteria(action),
        getattr(action, "latest_update", None) or "",
        _evidence(action),
        RAG_SHORT.get(getattr(action, "rag", ""), ""),
        _STATUS.get(action.status, action.status),
        _VERDICT.get(getattr(action, "latest_impact", None) or "", ""),
    ]


def iter_rows(actions: QuerySet[Action]) -> Iterator[list[Any]]:
    for action in export_queryset(actions).iterator(chunk_size=CHUNK_SIZE):
        yield action_row(action)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def iter_csv(rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text, line by line: a byte-order mark first so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows:
        cells = [f"{v:%d/%m/%Y}" if isinstance(v, date) else safe_cell(v) for v in row]
        yield writer.writerow(cells)


def iter_xlsx(rows: Iterable[list[Any]], *, title: str = "Actions") -> Iterator[bytes]:
    """The workbook, streamed: its first bytes leave before the second chunk of actions is read."""
    return stream_xlsx(COLUMNS, (safe_row(row) for row in rows), title=title, widths=WIDTHS)
