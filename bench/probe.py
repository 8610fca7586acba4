"""In-process look at the benchmark database, run by bench/run.py in a subprocess.

    python bench/probe.py app        -> ids of the scale personas and of the pages' records, the
                                        administrator's API token, the shape of the data (how many
                                        actions in each status and RAG, what each persona sees, the
                                        children, caseload and MASH queue behind the casework pages), how
                                        the data were generated and, for every page, the queries one
                                        request costs on Safeguard
    python bench/probe.py baseline   -> the queries one request costs on the baseline

Queries are counted with Django's test client and CaptureQueriesContext, on the second request to each
page (the first warms per-process caches such as content types).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _count(client: Any, path: str, **headers: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    return {"status": response.status_code, "queries": len(captured.captured_queries)}


def find_ids() -> dict[str, Any]:
    """The personas and the records the pages show (see bench/pages.py)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from safeguard.casework import permissions as case_perms
    from safeguard.casework.models import ChronologyEntry
    from safeguard.core.scale import (
        SCALE_ADMIN_EMAIL,
        SCALE_MASH_EMAIL,
        SCALE_MONITOR_EMAIL,
        SCALE_PRACTITIONER_EMAIL,
    )
    from safeguard.people.models import User
    from safeguard.reviews.models import Action, Review

    emails = (SCALE_ADMIN_EMAIL, SCALE_PRACTITIONER_EMAIL, SCALE_MONITOR_EMAIL, SCALE_MASH_EMAIL)
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    review = Review.objects.annotate(n=Count("plans__actions")).order_by("-n", "pk").first()
    action = (
        Action.objects.filter(plan__review=review)
        .annotate(history=Count("status_changes", distinct=True) + Count("updates", distinct=True))
        .order_by("-history", "pk")
        .first()
    )
    # The generator's hot child has more entries than any other; the search term is the family name most
    # common among the children the practitioner sees (through the real access rules).
    hot = (
        ChronologyEntry.objects.values("child_id").annotate(n=Count("pk")).order_by("-n", "child_id").first()
    )
    practitioner = User.objects.get(pk=users[SCALE_PRACTITIONER_EMAIL])
    term = (
        case_perms.visible_children(practitioner)
        .values("family_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "family_name")
        .first()
    )
    return {
        "admin_id": users[SCALE_ADMIN_EMAIL],
        "practitioner_id": users[SCALE_PRACTITIONER_EMAIL],
        "monitor_id": users[SCALE_MONITOR_EMAIL],
        "mash_id": users.get(SCALE_MASH_EMAIL),
        "hot_child_id": hot["child_id"] if hot else None,
        "hot_child_entries": hot["n"] if hot else 0,
        "child_search_term": term["family_name"] if term else "",
        "user_type_id": ContentType.objects.get_for_model(User).pk,
        "review_id": review.pk if review else None,
        "review_actions": review.n if review else 0,  # type: ignore[attr-defined]
        "board_id": review.lead_board_id if review else None,
        "action_id": action.pk if action else None,
    }


def data_shape(ids: dict[str, Any]) -> dict[str, Any]:
    """What the benchmark runs over: actions by status and RAG, and what each persona sees."""
    from safeguard.core import inbox
    from safeguard.core.models import AccessEvent, AuditEvent
    from safeguard.people.models import User
    from safeguard.reviews import permissions as perms
    from safeguard.reviews import selectors
    from safeguard.reviews.models import Action

    shape: dict[str, Any] = {
        "actions_by_status": dict(Counter(Action.objects.values_list("status", flat=True).iterator())),
        "actions_by_rag": selectors.rag_counts(selectors.actions_with_rag(Action.objects.all())),
        "hot_record_access_events": AccessEvent.objects.filter(
            target_type_id=ids["user_type_id"], target_id=str(ids["practitioner_id"])
        ).count(),
        "personas": {},
    }
    for persona in ("practitioner", "monitor"):
        user = User.objects.get(pk=ids[f"{persona}_id"])
        items = inbox.items_for(user)
        shape["personas"][persona] = {
            "my_work_items": dict(
                Counter(item.kind if item.kind in _REVIEW_KINDS else "Timescales" for item in items)
            ),
            "visible_actions": perms.visible_actions(user).count(),
        }
    shape["casework"] = casework_shape(ids)
    event = AuditEvent.objects.filter(action="scale.data_generated").order_by("-sequence").first()
    shape["generated"] = event.changes if event else None
    return shape


_REVIEW_KINDS = {"Action", "Evidence to decide", "Impact to assess"}


def casework_shape(ids: dict[str, Any]) -> dict[str, Any]:
    """What the casework pages run over: the practitioner's children and caseload, the search's matches,
    the MASH persona's children and queue."""
    from safeguard.casework import permissions as perms
    from safeguard.casework import selectors
    from safeguard.casework.models import Child, ChronologyEntry, Contact, Involvement
    from safeguard.people.models import User

    practitioner = User.objects.get(pk=ids["practitioner_id"])
    shape: dict[str, Any] = {
        "children": Child.objects.count(),
        "chronology_entries": ChronologyEntry.objects.count(),
        "contacts_by_status": dict(Counter(Contact.objects.values_list("status", flat=True).iterator())),
        "hot_child_entries": ids.get("hot_child_entries", 0),
        "practitioner_children": perms.visible_children(practitioner).count(),
        "practitioner_caseload": Involvement.objects.filter(
            lead_practitioner=practitioner, ended_on__isnull=True
        ).count(),
        "search_term": ids.get("child_search_term", ""),
        "search_matches": selectors.search_children(practitioner, ids.get("child_search_term") or "").count(),
    }
    if ids.get("mash_id"):
        mash = User.objects.get(pk=ids["mash_id"])
        shape["mash_children"] = perms.visible_children(mash).count()
        shape["mash_queue"] = selectors.contact_queue(mash).count()
    return shape


def probe_app() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from django.test import Client

    from bench.pages import PAGES
    from safeguard.core.api_tokens import issue_api_token
    from safeguard.people.models import User

    ids = find_ids()
    admin = User.objects.get(pk=ids["admin_id"])
    # A new key each run (only a digest is stored, so an earlier key cannot be read back).
    token = issue_api_token(user=admin, rotate=True, system_process="bench")
    personas = {
        name: User.objects.get(pk=ids[f"{name}_id"]) for name in ("admin", "practitioner", "monitor", "mash")
    }
    queries = {}
    for page in PAGES:
        client = Client()
        if page.auth == "token":
            queries[page.key] = _count(client, page.app_path(ids), authorization=f"Token {token.key}")
        else:
            client.force_login(personas[page.persona])
            queries[page.key] = _count(client, page.app_path(ids))
    return {"ids": ids, "token": token.key, "queries": queries, "shape": data_shape(ids)}


def probe_baseline(ids: dict[str, object]) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline.settings")
    import django

    django.setup()
    from django.test import Client

    from bench.pages import PAGES

    return {"queries": {page.key: _count(Client(), page.baseline_path(ids)) for page in PAGES}}


if __name__ == "__main__":
    which = sys.argv[1]
    result = probe_app() if which == "app" else probe_baseline(json.loads(sys.argv[2]))
    print("PROBE " + json.dumps(result, default=str))
