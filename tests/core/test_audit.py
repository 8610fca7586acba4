"""The audit trail: attributed, hash-chained, append-only (database-enforced on PostgreSQL)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from safeguard.core.audit import GENESIS_HASH, AuditError, check_chain, record_event, verify_chain
from safeguard.core.models import AccessEvent, AccessVia, AuditChainHead, AuditEvent
from tests.factories import AgencyFactory, UserFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
# Tampering is simulated with a plain UPDATE/DELETE, which only SQLite (no trigger) lets through.
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's trigger refuses the tampering this simulates"
)


def _run_verify() -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_chain", stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def _three_events(actor) -> list[AuditEvent]:
    agency = AgencyFactory()
    return [
        record_event(actor=actor, action="agency.viewed", target=agency),
        record_event(actor=actor, action="agency.renamed", target=agency, changes={"name": ["A", "B"]}),
        record_event(system_process="tick", action="clock.overdue_notified", reason="daily run"),
    ]


# --- record_event ----------------------------------------------------------------------------------------


def test_record_event_refuses_an_event_without_actor_or_system_process(db) -> None:
    with pytest.raises(AuditError, match="actor or a named system process"):
        record_event(action="agency.renamed")
    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.exists()


def test_record_event_refuses_a_blank_system_process(db) -> None:
    with pytest.raises(AuditError):
        record_event(system_process="   ", action="agency.renamed")
    assert not AuditEvent.objects.exists()


def test_record_event_counts_an_anonymous_user_as_no_actor(db) -> None:
    with pytest.raises(AuditError):
        record_event(actor=AnonymousUser(), action="agency.viewed")
    assert not AuditEvent.objects.exists()


def test_record_event_with_an_anonymous_user_and_a_system_process_stores_no_actor(db) -> None:
    event = record_event(actor=AnonymousUser(), system_process="sign_in", action="user.sign_in_failed")
    event.refresh_from_db()
    assert event.actor is None
    assert event.system_process == "sign_in"


@pytest.mark.parametrize("action", ["", "renamed", "Agency.Renamed", "agency renamed", "agency.", "a" * 101])
def test_record_event_refuses_an_action_that_is_not_a_dotted_name(db, practitioner, action) -> None:
    with pytest.raises(AuditError):
        record_event(actor=practitioner, action=action)
    assert not AuditEvent.objects.exists()


def test_record_event_refuses_an_unsaved_target(db, practitioner) -> None:
    with pytest.raises(AuditError, match="saved"):
        record_event(actor=practitioner, action="agency.viewed", target=AgencyFactory.build())
    assert not AuditEvent.objects.exists()


def test_record_event_refuses_changes_that_are_not_plain_values(db, practitioner) -> None:
    with pytest.raises(AuditError, match="plain values"):
        record_event(actor=practitioner, action="agency.renamed", changes={"agency": AgencyFactory()})
    assert not AuditEvent.objects.exists()


def test_record_event_stores_actor_target_changes_and_reason(db, practitioner) -> None:
    agency = AgencyFactory()
    event = record_event(
        actor=practitioner,
        action="agency.renamed",
        target=agency,
        changes={"name": ["Old", "New"]},
        reason="Merger",
    )
    event.refresh_from_db()
    assert event.actor == practitioner
    assert event.target_type == ContentType.objects.get_for_model(agency)
    assert event.target_id == str(agency.pk)
    assert event.changes == {"name": ["Old", "New"]}
    assert event.reason == "Merger"


def test_record_event_links_each_entry_to_the_previous_hash(db, practitioner) -> None:
    first, second, third = _three_events(practitioner)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash


def test_record_event_moves_the_chain_head_to_the_newest_entry(db, practitioner) -> None:
    *_, last = _three_events(practitioner)
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (last.sequence, last.hash)


def test_record_event_is_undone_with_the_change_it_records(db, practitioner) -> None:
    record_event(actor=practitioner, action="agency.viewed")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=practitioner, action="agency.renamed")
        raise RuntimeError("the change failed")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["agency.viewed"]
    assert AuditChainHead.objects.get().sequence == 1


def test_record_event_hashes_survive_the_database_round_trip(db, practitioner) -> None:
    # Dates, decimals, unicode and nesting are stored as JSON; the hash must recompute from the stored row.
    record_event(
        actor=practitioner,
        action="clock.met",
        changes={
            "due": datetime.date(2026, 3, 2),
            "met_at": datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
            "hours": Decimal("7.50"),
            "note": "Zo\u00eb\u2019s school \u2014 \u201clate\u201d",
            "nested": {"b": [1, 2.5, None, True], "a": {}},
        },
    )
    assert list(verify_chain()) == []


def test_record_event_refuses_to_start_a_new_chain_when_the_head_is_missing(db, practitioner) -> None:
    record_event(actor=practitioner, action="agency.viewed")
    AuditChainHead.objects.all().delete()
    with pytest.raises(AuditError, match="head is missing"):
        record_event(actor=practitioner, action="agency.renamed")
    assert AuditEvent.objects.count() == 1


# Concurrency: record_event locks the single AuditChainHead row (SELECT ... FOR UPDATE) before reading the
# previous hash, so concurrent writers queue on it and each extends the entry the previous one wrote.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers by itself")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_each_extend_the_chain_on_postgresql() -> None:
    user = UserFactory()
    record_event(actor=user, action="agency.viewed")  # the head exists before the race starts
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write() -> None:
        try:
            start.wait()
            for _ in range(5):
                record_event(system_process="test", action="agency.viewed")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 42))
    assert check_chain().intact


# --- verify_audit_chain ----------------------------------------------------------------------------------


def test_verify_audit_chain_reports_an_empty_trail_as_intact(db) -> None:
    out, _, error = _run_verify()
    assert error is None
    assert "Audit chain intact: 0 entries" in out


def test_verify_audit_chain_reports_an_intact_chain_with_its_length(db, practitioner) -> None:
    _three_events(practitioner)
    out, err, error = _run_verify()
    assert error is None
    assert "Audit chain intact: 3 entries" in out
    assert err == ""


@on_sqlite
def test_verify_audit_chain_names_an_altered_entry(db, practitioner) -> None:
    _three_events(practitioner)
    AuditEvent.objects.filter(sequence=2).update(reason="nothing to see")
    out, err, error = _run_verify()
    assert error is not None
    assert error.returncode == 1
    assert "#2: content does not match its hash" in err
    assert "intact" not in out


@on_sqlite
def test_verify_audit_chain_detects_an_altered_entry_whose_hash_was_recomputed(db, practitioner) -> None:
    from safeguard.core.audit import compute_hash

    _three_events(practitioner)
    forged = AuditEvent.objects.get(sequence=2)
    forged.reason = "rewritten"
    AuditEvent.objects.filter(sequence=2).update(reason=forged.reason, hash=compute_hash(forged))
    _, err, error = _run_verify()
    assert error is not None
    assert "#3: does not follow the previous entry" in err


@on_sqlite
def test_verify_audit_chain_detects_a_deleted_entry(db, practitioner) -> None:
    _three_events(practitioner)
    AuditEvent.objects.filter(sequence=2).delete()
    _, err, error = _run_verify()
    assert error is not None
    assert error.returncode == 1
    assert "#3: entries are missing before it (#2)" in err


@on_sqlite
def test_verify_audit_chain_detects_deleted_last_entries(db, practitioner) -> None:
    _three_events(practitioner)
    AuditEvent.objects.filter(sequence=3).delete()
    _, err, error = _run_verify()
    assert error is not None
    assert "#3: the last entries are missing" in err


# --- append-only on PostgreSQL ---------------------------------------------------------------------------


@pytest.fixture
def audit_event(db, practitioner) -> AuditEvent:
    return record_event(actor=practitioner, action="agency.viewed", target=AgencyFactory())


@pytest.fixture
def access_event(db, practitioner) -> AccessEvent:
    agency = AgencyFactory()
    return AccessEvent.objects.create(
        user=practitioner,
        target_type=ContentType.objects.get_for_model(agency),
        target_id=str(agency.pk),
        via=AccessVia.PAGE,
        route="people:agency_detail",
    )


def _refused(statement) -> None:
    # A savepoint, so the test's own transaction survives the refused statement.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


@on_postgresql
def test_postgresql_refuses_a_raw_update_of_an_audit_event(audit_event) -> None:
    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET reason = 'changed' WHERE id = %s", [audit_event.pk])

    _refused(update)
    audit_event.refresh_from_db()
    assert audit_event.reason == ""


@on_postgresql
def test_postgresql_refuses_a_raw_delete_of_an_audit_event(audit_event) -> None:
    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [audit_event.pk])

    _refused(delete)
    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


@on_postgresql
def test_postgresql_refuses_an_orm_update_of_an_audit_event(audit_event) -> None:
    _refused(lambda: AuditEvent.objects.filter(pk=audit_event.pk).update(reason="changed"))
    audit_event.refresh_from_db()
    assert audit_event.reason == ""


@on_postgresql
def test_postgresql_refuses_an_orm_save_of_an_existing_audit_event(audit_event) -> None:
    audit_event.reason = "changed"
    _refused(audit_event.save)
    assert AuditEvent.objects.get(pk=audit_event.pk).reason == ""


@on_postgresql
def test_postgresql_refuses_an_orm_delete_of_an_audit_event(audit_event) -> None:
    _refused(AuditEvent.objects.filter(pk=audit_event.pk).delete)
    assert AuditEvent.objects.filter(pk=audit_event.pk).exists()


@on_postgresql
def test_postgresql_refuses_a_raw_update_of_an_access_event(access_event) -> None:
    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_accessevent SET route = 'x' WHERE id = %s", [access_event.pk])

    _refused(update)
    access_event.refresh_from_db()
    assert access_event.route == "people:agency_detail"


@on_postgresql
def test_postgresql_refuses_a_raw_delete_of_an_access_event(access_event) -> None:
    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_accessevent WHERE id = %s", [access_event.pk])

    _refused(delete)
    assert AccessEvent.objects.filter(pk=access_event.pk).exists()


@on_postgresql
def test_postgresql_refuses_an_orm_update_of_an_access_event(access_event) -> None:
    _refused(lambda: AccessEvent.objects.filter(pk=access_event.pk).update(route="x"))
    assert AccessEvent.objects.get(pk=access_event.pk).route == "people:agency_detail"


@on_postgresql
def test_postgresql_refuses_an_orm_delete_of_an_access_event(access_event) -> None:
    _refused(AccessEvent.objects.filter(pk=access_event.pk).delete)
    assert AccessEvent.objects.filter(pk=access_event.pk).exists()


@on_postgresql
def test_postgresql_still_lets_the_chain_head_move(audit_event, practitioner) -> None:
    record_event(actor=practitioner, action="agency.renamed")
    assert AuditChainHead.objects.get().sequence == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_test_flush_empties_the_append_only_tables() -> None:
    # pytest-django empties the database after this test with TRUNCATE, which fires no row trigger;
    # had the trigger blocked it, this test would error in teardown and the next one would see rows.
    record_event(system_process="test", action="agency.viewed")
    assert AuditEvent.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_append_only_tables_start_empty_after_a_flush() -> None:
    assert not AuditEvent.objects.exists()
    assert not AccessEvent.objects.exists()


# --- administration --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_lists_audit_events(admin_client_, practitioner) -> None:
    _three_events(practitioner)
    response = admin_client_.get("/admin/core/auditevent/")
    assert response.status_code == 200
    assert "clock.overdue_notified" in response.content.decode()


def test_admin_shows_an_audit_event_read_only(admin_client_, practitioner) -> None:
    event = record_event(actor=practitioner, action="agency.viewed", reason="original")
    response = admin_client_.post(f"/admin/core/auditevent/{event.pk}/change/", {"reason": "edited"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"


def test_admin_cannot_add_an_audit_event(admin_client_) -> None:
    assert admin_client_.get("/admin/core/auditevent/add/").status_code == 403
    assert not AuditEvent.objects.exists()


def test_admin_cannot_delete_an_audit_event(admin_client_, practitioner) -> None:
    event = record_event(actor=practitioner, action="agency.viewed")
    response = admin_client_.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_cannot_change_a_notification(admin_client_, practitioner) -> None:
    from safeguard.core.models import Notification

    note = Notification.objects.create(user=practitioner, subject="An action is due", url="/my-work/")
    assert admin_client_.get(f"/admin/core/notification/{note.pk}/change/").status_code == 200
    admin_client_.post(f"/admin/core/notification/{note.pk}/change/", {"subject": "changed"})
    assert Notification.objects.get(pk=note.pk).subject == "An action is due"


def test_admin_audits_a_new_calendar_override(admin_client_, admin_user) -> None:
    from safeguard.core.models import CalendarOverride

    response = admin_client_.post(
        "/admin/core/calendaroverride/add/",
        {"jurisdiction": "ENG", "date": "2026-06-01", "reason": "Proclaimed holiday"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    event = AuditEvent.objects.get(action="admin.calendaroverride_added")
    assert (event.actor, event.target_id) == (admin_user, str(override.pk))
    assert event.changes["reason"] == "Proclaimed holiday"


def test_admin_audits_a_deleted_timescale_rule(admin_client_, admin_user) -> None:
    from safeguard.core.models import TimescaleRule

    rule = TimescaleRule.objects.create(
        code="test-rule", name="Test rule", regime="local", start_event="contact", unit="hours", limit=24
    )
    response = admin_client_.post(f"/admin/core/timescalerule/{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TimescaleRule.objects.filter(pk=rule.pk).exists()
    event = AuditEvent.objects.get(action="admin.timescalerule_deleted")
    assert event.actor == admin_user
