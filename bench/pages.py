"""The pages the benchmark measures: each Safeguard page beside its plain-Django baseline equivalent.

Add a page here when a module lands: name it, say which scale persona signs in and how (session through
the sign-in form, or the administrator's API token), and give the path on Safeguard and on the baseline.
`ids` holds what bench/probe.py found in the database:

- practitioner_id, monitor_id, mash_id, admin_id: the scale personas (safeguard.core.scale). The
  practitioner owns an average share of open clocks, leads a practitioner's share of actions and a
  caseload of their agency's children; the monitor is an agency safeguarding lead with a seat on their
  board's SCR subgroup (leads actions, judges evidence and impact); the MASH persona is a MASH officer of
  the first board's children's social care agency (sees the board's children and its contact queue);
- review_id: the review with the most actions (the generator's "hot" review, in monitoring), board_id its
  lead board (the monitor's); action_id: the action of that review with the longest history;
- user_type_id: the content type of people.User (the hot record of the access log is the practitioner);
- hot_child_id: the child with the most chronology entries (the generator's "hot" child, on the
  practitioner's caseload); child_search_term: the family name most common among the children the
  practitioner sees.

The baseline has no sign-in: its casework pages take the persona's user id in the path and apply the
same scoping (current involvements of the user's agencies; the boards of their MASH agencies) as plain
Django queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

Ids = dict[str, Any]


@dataclass(frozen=True)
class Page:
    key: str
    name: str
    persona: str  # "practitioner", "monitor", "mash" or "admin" (see safeguard.core.scale for the accounts)
    auth: str  # "session" (signed in through the form) or "token" (Authorization: Token ...)
    app_path: Callable[[Ids], str]
    baseline_path: Callable[[Ids], str]
    # A form posted once, in a session of its own, before the page is measured: (path, fields). The children
    # search keeps its words in the session rather than the address, so the search is posted first.
    prepare: Callable[[Ids], tuple[str, dict[str, str]]] | None = None


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
        "child_detail",
        "Child record with its chronology (hot child, practitioner)",
        "practitioner",
        "session",
        lambda ids: f"/children/{ids['hot_child_id']}/",
        lambda ids: f"/children/{ids['hot_child_id']}/",
    ),
    Page(
        "child_search",
        "Children search by name (practitioner)",
        "practitioner",
        "session",
        lambda ids: "/children/",
        lambda ids: f"/children/search/{ids['practitioner_id']}/?q={quote(str(ids['child_search_term']))}",
        prepare=lambda ids: ("/children/", {"q": str(ids["child_search_term"])}),
    ),
    Page(
        "mash_queue",
        "MASH queue (MASH officer)",
        "mash",
        "session",
        lambda ids: "/mash/",
        lambda ids: f"/mash/{ids['mash_id']}/",
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
