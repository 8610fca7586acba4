"""Every write to children's records, involvements, chronologies and MASH contacts.

Each service is atomic, checks the actor against `permissions`, validates the whole input first (a
ValidationError naming each field, nothing written), writes the audit event in the same transaction and,
where a state moves, locks the row, checks the transition table and appends a status-change row.

Audit events about children carry keys, categories and dates, never a child's name or the text of an
entry: the audit trail is read by administrators, who have no standing access to children's records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.casework import permissions as perms
from safeguard.casework.models import (
    CONTACT_TRANSITIONS,
    LATE_ENTRY_AFTER,
    RAG_TIMESCALE,
    Child,
    ChronologyEntry,
    Contact,
    ContactStatus,
    ContactStatusChange,
    EntryCategory,
    Gender,
    Involvement,
    MashOutcome,
    MashRag,
)
from safeguard.core.audit import record_event
from safeguard.core.concurrency import bump_version, lock_row
from safeguard.core.models import Clock
from safeguard.core.services import meet_clock, start_clock
from safeguard.core.transitions import InvalidTransition, check_move
from safeguard.people.models import Agency, Board

SUMMARY_MAX = ChronologyEntry._meta.get_field("summary").max_length or 200
NAME_MAX = Child._meta.get_field("given_names").max_length or 100


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _required(errors: dict[str, list[str]], field: str, value: str, message: str, max_length: int = 0) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(message)
    elif max_length and len(value) > max_length:
        errors.setdefault(field, []).append(f"Use {max_length} characters or fewer.")
    return value


def nhs_number_is_valid(number: str) -> bool:
    """The NHS number's modulus 11 check digit (NHS Data Dictionary)."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def _aware(value: datetime, field: str, errors: dict[str, list[str]]) -> None:
    if timezone.is_naive(value):
        errors.setdefault(field, []).append("The time must include a time zone.")


# --- Children and involvements ------------------------------------------------------------------


@transaction.atomic
def register_child(
    *,
    actor: Any,
    board: Board,
    given_names: str,
    family_name: str,
    gender: str = Gender.UNKNOWN,
    date_of_birth: date | None = None,
    expected_on: date | None = None,
    known_as: str = "",
    nhs_number: str = "",
    agency: Agency | None = None,
    service: str = "",
    today: date | None = None,
) -> Child:
    """Open a record for a child in `board`'s area.

    MASH staff of the board open records for any child in the area. Anyone else in a practice role opens a
    record only with an involvement of their own `agency` (the service it gives), so that the record they
    made stays visible to them through a legitimate relationship.
    """
    viewer = perms.case_viewer(actor)
    in_mash = board.pk in viewer.mash_board_ids
    if not (in_mash or board.pk in viewer.board_ids):
        raise _deny("You can open records only for children in an area your agency works in.")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    given_names = _required(errors, "given_names", given_names, "Enter the child's given names.", NAME_MAX)
    family_name = _required(errors, "family_name", family_name, "Enter the child's family name.", NAME_MAX)
    known_as = (known_as or "").strip()
    if len(known_as) > NAME_MAX:
        errors["known_as"] = [f"Use {NAME_MAX} characters or fewer."]
    if gender not in Gender.values:
        errors["gender"] = ["Choose the child's gender, or \u201cNot known\u201d."]
    if date_of_birth is None and expected_on is None:
        errors["date_of_birth"] = ["Enter the date of birth, or the due date for an unborn baby."]
    if date_of_birth is not None and date_of_birth > today:
        errors["date_of_birth"] = ["The date of birth must be today or in the past."]
    if date_of_birth is not None and date_of_birth.year < today.year - 25:
        errors["date_of_birth"] = ["The date of birth is more than 25 years ago: check the year."]
    if date_of_birth is None and expected_on is not None and expected_on < today:
        errors["expected_on"] = ["A due date in the past: enter the date of birth instead."]
    nhs_number = "".join((nhs_number or "").split())
    if nhs_number and not nhs_number_is_valid(nhs_number):
        errors["nhs_number"] = ["Enter a valid 10-digit NHS number, or leave it empty."]
    # The MASH opens records for the area; anyone else opens one with their own agency's involvement. A MASH
    # user who names an agency and a service opens that involvement too.
    involve = not in_mash or agency is not None or bool((service or "").strip())
    if involve:
        if agency is None or agency.pk not in viewer.agency_ids:
            errors["agency"] = ["Choose the agency that is working with the child."]
        elif not agency.boards.filter(pk=board.pk).exists():
            errors["agency"] = ["Your agency does not work in this area: choose the area your agency covers."]
        service = _required(errors, "service", service, "Say what your agency does for the child.", 120)
    _raise(errors)

    child = Child.objects.create(
        board=board,
        reference="",
        given_names=given_names,
        family_name=family_name,
        known_as=known_as,
        gender=gender,
        date_of_birth=date_of_birth,
        expected_on=expected_on if date_of_birth is None else None,
        nhs_number=nhs_number,
        created_by=actor,
    )
    child.reference = f"CH-{child.pk:06d}"
    Child.objects.filter(pk=child.pk).update(reference=child.reference)
    record_event(actor=actor, action="child.registered", target=child, changes={"board": board.pk})
    if involve and agency is not None:
        _open_involvement(actor=actor, child=child, agency=agency, service=service, started_on=today)
    return child


