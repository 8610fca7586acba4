from django.urls import path

from safeguard.core import access_api

urlpatterns = [
    path(
        "access-log/<str:target_type>/<str:target_id>/",
        access_api.AccessLogView.as_view(),
        name="api-access-log",
    ),
]
