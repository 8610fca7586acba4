"""What every record API viewset shares: parsing input strictly, calling a service, paging a list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from safeguard.core.api_errors import ErrorOut
from safeguard.core.api_schema import BAD_REQUEST, NOT_FOUND
from safeguard.core.transitions import InvalidTransition

ERROR_DESCRIPTIONS = {
    400: BAD_REQUEST,
    403: "Signed in and able to see the record, but not allowed to do this (the message says who may).",
    404: NOT_FOUND,
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation documents, all in the one error shape."""
    return {code: OpenApiResponse(ErrorOut, description=ERROR_DESCRIPTIONS[code]) for code in codes}


@contextmanager
def service_call(*, transition_field: str = "status") -> Iterator[None]:
    """Run a service. A move the transition table refuses becomes a field error on `transition_field`;
    Django's ValidationError and PermissionDenied are turned into 400 and 403 by the error handler."""
    try:
        yield
    except InvalidTransition as exc:
        raise ValidationError({transition_field: exc.messages}) from exc


def read_body(
    serializer_class: type[serializers.Serializer], request: Request, **context: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RecordViewSet(GenericViewSet):
    # Records are addressed as /<collection>/<int:id>/; every fetch goes through a scoped selector.
    # Viewsets here describe themselves in comments: drf-spectacular would copy a class docstring into
    # every operation's description.

    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_converter = "int"
    # No OPTIONS metadata: bodies differ per operation and are in the OpenAPI schema, so OPTIONS is a 405
    # like any other method an operation does not take.
    metadata_class = None

    def paged(self, queryset: QuerySet[Any], serializer_class: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        assert page is not None  # the project sets LimitOffsetPagination for every list
        return self.get_paginated_response(
            serializer_class(page, many=True, context={"request": self.request}).data
        )
