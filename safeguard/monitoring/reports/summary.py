"""The cross-board summary of a co-owned review, as of a closed cycle's snapshot, and as delivered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from safeguard.monitoring.models import ReportDelivery, Snapshot, SnapshotRow
from safeguard.monitoring.reports.common import DONE_STATES, ActionRow, RagCounts, group_rows, snapshot_rows
from safeguard.people.models import Agency, Board
from safeguard.reviews.models import Review


@dataclass(frozen=True)
class CrossBoardSummary:
    snapshot_id: int
    review_id: int
    review_reference: str
    review_subject: str
    from_board_id: int
    from_board: str
    # The other boards that own the review: (id, name), the first the schedule's usual recipient.
    other_boards: tuple[tuple[int, str], ...]
    cycle_label: str
    taken_on: date
    taken_at: datetime
    # The previous snapshot of the same schedule: what "since" means; None for the first cycle.
    previous_taken_on: date | None
    rows: tuple[ActionRow, ...]
    totals: RagCounts
    by_agency: tuple[RagCounts, ...]
    completed: tuple[ActionRow, ...]
    updates: tuple[ActionRow, ...]


def summary_reviews(snapshot: Snapshot) -> QuerySet[Review]:
    """Reviews in a snapshot that the snapshot's board owns together with another board."""
    board_id = snapshot.cycle.schedule.board_id
    partners = Review.partner_boards.through.objects.filter(review_id=OuterRef("pk"))
    in_snapshot = SnapshotRow.objects.filter(snapshot=snapshot, review_id=OuterRef("pk"))
    own = Q(lead_board_id=board_id) | Q(Exists(partners.filter(board_id=board_id)))
    shared = Q(Exists(partners.exclude(board_id=F("review__lead_board_id"))))
    return Review.objects.filter(Exists(in_snapshot)).filter(own).filter(shared).order_by("reference")


def _sending_board_rows(snapshot: Snapshot, review: Review, board: Board) -> QuerySet[SnapshotRow]:
    """The review's rows in the snapshot whose plan the sending board's agencies (Agency.boards) or the
    board itself own."""
    agency_on_board = Agency.boards.through.objects.filter(
        agency_id=OuterRef("plan__owner_agency_id"), board_id=board.pk
    )
    return SnapshotRow.objects.filter(snapshot=snapshot, review=review).filter(
        Q(plan__owner_board_id=board.pk) | Q(Exists(agency_on_board))
    )


def _previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    cycle = snapshot.cycle
    return (
        Snapshot.objects.filter(cycle__schedule_id=cycle.schedule_id, cycle__opens_on__lt=cycle.opens_on)
        .order_by("-cycle__opens_on", "-pk")
        .first()
    )


def cross_board_summary(
    snapshot: Snapshot, review: Review, *, from_board: Board | None = None
) -> CrossBoardSummary:
    """What the sending board's agencies did on a co-owned review, as of a closed cycle's snapshot."""
    cycle = snapshot.cycle
    schedule = cycle.schedule
    board = from_board or schedule.board
    # The summary does not single out stale actions, so their flags are not read.
    rows = snapshot_rows(_sending_board_rows(snapshot, review, board), frozenset())
    previous = _previous_snapshot(snapshot)
    before: dict[int, str] = {}
    if previous is not None:
        before = dict(
            SnapshotRow.objects.filter(snapshot=previous, review=review).values_list("action_id", "status")
        )

    def newly_done(row: ActionRow) -> bool:
        return row.status in DONE_STATES and before.get(row.action_id) not in DONE_STATES

    def updated_in_period(row: ActionRow) -> bool:
        if not row.latest_update or row.latest_update_at is None:
            return False
        return previous is None or row.latest_update_at > previous.taken_at

    boards = (
        Board.objects.filter(Q(pk=review.lead_board_id) | Q(partner_reviews=review))
        .exclude(pk=board.pk)
        .distinct()
    )
    recipient_id = schedule.cross_board_recipient_id
    others = sorted(
        ((b.pk, b.name) for b in boards.order_by("name")), key=lambda pair: pair[0] != recipient_id
    )
    return CrossBoardSummary(
        snapshot_id=snapshot.pk,
        review_id=review.pk,
        review_reference=review.reference,
        review_subject=review.subject_pseudonym,
        from_board_id=board.pk,
        from_board=board.name,
        other_boards=tuple(others),
        cycle_label=cycle.label,
        taken_on=snapshot.taken_on,
        taken_at=snapshot.taken_at,
        previous_taken_on=previous.taken_on if previous is not None else None,
        rows=tuple(rows),
        totals=RagCounts.of("All actions", Counter(row.rag for row in rows)),
        by_agency=group_rows(rows, lambda r: r.agency_name),
        completed=tuple(row for row in rows if newly_done(row)),
        updates=tuple(
            sorted(
                (row for row in rows if updated_in_period(row)),
                key=lambda r: (r.latest_update_at, r.action_id),
                reverse=True,
            )
        ),
    )


def delivery_summary(delivery: ReportDelivery) -> CrossBoardSummary:
    """A delivered summary, rebuilt from the snapshot it was sent from: what the recipients got."""
    assert delivery.review is not None
    return cross_board_summary(delivery.snapshot, delivery.review, from_board=delivery.from_board)
