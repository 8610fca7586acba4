"""The review register and the one action tracker.

A Review (serious case review, practice review, ...) has Findings and Recommendations (issues for the
board). Whatever produced them, everything someone must do by a date lives as an Action in an ActionPlan,
with success criteria, progress updates, evidence, impact assessment and a status history. Plans record
their source generically, so audits, escalations and learning products reuse the tracker without this
app importing them.

States are TextChoices with one transition table beside each; only services.py assigns `status`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from safeguard.core.transitions import StatusChange
from safeguard.people.models import Agency, Board, Subgroup

# --- Reviews ------------------------------------------------------------------------------------


class ReviewType(models.TextChoices):
    SERIOUS_CASE_REVIEW = "scr", "Serious case review"
    LOCAL_PRACTICE_REVIEW = "lcspr", "Local child safeguarding practice review"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    LEARNING_REVIEW = "learning_review", "Learning review"
    DOMESTIC_HOMICIDE_REVIEW = "dhr", "Domestic homicide review"
    SAFEGUARDING_ADULTS_REVIEW = "sar", "Safeguarding adults review"


class ReviewStatus(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    COMMISSIONED = "commissioned", "Commissioned"
    IN_PROGRESS = "in_progress", "In progress"
    REPORT_RECEIVED = "report_received", "Report received"
    ACCEPTED = "accepted", "Accepted by the board"
    PUBLISHED = "published", "Published"
    MONITORING = "monitoring", "Monitoring actions"
    CLOSED = "closed", "Closed"


# The only moves a review can make. A rapid review may conclude that no further review is needed
# (closed), and an accepted report may go to monitoring before publication (publication can be delayed
# by parallel proceedings).
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.NOTIFIED: frozenset(
        {ReviewStatus.RAPID_REVIEW, ReviewStatus.COMMISSIONED, ReviewStatus.CLOSED}
    ),
    ReviewStatus.RAPID_REVIEW: frozenset({ReviewStatus.COMMISSIONED, ReviewStatus.CLOSED}),
    ReviewStatus.COMMISSIONED: frozenset({ReviewStatus.IN_PROGRESS}),
    ReviewStatus.IN_PROGRESS: frozenset({ReviewStatus.REPORT_RECEIVED}),
    ReviewStatus.REPORT_RECEIVED: frozenset({ReviewStatus.ACCEPTED, ReviewStatus.IN_PROGRESS}),
    ReviewStatus.ACCEPTED: frozenset({ReviewStatus.PUBLISHED, ReviewStatus.MONITORING}),
    ReviewStatus.PUBLISHED: frozenset({ReviewStatus.MONITORING, ReviewStatus.CLOSED}),
    ReviewStatus.MONITORING: frozenset({ReviewStatus.PUBLISHED, ReviewStatus.CLOSED}),
    ReviewStatus.CLOSED: frozenset(),
}


class Methodology(models.TextChoices):
    SYSTEMS = "systems", "Systems-based (e.g. SCIE Learning Together)"
    TRADITIONAL = "traditional", "Traditional (individual management reviews)"
    APPRECIATIVE = "appreciative", "Appreciative inquiry"
    HYBRID = "hybrid", "Hybrid"
    OTHER = "other", "Other"


class Review(models.Model):
    reference = models.CharField(max_length=40, unique=True, help_text="e.g. LSCB-SCR-2014-01")
    review_type = models.CharField(max_length=20, choices=ReviewType.choices)
    subject_pseudonym = models.CharField(
        max_length=80, help_text='How the review names its subject, e.g. "Child N".'
    )
    lead_board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="led_reviews")
    partner_boards = models.ManyToManyField(Board, blank=True, related_name="partner_reviews")
    involved_agencies = models.ManyToManyField(Agency, blank=True, related_name="reviews")
    lead_reviewer = models.CharField(max_length=200, blank=True)
    methodology = models.CharField(max_length=20, choices=Methodology.choices, blank=True)
    summary = models.TextField(blank=True)
    family_contribution = models.TextField(
        blank=True, help_text="How the family contributed and were kept informed."
    )
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.NOTIFIED)

    incident_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(help_text="When the board (or national panel) was notified.")
    decided_on = models.DateField(
        null=True, blank=True, help_text="When the subgroup decided to hold a review."
    )
    commissioned_on = models.DateField(null=True, blank=True)
    report_received_on = models.DateField(null=True, blank=True)
    presented_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-notified_on", "reference"]
        indexes = [models.Index(fields=["lead_board", "status"], name="review_board_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject_pseudonym}"

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    def board_ids(self) -> set[int]:
        return {self.lead_board_id, *self.partner_boards.values_list("id", flat=True)}


class ReviewStatusChange(StatusChange):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ReviewStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReviewStatus.choices)


class Theme(models.Model):
    """A managed vocabulary of learning themes (professional challenge, over-optimism, recording, ...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="finding_unique_number")]

    def __str__(self) -> str:
        return f"Finding {self.number}: {self.title}"