def _open_involvement(
    *, actor: Any, child: Child, agency: Agency, service: str, started_on: date, lead_practitioner: Any = None
) -> Involvement:
    involvement = Involvement.objects.create(
        child=child,
        agency=agency,
        service=service,
        started_on=started_on,
        lead_practitioner=lead_practitioner,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="involvement.started",
        target=involvement,
        changes={"child": child.pk, "agency": agency.pk, "started_on": started_on},
    )
    return involvement


@transaction.atomic
def start_involvement(
    *,
    actor: Any,
    child: Child,
    agency: Agency,
    service: str,
    started_on: date | None = None,
    lead_practitioner: Any = None,
) -> Involvement:
    """Record that `agency` now works with `child`. The actor must see the child and act for the agency,
    or be in the MASH of the child's area (which allocates work to agencies)."""
    viewer = perms.case_viewer(actor)
    if not perms.can_see_child(viewer, child):
        raise _deny("You cannot see this child's record.")
    if agency.pk not in viewer.agency_ids and child.board_id not in viewer.mash_board_ids:
        raise _deny("Only the agency itself, or the MASH, can record its involvement.")
    errors: dict[str, list[str]] = {}
    service = _required(errors, "service", service, "Say what the agency does for the child.", 120)
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        errors["started_on"] = ["The start date must be today or in the past."]
    if Involvement.objects.filter(child=child, agency=agency, ended_on__isnull=True).exists():
        errors["agency"] = ["This agency is already working with the child."]
    _raise(errors)
    return _open_involvement(
        actor=actor,
        child=child,
        agency=agency,
        service=service,
        started_on=started_on,
        lead_practitioner=lead_practitioner,
    )


# --- Chronology ---------------------------------------------------------------------------------


def _entry_fields(
    errors: dict[str, list[str]],
    *,
    occurred_at: datetime | None,
    category: str,
    summary: str,
    late_reason: str,
    now: datetime,
) -> tuple[str, str]:
    if occurred_at is None:
        errors["occurred_at"] = ["Enter when it happened."]
    else:
        _aware(occurred_at, "occurred_at", errors)
        if "occurred_at" not in errors and occurred_at > now:
            errors["occurred_at"] = ["The event must have happened already: the time is in the future."]
    if category not in EntryCategory.values:
        errors["category"] = ["Choose what kind of event it was."]
    summary = _required(errors, "summary", summary, "Say what happened, in a line.", SUMMARY_MAX)
    late_reason = (late_reason or "").strip()
    written_late = (
        occurred_at is not None and "occurred_at" not in errors and now - occurred_at > LATE_ENTRY_AFTER
    )
    if written_late and not late_reason:
        errors["late_reason"] = [
            "This is recorded more than 24 hours after the event: say why it was not recorded at the time."
        ]
    return summary, late_reason


def _author_fields(actor: Any) -> dict[str, str]:
    return {"author_name": actor.full_name, "author_job_title": getattr(actor, "job_title", "") or ""}


