"""The data behind the monitoring reports: board pack, cross-board summary, annual report extract, dashboard
and minutes.

Each builder returns a frozen dataclass that the HTML page, the PDF and the XLSX all render, so the three
formats always hold the same numbers. Builders only read; the views fetch the record through the scoped
selectors first (the same 404 for "missing" and "not yours") and hand it here.

- common.py: `ActionRow` (one action as a report shows it, from a snapshot or from live data), RAG counts,
  agenda lines;
- board_pack.py, summary.py, annual.py, dashboard.py, minutes.py: one report each.

Query counts do not grow with the number of actions: every list is one query (annotated, or `values()` with
`annotate(Count)`), and grouping happens in Python over the rows already loaded.
"""

from safeguard.monitoring.reports.annual import (
    AnnualReport,
    CompletedLine,
    ImpactLine,
    OverdueLine,
    ReviewLine,
    YearOutOfRange,
    annual_report,
    board_actions,
    report_years,
)
from safeguard.monitoring.reports.board_pack import BoardPack, ExceptionRow, board_pack, exceptions_for
from safeguard.monitoring.reports.common import (
    DONE_STATES,
    EXCEPTION_ORDER,
    FIRST_REPORT_YEAR,
    MISSED,
    NO_REVIEW,
    OVERDUE,
    RAGS,
    RED,
    STALE,
    ActionRow,
    AgendaLine,
    DecisionLine,
    RagCounts,
    group_rows,
    local_date,
)
from safeguard.monitoring.reports.dashboard import (
    Dashboard,
    Timeliness,
    TrendPoint,
    dashboard,
    dashboard_actions,
    served_boards,
)
from safeguard.monitoring.reports.minutes import AttendanceLine, Minutes, minutes
from safeguard.monitoring.reports.summary import (
    CrossBoardSummary,
    cross_board_summary,
    delivery_summary,
    summary_reviews,
)

__all__ = [
    "DONE_STATES",
    "EXCEPTION_ORDER",
    "FIRST_REPORT_YEAR",
    "MISSED",
    "NO_REVIEW",
    "OVERDUE",
    "RAGS",
    "RED",
    "STALE",
    "ActionRow",
    "AgendaLine",
    "AnnualReport",
    "AttendanceLine",
    "BoardPack",
    "CompletedLine",
    "CrossBoardSummary",
    "Dashboard",
    "DecisionLine",
    "ExceptionRow",
    "ImpactLine",
    "Minutes",
    "OverdueLine",
    "RagCounts",
    "ReviewLine",
    "Timeliness",
    "TrendPoint",
    "YearOutOfRange",
    "annual_report",
    "board_actions",
    "board_pack",
    "cross_board_summary",
    "dashboard",
    "dashboard_actions",
    "delivery_summary",
    "exceptions_for",
    "group_rows",
    "local_date",
    "minutes",
    "report_years",
    "served_boards",
    "summary_reviews",
]
