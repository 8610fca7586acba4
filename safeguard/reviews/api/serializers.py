"""Request and response bodies of the reviews API.

Response serializers (`...Out`) only read: they are fed querysets that already carry their relations and
annotations (RAG, counts, latest update), so a list costs the same queries whatever its length. Request
serializers (`...In`) are strict (`StrictIn`); they shape and type the input, and the services judge it.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from safeguard.core.api import JsonTextField
from safeguard.core.api_fields import (
    MAX_ID,
    DayField,
    EnumField,
    IdsField,
    RecordField,
    SlugsField,
    StrictIn,
    text,
)
from safeguard.people.models import Agency, Board, Subgroup, User
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    ActionStatus,
    ClaimedProgress,
    Evidence,
    EvidenceDecision,
    EvidenceKind,
    Finding,
    ImpactSource,
    ImpactVerdict,
    Methodology,
    PlanKind,
    PlanSource,
    PlanStatus,
    Rag,
    Recommendation,
    Review,
    ReviewStatus,
    ReviewType,
    Theme,
)
from safeguard.reviews.selectors import SORTS

# --- Responses ---------------------------------------------------------------------------------


class RagCountsOut(serializers.Serializer):
    """How many of the review's actions (that the caller can see) are at each RAG."""

    red = serializers.IntegerField()
    amber = serializers.IntegerField()
    green = serializers.IntegerField()
    blue = serializers.IntegerField()

    def to_representation(self, instance: Any) -> dict[str, int]:
        return {rag: getattr(instance, f"rag_{rag}", None) or 0 for rag in Rag.values}


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    review_type = EnumField(ReviewType, enum_name="ReviewType")
    subject_pseudonym = serializers.CharField()
    lead_board = serializers.IntegerField(source="lead_board_id")
    lead_board_name = serializers.CharField(source="lead_board.name")
    partner_boards = IdsField()
    involved_agencies = IdsField()
    lead_reviewer = serializers.CharField()
    methodology = EnumField(Methodology, enum_name="Methodology", blank_label="Not recorded")
    summary = serializers.CharField()
    family_contribution = serializers.CharField()
    status = EnumField(ReviewStatus, enum_name="ReviewStatus")
    status_label = serializers.CharField(source="get_status_display")
    incident_on = serializers.DateField(allow_null=True)
    notified_on = serializers.DateField()
    decided_on = serializers.DateField(allow_null=True)
    commissioned_on = serializers.DateField(allow_null=True)
    report_received_on = serializers.DateField(allow_null=True)
    presented_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    rag = RagCountsOut(source="*")
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class FindingOut(serializers.Serializer):
    id = serializers.IntegerField()
    review = serializers.IntegerField(source="review_id")
    number = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    themes = SlugsField(help_text="Theme slugs.")
    created_at = serializers.DateTimeField()


