"""A one-sheet XLSX workbook written as a stream of bytes, so a large export starts arriving at once.

openpyxl and XlsxWriter both build the whole sheet in a temporary file before the zip can be written, so
the first byte of a 100,000-row tracker only leaves after every row has been read and compressed. An
XLSX file is a zip of XML parts (ECMA-376), and Python's `zipfile` can write a zip to a pipe that cannot
seek (each entry then carries a data descriptor after its data, which Excel, LibreOffice and openpyxl
all read). So the sheet is written here, row by row, into a zip entry whose compressed bytes are handed
on every `FLUSH_EVERY` rows; memory stays flat and the download starts with the first rows.

What the sheet holds is deliberately small: inline strings (no shared-string table, which would need every
string before the sheet), numbers, dates as Excel serial numbers with a dd/mm/yyyy format, a bold header
row frozen at the top with a filter on it, column widths, and wrapped text for cells with line breaks.

    response = StreamingHttpResponse(stream_xlsx(columns, rows, widths=widths), content_type=XLSX)

Cells that a spreadsheet would run as a formula are the caller's to neutralise (see
`reviews.spreadsheets.export.safe_cell`); this writer never writes a formula, only values, but a user who
edits such a cell in Excel would turn it into one.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter as column_letter

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FLUSH_EVERY = 500
# Excel's own limit: a longer cell opens with a repair prompt.
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576

# Control characters are not allowed in XML 1.0 at all (tab, line feed and carriage return are).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = date(1899, 12, 30)

# Style indexes into styles.xml's cellXfs, below.
_DATE, _HEADER, _WRAPPED, _DATETIME = 1, 2, 3, 4

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class XlsxError(ValueError):
    """A sheet this writer cannot make: a bad title, too many columns or rows, a cell of unknown type."""


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of : \\ / ? * [ ], not blank."""
    cleaned = re.sub(r"[:\\/?*\[\]]", " ", _ILLEGAL_XML.sub("", title)).strip().strip("'")[:31].strip()
    if not cleaned:
        raise XlsxError("A sheet needs a title.")
    return cleaned


def _text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)[:MAX_CELL_CHARS]
    return escape(value)


def _cell(ref: str, value: Any, header: bool = False) -> str:
    """One <c> element, or "" for an empty cell (which a sheet simply leaves out)."""
    if value is None or value == "":
        return ""
    style = f' s="{_HEADER}"' if header else ""
    if isinstance(value, str):
        if not header and "\n" in value:
            style = f' s="{_WRAPPED}"'
        return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        naive = value.replace(tzinfo=None)
        delta = naive - datetime(1899, 12, 30)
        serial = delta.days + delta.seconds / 86_400
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    raise XlsxError(f"A cell of type {type(value).__name__} cannot be written to a spreadsheet.")


class _Pipe:
    """Where the zip writes: bytes collect here until the response takes them. It cannot seek, so
    `zipfile` writes each entry's sizes after its data instead of going back for them."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _workbook(title: str, rows_written: int, columns: int) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    filter_range = f"{quoted}!$A$1:${column_letter(columns)}${rows_written}"
    return (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(filter_range)}</definedName></definedNames>"
        "</workbook>"
    )


def stream_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str = "Sheet1",
    widths: Sequence[float] = (),
    flush_every: int = FLUSH_EVERY,
) -> Iterator[bytes]:
    """The workbook's bytes, in pieces: the package parts first, then the sheet every `flush_every` rows.

    `rows` is read lazily, one row at a time; each row has at most len(header) cells.
    """
    title = sheet_title(title)
    width = len(header)
    if not 0 < width <= 16_384:
        raise XlsxError("A sheet has between 1 and 16,384 columns.")
    letters = [column_letter(i) for i in range(1, width + 1)]
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as package:  # type: ignore[arg-type]
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        yield pipe.take()

        row_number = 1
        with package.open("xl/worksheets/sheet1.xml", mode="w") as sheet:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                for i, w in enumerate(widths[:width], 1)
            )
            sheet.write(
                (
                    _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                    '<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                    "</sheetView></sheetViews>"
                    '<sheetFormatPr defaultRowHeight="15"/>'
                    + (f"<cols>{cols}</cols>" if cols else "")
                    + "<sheetData>"
                    '<row r="1">'
                    + "".join(_cell(f"{letters[i]}1", name, True) for i, name in enumerate(header))
                ).encode()
                + b"</row>"
            )
            buffered: list[str] = []
            for row in rows:
                row_number += 1
                if row_number > MAX_ROWS:
                    raise XlsxError(f"A sheet holds at most {MAX_ROWS - 1:,} rows below its header.")
                if len(row) > width:
                    raise XlsxError(f"Row {row_number} has {len(row)} cells; the header has {width}.")
                cells = "".join(_cell(f"{letters[i]}{row_number}", value) for i, value in enumerate(row))
                buffered.append(f'<row r="{row_number}">{cells}</row>')
                if len(buffered) >= flush_every:
                    sheet.write("".join(buffered).encode())
                    buffered.clear()
                    data = pipe.take()
                    if data:
                        yield data
            sheet.write(
                (
                    "".join(buffered)
                    + f'</sheetData><autoFilter ref="A1:{letters[-1]}{row_number}"/></worksheet>'
                ).encode()
            )
        package.writestr("xl/workbook.xml", _workbook(title, row_number, width))
    yield pipe.take()
