"""Any action list as a board tracker: CSV or XLSX, both streamed.

The rows come from `selectors.action_list`, so an export holds exactly what the user's filtered list
shows, scoped to what they may see. Memory stays flat however many actions: the queryset is read with
`.values_list(...).iterator(chunk_size=2000)` (criteria and evidence read per chunk), CSV lines are yielded as they are
made, and the XLSX sheet is zipped as it is written (`core.xlsx_stream`), so neither waits for the last row.

Cells that a spreadsheet would run as a formula (text starting with = + - @, tab or CR) are written with a
leading apostrophe, so an action's title can never become a formula on a board member's machine.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet

from safeguard.core.xlsx_stream import stream_xlsx
from safeguard.reviews.models import (
    Action,
    ActionStatus,
    Evidence,
    EvidenceDecision,
    ImpactVerdict,
    SuccessCriterion,
)
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
_DECISION = dict(EvidenceDecision.choices)


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_row(row: list[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


# The columns read for each action: plain values, no model instances (98,000 rows took 33 s as
# instances with their related rows, two thirds of it building objects and prefetch querysets).
_VALUES = (
    "pk",
    "plan_id",
    "number",
    "plan__review__reference",
    "finding__number",
    "finding__title",
    "plan__owner_agency__name",
    "plan__owner_board__name",
    "title",
    "lead_officer__full_name",
    "lead_officer_name",
    "due_date",
    "latest_update",
    "rag",
    "status",
    "latest_impact",
)


def _lines_by_action(rows: Iterable[tuple[Any, str]]) -> dict[int, str]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for action_id, line in rows:
        grouped[action_id].append(line)
    return {action_id: "\n".join(lines) for action_id, lines in grouped.items()}


def _criteria(action_ids: list[int]) -> dict[int, str]:
    """Each action's success criteria, one per line, with the target where the statement lacks it."""
    rows = (
        SuccessCriterion.objects.filter(action_id__in=action_ids)
        .order_by("action_id", "pk")
        .values_list("action_id", "statement", "target")
    )
    return _lines_by_action(
        (action_id, statement + (f" (target: {target})" if target and target not in statement else ""))
        for action_id, statement, target in rows
    )


def _evidence(action_ids: list[int]) -> dict[int, str]:
    """Each action's evidence, one per line: the decision, then what it is."""
    rows = (
        Evidence.objects.filter(action_id__in=action_ids)
        .order_by("action_id", "submitted_at", "pk")
        .values_list("action_id", "decision", "description", "original_filename", "link")
    )
    return _lines_by_action(
        (action_id, f"{_DECISION.get(decision, decision)}: {description or filename or link}")
        for action_id, decision, description, filename, link in rows
    )


def _chunks(actions: QuerySet[Action]) -> Iterator[list[tuple[Any, ...]]]:
    """The list's rows as value tuples, CHUNK_SIZE at a time (a server-side cursor on PostgreSQL)."""
    chunk: list[tuple[Any, ...]] = []
    for values in actions.values_list(*_VALUES).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(values)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def iter_rows(actions: QuerySet[Action]) -> Iterator[list[Any]]:
    """One tracker row per action of the (annotated, scoped, sorted) list: two extra queries a chunk."""
    for chunk in _chunks(actions):
        ids = [values[0] for values in chunk]
        criteria, evidence = _criteria(ids), _evidence(ids)
        for (
            pk,
            plan_id,
            number,
            review_reference,
            finding_number,
            finding_title,
            agency_name,
            board_name,
            title,
            lead_name,
            lead_text,
            due_date,
            latest_update,
            rag,
            status,
            latest_impact,
        ) in chunk:
            yield [
                f"{plan_id}.{number}",
                review_reference or "",
                f"{finding_number}. {finding_title}" if finding_number is not None else "",
                agency_name or board_name or "",
                title,
                lead_name or lead_text,
                due_date,
                criteria.get(pk, ""),
                latest_update or "",
                evidence.get(pk, ""),
                RAG_SHORT.get(rag, ""),
                _STATUS.get(status, status),
                _VERDICT.get(latest_impact or "", ""),
            ]


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
