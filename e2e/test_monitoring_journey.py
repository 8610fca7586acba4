"""The Liverpool Critical Incident Group's month of monitoring, in the browser, on the whole demo (the Child N
review monitored by both boards, mid-way through a month), by the people who share it, signing in in turn:

- the CIG chair opens the schedule's next cycle from the schedule page: every owner of an action being
  delivered is asked for a progress update;
- Merseyside Police's safeguarding lead finds the request in My work and answers it (the MARAC review);
  the force's control-room supervisor, lead officer of the training action, answers theirs and asks the
  subgroup for a new due date (a date before the current one is refused first);
- the chair plans the meeting and its agenda builds itself (red actions, evidence waiting, the new date
  asked for, impact due, stale actions), records attendance and four decisions: evidence accepted, evidence
  returned (refused without a reason first), the new date approved, a red action escalated to the board;
  finalises the minutes and downloads them; closes the cycle (the snapshot); reads the board pack and
  downloads it as PDF and XLSX; opens the cross-board summary of the Child N review for the new snapshot,
  downloads it as PDF and XLSX and sends it to Lancashire; opens the partnership dashboard and Liverpool's
  annual report extract for this year;
- Lancashire's business manager finds the delivery in their notifications, opens it and downloads its PDF;
- Liverpool's business manager finds the escalation in theirs and opens the action.

Every page reached is checked with axe (WCAG 2.2 AA, no violations) and against the page conventions; each
step's outcome is checked on the page and in the database; every file is opened as its reader would open it
(PDF text with pypdf, cells with openpyxl). One test, in phases: each step needs the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e import journey_helpers as ui
from e2e import monitoring_helpers as files
from e2e.journey_helpers import arrive, button, choose, expect_error, expect_success, fill_date, link
from safeguard.core.models import Notification
from safeguard.monitoring import services
from safeguard.monitoring.demo import LIVERPOOL_SCHEDULE
from safeguard.monitoring.models import (
    AgendaItem,
    AgendaReason,
    CycleStatus,
    DecisionKind,
    Meeting,
    MeetingStatus,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    RequestStatus,
)
from safeguard.people.demo import load_demo
from safeguard.reviews.demo import REFERENCE
from safeguard.reviews.models import Action, EvidenceDecision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CIG = "Critical Incident Group"
LIVERPOOL = "Liverpool Safeguarding Children Board"
LOCATION = "Cunard Building, room 2"
# The demo's CIG-monitored actions the journey works on, by the start of their titles.
MARAC = "Review and re-assess MARAC capacity"  # Merseyside Police, led by its safeguarding lead; stale
TRAINING = "Train all front line officers"  # Merseyside Police, led by the control-room supervisor
SIGNATURES = "Address illegible signatures"  # Royal Liverpool, evidence waiting
ALLEGATIONS = "Introduce an enhanced management of allegations"  # Alder Hey, evidence waiting
CHRONOLOGIES = "Complete chronologies"  # Liverpool Community Health, red
MARAC_UPDATE = "Terms of reference for the MARAC capacity review agreed; the review starts next month."
TRAINING_UPDATE = "Day-shift officers trained; night shifts cannot be released until the spring rota."
NEW_DATE_REASON = "Night-shift officers can only be released for training after the winter rota."
ACCEPT_NOTE = "The audit shows printed names beside 98% of signatures."
RETURN_REASON = "The log covers one directorate only; show the procedure is used trust-wide."
APPROVE_NOTE = "Agreed: the winter rota makes the earlier date unachievable."
ESCALATION = "No chronology audit for three cycles: the board is asked to challenge the trust's executive."
MINUTES = "The group reviewed the cycle's updates. Members will bring the trust-wide log next month."
NEW_DATE_LEGEND = "New due date (if you are asking for one)"
NEW_DATE_REASON_LABEL = "Why does the action need a new date? (if you are asking for one)"
COVERING_NOTE = "Sent by the Chair of the Critical Incident Group with the Liverpool LSCB Business Manager."


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


@pytest.fixture
def month(demo, settings, tmp_path):
    """The whole demo, as `make run` loads it (partnership, Child N review, monitoring): the Liverpool CIG's
    schedule with two closed cycles, the current one open and its meeting planned."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    return demo


