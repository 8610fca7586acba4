from django.urls import path

from safeguard.people import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
]
