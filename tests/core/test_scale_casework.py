"""Scale data for casework: children, involvements, chronologies and MASH contacts, consistent with the
model's rules, deterministic, and shaped for the personas the benchmark signs in as."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count

from safeguard.casework import permissions as perms
from safeguard.casework import selectors
from safeguard.casework.models import (
    LATE_ENTRY_AFTER,
    Child,
    ChronologyEntry,
    Contact,
    ContactStatus,
    ContactStatusChange,
    Involvement,
)
from safeguard.core import scale
from safeguard.core.models import Clock
from safeguard.people.models import Membership, User

TINY = scale.PROFILES["tiny"].counts


@pytest.fixture
def tiny(db):
    """The tiny profile, rolled back afterwards."""
    with transaction.atomic():
        report = scale.generate("tiny", seed=11)
        yield report
        transaction.set_rollback(True)


def _hot_child() -> Child:
    row = (
        ChronologyEntry.objects.values("child_id").annotate(n=Count("pk")).order_by("-n", "child_id").first()
    )
    assert row is not None
    return Child.objects.get(pk=row["child_id"])


def _fingerprint() -> dict[str, list[tuple[object, ...]]]:
    """What was generated, by natural keys (references follow the ids, which follow creation order)."""
    return {
        "children": list(
            Child.objects.order_by("reference").values_list(
                "reference", "board__short_name", "given_names", "family_name", "date_of_birth", "expected_on",
                "nhs_number", "created_at",
            )
        ),
        "involvements": list(
            Involvement.objects.order_by("child__reference", "agency__name").values_list(
                "child__reference", "agency__name", "started_on", "ended_on", "lead_practitioner__email"
            )
        ),
        "entries": list(
            ChronologyEntry.objects.order_by("pk").values_list(
                "child__reference", "agency__name", "author__email", "occurred_at", "recorded_at", "summary",
                "late_reason", "amends__summary",
            )
        ),
        "contacts": list(
            Contact.objects.order_by("reference").values_list(
                "reference", "child__reference", "status", "rag", "outcome", "received_at", "rated_by__email"
            )
        ),
    }  # fmt: skip


def test_counts_follow_the_profile(tiny) -> None:
    assert Child.objects.count() == TINY["casework.children"] == tiny.rows["casework.child"]
    assert Involvement.objects.count() == TINY["casework.involvements"] == tiny.rows["casework.involvement"]
    assert (
        ChronologyEntry.objects.count()
        == TINY["casework.chronology_entries"]
        == tiny.rows["casework.chronologyentry"]
    )
    assert Contact.objects.count() == TINY["casework.contacts"] == tiny.rows["casework.contact"]
    assert ContactStatusChange.objects.count() == tiny.rows["casework.contactstatuschange"]
    assert Contact.objects.count() <= tiny.rows["casework.contactstatuschange"] <= 4 * Contact.objects.count()


def test_the_same_seed_gives_the_same_casework(db) -> None:
    fingerprints = []
    for seed in (5, 5, 6):
        with transaction.atomic():
            scale.generate("tiny", seed=seed, only=["casework"])
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0]["entries"] and fingerprints[0]["contacts"]
    assert fingerprints[0] != fingerprints[2]


def test_children_follow_the_rules(tiny) -> None:
    for child in Child.objects.all():
        assert child.reference == f"CH-{child.pk:06d}"
        assert (child.date_of_birth is None) != (child.expected_on is None)  # born or expected, never both
        if child.date_of_birth is not None:
            assert child.date_of_birth < scale.DEFAULT_ANCHOR.date()
            assert (scale.DEFAULT_ANCHOR.date() - child.date_of_birth).days < 18 * 366
        else:
            assert child.expected_on > scale.DEFAULT_ANCHOR.date()
        assert child.created_at < scale.DEFAULT_ANCHOR
    # Ids follow creation order, as the application would have given them.
    created = list(Child.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)


def test_involvements_follow_the_rules(tiny) -> None:
    open_pairs = Counter(
        Involvement.objects.filter(ended_on__isnull=True).values_list("child_id", "agency_id").iterator()
    )
    assert max(open_pairs.values()) == 1  # one open involvement per child and agency
    for involvement in Involvement.objects.select_related("child", "agency"):
        assert involvement.ended_on is None or involvement.ended_on >= involvement.started_on
        assert involvement.agency.boards.filter(pk=involvement.child.board_id).exists()
        assert involvement.started_on >= involvement.child.created_at.date()
        if involvement.lead_practitioner_id:
            assert Membership.objects.filter(
                user_id=involvement.lead_practitioner_id, agency=involvement.agency, role="practitioner"
            ).exists()


def test_entries_follow_the_rules(tiny) -> None:
    entries = list(ChronologyEntry.objects.select_related("child", "author", "amends").order_by("pk"))
    recorded = [entry.recorded_at for entry in entries]
    assert recorded == sorted(recorded)  # ids follow recording order
    involved = {
        (i.child_id, i.agency_id): i for i in Involvement.objects.all()
    }  # (one involvement per pair on the tiny profile's sample is enough to find its dates)
    amended = Counter(entry.amends_id for entry in entries if entry.amends_id)
    assert not amended or max(amended.values()) == 1  # an entry is amended once: then its amendment is
    for entry in entries:
        assert entry.author_name == entry.author.full_name
        assert entry.author_job_title == entry.author.job_title
        assert entry.occurred_at <= entry.recorded_at <= scale.DEFAULT_ANCHOR
        assert entry.recorded_at >= entry.child.created_at
        assert bool(entry.late_reason) == (entry.recorded_at - entry.occurred_at > LATE_ENTRY_AFTER)
        assert (entry.child_id, entry.agency_id) in involved
        if entry.amends_id:
            assert entry.amendment_reason
            assert entry.amends.child_id == entry.child_id and entry.amends.agency_id == entry.agency_id
            assert entry.amends_id < entry.pk and entry.amends.recorded_at < entry.recorded_at
        else:
            assert entry.amendment_reason == ""


def test_contacts_follow_the_rules_and_their_history(tiny) -> None:
    path = [ContactStatus.RECEIVED, ContactStatus.RATED, ContactStatus.DECIDED, ContactStatus.CLOSED]
    for contact in Contact.objects.select_related("child").prefetch_related("status_changes"):
        assert contact.reference == f"MC-{contact.pk:06d}"
        assert contact.board_id == contact.child.board_id
        assert contact.received_at >= contact.child.created_at
        step = path.index(contact.status)
        assert bool(contact.rag) == (step >= 1) and bool(contact.rated_by_id) == (step >= 1)
        assert bool(contact.outcome) == (step >= 2) and bool(contact.decided_at) == (step >= 2)
        assert (contact.feedback_sent_at is not None) == (step == 3)
        assert contact.version == step + 1
        changes = list(contact.status_changes.order_by("at", "pk"))
        assert [c.to_status for c in changes] == path[: step + 1]
        assert changes[0].from_status == ""
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(changes))
        assert changes[-1].at <= scale.DEFAULT_ANCHOR
        if step >= 2:
            assert (
                perms.can_decide_contact(contact.decided_by, contact)
                or not Membership.objects.filter(
                    role="mash_manager", agency__boards=contact.board_id
                ).exists()
            )
    # A rated contact waiting for its decision (red, amber or green) has its open clock.
    waiting = Contact.objects.filter(status=ContactStatus.RATED).exclude(rag="blue")
    clocks = Clock.objects.filter(subject_type__model="contact", met_at__isnull=True)
    assert set(clocks.values_list("subject_id", flat=True)) == {
        str(pk) for pk in waiting.values_list("pk", flat=True)
    }


def test_the_practitioner_sees_the_hot_child_on_their_caseload(tiny) -> None:
    practitioner = User.objects.get(email=scale.SCALE_PRACTITIONER_EMAIL)
    hot = _hot_child()
    assert hot.chronology.count() == TINY["casework.hot_child_entries"]
    others = ChronologyEntry.objects.exclude(child=hot).values("child_id").annotate(n=Count("pk"))
    assert max(row["n"] for row in others) < TINY["casework.hot_child_entries"]
    assert perms.visible_children(practitioner).filter(pk=hot.pk).exists()
    assert perms.can_see_child(practitioner, hot)
    assert Involvement.objects.filter(
        child=hot, lead_practitioner=practitioner, ended_on__isnull=True
    ).exists()
    # Their caseload: up to 30 of their agency's current involvements (fewer on the tiny profile).
    caseload = Involvement.objects.filter(lead_practitioner=practitioner, ended_on__isnull=True).count()
    assert 1 <= caseload <= 30
    # The entries span the child's years on the record, not a few days.
    span = hot.chronology.order_by("occurred_at").values_list("occurred_at", flat=True)
    assert (span.last() - span.first()).days > 5 * 365


def test_the_mash_persona_works_the_first_boards_queue(tiny) -> None:
    mash = User.objects.get(email=scale.SCALE_MASH_EMAIL)
    membership = Membership.objects.select_related("agency").get(user=mash)
    assert membership.role == "mash_officer"
    assert membership.agency.sector == "childrens_social_care"
    board = membership.agency.boards.get()
    assert board.short_name == f"{scale.BOARD_PREFIX}01"
    assert perms.works_in_mash(mash)
    assert (
        perms.visible_children(mash).filter(board=board).count() == Child.objects.filter(board=board).count()
    )
    queue = selectors.contact_queue(mash)
    board_contacts = Contact.objects.filter(board=board).count()
    assert 0 < queue.count() < board_contacts / 2
    assert all(contact.status != ContactStatus.CLOSED for contact in queue)


def test_the_demo_queues_hold_the_last_days_contacts(db) -> None:
    """On the demo profile each MASH queue holds tens of open contacts, not the board's history."""
    with transaction.atomic():
        scale.generate("demo", seed=2026, only=["casework"])
        open_by_board = Counter(
            Contact.objects.exclude(status=ContactStatus.CLOSED).values_list("board_id", flat=True).iterator()
        )
        mash = User.objects.get(email=scale.SCALE_MASH_EMAIL)
        queue = selectors.contact_queue(mash).count()
        practitioner = User.objects.get(email=scale.SCALE_PRACTITIONER_EMAIL)
        visible = perms.visible_children(practitioner).count()
        transaction.set_rollback(True)
    assert len(open_by_board) == scale.PROFILES["demo"].counts["people.boards"]
    assert all(10 <= n <= 300 for n in open_by_board.values()), open_by_board
    assert 10 <= queue <= 300
    assert 20 <= visible < scale.PROFILES["demo"].counts["casework.children"] / 10
