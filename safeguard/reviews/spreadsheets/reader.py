"""Read an uploaded tracker (XLSX or CSV) into rows of cells, and find its header row.

Trackers are messy: a title row above the header, merged group headings, blank rows between blocks,
RAG shown only as a cell's fill colour. The reader keeps every row with its spreadsheet row number (what
the user sees in Excel), each cell's value and, for XLSX, its solid fill colour. Header detection takes the
first row with at least three non-empty cells that loosely match known column names; the user can change it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from safeguard.reviews.spreadsheets.parsing import is_blank, loose, text

# Safeguard's fields, in the order of the export's columns, with the names trackers give them.
FIELDS: dict[str, str] = {
    "review": "Review",
    "finding": "Finding",
    "agency": "Agency",
    "action": "Action",
    "lead_officer": "Lead officer",
    "due_date": "Due date",
    "success_criteria": "Success criteria",
    "latest_update": "Latest update",
    "evidence": "Evidence",
    "rag": "RAG",
    "status": "Status",
    "impact": "Impact",
}
REQUIRED_FIELDS = ("agency", "action", "due_date")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "review": ("review", "reviewreference", "reviewref", "scr", "case", "source"),
    "finding": (
        "finding",
        "findings",
        "findingno",
        "findingnumber",
        "learningpoint",
        "learning",
        "issue",
        "recommendation",
        "ref",
        "no",
    ),
    "agency": (
        "agency",
        "organisation",
        "organization",
        "leadagency",
        "partneragency",
        "partner",
        "service",
        "agencyorganisation",
    ),
    "action": (
        "action",
        "actions",
        "actiontobetaken",
        "actionrequired",
        "actionstobetaken",
        "whatwillbedone",
        "task",
        "actiondescription",
    ),
    "lead_officer": (
        "leadofficer",
        "lead",
        "responsibleofficer",
        "responsibleperson",
        "responsible",
        "actionowner",
        "owner",
        "bywhom",
        "who",
        "leadperson",
    ),
    "due_date": (
        "duedate",
        "due",
        "targetdate",
        "deadline",
        "timescale",
        "timescales",
        "bywhen",
        "completiondate",
        "targetcompletiondate",
        "when",
        "date",
    ),
    "success_criteria": (
        "successcriteria",
        "successcriterion",
        "measureofsuccess",
        "measuresofsuccess",
        "expectedoutcome",
        "outcome",
        "outcomes",
        "howwillweknow",
        "successmeasures",
    ),
    "latest_update": (
        "latestupdate",
        "update",
        "progressupdate",
        "progresstodate",
        "progress",
        "updates",
        "commentary",
        "comments",
        "latestposition",
    ),
    "evidence": ("evidence", "evidenceofcompletion", "evidenceprovided", "evidenceofprogress"),
    "rag": ("rag", "ragstatus", "ragrating", "rating", "bragrating", "brag"),
    "status": ("status", "actionstatus", "currentstatus", "progressstatus"),
    "impact": ("impact", "impactassessment", "impactevidence", "impactonpractice", "difference"),
}

HEADER_SCAN_ROWS = 25
MIN_HEADER_MATCHES = 3
PREVIEW_ROWS = 8


class ReadError(ValueError):
    """The file cannot be read as a tracker (not XLSX or CSV, damaged, empty)."""


@dataclass(slots=True)
class Row:
    number: int  # the spreadsheet row number, as Excel shows it (CSV: the record's line)
    values: list[Any]
    fills: list[str | None] | None = None

    def value(self, index: int) -> Any:
        return self.values[index] if index < len(self.values) else None

    def fill(self, index: int) -> str | None:
        if self.fills is None or index >= len(self.fills):
            return None
        return self.fills[index]

    def is_blank(self) -> bool:
        return all(is_blank(v) for v in self.values)


@dataclass
class Sheet:
    name: str
    rows: list[Row] = field(default_factory=list)

    def row(self, number: int) -> Row | None:
        for row in self.rows:
            if row.number == number:
                return row
            if row.number > number:
                return None
        return None

    @property
    def width(self) -> int:
        return max((len(r.values) for r in self.rows[: HEADER_SCAN_ROWS + 50]), default=0)


def match_field(label: Any) -> str | None:
    """The Safeguard field a tracker's column name stands for, loosely: exact, then by its start."""
    key = loose(label)
    if not key:
        return None
    for name, words in SYNONYMS.items():
        if key in words:
            return name
    best: tuple[int, str] | None = None
    for name, words in SYNONYMS.items():
        for word in words:
            if len(word) >= 3 and key.startswith(word) and (best is None or len(word) > best[0]):
                best = (len(word), name)
    return best[1] if best else None


# --- Reading -----------------------------------------------------------------------------------------


def _fill_colour(cell: Any) -> str | None:
    if not getattr(cell, "has_style", False):
        return None
    fill = cell.fill
    if fill is None or fill.fill_type not in ("solid", "gray125", "darkGray", "lightGray", "mediumGray"):
        return None
    colour = fill.fgColor
    if colour is None or colour.type != "rgb" or not isinstance(colour.rgb, str):
        return None
    return colour.rgb


