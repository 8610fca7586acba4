"""Every API error has one JSON shape: {"detail", "code"} and, for bad input, "errors" by field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView


def _raising(exc: Exception):
    class View(APIView):
        def post(self, request):
            raise exc

    return View.as_view()


class _ParsingView(APIView):
    def post(self, request):
        return Response(dict(request.data))


@pytest.fixture
def post(practitioner):
    def send(view, body='{"a": 1}'):
        request = APIRequestFactory().post("/x/", body, content_type="application/json")
        force_authenticate(request, user=practitioner)
        return view(request)

    return send


def test_django_validation_error_becomes_field_errors(post) -> None:
    response = post(_raising(ValidationError({"due_on": ["Must be a working day."]})))
    assert response.status_code == 400
    assert response.data == {
        "detail": "The request has errors.",
        "code": "invalid",
        "errors": {"due_on": ["Must be a working day."]},
    }


def test_django_validation_error_without_a_field_is_a_non_field_error(post) -> None:
    response = post(_raising(ValidationError("Stale version.")))
    assert response.status_code == 400
    assert response.data["errors"] == {"non_field_errors": ["Stale version."]}


def test_missing_and_not_yours_give_the_same_404(post) -> None:
    response = post(_raising(Http404("Child 12 is not visible to user 3")))
    assert response.status_code == 404
    assert response.data == {"detail": "Not found.", "code": "not_found"}


def test_django_permission_denied_is_403_json(post) -> None:
    response = post(_raising(PermissionDenied("Only the monitoring subgroup can accept evidence.")))
    assert response.status_code == 403
    assert response.data == {
        "detail": "Only the monitoring subgroup can accept evidence.",
        "code": "permission_denied",
    }


def test_malformed_json_is_400_json(post) -> None:
    response = post(_ParsingView.as_view(), body='{"a": ')
    assert response.status_code == 400
    assert response.data["code"] == "parse_error"
