"""casework's services: children's records, involvements, the chronology and the MASH contact lifecycle.

Refusals assert that nothing was written. The personas are the demo partnership's: a Liverpool health
visitor (Liverpool Community Health), social worker and MASH officer and manager (Liverpool Children's
Services), a Merseyside Police officer and supervisor, and a Lancashire nursery DSL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import (
    Child,
    ChronologyEntry,
    Contact,
    ContactStatus,
    EntryCategory,
    Involvement,
    MashOutcome,
    MashRag,
)
from safeguard.core.models import AuditEvent, Clock
from safeguard.core.transitions import InvalidTransition


@pytest.fixture
def child(demo) -> Child:
    """A Liverpool child the health visitor's agency works with, with the police involved too."""
    kai = services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Kai",
        family_name="Testbrennan",
        date_of_birth=timezone.localdate() - timedelta(days=500),
        agency=demo.agencies.liverpool_community_health,
        service="Health visiting",
    )
    services.start_involvement(
        actor=demo.mash_officer,
        child=kai,
        agency=demo.agencies.merseyside_police,
        service="Domestic incidents",
    )
    return kai


def _entry(actor, child, **overrides):
    fields = {
        "occurred_at": timezone.now() - timedelta(hours=2),
        "category": EntryCategory.HOME_VISIT,
        "summary": "Home visit",
    }
    fields.update(overrides)
    return services.add_chronology_entry(actor=actor, child=child, **fields)


# --- Children -----------------------------------------------------------------------------------


def test_a_practitioner_opening_a_record_starts_their_agencys_involvement(demo, child) -> None:
    involvement = Involvement.objects.get(child=child, agency=demo.agencies.liverpool_community_health)
    assert involvement.ended_on is None
    assert involvement.created_by == demo.health_visitor
    assert child.reference == f"CH-{child.pk:06d}"


def test_the_mash_opens_a_record_without_an_involvement(demo) -> None:
    child = services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Ella",
        family_name="Test",
        expected_on=timezone.localdate() + timedelta(days=30),
    )
    assert not child.involvements.exists()
    assert child.date_of_birth is None


def test_nobody_opens_a_record_in_an_area_their_agency_does_not_work_in(demo) -> None:
    with pytest.raises(PermissionDenied):
        services.register_child(
            actor=demo.nursery_dsl,
            board=demo.boards.liverpool,
            given_names="Ella",
            family_name="Test",
            date_of_birth=timezone.localdate(),
            agency=demo.agencies.nursery1,
            service="Nursery",
        )
    assert not Child.objects.exists()


def test_an_auditor_cannot_open_a_record(demo) -> None:
    with pytest.raises(PermissionDenied):
        services.register_child(
            actor=demo.auditor,
            board=demo.boards.liverpool,
            given_names="Ella",
            family_name="Test",
            date_of_birth=timezone.localdate(),
        )
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("given_names", {"given_names": "  "}),
        ("date_of_birth", {"date_of_birth": None}),
        ("date_of_birth", {"date_of_birth": timezone.localdate() + timedelta(days=1)}),
        ("nhs_number", {"nhs_number": "9434765918"}),
        ("service", {"service": ""}),
        ("agency", {"agency": None}),
    ],
)
def test_a_record_with_bad_details_is_refused_with_the_field_named(demo, field, overrides) -> None:
    fields = {
        "given_names": "Kai",
        "family_name": "Test",
        "date_of_birth": timezone.localdate() - timedelta(days=10),
        "agency": demo.agencies.liverpool_community_health,
        "service": "Health visiting",
    }
    fields.update(overrides)
    with pytest.raises(ValidationError) as raised:
        services.register_child(actor=demo.health_visitor, board=demo.boards.liverpool, **fields)
    assert field in raised.value.message_dict
    assert not Child.objects.exists()


def test_an_agency_that_does_not_work_in_the_area_cannot_be_named(demo) -> None:
    with pytest.raises(ValidationError) as raised:
        services.register_child(
            actor=demo.mash_officer,
            board=demo.boards.liverpool,
            given_names="Ella",
            family_name="Test",
            date_of_birth=timezone.localdate(),
            agency=demo.agencies.nursery1,
            service="Nursery",
        )
    assert "agency" in raised.value.message_dict
    assert not Child.objects.exists()