@transaction.atomic
def add_chronology_entry(
    *,
    actor: Any,
    child: Child,
    occurred_at: datetime | None,
    category: str,
    summary: str,
    detail: str = "",
    action_taken: str = "",
    significant: bool = False,
    late_reason: str = "",
    agency: Agency | None = None,
    now: datetime | None = None,
) -> ChronologyEntry:
    """Add a significant event to the child's chronology, in the name of the actor's agency.

    The agency is the one through which the actor sees the child; an actor with two (rare) names it."""
    involved = perms.current_involved_agency_ids(child)
    through = perms.access_agency_ids(actor, child, involved)
    if not through:
        raise _deny("You cannot add to this child's chronology.")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if agency is None and len(through) == 1:
        agency = Agency.objects.get(pk=next(iter(through)))
    if agency is None or agency.pk not in through:
        errors["agency"] = ["Choose the agency you are recording for."]
    summary, late_reason = _entry_fields(
        errors, occurred_at=occurred_at, category=category, summary=summary, late_reason=late_reason, now=now
    )
    _raise(errors)
    assert agency is not None and occurred_at is not None  # both were checked above
    entry = ChronologyEntry.objects.create(
        child=child,
        agency=agency,
        author=actor,
        **_author_fields(actor),
        occurred_at=occurred_at,
        recorded_at=now,
        category=category,
        summary=summary,
        detail=(detail or "").strip(),
        action_taken=(action_taken or "").strip(),
        significant=bool(significant),
        late_reason=late_reason,
    )
    record_event(
        actor=actor,
        action="chronology.entry_added",
        target=entry,
        changes={
            "child": child.pk,
            "agency": entry.agency_id,
            "category": category,
            "significant": significant,
        },
    )
    return entry


@transaction.atomic
def amend_chronology_entry(
    *,
    actor: Any,
    entry: ChronologyEntry,
    reason: str,
    occurred_at: datetime | None,
    category: str,
    summary: str,
    detail: str = "",
    action_taken: str = "",
    significant: bool = False,
    now: datetime | None = None,
) -> ChronologyEntry:
    """Correct an entry by a new one that points at it; the original stays, marked as amended.

    Only the newest version of an entry is amended: two people correcting the same entry at once cannot
    both succeed (the original row is locked while the check is made)."""
    original = lock_row(ChronologyEntry, entry.pk)
    if not perms.can_amend_entry(actor, original):
        raise _deny("Only the entry's author or a supervisor of its agency can amend it.")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    reason = _required(errors, "reason", reason, "Say why the entry is being amended.")
    if ChronologyEntry.objects.filter(amends=original).exists():
        errors["__all__"] = ["This entry has already been amended: amend the newest version instead."]
    # A correction is not itself late: it keeps the original's timing, and its late reason if it had one.
    summary, _ = _entry_fields(
        errors,
        occurred_at=occurred_at,
        category=category,
        summary=summary,
        late_reason=original.late_reason or "(correction)",
        now=now,
    )
    late_reason = original.late_reason
    _raise(errors)
    assert occurred_at is not None  # checked above
    amendment = ChronologyEntry.objects.create(
        child_id=original.child_id,
        agency_id=original.agency_id,
        author=actor,
        **_author_fields(actor),
        occurred_at=occurred_at,
        recorded_at=now,
        category=category,
        summary=summary,
        detail=(detail or "").strip(),
        action_taken=(action_taken or "").strip(),
        significant=bool(significant),
        late_reason=late_reason,
        amends=original,
        amendment_reason=reason,
    )
    record_event(
        actor=actor,
        action="chronology.entry_amended",
        target=amendment,
        changes={"child": original.child_id, "amends": original.pk},
        reason=reason,
    )
    return amendment


# --- The MASH front door ------------------------------------------------------------------------


def _move(contact: Contact, *, actor: Any, to: str, reason: str = "", at: datetime) -> None:
    check_move(CONTACT_TRANSITIONS, contact.status, to, dict(ContactStatus.choices))
    ContactStatusChange.objects.create(
        contact=contact, from_status=contact.status, to_status=to, actor=actor, at=at, reason=reason
    )
    contact.status = to


def _mash_agency(actor: Any, board_id: int) -> Agency | None:
    """The agency in which the actor works in `board_id`'s MASH (the lowest id if several)."""
    viewer = perms.case_viewer(actor)
    return (
        Agency.objects.filter(pk__in=viewer.mash_agency_ids, boards=board_id).order_by("pk").first()
        if board_id in viewer.mash_board_ids
        else None
    )