@dataclass
class Story:
    """What the personas share as the journey goes on: the tab, the people, the records made so far."""

    page: Page
    sign_in_as: Callable[[Any], None]
    demo: Any
    today: date = field(default_factory=timezone.localdate)
    schedule: MonitoringSchedule = field(init=False)
    actions: dict[str, Action] = field(default_factory=dict)
    cycle: MonitoringCycle = field(init=False)
    meeting: Meeting = field(init=False)
    new_date: date = field(init=False)
    delivery: ReportDelivery = field(init=False)

    def __post_init__(self) -> None:
        self.schedule = MonitoringSchedule.objects.get(name=LIVERPOOL_SCHEDULE)
        for start in (MARAC, TRAINING, SIGNATURES, ALLEGATIONS, CHRONOLOGIES):
            self.actions[start] = Action.objects.get(
                title__startswith=start, plan__monitoring_subgroup=self.schedule.subgroup
            )

    def action(self, start: str) -> Action:
        action = self.actions[start]
        action.refresh_from_db()
        return action

    def sign_in(self, user: Any) -> None:
        """Hand the browser to another persona: the last one's session goes, this one's comes, at My work."""
        self.page.context.clear_cookies()
        self.sign_in_as(user)
        self.page.goto(reverse("core:my_work"))
        arrive(self.page, "My work")
        expect(self.page.get_by_text(f"Signed in as {user.full_name}")).to_be_visible()

    def monitoring_home(self) -> None:
        ui.menu(self.page, "Monitoring").click()
        arrive(self.page, "Monitoring")

    @property
    def cycle_title(self) -> str:
        return f"Cycle {self.cycle.number}, opened {_day(self.cycle.opens_on)}"

    @property
    def meeting_title(self) -> str:
        return f"{CIG} meeting, {_day(self.today)}"

    def notification(self, href: str) -> Any:
        """A notification in My work, by where it leads (subjects repeat; addresses do not)."""
        return self.page.get_by_role("main").locator(f'a[href="{href}"]')


def test_cig_chair_runs_a_month_of_monitoring_from_cycle_to_cross_board_summary(
    page: Page, live_server, month, sign_in_as
) -> None:
    story = Story(page, sign_in_as, month)
    _chair_opens_the_next_cycle(story)
    _agency_lead_answers_a_request_from_my_work(story)
    _lead_officer_answers_and_asks_for_a_new_date(story)
    _chair_plans_the_meeting_and_the_agenda_builds_itself(story)
    _chair_records_attendance_and_decisions(story)
    _chair_finalises_and_downloads_the_minutes(story)
    _chair_closes_the_cycle_and_downloads_the_board_pack(story)
    _chair_sends_the_cross_board_summary_to_lancashire(story)
    _chair_reads_the_dashboard_and_the_annual_report(story)
    _lancashire_manager_receives_the_summary(story)
    _liverpool_manager_sees_the_escalation(story)


# --- The CIG chair opens the cycle ----------------------------------------------------------------------


def _chair_opens_the_next_cycle(story: Story) -> None:
    page, demo, schedule = story.page, story.demo, story.schedule
    asked = services.actions_for(schedule).filter(status__in=services.REQUESTED_STATES).count()
    before = schedule.cycles.count()
    story.sign_in(demo.cig_chair)
    story.monitoring_home()
    link(page, LIVERPOOL_SCHEDULE).click()
    arrive(page, LIVERPOOL_SCHEDULE)
    button(page, "Open the next cycle now").click()
    expect_success(page, f"Cycle {before + 1} is open: {asked} update requests sent")

    cycle = schedule.cycles.get(opens_on=story.today)
    story.cycle = cycle
    arrive(page, story.cycle_title)
    expect(page.locator("main .govuk-tag").first).to_have_text("Open: collecting updates")
    requests_table = page.locator("#requests + div table")
    expect(requests_table.locator("tbody tr")).to_have_count(asked)

    assert (cycle.number, cycle.status, cycle.opened_by) == (before + 1, CycleStatus.OPEN, demo.cig_chair)
    marac = cycle.requests.get(action=story.actions[MARAC])
    training = cycle.requests.get(action=story.actions[TRAINING])
    assert (marac.owner, marac.status, marac.is_stale) == (demo.police_lead, RequestStatus.REQUESTED, True)
    # The training action was answered in the last cycle, so it is not stale in this one.
    assert (training.owner, training.is_stale) == (demo.control_supervisor, False)
    for owner in (demo.police_lead, demo.control_supervisor):
        assert Notification.objects.filter(
            user=owner, subject="Progress updates are requested from you", url="/monitoring/requests/"
        ).exists()


