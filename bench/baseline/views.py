from __future__ import annotations

from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from bench.baseline.models import AccessEvent, Clock, User


class UserList(ListView):
    model = User
    paginate_by = 50
    template_name = "baseline/user_list.html"


class UserDetail(DetailView):
    model = User
    template_name = "baseline/user_detail.html"


class ViewerList(ListView):
    """Who viewed one record: the latest 50 access events with their users."""

    template_name = "baseline/viewer_list.html"

    def get_queryset(self) -> QuerySet[AccessEvent]:
        return (
            AccessEvent.objects.filter(
                target_type_id=self.kwargs["target_type_id"], target_id=self.kwargs["target_id"]
            )
            .select_related("user")
            .order_by("-at", "-pk")[:50]
        )


class OpenClockList(ListView):
    """A user's open clocks, soonest first: the plain equivalent of My work."""

    template_name = "baseline/clock_list.html"

    def get_queryset(self) -> QuerySet[Clock]:
        return Clock.objects.filter(owner_id=self.kwargs["owner_id"], met_at__isnull=True).order_by(
            "due_at", "pk"
        )
