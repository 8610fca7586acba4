"""Turn Django bound fields into parameters for the GOV.UK Frontend macros.

Templates stay free of logic: `{{ field(form.email) }}` renders the right component, with its label,
hint and error message, and `{{ error_summary(form) }}` lists every error linked to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms


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
