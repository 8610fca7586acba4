"""Schedules, the cycles they open and the update requests each cycle sends.

A schedule is created and changed (with its `version`: a change to an older version is a 409); a cycle is
opened from its schedule (`open-cycle`) and closed with `close`, which freezes its snapshot; an update
request is answered with `answer`. Nothing here assigns `status`: each operation calls its service.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from drf_spectacular.utils import OpenApiResponse, extend_schema
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
from safeguard.monitoring.api.common import MonitoringViewSet, errors
from safeguard.monitoring.api.serializers import (
    AnswerIn,
    CycleFiltersIn,
    CycleOut,
    OpenCycleIn,
    ScheduleChangeIn,
    ScheduleFiltersIn,
    ScheduleIn,
    ScheduleOut,
    UpdateRequestFiltersIn,
    UpdateRequestOut,
)
from safeguard.monitoring.models import (
    MonitoringCycle,
    MonitoringSchedule,
    RequestStatus,
    Snapshot,
    UpdateRequest,
)
from safeguard.reviews.api.serializers import EmptyIn
from safeguard.reviews.permissions import _lead_agencies

# --- Scoped querysets, shaped for the response serializers ---------------------------------------


def schedules_for(user: Any) -> QuerySet[MonitoringSchedule]:
    return (
        perms.visible_schedules(user)
        .select_related("board", "subgroup")
        .order_by("board__short_name", "name", "pk")
    )


def cycles_for(user: Any) -> QuerySet[MonitoringCycle]:
    def requests(**condition: Any) -> Count:
        return Count("requests", filter=Q(**{f"requests__{k}": v for k, v in condition.items()}))

    return (
        perms.visible_cycles(user)
        .select_related("schedule__board")
        .annotate(
            requests_total=Count("requests"),
            requests_waiting=requests(status=RequestStatus.REQUESTED),
            requests_answered=requests(status=RequestStatus.ANSWERED),
            requests_withdrawn=requests(status=RequestStatus.WITHDRAWN),
            requests_stale=requests(is_stale=True),
            snapshot_pk=Subquery(Snapshot.objects.filter(cycle_id=OuterRef("pk")).values("pk")[:1]),
        )
        .order_by("-opens_on", "-pk")
    )


def requests_for(user: Any) -> QuerySet[UpdateRequest]:
    return (
        perms.visible_requests(user)
        .select_related("cycle", "action__plan", "owner", "answer")
        .order_by("deadline", "action__plan_id", "action__number", "pk")
    )


def schedule_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(ScheduleOut(get_visible_or_404(schedules_for(request.user), pk)).data, status=code)


def cycle_out(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    return Response(CycleOut(get_visible_or_404(cycles_for(request.user), pk)).data, status=code)


def request_out(request: Request, pk: int) -> Response:
    return Response(UpdateRequestOut(get_visible_or_404(requests_for(request.user), pk)).data)


# --- Schedules ----------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class ScheduleViewSet(MonitoringViewSet):
    # How often each board's subgroup asks for progress. Configuration, not a record about a child: reads
    # are not in the access log.

    queryset = MonitoringSchedule.objects.none()  # for the schema only; reads go through schedules_for

    @extend_schema(
        operation_id="monitoring_schedules_list",
        parameters=[ScheduleFiltersIn],
        responses={200: ScheduleOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(ScheduleFiltersIn, request)
        schedules = schedules_for(request.user)
        if filters.get("board"):
            schedules = schedules.filter(board_id=filters["board"])
        if filters.get("subgroup"):
            schedules = schedules.filter(subgroup_id=filters["subgroup"])
        if filters.get("is_active") is not None:
            schedules = schedules.filter(is_active=filters["is_active"])
        return self.paged(schedules, ScheduleOut)

    @extend_schema(operation_id="monitoring_schedules_retrieve", responses={200: ScheduleOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        return Response(ScheduleOut(get_visible_or_404(schedules_for(request.user), id)).data)

    @extend_schema(
        operation_id="monitoring_schedules_create",
        summary="Set how often a subgroup asks for progress",
        description="For the board's business manager, chair or a subgroup chair. A cadence that never "
        "opens a cycle, a subgroup of another board or a second active schedule for the same subgroup "
        "(or plan) is refused with the field named.",
        request=ScheduleIn,
        responses={201: ScheduleOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(ScheduleIn, request)
        with service_call():
            schedule = services.create_schedule(actor=request.user, **data)
        return schedule_out(request, schedule.pk, code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="monitoring_schedules_partial_update",
        summary="Change a schedule's rhythm or timings",
        description="Send the `version` you read; only the fields sent change. Cycles already opened keep "
        "their deadlines.",
        request=ScheduleChangeIn,
        responses={200: ScheduleOut, **errors(400, 403, 404, 409)},
    )
    def partial_update(self, request: Request, id: int) -> Response:
        schedule = selectors.get_schedule_for(request.user, id)
        data = read_body(ScheduleChangeIn, request)
        version = data.pop("version")
        with service_call():
            services.update_schedule(actor=request.user, schedule=schedule, expected_version=version, **data)
        return schedule_out(request, schedule.pk)

    @extend_schema(
        operation_id="monitoring_schedules_open_cycle",
        summary="Open the schedule's cycle for a date and ask every owner for an update",
        description="Opening a date that is already open returns that cycle (200) and sends nothing again; "
        "a new cycle is a 201.",
        request=OpenCycleIn,
        responses={
            201: CycleOut,
            200: OpenApiResponse(CycleOut, description="The cycle for that date was already open."),
            **errors(400, 403, 404),
        },
    )
    @action(detail=True, methods=["post"], url_path="open-cycle", url_name="open-cycle")
    def open_cycle(self, request: Request, id: int) -> Response:
        schedule = selectors.get_schedule_for(request.user, id)
        data = read_body(OpenCycleIn, request)
        with service_call():
            cycle, created = services.open_cycle(
                schedule=schedule, opens_on=data["opens_on"], actor=request.user
            )
        return cycle_out(request, cycle.pk, code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# --- Cycles -------------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class CycleViewSet(MonitoringViewSet):
    # Monitoring cycles with how their update requests stand.

    queryset = MonitoringCycle.objects.none()

    @extend_schema(
        operation_id="monitoring_cycles_list",
        parameters=[CycleFiltersIn],
        responses={200: CycleOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(CycleFiltersIn, request)
        cycles = cycles_for(request.user)
        if filters.get("schedule"):
            cycles = cycles.filter(schedule_id=filters["schedule"])
        if filters.get("board"):
            cycles = cycles.filter(schedule__board_id=filters["board"])
        if filters.get("status"):
            cycles = cycles.filter(status=filters["status"])
        return self.paged(cycles, CycleOut)

    @extend_schema(operation_id="monitoring_cycles_retrieve", responses={200: CycleOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        cycle = get_visible_or_404(cycles_for(request.user), id)
        log_api_view(request, cycle)
        return Response(CycleOut(cycle).data)

    @extend_schema(
        operation_id="monitoring_cycles_close",
        summary="Close the cycle: the state of its actions is frozen in a snapshot",
        description="The answer carries the new snapshot's id in `snapshot`. A closed cycle never changes.",
        request=EmptyIn,
        responses={200: CycleOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, id: int) -> Response:
        cycle = selectors.get_cycle_for(request.user, id)
        read_body(EmptyIn, request)
        with service_call():
            services.close_cycle(actor=request.user, cycle=cycle)
        return cycle_out(request, cycle.pk)


# --- Update requests ----------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class UpdateRequestViewSet(MonitoringViewSet):
    # Update requests: the caller's own, and those of the cycles of the boards they serve.

    queryset = UpdateRequest.objects.none()

    @extend_schema(
        operation_id="update_requests_list",
        parameters=[UpdateRequestFiltersIn],
        responses={200: UpdateRequestOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(UpdateRequestFiltersIn, request)
        found = requests_for(request.user)
        if filters.get("cycle"):
            found = found.filter(cycle_id=filters["cycle"])
        if filters.get("status"):
            found = found.filter(status=filters["status"])
        if filters.get("mine"):
            user = request.user
            # What they may answer (permissions.can_answer): theirs, their actions, their agency's as its lead.
            found = found.filter(
                Q(owner=user)
                | Q(action__lead_officer=user)
                | Q(action__plan__owner_agency_id__in=_lead_agencies(user))
            )
        return self.paged(found, UpdateRequestOut)

    @extend_schema(operation_id="update_requests_retrieve", responses={200: UpdateRequestOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        found = get_visible_or_404(requests_for(request.user), id)
        log_api_view(request, found)
        return Response(UpdateRequestOut(found).data)

    @extend_schema(
        operation_id="update_requests_answer",
        summary="Answer the request: a progress update, and optionally a new date to ask for",
        description="For the action's lead officer or the owning agency's safeguarding lead. The update is "
        "posted on the action; a new date goes on the subgroup's agenda.",
        request=AnswerIn,
        responses={200: UpdateRequestOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer")
    def answer(self, request: Request, id: int) -> Response:
        found = selectors.get_request_for(request.user, id)
        data = read_body(AnswerIn, request)
        with service_call():
            services.answer_request(actor=request.user, request=found, **data)
        return request_out(request, found.pk)
