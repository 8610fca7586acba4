"""Fetching a record for a user: the same 404 for "missing" and "not yours".

Every app's `get_<thing>_for(user, pk)` goes through `get_visible_or_404`, with a queryset method
`visible_to(user)` that encodes who may see what. A refused read never says whether the record exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: models.QuerySet[M], pk: Any) -> M:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        # ValueError/TypeError: a malformed key is "not found" too, never a 500.
        raise Http404("Not found") from None
