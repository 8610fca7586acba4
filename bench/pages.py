"""The pages the benchmark measures: each Safeguard page beside its plain-Django baseline equivalent.

Add a page here when a module lands (a child's record, a review's action list, ...): name it, say which
scale persona signs in and how (session through the sign-in form, or the administrator's API token), and
give the path on Safeguard and on the baseline. `ids` holds what bench/probe.py found in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Ids = dict[str, Any]


@dataclass(frozen=True)
class Page:
    key: str
    name: str
    persona: str  # "practitioner" or "admin" (see safeguard.core.scale for the accounts)
    auth: str  # "session" (signed in through the form) or "token" (Authorization: Token ...)
    app_path: Callable[[Ids], str]
    baseline_path: Callable[[Ids], str]


PAGES: tuple[Page, ...] = (
    Page(
        "my_work",
        "My work (practitioner's open clocks)",
        "practitioner",
        "session",
        lambda ids: "/my-work/",
        lambda ids: f"/clocks/{ids['practitioner_id']}/",
    ),
    Page(
        "user_list",
        "List: users (admin changelist, 50 a page)",
        "admin",
        "session",
        lambda ids: "/admin/people/user/",
        lambda ids: "/users/",
    ),
    Page(
        "user_detail",
        "Detail: one user (admin change page)",
        "admin",
        "session",
        lambda ids: f"/admin/people/user/{ids['practitioner_id']}/change/",
        lambda ids: f"/users/{ids['practitioner_id']}/",
    ),
    Page(
        "who_viewed",
        "Who viewed this record (access-log API, hot record)",
        "admin",
        "token",
        lambda ids: f"/api/v1/access-log/people.user/{ids['practitioner_id']}/",
        lambda ids: f"/viewers/{ids['user_type_id']}/{ids['practitioner_id']}/",
    ),
)