# --- The agencies answer --------------------------------------------------------------------------------


def _open_my_requests(story: Story) -> None:
    """From My work: the item for the new cycle (the previous cycle's may be there too)."""
    page = story.page
    item = page.get_by_role("main").locator(f'a[href="/monitoring/requests/?cycle={story.cycle.pk}"]')
    expect(item).to_have_text(re.compile(r"^\d+ progress updates? requested$"))
    item.click()
    arrive(page, "Your update requests")
    expect(page.locator("main")).to_contain_text(
        f"Showing the requests of one cycle: {LIVERPOOL_SCHEDULE}: {story.cycle.label}"
    )


def _agency_lead_answers_a_request_from_my_work(story: Story) -> None:
    page, demo = story.page, story.demo
    marac = story.action(MARAC)
    story.sign_in(demo.police_lead)
    _open_my_requests(story)
    # An agency lead sees every request of their agency, not only their own: the training action too.
    expect(link(page, f"Send your update on action {story.actions[TRAINING].reference}")).to_be_visible()
    link(page, f"Send your update on action {marac.reference}").click()
    arrive(page, f"Send your update on action {marac.reference}")
    ui.field(page, "Progress made since the last update").fill(MARAC_UPDATE)
    choose(page, "How is the action going?", "On track")
    choose(page, "Do you need to ask for a new due date?", "No")
    button(page, "Send the update").click()
    expect_success(page, f"Your update on action {marac.reference} has been sent")
    arrive(page, "Your update requests")

    request = story.cycle.requests.select_related("answer").get(action=marac)
    assert (request.status, request.proposed_due_date) == (RequestStatus.ANSWERED, None)
    assert (request.answer.author, request.answer.narrative) == (demo.police_lead, MARAC_UPDATE)
    assert request.answered_at is not None and request.answered_at.date() <= story.cycle.deadline


def _lead_officer_answers_and_asks_for_a_new_date(story: Story) -> None:
    page, demo = story.page, story.demo
    training = story.action(TRAINING)
    assert training.due_date is not None
    story.new_date = training.due_date + timedelta(weeks=12)
    story.sign_in(demo.control_supervisor)
    _open_my_requests(story)
    link(page, f"Send your update on action {training.reference}").click()
    heading = f"Send your update on action {training.reference}"
    arrive(page, heading)
    ui.field(page, "Progress made since the last update").fill(TRAINING_UPDATE)
    choose(page, "How is the action going?", "At risk")
    choose(page, "Do you need to ask for a new due date?", "Yes, ask the subgroup for a new due date")

    # A new date that is not after the current one is refused, with the current date in the message.
    fill_date(page, NEW_DATE_LEGEND, training.due_date - timedelta(days=7))
    ui.field(page, NEW_DATE_REASON_LABEL).fill(NEW_DATE_REASON)
    button(page, "Send the update").click()
    expect_error(page, f"The new date must be after the current due date, {_day(training.due_date)}")
    arrive(page, heading)
    assert story.cycle.requests.get(action=training).status == RequestStatus.REQUESTED

    fill_date(page, NEW_DATE_LEGEND, story.new_date)
    button(page, "Send the update").click()
    expect_success(
        page,
        f"Your update on action {training.reference} has been sent and your request for a new due date "
        "goes to the subgroup",
    )
    arrive(page, "Your update requests")

    request = story.cycle.requests.get(action=training)
    assert (request.status, request.proposed_due_date, request.proposed_reason) == (
        RequestStatus.ANSWERED,
        story.new_date,
        NEW_DATE_REASON,
    )
    assert story.action(TRAINING).due_date == training.due_date  # asked for, not yet agreed


