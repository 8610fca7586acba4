"""Children, the agencies involved with them, their multi-agency chronology and the MASH front door.

A child's record is seen only through a legitimate relationship (DESIGN rule 3): an agency's current
`Involvement` with the child, or a MASH role in the area whose partnership holds the record
(`permissions.visible_children`). Entries are never edited or deleted: a wrong entry is corrected by an
amending entry that points at it (DESIGN rule 5), and every entry keeps its author's name and job title
as they were when it was written, so the record says who wrote it even after they leave.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.core.transitions import StatusChange
from safeguard.people.models import Agency, Board

# An entry written more than this long after the event it records is flagged as late, and must say why
# (recording standards: "record at the time or as soon as possible; note if written later", domain rules §5.4).
LATE_ENTRY_AFTER = timedelta(hours=24)


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Child(models.Model):
    """A child (or unborn baby) the partnership's agencies work with."""

    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The partnership for the area where the child lives; its MASH sees the record.",
    )
    reference = models.CharField(max_length=20, unique=True, editable=False)
    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, help_text="Empty for an unborn baby.")
    expected_on = models.DateField(null=True, blank=True, help_text="An unborn baby's due date.")
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        indexes = [
            models.Index(fields=["board", "family_name", "given_names"], name="child_board_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=False) | models.Q(expected_on__isnull=False),
                name="child_born_or_expected",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class Involvement(models.Model):
    """An agency working with a child: the basis of its staff seeing the child's record."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    service = models.CharField(
        max_length=120, help_text='What the agency does for the child, e.g. "Health visiting".'
    )
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["started_on", "pk"]
        indexes = [
            # Visibility asks "which children does this agency work with now?"
            models.Index(
                fields=["agency", "child"],
                name="involvement_agency_child_idx",
                condition=models.Q(ended_on__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "agency"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_involvement_per_agency",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} with {self.child}"


class EntryCategory(models.TextChoices):
    CONTACT = "contact", "Contact or referral"
    MASH_DECISION = "mash_decision", "MASH decision"
    ASSESSMENT = "assessment", "Assessment"
    HOME_VISIT = "home_visit", "Home visit"
    HEALTH = "health", "Health appointment"
    EDUCATION = "education", "School or nursery"
    POLICE = "police", "Police incident"
    MEETING = "meeting", "Meeting or conference"
    PLAN = "plan", "Plan or legal status"
    OTHER = "other", "Other"


class ChronologyEntry(models.Model):
    """One significant event in a child's life, recorded by one agency: date, event, impact, action."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="chronology")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Captured when the entry is written, never edited (the seed's illegible signatures).
    author_name = models.CharField(max_length=200)
    author_job_title = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(help_text="When the event happened.")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    category = models.CharField(max_length=20, choices=EntryCategory.choices)
    summary = models.CharField(max_length=200, help_text="What happened, in a line.")
    detail = models.TextField(blank=True, help_text="Impact on the child and analysis.")
    action_taken = models.TextField(blank=True)
    significant = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True, help_text="Why the entry was written later than the event.")
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    amendment_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["child", "-occurred_at", "-id"], name="chronology_child_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amends__isnull=True) | ~models.Q(amendment_reason=""),
                name="amendment_says_why",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} {self.occurred_at:%Y-%m-%d}: {self.summary}"

    @property
    def is_late(self) -> bool:
        """Recorded over 24 hours after the event. A correction keeps its original's timing: it is late only
        if the original was (and then carries the original's reason)."""
        if self.amends_id is not None:
            return bool(self.late_reason)
        return self.recorded_at - self.occurred_at > LATE_ENTRY_AFTER


# --- The MASH front door ------------------------------------------------------------------------


class ContactStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    RATED = "rated", "RAG rated"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


# received -> rated (RAG and rationale; the partner-information clock starts) -> decided (outcome and
# rationale; the clock is met) -> closed (the referrer has been told the outcome).
CONTACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContactStatus.RECEIVED: frozenset({ContactStatus.RATED}),
    ContactStatus.RATED: frozenset({ContactStatus.DECIDED}),
    ContactStatus.DECIDED: frozenset({ContactStatus.CLOSED}),
    ContactStatus.CLOSED: frozenset(),
}


class MashRag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


# The timescale each rating starts (core.timescales; local values, changed in the admin). Blue has none.
RAG_TIMESCALE: dict[str, str] = {
    MashRag.RED: "mash-red",
    MashRag.AMBER: "mash-amber",
    MashRag.GREEN: "mash-green",
}


class MashOutcome(models.TextChoices):
    """Domain rules §3.3."""

    NFA = "nfa", "No further action"
    ADVICE = "advice", "Advice, signposting or universal services"
    EARLY_HELP = "early_help", "Early help"
    SINGLE_AGENCY = "single_agency", "Single-agency support"
    ASSESSMENT_S17 = "assessment_s17", "Children's social care assessment (section 17)"
    STRATEGY_S47 = "strategy_s47", "Strategy discussion (section 47)"
    ALLOCATED_WORKER = "allocated_worker", "Pass to the allocated worker (open case)"
    LADO = "lado", "Refer to the LADO"
    MARAC = "marac", "Refer to MARAC"
    RETURN_FOR_CONSENT = "return_for_consent", "Return to the referrer for consent"


class Contact(models.Model):
    """A worry about a child shared with the MASH: received, RAG rated, decided, and fed back."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="contacts")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    referrer_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts_made"
    )
    referrer_name = models.CharField(max_length=200, help_text="Who made the contact.")
    received_at = models.DateTimeField()
    concern = models.TextField(help_text="What the referrer is worried about.")
    status = models.CharField(max_length=20, choices=ContactStatus.choices, default=ContactStatus.RECEIVED)
    rag = models.CharField(max_length=10, choices=MashRag.choices, blank=True)
    rag_rationale = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=MashOutcome.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    feedback_sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The MASH queue: a board's open contacts, oldest first.
            models.Index(fields=["board", "status", "received_at"], name="contact_queue_idx"),
            models.Index(fields=["referrer_agency", "-received_at"], name="contact_referrer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="received") | ~models.Q(rag=""), name="rated_contact_has_rag"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["received", "rated"]) | ~models.Q(outcome=""),
                name="decided_contact_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ContactStatusChange(StatusChange):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ContactStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ContactStatus.choices)
