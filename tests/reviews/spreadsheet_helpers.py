"""Trackers built in the tests with openpyxl and csv: never committed binary fixtures."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook
from openpyxl.styles import PatternFill

FILLS = {
    "red": "FFFF0000",
    "amber": "FFFFC000",
    "green": "FF00B050",
    "blue": "FF0070C0",
}


@pytest.fixture
def review_urls(settings: Any) -> None:
    """Make the reviews URLs resolvable whether or not the project includes them yet."""
    try:
        reverse("reviews:actions_export", kwargs={"fmt": "csv"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.reviews.spreadsheet_urls"


def xlsx_upload(
    rows: Sequence[Sequence[Any]],
    *,
    name: str = "tracker.xlsx",
    fills: dict[tuple[int, int], str] | None = None,
    merges: Sequence[str] = (),
    number_formats: dict[tuple[int, int], str] | None = None,
) -> SimpleUploadedFile:
    """rows as written (row 1 first); fills and number formats keyed by (row, column), 1-based."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tracker"
    for row in rows:
        sheet.append(list(row))
    for (r, c), colour in (fills or {}).items():
        sheet.cell(row=r, column=c).fill = PatternFill(fill_type="solid", fgColor=colour)
    for (r, c), fmt in (number_formats or {}).items():
        sheet.cell(row=r, column=c).number_format = fmt
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def csv_upload(
    rows: Sequence[Sequence[Any]], *, name: str = "tracker.csv", encoding: str = "utf-8-sig"
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")
