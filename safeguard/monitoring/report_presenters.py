"""Display values for the monitoring reports: labels, tags, dates and chart geometry.

The HTML pages and the PDFs render the same presented values (one set of templates), and the XLSX writers use
the same labels, so the three formats say the same thing in the same words. Every RAG value is spelt out in
text next to its colour: colour is never the only signal, on screen, on paper or in a chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.urls import reverse

from safeguard.monitoring import reports
from safeguard.monitoring.models import AgendaReason, Attendance, DecisionKind, MeetingStatus
from safeguard.reviews.models import ActionStatus, ImpactSource, ImpactVerdict, Rag, ReviewStatus, ReviewType
from safeguard.reviews.presenters.actions import format_datetime
from safeguard.reviews.presenters.common import RAG_SHORT, RAG_TAGS, format_date

RAG_FILL = {Rag.RED: "#d4351c", Rag.AMBER: "#f47738", Rag.GREEN: "#00703c", Rag.BLUE: "#1d70b8"}
REASON_TEXT = {
    reports.OVERDUE: "Overdue",
    reports.RED: "Rated red by the board",
    reports.STALE: "No update since the last cycle",
    reports.MISSED: "Update asked for, not received",
}
REASON_SOURCE_TEXT = {
    "reprogramming": "Reason given for the new date",
    "update": "Latest progress update",
    "": "No reason recorded",
}
SUMMARY_LIMIT = 300

FORMATS = (("pdf", "Download as PDF"), ("xlsx", "Download as a spreadsheet (XLSX)"))


def rag_label(rag: str) -> str:
    return RAG_SHORT.get(rag, rag.title() if rag else "")  # type: ignore[call-overload]


def rag_tag(rag: str) -> dict[str, str]:
    return dict(RAG_TAGS.get(rag, {"text": rag.title(), "classes": "govuk-tag--grey"}))  # type: ignore[call-overload]


def status_label(status: str) -> str:
    try:
        return str(ActionStatus(status).label)
    except ValueError:
        return status.replace("_", " ").capitalize()


def verdict_label(verdict: str) -> str:
    if not verdict:
        return "Not assessed"
    try:
        return str(ImpactVerdict(verdict).label)
    except ValueError:
        return verdict


def source_label(source: str) -> str:
    try:
        return str(ImpactSource(source).label)
    except ValueError:
        return source


def agenda_reason_label(reason: str) -> str:
    try:
        return str(AgendaReason(reason).label)
    except ValueError:
        return reason


def decision_label(kind: str) -> str:
    try:
        return str(DecisionKind(kind).label)
    except ValueError:
        return kind


def attendance_label(value: str) -> str:
    try:
        return str(Attendance(value).label)
    except ValueError:
        return value


def review_type_label(value: str) -> str:
    try:
        return str(ReviewType(value).label)
    except ValueError:
        return value


def review_status_label(value: str) -> str:
    try:
        return str(ReviewStatus(value).label)
    except ValueError:
        return value


def reasons_text(reasons: Iterable[str]) -> str:
    return "; ".join(REASON_TEXT.get(reason, reason) for reason in reasons)


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "No requests"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def downloads(name: str, **kwargs: Any) -> list[dict[str, str]]:
    return [{"text": text, "href": reverse(name, kwargs={**kwargs, "fmt": fmt})} for fmt, text in FORMATS]


# --- Tables -------------------------------------------------------------------------------------

RAG_COLUMNS = [{"rag": rag, "label": RAG_SHORT[rag]} for rag in reports.RAGS]


def rag_table(groups: Sequence[reports.RagCounts]) -> list[dict[str, Any]]:
    return [
        {"label": g.label, "counts": [g.get(rag) for rag in reports.RAGS], "total": g.total} for g in groups
    ]


def action_line(row: reports.ActionRow) -> dict[str, Any]:
    return {
        "href": reverse("reviews:action_detail", args=[row.action_id]),
        "reference": row.reference,
        "title": row.title,
        "review": row.review_reference,
        "agency": row.agency_name,
        "lead": row.lead_officer or "Not set",
        "due": format_date(row.due_date),
        "due_iso": row.due_date.isoformat() if row.due_date else "",
        "reprogrammed": row.is_reprogrammed,
        "status": status_label(row.status),
        "rag": rag_tag(row.rag),
        "latest_update": shorten(row.latest_update) or "No update recorded",
        "latest_update_on": format_date(reports.local_date(row.latest_update_at), empty=""),
        "impact": verdict_label(row.impact_verdict) if row.impact_verdict else "",
    }


def agenda_line(line: reports.AgendaLine) -> dict[str, Any]:
    return {
        "href": reverse("reviews:action_detail", args=[line.action_id]),
        "position": line.position,
        "reason": agenda_reason_label(line.reason),
        "reference": line.reference,
        "title": line.title,
        "agency": line.agency_name,
        "decisions": [
            {
                "kind": decision_label(d.kind),
                "note": d.note,
                "by": d.decided_by,
                "at": format_datetime(d.decided_at),
            }
            for d in line.decisions
        ],
    }


# --- Charts (inline SVG: geometry here, the template only places it) ----------------------------


@dataclass
class Segment:
    x: float
    width: float
    fill: str
    label: str


@dataclass
class ChartRow:
    label: str
    text: str
    label_y: int
    text_y: int
    bar_y: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    rows: list[ChartRow]
    width: int = 460
    bar_height: int = 14
    row_height: int = 64  # ROW_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * self.row_height + 8

    @property
    def bar_width(self) -> int:
        return BAR_WIDTH


BAR_LEFT = 0
BAR_WIDTH = 450
ROW_HEIGHT = 64


def _scaled(value: int, maximum: int) -> float:
    return round(BAR_WIDTH * value / maximum, 1) if maximum else 0.0


def rag_text(counts: reports.RagCounts) -> str:
    return ", ".join(f"{counts.get(rag)} {RAG_SHORT[rag].lower()}" for rag in reports.RAGS)


def stacked_chart(chart_id: str, title: str, groups: Sequence[reports.RagCounts]) -> Chart:
    """One bar per group, a segment per RAG, each row labelled in words (label and every count)."""
    maximum = max((g.total for g in groups), default=0)
    rows = []
    for index, g in enumerate(groups):
        top = index * ROW_HEIGHT
        row = ChartRow(
            label=g.label,
            text=f"{g.total} ({rag_text(g)})",
            label_y=top + 16,
            text_y=top + 34,
            bar_y=top + 42,
        )
        x = float(BAR_LEFT)
        for rag in reports.RAGS:
            n = g.get(rag)
            if not n:
                continue
            width = _scaled(n, maximum)
            row.segments.append(Segment(x=x, width=width, fill=RAG_FILL[rag], label=f"{RAG_SHORT[rag]}: {n}"))
            x = round(x + width, 1)
        rows.append(row)
    return Chart(id=chart_id, title=title, rows=rows)


def single_chart(
    chart_id: str, title: str, values: Sequence[tuple[str, int, str]], *, maximum: int | None = None
) -> Chart:
    """One bar per (label, value, words) row, in one colour: the words say the value."""
    top_value = maximum if maximum is not None else max((v for _, v, _ in values), default=0)
    rows = []
    for index, (label, value, text) in enumerate(values):
        top = index * ROW_HEIGHT
        row = ChartRow(label=label, text=text, label_y=top + 16, text_y=top + 34, bar_y=top + 42)
        if value:
            row.segments.append(
                Segment(x=BAR_LEFT, width=_scaled(value, top_value), fill="#505a5f", label=text)
            )
        rows.append(row)
    return Chart(id=chart_id, title=title, rows=rows)


# --- Pages --------------------------------------------------------------------------------------


def board_pack_page(pack: reports.BoardPack) -> dict[str, Any]:
    if pack.is_frozen:
        source = (
            f"Frozen when the cycle closed on {format_datetime(pack.snapshot_taken_at)}: "
            "this pack will always show the same figures, whatever has changed since."
        )
    else:
        source = (
            f"The cycle is still open: figures are live, as of {format_date(pack.as_of)}, and will be "
            "frozen when the cycle closes."
        )
    return {
        "title": f"Board pack: {pack.subgroup}, {format_date(pack.meeting_on)}",
        "board": pack.board,
        "source": source,
        "frozen": pack.is_frozen,
        "facts": [
            ("Board", pack.board),
            ("Subgroup", pack.subgroup),
            ("Meeting", format_date(pack.meeting_on)),
            ("Monitoring cycle", f"{pack.cycle_label} (updates due {format_date(pack.cycle_deadline)})"),
            ("Figures as of", format_date(pack.as_of)),
            ("Actions", f"{pack.totals.total:,}"),
            (
                "Updates received",
                f"{pack.updates_received:,} of {pack.updates_requested:,} requested "
                f"({percent(pack.updates_received, pack.updates_requested)}); "
                f"{pack.updates_on_time:,} on time",
            ),
        ],
        "totals": rag_table([pack.totals])[0],
        "by_review": rag_table(pack.by_review),
        "by_agency": rag_table(pack.by_agency),
        "exception_counts": [(REASON_TEXT[reason], n) for reason, n in pack.exception_counts],
        "exceptions": [{**action_line(e.row), "reasons": reasons_text(e.reasons)} for e in pack.exceptions],
        "decisions_needed": [agenda_line(line) for line in pack.decisions_needed],
        "decisions_taken": [agenda_line(line) for line in pack.decisions_taken],
    }


def summary_page(summary: reports.CrossBoardSummary) -> dict[str, Any]:
    since = (
        f"since the previous snapshot on {format_date(summary.previous_taken_on)}"
        if summary.previous_taken_on
        else "since monitoring began (this is the schedule's first snapshot)"
    )
    return {
        "title": f"Cross-board summary: {summary.review_reference}",
        "review": f"{summary.review_reference}: {summary.review_subject}",
        "from_board": summary.from_board,
        "since": since,
        "facts": [
            ("Review", f"{summary.review_reference}: {summary.review_subject}"),
            ("From", summary.from_board),
            ("For", ", ".join(name for _, name in summary.other_boards) or "No other board"),
            ("Monitoring cycle", summary.cycle_label),
            ("Snapshot taken", format_datetime(summary.taken_at)),
            ("Period", since.capitalize()),
            ("Actions", f"{summary.totals.total:,}"),
        ],
        "totals": rag_table([summary.totals])[0],
        "by_agency": rag_table(summary.by_agency),
        "completed": [action_line(row) for row in summary.completed],
        "updates": [action_line(row) for row in summary.updates],
        "rows": [action_line(row) for row in summary.rows],
    }


def send_links(summary: reports.CrossBoardSummary) -> list[dict[str, str]]:
    """ "Send to <board>" for each other board that owns the review (the send page preselects it)."""
    url = reverse(
        "monitoring:send_summary", kwargs={"pk": summary.snapshot_id, "review_pk": summary.review_id}
    )
    return [
        {"text": f"Send to {name}", "href": f"{url}?to={board_id}"} for board_id, name in summary.other_boards
    ]


def delivery_links(deliveries: Iterable[Any]) -> list[dict[str, str]]:
    """Who the summary was already sent to, by whom and when: each a link to the delivery."""
    return [
        {
            "text": f"Sent to {d.to_board.short_name} by {d.sent_by.full_name or d.sent_by.email}, "
            f"{format_datetime(d.sent_at)}",
            "href": reverse("monitoring:delivery_detail", kwargs={"pk": d.pk}),
        }
        for d in deliveries
    ]


def delivery_facts(delivery: Any) -> list[tuple[str, str]]:
    """Who sent the summary, when, to whom, from which snapshot: shown on its page and printed on its PDF."""
    recipients = ", ".join(u.full_name or u.email for u in delivery.recipients.order_by("full_name", "pk"))
    cycle = delivery.snapshot.cycle
    facts = [
        ("Sent by", f"{delivery.sent_by.full_name or delivery.sent_by.email}, {delivery.from_board.name}"),
        ("Sent on", format_datetime(delivery.sent_at)),
        ("Sent to", f"{delivery.to_board.name}: {recipients or 'nobody'}"),
        ("From the snapshot", f"{cycle.label}, frozen {format_datetime(delivery.snapshot.taken_at)}"),
    ]
    if delivery.note:
        facts.append(("Covering note", delivery.note))
    return facts


def annual_report_page(report: reports.AnnualReport) -> dict[str, Any]:
    return {
        "title": f"Annual report extract: {report.board}, {report.year}",
        "board": report.board,
        "year": report.year,
        "period": f"1 January to 31 December {report.year}",
        "cutoff_note": (
            f"Overdue actions are those overdue on {format_date(report.cutoff)}"
            + (
                " (the year is still running)."
                if report.cutoff < report.ends_on
                else ", the end of the year."
            )
        ),
        "facts": [
            ("Board", report.board),
            ("Year", f"1 January to 31 December {report.year}"),
            ("Reviews in monitoring", f"{len(report.reviews):,}"),
            ("Actions completed", f"{len(report.completed):,}"),
            ("Impact assessed", f"{len(report.impact):,}"),
            ("Overdue", f"{len(report.overdue):,}"),
        ],
        "reviews": [
            {
                "reference": r.reference,
                "subject": r.subject,
                "type": review_type_label(r.review_type),
                "role": "Lead board" if r.led else "Partner board",
                "status": review_status_label(r.status),
                "actions": r.actions,
                "completed": r.completed_in_year,
                "open": r.still_open,
            }
            for r in report.reviews
        ],
        "completed": [
            {
                "reference": c.reference,
                "title": c.title,
                "review": c.review_reference,
                "agency": c.agency_name,
                "closed_on": format_date(c.closed_on),
                "impact": verdict_label(c.impact_verdict),
            }
            for c in report.completed
        ],
        "impact_counts": [(verdict_label(v), n) for v, n in report.impact_counts],
        "impact": [
            {
                "reference": i.reference,
                "title": i.title,
                "review": i.review_reference,
                "agency": i.agency_name,
                "verdict": verdict_label(i.verdict),
                "source": source_label(i.source),
                "assessed_on": format_date(i.assessed_on),
                "narrative": shorten(i.narrative),
            }
            for i in report.impact
        ],
        "overdue": [
            {
                "reference": o.reference,
                "title": o.title,
                "review": o.review_reference,
                "agency": o.agency_name,
                "due": format_date(o.due_date),
                "status": status_label(o.status),
                "reason": shorten(o.reason) or "No reason recorded",
                "reason_source": REASON_SOURCE_TEXT.get(o.reason_source, ""),
            }
            for o in report.overdue
        ],
    }


def dashboard_page(board: reports.Dashboard) -> dict[str, Any]:
    max_overdue = max((n for _, n in board.overdue_by_agency), default=0)
    return {
        "boards": [name for _, name, _ in board.boards],
        "as_of": format_date(board.as_of),
        "totals": rag_table([board.totals])[0],
        "totals_text": f"{plural(board.totals.total, 'action')} in monitoring: {rag_text(board.totals)}.",
        "sections": [
            {
                "id": "by-review",
                "title": "RAG by review",
                "first": "Review",
                "chart": stacked_chart("chart-by-review", "Actions by RAG for each review", board.by_review),
                "rows": rag_table(board.by_review),
            },
            {
                "id": "by-agency",
                "title": "RAG by agency",
                "first": "Agency",
                "chart": stacked_chart("chart-by-agency", "Actions by RAG for each agency", board.by_agency),
                "rows": rag_table(board.by_agency),
            },
            {
                "id": "by-board",
                "title": "RAG by board",
                "first": "Board",
                "chart": stacked_chart("chart-by-board", "Actions by RAG for each board", board.by_board),
                "rows": rag_table(board.by_board),
            },
        ],
        "overdue_chart": single_chart(
            "chart-overdue",
            "Overdue actions by agency",
            [(name, n, plural(n, "overdue action")) for name, n in board.overdue_by_agency],
            maximum=max_overdue,
        ),
        "overdue": board.overdue_by_agency,
        "timeliness_cycles": board.timeliness_cycles,
        "timeliness_chart": single_chart(
            "chart-timeliness",
            "Share of requested updates answered on time, by agency",
            [
                (
                    t.agency_name,
                    t.percent_on_time or 0,
                    f"{percent(t.on_time, t.requested)} on time ({t.on_time} of {t.requested})",
                )
                for t in board.timeliness
            ],
            maximum=100,
        ),
        "timeliness": [
            {
                "agency": t.agency_name,
                "requested": t.requested,
                "answered": t.answered,
                "on_time": t.on_time,
                "percent": percent(t.on_time, t.requested),
            }
            for t in board.timeliness
        ],
        "trend_chart": stacked_chart(
            "chart-trend",
            "RAG at each snapshot, oldest first",
            [
                reports.RagCounts.of(
                    f"{format_date(p.taken_on)}, {p.board} cycle {p.cycle_number}",
                    {rag: p.counts.get(rag) for rag in reports.RAGS},
                )
                for p in board.trend
            ],
        ),
        "trend": [
            {
                "taken_on": format_date(p.taken_on),
                "taken_iso": p.taken_on.isoformat(),
                "board": p.board,
                "schedule": p.schedule,
                "cycle": p.cycle_number,
                "counts": [p.counts.get(rag) for rag in reports.RAGS],
                "total": p.counts.total,
            }
            for p in board.trend
        ],
        "summaries": [
            {
                "text": f"{reference}, snapshot of {format_date(_trend_date(board, snapshot_id))}",
                "href": reverse(
                    "monitoring:cross_board_summary", kwargs={"pk": snapshot_id, "review_pk": review_id}
                ),
            }
            for snapshot_id, review_id, reference in board.summaries
        ],
        "annual_reports": [
            {
                "text": f"{name}, {year}",
                "href": reverse("monitoring:annual_report", kwargs={"board_pk": pk, "year": year}),
            }
            for pk, name, _ in board.boards
            for year in (board.as_of.year, board.as_of.year - 1)
        ],
    }


def _trend_date(board: reports.Dashboard, snapshot_id: int) -> date | None:
    for point in board.trend:
        if point.snapshot_id == snapshot_id:
            return point.taken_on
    return None


def minutes_page(m: reports.Minutes) -> dict[str, Any]:
    return {
        "title": f"Minutes: {m.subgroup}, {format_date(m.held_on)}",
        "final": m.is_final,
        "status": "Final" if m.status == MeetingStatus.HELD else "Draft: the minutes have not been finalised",
        "facts": [
            ("Board", m.board),
            ("Subgroup", m.subgroup),
            ("Date", format_date(m.held_on)),
            ("Location", m.location or "Not recorded"),
            ("Monitoring cycle", m.cycle_label),
        ],
        "attendance": [(a.name, attendance_label(a.attendance)) for a in m.attendance],
        "agenda": [agenda_line(line) for line in m.items],
        "minutes": m.minutes,
    }


def generated_on(now: datetime) -> str:
    return format_datetime(now)