class PlanOut(serializers.Serializer):
    id = serializers.IntegerField()
    source = EnumField(PlanSource, enum_name="PlanSource")
    review = serializers.IntegerField(source="review_id", allow_null=True)
    review_reference = serializers.CharField(source="review.reference", allow_null=True, default=None)
    kind = EnumField(PlanKind, enum_name="PlanKind")
    owner_agency = serializers.IntegerField(source="owner_agency_id", allow_null=True)
    owner_board = serializers.IntegerField(source="owner_board_id", allow_null=True)
    owner_name = serializers.CharField()
    monitoring_boards = IdsField()
    monitoring_subgroup = serializers.IntegerField(source="monitoring_subgroup_id")
    title = serializers.CharField()
    status = EnumField(PlanStatus, enum_name="PlanStatus")
    status_label = serializers.CharField(source="get_status_display")
    version_number = serializers.IntegerField()
    approved_version = serializers.IntegerField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.IntegerField(source="approved_by_id", allow_null=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CriterionOut(serializers.Serializer):
    id = serializers.IntegerField()
    statement = serializers.CharField()
    measure = serializers.CharField()
    baseline = serializers.CharField()
    target = serializers.CharField()
    assessed_by = serializers.CharField()


class ActionOut(serializers.Serializer):
    """An action with its computed RAG. `rag` is the board's override where one is recorded."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    plan = serializers.IntegerField(source="plan_id")
    plan_title = serializers.CharField(source="plan.title")
    review = serializers.IntegerField(source="plan.review_id", allow_null=True)
    review_reference = serializers.CharField(source="plan.review.reference", allow_null=True, default=None)
    owner_agency = serializers.IntegerField(source="plan.owner_agency_id", allow_null=True)
    owner_board = serializers.IntegerField(source="plan.owner_board_id", allow_null=True)
    owner_name = serializers.CharField(source="plan.owner_name")
    number = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    finding = serializers.IntegerField(source="finding_id", allow_null=True)
    recommendation = serializers.IntegerField(source="recommendation_id", allow_null=True)
    lead_officer = serializers.IntegerField(source="lead_officer_id", allow_null=True)
    lead_officer_name = serializers.SerializerMethodField()
    due_date = serializers.DateField(allow_null=True)
    original_due_date = serializers.DateField(allow_null=True)
    status = EnumField(ActionStatus, enum_name="ActionStatus")
    status_label = serializers.CharField(source="get_status_display")
    rag = EnumField(Rag, enum_name="Rag")
    rag_override = EnumField(Rag, enum_name="RagOverride", blank_label="None: the computed RAG stands")
    rag_override_reason = serializers.CharField()
    at_risk = serializers.BooleanField()
    is_reprogrammed = serializers.BooleanField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    latest_update = serializers.CharField(
        allow_null=True, help_text="The narrative of the latest progress update."
    )
    evidence_count = serializers.IntegerField()
    criteria = CriterionOut(many=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_lead_officer_name(self, action: Any) -> str:
        return action.lead_officer.full_name if action.lead_officer_id else action.lead_officer_name


class UpdateOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.CharField(source="author.full_name")
    written_at = serializers.DateTimeField()
    narrative = serializers.CharField()
    claimed = EnumField(ClaimedProgress, enum_name="ClaimedProgress")


class EvidenceOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    kind = EnumField(EvidenceKind, enum_name="EvidenceKind")
    description = serializers.CharField()
    link = serializers.CharField()
    original_filename = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField(allow_null=True)
    submitted_by = serializers.IntegerField(source="submitted_by_id")
    submitted_by_name = serializers.CharField(source="submitted_by.full_name")
    submitted_at = serializers.DateTimeField()
    decision = EnumField(EvidenceDecision, enum_name="EvidenceDecision")
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()


class ImpactOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    verdict = EnumField(ImpactVerdict, enum_name="ImpactVerdict")
    source = EnumField(ImpactSource, enum_name="ImpactSource")
    narrative = serializers.CharField()
    assessor = serializers.IntegerField(source="assessor_id")
    assessor_name = serializers.CharField(source="assessor.full_name")
    assessed_at = serializers.DateTimeField()


class StatusChangeOut(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = EnumField(ActionStatus, enum_name="ActionStatusOrNew", blank_label="New: no earlier state")
    to_status = EnumField(ActionStatus, enum_name="ActionStatus")
    actor = serializers.IntegerField(source="actor_id")
    actor_name = serializers.CharField(source="actor.full_name")
    at = serializers.DateTimeField()
    reason = serializers.CharField()


# --- Scopes for records named in request bodies -------------------------------------------------


def _visible_reviews(context: dict[str, Any]) -> Any:
    return perms.visible_reviews(context["request"].user)


def _visible_findings(context: dict[str, Any]) -> Any:
    return Finding.objects.filter(review__in=perms.visible_reviews(context["request"].user))


def _visible_recommendations(context: dict[str, Any]) -> Any:
    return Recommendation.objects.filter(review__in=perms.visible_reviews(context["request"].user))


def _action_evidence(context: dict[str, Any]) -> Any:
    # The view puts the action (already checked as visible) in the context: only its evidence can be named.
    return context["action"].evidence.all()


# --- Requests: query parameters ----------------------------------------------------------------


def _id_filter(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=help_text)


class ReviewFiltersIn(StrictIn):
    board = _id_filter("Reviews led by or partnered with this board.")
    review_type = EnumField(ReviewType, enum_name="ReviewType", required=False)
    status = EnumField(ReviewStatus, enum_name="ReviewStatus", required=False)
    theme = serializers.SlugField(
        required=False, max_length=60, help_text="Reviews with a finding on this theme."
    )


class FindingFiltersIn(StrictIn):
    review = _id_filter("Findings of this review.")


class PlanFiltersIn(StrictIn):
    review = _id_filter("Plans of this review.")
    agency = _id_filter("Plans owned by this agency.")
    status = EnumField(PlanStatus, enum_name="PlanStatus", required=False)


class ActionFiltersIn(StrictIn):
    review = _id_filter("Actions of this review's plans.")
    board = _id_filter("Actions of plans this board monitors or owns.")
    agency = _id_filter("Actions of plans this agency owns.")
    status = EnumField(ActionStatus, enum_name="ActionStatus", required=False)
    rag = EnumField(Rag, enum_name="Rag", required=False)
    overdue = serializers.BooleanField(
        required=False, help_text="Only actions past their due date and not delivered."
    )
    due_before = DayField(required=False, help_text="Due on or before this date.")
    due_after = DayField(required=False, help_text="Due on or after this date.")
    sort = serializers.ChoiceField(choices=sorted(SORTS), required=False, help_text="Default: due.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        before, after = attrs.get("due_before"), attrs.get("due_after")
        if before and after and after > before:
            raise serializers.ValidationError(
                {"due_after": ["The start of the range must be on or before its end."]}
            )
        return attrs


# --- Requests: bodies ----------------------------------------------------------------------------


class EmptyIn(StrictIn):
    """No fields: the operation's path says everything."""


class ReviewIn(StrictIn):
    reference = JsonTextField(max_length=40, help_text="e.g. LSCB-SCR-2014-01")
    review_type = EnumField(ReviewType, enum_name="ReviewType")
    subject_pseudonym = text(max_length=80, help_text='How the review names its subject, e.g. "Child N".')
    lead_board = RecordField(queryset=Board.objects.all())
    notified_on = DayField(help_text="When the board (or national panel) was notified.")
    partner_boards = RecordField(queryset=Board.objects.all(), many=True, required=False)
    involved_agencies = RecordField(queryset=Agency.objects.all(), many=True, required=False)
    lead_reviewer = text(max_length=200, required=False)
    methodology = EnumField(Methodology, enum_name="Methodology", blank_label="Not recorded", required=False)
    summary = text(required=False)
    incident_on = DayField(required=False, allow_null=True, default=None)
    late_notification_reason = text(required=False, help_text="Needed when the notification was late.")


class ReviewTransitionIn(StrictIn):
    to_status = EnumField(ReviewStatus, enum_name="ReviewStatus")
    on = DayField(
        required=False, allow_null=True, default=None, help_text="When the step happened; default today."
    )
    reason = text(required=False, help_text="Needed to close a review, or when a timescale was missed.")


class FindingIn(StrictIn):
    title = text(max_length=200)
    text = text()
    themes = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Theme.objects.all(), required=False, help_text="Theme slugs."
    )