def test_the_mash_naming_its_own_agency_opens_that_involvement(demo) -> None:
    child = services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Ella",
        family_name="Test",
        date_of_birth=timezone.localdate(),
        agency=demo.agencies.liverpool_cs,
        service="MASH screening",
    )
    assert list(child.involvements.values_list("agency", flat=True)) == [demo.agencies.liverpool_cs.pk]


def test_a_valid_nhs_number_is_kept_without_spaces(demo) -> None:
    child = services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Kai",
        family_name="Test",
        date_of_birth=timezone.localdate(),
        nhs_number="943 476 5919",
    )
    assert child.nhs_number == "9434765919"


def test_an_agency_already_involved_is_not_involved_twice(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        services.start_involvement(
            actor=demo.mash_officer, child=child, agency=demo.agencies.merseyside_police, service="Again"
        )
    assert "agency" in raised.value.message_dict
    assert child.involvements.count() == 2


def test_an_agency_that_cannot_see_the_child_cannot_involve_itself(demo, child) -> None:
    with pytest.raises(PermissionDenied):
        services.start_involvement(
            actor=demo.nursery_dsl, child=child, agency=demo.agencies.nursery1, service="Nursery"
        )
    assert child.involvements.count() == 2


# --- Chronology ---------------------------------------------------------------------------------


def test_an_entry_is_written_for_the_agency_that_gives_access_with_its_author_captured(demo, child) -> None:
    entry = _entry(demo.police_officer, child, category=EntryCategory.POLICE, summary="Call-out")
    assert entry.agency == demo.agencies.merseyside_police
    assert entry.author_name == demo.police_officer.full_name
    assert entry.author_job_title == demo.police_officer.job_title
    assert not entry.is_late


def test_the_audit_event_of_an_entry_carries_no_text_of_the_entry(demo, child) -> None:
    entry = _entry(demo.health_visitor, child, summary="Bruise on the left arm", detail="Mother upset")
    event = AuditEvent.objects.get(action="chronology.entry_added", target_id=str(entry.pk))
    assert "Bruise" not in str(event.changes) and "Mother" not in str(event.changes)


def test_an_entry_recorded_a_day_after_the_event_needs_the_reason(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        _entry(demo.health_visitor, child, occurred_at=timezone.now() - timedelta(hours=30))
    assert "late_reason" in raised.value.message_dict
    assert not ChronologyEntry.objects.filter(child=child).exists()


def test_a_late_entry_with_its_reason_is_flagged_late(demo, child) -> None:
    entry = _entry(
        demo.health_visitor, child, occurred_at=timezone.now() - timedelta(days=3), late_reason="Clinic notes"
    )
    assert entry.is_late
    assert entry.late_reason == "Clinic notes"


def test_an_event_in_the_future_is_refused(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        _entry(demo.health_visitor, child, occurred_at=timezone.now() + timedelta(hours=1))
    assert "occurred_at" in raised.value.message_dict


def test_a_naive_time_is_refused_not_guessed(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        _entry(demo.health_visitor, child, occurred_at=datetime(2026, 1, 1, 10, 0))
    assert "occurred_at" in raised.value.message_dict


def test_an_unknown_category_is_refused(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        _entry(demo.health_visitor, child, category="gossip")
    assert "category" in raised.value.message_dict


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor", "lancashire_manager"])
def test_people_without_a_relationship_cannot_add_to_the_chronology(demo, child, persona) -> None:
    with pytest.raises(PermissionDenied):
        _entry(getattr(demo, persona), child)
    assert not ChronologyEntry.objects.filter(child=child).exists()


def test_an_agency_whose_involvement_ended_loses_access(demo, child) -> None:
    Involvement.objects.filter(child=child, agency=demo.agencies.merseyside_police).update(
        ended_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        _entry(demo.police_officer, child)


def test_an_amendment_keeps_the_original_and_points_at_it(demo, child) -> None:
    original = _entry(demo.health_visitor, child, summary="Visit on Monday")
    amendment = services.amend_chronology_entry(
        actor=demo.health_visitor,
        entry=original,
        reason="It was Tuesday",
        occurred_at=original.occurred_at,
        category=original.category,
        summary="Visit on Tuesday",
    )
    original.refresh_from_db()
    assert original.summary == "Visit on Monday"
    assert amendment.amends == original and amendment.amendment_reason == "It was Tuesday"


def test_an_entry_already_amended_cannot_be_amended_again(demo, child) -> None:
    original = _entry(demo.health_visitor, child)
    fields = {"occurred_at": original.occurred_at, "category": original.category, "summary": "Corrected"}
    services.amend_chronology_entry(actor=demo.health_visitor, entry=original, reason="One", **fields)
    with pytest.raises(ValidationError):
        services.amend_chronology_entry(actor=demo.health_visitor, entry=original, reason="Two", **fields)
    assert original.amendments.count() == 1


def test_an_amendment_needs_its_reason(demo, child) -> None:
    original = _entry(demo.health_visitor, child)
    with pytest.raises(ValidationError) as raised:
        services.amend_chronology_entry(
            actor=demo.health_visitor,
            entry=original,
            reason=" ",
            occurred_at=original.occurred_at,
            category=original.category,
            summary="Corrected",
        )
    assert "reason" in raised.value.message_dict
    assert not original.amendments.exists()


def test_another_agency_cannot_amend_an_entry(demo, child) -> None:
    original = _entry(demo.health_visitor, child)
    with pytest.raises(PermissionDenied):
        services.amend_chronology_entry(
            actor=demo.police_officer,
            entry=original,
            reason="No",
            occurred_at=original.occurred_at,
            category=original.category,
            summary="Changed",
        )
    assert not original.amendments.exists()


def test_correcting_an_old_entry_recorded_on_time_is_not_late(demo, child) -> None:
    two_days_ago = timezone.now() - timedelta(days=2)
    original = _entry(
        demo.health_visitor, child, occurred_at=two_days_ago, now=two_days_ago + timedelta(hours=1)
    )
    amendment = services.amend_chronology_entry(
        actor=demo.health_visitor,
        entry=original,
        reason="Typo",
        occurred_at=original.occurred_at,
        category=original.category,
        summary="Corrected",
    )
    assert not amendment.is_late and amendment.late_reason == ""


def test_a_correction_of_a_late_entry_keeps_its_reason(demo, child) -> None:
    original = _entry(
        demo.health_visitor, child, occurred_at=timezone.now() - timedelta(days=3), late_reason="Clinic notes"
    )
    amendment = services.amend_chronology_entry(
        actor=demo.health_visitor,
        entry=original,
        reason="Typo",
        occurred_at=original.occurred_at,
        category=original.category,
        summary="Corrected",
    )
    assert amendment.is_late and amendment.late_reason == "Clinic notes"


def test_a_supervisor_of_the_entrys_agency_may_amend_it(demo, child) -> None:
    original = _entry(demo.police_officer, child)
    amendment = services.amend_chronology_entry(
        actor=demo.ops_supervisor,
        entry=original,
        reason="Wrong incident number",
        occurred_at=original.occurred_at,
        category=original.category,
        summary="Corrected",
    )
    assert amendment.author == demo.ops_supervisor


# --- MASH contacts ------------------------------------------------------------------------------


@pytest.fixture
def contact(demo, child) -> Contact:
    return services.record_contact(
        actor=demo.health_visitor,
        child=child,
        referrer_name="Health visitor",
        referrer_agency=demo.agencies.liverpool_community_health,
        concern="Father back in the home",
    )


def test_a_contact_is_received_and_appears_in_the_chronology(demo, contact) -> None:
    assert contact.status == ContactStatus.RECEIVED
    assert contact.board == demo.boards.liverpool
    entry = ChronologyEntry.objects.get(child=contact.child, category=EntryCategory.CONTACT)
    assert contact.reference in entry.summary
    assert entry.agency == demo.agencies.liverpool_community_health


def test_a_practitioner_cannot_make_a_contact_for_another_agency(demo, child) -> None:
    with pytest.raises(ValidationError) as raised:
        services.record_contact(
            actor=demo.health_visitor,
            child=child,
            referrer_name="Someone",
            referrer_agency=demo.agencies.merseyside_police,
            concern="Worry",
        )
    assert "referrer_agency" in raised.value.message_dict
    assert not Contact.objects.exists()


def test_rating_a_contact_starts_the_timescale_of_its_rag(demo, contact) -> None:
    rated = services.rate_contact(
        actor=demo.mash_officer, contact=contact, rag=MashRag.RED, rationale="Injury"
    )
    clock = Clock.objects.get(subject_id=str(contact.pk), met_at__isnull=True)
    assert rated.status == ContactStatus.RATED and rated.rag == MashRag.RED
    assert clock.rule.code == "mash-red"
    assert clock.owner == demo.mash_officer
    assert "Kai" not in clock.title and "Testbrennan" not in clock.title


def test_a_blue_rating_starts_no_timescale(demo, contact) -> None:
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.BLUE, rationale="No concern")
    assert not Clock.objects.filter(subject_id=str(contact.pk)).exists()


def test_the_referring_agency_cannot_rate_its_own_contact(demo, contact) -> None:
    with pytest.raises(PermissionDenied):
        services.rate_contact(actor=demo.health_visitor, contact=contact, rag=MashRag.RED, rationale="x")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RECEIVED and contact.rag == ""


def test_a_contact_cannot_be_rated_before_it_was_received(demo, contact) -> None:
    with pytest.raises(ValidationError):
        services.rate_contact(
            actor=demo.mash_officer,
            contact=contact,
            rag=MashRag.RED,
            rationale="x",
            now=contact.received_at - timedelta(minutes=1),
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RECEIVED


def test_a_contact_cannot_be_rated_twice(demo, contact) -> None:
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.GREEN, rationale="Low")
    with pytest.raises(InvalidTransition):
        services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.RED, rationale="High")
    contact.refresh_from_db()
    assert contact.rag == MashRag.GREEN


def test_a_mash_officer_cannot_decide(demo, contact) -> None:
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.AMBER, rationale="Repeat")
    with pytest.raises(PermissionDenied):
        services.decide_contact(
            actor=demo.mash_officer, contact=contact, outcome=MashOutcome.EARLY_HELP, rationale="x"
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RATED


def test_a_decision_in_time_meets_the_clock_and_is_written_to_the_chronology(demo, contact) -> None:
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.GREEN, rationale="Low")
    decided = services.decide_contact(
        actor=demo.mash_manager, contact=contact, outcome=MashOutcome.EARLY_HELP, rationale="Family support"
    )
    assert decided.status == ContactStatus.DECIDED and decided.outcome == MashOutcome.EARLY_HELP
    assert Clock.objects.get(subject_id=str(contact.pk)).met_at is not None
    entry = ChronologyEntry.objects.get(child=contact.child, category=EntryCategory.MASH_DECISION)
    assert entry.agency == demo.agencies.liverpool_cs and entry.significant


def test_a_late_decision_needs_the_reason_the_timescale_was_missed(demo, child) -> None:
    long_ago = timezone.now() - timedelta(days=10)
    contact = services.record_contact(
        actor=demo.health_visitor,
        child=child,
        referrer_name="Health visitor",
        referrer_agency=demo.agencies.liverpool_community_health,
        concern="Father back in the home",
        received_at=long_ago - timedelta(hours=1),
    )
    services.rate_contact(
        actor=demo.mash_officer, contact=contact, rag=MashRag.RED, rationale="Injury", now=long_ago
    )
    with pytest.raises(ValidationError) as raised:
        services.decide_contact(
            actor=demo.mash_manager, contact=contact, outcome=MashOutcome.STRATEGY_S47, rationale="Harm"
        )
    assert "breach_reason" in raised.value.message_dict
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RATED
    decided = services.decide_contact(
        actor=demo.mash_manager,
        contact=contact,
        outcome=MashOutcome.STRATEGY_S47,
        rationale="Harm",
        breach_reason="Police information came back late",
    )
    assert Clock.objects.get(subject_id=str(decided.pk)).breach_reason == "Police information came back late"


def test_a_received_contact_cannot_be_decided_before_it_is_rated(demo, contact) -> None:
    with pytest.raises(InvalidTransition):
        services.decide_contact(
            actor=demo.mash_manager, contact=contact, outcome=MashOutcome.NFA, rationale="x"
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RECEIVED


def test_closing_records_that_the_referrer_was_told(demo, contact) -> None:
    services.rate_contact(actor=demo.mash_officer, contact=contact, rag=MashRag.GREEN, rationale="Low")
    services.decide_contact(
        actor=demo.mash_manager, contact=contact, outcome=MashOutcome.ADVICE, rationale="x"
    )
    closed = services.close_contact(actor=demo.mash_officer, contact=contact)
    assert closed.status == ContactStatus.CLOSED and closed.feedback_sent_at is not None
    assert [c.to_status for c in closed.status_changes.order_by("at", "pk")] == [
        "received",
        "rated",
        "decided",
        "closed",
    ]
