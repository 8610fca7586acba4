"""What the monitoring viewsets share: the error answers they document, JSON-typed input fields and the
query-parameter reader, the scopes that records named in a request body are looked up in, and links to the
report downloads.

Reading a body, calling a service and paging a list are every record API's helpers
(safeguard/core/api_views.py), used as they are so all the APIs answer alike; query parameters and JSON
body values are typed as strictly in both (safeguard/core/api.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, get_resolver, reverse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from safeguard.core.api_errors import ErrorOut
from safeguard.core.api_views import ERROR_DESCRIPTIONS, RecordViewSet
from safeguard.monitoring import permissions as perms
from safeguard.people.models import Board, Subgroup, User
from safeguard.reviews import permissions as review_perms
from safeguard.reviews.models import Review

STALE = (
    "The record changed since you read it (its `version` is not the one sent): nothing was written. "
    "`current` holds the record's values now, with its version; fetch it again and reapply the change."
)


class StaleOut(serializers.Serializer):
    """The body of a 409: someone else changed the record first."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text='Always "stale".')
    current = serializers.DictField(help_text="The fields the change named, as they are now, and `version`.")
    changed_at = serializers.DateTimeField(required=False)
    changed_by = serializers.CharField(required=False)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation documents: the one error shape, and the stale-edit body for 409."""
    out = {}
    for code in codes:
        if code == 409:
            out[code] = OpenApiResponse(StaleOut, description=STALE)
        else:
            out[code] = OpenApiResponse(ErrorOut, description=ERROR_DESCRIPTIONS[code])
    return out


class MonitoringViewSet(RecordViewSet):
    # Records at /<collection>/<int:id>/, no OPTIONS metadata, lists paged: as in the reviews API.
    pass


# --- Scopes for records named in request bodies -------------------------------------------------
# Each takes the serializer's context. A record outside the scope gets DRF's "does not exist", exactly as
# a missing one does, so a request body cannot be used to learn which ids exist.


def visible_boards(user: Any) -> QuerySet[Board]:
    """Boards the caller can see: those they serve, and the lead and partner boards of the reviews they see
    (the board at the other end of a co-owned review, which receives its cross-board summary)."""
    if not review_perms._active(user):
        return Board.objects.none()
    if user.is_superuser:
        return Board.objects.all()
    reviews = review_perms.visible_reviews(user)
    partners = Review.partner_boards.through.objects.filter(review__in=reviews).values("board_id")
    return Board.objects.filter(
        review_perms._in_boards("pk", user) | Q(pk__in=reviews.values("lead_board_id")) | Q(pk__in=partners)
    )


def boards_scope(context: dict[str, Any]) -> QuerySet[Board]:
    return visible_boards(context["request"].user)


def subgroups_scope(context: dict[str, Any]) -> QuerySet[Subgroup]:
    return Subgroup.objects.filter(board__in=visible_boards(context["request"].user))


def plans_scope(context: dict[str, Any]) -> Any:
    return review_perms.visible_plans(context["request"].user)


def reviews_scope(context: dict[str, Any]) -> Any:
    return review_perms.visible_reviews(context["request"].user)


def cycles_scope(context: dict[str, Any]) -> Any:
    return perms.visible_cycles(context["request"].user)


def snapshots_scope(context: dict[str, Any]) -> Any:
    return perms.visible_snapshots(context["request"].user)


def meeting_members_scope(context: dict[str, Any]) -> QuerySet[User]:
    """People who sit or sat on the meeting's subgroup: the only ones whose attendance can be recorded. The
    view puts the meeting (already checked as visible) in the context."""
    return User.objects.filter(subgroup_memberships__subgroup_id=context["meeting"].subgroup_id).distinct()


# --- Report downloads ---------------------------------------------------------------------------
# The report pages and their PDF and XLSX downloads live under /monitoring/ (report_urls.py). A record's
# response lists the downloads whose URL names exist, so the API names nothing that does not exist and
# needs no change when a report is added. Each candidate URL name comes with the values its parameters may
# take, by parameter name (`pk`, `board_pk`, `year`, ...); a review parameter (`review_pk`) gives one link per
# review the record covers, and a `fmt` parameter one link per format. Without one, a URL ending in `.pdf`
# or `.xlsx` (or a name ending in `_pdf` or `_xlsx`) is that download, and any other the report's page.

FORMATS = ("pdf", "xlsx")
_FORMAT_PARAMETERS = ("fmt", "format")
_REVIEW_PARAMETERS = ("review_pk", "review")


class DownloadOut(serializers.Serializer):
    report = serializers.CharField(help_text="board_pack, minutes, cross_board_summary or annual_report.")
    format = serializers.CharField(help_text="html (the report's page), pdf or xlsx.")
    url = serializers.CharField(help_text="A path on this server; the download needs a signed-in session.")
    review = serializers.IntegerField(
        allow_null=True, help_text="For a cross-board summary: the review it is about."
    )


@dataclass(frozen=True)
class Candidate:
    report: str
    url_names: tuple[str, ...]  # in the `monitoring` namespace
    values: dict[str, Any]  # parameter name -> value
    review: int | None = None  # the review a link without a review parameter is about


def meeting_downloads(meeting: Any) -> list[dict[str, Any]]:
    own = {"pk": meeting.pk}
    return download_links(
        [
            Candidate("board_pack", ("board_pack", "board_pack_download"), own),
            Candidate("minutes", ("minutes_download",), own),
        ]
    )


def snapshot_downloads(snapshot: Any) -> list[dict[str, Any]]:
    from safeguard.monitoring.reports.summary import summary_reviews

    board = snapshot.cycle.schedule.board_id
    return download_links(
        [
            Candidate(
                "cross_board_summary",
                ("cross_board_summary", "cross_board_summary_download"),
                {"pk": snapshot.pk},
            ),
            Candidate(
                "annual_report",
                ("annual_report", "annual_report_download"),
                {"board_pk": board, "year": snapshot.taken_on.year},
            ),
        ],
        # Only reviews the snapshot's board co-owns with another board have a cross-board summary.
        reviews=lambda: summary_reviews(snapshot).values_list("pk", flat=True),
    )


def delivery_downloads(delivery: Any) -> list[dict[str, Any]]:
    """The summary as it was sent (its page and downloads name the delivery)."""
    return download_links(
        [
            Candidate(
                "cross_board_summary",
                ("delivery_detail", "delivery_download"),
                {"pk": delivery.pk},
                review=delivery.review_id,
            )
        ]
    )


def _parameters(url_name: str) -> list[list[str]]:
    """The parameter lists of `monitoring:<url_name>`'s patterns (none when there is no such name)."""
    namespace = get_resolver().namespace_dict.get("monitoring")
    if namespace is None:
        return []
    return [list(params) for entry in namespace[1].reverse_dict.getlist(url_name) for _, params in entry[0]]


