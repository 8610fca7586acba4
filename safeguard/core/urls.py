from django.urls import path

from safeguard.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my_work"),
]
