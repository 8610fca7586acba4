"""Monitoring: the rhythm in which boards ask agencies for progress and decide on it.

A MonitoringSchedule says how often a board's subgroup monitors its plans (monthly, every other month,
quarterly or on set dates) and how long owners have to answer. Each due date becomes a MonitoringCycle,
which asks every open action's owner for an update (UpdateRequest), reminds, chases and escalates, and
when it closes freezes the state of its actions in a Snapshot, so a board pack from last March can be
reproduced exactly and trends come from snapshots rather than from today's data.

A Meeting is built from a cycle: its agenda is what needs the subgroup (red and overdue actions, evidence
waiting, impact due, reprogramming asked for, stale actions); each Decision is carried out by the same
reviews services the action pages use. ReportDelivery records who sent which report to whom, from which
snapshot.

States are TextChoices with a transition table beside each; only services.py assigns `status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.people.models import Board, Subgroup
from safeguard.reviews.models import Action, ActionPlan, Evidence, ProgressUpdate, Review

# --- Schedules ----------------------------------------------------------------------------------


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    EVERY_OTHER_MONTH = "every_other_month", "Every other month"
    QUARTERLY = "quarterly", "Quarterly"
    CUSTOM = "custom", "On set dates"


CADENCE_MONTHS: dict[str, int] = {
    Cadence.MONTHLY: 1,
    Cadence.EVERY_OTHER_MONTH: 2,
    Cadence.QUARTERLY: 3,
}


class MonitoringSchedule(models.Model):
    """How often a subgroup asks for progress on the plans it monitors.

    A schedule with no plan covers every plan the subgroup monitors that has no schedule of its own; a
    schedule for one plan covers just that plan (a plan monitored on a different rhythm).
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="monitoring_schedules")
    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="monitoring_schedules")
    plan = models.ForeignKey(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_schedules",
        help_text="Only where one plan is monitored on a rhythm of its own.",
    )
    name = models.CharField(max_length=200)
    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    starts_on = models.DateField(
        help_text="The first cycle opens on this date; later ones follow the cadence."
    )
    ends_on = models.DateField(null=True, blank=True)
    custom_dates = models.JSONField(
        default=list, blank=True, help_text="For a custom cadence: the dates cycles open, as ISO dates."
    )
    # All timings count working days in the board's jurisdiction.
    response_working_days = models.PositiveSmallIntegerField(
        default=10, help_text="Working days an owner has to answer an update request."
    )
    reminder_working_days_before = models.PositiveSmallIntegerField(
        default=2, help_text="Remind this many working days before the deadline (0: no reminder)."
    )
    chase_working_days_after = models.PositiveSmallIntegerField(
        default=1, help_text="Chase this many working days after a missed deadline."
    )
    escalate_working_days_after = models.PositiveSmallIntegerField(
        default=5,
        help_text="Escalate to the board business manager this many working days after a missed deadline.",
    )
    cross_board_recipient = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A board that receives a summary of co-owned reviews (e.g. quarterly, to the partner board).",
    )
    summary_every_cycles = models.PositiveSmallIntegerField(
        default=0, help_text="Send the cross-board summary every N cycles (0: not scheduled)."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["board__short_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subgroup"],
                condition=models.Q(plan__isnull=True, is_active=True),
                name="schedule_one_active_general_per_subgroup",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(plan__isnull=False, is_active=True),
                name="schedule_one_active_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- Cycles -------------------------------------------------------------------------------------


class CycleStatus(models.TextChoices):
    OPEN = "open", "Open: collecting updates"
    CLOSED = "closed", "Closed: snapshot taken"


CYCLE_TRANSITIONS: dict[str, frozenset[str]] = {
    CycleStatus.OPEN: frozenset({CycleStatus.CLOSED}),
    CycleStatus.CLOSED: frozenset(),
}


class MonitoringCycle(models.Model):
    schedule = models.ForeignKey(MonitoringSchedule, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveIntegerField()
    opens_on = models.DateField()
    deadline = models.DateField(help_text="Updates are due by the end of this day.")
    status = models.CharField(max_length=20, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the tick opened it.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            # What makes opening idempotent: one cycle per schedule and date, whoever gets there first.
            models.UniqueConstraint(fields=["schedule", "opens_on"], name="cycle_unique_date"),
            models.UniqueConstraint(fields=["schedule", "number"], name="cycle_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule.name}: cycle {self.number} ({self.opens_on:%B %Y})"

    @property
    def label(self) -> str:
        return f"Cycle {self.number}, {self.opens_on:%B %Y}"


class CycleStatusChange(models.Model):
    cycle = models.ForeignKey(MonitoringCycle, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CycleStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CycleStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for an update"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class UpdateRequest(models.Model):
    """One action's owner asked for progress in one cycle."""

    cycle = models.ForeignKey(MonitoringCycle, on_delete=models.CASCADE, related_name="requests")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="update_requests")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="update_requests",
        help_text="Who must answer: the lead officer, or the owning agency's lead when there is none.",
    )
    deadline = models.DateField()
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    is_stale = models.BooleanField(
        default=False, help_text="No update on the action since the previous cycle opened."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A new date the owner asks the subgroup for; it goes on the meeting's agenda.
    proposed_due_date = models.DateField(null=True, blank=True)
    proposed_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "action__plan_id", "action__number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "action"], name="request_one_per_action_per_cycle")
        ]
        indexes = [models.Index(fields=["owner", "status"], name="request_owner_status_idx")]

    def __str__(self) -> str:
        return f"Update request for action {self.action_id} in cycle {self.cycle_id}"


# --- Meetings and decisions ---------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held: minutes recorded"


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.HELD: frozenset(),
}


class Meeting(models.Model):
    cycle = models.ForeignKey(MonitoringCycle, on_delete=models.PROTECT, related_name="meetings")
    subgroup = models.ForeignKey(Subgroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(blank=True, help_text="General notes beyond the decisions.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subgroup.name}, {self.held_on:%-d %B %Y}"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=20, choices=Attendance.choices)

    class Meta:
        ordering = ["meeting", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.attendance}"


class AgendaReason(models.TextChoices):
    # Order matters: the agenda lists the most pressing first.
    OVERDUE = "overdue", "Overdue or red"
    EVIDENCE = "evidence", "Evidence waiting for a decision"
    REPROGRAMMING = "reprogramming", "New date asked for"
    IMPACT = "impact", "Impact assessment due"
    STALE = "stale", "No update since the last cycle"


AGENDA_ORDER = {reason: index for index, reason in enumerate(AgendaReason.values)}


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=AgendaReason.choices)
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="agenda_items")
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    request = models.ForeignKey(
        UpdateRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_unique_position"),
            models.UniqueConstraint(
                fields=["meeting", "reason", "action", "evidence"], name="agenda_item_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.position}: {self.get_reason_display()}"


class DecisionKind(models.TextChoices):
    ACCEPT_EVIDENCE = "accept_evidence", "Accept the evidence"
    RETURN_EVIDENCE = "return_evidence", "Return the evidence with a reason"
    APPROVE_REPROGRAMMING = "approve_reprogramming", "Approve the new date"
    REFUSE_REPROGRAMMING = "refuse_reprogramming", "Refuse the new date"
    ASSESS_IMPACT = "assess_impact", "Record the impact assessment"
    CLOSE = "close", "Close the action"
    ESCALATE = "escalate", "Escalate to the board"
    NOTED = "noted", "Noted: no change"


# Which decisions fit which agenda item: the meeting page offers only these.
DECISIONS_FOR_REASON: dict[str, tuple[str, ...]] = {
    AgendaReason.OVERDUE: (DecisionKind.ESCALATE, DecisionKind.NOTED),
    AgendaReason.EVIDENCE: (
        DecisionKind.ACCEPT_EVIDENCE,
        DecisionKind.RETURN_EVIDENCE,
        DecisionKind.ESCALATE,
        DecisionKind.NOTED,
    ),
    AgendaReason.REPROGRAMMING: (
        DecisionKind.APPROVE_REPROGRAMMING,
        DecisionKind.REFUSE_REPROGRAMMING,
        DecisionKind.ESCALATE,
    ),
    AgendaReason.IMPACT: (
        DecisionKind.ASSESS_IMPACT,
        DecisionKind.CLOSE,
        DecisionKind.ESCALATE,
        DecisionKind.NOTED,
    ),
    AgendaReason.STALE: (DecisionKind.ESCALATE, DecisionKind.NOTED),
}


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=30, choices=DecisionKind.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item__position", "decided_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


# --- Snapshots and deliveries -------------------------------------------------------------------


class Snapshot(models.Model):
    """The state of a cycle's actions when it closed. Never changed afterwards."""

    cycle = models.OneToOneField(MonitoringCycle, on_delete=models.PROTECT, related_name="snapshot")
    taken_at = models.DateTimeField(default=timezone.now)
    taken_on = models.DateField(help_text="The day the state was frozen: RAG is as of this day.")
    action_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-taken_on", "-pk"]

    def __str__(self) -> str:
        return f"Snapshot of {self.cycle}"


class SnapshotRow(models.Model):
    """One action as it stood: enough to rebuild a board pack and the trend charts without today's data."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, null=True, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="+")
    agency_name = models.CharField(max_length=200)
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    lead_officer = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True)
    status = models.CharField(max_length=20)
    rag = models.CharField(max_length=10)
    is_reprogrammed = models.BooleanField(default=False)
    latest_update = models.TextField(blank=True)
    latest_update_at = models.DateTimeField(null=True)
    requested = models.BooleanField(default=False, help_text="The cycle asked the owner for an update.")
    updated_in_cycle = models.BooleanField(default=False)
    updated_on_time = models.BooleanField(default=False)
    impact_verdict = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["snapshot", "plan_id", "reference"]
        indexes = [models.Index(fields=["snapshot", "rag"], name="snaprow_snapshot_rag_idx")]

    def __str__(self) -> str:
        return f"{self.reference} in snapshot {self.snapshot_id}"


class ReportKind(models.TextChoices):
    BOARD_PACK = "board_pack", "Board pack"
    CROSS_BOARD_SUMMARY = "cross_board_summary", "Cross-board summary"
    ANNUAL_REPORT = "annual_report", "Annual report extract"


class ReportDelivery(models.Model):
    """A report sent to another board: who sent it, when, to whom, and exactly which snapshot it shows."""

    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    to_board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="deliveries")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    note = models.TextField(blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name_plural = "report deliveries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_board.short_name}"
