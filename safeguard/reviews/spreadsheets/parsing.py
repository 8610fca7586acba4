"""The values board trackers really hold, turned into Safeguard's; a plain message when they cannot be.

Each parser takes the raw cell value (text, number, date or datetime, as openpyxl or csv gives it) and
returns the parsed value, or raises `CellError` whose message completes the sentence
'Row 14, "Due date": "31/13/2016" ...', e.g. "is not a date".
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Any

from safeguard.reviews.models import Rag


class CellError(ValueError):
    """A cell whose value cannot be used; the message says what is wrong in plain words."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_SPACES = re.compile(r"[ \t]+")
_NOT_LOOSE = re.compile(r"[^a-z0-9]")


def text(value: Any) -> str:
    """A cell as tidy text: numbers without a trailing .0, dates as dd/mm/yyyy, spaces collapsed."""
    if value is None:
        return ""
    if type(value) is str:  # most cells: straight to the tidying
        return _SPACES.sub(" ", value).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return _SPACES.sub(" ", str(value)).strip()


def loose(value: Any) -> str:
    """A name for loose matching: lower case, letters and digits only ("Children's  Services." -> "childrensservices")."""
    return _NOT_LOOSE.sub("", text(value).lower().replace("&", "and"))


# --- Dates -------------------------------------------------------------------------------------------

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9

# Excel's day 1 is 1900-01-01 and it counts a 29 February 1900 that never was: serial 61 is 1 March 1900.
_EXCEL_EPOCH = date(1899, 12, 30)
# Serials outside this range are numbers in a date column, not dates (1 Jan 1990 to 31 Dec 2099).
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?[\s\-/']+(\d{2}|\d{4})$")


def _year(digits: str) -> int:
    year = int(digits)
    return year + 2000 if len(digits) == 2 else year


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(value: Any) -> date:
    """A due date as trackers write it.

    Accepts date and datetime cells, Excel serial numbers, "31/03/2016", "31/3/16", "31.03.16",
    "31-03-2016", "2016-03-31", "31 March 2016", "31st Mar 2016", and a month alone ("Mar 2016",
    "March 2016", "Mar-16"), which means the last day of that month. Day comes before month, as in the UK.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("is not a date")
    if isinstance(value, int | float):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError("is not a date")
    raw = text(value).lower()
    if not raw:
        raise CellError("is empty: enter a date")
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return parse_date(float(raw))
    try:
        if match := _DMY.match(raw):
            day, month, year = int(match[1]), int(match[2]), _year(match[3])
            return date(year, month, day)
        if match := _ISO.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := _DAY_MONTH_YEAR.match(raw)) and match[2] in MONTHS:
            return date(_year(match[3]), MONTHS[match[2]], int(match[1]))
        if (match := _MONTH_YEAR.match(raw)) and match[1] in MONTHS:
            return _last_day(_year(match[2]), MONTHS[match[1]])
    except ValueError:
        raise CellError("is not a date") from None
    raise CellError("is not a date (write it as 31/03/2016 or March 2016)")


# --- RAG ---------------------------------------------------------------------------------------------

RAG_WORDS = {
    "r": Rag.RED,
    "red": Rag.RED,
    "overdue": Rag.RED,
    "a": Rag.AMBER,
    "amber": Rag.AMBER,
    "orange": Rag.AMBER,
    "yellow": Rag.AMBER,
    "atrisk": Rag.AMBER,
    "g": Rag.GREEN,
    "green": Rag.GREEN,
    "ontrack": Rag.GREEN,
    "b": Rag.BLUE,
    "blue": Rag.BLUE,
    "complete": Rag.BLUE,
    "completed": Rag.BLUE,
    "closed": Rag.BLUE,
    "done": Rag.BLUE,
}


def parse_rag(value: Any) -> str | None:
    """RAG as text: "R", "Red", "amber", "G", "Complete", "Blue" ... None for an empty cell."""
    if is_blank(value):
        return None
    key = loose(value)
    if key in RAG_WORDS:
        return RAG_WORDS[key]
    # "Red - overdue", "Green (on track)": the first word decides.
    first = loose(re.split(r"[\s\-/(:,]+", text(value).strip(), maxsplit=1)[0])
    if first in RAG_WORDS:
        return RAG_WORDS[first]
    raise CellError("is not a RAG rating (use Red, Amber, Green or Blue)")


def _rgb(colour: str) -> tuple[int, int, int] | None:
    colour = (colour or "").strip().lstrip("#")
    if len(colour) == 8:  # openpyxl gives ARGB
        colour = colour[2:]
    if not re.fullmatch(r"[0-9a-fA-F]{6}", colour):
        return None
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def rag_from_fill(colour: str | None) -> str | None:
    """A cell's fill colour (openpyxl's "FFFF0000") as the nearest of red, amber, green and blue.

    Judged by hue, so the many reds and greens trackers use all count; white, black and greys are no RAG.
    """
    rgb = _rgb(colour or "")
    if rgb is None:
        return None
    r, g, b = (c / 255 for c in rgb)
    high, low = max(r, g, b), min(r, g, b)
    if high - low < 0.15 or high < 0.2:  # grey, white or black
        return None
    spread = high - low
    if high == r:
        hue = (60 * ((g - b) / spread)) % 360
    elif high == g:
        hue = 60 * ((b - r) / spread) + 120
    else:
        hue = 60 * ((r - g) / spread) + 240
    if hue < 20 or hue >= 330:
        return Rag.RED
    if hue < 70:
        return Rag.AMBER
    if hue < 170:
        return Rag.GREEN
    if hue < 270:
        return Rag.BLUE
    return None


# --- Status ------------------------------------------------------------------------------------------


class TrackerStatus:
    """What a tracker says about an action, in Safeguard's words (kept with the imported action)."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETE = "Complete"
    CLOSED = "Closed"


STATUS_WORDS = {
    "notstarted": TrackerStatus.NOT_STARTED,
    "notyetstarted": TrackerStatus.NOT_STARTED,
    "new": TrackerStatus.NOT_STARTED,
    "draft": TrackerStatus.NOT_STARTED,
    "agreed": TrackerStatus.NOT_STARTED,
    "open": TrackerStatus.IN_PROGRESS,
    "inprogress": TrackerStatus.IN_PROGRESS,
    "ongoing": TrackerStatus.IN_PROGRESS,
    "started": TrackerStatus.IN_PROGRESS,
    "ontrack": TrackerStatus.IN_PROGRESS,
    "atrisk": TrackerStatus.IN_PROGRESS,
    "overdue": TrackerStatus.IN_PROGRESS,
    "delayed": TrackerStatus.IN_PROGRESS,
    "partiallycomplete": TrackerStatus.IN_PROGRESS,
    "partlycomplete": TrackerStatus.IN_PROGRESS,
    "complete": TrackerStatus.COMPLETE,
    "completed": TrackerStatus.COMPLETE,
    "done": TrackerStatus.COMPLETE,
    "achieved": TrackerStatus.COMPLETE,
    "implemented": TrackerStatus.COMPLETE,
    "closed": TrackerStatus.CLOSED,
    "signedoff": TrackerStatus.CLOSED,
    "completeandclosed": TrackerStatus.CLOSED,
}


def parse_status(value: Any) -> str | None:
    """A tracker's status column ("In progress", "Complete", "Closed", "Not started" ...). None when empty."""
    if is_blank(value):
        return None
    key = loose(value)
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    raise CellError("is not a status we recognise (use Not started, In progress, Complete or Closed)")
