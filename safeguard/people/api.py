from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguard.core.api_errors import ErrorOut
from safeguard.people.models import User


class MembershipOut(serializers.Serializer):
    agency_id = serializers.IntegerField()
    agency = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    role_label = serializers.CharField()


class BoardRoleOut(serializers.Serializer):
    board_id = serializers.IntegerField()
    board = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()


class SubgroupOut(serializers.Serializer):
    subgroup_id = serializers.IntegerField()
    subgroup = serializers.CharField()
    board = serializers.CharField()
    is_chair = serializers.BooleanField()


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    is_administrator = serializers.BooleanField()
    memberships = MembershipOut(many=True)
    board_roles = BoardRoleOut(many=True)
    subgroups = SubgroupOut(many=True)


class MeView(APIView):
    """Who am I: the signed-in user, their agencies and roles."""

    @extend_schema(responses={200: MeOut, 401: ErrorOut}, operation_id="me_retrieve")
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated has refused anyone else
        memberships = user.memberships.filter(ended_on__isnull=True).select_related("agency", "team")
        board_roles = user.board_roles.filter(ended_on__isnull=True).select_related("board")
        subgroups = user.subgroup_memberships.filter(ended_on__isnull=True).select_related("subgroup__board")
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "is_administrator": user.is_superuser,
            "memberships": [
                {
                    "agency_id": m.agency_id,
                    "agency": m.agency.name,
                    "team": m.team.name if m.team else None,
                    "role": m.role,
                    "role_label": m.get_role_display(),
                }
                for m in memberships
            ],
            "board_roles": [
                {
                    "board_id": r.board_id,
                    "board": r.board.name,
                    "role": r.role,
                    "role_label": r.get_role_display(),
                }
                for r in board_roles
            ],
            "subgroups": [
                {
                    "subgroup_id": s.subgroup_id,
                    "subgroup": s.subgroup.name,
                    "board": s.subgroup.board.name,
                    "is_chair": s.is_chair,
                }
                for s in subgroups
            ],
        }
        return Response(MeOut(data).data)