# --- The CIG chair runs the meeting ---------------------------------------------------------------------


def _chair_plans_the_meeting_and_the_agenda_builds_itself(story: Story) -> None:
    page, demo = story.page, story.demo
    story.sign_in(demo.cig_chair)
    story.monitoring_home()
    link(page, story.cycle_title).click()
    arrive(page, story.cycle_title)
    requests_table = page.locator("#requests + div table")
    marac_row = requests_table.locator("tbody tr", has=link(page, re.compile(re.escape(MARAC))))
    expect(marac_row).to_contain_text("Answered")
    training_row = requests_table.locator("tbody tr", has=link(page, re.compile(re.escape(TRAINING))))
    expect(training_row).to_contain_text(_day(story.new_date))

    button(page, "Plan the meeting").click()
    arrive(page, "Plan the meeting")
    fill_date(page, "Date of the meeting", story.today)
    ui.field(page, "Where (optional)").fill(LOCATION)
    button(page, "Plan the meeting").click()
    expect_success(page, "The meeting is planned with")
    meeting = story.cycle.meetings.get()
    story.meeting = meeting
    items = meeting.items.count()
    expect_success(page, f"The meeting is planned with {items} items on its agenda")
    arrive(page, story.meeting_title)

    # Built from what is due: a section per reason, most pressing first.
    sections = page.locator("main h3")
    expect(sections).to_have_text(
        [
            re.compile(r"^Overdue or red \(\d+\)$"),
            re.compile(r"^Evidence waiting for a decision \(\d+\)$"),
            "New date asked for (1)",
            re.compile(r"^Impact assessment due \(\d+\)$"),
            re.compile(r"^No update since the last cycle \(\d+\)$"),
        ]
    )
    training = story.actions[TRAINING]
    asked = _item(story, AgendaReason.REPROGRAMMING, TRAINING)
    expect(page.locator(f"#item-{asked.pk}")).to_contain_text(
        f"New date asked for: {_day(story.new_date)} (now due {_day(training.due_date)}). {NEW_DATE_REASON}"
    )

    assert (meeting.held_on, meeting.location, meeting.status) == (
        story.today,
        LOCATION,
        MeetingStatus.PLANNED,
    )
    reasons = set(meeting.items.values_list("reason", flat=True))
    assert reasons == set(AgendaReason.values)
    assert asked.request == story.cycle.requests.get(action=training)
    stale = set(meeting.items.filter(reason=AgendaReason.STALE).values_list("action_id", flat=True))
    assert story.actions[MARAC].pk in stale and training.pk not in stale
    waiting = set(meeting.items.filter(reason=AgendaReason.EVIDENCE).values_list("action_id", flat=True))
    assert {story.actions[SIGNATURES].pk, story.actions[ALLEGATIONS].pk} <= waiting


def _item(story: Story, reason: str, start: str) -> AgendaItem:
    return story.meeting.items.select_related("request", "evidence").get(
        reason=reason, action=story.actions[start]
    )


def _decide(story: Story, item: AgendaItem, decision: str, note: str = "") -> None:
    """The decision form of one agenda item on the meeting page."""
    page = story.page
    choose(page, f"Decision on item {item.position}", decision)
    ui.field(page, f"Note for the minutes on item {item.position}").fill(note)
    button(page, f"Record the decision on item {item.position}").click()


