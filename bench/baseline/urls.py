from django.urls import path

from bench.baseline import views

urlpatterns = [
    path("users/", views.UserList.as_view(), name="user_list"),
    path("users/<int:pk>/", views.UserDetail.as_view(), name="user_detail"),
    path("viewers/<int:target_type_id>/<str:target_id>/", views.ViewerList.as_view(), name="viewer_list"),
    path("clocks/<int:owner_id>/", views.OpenClockList.as_view(), name="clock_list"),
    path("work/<int:user_id>/", views.Work.as_view(), name="work"),
    path("actions/", views.ActionList.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionDetail.as_view(), name="action_detail"),
    path("reviews/<int:pk>/", views.ReviewDetail.as_view(), name="review_detail"),
    path("children/<int:pk>/", views.ChildDetail.as_view(), name="child_detail"),
    path("children/search/<int:user_id>/", views.ChildSearch.as_view(), name="child_search"),
    path("mash/<int:user_id>/", views.ContactQueue.as_view(), name="contact_queue"),
]
