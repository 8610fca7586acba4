"""The report pages and their downloads: board pack, cross-board summary (and sending it), deliveries,
annual report extract, partnership dashboard, minutes.

Thin views: fetch through the scoped selectors (the same 404 for "missing" and "not yours"), build the report
(reports.py), present it (report_presenters.py) and render it as a page, a PDF or an XLSX (rendering.py).
Page views of reports that name reviews' actions are recorded in the access log; every download is recorded
in the audit trail and the access log as an export. Cache-Control: no-store comes from the middleware for
every response, downloads included.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.access import log_access, log_page_view
from safeguard.core.audit import record_event
from safeguard.core.govuk_forms import add_service_errors
from safeguard.core.models import AccessVia
from safeguard.monitoring import permissions as perms
from safeguard.monitoring import rendering, reports, selectors, services
from safeguard.monitoring import report_presenters as present
from safeguard.monitoring.models import Snapshot
from safeguard.people.models import Board
from safeguard.reviews.models import Review

DOWNLOAD_FORMATS = {"pdf": rendering.PDF_CONTENT_TYPE, "xlsx": rendering.XLSX_CONTENT_TYPE}
FORM_METHODS = ["GET", "HEAD", "POST"]


# --- Helpers ------------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _route(request: HttpRequest) -> str:
    return request.resolver_match.view_name if request.resolver_match else request.path


def _href(name: str, **kwargs: Any) -> str:
    """A link to one of the monitoring pages (views/), or "" while that page does not exist."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _crumbs(*pairs: tuple[str, str], dashboard: bool = True) -> list[dict[str, str]]:
    """Monitoring > (Dashboard >) the record the report is about."""
    items = [{"text": "Monitoring", "href": _href("monitoring:home")}]
    if dashboard:
        items.append({"text": "Dashboard", "href": reverse("monitoring:dashboard")})
    items += [{"text": text, "href": href} for text, href in pairs]
    return [item for item in items if item["href"]]


def _format(fmt: str) -> str:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("Not found")
    return fmt


def _record_export(request: HttpRequest, target: Any, *, report: str, fmt: str, **changes: Any) -> None:
    """An export of board data: in the audit trail (what, in which format) and the access log (who)."""
    with transaction.atomic():
        event = record_event(
            actor=request.user,
            action="monitoring.report_exported",
            target=target,
            changes={"report": report, "format": fmt, **changes},
        )
        log_access(user=request.user, target=target or event, via=AccessVia.EXPORT, route=_route(request))


