"""Small helpers for the multi-persona journeys: a checked stop on each page, GOV.UK form fields by their
labels, the success banner, and a real (tiny) PDF to upload as evidence."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from e2e.axe import assert_accessible, page_convention_problems

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


def arrive(page: Page, heading: str | re.Pattern[str]) -> None:
    """A stop on the journey: wait for the page whose <h1> is `heading`, then check it with axe (WCAG 2.2 AA,
    no violations) and against Safeguard's page conventions."""
    expect(page.locator("h1")).to_have_text(heading)
    assert_accessible(page)
    problems = page_convention_problems(page)
    assert not problems, f"{page.url}: " + "; ".join(problems)


def expect_success(page: Page, text: str) -> None:
    """The green notification banner a completed step leaves on the next page."""
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def expect_error(page: Page, text: str) -> None:
    """The error summary at the top of a form that was refused, and focused as GOV.UK Frontend focuses it."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(text)
    expect(summary).to_be_focused()


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radios, checkboxes, a date) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def choose(page: Page, legend: str, label: str) -> None:
    """Tick a radio or checkbox in the fieldset with `legend`."""
    group(page, legend).get_by_label(label, exact=True).check()


def fill_date(page: Page, legend: str, value: date) -> None:
    """A GOV.UK date input: day, month and year in their own boxes."""
    fieldset = group(page, legend)
    fieldset.get_by_label("Day", exact=True).fill(str(value.day))
    fieldset.get_by_label("Month", exact=True).fill(str(value.month))
    fieldset.get_by_label("Year", exact=True).fill(str(value.year))


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(label, exact=True)


def button(page: Page, text: str) -> Locator:
    """A button, or a link styled as one (GOV.UK's button macro with an href gives it role="button")."""
    return page.get_by_role("button", name=text, exact=True)


def link(page: Page, text: str | re.Pattern[str]) -> Locator:
    return page.get_by_role("link", name=text, exact=isinstance(text, str))


def menu(page: Page, text: str) -> Locator:
    """An entry of the service navigation (the main menu)."""
    return page.get_by_role("navigation", name="Main menu").get_by_role("link", name=text, exact=True)


def summary_value(page: Page, key: str) -> Locator:
    """The value cell of a summary list row, by its key."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.locator(".govuk-summary-list__value")


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF 1.4 showing `text`, with a correct cross-reference table (what a PDF reader needs
    to open it), built by hand so the journey uploads a real file without a PDF library."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def upload(name: str, mime_type: str, content: bytes) -> dict[str, Any]:
    """A file for Playwright's set_input_files, from memory."""
    return {"name": name, "mimeType": mime_type, "buffer": content}
