"""What every monitoring view shares: reading the POST, refusing with a message, logging a view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguard.core.access import log_page_view

FORM_METHODS = ["GET", "HEAD", "POST"]


def posted(request: HttpRequest) -> Any:
    # Not `request.POST or None`: an empty POST must still be validated (and show its errors).
    return request.POST if request.method == "POST" else None


def viewing(request: HttpRequest, target: Any) -> None:
    """Record the view of a page about a monitoring record (form re-renders after a POST are not new views)."""
    if request.method != "POST":
        log_page_view(request, target)


def refuse(request: HttpRequest, message: str, *, crumbs: list[dict[str, str]] | None = None) -> HttpResponse:
    """403 for someone who may see the record but not do this: the service's own words, nothing changed."""
    return render(request, "monitoring/refused.html", {"message": message, "crumbs": crumbs}, status=403)
