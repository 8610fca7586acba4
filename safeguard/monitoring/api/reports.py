"""Snapshots (the frozen state of a cycle's actions) and the reports delivered to another board.

A snapshot is never changed: its rows are the source of board packs and trends, paged at
`/snapshots/{id}/rows/`. A cross-board summary is sent with `POST /report-deliveries/`, which records
who sent which snapshot of which review to which board, and tells that board's business managers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from safeguard.monitoring.api.common import (
    MonitoringViewSet,
    delivery_downloads,
    errors,
    snapshot_downloads,
)
from safeguard.monitoring.api.serializers import (
    DeliveryDetailOut,
    DeliveryFiltersIn,
    DeliveryIn,
    DeliveryOut,
    SnapshotDetailOut,
    SnapshotFiltersIn,
    SnapshotOut,
    SnapshotRowFiltersIn,
    SnapshotRowOut,
)
from safeguard.monitoring.models import ReportDelivery, Snapshot

# --- Scoped querysets, shaped for the response serializers ---------------------------------------


def snapshots_for(user: Any) -> QuerySet[Snapshot]:
    return perms.visible_snapshots(user).select_related("cycle__schedule").order_by("-taken_on", "-pk")


def deliveries_for(user: Any) -> QuerySet[ReportDelivery]:
    return (
        perms.visible_deliveries(user)
        .select_related("review", "from_board", "to_board", "sent_by")
        .prefetch_related("recipients")
        .order_by("-sent_at", "-pk")
    )


def delivery_out(delivery: ReportDelivery, *, code: int = status.HTTP_200_OK) -> Response:
    body = DeliveryDetailOut(delivery, context={"downloads": delivery_downloads(delivery)}).data
    return Response(body, status=code)


# --- Snapshots ----------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class SnapshotViewSet(MonitoringViewSet):
    # Snapshots of the cycles the caller may see.

    queryset = Snapshot.objects.none()

    @extend_schema(
        operation_id="snapshots_list",
        parameters=[SnapshotFiltersIn],
        responses={200: SnapshotOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(SnapshotFiltersIn, request)
        snapshots = snapshots_for(request.user)
        if filters.get("cycle"):
            snapshots = snapshots.filter(cycle_id=filters["cycle"])
        if filters.get("schedule"):
            snapshots = snapshots.filter(cycle__schedule_id=filters["schedule"])
        if filters.get("board"):
            snapshots = snapshots.filter(cycle__schedule__board_id=filters["board"])
        return self.paged(snapshots, SnapshotOut)

    @extend_schema(operation_id="snapshots_retrieve", responses={200: SnapshotDetailOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        snapshot = get_visible_or_404(snapshots_for(request.user), id)
        log_api_view(request, snapshot)
        context = {"downloads": snapshot_downloads(snapshot)}
        return Response(SnapshotDetailOut(snapshot, context=context).data)

    @extend_schema(
        operation_id="snapshots_rows_list",
        summary="The snapshot's actions as they stood when the cycle closed",
        parameters=[SnapshotRowFiltersIn],
        responses={200: SnapshotRowOut(many=True), **errors(400, 404)},
    )
    @action(detail=True, methods=["get"], url_path="rows", url_name="rows")
    def rows(self, request: Request, id: int) -> Response:
        snapshot = selectors.get_snapshot_for(request.user, id)
        filters = read_filters(SnapshotRowFiltersIn, request)
        log_api_view(request, snapshot)
        rows = snapshot.rows.order_by("plan_id", "pk")
        if filters.get("rag"):
            rows = rows.filter(rag=filters["rag"])
        if filters.get("review"):
            rows = rows.filter(review_id=filters["review"])
        return self.paged(rows, SnapshotRowOut)


# --- Deliveries ---------------------------------------------------------------------------------


@extend_schema(tags=["monitoring"])
class DeliveryViewSet(MonitoringViewSet):
    # Reports sent to another board: seen by both boards' members and by the recipients.

    queryset = ReportDelivery.objects.none()

    @extend_schema(
        operation_id="report_deliveries_list",
        parameters=[DeliveryFiltersIn],
        responses={200: DeliveryOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(DeliveryFiltersIn, request)
        deliveries = deliveries_for(request.user)
        if filters.get("review"):
            deliveries = deliveries.filter(review_id=filters["review"])
        if filters.get("snapshot"):
            deliveries = deliveries.filter(snapshot_id=filters["snapshot"])
        return self.paged(deliveries, DeliveryOut)

    @extend_schema(
        operation_id="report_deliveries_retrieve", responses={200: DeliveryDetailOut, **errors(404)}
    )
    def retrieve(self, request: Request, id: int) -> Response:
        delivery = get_visible_or_404(deliveries_for(request.user), id)
        log_api_view(request, delivery)
        return delivery_out(delivery)

    @extend_schema(
        operation_id="report_deliveries_create",
        summary="Send the cross-board summary of a co-owned review to the other board",
        description="For the sending board's business manager, chair or a subgroup chair. The summary is "
        "the review's part of the snapshot; the other board's business managers are told it is there.",
        request=DeliveryIn,
        responses={201: DeliveryDetailOut, **errors(400, 403)},
    )
    def create(self, request: Request) -> Response:
        data = read_body(DeliveryIn, request)
        with service_call():
            delivery = services.send_cross_board_summary(actor=request.user, **data)
        return delivery_out(
            get_visible_or_404(deliveries_for(request.user), delivery.pk), code=status.HTTP_201_CREATED
        )
