"""One shape for every API error: {"detail": "...", "code": "...", "errors": {field: [messages]}}.

A stale edit (safeguard.core.concurrency.StaleEdit) is a 409 with code "stale" and the record's current
values under "current", so the client can show them and reapply its change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from safeguard.core.concurrency import StaleEdit


class ErrorOut(serializers.Serializer):
    """The body of every API error response, for the schema."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # A field's messages are a list, or a nested object for a nested serializer. (DRF's metaclass moves
    # declared fields out of the class, so this does not shadow Serializer.errors.)
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Field name to its messages; present on 400 responses only."
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, StaleEdit):
        # Optimistic concurrency: the record changed since the client read it; nothing was written.
        return Response(exc.payload(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        # The same answer for "missing" and "not yours".
        return Response({"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": "The request has errors.", "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    return response
