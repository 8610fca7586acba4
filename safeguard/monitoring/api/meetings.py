"""Meetings built from a cycle, their agenda, attendance and minutes, and the decisions on agenda items.

A meeting is planned for a cycle (its agenda builds itself from what is due), its agenda refreshed, its
attendance recorded and its minutes finalised (with its `version`: minutes finalised against an older
version are a 409). Each agenda item is decided with `POST /agenda-items/{id}/decide/`, carried out by the
same reviews service as on the action's page, separation of duties included.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safeguard.core.access import log_api_view
from safeguard.core.api import read_filters
from safeguard.core.api_views import read_body, service_call
from safeguard.core.scoping import get_visible_or_404
from safeguard.monitoring import permissions as perms
from safeguard.monitoring import selectors, services
from safeguard.monitoring.api.common import MonitoringViewSet, errors, meeting_downloads
from safeguard.monitoring.api.serializers import (
    AttendanceIn,
    DecisionIn,
    DecisionOut,
    FinaliseIn,
    MeetingDetailOut,
    MeetingFiltersIn,
    MeetingIn,
    MeetingOut,
)
from safeguard.monitoring.models import AgendaItem, Decision, Meeting, MeetingAttendance
from safeguard.reviews.api.serializers import EmptyIn

# --- Scoped querysets, shaped for the response serializers ---------------------------------------


def meetings_for(user: Any) -> QuerySet[Meeting]:
    return (
        perms.visible_meetings(user)
        .select_related("cycle__schedule", "subgroup")
        .annotate(item_count=Count("items"))
        .order_by("-held_on", "-pk")
    )


def meeting_detail_for(user: Any) -> QuerySet[Meeting]:
    decisions = Decision.objects.select_related("decided_by").order_by("decided_at", "pk")
    items = (
        AgendaItem.objects.select_related("action")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("position")
    )
    return meetings_for(user).prefetch_related(
        Prefetch("attendance", queryset=MeetingAttendance.objects.select_related("user")),
        Prefetch("items", queryset=items),
    )


def meeting_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    meeting = get_visible_or_404(meeting_detail_for(request.user), pk)
    body = MeetingDetailOut(meeting, context={"downloads": meeting_downloads(meeting)}).data
    return Response(body, status=code)


def agenda_items_for(user: Any) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting__in=perms.visible_meetings(user))


# A decision is carried out by a reviews service, whose field names are its own; they are reported under
# the field of this operation's body that carried the value, or as a whole-request error when the value
# came from the agenda item (the new date an owner asked for).
_DECISION_FIELDS = {"narrative": "note", "reason": "note", "new_due_date": "non_field_errors"}


def _decision_errors(exc: DjangoValidationError) -> DjangoValidationError:
    remapped: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        remapped.setdefault(_DECISION_FIELDS.get(field, field), []).extend(messages)
    return DjangoValidationError(remapped)


# --- Meetings -----------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class MeetingViewSet(MonitoringViewSet):
    # Subgroup meetings of the cycles the caller may see.

    queryset = Meeting.objects.none()

    @extend_schema(
        operation_id="meetings_list",
        parameters=[MeetingFiltersIn],
        responses={200: MeetingOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(MeetingFiltersIn, request)
        meetings = meetings_for(request.user)
        if filters.get("cycle"):
            meetings = meetings.filter(cycle_id=filters["cycle"])
        if filters.get("status"):
            meetings = meetings.filter(status=filters["status"])
        return self.paged(meetings, MeetingOut)

    @extend_schema(operation_id="meetings_retrieve", responses={200: MeetingDetailOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        meeting = get_visible_or_404(meeting_detail_for(request.user), id)
        log_api_view(request, meeting)
        return Response(MeetingDetailOut(meeting, context={"downloads": meeting_downloads(meeting)}).data)

    @extend_schema(
        operation_id="meetings_create",
        summary="Plan the subgroup's meeting for a cycle; its agenda builds itself from what is due",
        description="For the chair of the cycle's subgroup or the board's managers.",
        request=MeetingIn,
        responses={201: MeetingDetailOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(MeetingIn, request)
        with service_call():
            meeting = services.schedule_meeting(actor=request.user, **data)
        return meeting_out(request, meeting.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="meetings_refresh_agenda",
        summary="Add to the agenda what has become due since it was built",
        description="Items already on the agenda, and their decisions, stay as they are.",
        request=EmptyIn,
        responses={200: MeetingDetailOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="refresh-agenda", url_name="refresh-agenda")
    def refresh_agenda(self, request: Request, id: int) -> Response:
        meeting = selectors.get_meeting_for(request.user, id)
        read_body(EmptyIn, request)
        with service_call():
            services.refresh_agenda(actor=request.user, meeting=meeting)
        return meeting_out(request, meeting.pk)

    @extend_schema(
        operation_id="meetings_attendance",
        summary="Record who attended: present, apologies or absent for each member",
        description="Only members (past or present) of the meeting's subgroup can be named; a member "
        "recorded before keeps their entry unless named again.",
        request=AttendanceIn,
        responses={200: MeetingDetailOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="attendance", url_name="attendance")
    def attendance(self, request: Request, id: int) -> Response:
        meeting = selectors.get_meeting_for(request.user, id)
        data = read_body(AttendanceIn, request, meeting=meeting)
        rows = {row["user"].pk: row["attendance"] for row in data["attendance"]}
        with service_call():
            services.record_attendance(actor=request.user, meeting=meeting, attendance=rows)
        return meeting_out(request, meeting.pk)

    @extend_schema(
        operation_id="meetings_finalise",
        summary="Finalise the minutes: the meeting is held and its agenda closed",
        description="Send the meeting's `version` as you read it. Attendance must be recorded first.",
        request=FinaliseIn,
        responses={200: MeetingDetailOut, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="finalise", url_name="finalise")
    def finalise(self, request: Request, id: int) -> Response:
        meeting = selectors.get_meeting_for(request.user, id)
        data = read_body(FinaliseIn, request)
        with service_call():
            services.finalise_minutes(
                actor=request.user,
                meeting=meeting,
                minutes=data["minutes"],
                expected_version=data["version"],
            )
        return meeting_out(request, meeting.pk)


# --- Agenda items -------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class AgendaItemViewSet(MonitoringViewSet):
    # Agenda items are read with their meeting (GET /meetings/{id}/); here they are decided.

    queryset = AgendaItem.objects.none()

    @extend_schema(
        operation_id="agenda_items_decide",
        summary="Record the subgroup's decision on an agenda item",
        description="For members of the meeting's subgroup. The kind must be one of the item's "
        "`decisions_offered`; accepting or returning evidence, approving a new date, assessing impact and "
        "closing are carried out by the action's own services, which refuse the owning agency. If they "
        "refuse, nothing is written.",
        request=DecisionIn,
        responses={201: DecisionOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="decide", url_name="decide")
    def decide(self, request: Request, id: int) -> Response:
        item = get_visible_or_404(agenda_items_for(request.user), id)
        data = read_body(DecisionIn, request)
        try:
            with service_call(transition_field="kind"):
                decision = services.record_decision(actor=request.user, item=item, **data)
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise _decision_errors(exc) from exc
        decision = Decision.objects.select_related("decided_by").get(pk=decision.pk)
        return Response(DecisionOut(decision).data, status=status.HTTP_201_CREATED)