class FindingCreateIn(FindingIn):
    review = RecordField(queryset=Review.objects.all(), scope=_visible_reviews)


class PlanIn(StrictIn):
    kind = EnumField(PlanKind, enum_name="PlanKind")
    title = text(max_length=200)
    monitoring_subgroup = RecordField(queryset=Subgroup.objects.all())
    monitoring_boards = RecordField(
        queryset=Board.objects.all(), many=True, required=False, help_text="Default: the subgroup's board."
    )
    review = RecordField(
        queryset=Review.objects.all(), scope=_visible_reviews, required=False, allow_null=True
    )
    owner_agency = RecordField(queryset=Agency.objects.all(), required=False, allow_null=True)
    owner_board = RecordField(queryset=Board.objects.all(), required=False, allow_null=True)
    source = EnumField(PlanSource, enum_name="PlanSource", required=False, default=PlanSource.REVIEW)


class ReasonIn(StrictIn):
    reason = text()


class NoteIn(StrictIn):
    note = text(required=False)


def _plan_people(context: dict[str, Any]) -> Any:
    """Who may be named lead officer of an action in the plan (`context["plan"]`): people who currently work
    for an agency of the plan's boards, or serve one of those boards. Anyone else's id is answered as an id
    that does not exist, so the API cannot be used to learn which accounts exist elsewhere."""
    from django.db.models import Q

    plan = context["plan"]
    boards = set(plan.monitoring_boards.values_list("id", flat=True))
    if plan.owner_board_id:
        boards.add(plan.owner_board_id)
    if plan.review_id:
        boards |= plan.review.board_ids()
    if plan.owner_agency_id:
        boards |= set(plan.owner_agency.boards.values_list("id", flat=True))
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__ended_on__isnull=True, memberships__agency__boards__in=boards)
            | Q(board_roles__ended_on__isnull=True, board_roles__board__in=boards)
            | Q(subgroup_memberships__ended_on__isnull=True, subgroup_memberships__subgroup__board__in=boards)
        )
        .distinct()
    )