def read_xlsx(
    stream: IO[bytes],
    *,
    sheet_name: str = "",
    with_fills: bool = True,
    fill_columns: Collection[int] | None = None,
) -> Sheet:
    """The sheet's rows with each cell's value and solid fill colour. `fill_columns` (0-based) limits the
    colours read to those columns (the import reads RAG from its RAG and status columns only); every
    other cell's fill is then None, and a row with neither a value nor a colour read is left out."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ReadError(
            "The file is not a spreadsheet we can read. Save it as .xlsx or .csv and try again."
        ) from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: a damaged or renamed file
        raise ReadError(
            "The file is not a spreadsheet we can read. Save it as .xlsx or .csv and try again."
        ) from exc
    try:
        if sheet_name and sheet_name in workbook.sheetnames:
            worksheet = workbook[sheet_name]
        else:
            worksheet = workbook.worksheets[0]
        sheet = Sheet(name=worksheet.title)
        for number, cells in enumerate(worksheet.iter_rows(), start=1):
            values = [getattr(c, "value", None) for c in cells]
            while values and is_blank(values[-1]):
                values.pop()
            if not with_fills:
                fills = None
            elif fill_columns is None:
                fills = [_fill_colour(c) for c in cells[: max(len(values), 1) + 4]]
            else:
                fills = [
                    _fill_colour(c) if i in fill_columns else None
                    for i, c in enumerate(cells[: max(len(values), 1) + 4])
                ]
            if not values and not (fills and any(fills)):
                continue
            sheet.rows.append(Row(number=number, values=values, fills=fills))
        return sheet
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("The CSV file's characters cannot be read. Save it as CSV UTF-8 and try again.")


def read_csv(stream: IO[bytes]) -> Sheet:
    content = _decode(stream.read())
    try:
        dialect: Any = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = Sheet(name="CSV")
    try:
        for number, values in enumerate(csv.reader(io.StringIO(content), dialect), start=1):
            while values and is_blank(values[-1]):
                values.pop()
            if values:
                sheet.rows.append(Row(number=number, values=list(values)))
    except csv.Error as exc:
        raise ReadError(f"The CSV file cannot be read: {exc}.") from exc
    return sheet


def read_tracker(
    stream: IO[bytes], filename: str, *, sheet_name: str = "", fill_columns: Collection[int] | None = None
) -> Sheet:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsx", "xlsm"}:
        sheet = read_xlsx(stream, sheet_name=sheet_name, fill_columns=fill_columns)
    elif extension == "csv":
        sheet = read_csv(stream)
    else:
        raise ReadError("The file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
    if not sheet.rows:
        raise ReadError("The file is empty.")
    return sheet


# --- The header ----------------------------------------------------------------------------------------


def detect_header_row(sheet: Sheet) -> int:
    """The first row with at least three non-empty cells that match known column names; else the first row."""
    for row in sheet.rows[:HEADER_SCAN_ROWS]:
        matches = {match_field(v) for v in row.values if not is_blank(v)} - {None}
        if len(matches) >= MIN_HEADER_MATCHES:
            return row.number
    return sheet.rows[0].number


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def header_labels(sheet: Sheet, header_row: int) -> list[str]:
    """The column names at the header row. A blank header cell under a merged heading takes the heading
    above it (a vertically merged "Agency" over two header rows); a column with no name is "Column C"."""
    row = sheet.row(header_row)
    above = sheet.row(header_row - 1)
    width = max(sheet.width, len(row.values) if row else 0)
    labels = []
    for index in range(width):
        value = row.value(index) if row else None
        if is_blank(value) and above is not None:
            value = above.value(index)
        labels.append(text(value) or f"Column {column_letter(index)}")
    return labels


def guess_mapping(labels: Iterable[str]) -> dict[str, str]:
    """Column index (as text, for JSON) -> Safeguard field, the first column winning each field."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, label in enumerate(labels):
        name = match_field(label)
        if name and name not in taken:
            mapping[str(index)] = name
            taken.add(name)
    return mapping


def data_rows(sheet: Sheet, header_row: int) -> list[Row]:
    """The rows below the header that hold anything."""
    return [row for row in sheet.rows if row.number > header_row and not row.is_blank()]


def preview(sheet: Sheet, header_row: int, *, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    width = len(header_labels(sheet, header_row))
    return [[text(row.value(i)) for i in range(width)] for row in data_rows(sheet, header_row)[:rows]]


def candidate_header_rows(sheet: Sheet) -> list[tuple[int, str]]:
    """The first rows, as choices for "which row holds the column names"."""
    choices = []
    for row in sheet.rows[:HEADER_SCAN_ROWS]:
        cells = [text(v) for v in row.values if not is_blank(v)]
        summary = ", ".join(cells[:5]) + ("\u2026" if len(cells) > 5 else "")
        choices.append((row.number, f"Row {row.number}: {summary[:120]}"))
    return choices
