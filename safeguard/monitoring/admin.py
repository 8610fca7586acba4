"""Administration pages for monitoring: for looking, not for changing.

Every monitoring write goes through services.py, which checks the actor, moves states by the transition
tables, writes the audit trail and sends the notifications; an admin form would do none of that. So
administrators read schedules, cycles, requests, meetings and decisions here, and change them on the
monitoring pages or the API like anyone else. Snapshots and report deliveries are records of what a
board saw and was sent: nobody deletes them, here or anywhere.

The request, agenda and snapshot tables grow with every cycle (about a hundred thousand actions times
twelve cycles a year at scale): their lists join what they show in one query, filter only on short
vocabularies, and never count the whole table.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safeguard.core.admin import ReadOnlyAdmin
from safeguard.monitoring.models import (
    AgendaItem,
    CycleStatusChange,
    Decision,
    Meeting,
    MeetingAttendance,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    Snapshot,
    SnapshotRow,
    UpdateRequest,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonitoringSchedule)
class MonitoringScheduleAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "board",
        "subgroup",
        "plan",
        "cadence",
        "starts_on",
        "ends_on",
        "response_working_days",
        "cross_board_recipient",
        "is_active",
    )
    list_select_related = ("board", "subgroup", "subgroup__board", "plan", "cross_board_recipient")
    list_filter = ("board", "cadence", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("plan", "created_by")


class CycleStatusChangeInline(ReadOnlyInline):
    model = CycleStatusChange
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


@admin.register(MonitoringCycle)
class MonitoringCycleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "number", "opens_on", "deadline", "status", "opened_at", "closed_at")
    list_select_related = ("schedule",)
    list_filter = ("status", "schedule__board")
    date_hierarchy = "opens_on"
    raw_id_fields = ("schedule", "opened_by", "closed_by")
    inlines = (CycleStatusChangeInline,)


@admin.register(UpdateRequest)
class UpdateRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "cycle",
        "action",
        "owner",
        "deadline",
        "status",
        "is_stale",
        "answered_at",
        "proposed_due_date",
        "reminded_at",
        "chased_at",
        "escalated_at",
    )
    list_select_related = ("cycle__schedule", "action", "owner")
    list_filter = ("status", "is_stale")
    # Exact matches only, so each search uses an index.
    search_fields = ("=cycle__id", "=action__id", "=owner__email")
    raw_id_fields = ("cycle", "action", "owner", "answer")


class MeetingAttendanceInline(ReadOnlyInline):
    model = MeetingAttendance
    fields = ("user", "attendance")
    readonly_fields = fields


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ("position", "reason", "action", "evidence", "request")
    readonly_fields = fields


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "cycle", "held_on", "status", "location")
    list_select_related = ("subgroup", "cycle__schedule")
    list_filter = ("status", "subgroup__board")
    date_hierarchy = "held_on"
    raw_id_fields = ("cycle", "created_by")
    inlines = (MeetingAttendanceInline, AgendaItemInline)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "meeting", "item", "kind", "decided_by")
    list_select_related = ("item__meeting__subgroup", "decided_by")
    list_filter = ("kind",)
    raw_id_fields = ("item", "decided_by")

    @admin.display(description="Meeting")
    def meeting(self, obj: Decision) -> str:
        return str(obj.item.meeting)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "taken_on", "taken_at", "action_count")
    list_select_related = ("cycle__schedule",)
    list_filter = ("cycle__schedule__board",)
    raw_id_fields = ("cycle",)


@admin.register(SnapshotRow)
class SnapshotRowAdmin(ReadOnlyAdmin):
    list_display = (
        "snapshot",
        "reference",
        "agency_name",
        "status",
        "rag",
        "due_date",
        "updated_in_cycle",
        "updated_on_time",
    )
    list_select_related = ("snapshot__cycle__schedule",)
    list_filter = ("rag", "updated_on_time")
    search_fields = ("=snapshot__id", "=action__id")
    raw_id_fields = ("snapshot", "action", "review", "plan")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "kind", "from_board", "to_board", "review", "snapshot", "sent_by")
    list_select_related = ("from_board", "to_board", "review", "snapshot__cycle__schedule", "sent_by")
    list_filter = ("kind", "from_board", "to_board")
    raw_id_fields = ("review", "snapshot", "sent_by")
