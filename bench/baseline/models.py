"""Read-only views of Safeguard's tables (managed = False: the baseline never changes the schema)."""

from __future__ import annotations

from django.db import models


class User(models.Model):
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    is_active = models.BooleanField()
    date_joined = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "people_user"
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name


class AccessEvent(models.Model):
    at = models.DateTimeField()
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    target_type_id = models.IntegerField()
    target_id = models.CharField(max_length=64)
    via = models.CharField(max_length=10)
    route = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "core_accessevent"

    def __str__(self) -> str:
        return f"{self.user_id} {self.target_id}"


class Clock(models.Model):
    owner = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "core_clock"

    def __str__(self) -> str:
        return self.title


# --- The reviews module (reviews_*): the tables behind My work's actions, the action list and pages ---


class Board(models.Model):
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)

    class Meta:
        managed = False
        db_table = "people_board"

    def __str__(self) -> str:
        return self.short_name


class Agency(models.Model):
    name = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "people_agency"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.DO_NOTHING, related_name="+")
    role = models.CharField(max_length=40)
    ended_on = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "people_membership"

    def __str__(self) -> str:
        return str(self.pk)


class SubgroupMembership(models.Model):
    subgroup_id = models.IntegerField()
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    ended_on = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "people_subgroupmembership"

    def __str__(self) -> str:
        return str(self.pk)


class Review(models.Model):
    reference = models.CharField(max_length=40)
    subject_pseudonym = models.CharField(max_length=80)
    status = models.CharField(max_length=20)
    lead_board = models.ForeignKey(Board, on_delete=models.DO_NOTHING, related_name="+")
    notified_on = models.DateField()
    summary = models.TextField()

    class Meta:
        managed = False
        db_table = "reviews_review"

    def __str__(self) -> str:
        return self.reference


class Finding(models.Model):
    review = models.ForeignKey(Review, on_delete=models.DO_NOTHING, related_name="findings")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "reviews_finding"

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.DO_NOTHING, related_name="recommendations")
    board = models.ForeignKey(Board, on_delete=models.DO_NOTHING, related_name="+")
    number = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        managed = False
        db_table = "reviews_recommendation"

    def __str__(self) -> str:
        return f"{self.number}"


class ActionPlan(models.Model):
    review = models.ForeignKey(Review, null=True, on_delete=models.DO_NOTHING, related_name="plans")
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    owner_agency = models.ForeignKey(Agency, null=True, on_delete=models.DO_NOTHING, related_name="+")
    owner_board = models.ForeignKey(Board, null=True, on_delete=models.DO_NOTHING, related_name="+")
    monitoring_subgroup_id = models.IntegerField()
    monitoring_boards = models.ManyToManyField(
        Board, related_name="+", db_table="reviews_actionplan_monitoring_boards"
    )

    class Meta:
        managed = False
        db_table = "reviews_actionplan"

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.DO_NOTHING, related_name="actions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField()
    finding = models.ForeignKey(Finding, null=True, on_delete=models.DO_NOTHING, related_name="+")
    lead_officer = models.ForeignKey(User, null=True, on_delete=models.DO_NOTHING, related_name="+")
    lead_officer_name = models.CharField(max_length=200)
    due_date = models.DateField(null=True)
    status = models.CharField(max_length=20)
    at_risk = models.BooleanField()
    rag_override = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "reviews_action"

    def __str__(self) -> str:
        return self.title


class SuccessCriterion(models.Model):
    action = models.ForeignKey(Action, on_delete=models.DO_NOTHING, related_name="criteria")
    statement = models.TextField()
    target = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "reviews_successcriterion"

    def __str__(self) -> str:
        return str(self.pk)


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.DO_NOTHING, related_name="updates")
    author = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    written_at = models.DateTimeField()
    narrative = models.TextField()
    claimed = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "reviews_progressupdate"
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return str(self.pk)


class Evidence(models.Model):
    action = models.ForeignKey(Action, on_delete=models.DO_NOTHING, related_name="evidence")
    kind = models.CharField(max_length=20)
    description = models.TextField()
    submitted_by = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    submitted_at = models.DateTimeField()
    decision = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "reviews_evidence"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return str(self.pk)


class ImpactAssessment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.DO_NOTHING, related_name="impact_assessments")
    verdict = models.CharField(max_length=20)
    narrative = models.TextField()
    assessed_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "reviews_impactassessment"

    def __str__(self) -> str:
        return str(self.pk)


class ActionStatusChange(models.Model):
    action = models.ForeignKey(Action, on_delete=models.DO_NOTHING, related_name="status_changes")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "reviews_actionstatuschange"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return str(self.pk)


# --- Casework (casework_*): children, involvements, chronologies and MASH contacts ----------------------


class AgencyBoard(models.Model):
    """The boards an agency sits on (people.Agency.boards)."""

    agency = models.ForeignKey(Agency, on_delete=models.DO_NOTHING, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.DO_NOTHING, related_name="+")

    class Meta:
        managed = False
        db_table = "people_agency_boards"

    def __str__(self) -> str:
        return f"{self.agency_id} {self.board_id}"


class Child(models.Model):
    board = models.ForeignKey(Board, on_delete=models.DO_NOTHING, related_name="+")
    reference = models.CharField(max_length=20)
    given_names = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True)
    expected_on = models.DateField(null=True)
    gender = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "casework_child"

    def __str__(self) -> str:
        return self.reference


class Involvement(models.Model):
    child = models.ForeignKey(Child, on_delete=models.DO_NOTHING, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.DO_NOTHING, related_name="+")
    service = models.CharField(max_length=120)
    lead_practitioner = models.ForeignKey(User, null=True, on_delete=models.DO_NOTHING, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "casework_involvement"

    def __str__(self) -> str:
        return str(self.pk)


class ChronologyEntry(models.Model):
    child = models.ForeignKey(Child, on_delete=models.DO_NOTHING, related_name="chronology")
    agency = models.ForeignKey(Agency, on_delete=models.DO_NOTHING, related_name="+")
    author_name = models.CharField(max_length=200)
    author_job_title = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    category = models.CharField(max_length=20)
    summary = models.CharField(max_length=200)
    detail = models.TextField()
    action_taken = models.TextField()
    significant = models.BooleanField()
    late_reason = models.TextField()
    amends_id = models.BigIntegerField(null=True)
    amendment_reason = models.TextField()

    class Meta:
        managed = False
        db_table = "casework_chronologyentry"

    def __str__(self) -> str:
        return str(self.pk)


class Contact(models.Model):
    board = models.ForeignKey(Board, on_delete=models.DO_NOTHING, related_name="+")
    reference = models.CharField(max_length=20)
    child = models.ForeignKey(Child, on_delete=models.DO_NOTHING, related_name="+")
    referrer_agency = models.ForeignKey(Agency, null=True, on_delete=models.DO_NOTHING, related_name="+")
    referrer_name = models.CharField(max_length=200)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=20)
    rag = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "casework_contact"

    def __str__(self) -> str:
        return self.reference