def _chair_records_attendance_and_decisions(story: Story) -> None:
    page, demo = story.page, story.demo
    link(page, "Record attendance").click()
    arrive(page, "Record attendance")
    choose(page, demo.cig_chair.full_name, "Present")
    choose(page, demo.liverpool_manager.full_name, "Present")
    choose(page, demo.police_lead.full_name, "Apologies")
    button(page, "Save attendance").click()
    expect_success(page, "Attendance has been recorded")
    arrive(page, story.meeting_title)
    attendance = page.locator("#attendance + table")
    expect(attendance.locator("tbody tr")).to_have_count(3)
    expect(attendance.locator("tbody tr", has_text=demo.police_lead.full_name)).to_contain_text("Apologies")

    accept = _item(story, AgendaReason.EVIDENCE, SIGNATURES)
    _decide(story, accept, "Accept the evidence", ACCEPT_NOTE)
    expect_success(page, f"Item {accept.position}: \u201cAccept the evidence\u201d has been recorded")
    arrive(page, story.meeting_title)
    expect(page.locator(f"#item-{accept.pk} table")).to_contain_text(ACCEPT_NOTE)

    # Returning evidence needs a reason: refused without one, with the form kept, and nothing written.
    give_back = _item(story, AgendaReason.EVIDENCE, ALLEGATIONS)
    _decide(story, give_back, "Return the evidence with a reason")
    expect_error(page, "Say why the evidence is being returned")
    arrive(page, story.meeting_title)
    assert not give_back.decisions.exists()
    _decide(story, give_back, "Return the evidence with a reason", RETURN_REASON)
    expect_success(
        page, f"Item {give_back.position}: \u201cReturn the evidence with a reason\u201d has been recorded"
    )
    arrive(page, story.meeting_title)

    new_date = _item(story, AgendaReason.REPROGRAMMING, TRAINING)
    _decide(story, new_date, "Approve the new date", APPROVE_NOTE)
    expect_success(page, f"Item {new_date.position}: \u201cApprove the new date\u201d has been recorded")
    arrive(page, story.meeting_title)

    red = _item(story, AgendaReason.OVERDUE, CHRONOLOGIES)
    _decide(story, red, "Escalate to the board", ESCALATION)
    expect_success(page, f"Item {red.position}: \u201cEscalate to the board\u201d has been recorded")
    arrive(page, story.meeting_title)
    expect(page.locator(f"#item-{red.pk} table")).to_contain_text(ESCALATION)

    # Each decision went through the action's own services, by the chair.
    accepted, returned = accept.evidence, give_back.evidence
    accepted.refresh_from_db()
    returned.refresh_from_db()
    assert (accepted.decision, accepted.decided_by) == (EvidenceDecision.ACCEPTED, demo.cig_chair)
    assert (returned.decision, returned.return_reason) == (EvidenceDecision.RETURNED, RETURN_REASON)
    training = story.action(TRAINING)
    assert (training.due_date, training.is_reprogrammed) == (story.new_date, True)
    kinds = dict(story.meeting.items.filter(decisions__isnull=False).values_list("pk", "decisions__kind"))
    assert kinds == {
        accept.pk: DecisionKind.ACCEPT_EVIDENCE,
        give_back.pk: DecisionKind.RETURN_EVIDENCE,
        new_date.pk: DecisionKind.APPROVE_REPROGRAMMING,
        red.pk: DecisionKind.ESCALATE,
    }
    assert Notification.objects.filter(
        user=demo.liverpool_manager,
        subject="A monitoring subgroup has escalated an action to the board",
        url=f"/actions/{story.actions[CHRONOLOGIES].pk}/",
    ).exists()


def _chair_finalises_and_downloads_the_minutes(story: Story) -> None:
    page = story.page
    link(page, "Finalise the minutes").click()
    arrive(page, "Finalise the minutes")
    ui.field(page, "Minutes").fill(MINUTES)
    button(page, "Finalise the minutes").click()
    expect_success(page, "The minutes are final. The meeting's decisions can no longer change")
    arrive(page, story.meeting_title)
    expect(page.locator("#minutes ~ p").first).to_have_text(MINUTES)
    expect(link(page, "Record attendance")).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)  # no more decisions, attendance or agenda changes
    story.meeting.refresh_from_db()
    assert (story.meeting.status, story.meeting.minutes) == (MeetingStatus.HELD, MINUTES)

    minutes = files.download(page, link(page, "Download the minutes (PDF)"))
    text = files.pdf_text(minutes)
    for expected in (CIG, _day(story.today), story.demo.cig_chair.full_name, "Apologies", RETURN_REASON):
        assert expected in text, f"{expected!r} is not in the minutes PDF"
    assert "Return the evidence with a reason" in text or "Returned" in text


# --- Closing the cycle: the snapshot, the board pack ----------------------------------------------------


