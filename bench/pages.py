"""The pages the benchmark measures: each Safeguard page beside its plain-Django baseline equivalent.

Add a page here when a module lands (a child's record, ...): name it, say which scale persona signs in
and how (session through the sign-in form, or the administrator's API token), and give the path on
Safeguard and on the baseline. `ids` holds what bench/probe.py found in the database:

- practitioner_id, monitor_id, admin_id: the scale personas (safeguard.core.scale). The practitioner owns
  an average share of open clocks and leads a practitioner's share of actions; the monitor is an agency
  safeguarding lead with a seat on their board's SCR subgroup (leads actions, judges evidence and impact);
- review_id: the review with the most actions (the generator's "hot" review, in monitoring), board_id its
  lead board (the monitor's); action_id: the action of that review with the longest history;
- user_type_id: the content type of people.User (the hot record of the access log is the practitioner).
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
    persona: str  # "practitioner", "monitor" or "admin" (see safeguard.core.scale for the accounts)
    auth: str  # "session" (signed in through the form) or "token" (Authorization: Token ...)
    app_path: Callable[[Ids], str]
    baseline_path: Callable[[Ids], str]


PAGES: tuple[Page, ...] = (
    Page(
        "my_work",
        "My work: practitioner (open clocks, actions led)",
        "practitioner",
        "session",
        lambda ids: "/my-work/",
        lambda ids: f"/work/{ids['practitioner_id']}/",
    ),
    Page(
        "my_work_monitor",
        "My work: subgroup member (actions led, evidence to decide, impact to assess)",
        "monitor",
        "session",
        lambda ids: "/my-work/",
        lambda ids: f"/work/{ids['monitor_id']}/",
    ),
    Page(
        "action_list",
        "List: all actions (/actions/, 50 a page)",
        "monitor",
        "session",
        lambda ids: "/actions/",
        lambda ids: "/actions/",
    ),
    Page(
        "action_list_filtered",
        "List: all actions, one board's red ones",
        "monitor",
        "session",
        lambda ids: f"/actions/?board={ids['board_id']}&rag=red",
        lambda ids: f"/actions/?board={ids['board_id']}&rag=red",
    ),
    Page(
        "action_detail",
        "Detail: one action (/actions/<id>/)",
        "monitor",
        "session",
        lambda ids: f"/actions/{ids['action_id']}/",
        lambda ids: f"/actions/{ids['action_id']}/",
    ),
    Page(
        "review_detail",
        "Detail: the review with the most actions (/reviews/<id>/)",
        "monitor",
        "session",
        lambda ids: f"/reviews/{ids['review_id']}/",
        lambda ids: f"/reviews/{ids['review_id']}/",
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
