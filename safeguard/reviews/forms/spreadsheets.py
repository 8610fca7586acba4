"""Forms for exporting and importing trackers.

The export reads its filters with the all-actions list's own `ActionFilterForm` (forms/actions.py), so a
download holds exactly the rows the list shows.
"""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.reviews.forms.actions import ActionFilterForm
from safeguard.reviews.spreadsheets import reader

__all__ = ["ActionFilterForm", "ColumnMappingForm", "HeaderRowForm", "TrackerUploadForm"]

ALLOWED_EXTENSIONS = ("xlsx", "xlsm", "csv")


class TrackerUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the tracker",
        help_text="An Excel workbook (.xlsx) or a CSV file. The first sheet is read.",
        error_messages={"required": "Select the tracker file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(tuple(f".{e}" for e in ALLOWED_EXTENSIONS)):
            raise forms.ValidationError(
                "The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv)"
            )
        return upload


class HeaderRowForm(forms.Form):
    header_row = forms.TypedChoiceField(
        label="Which row holds the column names?",
        coerce=int,
        error_messages={"invalid_choice": "Choose a row from the list", "required": "Choose the row"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["header_row"].choices = choices  # type: ignore[attr-defined]


FIELD_CHOICES = [("", "Do not import"), *reader.FIELDS.items()]


class ColumnMappingForm(forms.Form):
    """One select per tracker column: which Safeguard field it holds."""

    def __init__(self, *args: Any, labels: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        for index, label in enumerate(labels):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=label,
                choices=FIELD_CHOICES,
                required=False,
                initial=initial_mapping.get(str(index), ""),
                error_messages={"invalid_choice": f"Choose what \u201c{label}\u201d holds from the list"},
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }
