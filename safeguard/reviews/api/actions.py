"""Actions: the one list across reviews, and every step of an action's life as its own operation.

draft -> agreed (by plan approval) -> in progress (first update) -> completed (evidence submitted) ->
evidence accepted -> impact assessed -> closed; evidence can be returned and an action reopened,
reprogrammed or given the board's RAG. Nothing here assigns `status`: each operation calls its service.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safeguard.core.access import log_api_view
from safeguard.core.api import read_filters
from safeguard.core.api_views import RecordViewSet, errors, read_body, service_call
from safeguard.core.scoping import get_visible_or_404
from safeguard.reviews import permissions as perms
from safeguard.reviews import selectors, services
from safeguard.reviews.api.reviews import action_out, actions_for
from safeguard.reviews.api.serializers import (
    ActionFiltersIn,
    ActionOut,
    CriterionIn,
    CriterionOut,
    EvidenceDecisionIn,
    EvidenceIn,
    EvidenceOut,
    EvidenceReturnIn,
    EvidenceUploadIn,
    ImpactIn,
    ImpactOut,
    NoteIn,
    RagOverrideIn,
    ReasonIn,
    ReprogrammeIn,
    StatusChangeOut,
    UpdateIn,
    UpdateOut,
)
from safeguard.reviews.models import Action

TRANSITION_ERRORS = errors(400, 403, 404)


def _transition(operation_id: str, summary: str, request: Any, description: str = "") -> Any:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request=request,
        responses={200: ActionOut, **TRANSITION_ERRORS},
    )


@extend_schema(tags=["actions"])
class ActionViewSet(RecordViewSet):
    # Every action the caller may see, with its RAG, whatever plan or review it belongs to.

    queryset = Action.objects.none()  # for the schema only; reads go through actions_for(user)

    def _action(self, request: Request, id: int) -> Action:
        return selectors.get_action_for(request.user, id, viewer=perms.request_viewer(request))

    @extend_schema(
        operation_id="actions_list",
        parameters=[ActionFiltersIn],
        responses={200: ActionOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(ActionFiltersIn, request)
        sort = filters.pop("sort", "due")
        return self.paged(actions_for(request.user, selectors.ActionFilters(**filters), sort=sort), ActionOut)

    @extend_schema(operation_id="actions_retrieve", responses={200: ActionOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        found = get_visible_or_404(actions_for(request.user), id)
        log_api_view(request, found)
        return Response(ActionOut(found).data)

    # --- Drafting ---------------------------------------------------------------------------------

    @extend_schema(
        operation_id="actions_criteria_create",
        summary="Add a success criterion to a draft action",
        request=CriterionIn,
        responses={201: CriterionOut, **errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="criteria", url_name="criteria")
    def criteria(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(CriterionIn, request)
        with service_call():
            criterion = services.add_success_criterion(actor=request.user, action=target, **data)
        return Response(CriterionOut(criterion).data, status=status.HTTP_201_CREATED)

    # --- Delivery: updates, evidence, completion ----------------------------------------------------

    @extend_schema(operation_id="actions_updates_list", responses={200: UpdateOut(many=True), **errors(404)})
    @action(detail=True, methods=["get"], url_path="updates", url_name="updates")
    def updates(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        log_api_view(request, target)
        return self.paged(target.updates.select_related("author").order_by("-written_at", "-pk"), UpdateOut)

    @extend_schema(
        operation_id="actions_updates_create",
        summary="Post a progress update",
        description="The first update on an agreed action moves it to in progress; claiming `at_risk` flags it.",
        request=UpdateIn,
        responses={201: UpdateOut, **errors(400, 403, 404)},
    )
    @updates.mapping.post
    def post_update(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(UpdateIn, request)
        with service_call():
            update = services.post_update(actor=request.user, action=target, **data)
        return Response(UpdateOut(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="actions_evidence_list", responses={200: EvidenceOut(many=True), **errors(404)}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="evidence",
        url_name="evidence",
        # A file comes as multipart/form-data; links and written accounts as JSON.
        parser_classes=[JSONParser, MultiPartParser],
    )
    def evidence(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        log_api_view(request, target)
        evidence = target.evidence.select_related("submitted_by").order_by("-submitted_at", "-pk")
        return self.paged(evidence, EvidenceOut)

    @extend_schema(
        operation_id="actions_evidence_create",
        summary="Submit evidence: a file (multipart/form-data, `upload`), a link or a written account (JSON)",
        request={"application/json": EvidenceIn, "multipart/form-data": EvidenceUploadIn},
        responses={201: EvidenceOut, **errors(400, 403, 404)},
    )
    @evidence.mapping.post
    def submit_evidence(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        is_upload = (request.content_type or "").startswith("multipart/")
        data = read_body(EvidenceUploadIn if is_upload else EvidenceIn, request)
        with service_call():
            submitted = services.submit_evidence(actor=request.user, action=target, **data)
        return Response(EvidenceOut(submitted).data, status=status.HTTP_201_CREATED)

    @_transition("actions_complete", "Mark the action complete: its evidence waits for a decision", NoteIn)
    @action(detail=True, methods=["post"], url_path="complete", url_name="complete")
    def complete(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(NoteIn, request)
        with service_call():
            services.complete_action(actor=request.user, action=target, note=data["note"])
        return action_out(request, target.pk)

    # --- Judgement: the monitoring subgroup, never the owning agency -----------------------------

    @_transition(
        "actions_accept_evidence",
        "Accept a piece of the action's evidence",
        EvidenceDecisionIn,
        "For the monitoring subgroup outside the owning agency. When no evidence is left pending, a "
        "completed action moves to evidence accepted.",
    )
    @action(detail=True, methods=["post"], url_path="accept-evidence", url_name="accept-evidence")
    def accept_evidence(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(EvidenceDecisionIn, request, action=target)
        with service_call(transition_field="evidence"):
            services.accept_evidence(actor=request.user, evidence=data["evidence"], note=data["note"])
        return action_out(request, target.pk)

    @_transition(
        "actions_return_evidence",
        "Return a piece of evidence with the reason",
        EvidenceReturnIn,
        "A completed action goes back to in progress.",
    )
    @action(detail=True, methods=["post"], url_path="return-evidence", url_name="return-evidence")
    def return_evidence(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(EvidenceReturnIn, request, action=target)
        with service_call(transition_field="evidence"):
            services.return_evidence(actor=request.user, evidence=data["evidence"], reason=data["reason"])
        return action_out(request, target.pk)

    @extend_schema(operation_id="actions_impact_list", responses={200: ImpactOut(many=True), **errors(404)})
    @action(detail=True, methods=["get"], url_path="impact", url_name="impact")
    def impact(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        log_api_view(request, target)
        assessments = target.impact_assessments.select_related("assessor").order_by("-assessed_at", "-pk")
        return self.paged(assessments, ImpactOut)

    @extend_schema(
        operation_id="actions_impact_create",
        summary="Assess the action's impact",
        request=ImpactIn,
        responses={201: ImpactOut, **errors(400, 403, 404)},
    )
    @impact.mapping.post
    def assess_impact(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(ImpactIn, request)
        with service_call():
            assessment = services.assess_impact(actor=request.user, action=target, **data)
        return Response(ImpactOut(assessment).data, status=status.HTTP_201_CREATED)

    @_transition("actions_close", "Close the action once its impact is assessed", NoteIn)
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(NoteIn, request)
        with service_call():
            services.close_action(actor=request.user, action=target, note=data["note"])
        return action_out(request, target.pk)

    @_transition("actions_reopen", "Reopen the action: impact not evidenced", ReasonIn)
    @action(detail=True, methods=["post"], url_path="reopen", url_name="reopen")
    def reopen(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(ReasonIn, request)
        with service_call():
            services.reopen_action(actor=request.user, action=target, reason=data["reason"])
        return action_out(request, target.pk)

    @_transition(
        "actions_reprogramme", "Give an agreed action a new due date, with the reason", ReprogrammeIn
    )
    @action(detail=True, methods=["post"], url_path="reprogramme", url_name="reprogramme")
    def reprogramme(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(ReprogrammeIn, request)
        with service_call():
            services.reprogramme_action(actor=request.user, action=target, **data)
        return action_out(request, target.pk)

    @_transition(
        "actions_rag_override",
        "Record the board's RAG for the action, with the reason",
        RagOverrideIn,
        'An empty `rag` ("") returns the action to its computed RAG.',
    )
    @action(detail=True, methods=["post"], url_path="rag-override", url_name="rag-override")
    def rag_override(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        data = read_body(RagOverrideIn, request)
        with service_call():
            services.override_rag(actor=request.user, action=target, **data)
        return action_out(request, target.pk)

    @extend_schema(
        operation_id="actions_history_list", responses={200: StatusChangeOut(many=True), **errors(404)}
    )
    @action(detail=True, methods=["get"], url_path="history", url_name="history")
    def history(self, request: Request, id: int) -> Response:
        target = self._action(request, id)
        log_api_view(request, target)
        return self.paged(target.status_changes.select_related("actor").order_by("at", "pk"), StatusChangeOut)
