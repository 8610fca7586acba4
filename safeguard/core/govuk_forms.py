"""Turn Django bound fields into parameters for the GOV.UK Frontend macros.

Templates stay free of logic: `{{ field(form.email) }}` renders the right component, with its label,
hint and error message, and `{{ error_summary(form) }}` lists every error linked to its field.

Shared by every app's forms: the GOV.UK date input (`DayMonthYearField` with `GovukDatesMixin`), a
`Textarea` that leaves rows to the macro, and `add_service_errors`, which puts a service's
ValidationError back on the form's fields.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


def _error_message(bound: forms.BoundField) -> dict[str, str] | None:
    return {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None


def _choice_items(bound: forms.BoundField, *, multiple: bool) -> list[dict[str, Any]]:
    value = bound.value()
    selected = {str(v) for v in (value or [])} if multiple else {str(value) if value is not None else ""}
    return [
        {
            "value": str(val),
            "text": str(label),
            "checked": str(val) in selected,
            "selected": str(val) in selected,
        }
        for val, label in bound.field.choices  # type: ignore[attr-defined]
    ]


def field_params(bound: forms.BoundField) -> dict[str, Any]:
    """The macro to call and its parameters for one bound field."""
    widget = bound.field.widget
    label = {"text": str(bound.label)}
    hint = {"text": str(bound.help_text)} if bound.help_text else None
    common: dict[str, Any] = {
        "id": bound.auto_id,
        "name": bound.html_name,
        "hint": hint,
        "errorMessage": _error_message(bound),
    }
    attributes = {k: v for k, v in widget.attrs.items() if k not in {"class"}}
    if bound.field.required:
        attributes.setdefault("required", "required")
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        multiple = isinstance(widget, forms.CheckboxSelectMultiple)
        return {
            "macro": "checkboxes" if multiple else "radios",
            "params": {
                "idPrefix": bound.auto_id,
                "name": bound.html_name,
                "fieldset": {"legend": {"text": str(bound.label), "classes": "govuk-fieldset__legend--s"}},
                "hint": hint,
                "errorMessage": _error_message(bound),
                "items": _choice_items(bound, multiple=multiple),
            },
        }
    if isinstance(widget, forms.CheckboxInput):
        return {
            "macro": "checkboxes",
            "params": {
                "idPrefix": bound.auto_id,
                "name": bound.html_name,
                "hint": hint,
                "errorMessage": _error_message(bound),
                "items": [{"value": "on", "text": str(bound.label), "checked": bool(bound.value())}],
            },
        }
    if isinstance(widget, forms.Select):
        return {
            "macro": "select",
            "params": {**common, "label": label, "items": _choice_items(bound, multiple=False)},
        }
    value = bound.value()
    if isinstance(widget, forms.Textarea):
        # Rows go through the macro's own parameter; Django's default rows/cols attributes would repeat it.
        rows = attributes.pop("rows", 5)
        attributes.pop("cols", None)
        return {
            "macro": "textarea",
            "params": {
                **common,
                "label": label,
                "value": value or "",
                "rows": rows,
                "attributes": attributes,
            },
        }
    input_type = getattr(widget, "input_type", "text")
    if input_type == "password":
        value = ""
    return {
        "macro": "input",
        "params": {
            **common,
            "label": label,
            "type": input_type,
            "value": "" if value is None else str(value),
            "autocomplete": widget.attrs.get("autocomplete"),
            "inputmode": widget.attrs.get("inputmode"),
            "spellcheck": False if input_type in {"email", "password"} else None,
            "classes": widget.attrs.get("class"),
            "attributes": {k: v for k, v in attributes.items() if k not in {"autocomplete", "inputmode"}},
        },
    }


def error_summary_items(form: forms.Form) -> list[dict[str, str]]:
    items = []
    for name, errors in form.errors.items():
        for error in errors:
            if name == forms.forms.NON_FIELD_ERRORS:
                items.append({"text": str(error)})
            else:
                items.append({"text": str(error), "href": f"#{form[name].auto_id}"})
    return items


# --- A GOV.UK date input (day, month, year) ------------------------------------------------------

DATE_PARTS = ("day", "month", "year")


class DayMonthYearWidget(forms.MultiWidget):
    """Three text boxes named `<name>-day`, `<name>-month`, `<name>-year`, as the GOV.UK date input names them."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DayMonthYearField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages for each way it can be wrong."""

    widget = DayMonthYearWidget

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        # `subject` names the date in messages: "The notification date must include a month".
        self.subject = subject
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {subject[0].lower()}{subject[1:]}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        parts = list(value or ["", "", ""])
        if not any(parts):
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.subject} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1900:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{self.subject} must be a real date") from None


