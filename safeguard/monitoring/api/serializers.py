"""Request and response bodies of the monitoring API.

Response serializers (`...Out`) only read: they are fed querysets that already carry their relations and
counts (see the `..._for(user)` functions beside each viewset), so a list costs the same queries whatever
its length. Request serializers (`...In`) are strict (`StrictIn`: unknown fields are refused); they shape
and type the input, look named records up among those the caller can see, and the services judge it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from safeguard.core.api import JsonBooleanField, JsonIntegerField, JsonTextField
from safeguard.core.api_fields import (
    MAX_ID,
    DayField,
    EnumField,
    IdsField,
    RecordField,
    StrictIn,
    text,
)
from safeguard.monitoring.api.common import (
    DownloadOut,
    boards_scope,
    cycles_scope,
    meeting_members_scope,
    plans_scope,
    reviews_scope,
    snapshots_scope,
    subgroups_scope,
)
from safeguard.monitoring.models import (
    DECISIONS_FOR_REASON,
    AgendaReason,
    Attendance,
    Cadence,
    CycleStatus,
    DecisionKind,
    MeetingStatus,
    MonitoringCycle,
    ReportKind,
    RequestStatus,
    Snapshot,
)
from safeguard.people.models import Board, Subgroup, User
from safeguard.reviews.models import (
    ActionPlan,
    ActionStatus,
    ClaimedProgress,
    ImpactSource,
    ImpactVerdict,
    Rag,
    Review,
)

# A row's version counter (PositiveIntegerField): anything larger cannot be a version.
MAX_VERSION = 2**31 - 1
MAX_WORKING_DAYS = 60
NO_VERDICT = "None recorded"
NO_SOURCE = "None recorded"

# --- Responses ---------------------------------------------------------------------------------


class ScheduleOut(serializers.Serializer):
    id = serializers.IntegerField()
    board = serializers.IntegerField(source="board_id")
    board_name = serializers.CharField(source="board.short_name")
    subgroup = serializers.IntegerField(source="subgroup_id")
    subgroup_name = serializers.CharField(source="subgroup.name")
    plan = serializers.IntegerField(
        source="plan_id", allow_null=True, help_text="Set only where one plan has a rhythm of its own."
    )
    name = serializers.CharField()
    cadence = EnumField(Cadence, enum_name="Cadence")
    cadence_label = serializers.CharField(source="get_cadence_display")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    custom_dates = serializers.ListField(child=serializers.DateField(), help_text="For a custom cadence.")
    response_working_days = serializers.IntegerField()
    reminder_working_days_before = serializers.IntegerField()
    chase_working_days_after = serializers.IntegerField()
    escalate_working_days_after = serializers.IntegerField()
    cross_board_recipient = serializers.IntegerField(source="cross_board_recipient_id", allow_null=True)
    summary_every_cycles = serializers.IntegerField()
    is_active = serializers.BooleanField()
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back with a change (PATCH).")


class RequestCountsOut(serializers.Serializer):
    """How the cycle's update requests stand."""

    total = serializers.IntegerField()
    waiting = serializers.IntegerField()
    answered = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    stale = serializers.IntegerField(help_text="Actions with no update since the previous cycle opened.")

    def to_representation(self, instance: Any) -> dict[str, int]:
        return {name: getattr(instance, f"requests_{name}", None) or 0 for name in self.fields}


class CycleOut(serializers.Serializer):
    id = serializers.IntegerField()
    schedule = serializers.IntegerField(source="schedule_id")
    schedule_name = serializers.CharField(source="schedule.name")
    board = serializers.IntegerField(source="schedule.board_id")
    board_name = serializers.CharField(source="schedule.board.short_name")
    subgroup = serializers.IntegerField(source="schedule.subgroup_id")
    number = serializers.IntegerField()
    label = serializers.CharField()
    opens_on = serializers.DateField()
    deadline = serializers.DateField(help_text="Updates are due by the end of this day.")
    status = EnumField(CycleStatus, enum_name="CycleStatus")
    status_label = serializers.CharField(source="get_status_display")
    opened_at = serializers.DateTimeField()
    opened_by = serializers.IntegerField(
        source="opened_by_id", allow_null=True, help_text="Empty when the tick opened it."
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = serializers.IntegerField(source="closed_by_id", allow_null=True)
    snapshot = serializers.IntegerField(
        source="snapshot_pk", allow_null=True, help_text="The snapshot taken when the cycle closed."
    )
    requests = RequestCountsOut(source="*")
    version = serializers.IntegerField()


class UpdateRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_label = serializers.CharField(source="cycle.label")
    cycle_status = EnumField(CycleStatus, enum_name="CycleStatus", source="cycle.status")
    action = serializers.IntegerField(source="action_id")
    action_reference = serializers.CharField(source="action.reference")
    action_title = serializers.CharField(source="action.title")
    plan = serializers.IntegerField(source="action.plan_id")
    review = serializers.IntegerField(source="action.plan.review_id", allow_null=True)
    owner = serializers.IntegerField(
        source="owner_id", allow_null=True, help_text="Who must answer; empty when nobody could be found."
    )
    owner_name = serializers.CharField(source="owner.full_name", allow_null=True, default=None)
    deadline = serializers.DateField()
    status = EnumField(RequestStatus, enum_name="RequestStatus")
    status_label = serializers.CharField(source="get_status_display")
    is_stale = serializers.BooleanField(help_text="No update on the action since the previous cycle opened.")
    requested_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.IntegerField(
        source="answer_id", allow_null=True, help_text="The progress update that answered it."
    )
    answer_narrative = serializers.CharField(source="answer.narrative", allow_null=True, default=None)
    proposed_due_date = serializers.DateField(
        allow_null=True, help_text="A new date asked for; it goes on the meeting's agenda."
    )
    proposed_reason = serializers.CharField()
    reminded_at = serializers.DateTimeField(allow_null=True)
    chased_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)


class MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_label = serializers.CharField(source="cycle.label")
    schedule = serializers.IntegerField(source="cycle.schedule_id")
    board = serializers.IntegerField(source="cycle.schedule.board_id")
    subgroup = serializers.IntegerField(source="subgroup_id")
    subgroup_name = serializers.CharField(source="subgroup.name")
    held_on = serializers.DateField()
    location = serializers.CharField()
    status = EnumField(MeetingStatus, enum_name="MeetingStatus")
    status_label = serializers.CharField(source="get_status_display")
    minutes = serializers.CharField()
    item_count = serializers.IntegerField(help_text="Items on the agenda.")
    created_by = serializers.IntegerField(source="created_by_id")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back when finalising the minutes.")


class AttendanceOut(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.full_name")
    attendance = EnumField(Attendance, enum_name="Attendance")


class DecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    kind = EnumField(DecisionKind, enum_name="DecisionKind")
    kind_label = serializers.CharField(source="get_kind_display")
    note = serializers.CharField()
    decided_by = serializers.IntegerField(source="decided_by_id")
    decided_by_name = serializers.CharField(source="decided_by.full_name")
    decided_at = serializers.DateTimeField()


class OfferedDecisionsField(serializers.ListField):
    """The decisions that fit an agenda item's reason (DECISIONS_FOR_REASON)."""

    child = EnumField(DecisionKind, enum_name="DecisionKind")

    def to_representation(self, data: Any) -> list[str]:
        return [str(kind) for kind in DECISIONS_FOR_REASON.get(data, ())]


class AgendaItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    reason = EnumField(AgendaReason, enum_name="AgendaReason")
    reason_label = serializers.CharField(source="get_reason_display")
    action = serializers.IntegerField(source="action_id")
    action_reference = serializers.CharField(source="action.reference")
    action_title = serializers.CharField(source="action.title")
    evidence = serializers.IntegerField(
        source="evidence_id", allow_null=True, help_text="For evidence waiting for a decision."
    )
    request = serializers.IntegerField(
        source="request_id", allow_null=True, help_text="The update request that asked for a new date."
    )
    decisions_offered = OfferedDecisionsField(source="reason", help_text="The kinds `decide` takes here.")
    decisions = DecisionOut(many=True)


class MeetingDetailOut(MeetingOut):
    """A meeting with its agenda, the decisions on each item, attendance and report downloads."""

    attendance = AttendanceOut(many=True)
    items = AgendaItemOut(many=True)
    downloads = serializers.SerializerMethodField()

    @extend_schema_field(DownloadOut(many=True))
    def get_downloads(self, meeting: Any) -> list[dict[str, Any]]:
        return self.context.get("downloads", [])


class SnapshotOut(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_label = serializers.CharField(source="cycle.label")
    schedule = serializers.IntegerField(source="cycle.schedule_id")
    schedule_name = serializers.CharField(source="cycle.schedule.name")
    board = serializers.IntegerField(source="cycle.schedule.board_id")
    taken_at = serializers.DateTimeField()
    taken_on = serializers.DateField(help_text="RAG is as of this day.")
    action_count = serializers.IntegerField()


class SnapshotDetailOut(SnapshotOut):
    """A snapshot with its report downloads; its rows are at /snapshots/{id}/rows/."""

    downloads = serializers.SerializerMethodField()

    @extend_schema_field(DownloadOut(many=True))
    def get_downloads(self, snapshot: Any) -> list[dict[str, Any]]:
        return self.context.get("downloads", [])


class SnapshotRowOut(serializers.Serializer):
    """One action as it stood when the cycle closed."""

    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    review = serializers.IntegerField(source="review_id", allow_null=True)
    plan = serializers.IntegerField(source="plan_id")
    agency_name = serializers.CharField(help_text="The plan's owner: an agency, or a board.")
    reference = serializers.CharField()
    title = serializers.CharField()
    lead_officer = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = EnumField(ActionStatus, enum_name="ActionStatus")
    rag = EnumField(Rag, enum_name="Rag")
    is_reprogrammed = serializers.BooleanField()
    latest_update = serializers.CharField()
    latest_update_at = serializers.DateTimeField(allow_null=True)
    updated_in_cycle = serializers.BooleanField()
    updated_on_time = serializers.BooleanField()
    impact_verdict = EnumField(ImpactVerdict, enum_name="ImpactVerdictOrNone", blank_label=NO_VERDICT)


class DeliveryOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = EnumField(ReportKind, enum_name="ReportKind")
    kind_label = serializers.CharField(source="get_kind_display")
    review = serializers.IntegerField(source="review_id", allow_null=True)
    review_reference = serializers.CharField(source="review.reference", allow_null=True, default=None)
    from_board = serializers.IntegerField(source="from_board_id")
    from_board_name = serializers.CharField(source="from_board.short_name")
    to_board = serializers.IntegerField(source="to_board_id")
    to_board_name = serializers.CharField(source="to_board.short_name")
    snapshot = serializers.IntegerField(source="snapshot_id")
    recipients = IdsField(help_text="The users it was sent to.")
    note = serializers.CharField()
    sent_by = serializers.IntegerField(source="sent_by_id")
    sent_by_name = serializers.CharField(source="sent_by.full_name")
    sent_at = serializers.DateTimeField()


class DeliveryDetailOut(DeliveryOut):
    """A delivery with the downloads of the report it sent."""

    downloads = serializers.SerializerMethodField()

    @extend_schema_field(DownloadOut(many=True))
    def get_downloads(self, delivery: Any) -> list[dict[str, Any]]:
        return self.context.get("downloads", [])


# --- Requests: query parameters ----------------------------------------------------------------


def _id_filter(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=help_text)


class ScheduleFiltersIn(StrictIn):
    board = _id_filter("Schedules of this board.")
    subgroup = _id_filter("Schedules of this subgroup.")
    is_active = serializers.BooleanField(required=False, help_text="Only active (true) or ended (false).")


class CycleFiltersIn(StrictIn):
    schedule = _id_filter("Cycles of this schedule.")
    board = _id_filter("Cycles of this board's schedules.")
    status = EnumField(CycleStatus, enum_name="CycleStatus", required=False)


class UpdateRequestFiltersIn(StrictIn):
    cycle = _id_filter("Requests of this cycle.")
    status = EnumField(RequestStatus, enum_name="RequestStatus", required=False)
    mine = serializers.BooleanField(
        required=False,
        help_text="Only requests the caller may answer: addressed to them, on actions they lead, or on "
        "actions of an agency they are the safeguarding lead of.",
    )


class MeetingFiltersIn(StrictIn):
    cycle = _id_filter("Meetings of this cycle.")
    status = EnumField(MeetingStatus, enum_name="MeetingStatus", required=False)


class SnapshotFiltersIn(StrictIn):
    cycle = _id_filter("The snapshot of this cycle.")
    schedule = _id_filter("Snapshots of this schedule's cycles.")
    board = _id_filter("Snapshots of this board's cycles.")


class SnapshotRowFiltersIn(StrictIn):
    rag = EnumField(Rag, enum_name="Rag", required=False)
    review = _id_filter("Rows of this review's actions.")


class DeliveryFiltersIn(StrictIn):
    review = _id_filter("Deliveries about this review.")
    snapshot = _id_filter("Deliveries of this snapshot.")


# --- Requests: bodies ----------------------------------------------------------------------------


def record(model: Any, scope: Any, **kwargs: Any) -> RecordField:
    """A record by id (a JSON integer), looked up among those the caller can see."""
    return RecordField(queryset=model.objects.none(), scope=scope, **kwargs)


def _working_days(help_text: str) -> JsonIntegerField:
    return JsonIntegerField(required=False, min_value=0, max_value=MAX_WORKING_DAYS, help_text=help_text)


def _version() -> JsonIntegerField:
    return JsonIntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text="The `version` the change was made against: a change to an older version is a 409.",
    )


class ScheduleTimingsIn(StrictIn):
    """Timings in working days; an omitted one keeps its current value (or the default)."""

    response_working_days = _working_days("Working days an owner has to answer (default 10).")
    reminder_working_days_before = _working_days("Remind this many working days before the deadline.")
    chase_working_days_after = _working_days("Chase this many working days after a missed deadline.")
    escalate_working_days_after = _working_days(
        "Tell the board business manager this many working days after a missed deadline."
    )
    summary_every_cycles = JsonIntegerField(
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text="Send the cross-board summary every N cycles (0: not scheduled).",
    )


class ScheduleIn(ScheduleTimingsIn):
    """A new monitoring schedule for a board's subgroup (and, where it differs, one plan)."""

    board = record(Board, boards_scope)
    subgroup = record(Subgroup, subgroups_scope, help_text="The subgroup that monitors.")
    plan = record(
        ActionPlan,
        plans_scope,
        required=False,
        allow_null=True,
        default=None,
        help_text="Only where one plan is monitored on a rhythm of its own.",
    )
    name = text(max_length=200)
    cadence = EnumField(Cadence, enum_name="Cadence")
    starts_on = DayField(help_text="The first cycle opens on this date.")
    ends_on = DayField(required=False, allow_null=True, default=None)
    custom_dates = serializers.ListField(
        child=DayField(),
        required=False,
        default=list,
        max_length=240,
        help_text="For a custom cadence: the dates cycles open.",
    )
    cross_board_recipient = record(
        Board,
        boards_scope,
        required=False,
        allow_null=True,
        default=None,
        help_text="A board that receives a summary of co-owned reviews.",
    )


class ScheduleChangeIn(ScheduleTimingsIn):
    """A change to a schedule: only the fields sent change. Cycles already opened keep their deadlines."""

    version = _version()
    name = JsonTextField(required=False, allow_blank=True, max_length=200)
    cadence = EnumField(Cadence, enum_name="Cadence", required=False)
    starts_on = DayField(required=False)
    ends_on = DayField(required=False, allow_null=True)
    custom_dates = serializers.ListField(child=DayField(), required=False, max_length=240)
    cross_board_recipient = record(Board, boards_scope, required=False, allow_null=True)
    is_active = JsonBooleanField(required=False, help_text="false ends the schedule.")


class OpenCycleIn(StrictIn):
    opens_on = DayField(help_text="The date the cycle opens; opening the same date twice opens it once.")


class AnswerIn(StrictIn):
    narrative = text(help_text="The progress made.")
    claimed = EnumField(ClaimedProgress, enum_name="ClaimedProgress")
    proposed_due_date = DayField(
        required=False, allow_null=True, default=None, help_text="A new date to ask the subgroup for."
    )
    proposed_reason = text(required=False, help_text="Why the new date is needed.")


class MeetingIn(StrictIn):
    cycle = record(MonitoringCycle, cycles_scope)
    held_on = DayField()
    location = text(max_length=200, required=False)


class AttendanceRowIn(StrictIn):
    user = record(User, meeting_members_scope, help_text="A member of the subgroup.")
    attendance = EnumField(Attendance, enum_name="Attendance")


class AttendanceIn(StrictIn):
    attendance = AttendanceRowIn(many=True, allow_empty=False, max_length=500)

    def validate_attendance(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        users = [row["user"].pk for row in rows]
        if len(users) != len(set(users)):
            raise serializers.ValidationError("Name each member once.")
        return rows


class FinaliseIn(StrictIn):
    minutes = text(required=False, help_text="General notes beyond the decisions.")
    version = _version()


class DecisionIn(StrictIn):
    kind = EnumField(DecisionKind, enum_name="DecisionKind", help_text="One of the item's decisions_offered.")
    note = text(
        required=False,
        help_text="The reason or note: needed to return evidence, refuse a new date, escalate, or to "
        "explain an impact verdict.",
    )
    verdict = EnumField(
        ImpactVerdict,
        enum_name="ImpactVerdictOrNone",
        blank_label=NO_VERDICT,
        required=False,
        default="",
        help_text="For assess_impact.",
    )
    source = EnumField(
        ImpactSource,
        enum_name="ImpactSourceOrNone",
        blank_label=NO_SOURCE,
        required=False,
        default="",
        help_text="For assess_impact: where the evidence of impact comes from.",
    )


class DeliveryIn(StrictIn):
    review = record(Review, reviews_scope, help_text="A review both boards own.")
    snapshot = record(Snapshot, snapshots_scope, help_text="The cycle's state it reports.")
    to_board = record(Board, boards_scope, help_text="The other board.")
    note = text(required=False)


class ScheduleChangeInExtension(OpenApiSerializerExtension):
    """drf-spectacular documents a PATCH body with every field optional; the `version` is not."""

    target_class = "safeguard.monitoring.api.serializers.ScheduleChangeIn"
    priority = 1  # before StrictIn's own extension, whose work it repeats

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        schema["required"] = ["version"]
        return schema
