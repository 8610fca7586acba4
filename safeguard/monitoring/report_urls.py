"""Report routes, included into the `monitoring` namespace by urls.py.

Each report is a page and a download of the same data (`fmt` is "pdf" or "xlsx"; anything else is a 404).
"""

from django.urls import path

from safeguard.monitoring import report_views as views

urlpatterns: list = [
    path("monitoring/dashboard/", views.dashboard, name="dashboard"),
    path("monitoring/dashboard.<str:fmt>", views.dashboard_download, name="dashboard_download"),
    path("monitoring/meetings/<int:pk>/board-pack/", views.board_pack, name="board_pack"),
    path(
        "monitoring/meetings/<int:pk>/board-pack.<str:fmt>",
        views.board_pack_download,
        name="board_pack_download",
    ),
    path("monitoring/meetings/<int:pk>/minutes.pdf", views.minutes_download, name="minutes_download"),
    path(
        "monitoring/snapshots/<int:pk>/summary/<int:review_pk>/",
        views.cross_board_summary,
        name="cross_board_summary",
    ),
    path(
        "monitoring/snapshots/<int:pk>/summary/<int:review_pk>.<str:fmt>",
        views.cross_board_summary_download,
        name="cross_board_summary_download",
    ),
    path(
        "monitoring/snapshots/<int:pk>/summary/<int:review_pk>/send/", views.send_summary, name="send_summary"
    ),
    path("monitoring/deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path(
        "monitoring/deliveries/<int:pk>/summary.<str:fmt>", views.delivery_download, name="delivery_download"
    ),
    path(
        "monitoring/boards/<int:board_pk>/annual-report/<int:year>/",
        views.annual_report,
        name="annual_report",
    ),
    path(
        "monitoring/boards/<int:board_pk>/annual-report/<int:year>.<str:fmt>",
        views.annual_report_download,
        name="annual_report_download",
    ),
]
