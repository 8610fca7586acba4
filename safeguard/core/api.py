"""Shared API building blocks.

Write serializers are strict: a request body that names a field the operation does not take is refused
with a field error instead of being silently ignored, so a client that misspells `due_date` or tries to
set `status` directly learns it at once and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import HiddenField

UNEXPECTED_FIELD = "Unexpected field."
READ_ONLY_FIELD = "This field is read-only."


class StrictFieldsMixin:
    """Reject body keys that are not writable fields of the serializer.

    Unknown keys get "Unexpected field."; keys naming a read-only field get "This field is read-only."
    These are reported together with the ordinary field errors, in one response. Nested strict
    serializers check their own level.
    """

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            for key in data:
                field = fields.get(key)
                if field is None or isinstance(field, HiddenField):
                    errors[key] = [ErrorDetail(UNEXPECTED_FIELD, code="unexpected_field")]
                elif field.read_only:
                    errors[key] = [ErrorDetail(READ_ONLY_FIELD, code="read_only")]
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except ValidationError as exc:
            if not errors or not isinstance(exc.detail, dict):
                raise
            errors = {**exc.detail, **errors}
        if errors:
            raise ValidationError(errors)
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """Base for write serializers: unknown fields in the request body are refused."""


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The same strictness for model-backed write serializers."""