@transaction.atomic
def record_contact(
    *,
    actor: Any,
    child: Child,
    referrer_name: str,
    concern: str,
    received_at: datetime | None = None,
    referrer_agency: Agency | None = None,
    now: datetime | None = None,
) -> Contact:
    """Share a worry about `child` with the MASH of the child's area.

    Practice staff make a contact for their own agency; the MASH records contacts from anyone (a member
    of the public, an agency by phone). The contact appears in the child's chronology at once."""
    viewer = perms.case_viewer(actor)
    if not perms.can_see_child(viewer, child):
        raise _deny("You cannot see this child's record.")
    in_mash = child.board_id in viewer.mash_board_ids
    now = now or timezone.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    referrer_name = _required(errors, "referrer_name", referrer_name, "Enter who made the contact.", 200)
    concern = _required(errors, "concern", concern, "Say what the worry about the child is.")
    _aware(received_at, "received_at", errors)
    if "received_at" not in errors and received_at > now:
        errors["received_at"] = ["The contact cannot be received in the future."]
    if referrer_agency is not None and referrer_agency.pk not in viewer.agency_ids and not in_mash:
        errors["referrer_agency"] = ["You can make a contact only for your own agency."]
    if referrer_agency is None and not in_mash:
        errors["referrer_agency"] = ["Choose the agency you are making the contact for."]
    _raise(errors)
    entry_agency = referrer_agency if referrer_agency and referrer_agency.pk in viewer.agency_ids else None
    entry_agency = entry_agency or _mash_agency(actor, child.board_id)
    contact = Contact.objects.create(
        board_id=child.board_id,
        reference="",
        child=child,
        referrer_agency=referrer_agency,
        referrer_name=referrer_name,
        received_at=received_at,
        concern=concern,
        recorded_by=actor,
        recorded_at=now,
    )
    contact.reference = f"MC-{contact.pk:06d}"
    Contact.objects.filter(pk=contact.pk).update(reference=contact.reference)
    ContactStatusChange.objects.create(
        contact=contact, from_status="", to_status=ContactStatus.RECEIVED, actor=actor, at=now
    )
    record_event(
        actor=actor,
        action="contact.recorded",
        target=contact,
        changes={
            "child": child.pk,
            "board": child.board_id,
            "referrer_agency": getattr(referrer_agency, "pk", None),
        },
    )
    if entry_agency is not None:
        ChronologyEntry.objects.create(
            child=child,
            agency=entry_agency,
            author=actor,
            **_author_fields(actor),
            occurred_at=received_at,
            recorded_at=now,
            category=EntryCategory.CONTACT,
            summary=f"Contact {contact.reference} made with the MASH by {referrer_name}"[:SUMMARY_MAX],
            significant=True,
            late_reason="Recorded from the MASH contact." if now - received_at > LATE_ENTRY_AFTER else "",
        )
    return contact


def contact_url(contact: Contact) -> str:
    return f"/mash/contacts/{contact.pk}/"


@transaction.atomic
def rate_contact(
    *, actor: Any, contact: Contact, rag: str, rationale: str, now: datetime | None = None
) -> Contact:
    """RAG-rate a contact at screening; red, amber and green start the partner-information timescale."""
    contact = lock_row(Contact, contact.pk)
    if not perms.can_rate_contact(actor, contact):
        raise _deny("Only the MASH of the contact's area can rate it.")
    if contact.status != ContactStatus.RECEIVED:
        raise InvalidTransition("This contact has already been rated: reload the page to see the rating.")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if now < contact.received_at:
        errors["__all__"] = ["A contact cannot be rated before it was received."]
    if rag not in MashRag.values:
        errors["rag"] = ["Choose red, amber, green or blue."]
    rationale = _required(errors, "rationale", rationale, "Give the reason for the rating.")
    _raise(errors)
    _move(contact, actor=actor, to=ContactStatus.RATED, reason=rationale, at=now)
    contact.rag, contact.rag_rationale, contact.rated_by, contact.rated_at = rag, rationale, actor, now
    bump_version(contact, "status", "rag", "rag_rationale", "rated_by", "rated_at")
    record_event(actor=actor, action="contact.rated", target=contact, changes={"rag": rag}, reason=rationale)
    if rag in RAG_TIMESCALE:
        start_clock(
            actor=actor,
            rule=RAG_TIMESCALE[rag],
            subject=contact,
            started_at=now,
            owner=actor,
            title=f"Contact {contact.reference}: partner information and decision ({MashRag(rag).label.lower()})",
            url=contact_url(contact),
            jurisdiction=Board.objects.values_list("jurisdiction", flat=True).get(pk=contact.board_id),
        )
    contact.refresh_from_db()
    return contact


