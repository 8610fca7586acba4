"""Routes of the reviews API, under /api/v1/ (safeguard/urls.py). Names are "api-<collection>-<operation>"."""

from rest_framework.routers import SimpleRouter

from safeguard.reviews.api.actions import ActionViewSet
from safeguard.reviews.api.reviews import FindingViewSet, PlanViewSet, ReviewViewSet

# Path converters, not regular expressions: ids are <int:id>, as in the rest of the project.
router = SimpleRouter(use_regex_path=False)
router.register("reviews", ReviewViewSet, basename="api-reviews")
router.register("findings", FindingViewSet, basename="api-findings")
router.register("action-plans", PlanViewSet, basename="api-plans")
router.register("actions", ActionViewSet, basename="api-actions")

urlpatterns = router.urls
