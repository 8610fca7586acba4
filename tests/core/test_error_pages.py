"""The 403 page says who can do what was refused, in the service's own words."""

from __future__ import annotations

import json

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from safeguard.core.views import permission_denied


def _refuse(path: str, exception: PermissionDenied):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return permission_denied(request, exception)


def test_the_403_page_shows_the_services_reason(db) -> None:
    response = _refuse("/actions/1/", PermissionDenied("Only the monitoring subgroup can accept evidence."))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Only the monitoring subgroup can accept evidence. Nothing has been changed." in page


def test_the_403_page_without_a_reason_says_the_role_does_not_allow_it(db) -> None:
    page = _refuse("/actions/1/", PermissionDenied()).content.decode()
    assert "Your role does not allow this. Nothing has been changed." in page


def test_an_api_403_carries_the_reason_as_its_detail(db) -> None:
    response = _refuse("/api/v1/actions/1/", PermissionDenied("Only administrators may do this."))
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "detail": "Only administrators may do this.",
        "code": "permission_denied",
    }
