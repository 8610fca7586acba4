"""The reports as files: PDF (WeasyPrint, from the same Jinja templates as the pages) and XLSX (openpyxl).

PDFs are rendered on the server from HTML that Safeguard wrote itself: WeasyPrint is given the print
stylesheet directly and a URL fetcher that fetches nothing, so a report can never make the server load an
address (an action title that looks like a link stays text). XLSX cells that a spreadsheet would run as a
formula are written with a leading apostrophe (reviews.spreadsheets.export.safe_cell).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from safeguard.core.calendar import LONDON
from safeguard.monitoring import report_presenters as present
from safeguard.monitoring import reports
from safeguard.reviews.spreadsheets.export import safe_cell

PRINT_CSS = Path(__file__).resolve().parent / "static" / "monitoring" / "report-print.css"
PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _NoFetching(Exception):
    pass


def _refuse_to_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise _NoFetching(f"Reports load no external resources ({url[:40]!r} refused).")


@lru_cache(maxsize=1)
def _stylesheet() -> Any:
    from weasyprint import CSS

    return CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=_refuse_to_fetch)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered as HTML, then laid out as an A4 PDF."""
    from weasyprint import HTML

    html = render_to_string(
        template_name,
        {**context, "pdf": True, "generated": present.generated_on(timezone.now())},
        using="jinja2",
    )
    document = HTML(string=html, base_url="about:blank", url_fetcher=_refuse_to_fetch)
    return bytes(document.write_pdf(stylesheets=[_stylesheet()]))


# One function per report, so the pages' downloads and any other caller (the API, a command) make the same file.


def board_pack_pdf(pack: reports.BoardPack) -> bytes:
    return render_pdf(
        "monitoring/reports/pdf/board_pack.html",
        {"page": present.board_pack_page(pack), "rag_columns": present.RAG_COLUMNS},
    )


def summary_pdf(
    summary: reports.CrossBoardSummary, *, delivery_facts: Sequence[tuple[str, str]] | None = None
) -> bytes:
    return render_pdf(
        "monitoring/reports/pdf/cross_board_summary.html",
        {
            "summary": present.summary_page(summary),
            "delivery_facts": delivery_facts,
            "rag_columns": present.RAG_COLUMNS,
        },
    )


def annual_report_pdf(report: reports.AnnualReport) -> bytes:
    return render_pdf(
        "monitoring/reports/pdf/annual_report.html",
        {"report": present.annual_report_page(report), "learning_note": LEARNING_NOTE},
    )


def dashboard_pdf(board: reports.Dashboard) -> bytes:
    return render_pdf(
        "monitoring/reports/pdf/dashboard.html",
        {"dash": present.dashboard_page(board), "rag_columns": present.RAG_COLUMNS},
    )


def minutes_pdf(record: reports.Minutes) -> bytes:
    return render_pdf("monitoring/reports/pdf/minutes.html", {"page": present.minutes_page(record)})


# --- XLSX ---------------------------------------------------------------------------------------


