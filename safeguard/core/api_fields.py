"""Field types for the record APIs (reviews, monitoring, casework), and how the OpenAPI schema describes them.

- `EnumField`: a choice field whose enum is one named schema component (`ActionStatus`, `Rag`, ...). Naming
  the component here keeps drf-spectacular from guessing names when several models have a `status`.
- `StrictIn`: the base of every request body. It refuses unknown fields (`StrictSerializer`) and says so in
  the schema (`additionalProperties: false`), so schema-driven clients and fuzzers send only what we take.
- `RecordField`: a record named by id, looked up in a queryset scoped to the caller, so a record the caller
  cannot see gets the same "does not exist" as a missing one; ids beyond the database's range are refused
  as field errors rather than reaching the database.
- `DayField`: a date between 1900 and 2100; anything else is a typing slip, not a safeguarding date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from safeguard.core.api import JsonIntegerField, JsonTextField, StrictSerializer

# The largest key a 64-bit primary key can hold; larger numbers cannot name a record.
MAX_ID = 2**63 - 1
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
TEXT_MAX = 10_000


class EnumField(serializers.ChoiceField):
    """A choice field documented as the named enum component `enum_name`."""

    def __init__(
        self, choices: type[models.TextChoices], *, enum_name: str, blank_label: str = "", **kwargs: Any
    ):
        options: list[tuple[str, str]] = list(choices.choices)
        if blank_label:
            # The empty value is a real option here (e.g. "no override"), documented in the enum.
            options = [("", blank_label), *options]
            kwargs.setdefault("allow_blank", True)
        self.enum_name = enum_name
        super().__init__(choices=options, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "safeguard.core.api_fields.EnumField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: EnumField = self.target
        values = list(field.choices)
        description = "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items())
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": values, "description": description},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class StrictIn(StrictSerializer):
    """Base of the record APIs' request bodies (and query-parameter sets): unknown fields are refused."""


class StrictInExtension(OpenApiSerializerExtension):
    target_class = "safeguard.core.api_fields.StrictIn"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        if not type(self.target).__dict__.get("__doc__"):
            # Without a docstring of its own, a body would be described by its base class's.
            schema.pop("description", None)
        return schema


class RecordField(serializers.PrimaryKeyRelatedField):
    """A record by id, looked up in `scope(context)` (or `queryset` when no scope is given)."""

    def __init__(self, *, scope: Callable[[Any], models.QuerySet[Any]] | None = None, **kwargs: Any):
        self.scope = scope
        kwargs.setdefault("pk_field", JsonIntegerField(min_value=1, max_value=MAX_ID))
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        if self.scope is not None:
            return self.scope(self.context)
        return super().get_queryset()


class DayField(serializers.DateField):
    default_error_messages = {"out_of_range": f"Enter a date between {EARLIEST.year} and {LATEST.year}."}

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not EARLIEST <= day <= LATEST:
            self.fail("out_of_range")
        return day


def text(*, max_length: int = TEXT_MAX, required: bool = True, **kwargs: Any) -> JsonTextField:
    """A text input: a JSON string (a number is refused, not read as text). Blank passes through, so the
    service's own message ("Say why ...") is the one shown; `required` fields must still be present."""
    if not required:
        kwargs.setdefault("default", "")
    return JsonTextField(max_length=max_length, required=required, allow_blank=True, **kwargs)


class IdsField(serializers.ListField):
    """The ids of a to-many relation (read from a prefetched manager, so no query per row)."""

    child = serializers.IntegerField()

    def to_representation(self, data: Any) -> list[int]:
        return [item.pk for item in data.all()]


class SlugsField(serializers.ListField):
    """The slugs of a to-many relation (read from a prefetched manager)."""

    child = serializers.CharField()

    def to_representation(self, data: Any) -> list[str]:
        return [item.slug for item in data.all()]
