"""Shared API building blocks.

Write serializers are strict: a request body that names a field the operation does not take is refused
with a field error instead of being silently ignored, so a client that misspells `due_date` or tries to
set `status` directly learns it at once and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import HiddenField
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

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


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """`?limit=&offset=` paging that refuses what it cannot use, instead of guessing.

    DRF's own class quietly ignores a `limit` or `offset` that is not a whole number, and passes any
    offset to the database, where one past 64 bits is a server error. Here either is refused with a
    400 field error, and the schema states the bounds.
    """

    max_limit = 500
    max_offset = 1_000_000_000
    _WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")

    def get_limit(self, request: Request) -> int | None:
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    def _bounded(self, request: Request, name: str, low: int, high: int, default: Any) -> Any:
        values = request.query_params.getlist(name)
        if not values:
            return default
        if len(values) > 1:
            # Which one would count is a guess; refuse rather than silently use the last.
            raise ValidationError({name: [ErrorDetail(f"Give {name} once.", code="invalid")]})
        raw = values[0]
        # ASCII digits only: int() would also take " 5", "1_0" and other scripts' digits.
        if not self._WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
            raise ValidationError(
                {name: [ErrorDetail(f"Must be a whole number from {low} to {high}.", code="invalid")]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


# --- Input typing shared by every API ------------------------------------------------------------
# JSON bodies are taken as typed: DRF would read "5" or 5.0 as the number 5, 0 as false and 5 as the text
# "5"; here a value of the wrong JSON type is refused, as the schema says it would be. (Multipart bodies,
# whose values are all text, use text and file fields only.)

PAGING_PARAMETERS = ("limit", "offset")


class JsonIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int:
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if type(data) is not bool:
            self.fail("invalid")
        return data


class JsonTextField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def read_filters(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Query parameters, validated: each given once (paging parameters belong to the paginator), and read
    as plain values, so an empty `?board=` is refused like any other value that is not an id rather than
    read as "not given", a boolean left out stays left out, and an unknown parameter is refused rather than
    silently ignored."""
    params: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    for name in request.query_params:
        if name in PAGING_PARAMETERS:
            continue
        values = request.query_params.getlist(name)
        if len(values) > 1:
            repeated[name] = ["Give this parameter once."]
        params[name] = values[-1]
    serializer = serializer_class(data=params, context={"request": request})
    if not serializer.is_valid() or repeated:
        raise ValidationError({**serializer.errors, **repeated})
    return dict(serializer.validated_data)
