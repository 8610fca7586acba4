"""Routes of the monitoring API, under /api/v1/ (safeguard/urls.py). Names are "api-<collection>-<operation>"."""

from rest_framework.routers import SimpleRouter

from safeguard.monitoring.api.cycles import CycleViewSet, ScheduleViewSet, UpdateRequestViewSet
from safeguard.monitoring.api.meetings import AgendaItemViewSet, MeetingViewSet
from safeguard.monitoring.api.reports import DeliveryViewSet, SnapshotViewSet

# Path converters, not regular expressions: ids are <int:id>, as in the rest of the project.
router = SimpleRouter(use_regex_path=False)
router.register("monitoring-schedules", ScheduleViewSet, basename="api-monitoring-schedules")
router.register("monitoring-cycles", CycleViewSet, basename="api-monitoring-cycles")
router.register("update-requests", UpdateRequestViewSet, basename="api-update-requests")
router.register("meetings", MeetingViewSet, basename="api-meetings")
router.register("agenda-items", AgendaItemViewSet, basename="api-agenda-items")
router.register("snapshots", SnapshotViewSet, basename="api-snapshots")
router.register("report-deliveries", DeliveryViewSet, basename="api-report-deliveries")

urlpatterns = router.urls