def _chair_closes_the_cycle_and_downloads_the_board_pack(story: Story) -> None:
    page, cycle = story.page, story.cycle
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=cycle.label).click()
    arrive(page, story.cycle_title)
    button(page, "Close the cycle and take the snapshot").click()
    arrive(page, "Close the cycle and take the snapshot")
    button(page, "Close the cycle and take the snapshot").click()
    cycle.refresh_from_db()
    snapshot = cycle.snapshot
    expect_success(
        page,
        f"Cycle {cycle.number} is closed and its snapshot taken: {snapshot.action_count} actions frozen "
        "as they stand today",
    )
    arrive(page, story.cycle_title)
    expect(button(page, "Close the cycle and take the snapshot")).to_have_count(0)
    assert (cycle.status, cycle.closed_by) == (CycleStatus.CLOSED, story.demo.cig_chair)
    rows = {row.action_id: row for row in snapshot.rows.all()}
    assert rows[story.actions[TRAINING].pk].due_date == story.new_date
    assert rows[story.actions[MARAC].pk].updated_in_cycle is True
    answered = cycle.requests.filter(status=RequestStatus.ANSWERED).count()

    link(page, f"Board pack for {CIG}, {_day(story.today)}").click()
    pack_title = f"Board pack: {CIG}, {_day(story.today)}"
    arrive(page, pack_title)
    expect(page.locator("main")).to_contain_text("Frozen when the cycle closed")

    pdf = files.download(page, link(page, "Download as PDF"))
    text = files.pdf_text(pdf)
    for expected in (pack_title, LIVERPOOL, "Frozen when the cycle closed", RETURN_REASON, ESCALATION):
        assert expected in text, f"{expected!r} is not in the board pack PDF"

    xlsx = files.download(page, link(page, "Download as a spreadsheet (XLSX)"))
    assert xlsx.filename == f"board-pack-critical-incident-group-{story.today:%Y-%m-%d}.xlsx"
    sheets = files.xlsx_sheets(xlsx)
    assert list(sheets) == [
        "Summary",
        "By review",
        "By agency",
        "Exceptions",
        "Decisions needed",
        "Decisions taken",
        "Actions",
    ]
    summary = files.facts(sheets["Summary"])
    assert (summary["Board"], summary["Subgroup"], summary["Meeting"]) == (LIVERPOOL, CIG, _day(story.today))
    assert summary["Actions"] == f"{snapshot.action_count:,}"
    # Both numbers come from the snapshot, which records which actions the cycle asked about (the returned
    # evidence's action, back in progress by the close, was not asked and is not counted).
    requested = cycle.requests.exclude(status=RequestStatus.WITHDRAWN).count()
    assert summary["Updates received"].startswith(f"{answered} of {requested}")
    taken = sheets["Decisions taken"]
    decided = dict(zip(files.column(taken, "Ref"), files.column(taken, "Decision"), strict=True))
    assert decided == {
        story.actions[SIGNATURES].reference: "Accept the evidence",
        story.actions[ALLEGATIONS].reference: "Return the evidence with a reason",
        story.actions[TRAINING].reference: "Approve the new date",
        story.actions[CHRONOLOGIES].reference: "Escalate to the board",
    }
    assert RETURN_REASON in files.column(taken, "Note")
    assert set(files.column(taken, "Decided by")) == {story.demo.cig_chair.full_name}
    actions = sheets["Actions"]
    assert len(actions) - 1 == snapshot.action_count
    due = dict(zip(files.column(actions, "Ref"), files.column(actions, "Due date"), strict=True))
    assert due[story.actions[TRAINING].reference].date() == story.new_date


# --- The quarterly summary for Lancashire ---------------------------------------------------------------


def _open_the_dashboard(story: Story) -> None:
    story.monitoring_home()
    link(story.page, "See the partnership dashboard").click()
    arrive(story.page, "Partnership dashboard")


