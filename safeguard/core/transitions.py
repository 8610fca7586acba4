"""State machines shared by every app: the illegal-move error and the immutable status-history row.

Each tracked model keeps its states as `TextChoices` with one transition table beside it, and a
status-change subclass of `StatusChange` with its own vocabulary and foreign key. Services call
`check_move` before assigning a status, so a move the table does not allow is refused the same way
everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class InvalidTransition(ValidationError):
    """A move the transition table does not allow from the current state."""


def check_move(table: dict[str, frozenset[str]], current: str, target: str, labels: dict[str, str]) -> None:
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(
            f"This cannot move from \u201c{labels.get(current, current)}\u201d to \u201c{labels.get(target, target)}\u201d."
        )


class StatusChange(models.Model):
    """One immutable row of a status history: who moved the record from which state to which, when, why.

    Each tracked model has its own subclass, with its own state vocabulary and foreign key."""

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"
