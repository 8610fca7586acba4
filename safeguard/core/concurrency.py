"""Optimistic concurrency for editable records: a stale save is refused and shows what changed.

A record that people edit carries `version = models.PositiveIntegerField(default=1)`. An edit page or an
API client reads the version with the record and sends it back with the change; `save_versioned` writes
the change only if the row still has that version, and bumps it in the same statement:

    UPDATE ... SET <fields>, version = version + 1 WHERE id = %s AND version = <expected>

No row updated means someone else saved in between: nothing is written and `StaleEdit` carries the row as
it is now (and who changed it, when the model says so), for the page or the API to show. A single
conditional UPDATE needs no lock held across the user's think time and behaves the same on SQLite and
PostgreSQL (on PostgreSQL a concurrent writer waits for the row, then re-checks the version).

Services call `save_versioned` inside their transaction (DESIGN rule 1); forms use `VersionedFormMixin`
for the hidden version and the error; the API's exception handler turns `StaleEdit` into a 409.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F
from django.utils import timezone

VERSION_FIELD = "version"
STALE_MESSAGE = "Someone else changed this record while you were editing it"
NOT_SAVED = "Your changes have not been saved."


@dataclass(frozen=True)
class CurrentValue:
    """One field of the row as it is now: its label, its stored value and how a person reads it."""

    name: str
    label: str
    value: Any
    display: str


@dataclass(eq=False)  # an exception compares and hashes by identity
class StaleEdit(Exception):
    """The record changed since the caller read it; nothing was written."""

    model: type[models.Model]
    pk: Any
    expected_version: int
    current_version: int
    current: dict[str, CurrentValue] = field(default_factory=dict)
    changed_at: datetime | None = None
    changed_by: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"{self.model._meta.label} {self.pk} is at version {self.current_version}, "
            f"not {self.expected_version}: {STALE_MESSAGE.lower()}"
        )

    def current_values(self) -> dict[str, Any]:
        """The row's values as plain JSON values (foreign keys as ids), with its version."""
        values = {name: current.value for name, current in self.current.items()}
        values[VERSION_FIELD] = self.current_version
        return json.loads(json.dumps(values, cls=DjangoJSONEncoder))

    def payload(self) -> dict[str, Any]:
        """The body of the API's 409 answer."""
        body: dict[str, Any] = {
            "detail": f"{STALE_MESSAGE}. {NOT_SAVED} Fetch the record again and reapply your change.",
            "code": "stale",
            "current": self.current_values(),
        }
        if self.changed_at is not None:
            body["changed_at"] = self.changed_at.isoformat()
        if self.changed_by:
            body["changed_by"] = self.changed_by
        return body


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _editable_fields(model: type[models.Model], names: list[str]) -> list[models.Field]:
    if not _has_field(model, VERSION_FIELD):
        raise ImproperlyConfigured(
            f"{model._meta.label} has no `{VERSION_FIELD}` field to check edits against."
        )
    resolved = []
    for name in names:
        model_field = model._meta.get_field(name)
        if (
            not isinstance(model_field, models.Field)
            or not model_field.concrete
            or model_field.many_to_many
            or model_field.primary_key
            or name == VERSION_FIELD
        ):
            raise ImproperlyConfigured(f"{model._meta.label}.{name} cannot be saved by save_versioned.")
        resolved.append(model_field)
    return resolved


