"""Forms for the review register, a review's pages and action plans.

Forms check the shape of what was typed (a real date, a choice from the list); the services decide the
rules (a unique reference, an involved agency, a ready plan) and their messages reach the same error
summary through `add_service_errors`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from safeguard.core.concurrency import VersionedFormMixin
from safeguard.core.govuk_forms import (
    DayMonthYearField,
    GovukDatesMixin,
    Textarea,
    example_date_hint,
)
from safeguard.people.models import Agency, Board, Subgroup, User
from safeguard.reviews.models import (
    REVIEW_TRANSITIONS,
    ActionPlan,
    Finding,
    Methodology,
    PlanKind,
    Recommendation,
    RecommendationKind,
    Review,
    ReviewStatus,
    ReviewType,
    Theme,
)
from safeguard.reviews.permissions import BOARD_MANAGING_ROLES


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.job_title})" if obj.job_title else obj.full_name


class SubgroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.board.short_name})"


class _ShownChoiceIterator(ModelChoiceIterator):
    """Iterates the field's short list (`shown`) when it has one, lazily: nothing is queried until the
    form is rendered, so importing this module never touches the database."""

    def __iter__(self) -> Any:
        shown = getattr(self.field, "shown", None)
        if shown is not None:
            self.queryset = shown
        return super().__iter__()

    def __len__(self) -> int:
        shown = getattr(self.field, "shown", None)
        if shown is not None:
            self.queryset = shown
        return super().__len__()


class ShownChoicesField(forms.ModelChoiceField):
    """Offers a short list but accepts any record of `queryset`, so a choice that went stale while the form
    was open reaches the service and gets its message rather than "Select a valid choice"."""

    iterator = _ShownChoiceIterator

    def __init__(self, *args: Any, shown: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        self.shown = shown
        super().__init__(*args, **kwargs)


# --- The register -------------------------------------------------------------------------------

ANY = ("", "Any")


class ReviewFilterForm(forms.Form):
    board = forms.TypedChoiceField(label="Board", required=False, coerce=int, empty_value=None)
    review_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *ReviewType.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ReviewStatus.choices]
    )
    theme = forms.ChoiceField(label="Theme", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", "Any board"), *Board.objects.values_list("pk", "name")]
        self.fields["theme"].choices = [("", "Any theme"), *Theme.objects.values_list("slug", "name")]

    def filter_values(self) -> dict[str, Any]:
        """The filters that are valid; a bad value in the address is ignored, not an error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def boards_user_can_register_for(user: Any) -> QuerySet[Board]:
    return Board.objects.filter(
        roles__user=user, roles__ended_on__isnull=True, roles__role__in=BOARD_MANAGING_ROLES
    ).distinct()


