"""Administration pages for boards, agencies, teams, users and their roles.

Every save and delete made here is written to the audit trail with the administrator as the actor,
because these rows decide who may see what everywhere else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import models
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse

from safeguard.core.audit import record_event
from safeguard.people.models import (
    Agency,
    Board,
    BoardRole,
    Membership,
    Subgroup,
    SubgroupMembership,
    Team,
    User,
)


def _action(obj: models.Model, verb: str) -> str:
    return f"admin.{obj._meta.model_name}_{verb}"


class AuditedAdminMixin:
    """Record an audit event for every object saved or deleted through the admin, inlines included."""

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        fields = sorted(name for name in form.changed_data if name not in {"password1", "password2"})
        record_event(
            actor=request.user,
            action=_action(obj, "changed" if change else "added"),
            target=obj,
            changes={"fields": fields},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_event(
            actor=request.user, action=_action(obj, "deleted"), target=obj, changes={"was": str(obj)}
        )
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            record_event(
                actor=request.user, action=_action(obj, "deleted"), target=obj, changes={"was": str(obj)}
            )
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            record_event(actor=request.user, action=_action(obj, "added"), target=obj)
        for obj, fields in formset.changed_objects:
            record_event(
                actor=request.user,
                action=_action(obj, "changed"),
                target=obj,
                changes={"fields": sorted(fields)},
            )
        for obj in formset.deleted_objects:
            record_event(actor=request.user, action=_action(obj, "deleted"), changes={"was": str(obj)})


# --- Users ---------------------------------------------------------------------------------------------


def _clean_unique_email(form: forms.ModelForm) -> str:
    email = form.cleaned_data["email"].strip().lower()
    others = User.objects.filter(email__iexact=email)
    if form.instance.pk:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise forms.ValidationError("A user with this email address already exists.")
    return email


class UserCreationAdminForm(BaseUserCreationForm):
    """Add a user: e-mail, name and a password entered twice (checked against the password rules)."""

    class Meta:
        model = User
        fields = ("email", "full_name", "job_title")

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class UserChangeAdminForm(UserChangeForm):
    """Change a user: the password shows as its read-only hash summary with a link to reset it."""

    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("agency", "team")
    fields = ("agency", "team", "role", "started_on", "ended_on")


class BoardRoleInline(admin.TabularInline):
    model = BoardRole
    extra = 0
    fields = ("board", "role", "started_on", "ended_on")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name", "job_title")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "job_title", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "full_name", "job_title", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "memberships__agency", "board_roles__board")
    search_fields = ("email", "full_name", "job_title")
    ordering = ("email",)
    inlines = (MembershipInline, BoardRoleInline)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record_event(
                actor=request.user,
                action="admin.user_password_changed",
                target=self.get_object(request, unquote(id)),
            )
        return response

    def get_inlines(
        self, request: HttpRequest, obj: User | None
    ) -> list[type[admin.options.InlineModelAdmin]]:
        # Roles are added once the user exists, as Django's own add-user page works.
        return list(self.inlines) if obj is not None else []


# --- Organisations -------------------------------------------------------------------------------------


@admin.register(Board)
class BoardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "area", "jurisdiction")
    list_filter = ("jurisdiction",)
    search_fields = ("name", "short_name", "area")


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ("name",)


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sector", "local_authority_area", "is_active")
    list_filter = ("sector", "boards", "is_active")
    search_fields = ("name", "local_authority_area")
    filter_horizontal = ("boards",)
    inlines = (TeamInline,)


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "agency")
    list_filter = ("agency",)
    list_select_related = ("agency",)
    search_fields = ("name", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(Membership)
class MembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "agency", "team", "role", "started_on", "ended_on")
    list_filter = ("role", "agency")
    list_select_related = ("user", "agency", "team", "team__agency")
    search_fields = ("user__email", "user__full_name", "agency__name", "team__name")
    autocomplete_fields = ("user", "agency", "team")


@admin.register(BoardRole)
class BoardRoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "board", "role", "started_on", "ended_on")
    list_filter = ("role", "board")
    list_select_related = ("user", "board")
    search_fields = ("user__email", "user__full_name", "board__name")
    autocomplete_fields = ("user",)


class SubgroupMembershipInline(admin.TabularInline):
    model = SubgroupMembership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "is_chair", "started_on", "ended_on")


@admin.register(Subgroup)
class SubgroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "board", "kind")
    list_filter = ("board", "kind")
    list_select_related = ("board",)
    search_fields = ("name", "board__name", "board__short_name")
    inlines = (SubgroupMembershipInline,)
