"""A known month of Liverpool CIG monitoring for the report tests, built on the `cig_schedule` fixture.

The Child T review (led by Lancashire, Liverpool a partner) has two plans monitored by the CIG:

- Merseyside Police (a Liverpool agency), monitored by both boards:
    1 (A1) agreed, due in 90 days            -> green; its owner answers the cycle's request on time
    2 (A2) agreed, due 10 days ago            -> red and overdue; an old update, none in the cycle
    3 (A3) in progress, flagged at risk       -> amber; no update in the cycle
    4 (A4) closed today, impact evidenced     -> blue
- Lancashire Children's Social Care (a Lancashire agency), monitored by Lancashire only:
    1 (C1) agreed, due in 30 days             -> green; no update in the cycle
    2 (C2) completed, evidence waiting        -> green; on the agenda for a decision

The meeting's agenda: A2 overdue (decided: noted), C2's evidence (no decision yet).
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from safeguard.monitoring import services
from safeguard.monitoring.models import AgendaReason, DecisionKind
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionStatusChange,
    Evidence,
    ImpactAssessment,
    PlanKind,
    PlanStatus,
    ProgressUpdate,
    ReviewStatus,
    ReviewStatusChange,
)

OLD_UPDATE = "Waiting for the trainer's dates"
CYCLE_ANSWER = "Training booked for all control-room staff"


def _action(plan: ActionPlan, number: int, *, by: Any, **fields: Any) -> Action:
    now = timezone.now()
    fields.setdefault("agreed_at", now - timedelta(days=60))
    return Action.objects.create(plan=plan, number=number, created_by=by, **fields)


def build(demo: Any, s: Any, *, meeting: bool = True) -> SimpleNamespace:
    """The actions, the open cycle with its answers, and (optionally) the meeting with one decision."""
    today = timezone.localdate()
    now = timezone.now()
    police = s.plan
    a1 = s.action
    a2 = _action(
        police,
        2,
        by=demo.police_lead,
        title="Audit closure of incidents involving children",
        lead_officer=demo.ops_supervisor,
        due_date=today - timedelta(days=10),
        status=ActionStatus.AGREED,
    )
    ProgressUpdate.objects.create(
        action=a2,
        author=demo.ops_supervisor,
        written_at=now - timedelta(days=40),
        narrative=OLD_UPDATE,
        claimed="at_risk",
    )
    a3 = _action(
        police,
        3,
        by=demo.police_lead,
        title="Refresh the vulnerable person referral guidance",
        lead_officer_name="Sam Example",
        due_date=today + timedelta(days=60),
        status=ActionStatus.IN_PROGRESS,
        at_risk=True,
    )
    a4 = _action(
        police,
        4,
        by=demo.police_lead,
        title="Brief supervisors on the closure policy",
        lead_officer=demo.ops_supervisor,
        due_date=today - timedelta(days=5),
        status=ActionStatus.CLOSED,
        closed_at=now,
    )
    ActionStatusChange.objects.create(
        action=a4,
        from_status=ActionStatus.IN_PROGRESS,
        to_status=ActionStatus.COMPLETED,
        actor=demo.police_lead,
    )
    ImpactAssessment.objects.create(
        action=a4,
        verdict="evidenced",
        source="audit",
        narrative="Dip sample shows closures endorsed",
        assessor=demo.cig_chair,
    )
    csc = ActionPlan.objects.create(
        review=s.review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=s.csc,
        monitoring_subgroup=s.cig,
        title="Lancashire CSC action plan",
        status=PlanStatus.APPROVED,
        approved_version=1,
        approved_at=now,
        created_by=demo.lancashire_manager,
    )
    csc.monitoring_boards.set([s.lancashire])
    c1 = _action(
        csc,
        1,
        by=demo.csc_lead,
        title="Strengthen supervision of step-down decisions",
        due_date=today + timedelta(days=30),
        status=ActionStatus.AGREED,
    )
    c2 = _action(
        csc,
        2,
        by=demo.csc_lead,
        title="Publish the practice guidance",
        due_date=today + timedelta(days=20),
        status=ActionStatus.COMPLETED,
    )
    evidence = Evidence.objects.create(
        action=c2,
        kind="narrative",
        description="Guidance published on the intranet",
        submitted_by=demo.csc_lead,
    )
    # The review is monitoring its actions (moved there a month ago).
    ReviewStatusChange.objects.create(
        review=s.review,
        from_status=ReviewStatus.PUBLISHED,
        to_status=ReviewStatus.MONITORING,
        actor=demo.lancashire_manager,
        at=now - timedelta(days=30),
    )
    type(s.review).objects.filter(pk=s.review.pk).update(status=ReviewStatus.MONITORING)

    cycle, _ = services.open_cycle(schedule=s.schedule, opens_on=today)
    request = cycle.requests.get(action=a1)
    services.answer_request(
        actor=demo.ops_supervisor, request=request, narrative=CYCLE_ANSWER, claimed="on_track"
    )
    world = SimpleNamespace(
        **vars(s), cycle=cycle, a1=a1, a2=a2, a3=a3, a4=a4, csc_plan=csc, c1=c1, c2=c2, evidence=evidence
    )
    if meeting:
        world.meeting = services.schedule_meeting(actor=demo.cig_chair, cycle=cycle, held_on=today)
        overdue_item = world.meeting.items.get(reason=AgendaReason.OVERDUE, action=a2)
        services.record_decision(
            actor=demo.cig_chair,
            item=overdue_item,
            kind=DecisionKind.NOTED,
            note="Chased with the force lead",
        )
    return world


def close(demo: Any, world: SimpleNamespace) -> Any:
    world.snapshot = services.close_cycle(actor=demo.liverpool_manager, cycle=world.cycle)
    world.cycle.refresh_from_db()
    if hasattr(world, "meeting"):
        world.meeting = type(world.meeting).objects.get(pk=world.meeting.pk)  # with the closed cycle
    return world.snapshot


# --- Reading what the reports say -----------------------------------------------------------------


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells (header cells included) of the table with this id."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth = 0  # >0 while inside the wanted table
            self.in_body = False
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table":
                if self.depth or dict(attrs).get("id") == table_id:
                    self.depth += 1
            elif self.depth and tag == "tbody":
                self.in_body = True
            elif self.depth and self.in_body and tag == "tr":
                self.rows.append([])
            elif self.depth and self.in_body and tag in {"td", "th"}:
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag == "table" and self.depth:
                self.depth -= 1
            elif tag == "tbody":
                self.in_body = False
            elif tag in {"td", "th"} and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data + " ")

    reader = Reader()
    reader.feed(html)
    return reader.rows


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def workbook(content: bytes) -> Any:
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def sheet_values(book: Any, title: str) -> list[list[Any]]:
    return [list(row) for row in book[title].iter_rows(values_only=True)]
