from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from safeguard.core import views as core_views

admin.site.site_header = "Safeguard administration"
admin.site.site_title = "Safeguard administration"

api_v1: list[URLPattern | URLResolver] = [
    path("", include("safeguard.core.api_urls")),
    path("", include("safeguard.people.api_urls")),
    path("", include("safeguard.casework.api_urls")),
    path("", include("safeguard.reviews.api_urls")),
    path("", include("safeguard.monitoring.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The Swagger page's own <style> block needs inline styles; scripts stay 'self' (the split view
    # serves its init script from a URL), and only this one view is relaxed.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

urlpatterns = [
    path("", include("safeguard.core.urls")),
    path("", include("safeguard.people.urls")),
    path("", include("safeguard.casework.urls")),
    path("", include("safeguard.reviews.urls")),
    path("", include("safeguard.monitoring.urls")),
    path("api/v1/", include(api_v1)),
    path("healthz", core_views.healthz, name="healthz"),
    # One door in: the admin's own login would bypass the e-mail lockout and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="people:sign_in", query_string=True)),
    path("admin/", admin.site.urls),
]

handler400 = "safeguard.core.views.bad_request"
handler403 = "safeguard.core.views.permission_denied"
handler404 = "safeguard.core.views.page_not_found"
handler500 = "safeguard.core.views.server_error"
