"""The project's URLs plus the reviews app's, for tests run before the project includes reviews' URLs."""

from django.urls import include, path

from safeguard.urls import handler400, handler403, handler404, handler500
from safeguard.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*project_urlpatterns, path("", include("safeguard.reviews.urls"))]
