"""Forms for the monitoring pages: schedules, cycles, meetings, answers to update requests, decisions.

Forms shape and type what was typed (a real date, a whole number, a choice from the list, each line of a
list of dates); the services decide the rules (a subgroup of the board, a cadence that yields a date, a
decision that fits the item) and their messages reach the same error summary through
`add_service_errors`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from safeguard.core.concurrency import VersionedFormMixin
from safeguard.core.govuk_forms import DayMonthYearField, GovukDatesMixin, add_service_errors
from safeguard.monitoring.models import (
    DECISIONS_FOR_REASON,
    AgendaItem,
    Attendance,
    Cadence,
    DecisionKind,
    Meeting,
    MonitoringSchedule,
)
from safeguard.people.models import Board, BoardRole, Subgroup, SubgroupMembership, User
from safeguard.reviews.models import ActionPlan, ClaimedProgress, ImpactSource, ImpactVerdict
from safeguard.reviews.permissions import BOARD_MANAGING_ROLES

__all__ = [
    "AnswerForm",
    "AttendanceForm",
    "BoardChoiceForm",
    "ConfirmForm",
    "DecisionForm",
    "FinaliseForm",
    "MeetingForm",
    "ScheduleCreateForm",
    "ScheduleEditForm",
    "add_service_errors",
    "manageable_boards",
    "parse_date_lines",
]

YES, NO = "yes", "no"


def manageable_boards(user: Any) -> QuerySet[Board]:
    """Boards whose monitoring the user runs (permissions.can_manage_monitoring, as one query): the board's
    business manager or chair, or the chair of one of its subgroups."""
    if not (user.is_authenticated and user.is_active):
        return Board.objects.none()
    manages = BoardRole.objects.filter(
        user=user, board_id=OuterRef("pk"), ended_on__isnull=True, role__in=BOARD_MANAGING_ROLES
    )
    chairs = SubgroupMembership.objects.filter(
        user=user, subgroup__board_id=OuterRef("pk"), ended_on__isnull=True, is_chair=True
    )
    return Board.objects.filter(Q(Exists(manages)) | Q(Exists(chairs))).order_by("name")


# --- Dates typed one a line ---------------------------------------------------------------------

_DAY_FIRST = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def parse_date_lines(text: str) -> tuple[list[date], list[str]]:
    """Dates typed one a line, as 31/03/2027 or 2027-03-31. Returns (dates, one message per bad line)."""
    dates: list[date] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        pattern = "%d/%m/%Y" if _DAY_FIRST.match(line) else "%Y-%m-%d" if _ISO.match(line) else ""
        if not pattern:
            errors.append(f"Line {number}, \u201c{line}\u201d, is not a date: enter dates like 31/03/2027")
            continue
        try:
            dates.append(datetime.strptime(line, pattern).date())
        except ValueError:
            errors.append(f"Line {number}, \u201c{line}\u201d, is not a real date")
    return dates, errors


def _date_lines(values: list[Any]) -> str:
    return "\n".join(f"{date.fromisoformat(str(v)):%d/%m/%Y}" for v in values or [])


# --- Schedules ----------------------------------------------------------------------------------


class BoardChoiceForm(forms.Form):
    """Which board a new schedule is for, among the boards the user runs monitoring for."""

    board = forms.ModelChoiceField(
        label="Which board is the schedule for?",
        queryset=Board.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the board the schedule is for",
            "invalid_choice": "Choose one of the boards listed",
        },
    )

    def __init__(self, *args: Any, boards: QuerySet[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards  # type: ignore[attr-defined]


def _working_days(label: str, help_text: str = "") -> forms.IntegerField:
    message = "Enter a whole number of working days from 0 to 60"
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": f"{message}: {label[:1].lower()}{label[1:]}",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        review = f"{obj.review.reference}: " if obj.review_id else ""
        return f"{review}{obj.title} (monitored by the {obj.monitoring_subgroup.name})"


class BoardNameField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class _ScheduleFields(GovukDatesMixin, forms.Form):
    """The rhythm and timings every schedule has."""

    name = forms.CharField(
        label="Name of the schedule",
        max_length=200,
        help_text="For example, CIG monthly updates",
        error_messages={
            "required": "Enter a name for the schedule, for example \u201cCIG monthly updates\u201d"
        },
    )
    cadence = forms.ChoiceField(
        label="How often are owners asked for progress?",
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how often updates are asked for",
            "invalid_choice": "Choose how often updates are asked for",
        },
    )
    custom_dates = forms.CharField(
        label="Dates the cycles open",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One date a line, for example 31/03/2027",
    )
    starts_on = DayMonthYearField(
        label="Date the first cycle opens", subject="The date the first cycle opens"
    )
    ends_on = DayMonthYearField(
        label="Date the schedule ends (optional)", subject="The date the schedule ends", required=False
    )
    response_working_days = _working_days(
        "Working days owners have to answer", "Counted from the day the cycle opens"
    )
    reminder_working_days_before = _working_days(
        "Remind owners this many working days before the deadline", "0 sends no reminder"
    )
    chase_working_days_after = _working_days("Chase owners this many working days after the deadline")
    escalate_working_days_after = _working_days(
        "Tell the board business manager this many working days after the deadline"
    )
    cross_board_recipient = BoardNameField(
        label="Board that receives a summary of co-owned reviews (optional)",
        queryset=Board.objects.none(),
        required=False,
        empty_label="No other board",
        error_messages={"invalid_choice": "Choose a board from the list"},
    )
    summary_every_cycles = forms.IntegerField(
        label="Send that board the summary every this many cycles",
        help_text="For example, 3 for a quarterly summary from a monthly schedule. 0: not scheduled",
        min_value=0,
        max_value=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many cycles apart the summary is sent (0 if it is not)",
            "invalid": "Enter a whole number of cycles from 0 to 60",
            "min_value": "Enter a whole number of cycles from 0 to 60",
            "max_value": "Enter a whole number of cycles from 0 to 60",
        },
    )

    TIMINGS = (
        "response_working_days",
        "reminder_working_days_before",
        "chase_working_days_after",
        "escalate_working_days_after",
        "summary_every_cycles",
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        others = Board.objects.exclude(pk=board.pk).order_by("name")
        self.fields["cross_board_recipient"].queryset = others  # type: ignore[attr-defined]

    def clean_custom_dates(self) -> list[date]:
        dates, errors = parse_date_lines(self.cleaned_data.get("custom_dates", ""))
        if errors:
            raise forms.ValidationError(errors)
        return dates

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # The dates box is revealed only under "On set dates": anything left in it under another cadence
        # was hidden from the person, so it is dropped rather than reported.
        if data.get("cadence") != Cadence.CUSTOM:
            data["custom_dates"] = []
            self.errors.pop("custom_dates", None)
        return data

    def rhythm(self) -> dict[str, Any]:
        """The values as the services take them."""
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "cadence": data["cadence"],
            "starts_on": data["starts_on"],
            "ends_on": data.get("ends_on"),
            "custom_dates": data.get("custom_dates") or [],
            "cross_board_recipient": data.get("cross_board_recipient"),
        }
        values.update({name: data[name] for name in self.TIMINGS})
        return values


def _defaults() -> dict[str, Any]:
    fields = (
        cast("models.Field[Any, Any]", MonitoringSchedule._meta.get_field(n)) for n in _ScheduleFields.TIMINGS
    )
    return {field.name: field.default for field in fields}


class ScheduleCreateForm(_ScheduleFields):
    subgroup = forms.ModelChoiceField(
        label="Which subgroup monitors the plans?",
        queryset=Subgroup.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the subgroup that monitors these plans",
            "invalid_choice": "Choose one of the board's subgroups",
        },
    )
    plan = PlanChoiceField(
        label="Plan (optional)",
        queryset=ActionPlan.objects.none(),
        required=False,
        empty_label="Every plan the subgroup monitors",
        help_text="Only where one plan is monitored on a rhythm of its own",
        error_messages={"invalid_choice": "Choose a plan from the list"},
    )

    field_order = ["name", "subgroup", "plan", "cadence", "custom_dates", "starts_on", "ends_on"]

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _defaults())
        super().__init__(*args, board=board, **kwargs)
        self.fields["subgroup"].queryset = board.subgroups.order_by("name")  # type: ignore[attr-defined]
        self.fields["subgroup"].label_from_instance = lambda s: s.name  # type: ignore[attr-defined]
        plans = (
            ActionPlan.objects.filter(monitoring_subgroup__board=board)
            .select_related("review", "monitoring_subgroup")
            .order_by("review__reference", "title")
        )
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "subgroup": self.cleaned_data["subgroup"],
            "plan": self.cleaned_data.get("plan"),
            **self.rhythm(),
        }


class ScheduleEditForm(VersionedFormMixin, _ScheduleFields):
    is_active = forms.ChoiceField(
        label="Is the schedule running?",
        choices=[(YES, "Yes, open cycles on its dates"), (NO, "No, stop opening cycles")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the schedule is running",
            "invalid_choice": "Choose whether the schedule is running",
        },
    )

    def __init__(self, *args: Any, schedule: MonitoringSchedule, **kwargs: Any) -> None:
        initial = {
            "name": schedule.name,
            "cadence": schedule.cadence,
            "custom_dates": _date_lines(schedule.custom_dates),
            "starts_on": schedule.starts_on,
            "ends_on": schedule.ends_on,
            "cross_board_recipient": schedule.cross_board_recipient_id,
            "is_active": YES if schedule.is_active else NO,
            "version": schedule.version,
            **{name: getattr(schedule, name) for name in self.TIMINGS},
        }
        super().__init__(*args, board=schedule.board, initial=initial, **kwargs)

    def changes(self) -> dict[str, Any]:
        return {**self.rhythm(), "is_active": self.cleaned_data["is_active"] == YES}


class ConfirmForm(forms.Form):
    """A button: nothing to type."""


# --- Meetings -----------------------------------------------------------------------------------


class MeetingForm(GovukDatesMixin, forms.Form):
    held_on = DayMonthYearField(label="Date of the meeting", subject="The date of the meeting")
    location = forms.CharField(
        label="Where (optional)",
        max_length=200,
        required=False,
        help_text="For example, Cunard Building, room 2, or Online",
    )


class AttendanceForm(forms.Form):
    """One question per member of the subgroup: present, apologies or absent."""

    def __init__(self, *args: Any, members: list[User], recorded: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            name = member.full_name or member.email
            self.fields[f"user_{member.pk}"] = forms.ChoiceField(
                label=name,
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=recorded.get(member.pk),
                error_messages={
                    "required": f"Choose present, apologies or absent for {name}",
                    "invalid_choice": f"Choose present, apologies or absent for {name}",
                },
            )

    def attendance(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"user_{member.pk}"] for member in self.members}


class FinaliseForm(VersionedFormMixin, forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="General notes beyond the decisions, which are recorded with each agenda item",
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        initial = {"minutes": meeting.minutes, "version": meeting.version}
        super().__init__(*args, initial=initial, **kwargs)


# --- Answering an update request ----------------------------------------------------------------


class AnswerForm(GovukDatesMixin, forms.Form):
    narrative = forms.CharField(
        label="Progress made since the last update",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the progress made"},
    )
    claimed = forms.ChoiceField(
        label="How is the action going?",
        choices=ClaimedProgress.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the action is going",
            "invalid_choice": "Choose how the action is going",
        },
    )
    ask_new_date = forms.ChoiceField(
        label="Do you need to ask for a new due date?",
        choices=[(NO, "No"), (YES, "Yes, ask the subgroup for a new due date")],
        initial=NO,
        widget=forms.RadioSelect,
        help_text="The monitoring subgroup decides at its meeting",
        error_messages={
            "required": "Choose whether you need a new due date",
            "invalid_choice": "Choose whether you need a new due date",
        },
    )
    proposed_due_date = DayMonthYearField(label="New due date", subject="The new due date", required=False)
    proposed_reason = forms.CharField(
        label="Why does the action need a new date?", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("ask_new_date") == YES:
            if not data.get("proposed_due_date") and "proposed_due_date" not in self.errors:
                self.add_error("proposed_due_date", "Enter the new due date you are asking for")
            if not (data.get("proposed_reason") or "").strip():
                self.add_error("proposed_reason", "Say why the action needs a new date")
        elif (
            data.get("proposed_due_date")
            or "proposed_due_date" in self.errors
            or (data.get("proposed_reason") or "").strip()
        ):
            # The date questions are always shown: something typed there under "No" is most likely a request
            # the owner forgot to tick, and dropping it silently would lose it.
            self.add_error(
                "ask_new_date",
                "You have entered a new due date or a reason: choose “Yes” to ask for it, or clear them",
            )
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "narrative": data["narrative"],
            "claimed": data["claimed"],
            "proposed_due_date": data.get("proposed_due_date"),
            "proposed_reason": data.get("proposed_reason") or "",
        }


# --- A decision on an agenda item ---------------------------------------------------------------

# What the reviews services call the note, by decision: all of them land in the one note box. (Any other
# key the form has no field for, such as close_action's "impact", goes above the form.)
DECISION_ERROR_FIELDS = {"reason": "note", "narrative": "note"}


class DecisionForm(forms.Form):
    """The decisions that fit one agenda item (DECISIONS_FOR_REASON), a note, and for an impact
    assessment its verdict and source. Prefixed by the item, so every item's form on the meeting page has
    fields of its own."""

    kind = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a decision for this item",
            "invalid_choice": "Choose one of the decisions offered for this item",
        },
    )
    verdict = forms.ChoiceField(
        label="Verdict on the impact",
        choices=ImpactVerdict.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the verdict"},
    )
    source = forms.ChoiceField(
        label="Where the evidence of impact comes from",
        choices=ImpactSource.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose where the evidence of impact comes from"},
    )
    note = forms.CharField(
        label="Note for the minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to return evidence, refuse a new date or escalate; explains the verdict of an "
        "impact assessment",
    )

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"item-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item
        labels = dict(DecisionKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in DECISIONS_FOR_REASON.get(item.reason, ())]  # type: ignore[attr-defined]
        self.fields["kind"].label = f"Decision on item {item.position}"
        self.fields["note"].label = f"Note for the minutes on item {item.position}"

    def values(self) -> dict[str, str]:
        data = self.cleaned_data
        assessing = data["kind"] == DecisionKind.ASSESS_IMPACT
        return {
            "kind": data["kind"],
            "note": data.get("note") or "",
            "verdict": (data.get("verdict") or "") if assessing else "",
            "source": (data.get("source") or "") if assessing else "",
        }
