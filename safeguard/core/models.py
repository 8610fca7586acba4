"""The shared kernel's tables: audit trail, access log, calendar overrides, timescales and clocks,
notifications. No app is imported here: core knows no app.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One entry of the append-only audit trail.

    Written only by `core.audit.record_event`; never updated or deleted (a database trigger refuses both
    on PostgreSQL). Each row carries the hash of the previous row so that tampering shows.
    """

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    system_process = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """One row that holds the end of the chain; locking it serialises writers on PostgreSQL."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at #{self.sequence}"


class AccessVia(models.TextChoices):
    PAGE = "page", "Page"
    API = "api", "API"
    EXPORT = "export", "Export"


class AccessEvent(models.Model):
    """Who viewed which sensitive record, when, and through which page or API operation."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    via = models.CharField(max_length=10, choices=AccessVia.choices)
    route = models.CharField(max_length=200, help_text="The URL name or API operation used.")
    break_glass_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # "Who viewed this record" reads newest first for one target; it must stay fast over 10M rows.
            models.Index(fields=["target_type", "target_id", "-at"], name="access_target_idx"),
            models.Index(fields=["user", "-at"], name="access_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.target_type_id}:{self.target_id}"


class Jurisdiction(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"


class CalendarOverride(models.Model):
    """A local change to the bank-holiday calendar: a proclaimed one-off holiday, or a day made working."""

    jurisdiction = models.CharField(max_length=3, choices=Jurisdiction.choices, default=Jurisdiction.ENGLAND)
    date = models.DateField()
    is_working_day = models.BooleanField(
        default=False, help_text="Ticked: the date is a working day even if the holiday list says otherwise."
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "date"], name="calendaroverride_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class TimescaleUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days"
    WORKING_HOURS = "working_hours", "Working hours"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    HOURS = "hours", "Hours"
    MONTHS = "months", "Months"


class TimescaleRule(models.Model):
    """A statutory or local timescale: from a start event, a limit in a unit. Local values are data."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    regime = models.CharField(max_length=40, help_text="e.g. WT2015, WT2018, WT2023, local")
    start_event = models.CharField(max_length=200)
    unit = models.CharField(max_length=20, choices=TimescaleUnit.choices)
    limit = models.PositiveIntegerField()
    amber_within = models.PositiveIntegerField(
        default=1, help_text="Amber when this many units (same unit as the limit) or fewer remain."
    )
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.limit} {self.get_unit_display().lower()})"


class Clock(models.Model):
    """A running timescale for one subject: due time, met time and, if late, the reason."""

    rule = models.ForeignKey(TimescaleRule, on_delete=models.PROTECT, related_name="clocks")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    jurisdiction = models.CharField(max_length=3, choices=Jurisdiction.choices, default=Jurisdiction.ENGLAND)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="clocks"
    )
    title = models.CharField(max_length=200, help_text="What is due, without personal details.")
    url = models.CharField(max_length=300, blank=True, help_text="Where the work is done.")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    breach_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["owner", "met_at", "due_at"], name="clock_owner_open_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="clock_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(met_at__isnull=True)
                | models.Q(met_at__lte=models.F("due_at"))
                # A clock met after its due time must say why.
                | ~models.Q(breach_reason=""),
                name="clock_breach_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} due {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-app notification; its e-mail twin carries only the link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200, help_text="Content-free: no child's details.")
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(
        max_length=200, blank=True, help_text="The same key is never notified twice (tick idempotence)."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ApiToken(models.Model):
    """A user's API key, stored only as its SHA-256 digest.

    Keys are 160 random bits, so an unsalted digest cannot be reversed or guessed; a copy of the database
    (a backup, a restore drill) therefore holds no usable key. The key is shown once, when issued.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token of user {self.user_id}"
