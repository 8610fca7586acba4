"""Forms for the MASH front door: sharing a worry, rating, deciding and closing a contact.

Forms only shape and type the input (a date, a time, a choice from a list); the services decide what is
allowed and say what is missing, so the text fields are optional here and an empty post shows every
service message at once. `add_errors` puts a service's ValidationError back on the form's fields.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from safeguard.casework.models import MashOutcome, MashRag
from safeguard.core.calendar import LONDON
from safeguard.core.govuk_forms import (
    NO_SUCH_TIME,
    DayMonthYearField,
    GovukDatesMixin,
    Textarea,
    TimeOfDayField,
    add_service_errors,
    local_moment,
)
from safeguard.people.models import Agency

PUBLIC = "public"  # the agency choice for a member of the public (no agency)


def _text(
    label: str, *, help_text: str = "", rows: int = 5, max_length: int | None = None
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        strip=True,
        widget=Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Use {max_length} characters or fewer."},
    )


# --- Sharing a worry ----------------------------------------------------------------------------


def referrer_agencies(viewer: Any, child: Any) -> tuple[list[Agency], bool]:
    """The agencies the user may name as the source of a worry about `child`, their own first, and whether
    they may record one from a member of the public.

    Practice staff share worries for their own agencies. The MASH of the child's area also takes worries by
    phone from any agency of the partnership, and from the public."""
    in_mash = child.board_id in viewer.mash_board_ids
    which = Q(pk__in=viewer.agency_ids)
    if in_mash:
        which |= Q(boards=child.board_id, is_active=True)
    agencies = Agency.objects.filter(which).distinct().order_by("name")
    return sorted(agencies, key=lambda agency: agency.pk not in viewer.agency_ids), in_mash


class RecordContactForm(GovukDatesMixin, forms.Form):
    """Who is worried, for which agency, when it came in and what the worry is."""

    referrer_name = forms.CharField(
        label="Who is sharing the worry",
        required=False,
        max_length=200,
        help_text="Their name and role, for example \u201cSam Jones, health visitor\u201d",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": "Use 200 characters or fewer."},
    )
    referrer_agency = forms.ChoiceField(
        label="Agency",
        error_messages={
            "required": "Choose the agency the worry comes from",
            "invalid_choice": "Choose the agency from the list",
        },
    )
    received_on = DayMonthYearField(
        label="Date received",
        subject="The date received",
        error_messages={"required": "Enter the date the worry was received"},
    )
    received_time = TimeOfDayField(
        label="Time received",
        help_text="Use the 24-hour clock, UK time, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        error_messages={"required": "Enter the time the worry was received"},
    )
    concern = _text(
        "What is the worry about the child?",
        help_text="What was seen or said, by whom, and what has been done so far",
        rows=8,
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[Agency],
        allow_public: bool,
        user: Any,
        now: datetime,
        **kwargs: Any,
    ) -> None:
        local = now.astimezone(LONDON)
        own = agencies[0] if agencies else None
        initial = {
            "referrer_name": user.full_name or user.email,
            "referrer_agency": str(own.pk) if own else "",
            "received_on": local.date(),
            "received_time": f"{local:%H:%M}",
        }
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self._agencies = {str(agency.pk): agency for agency in agencies}
        choices = [(str(agency.pk), agency.name) for agency in agencies]
        if allow_public:
            choices.append((PUBLIC, "Not an agency (member of the public)"))
        self.fields["referrer_agency"].choices = choices  # type: ignore[attr-defined]

    def clean_referrer_agency(self) -> Agency | None:
        value = self.cleaned_data["referrer_agency"]
        return None if value == PUBLIC else self._agencies[value]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, at = data.get("received_on"), data.get("received_time")
        if isinstance(day, date) and isinstance(at, time):
            received = local_moment(day, at, LONDON)
            if received is None:
                self.add_error("received_time", NO_SUCH_TIME)
            else:
                data["received_at"] = received
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "referrer_name": data.get("referrer_name", ""),
            "referrer_agency": data.get("referrer_agency"),
            "received_at": data["received_at"],
            "concern": data.get("concern", ""),
        }

    def add_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, rename={"received_at": "received_on"})


# --- Rating, deciding, closing ------------------------------------------------------------------


class RateForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=MashRag.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose red, amber, green or blue."},
    )
    rationale = _text("Why this rating?", help_text="The risk as you see it from the contact and research")

    def add_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=MashOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the decision."},
    )
    rationale = _text("Reasons for the decision", help_text="The referrer's agency can read this")
    breach_reason = _text(
        "Why was the timescale missed?",
        help_text="The timescale for this rating has passed. Say why the decision is late.",
        rows=3,
    )

    def add_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class CloseForm(forms.Form):
    """No fields: the button records that the referrer has been told the outcome."""

    def add_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
