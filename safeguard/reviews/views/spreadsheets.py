"""Exporting action lists and importing trackers.

- `actions_export`: the all-actions list, with the same filters (read by the list's own form), as CSV
  (streamed line by line) or XLSX (streamed as it is zipped); recorded in the audit trail and the access
  log (one row per review the export touches, written in one statement).
- `import_start` -> `import_detail` -> `import_progress`: upload a tracker for a review, check the header
  row and the columns against a preview, then follow the background import; a file with errors comes back
  with its per-row report and nothing written.

Import pages are for the review's managers; anyone else gets the same 404 as for a missing record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguard.core.access import log_access, log_accesses
from safeguard.core.audit import record_event
from safeguard.core.govuk_forms import add_service_errors
from safeguard.core.models import AccessVia
from safeguard.core.xlsx_stream import CONTENT_TYPE as XLSX_CONTENT_TYPE
from safeguard.reviews import permissions as perms
from safeguard.reviews import selectors
from safeguard.reviews.forms.spreadsheets import (
    ActionFilterForm,
    ColumnMappingForm,
    HeaderRowForm,
    TrackerUploadForm,
)
from safeguard.reviews.models import ImportStatus, Review, TrackerImport
from safeguard.reviews.spreadsheets import export, importer, reader

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX_CONTENT_TYPE,
}
FORM_METHODS = ["GET", "HEAD", "POST"]


# --- Export -----------------------------------------------------------------------------------------


def _filter_values(form: ActionFilterForm) -> dict[str, Any]:
    filters = form.filters()
    values = {name: value for name, value in vars(filters).items() if value not in (None, "", False)}
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in values.items()
    }


@require_safe
@login_required
def actions_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered action list as a tracker. A user who may see no actions gets the header row only."""
    if fmt not in FORMATS:
        raise Http404("Not found")
    form = ActionFilterForm(request.GET)
    actions = selectors.action_list(request.user, form.filters(), sort=form.sort())
    with transaction.atomic():
        count = actions.count()
        event = record_event(
            actor=request.user,
            action="actions.exported",
            changes={"format": fmt, "filters": _filter_values(form), "sort": form.sort(), "rows": count},
        )
        route = request.resolver_match.view_name if request.resolver_match else request.path
        log_access(user=request.user, target=event, via=AccessVia.EXPORT, route=route)
        review_ids = actions.order_by().values_list("plan__review_id", flat=True).distinct()
        log_accesses(
            user=request.user,
            model=Review,
            pks=Review.objects.filter(pk__in=review_ids).values_list("pk", flat=True),
            via=AccessVia.EXPORT,
            route=route,
        )
    filename = f"actions-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = export.iter_rows(actions)
    body = export.iter_csv(rows) if fmt == "csv" else export.iter_xlsx(rows)
    response = StreamingHttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Export-Rows"] = str(count)
    return response


# --- Import -----------------------------------------------------------------------------------------


def _review_to_import(user: Any, pk: Any) -> Review:
    review = selectors.get_review_for(user, pk)
    if not perms.can_manage_review(user, review):
        raise Http404("Not found")
    return review