class RecommendationKind(models.TextChoices):
    ISSUE_FOR_BOARD = "issue", "Issue for the board to consider"
    RECOMMENDATION = "recommendation", "Recommendation"


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveIntegerField()
    kind = models.CharField(
        max_length=20, choices=RecommendationKind.choices, default=RecommendationKind.ISSUE_FOR_BOARD
    )
    text = models.TextField()
    findings = models.ManyToManyField(Finding, blank=True, related_name="recommendations")
    board_response = models.TextField(blank=True)
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["review", "board", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "board", "number"], name="recommendation_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} {self.number}"


# --- Action plans -------------------------------------------------------------------------------


class PlanSource(models.TextChoices):
    REVIEW = "review", "Review"
    AUDIT = "audit", "Case-file audit"
    SECTION_11 = "section_11", "Section 11 assessment"
    ESCALATION = "escalation", "Escalation of concern"
    LEARNING = "learning", "Learning product"


class PlanKind(models.TextChoices):
    SINGLE_AGENCY = "single_agency", "Single-agency"
    MULTI_AGENCY = "multi_agency", "Multi-agency (board-owned)"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"


PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.SUBMITTED}),
    PlanStatus.SUBMITTED: frozenset({PlanStatus.APPROVED, PlanStatus.DRAFT}),
    # A change to an approved plan opens a new draft version; the approved version stays readable.
    PlanStatus.APPROVED: frozenset({PlanStatus.DRAFT}),
}


class ActionPlan(models.Model):
    source = models.CharField(max_length=20, choices=PlanSource.choices, default=PlanSource.REVIEW)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="plans")
    # Other sources (audits, escalations, learning) point here generically, so this app imports none of them.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="action_plans"
    )
    owner_board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_plans"
    )
    monitoring_boards = models.ManyToManyField(Board, related_name="monitored_plans")
    monitoring_subgroup = models.ForeignKey(
        Subgroup, on_delete=models.PROTECT, related_name="monitored_plans"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version_number = models.PositiveIntegerField(default=1)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["review", "kind", "owner_agency__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=PlanKind.SINGLE_AGENCY, owner_agency__isnull=False, owner_board__isnull=True
                    )
                    | models.Q(
                        kind=PlanKind.MULTI_AGENCY, owner_board__isnull=False, owner_agency__isnull=True
                    )
                ),
                name="actionplan_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["review", "owner_agency"],
                condition=models.Q(kind=PlanKind.SINGLE_AGENCY, review__isnull=False),
                name="actionplan_one_single_agency_plan_per_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        owner = self.owner_agency or self.owner_board
        return owner.name if owner else ""


