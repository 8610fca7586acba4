"""The casework API: children's records, their chronologies and MASH contacts, for partner systems.

    GET  /api/v1/children/                  children the caller sees (?q= name or CH- reference)
    GET  /api/v1/children/{id}/             one child, with the agencies involved now
    GET  /api/v1/children/{id}/chronology/  the child's chronology, newest event first
    POST /api/v1/children/{id}/chronology/  add an entry for the caller's agency
    GET  /api/v1/contacts/                  open MASH contacts the caller sees (?status=)
    GET  /api/v1/contacts/{id}/             one contact

The rules are the pages' (permissions.py): the same 404 for a record that is missing and one the caller
may not see, every read of a child's record or a contact logged in the access log, every write through
services.py. Times are ISO 8601 with their offset; a time without one is refused, not guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safeguard.casework import permissions as perms
from safeguard.casework import selectors, services
from safeguard.casework.models import ContactStatus, EntryCategory, Gender, MashOutcome, MashRag
from safeguard.core.access import log_api_view
from safeguard.core.api import JsonBooleanField, read_filters
from safeguard.core.api_fields import EnumField, RecordField, StrictIn, text
from safeguard.core.api_views import RecordViewSet, errors, read_body, service_call
from safeguard.people.models import Agency

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, tzinfo=UTC)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its UTC offset, between 1900 and 2100."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2026-11-26T10:30:00+00:00.",
        "out_of_range": "Enter a time between 1900 and 2100.",
    }

    def to_internal_value(self, value: Any) -> datetime:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|Z]")
        if parsed.tzinfo is None:
            self.fail("naive")
        if not EARLIEST <= parsed <= LATEST:
            self.fail("out_of_range")
        return parsed


# --- Bodies -------------------------------------------------------------------------------------


class InvolvementOut(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    service = serializers.CharField()
    lead_practitioner = serializers.IntegerField(source="lead_practitioner_id", allow_null=True)
    started_on = serializers.DateField()


class ChildSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    board = serializers.IntegerField(source="board_id")
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    known_as = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    expected_on = serializers.DateField(allow_null=True, help_text="An unborn baby's due date.")
    gender = EnumField(Gender, enum_name="Gender")


class ChildOut(ChildSummaryOut):
    nhs_number = serializers.CharField()
    involvements = InvolvementOut(
        many=True, source="current_involvements", help_text="The agencies working with the child now."
    )


class EntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    child = serializers.IntegerField(source="child_id")
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.CharField()
    author_job_title = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    is_late = serializers.BooleanField(help_text="Recorded more than 24 hours after the event.")
    late_reason = serializers.CharField()
    category = EnumField(EntryCategory, enum_name="EntryCategory")
    summary = serializers.CharField()
    detail = serializers.CharField()
    action_taken = serializers.CharField()
    significant = serializers.BooleanField()
    amends = serializers.IntegerField(
        source="amends_id", allow_null=True, help_text="The entry this corrects."
    )
    amendment_reason = serializers.CharField()
    is_amended = serializers.BooleanField(help_text="A later entry corrects this one.")


def _caller_agencies(context: dict[str, Any]) -> Any:
    return Agency.objects.filter(pk__in=perms.request_viewer(context["request"]).agency_ids)


class EntryIn(StrictIn):
    """A chronology entry: when it happened, what kind of event, what happened, its impact and action."""

    occurred_at = AwareDateTimeField()
    category = EnumField(EntryCategory, enum_name="EntryCategory")
    summary = text(max_length=200)
    detail = text(required=False)
    action_taken = text(required=False)
    significant = JsonBooleanField(required=False, default=False)
    late_reason = text(
        required=False, help_text="Needed when the entry is recorded over 24 hours after the event."
    )
    agency = RecordField(
        scope=_caller_agencies,
        required=False,
        allow_null=True,
        default=None,
        help_text="The agency recording, where the caller acts for more than one.",
    )


class ChildFiltersIn(StrictIn):
    q = serializers.CharField(
        required=False, max_length=100, help_text="Words of the name, or a CH- reference."
    )


class ContactOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    board = serializers.IntegerField(source="board_id")
    child = serializers.IntegerField(source="child_id")
    child_reference = serializers.CharField(source="child.reference")
    referrer_agency = serializers.IntegerField(source="referrer_agency_id", allow_null=True)
    referrer_name = serializers.CharField()
    received_at = serializers.DateTimeField()
    concern = serializers.CharField()
    status = EnumField(ContactStatus, enum_name="ContactStatus")
    rag = EnumField(MashRag, enum_name="MashRag", blank_label="Not rated yet")
    rag_rationale = serializers.CharField()
    rated_at = serializers.DateTimeField(allow_null=True)
    outcome = EnumField(MashOutcome, enum_name="MashOutcome", blank_label="Not decided yet")
    decision_rationale = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    feedback_sent_at = serializers.DateTimeField(allow_null=True)


class ContactFiltersIn(StrictIn):
    status = EnumField(
        ContactStatus, enum_name="ContactStatus", required=False, help_text="Left out: the open contacts."
    )


# --- Views --------------------------------------------------------------------------------------


@extend_schema(tags=["casework"])
class ChildViewSet(RecordViewSet):
    # Children's records and their chronologies.

    @extend_schema(
        operation_id="children_list",
        parameters=[ChildFiltersIn],
        responses={200: ChildSummaryOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(ChildFiltersIn, request)
        return self.paged(selectors.search_children(request.user, filters.get("q", "")), ChildSummaryOut)

    @extend_schema(operation_id="children_retrieve", responses={200: ChildOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        access = selectors.get_child_for(perms.request_viewer(request), id)
        log_api_view(request, access.child)
        access.child.current_involvements = access.involvements  # type: ignore[attr-defined]
        return Response(ChildOut(access.child).data)

    @extend_schema(
        operation_id="children_chronology_list", responses={200: EntryOut(many=True), **errors(400, 404)}
    )
    @action(detail=True, methods=["get"], url_path="chronology", url_name="chronology")
    def chronology(self, request: Request, id: int) -> Response:
        access = selectors.get_child_for(perms.request_viewer(request), id)
        log_api_view(request, access.child)
        return self.paged(selectors.chronology_for(access.child), EntryOut)

    @extend_schema(
        operation_id="children_chronology_create",
        summary="Add an entry to the child's chronology",
        request=EntryIn,
        responses={201: EntryOut, **errors(400, 403, 404)},
    )
    @chronology.mapping.post
    def add_entry(self, request: Request, id: int) -> Response:
        viewer = perms.request_viewer(request)
        access = selectors.get_child_for(viewer, id)
        data = read_body(EntryIn, request)
        with service_call():
            entry = services.add_chronology_entry(
                actor=request.user, child=access.child, now=timezone.now(), **data
            )
        _, entry = selectors.get_entry_for(viewer, access.child.pk, entry.pk)
        return Response(EntryOut(entry).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["casework"])
class ContactViewSet(RecordViewSet):
    # MASH contacts: the hub's queue, and the contacts a caller's agency made.

    @extend_schema(
        operation_id="contacts_list",
        parameters=[ContactFiltersIn],
        responses={200: ContactOut(many=True), **errors(400)},
    )
    def list(self, request: Request) -> Response:
        filters = read_filters(ContactFiltersIn, request)
        queue = selectors.contact_queue(perms.request_viewer(request), status=filters.get("status", ""))
        return self.paged(queue, ContactOut)

    @extend_schema(operation_id="contacts_retrieve", responses={200: ContactOut, **errors(404)})
    def retrieve(self, request: Request, id: int) -> Response:
        contact = selectors.get_contact_for(perms.request_viewer(request), id)
        log_api_view(request, contact)
        return Response(ContactOut(contact).data)
