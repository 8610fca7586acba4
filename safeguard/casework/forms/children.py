"""Forms for the children's record pages: the list's search, opening a record, and chronology entries.

Forms shape and type what was typed (a real date, a time as hours and minutes, a choice from the list);
the services decide the rules (a due date in the future, a late entry's reason, who may amend) and their
messages reach the same error summary through `add_service_errors`. Unconditional requirements (a name,
a summary) are also checked here, with the services' wording, so that an empty form shows every problem at
once rather than the parse errors first and the rules on a second try.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms

from safeguard.casework.models import ChronologyEntry, EntryCategory, Gender
from safeguard.core.calendar import LONDON
from safeguard.core.govuk_forms import (
    NO_SUCH_TIME,
    DayMonthYearField,
    GovukDatesMixin,
    Textarea,
    TimeOfDayField,
    local_moment,
)
from safeguard.people.models import Agency, Board

SEARCH_MAX = 100


def _text(label: str, *, required_message: str = "", help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=bool(required_message),
        help_text=help_text,
        widget=Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


# --- The list's search --------------------------------------------------------------------------


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or reference",
        required=False,
        max_length=SEARCH_MAX,
        help_text="Part of a name, or a reference such as CH-000123",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": f"Use {SEARCH_MAX} characters or fewer"},
    )

    def query(self) -> str:
        """The words to search for: empty (every child) when nothing or something unusable was typed."""
        self.is_valid()
        return (self.cleaned_data.get("q") or "").strip()


# --- Opening a record ---------------------------------------------------------------------------


class _NamedModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "name", obj))


class RegisterChildForm(GovukDatesMixin, forms.Form):
    given_names = forms.CharField(
        label="Given names",
        max_length=100,
        error_messages={
            "required": "Enter the child's given names.",
            "max_length": "Use 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={
            "required": "Enter the child's family name.",
            "max_length": "Use 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    known_as = forms.CharField(
        label="Known as (optional)",
        required=False,
        max_length=100,
        help_text="A name the child uses that is not their given name",
        error_messages={"max_length": "Use 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the child's gender, or \u201cNot known\u201d.",
            "invalid_choice": "Choose the child's gender, or \u201cNot known\u201d.",
        },
    )
    date_of_birth = DayMonthYearField(
        label="Date of birth",
        subject="The date of birth",
        required=False,
        help_text="Leave this empty for an unborn baby and give the due date instead. For example, 27 3 2024",
    )
    expected_on = DayMonthYearField(
        label="Due date, for an unborn baby (optional)",
        subject="The due date",
        required=False,
        help_text="For example, 14 9 2026",
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=20,
        help_text="10 digits, for example 485 777 3456",
        error_messages={"max_length": "Enter a valid 10-digit NHS number, or leave it empty."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "govuk-input--width-10"}
        ),
    )
    board = _NamedModelChoiceField(
        label="Which area does the child live in?",
        queryset=Board.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The partnership for the area holds the record, and its MASH can see it",
        error_messages={
            "required": "Choose the area where the child lives.",
            "invalid_choice": "Choose the area where the child lives.",
        },
    )
    agency = _NamedModelChoiceField(
        label="Which of your agencies is working with the child?",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "Choose the agency that is working with the child."},
    )
    service = forms.CharField(
        label="What does your agency do for the child?",
        required=False,
        max_length=120,
        help_text="For example, Health visiting",
        error_messages={"max_length": "Use 120 characters or fewer."},
    )

    def __init__(
        self, *args: Any, board_ids: Any, agency_ids: Any, in_mash: bool = False, **kwargs: Any
    ) -> None:
        """`board_ids`: where the user may open records (their agencies' boards and their MASH boards);
        `agency_ids`: the agencies they work for; `in_mash`: whether they hold a MASH role anywhere."""
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = Board.objects.filter(pk__in=board_ids).order_by("name")  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agency_ids).order_by("name")  # type: ignore[attr-defined]
        if len(board_ids) == 1:
            self.fields["board"].initial = next(iter(board_ids))
        if len(agency_ids) == 1 and not in_mash:
            self.fields["agency"].initial = next(iter(agency_ids))
        if in_mash:
            note = "Leave this empty if you work in the MASH for the child's area: the MASH sees every child in its area."
            self.fields["agency"].help_text = note
            self.fields["service"].help_text = f"For example, Health visiting. {note}"

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "board": data["board"],
            "given_names": data["given_names"],
            "family_name": data["family_name"],
            "known_as": data.get("known_as") or "",
            "gender": data["gender"],
            "date_of_birth": data.get("date_of_birth"),
            "expected_on": data.get("expected_on"),
            "nhs_number": data.get("nhs_number") or "",
            "agency": data.get("agency"),
            "service": data.get("service") or "",
        }


# --- Chronology entries -------------------------------------------------------------------------


def _category_choices() -> list[tuple[str, str]]:
    return [("", "Choose the kind of event"), *EntryCategory.choices]


class EntryForm(GovukDatesMixin, forms.Form):
    """An event for the chronology: when (a date and a London time), what, its impact and the action."""

    occurred_on = DayMonthYearField(
        label="Date it happened",
        subject="The date it happened",
        required=False,
        help_text="For example, 27 3 2026",
    )
    occurred_time = TimeOfDayField(
        label="Time it happened",
        required=False,
        help_text="Use the 24-hour clock, UK time, for example 14:30",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "autocomplete": "off", "inputmode": "text"}
        ),
    )
    category = forms.ChoiceField(
        label="What kind of event was it?",
        choices=_category_choices,
        error_messages={
            "required": "Choose what kind of event it was.",
            "invalid_choice": "Choose what kind of event it was.",
        },
    )
    summary = forms.CharField(
        label="What happened, in a line",
        max_length=200,
        error_messages={
            "required": "Say what happened, in a line.",
            "max_length": "Use 200 characters or fewer.",
        },
    )
    detail = _text(
        "Impact on the child and analysis (optional)",
        help_text="What this means for the child's safety and welfare, and what you make of it",
    )
    action_taken = _text("Action taken (optional)", rows=3)
    significant = forms.BooleanField(
        label="This is a significant event for the child",
        required=False,
        help_text="One that makes a real difference to the child's safety, welfare or circumstances, good or bad",
    )

    # The service names the event time `occurred_at`; the form asks for it in two boxes.
    service_renames = {"occurred_at": "occurred_on"}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, at = data.get("occurred_on"), data.get("occurred_time")
        has_day_error, has_time_error = "occurred_on" in self.errors, "occurred_time" in self.errors
        if day is None and not has_day_error:
            self.add_error("occurred_on", "Enter the date it happened.")
        if at is None and not has_time_error:
            self.add_error("occurred_time", "Enter the time it happened, for example 14:30")
        if day is not None and at is not None and local_moment(day, at, LONDON) is None:
            self.add_error("occurred_time", NO_SUCH_TIME)
        return data

    def occurred_at(self) -> datetime | None:
        """The event's moment, as London time (the time the practitioner read off a clock in England)."""
        day: date | None = self.cleaned_data.get("occurred_on")
        at: time | None = self.cleaned_data.get("occurred_time")
        if day is None or at is None:
            return None
        return local_moment(day, at, LONDON)

    def entry_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "occurred_at": self.occurred_at(),
            "category": data["category"],
            "summary": data["summary"],
            "detail": data.get("detail") or "",
            "action_taken": data.get("action_taken") or "",
            "significant": bool(data.get("significant")),
        }


