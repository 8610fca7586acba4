"""Who viewed this record: the access log of one record, newest first, for administrators and auditors.

    GET /api/v1/access-log/<app_label.model>/<key>/?limit=50

Administrators may read the log of any record. Auditors may read a record's log only where the app that
owns the record type says so: it registers a scope in its AppConfig.ready()::

    register_access_log_scope("casework.child", lambda user, key: child_in_users_boards(user, key))

Record types without a registered scope are for administrators only. For an auditor, a record outside
their scope, an unknown record type and a missing record all get the same 404; anyone else gets 403.
Whatever the number of entries, a request costs the same few queries (one for the entries and users).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguard.core.access import viewers_of
from safeguard.core.api_errors import ErrorOut

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
AUDITOR_ROLE = "auditor"  # people.Role.AUDITOR; core names roles without importing the people app
_KEY_MAX_LENGTH = 64

AccessLogScope = Callable[[Any, str], bool]
_scopes: dict[str, AccessLogScope] = {}


def register_access_log_scope(label: str, scope: AccessLogScope) -> AccessLogScope:
    """Let auditors read the access log of records of type `label` ("app_label.model") in their scope."""
    _scopes[label.lower()] = scope
    return scope


def _is_administrator(user: Any) -> bool:
    return bool(user.is_active and user.is_superuser)


def _is_auditor(user: Any) -> bool:
    has_role = getattr(user, "has_role", None)
    return bool(user.is_active and callable(has_role) and has_role(AUDITOR_ROLE))


class AccessEntryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    user_id = serializers.IntegerField()
    user_name = serializers.CharField()
    user_email = serializers.EmailField()
    via = serializers.CharField()
    route = serializers.CharField()
    break_glass_reason = serializers.CharField(allow_blank=True)


class AccessLogOut(serializers.Serializer):
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    results = AccessEntryOut(many=True)


class AccessLogView(APIView):
    """Who viewed one record: its latest access-log entries with the user of each, newest first."""

    @extend_schema(
        operation_id="access_log_retrieve",
        parameters=[
            OpenApiParameter(
                "target_type", OpenApiTypes.STR, OpenApiParameter.PATH, description='e.g. "people.user"'
            ),
            OpenApiParameter("target_id", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=False,
                description=f"At most this many entries (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}).",
            ),
        ],
        responses={200: AccessLogOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    )
    def get(self, request: Request, target_type: str, target_id: str) -> Response:
        user = request.user
        administrator = _is_administrator(user)
        if not administrator and not _is_auditor(user):
            raise PermissionDenied("Only administrators and auditors may read the access log.")
        limit = _limit(request.query_params.get("limit"))
        label = target_type.lower()
        scope = _scopes.get(label)
        if not administrator and (scope is None or not scope(user, target_id)):
            raise Http404
        model = _model_for(label)
        if model is None or not target_id or len(target_id) > _KEY_MAX_LENGTH or "\x00" in target_id:
            raise Http404
        # viewers_of reads by type and key only: an unsaved instance carrying the key is enough, and
        # the log of a record since deleted stays readable.
        target = model(pk=target_id)
        entries = viewers_of(target, limit=limit)
        data = {
            "target_type": label,
            "target_id": target_id,
            "results": [
                {
                    "at": entry.at,
                    "user_id": entry.user_id,
                    "user_name": entry.user.get_full_name(),
                    "user_email": entry.user.email,
                    "via": entry.via,
                    "route": entry.route,
                    "break_glass_reason": entry.break_glass_reason,
                }
                for entry in entries
            ],
        }
        return Response(AccessLogOut(data).data)


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]})
    return value


def _model_for(label: str) -> Any:
    app_label, _, model_name = label.partition(".")
    if not app_label or not model_name:
        return None
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        return None
    return content_type.model_class()