def download_links(
    candidates: Iterable[Candidate], *, reviews: Callable[[], Iterable[int]] = lambda: ()
) -> list[dict[str, Any]]:
    """Links to the downloads that exist: one per report, format and review. `reviews` is called (one query
    at most) only when a URL takes a review."""
    links: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int | None]] = set()
    review_ids: list[int] | None = None
    for candidate in candidates:
        for name in candidate.url_names:
            for params in _parameters(name):
                fixed = [p for p in params if p not in _FORMAT_PARAMETERS + _REVIEW_PARAMETERS]
                if any(p not in candidate.values for p in fixed):
                    continue
                review_param = next((p for p in params if p in _REVIEW_PARAMETERS), None)
                for_reviews: list[int | None] = [candidate.review]
                if review_param:
                    if review_ids is None:
                        review_ids = sorted(set(reviews()))
                    for_reviews = list(review_ids)
                fmt_param = next((p for p in params if p in _FORMAT_PARAMETERS), None)
                for review in for_reviews:
                    for fmt in FORMATS if fmt_param else (None,):
                        kwargs = {p: candidate.values[p] for p in fixed}
                        if fmt_param:
                            kwargs[fmt_param] = fmt
                        if review_param:
                            kwargs[review_param] = review
                        try:
                            url = reverse(f"monitoring:{name}", kwargs=kwargs)
                        except NoReverseMatch:
                            continue
                        key = (candidate.report, fmt or _format_of(name, url), review)
                        if key not in seen:
                            seen.add(key)
                            links.append({"report": key[0], "format": key[1], "url": url, "review": review})
    return links


def _format_of(url_name: str, url: str) -> str:
    for fmt in FORMATS:
        if url.endswith(f".{fmt}") or url_name.endswith(f"_{fmt}"):
            return fmt
    return "html"
