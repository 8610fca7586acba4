"""Paging a list whose total the page already knows.

Django's `Paginator` counts its rows with a query of its own. A list that shows a breakdown of the same
rows (the all-actions list's RAG counts) has the total already, and on a large partnership each count
runs the whole visibility rule again; `CountedPaginator` takes the total instead of asking for it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count
