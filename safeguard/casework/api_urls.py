"""Routes of the casework API, under /api/v1/ (safeguard/urls.py). Names are "api-<collection>-<operation>"."""

from rest_framework.routers import SimpleRouter

from safeguard.casework.api import ChildViewSet, ContactViewSet

router = SimpleRouter(use_regex_path=False)
router.register("children", ChildViewSet, basename="api-children")
router.register("contacts", ContactViewSet, basename="api-contacts")

urlpatterns = router.urls