class ActionPlanVersion(models.Model):
    """A frozen copy of a plan and its actions as approved: later edits never change it."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanStatusChange(StatusChange):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PlanStatus.choices)


# --- Actions ------------------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed, evidence submitted"
    EVIDENCE_ACCEPTED = "evidence_accepted", "Evidence accepted"
    IMPACT_ASSESSED = "impact_assessed", "Impact assessed"
    CLOSED = "closed", "Closed"


# The only moves an action can make. Services consult this; nothing else assigns `status`.
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ActionStatus.DRAFT: frozenset({ActionStatus.AGREED}),
    ActionStatus.AGREED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.COMPLETED}),
    # Evidence is accepted, or returned with a reason (back to in progress).
    ActionStatus.COMPLETED: frozenset({ActionStatus.EVIDENCE_ACCEPTED, ActionStatus.IN_PROGRESS}),
    ActionStatus.EVIDENCE_ACCEPTED: frozenset({ActionStatus.IMPACT_ASSESSED}),
    ActionStatus.IMPACT_ASSESSED: frozenset({ActionStatus.CLOSED, ActionStatus.IN_PROGRESS}),
    ActionStatus.CLOSED: frozenset(),
}

# States in which the owning agency still has work to do (so a passed due date makes the action overdue).
OPEN_STATES = frozenset({ActionStatus.DRAFT, ActionStatus.AGREED, ActionStatus.IN_PROGRESS})
DELIVERED_STATES = frozenset(
    {ActionStatus.COMPLETED, ActionStatus.EVIDENCE_ACCEPTED, ActionStatus.IMPACT_ASSESSED}
)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


class ActionQuerySet(models.QuerySet["Action"]):
    def overdue(self, *, today: date | None = None) -> ActionQuerySet:
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATES, due_date__lt=today)

    def open(self) -> ActionQuerySet:
        return self.exclude(status=ActionStatus.CLOSED)


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveIntegerField()
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="led_actions"
    )
    # Trackers name lead officers who may have no account here; the name stands in until one is linked.
    lead_officer_name = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.DRAFT)
    at_risk = models.BooleanField(default=False, help_text="Flagged by the owner or the board as slipping.")
    rag_override = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    rag_override_reason = models.TextField(blank=True)
    rag_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_reprogrammed = models.BooleanField(default=False)
    in_annual_report = models.BooleanField(default=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_unique_number_in_plan"),
            models.CheckConstraint(
                condition=~models.Q(rag_override__gt="") | ~models.Q(rag_override_reason=""),
                name="action_rag_override_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            models.Index(fields=["lead_officer", "status"], name="action_lead_status_idx"),
            # The all-actions list's default order: the first page is read off the index.
            models.Index(fields=["due_date", "plan", "number"], name="action_due_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.plan_id}.{self.number}"


class SuccessCriterion(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="criteria")
    statement = models.TextField()
    measure = models.CharField(max_length=300)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200)
    assessed_by = models.CharField(max_length=200, blank=True, help_text="Who judges whether it is met.")

    class Meta:
        ordering = ["action", "pk"]
        verbose_name_plural = "success criteria"

    def __str__(self) -> str:
        return self.statement[:80]


class ClaimedProgress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    COMPLETE = "complete", "Complete"
    NOT_STARTED = "not_started", "Not started"


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    narrative = models.TextField()
    claimed = models.CharField(max_length=20, choices=ClaimedProgress.choices)

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return f"Update on {self.action_id} at {self.written_at:%Y-%m-%d}"


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"
    NARRATIVE = "narrative", "Narrative"


class EvidenceDecision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    RETURNED = "returned", "Returned"


class Evidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    description = models.TextField()
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=20, choices=EvidenceDecision.choices, default=EvidenceDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} evidence for {self.action_id}"


class ImpactVerdict(models.TextChoices):
    EVIDENCED = "evidenced", "Impact evidenced"
    PARTLY = "partly", "Impact partly evidenced"
    NOT_EVIDENCED = "not_evidenced", "Impact not evidenced"
    TOO_EARLY = "too_early", "Too early to tell"


class ImpactSource(models.TextChoices):
    AUDIT = "audit", "Audit"
    DATA = "data", "Data"
    INSPECTION = "inspection", "Inspection"
    PRACTITIONER_FEEDBACK = "practitioner_feedback", "Practitioner feedback"


class ImpactAssessment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="impact_assessments")
    verdict = models.CharField(max_length=20, choices=ImpactVerdict.choices)
    source = models.CharField(max_length=30, choices=ImpactSource.choices)
    narrative = models.TextField()
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.action_id})"


class Reprogramming(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reprogrammings")
    previous_due_date = models.DateField()
    new_due_date = models.DateField()
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-approved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.previous_due_date} -> {self.new_due_date}"


class ActionStatusChange(StatusChange):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)


# --- Tracker imports ----------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded: choose the columns"
    INVALID = "invalid", "Not imported: the file has errors"
    READY = "ready", "Checked: ready to import"
    QUEUED = "queued", "Waiting to import"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing was imported"


class TrackerImport(models.Model):
    """An uploaded action tracker (XLSX or CSV) on its way into a review's plans.

    The whole file is validated before anything is written; the write is one transaction, run as a
    background task for large files, with progress recorded here for the progress bar.
    """

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_filename = models.CharField(max_length=255)
    sheet_name = models.CharField(max_length=100, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    mapping = models.JSONField(default=dict, blank=True, help_text="Tracker column -> Safeguard field.")
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_actions = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{row, column, value, message}]")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_filename}"
