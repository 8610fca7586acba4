"""Helpers for the monitoring journey: files downloaded from a link, read back as a PDF reader and a
spreadsheet program would read them."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PDF_TYPE = "application/pdf"
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX is a zip archive


@dataclass(frozen=True)
class Downloaded:
    filename: str
    content: bytes


def download(page: Page, link: Locator) -> Downloaded:
    """Follow a download link the way a person does (a click), and keep what the browser saved."""
    with page.expect_download() as info:
        link.click()
    received = info.value
    failure = received.failure()
    assert failure is None, f"the download of {received.url} failed: {failure}"
    return Downloaded(received.suggested_filename, Path(received.path()).read_bytes())


def pdf_text(file: Downloaded) -> str:
    """The text of every page of a PDF, as a PDF reader library extracts it, with runs of white space
    (line breaks where the layout wrapped a sentence) made single spaces, so phrases can be looked for."""
    from pypdf import PdfReader

    assert file.filename.endswith(".pdf"), file.filename
    assert file.content.startswith(b"%PDF-"), f"{file.filename} is not a PDF"
    reader = PdfReader(io.BytesIO(file.content))
    assert len(reader.pages) >= 1, f"{file.filename} has no pages"
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def xlsx_sheets(file: Downloaded) -> dict[str, list[tuple[Any, ...]]]:
    """Each worksheet of an XLSX by its name: its rows as tuples of cell values (header row first)."""
    from openpyxl import load_workbook

    assert file.filename.endswith(".xlsx"), file.filename
    assert file.content.startswith(XLSX_MAGIC), f"{file.filename} is not an XLSX (zip) file"
    workbook = load_workbook(io.BytesIO(file.content), read_only=True)
    try:
        return {
            sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def column(rows: list[tuple[Any, ...]], name: str) -> list[Any]:
    """One column of a sheet by its header, without the header."""
    header = list(rows[0])
    index = header.index(name)
    return [row[index] for row in rows[1:]]


def facts(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """A two-column "Item, Value" sheet as a dict."""
    assert rows and tuple(rows[0][:2]) == ("Item", "Value"), rows[:1]
    return {row[0]: row[1] for row in rows[1:]}
