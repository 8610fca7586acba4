from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from safeguard.core.registry import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user's roles, marked active for the current section."""
    user = getattr(request, "user", None)  # absent when a static-file 404 is rendered before auth runs
    if user is None or not user.is_authenticated:
        return {"navigation_items": []}
    items = []
    for item in navigation_for(request):
        href = reverse(item.url_name)
        items.append(
            {"href": href, "text": item.text, "active": request.path.startswith(href) and href != "/"}
        )
    return {"navigation_items": items}
