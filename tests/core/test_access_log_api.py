"""Who viewed this record (GET /api/v1/access-log/<type>/<key>/): who may read it, and its query cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.core import access_api
from safeguard.core.models import AccessEvent, AccessVia
from safeguard.people.models import Role
from tests.factories import MembershipFactory, UserFactory


def _url(target, **query) -> str:
    url = reverse("api-access-log", kwargs={"target_type": "people.user", "target_id": str(target.pk)})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _views(target, viewers, *, start=None) -> None:
    start = start or timezone.now() - timedelta(days=1)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=start + timedelta(minutes=i),
            user=viewer,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            via=AccessVia.PAGE,
            route="people:account",
        )
        for i, viewer in enumerate(viewers)
    )


@pytest.fixture
def target(db):
    return UserFactory(full_name="Viewed Person")


@pytest.fixture
def auditor(db):
    return MembershipFactory(role=Role.AUDITOR, user__full_name="Audrey Auditor").user


@pytest.fixture
def scoped_people_users():
    """Auditors may read the log of user records whose key is in `allowed` (a test-only scope)."""
    allowed: set[str] = set()
    access_api.register_access_log_scope("people.user", lambda user, key: key in allowed)
    yield allowed
    access_api._scopes.pop("people.user", None)


def test_anonymous_is_asked_to_authenticate(client: Client, target) -> None:
    assert client.get(_url(target)).status_code == 401


def test_a_practitioner_is_refused(client: Client, target, practitioner) -> None:
    client.force_login(practitioner)
    assert client.get(_url(target)).status_code == 403


def test_an_administrator_reads_the_viewers_newest_first(client: Client, target, admin_user) -> None:
    first, second = UserFactory(full_name="First Viewer"), UserFactory(full_name="Second Viewer")
    _views(target, [first, second])
    client.force_login(admin_user)
    body = client.get(_url(target)).json()
    assert body["target_type"] == "people.user"
    assert body["target_id"] == str(target.pk)
    assert [row["user_name"] for row in body["results"]] == ["Second Viewer", "First Viewer"]
    assert body["results"][0]["via"] == "page"
    assert body["results"][0]["route"] == "people:account"


def test_limit_is_bounded(client: Client, target, admin_user) -> None:
    _views(target, [admin_user] * 5)
    client.force_login(admin_user)
    assert len(client.get(_url(target, limit=2)).json()["results"]) == 2
    for bad in ("0", "201", "x"):
        response = client.get(_url(target, limit=bad))
        assert response.status_code == 400
        assert "limit" in response.json()["errors"]


@pytest.mark.parametrize(
    ("target_type", "target_id"), [("nope.nothing", "1"), ("nodot", "1"), ("people.user", "x" * 65)]
)
def test_unknown_types_and_keys_are_not_found(client: Client, admin_user, target_type, target_id) -> None:
    client.force_login(admin_user)
    url = reverse("api-access-log", kwargs={"target_type": target_type, "target_id": target_id})
    assert client.get(url).status_code == 404


def test_an_auditor_is_refused_types_without_a_scope(client: Client, target, auditor) -> None:
    _views(target, [auditor])
    client.force_login(auditor)
    response = client.get(_url(target))
    assert response.status_code == 404
    assert "Audrey" not in response.content.decode()


def test_an_auditor_reads_records_in_scope_and_not_others(
    client: Client, target, auditor, scoped_people_users
) -> None:
    other = UserFactory()
    _views(target, [auditor])
    _views(other, [auditor])
    scoped_people_users.add(str(target.pk))
    client.force_login(auditor)
    assert client.get(_url(target)).status_code == 200
    outside = client.get(_url(other))
    missing = client.get(reverse("api-access-log", kwargs={"target_type": "people.user", "target_id": "0"}))
    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_an_ended_auditor_role_counts_for_nothing(
    client: Client, target, auditor, scoped_people_users
) -> None:
    scoped_people_users.add(str(target.pk))
    auditor.memberships.update(ended_on=timezone.localdate())
    client.force_login(auditor)
    assert client.get(_url(target)).status_code == 403


def test_the_cost_does_not_grow_with_the_entries(client: Client, target, admin_user) -> None:
    client.force_login(admin_user)
    viewers = [UserFactory() for _ in range(3)]
    _views(target, viewers[:1])
    client.get(_url(target))  # warm the content-type cache
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(_url(target)).json()["results"]) == 1
    _views(target, viewers * 20)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(_url(target)).json()["results"]) == 50
    assert len(one) == len(many) <= 8, [q["sql"] for q in many.captured_queries]
