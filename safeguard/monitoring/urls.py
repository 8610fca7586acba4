"""Monitoring pages: views/ holds the pages people work in (schedules, cycles, requests, meetings);
report_urls.py the reports (board pack, cross-board summary, annual report, dashboard) and downloads."""

from django.urls import path

from safeguard.monitoring import report_urls
from safeguard.monitoring.views import cycles, meetings, requests, schedules

app_name = "monitoring"

urlpatterns: list = [  # noqa: RUF005 - the reports part keeps its routes in report_urls.py
    path("monitoring/", schedules.home, name="home"),
    path("monitoring/schedules/new/", schedules.schedule_create, name="schedule_create"),
    path("monitoring/schedules/<int:pk>/", schedules.schedule_detail, name="schedule_detail"),
    path("monitoring/schedules/<int:pk>/edit/", schedules.schedule_edit, name="schedule_edit"),
    path("monitoring/schedules/<int:pk>/open-cycle/", schedules.cycle_open, name="cycle_open"),
    path("monitoring/cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("monitoring/cycles/<int:pk>/close/", cycles.cycle_close, name="cycle_close"),
    path("monitoring/cycles/<int:pk>/meetings/new/", cycles.meeting_create, name="meeting_create"),
    path("monitoring/requests/", requests.request_list, name="request_list"),
    path("monitoring/requests/<int:pk>/answer/", requests.request_answer, name="request_answer"),
    path("monitoring/meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("monitoring/meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path("monitoring/meetings/<int:pk>/agenda/refresh/", meetings.agenda_refresh, name="agenda_refresh"),
    path("monitoring/meetings/<int:pk>/finalise/", meetings.meeting_finalise, name="meeting_finalise"),
    path("monitoring/agenda-items/<int:pk>/decide/", meetings.item_decide, name="item_decide"),
    # Pages (owned by views/): add routes above this line.
] + report_urls.urlpatterns