def open_clock(contact: Contact) -> Clock | None:
    return Clock.objects.filter(
        subject_type__app_label="casework",
        subject_type__model="contact",
        subject_id=str(contact.pk),
        met_at__isnull=True,
    ).first()


@transaction.atomic
def decide_contact(
    *,
    actor: Any,
    contact: Contact,
    outcome: str,
    rationale: str,
    breach_reason: str = "",
    now: datetime | None = None,
) -> Contact:
    """Record the MASH decision. The rating's timescale is met now; if it was missed, say why."""
    contact = lock_row(Contact, contact.pk)
    if not perms.can_decide_contact(actor, contact):
        raise _deny("Only a MASH manager of the contact's area can decide it.")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if contact.rated_at is not None and now < contact.rated_at:
        errors["__all__"] = ["A contact cannot be decided before it was rated."]
    if outcome not in MashOutcome.values:
        errors["outcome"] = ["Choose the decision."]
    rationale = _required(errors, "rationale", rationale, "Give the reasons for the decision.")
    clock = open_clock(contact)
    breach_reason = (breach_reason or "").strip()
    if clock is not None and now > clock.due_at and not (breach_reason or clock.breach_reason):
        errors["breach_reason"] = ["The timescale for this rating has passed: say why it was missed."]
    if contact.status != ContactStatus.RATED:
        check_move(CONTACT_TRANSITIONS, contact.status, ContactStatus.DECIDED, dict(ContactStatus.choices))
    _raise(errors)
    _move(contact, actor=actor, to=ContactStatus.DECIDED, reason=rationale, at=now)
    contact.outcome, contact.decision_rationale, contact.decided_by, contact.decided_at = (
        outcome,
        rationale,
        actor,
        now,
    )
    bump_version(contact, "status", "outcome", "decision_rationale", "decided_by", "decided_at")
    record_event(
        actor=actor, action="contact.decided", target=contact, changes={"outcome": outcome}, reason=rationale
    )
    if clock is not None:
        meet_clock(
            actor=actor, clock=clock, met_at=now, breach_reason=breach_reason if now > clock.due_at else ""
        )
    agency = _mash_agency(actor, contact.board_id)
    if agency is not None:
        ChronologyEntry.objects.create(
            child_id=contact.child_id,
            agency=agency,
            author=actor,
            **_author_fields(actor),
            occurred_at=now,
            recorded_at=now,
            category=EntryCategory.MASH_DECISION,
            summary=f"MASH decision on {contact.reference}: {MashOutcome(outcome).label}"[:SUMMARY_MAX],
            detail=rationale,
            significant=outcome != MashOutcome.NFA,
        )
    contact.refresh_from_db()
    return contact


@transaction.atomic
def close_contact(*, actor: Any, contact: Contact, now: datetime | None = None) -> Contact:
    """The referrer has been told the decision (every decision is fed back, domain rules §3.3)."""
    contact = lock_row(Contact, contact.pk)
    if not perms.can_close_contact(actor, contact):
        raise _deny("Only the MASH of the contact's area can close it.")
    now = now or timezone.now()
    if contact.decided_at is not None and now < contact.decided_at:
        raise ValidationError("A contact cannot be closed before it was decided.")
    _move(contact, actor=actor, to=ContactStatus.CLOSED, reason="Outcome fed back to the referrer.", at=now)
    contact.feedback_sent_at = now
    bump_version(contact, "status", "feedback_sent_at")
    record_event(actor=actor, action="contact.closed", target=contact, changes={"feedback_sent_at": now})
    contact.refresh_from_db()
    return contact
