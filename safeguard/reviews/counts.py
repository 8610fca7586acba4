"""RAG counts over everything a user may see, kept until the next audited write.

Why: the all-actions list and the review register show how many of the user's actions are red, amber,
green and blue. On a partnership's 100,000 actions that count runs the visibility rule over ~98,000 rows
(about 60 ms on PostgreSQL) on every page, four times what the page's own 50 rows cost.

Why it is safe to keep them: every change in Safeguard goes through a service that records an audit event
in the same transaction, so the audit chain's head (its sequence and hash) moves with every committed
change to reviews, plans, actions and roles. The key holds that head, who is asking and everything they
hold (their Viewer: roles, seats, memberships), today and the amber window's end, and the list's
filters. Any of these changing makes a new key; a count is never served for a state it was not computed
in. A change made around the services (a data migration, SQL by hand) shows once the entry expires:
`SAFEGUARD_COUNT_CACHE_SECONDS` (300 by default; 0 turns the cache off, as in tests).

The cache is Django's default cache (per process unless CACHES says otherwise); an entry is a few integers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from safeguard.core.audit import HEAD_PK
from safeguard.core.models import AuditChainHead
from safeguard.reviews import permissions as perms
from safeguard.reviews.rag import amber_until

T = TypeVar("T")


def _holdings(viewer: perms.Viewer) -> tuple[Any, ...]:
    return (
        viewer.pk,
        viewer.is_active,
        viewer.is_superuser,
        *(
            tuple(sorted(ids))
            for ids in (
                viewer.role_board_ids,
                viewer.managed_board_ids,
                viewer.seat_subgroup_ids,
                viewer.seat_board_ids,
                viewer.chaired_subgroup_ids,
                viewer.agency_ids,
                viewer.lead_agency_ids,
            )
        ),
    )


def count_key(viewer: perms.Viewer, name: str, filters: Any) -> str:
    """The cache key for one count: the audit head now, the viewer, the day, the filters."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).values_list("sequence", "hash").first()
    today = timezone.localdate()
    parts = (name, head, _holdings(viewer), today.isoformat(), amber_until(today).isoformat(), filters)
    return "reviews:counts:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def kept(viewer: perms.Viewer, name: str, filters: Any, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave for the same key; computed afresh when caching is off."""
    seconds = int(getattr(settings, "SAFEGUARD_COUNT_CACHE_SECONDS", 0))
    if seconds <= 0:
        return compute()
    key = count_key(viewer, name, filters)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
