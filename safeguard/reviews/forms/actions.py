"""Forms for the action pages and the all-actions list.

Forms only shape and type the input; the services decide what is allowed (state, permission, the
cross-field rules such as "a returned piece of evidence needs a reason") and their messages are put
back on the fields by `add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from safeguard.core.concurrency import VersionedFormMixin
from safeguard.people.models import Agency, Board, User
from safeguard.reviews.models import (
    Action,
    ActionStatus,
    ClaimedProgress,
    EvidenceKind,
    Finding,
    ImpactSource,
    ImpactVerdict,
    PlanKind,
    Rag,
)
from safeguard.reviews.selectors import SORTS, ActionFilters

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_HINT = "For example, 27/3/2026"


def _date_field(label: str, *, required: bool = True, required_message: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "invalid": f"{label} must be a real date, for example 27/3/2026",
            "required": required_message or f"Enter the {label.lower()}",
        },
    )


def _text(
    label: str, *, required: bool = True, message: str = "", help_text: str = "", rows: int = 5
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label.lower()}"},
    )


# --- The all-actions list -----------------------------------------------------------------------

SORT_LABELS = {
    "due": "Due date, soonest first",
    "-due": "Due date, latest first",
    "rag": "RAG, red first",
    "status": "Status",
    "agency": "Owning agency",
    "review": "Review",
}
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in SORTS]


class ActionFilterForm(forms.Form):
    """The list's filters, read from the query string. Every value is checked; a bad one is reported
    on the page and ignored, never a server error."""

    board = forms.ModelChoiceField(
        queryset=Board.objects.order_by("name"),
        required=False,
        empty_label="All boards",
        error_messages={"invalid_choice": "Choose a board from the list"},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Owning agency",
        empty_label="All agencies",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ActionStatus.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    rag = forms.ChoiceField(
        label="RAG",
        choices=[("", "Any RAG"), *Rag.choices],
        required=False,
        error_messages={"invalid_choice": "Choose red, amber, green or blue"},
    )
    overdue = forms.BooleanField(label="Only overdue actions", required=False)
    due_after = _date_field("Due on or after", required=False)
    due_before = _date_field("Due on or before", required=False)
    review = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The review in the address is not valid",
            "min_value": "The review in the address is not valid",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Declared here, not on the class: the `sort()` method (the chosen order) takes the class name.
        self.fields["sort"] = forms.ChoiceField(
            label="Sort by",
            choices=SORT_CHOICES,
            required=False,
            error_messages={"invalid_choice": "Choose how to sort from the list"},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and after > before:
            self.add_error(
                "due_before",
                "\u201cDue on or before\u201d must be the same as or after \u201cDue on or after\u201d",
            )
            data.pop("due_after", None)  # a contradictory range is dropped whole, like any bad value
        return data

    def filters(self) -> ActionFilters:
        """The filters that passed validation (an invalid one is dropped, and shown as an error)."""
        self.is_valid()
        data = self.cleaned_data
        return ActionFilters(
            review=data.get("review"),
            board=data["board"].pk if data.get("board") else None,
            agency=data["agency"].pk if data.get("agency") else None,
            status=data.get("status") or "",
            rag=data.get("rag") or "",
            overdue=bool(data.get("overdue")),
            due_before=data.get("due_before"),
            due_after=data.get("due_after"),
        )

    def sort(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or "due"


# --- Drafting -----------------------------------------------------------------------------------


class ActionEditForm(VersionedFormMixin, forms.Form):
    """A draft action's fields, with the hidden version that refuses a stale save."""

    title = forms.CharField(
        label="What will be done", max_length=300, error_messages={"required": "Enter what will be done"}
    )
    description = _text("Description", required=False)
    lead_officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No lead officer yet",
        error_messages={"invalid_choice": "Choose a lead officer from the list"},
    )
    due_date = _date_field("Due date", required=False)
    finding = forms.ModelChoiceField(
        queryset=Finding.objects.none(),
        required=False,
        label="Finding it answers",
        empty_label="None",
        error_messages={"invalid_choice": "Choose a finding from the list"},
    )

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        initial = {
            "title": action.title,
            "description": action.description,
            "lead_officer": action.lead_officer_id,
            "due_date": f"{action.due_date:%d/%m/%Y}" if action.due_date else "",
            "finding": action.finding_id,
            "version": action.version,
        }
        super().__init__(*args, initial=initial, **kwargs)
        plan = action.plan
        users = User.objects.filter(is_active=True)
        if plan.kind == PlanKind.SINGLE_AGENCY:
            people = Q(memberships__agency_id=plan.owner_agency_id, memberships__ended_on__isnull=True)
        else:
            people = Q(memberships__ended_on__isnull=True, memberships__agency__boards=plan.owner_board_id)
        if action.lead_officer_id:
            people |= Q(pk=action.lead_officer_id)
        self.fields["lead_officer"].queryset = users.filter(people).distinct().order_by("full_name")  # type: ignore[attr-defined]
        self.fields["lead_officer"].label_from_instance = lambda u: u.full_name or u.email  # type: ignore[attr-defined]
        findings = plan.review.findings.order_by("number") if plan.review_id else Finding.objects.none()
        self.fields["finding"].queryset = findings  # type: ignore[attr-defined]
        self.fields["finding"].label_from_instance = lambda f: f"{f.number}. {f.title}"  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """The editable fields as the service takes them."""
        return {
            name: self.cleaned_data[name]
            for name in ("title", "description", "lead_officer", "due_date", "finding")
        }


