"""Administration pages for the shared kernel.

The audit trail, the access log and notifications are evidence: administrators may read them here but
never add, change or delete them (the database refuses changes to the first two on PostgreSQL anyway).
Calendar overrides and timescale rules are configuration; every save and delete is audited, because
they move statutory due dates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from safeguard.core.audit import record_event
from safeguard.core.models import AccessEvent, AuditEvent, CalendarOverride, Notification, TimescaleRule


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: no add, change or delete, whoever asks."""

    # Counting tens of millions of rows for "N results" is too slow to do on every page; for the same
    # reason the logs have no date hierarchy (its DISTINCT over dates scans the table).
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _target(obj: AuditEvent | AccessEvent) -> str:
    target_type = obj.target_type
    if target_type is None:
        return "-"
    return f"{target_type.app_label}.{target_type.model} #{obj.target_id}"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "at", "actor", "system_process", "action", "target")
    list_select_related = ("actor", "target_type")
    # Exact matches only, so each search uses an index.
    search_fields = ("=action", "=system_process", "=target_id")
    fields = (
        "sequence",
        "at",
        "actor",
        "system_process",
        "action",
        "target_type",
        "target_id",
        "changes",
        "reason",
        "previous_hash",
        "hash",
    )

    @admin.display(description="Target")
    def target(self, obj: AuditEvent) -> str:
        return _target(obj)


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "via", "route", "target", "break_glass")
    list_select_related = ("user", "target_type")
    list_filter = ("via",)
    search_fields = ("=target_id", "=route")
    fields = ("at", "user", "via", "route", "target_type", "target_id", "break_glass_reason")

    @admin.display(description="Target")
    def target(self, obj: AccessEvent) -> str:
        return _target(obj)

    @admin.display(description="Break-glass", boolean=True)
    def break_glass(self, obj: AccessEvent) -> bool:
        return bool(obj.break_glass_reason)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "subject", "read_at", "emailed_at")
    list_select_related = ("user",)
    fields = ("user", "subject", "url", "created_at", "read_at", "emailed_at", "dedupe_key")


class AuditedConfigurationAdmin(admin.ModelAdmin):
    """Every save and delete of configuration is written to the audit trail with the administrator."""

    def _action(self, obj: models.Model, verb: str) -> str:
        return f"admin.{obj._meta.model_name}_{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_event(
            actor=request.user,
            action=self._action(obj, "changed" if change else "added"),
            target=obj,
            changes={name: form.cleaned_data.get(name) for name in sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_event(
            actor=request.user, action=self._action(obj, "deleted"), target=obj, changes={"was": str(obj)}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            record_event(
                actor=request.user, action=self._action(obj, "deleted"), target=obj, changes={"was": str(obj)}
            )
        super().delete_queryset(request, queryset)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedConfigurationAdmin):
    list_display = ("date", "jurisdiction", "is_working_day", "reason")
    list_filter = ("jurisdiction", "is_working_day")
    search_fields = ("reason",)
    date_hierarchy = "date"


@admin.register(TimescaleRule)
class TimescaleRuleAdmin(AuditedConfigurationAdmin):
    list_display = ("name", "code", "regime", "unit", "limit", "amber_within")
    list_filter = ("regime", "unit")
    search_fields = ("name", "code", "start_event")