def _attachment(content: bytes, fmt: str, stem: str) -> HttpResponse:
    """The file as a download, under a name made only of letters, digits and hyphens."""
    filename = f"{slugify(stem)[:120] or 'report'}.{fmt}"
    response = HttpResponse(content, content_type=DOWNLOAD_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _common() -> dict[str, Any]:
    return {"rag_columns": present.RAG_COLUMNS}


# --- Board pack ---------------------------------------------------------------------------------


@require_safe
@login_required
def board_pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    pack = reports.board_pack(meeting)
    log_page_view(request, meeting)
    page = present.board_pack_page(pack)
    return render(
        request,
        "monitoring/reports/board_pack.html",
        {
            **_common(),
            "page": page,
            "download_links": present.downloads("monitoring:board_pack_download", pk=meeting.pk),
            "crumbs": _crumbs(
                (str(meeting), _href("monitoring:meeting_detail", pk=meeting.pk)), dashboard=False
            ),
        },
    )


@require_safe
@login_required
def board_pack_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    fmt = _format(fmt)
    pack = reports.board_pack(meeting)
    _record_export(request, meeting, report="board_pack", fmt=fmt, snapshot=pack.snapshot_id)
    content = rendering.board_pack_pdf(pack) if fmt == "pdf" else rendering.board_pack_xlsx(pack)
    return _attachment(content, fmt, f"board-pack-{pack.subgroup}-{pack.meeting_on:%Y-%m-%d}")


# --- Cross-board summary ------------------------------------------------------------------------


def _summary_for(user: Any, pk: int, review_pk: int) -> tuple[Snapshot, Review]:
    """The snapshot (seen by those who serve its board) and a co-owned review that has rows in it."""
    snapshot = selectors.get_snapshot_for(user, pk)
    review = reports.summary_reviews(snapshot).filter(pk=review_pk).first()
    if review is None:
        raise Http404("Not found")
    return snapshot, review


def _summary_downloads(snapshot: Snapshot, review: Review) -> list[dict[str, str]]:
    return present.downloads("monitoring:cross_board_summary_download", pk=snapshot.pk, review_pk=review.pk)


@require_safe
@login_required
def cross_board_summary(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    snapshot, review = _summary_for(request.user, pk, review_pk)
    summary = reports.cross_board_summary(snapshot, review)
    log_page_view(request, snapshot)
    may_send = perms.can_manage_monitoring(request.user, snapshot.cycle.schedule.board)
    sent = snapshot.deliveries.filter(review=review).select_related("to_board", "sent_by")
    return render(
        request,
        "monitoring/reports/cross_board_summary.html",
        {
            **_common(),
            "summary": present.summary_page(summary),
            "download_links": _summary_downloads(snapshot, review),
            "send_links": present.send_links(summary) if may_send else [],
            "deliveries": present.delivery_links(sent),
            "crumbs": _crumbs(
                (snapshot.cycle.label, _href("monitoring:cycle_detail", pk=snapshot.cycle_id)),
                dashboard=False,
            ),
        },
    )


@require_safe
@login_required
def cross_board_summary_download(request: HttpRequest, pk: int, review_pk: int, fmt: str) -> HttpResponse:
    snapshot, review = _summary_for(request.user, pk, review_pk)
    fmt = _format(fmt)
    summary = reports.cross_board_summary(snapshot, review)
    _record_export(request, snapshot, report="cross_board_summary", fmt=fmt, review=review.pk)
    return _summary_file(summary, fmt)


def _summary_file(
    summary: reports.CrossBoardSummary, fmt: str, *, delivery_facts: list[tuple[str, str]] | None = None
) -> HttpResponse:
    if fmt == "pdf":
        content = rendering.summary_pdf(summary, delivery_facts=delivery_facts)
    else:
        content = rendering.summary_xlsx(summary)
    return _attachment(content, fmt, f"summary-{summary.review_reference}-{summary.taken_on:%Y-%m-%d}")


class SendSummaryForm(forms.Form):
    to_board = forms.TypedChoiceField(
        label="Which board should receive the summary?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the board to send the summary to",
            "invalid_choice": "Choose one of the boards that share this review",
        },
    )
    note = forms.CharField(
        label="Covering note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to the other board with the summary. Do not include children's details.",
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, boards: tuple[tuple[int, str], ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_board"].choices = list(boards)  # type: ignore[attr-defined]


@require_http_methods(FORM_METHODS)
@login_required
def send_summary(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    snapshot, review = _summary_for(request.user, pk, review_pk)
    board = snapshot.cycle.schedule.board
    if not perms.can_manage_monitoring(request.user, board):
        raise PermissionDenied("Only the board's business manager, chair or a subgroup chair can send this.")
    summary = reports.cross_board_summary(snapshot, review)
    initial = {
        "to_board": request.GET.get("to") or (summary.other_boards[0][0] if summary.other_boards else None)
    }
    form = SendSummaryForm(_posted(request), boards=summary.other_boards, initial=initial)
    if request.method == "POST" and form.is_valid():
        to_board = Board.objects.get(pk=form.cleaned_data["to_board"])
        try:
            delivery = services.send_cross_board_summary(
                actor=request.user,
                review=review,
                snapshot=snapshot,
                to_board=to_board,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The summary has been sent to {to_board.short_name}")
            return redirect("monitoring:delivery_detail", pk=delivery.pk)
    if request.method != "POST":
        log_page_view(request, snapshot)
    back = reverse("monitoring:cross_board_summary", kwargs={"pk": snapshot.pk, "review_pk": review.pk})
    return render(
        request,
        "monitoring/reports/send_summary.html",
        {
            **_common(),
            "form": form,
            "summary": present.summary_page(summary),
            "back": back,
            "crumbs": _crumbs((summary.review_reference, back), dashboard=False),
        },
    )


def _delivery_for(user: Any, pk: int) -> Any:
    delivery = selectors.get_delivery_for(user, pk)
    if delivery.review is None:
        raise Http404("Not found")
    return delivery


@require_safe
@login_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery_for(request.user, pk)
    summary = reports.delivery_summary(delivery)
    log_page_view(request, delivery)
    return render(
        request,
        "monitoring/reports/delivery_detail.html",
        {
            **_common(),
            "summary": present.summary_page(summary),
            "delivery": {
                "from_board": delivery.from_board.short_name,
                "to_board": delivery.to_board.short_name,
                "facts": present.delivery_facts(delivery),
            },
            "download_links": present.downloads("monitoring:delivery_download", pk=delivery.pk),
            "crumbs": _crumbs(),
        },
    )


@require_safe
@login_required
def delivery_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    delivery = _delivery_for(request.user, pk)
    fmt = _format(fmt)
    summary = reports.delivery_summary(delivery)
    _record_export(request, delivery, report="cross_board_summary", fmt=fmt, snapshot=delivery.snapshot_id)
    return _summary_file(summary, fmt, delivery_facts=present.delivery_facts(delivery))


# --- Annual report extract ----------------------------------------------------------------------


def _board_for(user: Any, board_pk: int) -> Board:
    board = Board.objects.filter(pk=board_pk).first()
    if board is None or not perms.serves_board(user, board):
        raise Http404("Not found")
    return board


def _year_links(board: Board, *, around: int) -> list[dict[str, str]]:
    first, last = reports.report_years()
    years = [y for y in (last, last - 1, last - 2) if first <= y <= last and y != around]
    return [
        {
            "text": f"{board.short_name}, {y}",
            "href": reverse("monitoring:annual_report", kwargs={"board_pk": board.pk, "year": y}),
        }
        for y in years
    ]


def _annual_report_or_message(request: HttpRequest, board: Board, year: int) -> Any:
    """The report, or the message page's response for a year out of range or without data (never an empty
    document)."""
    try:
        report = reports.annual_report(board, year)
    except reports.YearOutOfRange as out:
        message = (
            f"There is no annual report extract for {year}: choose a year from {out.first} to {out.last}."
        )
    else:
        if report.has_data:
            return report
        message = (
            f"There is no monitoring data for {board.name} in {year}: no review of the board was monitoring "
            "actions, and no action it monitors was completed, assessed for impact or overdue that year."
        )
    return render(
        request,
        "monitoring/reports/annual_report.html",
        {
            "title": f"Annual report extract, {year}",
            "board_name": board.name,
            "message": message,
            "other_years": _year_links(board, around=year),
            "crumbs": _crumbs(),
        },
    )


@require_safe
@login_required
def annual_report(request: HttpRequest, board_pk: int, year: int) -> HttpResponse:
    board = _board_for(request.user, board_pk)
    report = _annual_report_or_message(request, board, year)
    if isinstance(report, HttpResponse):
        return report
    log_page_view(request, board)
    page = present.annual_report_page(report)
    return render(
        request,
        "monitoring/reports/annual_report.html",
        {
            "title": page["title"],
            "board_name": board.name,
            "report": page,
            "learning_note": rendering.LEARNING_NOTE,
            "download_links": present.downloads(
                "monitoring:annual_report_download", board_pk=board.pk, year=year
            ),
            "crumbs": _crumbs(),
        },
    )


@require_safe
@login_required
def annual_report_download(request: HttpRequest, board_pk: int, year: int, fmt: str) -> HttpResponse:
    board = _board_for(request.user, board_pk)
    fmt = _format(fmt)
    report = _annual_report_or_message(request, board, year)
    if isinstance(report, HttpResponse):
        return report
    _record_export(request, board, report="annual_report", fmt=fmt, year=year)
    content = rendering.annual_report_pdf(report) if fmt == "pdf" else rendering.annual_report_xlsx(report)
    return _attachment(content, fmt, f"annual-report-{board.short_name}-{year}")


# --- Dashboard ----------------------------------------------------------------------------------


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Aggregate counts only (no child's or action's details), so the page view itself is not logged."""
    dash = reports.dashboard(request.user)
    return render(
        request,
        "monitoring/reports/dashboard.html",
        {
            **_common(),
            "dash": present.dashboard_page(dash),
            "download_links": present.downloads("monitoring:dashboard_download"),
            "crumbs": _crumbs(dashboard=False),
        },
    )


@require_safe
@login_required
def dashboard_download(request: HttpRequest, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    dash = reports.dashboard(request.user)
    _record_export(request, None, report="dashboard", fmt=fmt)
    content = rendering.dashboard_pdf(dash) if fmt == "pdf" else rendering.dashboard_xlsx(dash)
    return _attachment(content, fmt, f"partnership-dashboard-{timezone.localdate():%Y-%m-%d}")


# --- Minutes ------------------------------------------------------------------------------------


@require_safe
@login_required
def minutes_download(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, pk)
    record = reports.minutes(meeting)
    _record_export(request, meeting, report="minutes", fmt="pdf")
    content = rendering.minutes_pdf(record)
    return _attachment(content, "pdf", f"minutes-{record.subgroup}-{record.held_on:%Y-%m-%d}")
