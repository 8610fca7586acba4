"""Read-only views of Safeguard's tables (managed = False: the baseline never changes the schema)."""

from __future__ import annotations

from django.db import models


class User(models.Model):
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    is_active = models.BooleanField()
    date_joined = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "people_user"
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name


class AccessEvent(models.Model):
    at = models.DateTimeField()
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    target_type_id = models.IntegerField()
    target_id = models.CharField(max_length=64)
    via = models.CharField(max_length=10)
    route = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = "core_accessevent"

    def __str__(self) -> str:
        return f"{self.user_id} {self.target_id}"


class Clock(models.Model):
    owner = models.ForeignKey(User, on_delete=models.DO_NOTHING, related_name="+")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "core_clock"

    def __str__(self) -> str:
        return self.title