class AddEntryForm(EntryForm):
    late_reason = _text(
        "Why is it recorded later? (only if late)",
        help_text=(
            "Needed when you record the event more than 24 hours after it happened: "
            "say why it was not recorded at the time"
        ),
        rows=3,
    )

    agency = _NamedModelChoiceField(
        label="Which agency are you recording for?",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": "Choose the agency you are recording for."},
    )

    def __init__(self, *args: Any, through_agency_ids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only someone who sees the child through two agencies is asked; otherwise the service picks it.
        if len(through_agency_ids) < 2:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=through_agency_ids).order_by("name")  # type: ignore[attr-defined]
            self.order_fields(["agency"])

    def entry_arguments(self) -> dict[str, Any]:
        arguments = {**super().entry_arguments(), "late_reason": self.cleaned_data.get("late_reason") or ""}
        if "agency" in self.fields:
            arguments["agency"] = self.cleaned_data.get("agency")
        return arguments


class AmendEntryForm(EntryForm):
    """The entry's fields, filled in from the entry, and the reason for the correction."""

    reason = _text(
        "Why are you amending this entry?",
        required_message="Say why the entry is being amended.",
        help_text="The original entry stays on the record, marked as superseded, with this reason",
        rows=3,
    )

    def __init__(self, *args: Any, entry: ChronologyEntry, **kwargs: Any) -> None:
        local = entry.occurred_at.astimezone(LONDON)
        initial = {
            "occurred_on": local.date(),
            "occurred_time": f"{local:%H:%M}",
            "category": entry.category,
            "summary": entry.summary,
            "detail": entry.detail,
            "action_taken": entry.action_taken,
            "significant": entry.significant,
        }
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.order_fields(["reason"])  # the page asks why first, as the error summary lists it

    def entry_arguments(self) -> dict[str, Any]:
        return {**super().entry_arguments(), "reason": self.cleaned_data.get("reason") or ""}


# --- The chronology's filters -------------------------------------------------------------------


class ChronologyFilterForm(forms.Form):
    """The chronology's filters, read from the query string. A value that is not on the list (an old
    link, a typed address) is dropped silently: the page shows the whole chronology instead."""

    agency = forms.ChoiceField(label="Agency", required=False)
    category = forms.ChoiceField(
        label="Kind of event", required=False, choices=[("", "All kinds"), *EntryCategory.choices]
    )
    significant = forms.BooleanField(label="Only significant events", required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies"), *((str(a.pk), a.name) for a in agencies)]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The valid filters as `selectors.chronology_for` takes them."""
        self.is_valid()
        data = self.cleaned_data
        agency = data.get("agency") or ""
        return {
            "agency_id": int(agency) if agency else None,
            "category": data.get("category") or "",
            "significant_only": bool(data.get("significant")),
        }

    def query(self) -> dict[str, str]:
        """The valid filters as query-string parameters (for the pages' links)."""
        values = self.values()
        query: dict[str, str] = {}
        if values["agency_id"] is not None:
            query["agency"] = str(values["agency_id"])
        if values["category"]:
            query["category"] = values["category"]
        if values["significant_only"]:
            query["significant"] = "on"
        return query