def save_versioned(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` if its row is still at `expected_version`; raise StaleEdit if not.

    On success the row's version is `expected_version + 1`, and so is `instance.version`. An `updated_at`
    field is refreshed with the change. Raises the model's DoesNotExist if the row has gone.
    """
    model = type(instance)
    values: dict[str, Any] = {}
    for model_field in _editable_fields(model, fields):
        # pre_save gives the value to store (and sets auto_now fields on the instance).
        values[model_field.attname] = model_field.pre_save(instance, add=False)
    if _has_field(model, "updated_at") and "updated_at" not in fields:
        values["updated_at"] = timezone.now()
    updated = model._base_manager.filter(pk=instance.pk, **{VERSION_FIELD: expected_version}).update(
        **values, **{VERSION_FIELD: F(VERSION_FIELD) + 1}
    )
    if updated == 0:
        raise stale_edit_for(model, instance.pk, expected_version=expected_version, fields=fields)
    if "updated_at" in values:
        instance.updated_at = values["updated_at"]  # type: ignore[attr-defined]
    setattr(instance, VERSION_FIELD, expected_version + 1)


def stale_edit_for(
    model: type[models.Model], pk: Any, *, expected_version: int, fields: list[str]
) -> StaleEdit:
    """Describe the row as it is now, for a caller that expected `expected_version`."""
    row = model._base_manager.get(pk=pk)  # DoesNotExist if it was removed: a different problem
    current = {}
    for model_field in _editable_fields(model, fields):
        name = model_field.name
        current[name] = CurrentValue(
            name=name,
            label=str(getattr(model_field, "verbose_name", name)),
            value=model_field.value_from_object(row),
            display=_display(row, model_field),
        )
    return StaleEdit(
        model=model,
        pk=pk,
        expected_version=expected_version,
        current_version=getattr(row, VERSION_FIELD),
        current=current,
        changed_at=getattr(row, "updated_at", None) if _has_field(model, "updated_at") else None,
        changed_by=_changed_by(model, row),
    )


def _display(row: models.Model, model_field: Any) -> str:
    if model_field.choices:
        return str(getattr(row, f"get_{model_field.name}_display")())
    if model_field.is_relation:
        related = getattr(row, model_field.name)
        return "" if related is None else str(related)
    value = model_field.value_from_object(row)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _when(value)
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _changed_by(model: type[models.Model], row: models.Model) -> str:
    """Who made the last change: the row's `updated_by`, else the actor of its latest audit event."""
    if _has_field(model, "updated_by"):
        user = getattr(row, "updated_by", None)
        return _person(user) if user is not None else ""
    if not _has_field(model, "updated_at"):
        return ""
    from django.contrib.contenttypes.models import ContentType

    from safeguard.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(model), target_id=str(row.pk))
        .exclude(actor=None)
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    return _person(event.actor) if event is not None else ""


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y %H:%M")


def _person(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "get_username", lambda: "")() or user)


# --- Forms -----------------------------------------------------------------------------------------------


class VersionedFormMixin(forms.BaseForm):
    """A hidden `version` field, and `add_stale_error` to show a refused save as a form error.

    For a ModelForm the version starts at the instance's; for a plain form pass `initial={"version": ...}`.
    The view calls its service with `expected_version=form.cleaned_data["version"]` and, on StaleEdit,
    `form.add_stale_error(stale)`; the page then shows what is stored now and carries the new version, so
    saving again is a deliberate choice made with the other person's change in view.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and VERSION_FIELD not in self.initial:
            self.initial[VERSION_FIELD] = getattr(instance, VERSION_FIELD)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data[VERSION_FIELD])

    def stale_message(self, stale: StaleEdit) -> str:
        changes = []
        for name, current in stale.current.items():
            if self.is_bound and name in self.fields and self._submitted(name) == current.value:
                continue  # what they sent is what is stored: nothing to point at
            label = str(self.fields[name].label or current.label) if name in self.fields else current.label
            changes.append(f"{label[:1].upper()}{label[1:]}: now '{current.display}'")
        who = ""
        if stale.changed_by:
            when = stale.changed_at
            who = f" ({stale.changed_by}{', ' + _when(when) if when is not None else ''})"
        listed = (": " + "; ".join(changes)) if changes else ""
        return f"{STALE_MESSAGE}{who}{listed}. {NOT_SAVED}"

    def _submitted(self, name: str) -> Any:
        cleaned = getattr(self, "cleaned_data", {})
        value = cleaned.get(name)
        return getattr(value, "pk", value)

    def add_stale_error(self, stale: StaleEdit) -> None:
        self.add_error(None, self.stale_message(stale))
        # Re-render with the stored version, so a second save knowingly replaces the other change.
        data = cast(Any, self.data).copy()  # a QueryDict (copies mutable) or a plain dict
        data[self.add_prefix(VERSION_FIELD)] = str(stale.current_version)
        self.data = data


def lock_row(model: type[models.Model], pk: Any) -> Any:
    """The row, locked for the rest of the transaction (services lock what they change)."""
    return model._default_manager.select_for_update().get(pk=pk)


def bump_version(instance: Any, *fields: str) -> None:
    """Save `fields` and add one to the row's version in the same UPDATE (with `updated_at` if it has one)."""
    instance.version = F(VERSION_FIELD) + 1
    update = [*fields, VERSION_FIELD]
    if hasattr(instance, "updated_at"):
        update.append("updated_at")
    instance.save(update_fields=update)
    instance.refresh_from_db(fields=[VERSION_FIELD])