class ReviewCreateForm(GovukDatesMixin, forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="The reference the board uses, for example LSCB-SCR-2014-01",
        error_messages={"required": "Enter the review's reference"},
    )
    review_type = forms.ChoiceField(
        label="Type of review",
        choices=ReviewType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of review"},
    )
    subject_pseudonym = forms.CharField(
        label="How the review names its subject",
        max_length=80,
        required=False,
        help_text="For example, Child N. Never the child's real name",
    )
    lead_board = forms.ModelChoiceField(
        label="Lead board",
        queryset=Board.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the board that leads the review"},
    )
    partner_boards = forms.ModelMultipleChoiceField(
        label="Partner boards",
        queryset=Board.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Other boards taking part. Their members will see the review",
    )
    involved_agencies = forms.ModelMultipleChoiceField(
        label="Agencies involved",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their safeguarding leads will see the review before publication",
    )
    lead_reviewer = forms.CharField(label="Lead reviewer (optional)", max_length=200, required=False)
    methodology = forms.ChoiceField(
        label="Methodology (optional)",
        choices=[("", "Not decided yet"), *Methodology.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label="Summary (optional)", required=False, widget=Textarea)
    incident_on = DayMonthYearField(
        label="Date of the incident (optional)", subject="The date of the incident", required=False
    )
    notified_on = DayMonthYearField(
        label="Date the board was notified", subject="The date the board was notified"
    )
    late_notification_reason = forms.CharField(
        label="Reason for late notification (if it was late)",
        required=False,
        widget=Textarea(),
        help_text="The board must be told within 5 working days of the incident",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        boards = boards_user_can_register_for(user)
        self.fields["lead_board"].queryset = boards  # type: ignore[attr-defined]


class ReviewEditForm(GovukDatesMixin, VersionedFormMixin, forms.Form):
    subject_pseudonym = forms.CharField(
        label="How the review names its subject", max_length=80, required=False
    )
    lead_reviewer = forms.CharField(label="Lead reviewer", max_length=200, required=False)
    methodology = forms.ChoiceField(
        label="Methodology",
        choices=[("", "Not decided yet"), *Methodology.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(label="Summary", required=False, widget=Textarea)
    family_contribution = forms.CharField(
        label="Family contribution",
        required=False,
        widget=Textarea,
        help_text="How the family contributed to the review and were kept informed",
    )
    decided_on = DayMonthYearField(
        label="Decision to hold the review (optional)",
        subject="The date of the decision to hold the review",
        required=False,
        help_text=example_date_hint("When the subgroup decided the case met the criteria for a review."),
    )
    presented_on = DayMonthYearField(
        label="Report presented to the board (optional)",
        subject="The date the report was presented to the board",
        required=False,
        help_text=example_date_hint("When the review's report was presented to the board."),
    )

    EDITABLE = (
        "subject_pseudonym",
        "lead_reviewer",
        "methodology",
        "summary",
        "family_contribution",
        "decided_on",
        "presented_on",
    )

    @classmethod
    def for_review(cls, review: Review, data: Any = None) -> ReviewEditForm:
        initial: dict[str, Any] = {name: getattr(review, name) for name in cls.EDITABLE}
        initial["version"] = review.version
        return cls(data, initial=initial)

    def changes(self, review: Review) -> dict[str, Any]:
        """The fields whose submitted value differs from the stored one."""
        return {
            name: self.cleaned_data[name]
            for name in self.EDITABLE
            if self.cleaned_data[name] != getattr(review, name)
        }


class ReviewMoveForm(GovukDatesMixin, forms.Form):
    to_status = forms.ChoiceField(
        label="Move the review to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the next stage"},
    )
    on = DayMonthYearField(label="Date this happened", subject="The date this happened")
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        widget=Textarea(),
        help_text="Needed to close a review, or when a timescale was missed",
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        allowed = REVIEW_TRANSITIONS.get(review.status, frozenset())
        self.fields["to_status"].choices = [(v, label) for v, label in ReviewStatus.choices if v in allowed]


class FindingForm(forms.Form):
    title = forms.CharField(label="Short title", max_length=200, required=False)
    text = forms.CharField(label="Finding", required=False, widget=Textarea())
    themes = forms.ModelMultipleChoiceField(
        label="Themes (optional)",
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def review_boards(review: Review) -> QuerySet[Board]:
    return Board.objects.filter(Q(pk=review.lead_board_id) | Q(partner_reviews=review)).distinct()


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"Finding {obj.number}: {obj.title}"


class RecommendationForm(forms.Form):
    board = forms.ModelChoiceField(
        label="Board it is for",
        queryset=Board.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the board the recommendation is for"},
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=RecommendationKind.choices,
        initial=RecommendationKind.ISSUE_FOR_BOARD,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is a recommendation or an issue for the board"},
    )
    text = forms.CharField(label="Recommendation or issue", required=False, widget=Textarea())
    findings = FindingChoiceField(
        label="Findings it answers (optional)",
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = review_boards(review)  # type: ignore[attr-defined]
        self.fields["findings"].queryset = review.findings.order_by("number")  # type: ignore[attr-defined]


class BoardResponseForm(forms.Form):
    response = forms.CharField(
        label="The board's response",
        required=False,
        widget=Textarea(),
        help_text="What the board will do, or why it will not act on this",
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"response": recommendation.board_response})
        super().__init__(*args, **kwargs)


# --- Plans --------------------------------------------------------------------------------------


class PlanCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who owns the plan",
        choices=PlanKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose single-agency or multi-agency"},
    )
    owner_agency = ShownChoicesField(
        label="Owning agency (single-agency plans)",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        empty_label="Choose an agency",
        help_text="One of the agencies involved in the review",
    )
    owner_board = forms.ModelChoiceField(
        label="Owning board (multi-agency plans)",
        queryset=Board.objects.none(),
        required=False,
        empty_label="Choose a board",
    )
    monitoring_subgroup = SubgroupChoiceField(
        label="Monitoring subgroup",
        queryset=Subgroup.objects.none(),
        empty_label="Choose a subgroup",
        help_text="Its members outside the owning agency approve the plan and judge its evidence",
        error_messages={"required": "Choose the subgroup that will monitor the plan"},
    )
    monitoring_boards = forms.ModelMultipleChoiceField(
        label="Monitoring boards (optional)",
        queryset=Board.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="If you choose none, the monitoring subgroup's board monitors the plan",
    )
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="For example, Merseyside Police action plan"
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        boards = review_boards(review)
        self.fields["owner_agency"].shown = review.involved_agencies.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner_board"].queryset = boards  # type: ignore[attr-defined]
        self.fields["monitoring_subgroup"].queryset = Subgroup.objects.filter(  # type: ignore[attr-defined]
            board__in=boards.values("pk")
        ).select_related("board")
        self.fields["monitoring_boards"].queryset = boards  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    """A button and nothing else: the service says what is missing."""


class ReturnPlanForm(forms.Form):
    reason = forms.CharField(
        label="What needs to change",
        required=False,
        widget=Textarea(),
        help_text="The owning agency sees this with the returned plan",
    )


class ActionCreateForm(GovukDatesMixin, forms.Form):
    title = forms.CharField(label="What will be done", max_length=300, required=False)
    description = forms.CharField(label="Detail (optional)", required=False, widget=Textarea())
    finding = forms.ModelChoiceField(
        label="Finding it answers (optional)",
        queryset=Finding.objects.none(),
        required=False,
        empty_label="None",
    )
    recommendation = forms.ModelChoiceField(
        label="Recommendation it answers (optional)",
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label="None",
    )
    lead_officer = UserChoiceField(
        label="Lead officer",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not chosen yet",
        help_text="Needed before the plan can be submitted",
    )
    due_date = DayMonthYearField(
        label="Due date",
        subject="The due date",
        required=False,
        help_text=example_date_hint("Needed before the plan can be submitted."),
    )
    criterion_statement = forms.CharField(label="What success looks like", required=False, widget=Textarea())
    criterion_measure = forms.CharField(label="How it will be measured", max_length=300, required=False)
    criterion_baseline = forms.CharField(label="Baseline (optional)", max_length=200, required=False)
    criterion_target = forms.CharField(label="Target", max_length=200, required=False)
    criterion_assessed_by = forms.CharField(label="Who judges it (optional)", max_length=200, required=False)

    CRITERION_FIELDS = ("statement", "measure", "baseline", "target", "assessed_by")

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan.review_id:
            findings = Finding.objects.filter(review_id=plan.review_id).order_by("number")
            self.fields["finding"].queryset = findings  # type: ignore[attr-defined]
            self.fields["recommendation"].queryset = (  # type: ignore[attr-defined]
                Recommendation.objects.filter(review_id=plan.review_id)
                .select_related("board")
                .order_by("board__name", "number")
            )
        self.fields["lead_officer"].queryset = lead_officer_choices(plan)  # type: ignore[attr-defined]

    def clean_due_date(self) -> date | None:
        due = self.cleaned_data.get("due_date")
        # The plan is approved today at the earliest, and an action cannot be due before it is agreed.
        if due is not None and due < timezone.localdate():
            raise ValidationError(
                "The due date must be today or later: an action cannot be due before its plan is approved"
            )
        return due

    def criterion(self) -> dict[str, str] | None:
        """The first success criterion's fields, or None if the user left the whole section empty."""
        values = {name: self.cleaned_data.get(f"criterion_{name}", "") for name in self.CRITERION_FIELDS}
        return values if any(v.strip() for v in values.values()) else None


def lead_officer_choices(plan: ActionPlan) -> QuerySet[User]:
    """People who can lead an action: current members of the owning agency (single-agency plans) or of the
    review's involved agencies (board-owned plans)."""
    if plan.owner_agency_id:
        agencies: Any = [plan.owner_agency_id]
    elif plan.review_id:
        agencies = Review.involved_agencies.through.objects.filter(review_id=plan.review_id).values(
            "agency_id"
        )
    else:
        agencies = []
    return (
        User.objects.filter(
            is_active=True, memberships__agency_id__in=agencies, memberships__ended_on__isnull=True
        )
        .distinct()
        .order_by("full_name")
    )