def _import_for(user: Any, pk: Any) -> TrackerImport:
    """The uploader's import, or one of a review the user manages; the same 404 otherwise."""
    try:
        tracker = TrackerImport.objects.select_related("review", "created_by").get(pk=pk)
    except (TrackerImport.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if tracker.created_by_id != user.pk and not perms.can_manage_review(user, tracker.review):
        raise Http404("Not found")
    return tracker


def _review_crumbs(review: Review) -> list[dict[str, str]]:
    return [
        {"text": "Reviews", "href": reverse("reviews:register")},
        {"text": review.reference, "href": reverse("reviews:review_detail", kwargs={"pk": review.pk})},
    ]


@require_http_methods(FORM_METHODS)
@login_required
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_to_import(request.user, pk)
    form = (
        TrackerUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST"
        else TrackerUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        try:
            tracker = importer.start_import(
                actor=request.user, review=review, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            raise Http404("Not found") from None
        else:
            return redirect("reviews:import_detail", pk=tracker.pk)
    return render(
        request,
        "reviews/spreadsheets/import_start.html",
        {
            "form": form,
            "review": review,
            "crumbs": _review_crumbs(review),
            "columns": list(reader.FIELDS.values()),
        },
    )


def _progress_context(tracker: TrackerImport) -> dict[str, Any]:
    total = max(tracker.total_rows, 0)
    done = min(tracker.processed_rows, total) if total else 0
    percent = int(done * 100 / total) if total else 0
    if tracker.status == ImportStatus.QUEUED:
        phase = "Waiting to start"
    elif done < total:
        phase = f"Checking row {done:,} of {total:,}"
    else:
        phase = f"All {total:,} rows checked: writing the actions"
    return {
        "tracker": tracker,
        "finished": importer.is_finished(tracker),
        "total": total,
        "done": done,
        "percent": percent,
        "phase": phase,
        "progress_url": reverse("reviews:import_progress", kwargs={"pk": tracker.pk}),
        "detail_url": reverse("reviews:import_detail", kwargs={"pk": tracker.pk}),
    }


@require_http_methods(FORM_METHODS)
@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tracker = _import_for(request.user, pk)
    context: dict[str, Any] = {
        "tracker": tracker,
        "review": tracker.review,
        "crumbs": _review_crumbs(tracker.review),
        "status_label": ImportStatus(tracker.status).label,
        "errors": importer.error_report(tracker),
        "summary": _summary(tracker),
        **_progress_context(tracker),
    }
    editable = (
        tracker.status in {ImportStatus.UPLOADED, ImportStatus.INVALID}
        and tracker.created_by_id == request.user.pk
    )
    if not editable:
        if request.method == "POST":
            return redirect("reviews:import_detail", pk=tracker.pk)
        return render(request, "reviews/spreadsheets/import_detail.html", context)

    try:
        sheet = importer.load_sheet(tracker)
    except reader.ReadError as exc:  # pragma: no cover - the file was read at upload
        raise Http404("Not found") from exc
    header_form = HeaderRowForm(
        initial={"header_row": tracker.header_row}, choices=reader.candidate_header_rows(sheet)
    )
    labels = reader.header_labels(sheet, tracker.header_row)
    mapping_form = ColumnMappingForm(labels=labels, initial_mapping=tracker.mapping)
    form: Any = None
    if request.method == "POST":
        if request.POST.get("step") == "header":
            header_form = HeaderRowForm(request.POST, choices=reader.candidate_header_rows(sheet))
            form = header_form
            if header_form.is_valid():
                try:
                    importer.change_header_row(
                        actor=request.user, tracker=tracker, header_row=header_form.cleaned_data["header_row"]
                    )
                except ValidationError as error:
                    add_service_errors(header_form, error)
                else:
                    return redirect("reviews:import_detail", pk=tracker.pk)
        else:
            mapping_form = ColumnMappingForm(request.POST, labels=labels, initial_mapping=tracker.mapping)
            form = mapping_form
            if mapping_form.is_valid():
                try:
                    importer.queue_import(actor=request.user, tracker=tracker, mapping=mapping_form.mapping())
                except ValidationError as error:
                    for message in error.messages:
                        mapping_form.add_error(None, message)
                else:
                    messages.success(request, "The tracker is being imported")
                    return redirect("reviews:import_detail", pk=tracker.pk)
    context.update(
        {
            "form": form,
            "header_form": header_form,
            "mapping_form": mapping_form,
            "labels": labels,
            "preview": reader.preview(sheet, tracker.header_row),
            "editable": True,
        }
    )
    return render(request, "reviews/spreadsheets/import_detail.html", context)


def _summary(tracker: TrackerImport) -> dict[str, Any] | None:
    if tracker.status != ImportStatus.DONE:
        return None
    from django.contrib.contenttypes.models import ContentType

    from safeguard.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action="tracker_import.done",
            target_type=ContentType.objects.get_for_model(TrackerImport),
            target_id=str(tracker.pk),
        )
        .order_by("-sequence")
        .values_list("changes", flat=True)
        .first()
    )
    return event or {}


@require_safe
@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, for htmx to poll; when the import ends it asks the page to reload."""
    tracker = _import_for(request.user, pk)
    response = render(request, "reviews/spreadsheets/_progress.html", _progress_context(tracker))
    if importer.is_finished(tracker) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
