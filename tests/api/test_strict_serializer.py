"""StrictSerializer: a request body naming a field the operation does not take is refused."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from safeguard.core.api import StrictModelSerializer, StrictSerializer
from safeguard.people.models import Agency


class ActionIn(StrictSerializer):
    title = serializers.CharField(max_length=50)
    due_on = serializers.DateField(required=False)
    status = serializers.CharField(read_only=True)


class PlanIn(StrictSerializer):
    name = serializers.CharField()
    actions = ActionIn(many=True)


class AgencyIn(StrictModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name"]


def test_strict_serializer_accepts_known_fields() -> None:
    serializer = ActionIn(data={"title": "Train staff", "due_on": "2026-03-02"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["title"] == "Train staff"


def test_strict_serializer_refuses_an_unknown_field() -> None:
    serializer = ActionIn(data={"title": "Train staff", "due_date": "2026-03-02"})
    assert not serializer.is_valid()
    assert serializer.errors == {"due_date": ["Unexpected field."]}


def test_strict_serializer_gives_unknown_fields_their_own_error_code() -> None:
    serializer = ActionIn(data={"title": "Train staff", "due_date": "2026-03-02"})
    assert not serializer.is_valid()
    assert serializer.errors["due_date"][0].code == "unexpected_field"


def test_strict_serializer_refuses_a_read_only_field() -> None:
    serializer = ActionIn(data={"title": "Train staff", "status": "closed"})
    assert not serializer.is_valid()
    assert serializer.errors == {"status": ["This field is read-only."]}


def test_strict_serializer_reports_unknown_fields_with_the_other_errors() -> None:
    serializer = ActionIn(data={"due_on": "not a date", "colour": "red"})
    assert not serializer.is_valid()
    assert set(serializer.errors) == {"title", "due_on", "colour"}
    assert serializer.errors["colour"] == ["Unexpected field."]


def test_strict_serializer_refuses_an_unknown_field_in_a_nested_item() -> None:
    serializer = PlanIn(data={"name": "Plan", "actions": [{"title": "A"}, {"title": "B", "owner": 3}]})
    assert not serializer.is_valid()
    # DRF reports a list's item errors by index.
    assert serializer.errors == {"actions": {1: {"owner": ["Unexpected field."]}}}


def test_strict_serializer_still_refuses_a_body_that_is_not_an_object() -> None:
    serializer = ActionIn(data=["title"])
    assert not serializer.is_valid()
    assert "non_field_errors" in serializer.errors


def test_strict_model_serializer_refuses_an_unknown_field(db) -> None:
    serializer = AgencyIn(data={"name": "Test Police", "sector": "police"})
    assert not serializer.is_valid()
    assert serializer.errors == {"sector": ["Unexpected field."]}


class _EchoView(APIView):
    def post(self, request):
        serializer = ActionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


def test_strict_serializer_error_reaches_the_client_as_a_field_error(practitioner) -> None:
    request = APIRequestFactory().post("/x/", {"title": "A", "titel": "B"}, format="json")
    force_authenticate(request, user=practitioner)
    response = _EchoView.as_view()(request)
    assert response.status_code == 400
    assert response.data == {
        "detail": "The request has errors.",
        "code": "invalid",
        "errors": {"titel": ["Unexpected field."]},
    }