def _chair_sends_the_cross_board_summary_to_lancashire(story: Story) -> None:
    page, demo = story.page, story.demo
    _open_the_dashboard(story)
    link(page, f"{REFERENCE}, snapshot of {_day(story.today)}").click()
    title = f"Cross-board summary: {REFERENCE}"
    arrive(page, title)
    expect(page.locator("main")).to_contain_text(story.cycle.label)

    pdf = files.download(page, link(page, "Download as PDF"))
    assert pdf.filename == f"summary-{REFERENCE.lower()}-{story.today:%Y-%m-%d}.pdf"
    text = files.pdf_text(pdf)
    for expected in (title, f"From {LIVERPOOL}", story.cycle.label, TRAINING):
        assert expected in text, f"{expected!r} is not in the summary PDF"

    sheets = files.xlsx_sheets(files.download(page, link(page, "Download as a spreadsheet (XLSX)")))
    assert list(sheets) == ["Summary", "By agency", "Completed", "Latest updates", "Actions"]
    summary = files.facts(sheets["Summary"])
    assert summary["Review"].startswith(f"{REFERENCE}: ")
    assert summary["Monitoring cycle"] == story.cycle.label
    actions = sheets["Actions"]
    agencies = set(files.column(actions, "Agency"))
    assert "Merseyside Police" in agencies
    assert not any("Lancashire" in str(name) for name in agencies), agencies  # Liverpool's agencies only
    training = dict(zip(files.column(actions, "Ref"), files.column(actions, "Reprogrammed"), strict=True))
    assert training[story.actions[TRAINING].reference] == "Yes"

    page.get_by_role("button", name=re.compile(r"^Send to Lancashire")).click()
    arrive(page, "Send the summary to another board")
    ui.field(page, "Covering note (optional)").fill(COVERING_NOTE)
    button(page, "Send the summary").click()
    expect_success(page, "The summary has been sent to Lancashire")
    arrive(page, title)
    expect(page.locator("main")).to_contain_text(COVERING_NOTE)

    delivery = ReportDelivery.objects.order_by("-pk").first()
    assert delivery is not None
    story.delivery = delivery
    assert (delivery.snapshot, delivery.to_board, delivery.sent_by) == (
        story.cycle.snapshot,
        demo.boards.lancashire,
        demo.cig_chair,
    )
    assert list(delivery.recipients.all()) == [demo.lancashire_manager]
    assert page.url.endswith(reverse("monitoring:delivery_detail", args=[delivery.pk]))


def _chair_reads_the_dashboard_and_the_annual_report(story: Story) -> None:
    page = story.page
    _open_the_dashboard(story)
    # The trend (RAG over time) now ends with the snapshot of the cycle just closed.
    trend = page.locator("#trend-table tbody tr")
    expect(trend.last).to_contain_text(_day(story.today))
    expect(trend.last).to_contain_text(str(story.cycle.number))

    year = story.today.year
    link(page, f"{LIVERPOOL}, {year}").click()
    arrive(page, f"Annual report extract: {LIVERPOOL}, {year}")
    expect(page.locator("#report-message")).to_have_count(0)  # a year with data, not the message
    expect(page.locator("#annual-reviews")).to_contain_text(REFERENCE)


# --- The other board's business managers ----------------------------------------------------------------


def _lancashire_manager_receives_the_summary(story: Story) -> None:
    page, demo, delivery = story.page, story.demo, story.delivery
    story.sign_in(demo.lancashire_manager)
    notice = story.notification(reverse("monitoring:delivery_detail", args=[delivery.pk]))
    expect(notice).to_have_text("A cross-board summary from Liverpool LSCB is ready")
    notice.click()
    arrive(page, f"Cross-board summary: {REFERENCE}")
    expect(page.locator("main")).to_contain_text("Sent by Liverpool LSCB to Lancashire LSCB")
    expect(page.locator("main")).to_contain_text(COVERING_NOTE)

    text = files.pdf_text(files.download(page, link(page, "Download as PDF")))
    for expected in (f"Cross-board summary: {REFERENCE}", demo.cig_chair.full_name, COVERING_NOTE):
        assert expected in text, f"{expected!r} is not in the delivered summary's PDF"


def _liverpool_manager_sees_the_escalation(story: Story) -> None:
    page, demo = story.page, story.demo
    chronologies = story.action(CHRONOLOGIES)
    story.sign_in(demo.liverpool_manager)
    notice = story.notification(reverse("reviews:action_detail", args=[chronologies.pk]))
    expect(notice).to_have_text("A monitoring subgroup has escalated an action to the board")
    notice.click()
    arrive(page, chronologies.title)