def example_date_hint(extra: str = "") -> str:
    today = timezone.localdate()
    example = f"For example, {today.day} {today.month} {today.year}"
    return f"{extra} {example}".strip() if extra else example


class GovukDatesMixin:
    """Gives templates the GOV.UK date input parameters for a date field: `form.date_input("due_date")`."""

    def date_input(self, name: str) -> dict[str, Any]:
        bound = self[name]  # type: ignore[index]
        value = bound.value()
        parts = (
            bound.field.widget.decompress(value) if isinstance(value, date) or value is None else list(value)
        )
        error_class = " govuk-input--error" if bound.errors else ""
        widths = {
            "day": "govuk-input--width-2",
            "month": "govuk-input--width-2",
            "year": "govuk-input--width-4",
        }
        return {
            "id": bound.auto_id,
            "namePrefix": bound.html_name,
            "fieldset": {"legend": {"text": str(bound.label), "classes": "govuk-fieldset__legend--s"}},
            "hint": {"text": str(bound.help_text or example_date_hint())},
            "errorMessage": {"text": " ".join(str(e) for e in bound.errors)} if bound.errors else None,
            "items": [
                {
                    "name": part,
                    "label": part.title(),
                    "value": parts[i],
                    "classes": widths[part] + error_class,
                }
                for i, part in enumerate(DATE_PARTS)
            ],
        }


class Textarea(forms.Textarea):
    """A textarea without Django's default rows and cols: rows given here go to the GOV.UK macro's own
    parameter (`field_params`), as passing them again as attributes would repeat the attribute in the HTML."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        rows = (attrs or {}).get("rows")
        super().__init__(attrs)
        self.attrs.pop("cols", None)
        if rows is None:  # Django's default of 10; the macro's default (5) applies instead
            self.attrs.pop("rows", None)


# --- Service errors into the form ---------------------------------------------------------------


def add_service_errors(
    form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: keyed messages on their field where the form has one
    (after `rename`, e.g. a service's `occurred_at` is the form's date), everything else (and
    InvalidTransition's plain message) above the form."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            name = rename.get(key, key)
            form.add_error(name if name in form.fields else None, list(messages))
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- A time of day, and the moment it names ------------------------------------------------------

_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")
TIME_MESSAGE = "Enter the time as hours and minutes on the 24-hour clock, for example 14:30"
NO_SUCH_TIME = "That time did not happen on that date: the clocks went forward an hour"


class TimeOfDayField(forms.CharField):
    """A time typed as HH:MM (24-hour clock); a full stop between hours and minutes is accepted too."""

    def to_python(self, value: Any) -> time | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip().replace(" ", "")
        if not text:
            return None
        match = _TIME.match(text)
        if match is None:
            raise ValidationError(TIME_MESSAGE)
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours > 23 or minutes > 59:
            raise ValidationError(TIME_MESSAGE)
        return time(hours, minutes)


def local_moment(day: date, at: time, zone: tzinfo) -> datetime | None:
    """The moment a clock on the wall in `zone` showed `at` on `day`; None for a time that never happened
    there (01:30 on the morning the clocks go forward). An ambiguous hour (the clocks going back) is read
    as the first of its two passes."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != datetime.combine(day, at):
        return None
    return moment
