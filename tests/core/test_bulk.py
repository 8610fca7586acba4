"""The batch write path: rows as tuples (`insert_values`), instances (`insert_rows`), and the audit batch."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from safeguard.core import audit
from safeguard.core.bulk import insert_rows, insert_values
from safeguard.core.models import AccessEvent, AuditEvent
from tests.factories import AgencyFactory


def _agency_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from safeguard.people.models import Agency

    return ContentType.objects.get_for_model(Agency).pk


def test_insert_values_writes_what_the_orm_reads_back(practitioner) -> None:
    at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    kind = _agency_type()
    written = insert_values(
        AccessEvent,
        ["at", "user_id", "target_type_id", "target_id", "via", "route", "break_glass_reason"],
        [
            (at, practitioner.pk, kind, "7", "export", "x:y", ""),
            (at, practitioner.pk, kind, "8", "page", "x:z", ""),
        ],
    )
    assert written == 2
    rows = list(AccessEvent.objects.order_by("target_id").values_list("at", "user_id", "target_id", "via"))
    assert rows == [(at, practitioner.pk, "7", "export"), (at, practitioner.pk, "8", "page")]


def test_insert_values_refuses_a_column_the_model_does_not_have_and_writes_nothing(practitioner) -> None:
    with pytest.raises(ValueError, match="no insertable column nonsense"):
        insert_values(AccessEvent, ["user_id", "nonsense"], [(practitioner.pk, 1)])
    assert not AccessEvent.objects.exists()


def test_insert_rows_takes_model_defaults_from_the_instances(practitioner) -> None:
    insert_rows(
        [
            AccessEvent(
                user=practitioner, target_type_id=_agency_type(), target_id="1", via="api", route="GET /x/"
            )
        ]
    )
    event = AccessEvent.objects.get()
    assert (event.via, event.break_glass_reason) == ("api", "")
    assert event.at is not None


def test_a_batch_of_audit_events_extends_the_chain_as_single_events_would(practitioner) -> None:
    targets = AgencyFactory.create_batch(3)
    audit.record_event(actor=practitioner, action="agency.viewed", target=targets[0])
    written = audit.record_events(
        actor=practitioner,
        events=[
            audit.PendingEvent("agency.renamed", targets[1], {"from": "A", "to": "B", "n": [1, 2]}),
            audit.PendingEvent(
                "agency.dated", targets[2], {"on": date(2016, 3, 31), "score": Decimal("1.5")}
            ),
        ],
        batch_size=1,
    )
    assert written == 2
    assert audit.check_chain().intact
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[1].changes == {"from": "A", "to": "B", "n": [1, 2]}
    # Values JSON cannot hold as they are are stored as JSON gives them back, and hashed that way.
    assert events[2].changes == {"on": "2016-03-31", "score": "1.5"}
    assert events[2].previous_hash == events[1].hash and events[1].previous_hash == events[0].hash
    assert all(e.actor_id == practitioner.pk and e.target_id for e in events)


def test_a_batch_with_a_bad_action_name_writes_nothing(practitioner) -> None:
    target = AgencyFactory()
    with pytest.raises(audit.AuditError):
        audit.record_events(
            actor=practitioner,
            events=[audit.PendingEvent("agency.ok", target), audit.PendingEvent("Not a name", target)],
        )
    assert not AuditEvent.objects.exists()