class CriterionForm(forms.Form):
    statement = _text("What success looks like", message="Say what success looks like", rows=3)
    measure = forms.CharField(
        label="How it will be measured",
        max_length=300,
        error_messages={"required": "Say how it will be measured"},
    )
    baseline = forms.CharField(label="Baseline (optional)", max_length=200, required=False)
    target = forms.CharField(label="Target", max_length=200, error_messages={"required": "Enter the target"})
    assessed_by = forms.CharField(
        label="Who assesses it (optional)",
        max_length=200,
        required=False,
        help_text="For example, the Audit Subgroup",
    )


# --- Delivery -----------------------------------------------------------------------------------


class UpdateForm(forms.Form):
    narrative = _text("Progress made", message="Describe the progress made")
    claimed = forms.ChoiceField(
        label="How is the action going?",
        choices=ClaimedProgress.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the action is going",
            "invalid_choice": "Choose how the action is going",
        },
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of evidence is it?",
        choices=[
            (EvidenceKind.FILE, "A file"),
            (EvidenceKind.LINK, "A link"),
            (EvidenceKind.NARRATIVE, "A written account"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a file, a link or a written account",
            "invalid_choice": "Choose a file, a link or a written account",
        },
    )
    description = _text("What the evidence shows", message="Describe what the evidence shows")
    upload = forms.FileField(
        label="Upload a file",
        required=False,
        error_messages={"empty": "The selected file is empty", "invalid": "Select a file"},
    )
    link = forms.CharField(label="Link", max_length=500, required=False, help_text="Starting with https://")


class CompleteForm(forms.Form):
    note = _text("Note for the monitoring subgroup (optional)", required=False, rows=3)


# --- Judgement ----------------------------------------------------------------------------------

ACCEPT, RETURN = "accept", "return"


class EvidenceDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(ACCEPT, "Accept the evidence"), (RETURN, "Return it to the agency")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to accept or return the evidence",
            "invalid_choice": "Choose whether to accept or return the evidence",
        },
    )
    reason = _text(
        "Reason or note",
        required=False,
        help_text="If you return the evidence, say why: the agency sees this.",
        rows=4,
    )


class ImpactForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Verdict",
        choices=ImpactVerdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the verdict", "invalid_choice": "Choose the verdict"},
    )
    source = forms.ChoiceField(
        label="Where the evidence of impact comes from",
        choices=ImpactSource.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the evidence of impact comes from",
            "invalid_choice": "Choose where the evidence of impact comes from",
        },
    )
    narrative = _text("Explain the verdict", message="Explain the verdict")


class CloseForm(forms.Form):
    note = _text("Note (optional)", required=False, rows=3)


class ReopenForm(forms.Form):
    reason = _text(
        "Why is the action being reopened?", message="Say why the action is being reopened", rows=4
    )


class ReprogrammeForm(forms.Form):
    new_due_date = _date_field("New due date")
    reason = _text("Why is the date changing?", message="Say why the date is changing", rows=4)


COMPUTED = "computed"


class RagForm(forms.Form):
    rag = forms.ChoiceField(
        label="The board's RAG for this action",
        choices=[*Rag.choices, (COMPUTED, "Remove the board's RAG and use the computed one")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the RAG", "invalid_choice": "Choose red, amber, green or blue"},
    )
    reason = _text("Reason", message="Give the reason for the board's RAG", rows=4)

    def rag_value(self) -> str:
        """The value the service takes: an empty string returns the action to its computed RAG."""
        value = self.cleaned_data["rag"]
        return "" if value == COMPUTED else value
