"""The streamed XLSX writer: what it writes opens in openpyxl as the values it was given, and it streams."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from safeguard.core.xlsx_stream import XlsxError, sheet_title, stream_xlsx

HEADER = ("Ref", "Title", "Due", "Count")


def _book(chunks):
    return load_workbook(io.BytesIO(b"".join(chunks)))


def test_values_come_back_as_written() -> None:
    rows = [
        ["A-1", "Train the control room", date(2016, 3, 31), 3],
        ["A-2", "Line one\nLine two", None, Decimal("2.5")],
        ["A-3", "", date(2024, 2, 29), 0],
    ]
    sheet = _book(stream_xlsx(HEADER, rows, title="Actions")).active
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1] == ("A-1", "Train the control room", datetime(2016, 3, 31), 3)
    assert values[2] == ("A-2", "Line one\nLine two", None, 2.5)
    assert values[3] == ("A-3", None, datetime(2024, 2, 29), 0)


def test_dates_are_formatted_as_dates_and_the_header_is_bold_and_frozen() -> None:
    sheet = _book(stream_xlsx(HEADER, [["A-1", "x", date(2016, 3, 31), 1]], title="Actions")).active
    assert sheet.title == "Actions"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "dd/mm/yyyy"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D2"


def test_multi_line_text_wraps() -> None:
    sheet = _book(stream_xlsx(HEADER, [["A-1", "one\ntwo", None, None]])).active
    assert sheet["B2"].alignment.wrap_text


def test_datetimes_keep_their_time() -> None:
    sheet = _book(stream_xlsx(("At",), [[datetime(2026, 11, 26, 14, 30)]])).active
    assert sheet["A2"].value == datetime(2026, 11, 26, 14, 30)


def test_markup_and_control_characters_cannot_break_the_sheet() -> None:
    nasty = '<b>&amp; "quoted" </row></sheetData>\x00\x07\x1b end'
    sheet = _book(stream_xlsx(("Text",), [[nasty], ["  leading and trailing spaces  "]])).active
    assert sheet["A2"].value == '<b>&amp; "quoted" </row></sheetData> end'
    assert sheet["A3"].value == "  leading and trailing spaces  "


def test_a_cell_longer_than_excel_allows_is_cut_to_its_limit() -> None:
    sheet = _book(stream_xlsx(("Text",), [["x" * 40_000]])).active
    assert len(sheet["A2"].value) == 32_767


def test_the_package_is_a_sound_zip() -> None:
    data = b"".join(stream_xlsx(HEADER, [["A", "b", None, i] for i in range(3000)], flush_every=100))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"
        assert "xl/worksheets/sheet1.xml" in package.namelist()


def test_bytes_leave_before_the_rows_are_all_read() -> None:
    """The point of the writer: the first chunk of the sheet is handed on while rows are still to come."""
    consumed = 0

    def rows():
        nonlocal consumed
        for i in range(5000):
            consumed += 1
            yield [f"A-{i}", "Title " * 20, date(2026, 1, 1), i]

    stream = stream_xlsx(HEADER, rows(), flush_every=200)
    seen_at = []
    for chunk in stream:
        if chunk:
            seen_at.append(consumed)
    assert consumed == 5000
    # Package parts before any row, then sheet data at many points before the last row.
    assert seen_at[0] == 0
    assert len([n for n in seen_at if 0 < n < 5000]) >= 5


def test_an_empty_list_is_the_header_alone() -> None:
    sheet = _book(stream_xlsx(HEADER, [])).active
    assert [tuple(row) for row in sheet.iter_rows(values_only=True)] == [HEADER]


def test_a_row_wider_than_the_header_is_refused() -> None:
    with pytest.raises(XlsxError, match="Row 2 has 5 cells; the header has 4"):
        b"".join(stream_xlsx(HEADER, [[1, 2, 3, 4, 5]]))


def test_a_cell_of_unknown_type_is_refused() -> None:
    with pytest.raises(XlsxError, match="type object"):
        b"".join(stream_xlsx(("X",), [[object()]]))


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Actions", "Actions"), ("a/b:c?", "a b c"), ("x" * 40, "x" * 31), ("'quoted'", "quoted")],
)
def test_sheet_titles_are_made_acceptable_to_excel(given, expected) -> None:
    assert sheet_title(given) == expected


def test_a_blank_sheet_title_is_refused() -> None:
    with pytest.raises(XlsxError):
        sheet_title("[]")
