"""In-process look at the benchmark database, run by bench/run.py in a subprocess.

    python bench/probe.py app        -> ids of the scale personas, the administrator's API token and,
                                        for every page, the queries one request costs on Safeguard
    python bench/probe.py baseline   -> the queries one request costs on the baseline

Queries are counted with Django's test client and CaptureQueriesContext, on the second request to each
page (the first warms per-process caches such as content types).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _count(client, path: str, **headers: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    return {"status": response.status_code, "queries": len(captured.captured_queries)}


def probe_app() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.pages import PAGES
    from safeguard.core.scale import SCALE_ADMIN_EMAIL, SCALE_PRACTITIONER_EMAIL
    from safeguard.people.models import User

    admin = User.objects.get(email=SCALE_ADMIN_EMAIL)
    practitioner = User.objects.get(email=SCALE_PRACTITIONER_EMAIL)
    token, _ = Token.objects.get_or_create(user=admin)
    ids = {
        "admin_id": admin.pk,
        "practitioner_id": practitioner.pk,
        "user_type_id": ContentType.objects.get_for_model(User).pk,
    }
    personas = {"admin": admin, "practitioner": practitioner}
    queries = {}
    for page in PAGES:
        client = Client()
        if page.auth == "token":
            queries[page.key] = _count(client, page.app_path(ids), authorization=f"Token {token.key}")
        else:
            client.force_login(personas[page.persona])
            queries[page.key] = _count(client, page.app_path(ids))
    return {"ids": ids, "token": token.key, "queries": queries}


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
    print("PROBE " + json.dumps(result))