class _Book:
    """A write-only workbook: bold header rows, dates as dates, every text cell formula-safe."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)

    def sheet(
        self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
    ):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        sheet.freeze_panes = "A2"
        for row in rows:
            out: list[Any] = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value.astimezone(LONDON).replace(tzinfo=None))
                    cell.number_format = "DD/MM/YYYY HH:MM"
                    out.append(cell)
                elif isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    out.append(cell)
                else:
                    out.append(safe_cell(value))
            sheet.append(out)
        return sheet

    def facts(self, title: str, facts: Sequence[tuple[str, Any]]) -> None:
        self.sheet(title, ("Item", "Value"), [list(pair) for pair in facts], widths=(28, 80))

    def bytes(self) -> bytes:
        output = io.BytesIO()
        self.workbook.save(output)
        return output.getvalue()


RAG_HEADER = ("Red", "Amber", "Green", "Blue", "Total")
ACTION_HEADER = (
    "Ref",
    "Action",
    "Review",
    "Agency",
    "Lead officer",
    "Due date",
    "Reprogrammed",
    "Status",
    "RAG",
    "Updated in cycle",
    "Updated on time",
    "Latest update",
    "Latest update at",
    "Impact",
)
ACTION_WIDTHS = (10, 50, 20, 32, 22, 12, 8, 24, 8, 10, 10, 60, 18, 24)


def _rag_rows(groups: Sequence[reports.RagCounts]) -> list[list[Any]]:
    return [[g.label, *(g.get(rag) for rag in reports.RAGS), g.total] for g in groups]


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _action_cells(row: reports.ActionRow) -> list[Any]:
    return [
        row.reference,
        row.title,
        row.review_reference,
        row.agency_name,
        row.lead_officer,
        row.due_date,
        _yes(row.is_reprogrammed),
        present.status_label(row.status),
        present.rag_label(row.rag),
        _yes(row.updated_in_cycle),
        _yes(row.updated_on_time),
        row.latest_update,
        row.latest_update_at,
        present.verdict_label(row.impact_verdict) if row.impact_verdict else "",
    ]


def _agenda_rows(lines: Sequence[reports.AgendaLine]) -> list[list[Any]]:
    out = []
    for line in lines:
        base = [
            line.position,
            present.agenda_reason_label(line.reason),
            line.reference,
            line.title,
            line.agency_name,
        ]
        if not line.decisions:
            out.append([*base, "", "", "", None])
        for d in line.decisions:
            out.append([*base, present.decision_label(d.kind), d.note, d.decided_by, d.decided_at])
    return out


AGENDA_HEADER = (
    "Item",
    "Why on the agenda",
    "Ref",
    "Action",
    "Agency",
    "Decision",
    "Note",
    "Decided by",
    "Decided at",
)


def board_pack_xlsx(pack: reports.BoardPack) -> bytes:
    page = present.board_pack_page(pack)
    book = _Book()
    book.facts("Summary", [*page["facts"], ("Source", page["source"])])
    book.sheet(
        "By review", ("Review", *RAG_HEADER), _rag_rows([*pack.by_review, pack.totals]), (24, 8, 8, 8, 8, 8)
    )
    book.sheet(
        "By agency", ("Agency", *RAG_HEADER), _rag_rows([*pack.by_agency, pack.totals]), (40, 8, 8, 8, 8, 8)
    )
    book.sheet(
        "Exceptions",
        ("Why", *ACTION_HEADER),
        ([present.reasons_text(e.reasons), *_action_cells(e.row)] for e in pack.exceptions),
        (30, *ACTION_WIDTHS),
    )
    book.sheet("Decisions needed", AGENDA_HEADER, _agenda_rows(pack.decisions_needed), (6, 30, 10, 50, 30))
    book.sheet(
        "Decisions taken",
        AGENDA_HEADER,
        _agenda_rows(pack.decisions_taken),
        (6, 30, 10, 50, 30, 30, 50, 22, 18),
    )
    book.sheet("Actions", ACTION_HEADER, (_action_cells(row) for row in pack.rows), ACTION_WIDTHS)
    return book.bytes()


def summary_xlsx(summary: reports.CrossBoardSummary) -> bytes:
    page = present.summary_page(summary)
    book = _Book()
    book.facts("Summary", page["facts"])
    book.sheet(
        "By agency",
        ("Agency", *RAG_HEADER),
        _rag_rows([*summary.by_agency, summary.totals]),
        (40, 8, 8, 8, 8, 8),
    )
    book.sheet("Completed", ACTION_HEADER, (_action_cells(row) for row in summary.completed), ACTION_WIDTHS)
    book.sheet(
        "Latest updates", ACTION_HEADER, (_action_cells(row) for row in summary.updates), ACTION_WIDTHS
    )
    book.sheet("Actions", ACTION_HEADER, (_action_cells(row) for row in summary.rows), ACTION_WIDTHS)
    return book.bytes()


def annual_report_xlsx(report: reports.AnnualReport) -> bytes:
    page = present.annual_report_page(report)
    book = _Book()
    book.facts(
        "Summary",
        [*page["facts"], ("Overdue judged on", report.cutoff), ("Learning disseminated", LEARNING_NOTE)],
    )
    book.sheet(
        "Reviews in monitoring",
        (
            "Review",
            "Subject",
            "Type",
            "Board's role",
            "Status now",
            "Actions",
            "Completed in year",
            "Still open",
        ),
        (
            [
                r.reference,
                r.subject,
                present.review_type_label(r.review_type),
                "Lead board" if r.led else "Partner board",
                present.review_status_label(r.status),
                r.actions,
                r.completed_in_year,
                r.still_open,
            ]
            for r in report.reviews
        ),
        (22, 14, 30, 14, 24, 10, 10, 10),
    )
    book.sheet(
        "Actions completed",
        ("Ref", "Action", "Review", "Agency", "Closed on", "Impact"),
        (
            [
                c.reference,
                c.title,
                c.review_reference,
                c.agency_name,
                c.closed_on,
                present.verdict_label(c.impact_verdict),
            ]
            for c in report.completed
        ),
        (10, 50, 22, 32, 12, 24),
    )
    book.sheet(
        "Impact",
        ("Ref", "Action", "Review", "Agency", "Verdict", "Source", "Assessed on", "Assessment"),
        (
            [
                i.reference,
                i.title,
                i.review_reference,
                i.agency_name,
                present.verdict_label(i.verdict),
                present.source_label(i.source),
                i.assessed_on,
                i.narrative,
            ]
            for i in report.impact
        ),
        (10, 50, 22, 32, 24, 20, 12, 60),
    )
    book.sheet(
        "Overdue",
        ("Ref", "Action", "Review", "Agency", "Due date", "Status", "Reason", "Reason from"),
        (
            [
                o.reference,
                o.title,
                o.review_reference,
                o.agency_name,
                o.due_date,
                present.status_label(o.status),
                o.reason or "No reason recorded",
                present.REASON_SOURCE_TEXT.get(o.reason_source, ""),
            ]
            for o in report.overdue
        ),
        (10, 50, 22, 32, 12, 24, 60, 28),
    )
    return book.bytes()


LEARNING_NOTE = (
    "Not yet recorded in Safeguard: the learning module (learning products, dissemination plans, events and "
    "attendance) has not been built, so this section cannot be produced from Safeguard's records. Add it from "
    "the Learning and Improvement subgroup's own records."
)


def dashboard_xlsx(board: reports.Dashboard) -> bytes:
    book = _Book()
    book.facts(
        "Summary",
        [
            ("Boards", ", ".join(name for _, name, _ in board.boards)),
            ("Figures as of", board.as_of),
            ("Actions", board.totals.total),
            ("Snapshots in the trend", len(board.trend)),
            ("Cycles in update timeliness", board.timeliness_cycles),
        ],
    )
    book.sheet("By review", ("Review", *RAG_HEADER), _rag_rows(board.by_review), (24, 8, 8, 8, 8, 8))
    book.sheet("By agency", ("Agency", *RAG_HEADER), _rag_rows(board.by_agency), (40, 8, 8, 8, 8, 8))
    book.sheet("By board", ("Board", *RAG_HEADER), _rag_rows(board.by_board), (24, 8, 8, 8, 8, 8))
    book.sheet(
        "Overdue by agency",
        ("Agency", "Overdue actions"),
        [list(p) for p in board.overdue_by_agency],
        (40, 10),
    )
    book.sheet(
        "Update timeliness",
        ("Agency", "Updates requested", "Answered", "On time", "Share on time"),
        (
            [t.agency_name, t.requested, t.answered, t.on_time, present.percent(t.on_time, t.requested)]
            for t in board.timeliness
        ),
        (40, 12, 12, 12, 12),
    )
    book.sheet(
        "RAG trend",
        ("Snapshot taken on", "Board", "Schedule", "Cycle", *RAG_HEADER),
        (
            [
                p.taken_on,
                p.board,
                p.schedule,
                p.cycle_number,
                *(p.counts.get(rag) for rag in reports.RAGS),
                p.counts.total,
            ]
            for p in board.trend
        ),
        (14, 18, 30, 8, 8, 8, 8, 8, 8),
    )
    return book.bytes()