class ActionIn(StrictIn):
    title = text(max_length=300, help_text="What will be done.")
    description = text(required=False)
    lead_officer = RecordField(
        queryset=User.objects.all(),
        scope=_plan_people,
        required=False,
        allow_null=True,
        help_text="Someone who works for an agency of the plan's boards or serves one of them.",
    )
    due_date = DayField(required=False, allow_null=True, default=None)
    finding = RecordField(
        queryset=Finding.objects.all(), scope=_visible_findings, required=False, allow_null=True
    )
    recommendation = RecordField(
        queryset=Recommendation.objects.all(), scope=_visible_recommendations, required=False, allow_null=True
    )


class CriterionIn(StrictIn):
    statement = text(help_text="What success looks like.")
    measure = text(max_length=300)
    target = text(max_length=200)
    baseline = text(max_length=200, required=False)
    assessed_by = text(max_length=200, required=False)


class UpdateIn(StrictIn):
    narrative = text()
    claimed = EnumField(ClaimedProgress, enum_name="ClaimedProgress")


class EvidenceIn(StrictIn):
    """A link or a written account. A file is sent as multipart/form-data with `upload`."""

    kind = EnumField(EvidenceKind, enum_name="EvidenceKind")
    description = text(help_text="What the evidence shows.")
    link = text(max_length=500, required=False, help_text="For a link: https://...")


class EvidenceUploadIn(EvidenceIn):
    upload = serializers.FileField(required=False, help_text="For a file: the document itself.")


class EvidenceDecisionIn(StrictIn):
    evidence = RecordField(
        queryset=Evidence.objects.none(), scope=_action_evidence, help_text="Evidence of this action."
    )
    note = text(required=False)


class EvidenceReturnIn(StrictIn):
    evidence = RecordField(
        queryset=Evidence.objects.none(), scope=_action_evidence, help_text="Evidence of this action."
    )
    reason = text(help_text="What is missing or wrong.")


class ImpactIn(StrictIn):
    verdict = EnumField(ImpactVerdict, enum_name="ImpactVerdict")
    source = EnumField(ImpactSource, enum_name="ImpactSource")
    narrative = text()


class ReprogrammeIn(StrictIn):
    new_due_date = DayField()
    reason = text()


class RagOverrideIn(StrictIn):
    rag = EnumField(Rag, enum_name="RagOverride", blank_label="None: the computed RAG stands")
    reason = text()
