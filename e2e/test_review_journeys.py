"""Journeys through the review register and the action tracker, in the browser, by the three people who
share the work on one action, signing in in turn:

- the board business manager (Lancashire LSCB) registers a review, records a finding with themes, a
  recommendation and the board's response, moves the review on to monitoring, creates a single-agency plan
  for Lancashire Children's Social Care and adds an action with its first success criterion;
- the agency's safeguarding lead (Lancashire CSC) drafts a second success criterion and submits the plan,
  then delivers the action: a progress update, a PDF as evidence, completion; and, once that evidence is
  returned, a link as new evidence and completion again. Going to the page that judges evidence is refused;
- the chair of the SCR Subgroup (which monitors the plan, outside the agency) approves the plan, downloads
  and returns the first evidence with a reason, accepts the second, assesses impact, is refused closing the
  action while the latest assessment found no impact, assesses again and closes it.

The manager then closes the review. Every page reached is checked with axe (WCAG 2.2 AA, no violations) and
against the page conventions; each step's outcome is checked on the page (banner, status) and in the
database. One test, in phases: each step needs the one before it, so the chain is one story.
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
from e2e.journey_helpers import arrive, button, choose, expect_error, expect_success, fill_date, link
from safeguard.core.models import TimescaleRule
from safeguard.core.timescales import seed_default_rules
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Evidence,
    EvidenceDecision,
    EvidenceKind,
    ImpactVerdict,
    PlanStatus,
    Review,
    ReviewStatus,
    Theme,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REFERENCE = "LSCB-SCR-E2E-01"
SUBJECT = "Child Q"
REVIEW_H1 = f"{REFERENCE}: {SUBJECT}"
LANCASHIRE = "Lancashire Safeguarding Children Board"
LIVERPOOL = "Liverpool Safeguarding Children Board"
CSC = "Lancashire Children's Social Care"
LCFT = "Lancashire Care Foundation Trust"
METHODOLOGY = "Systems-based (e.g. SCIE Learning Together)"
FINDING = "Professional challenge was not escalated"
RECOMMENDATION = "Lancashire LSCB 1"
PLAN = "Lancashire Children's Social Care action plan"
ACTION = "Train social workers to escalate disagreements with partner agencies"
PDF_NAME = "escalation-training-audit.pdf"
RETURN_REASON = "The audit covers one team only; show the training reached every team."
EVIDENCE_LINK = "https://intranet.example.org/csc/escalation-training-register"
DECIDE = re.compile(r"^Decide on the evidence")
# From notified to monitoring: each is the radio chosen on the move page and the status shown after it.
REVIEW_STAGES = [
    "Commissioned",
    "In progress",
    "Report received",
    "Accepted by the board",
    "Published",
    "Monitoring actions",
]


@pytest.fixture
def journey(demo, settings, tmp_path):
    """The demo partnership, evidence uploads kept in a temporary folder, and the reference data the journey
    relies on (timescale rules, learning themes), put back if an earlier transactional test flushed them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_default_rules(TimescaleRule, overwrite=False)
    for slug, name in (
        ("professional-challenge", "Professional challenge"),
        ("information-sharing", "Information sharing"),
    ):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    return demo


@dataclass
class Story:
    """What the personas share as the journey goes on: the tab, the people, the records made so far."""

    page: Page
    sign_in_as: Callable[[Any], None]
    demo: Any
    pdf: bytes = field(default_factory=lambda: ui.tiny_pdf("Escalation training audit: 42 of 45 trained"))
    today: date = field(default_factory=timezone.localdate)
    review: Review = field(init=False)
    plan: ActionPlan = field(init=False)
    action: Action = field(init=False)
    pdf_evidence: Evidence = field(init=False)

    def sign_in(self, user: Any) -> None:
        """Hand the browser to another persona: the last one's session goes, this one's comes, at My work."""
        self.page.context.clear_cookies()
        self.sign_in_as(user)
        self.page.goto(reverse("core:my_work"))
        arrive(self.page, "My work")
        expect(self.page.get_by_text(f"Signed in as {user.full_name}")).to_be_visible()

    def open_review(self) -> None:
        """From anywhere: the main menu's Reviews, then the review on the register."""
        ui.menu(self.page, "Reviews").click()
        arrive(self.page, "Review register")
        link(self.page, REFERENCE).click()
        arrive(self.page, REVIEW_H1)

    def status_is(self, text: str) -> None:
        """The page's Status row (a review's, a plan's or an action's)."""
        expect(ui.summary_value(self.page, "Status").first).to_contain_text(text)


def test_manager_agency_lead_and_subgroup_chair_take_an_action_from_review_to_closure(
    page: Page, live_server, journey, sign_in_as
) -> None:
    story = Story(page, sign_in_as, journey)
    _manager_registers_the_review(story)
    _manager_records_a_finding_a_recommendation_and_the_response(story)
    _manager_moves_the_review_on_to_monitoring(story)
    _manager_creates_a_plan_with_an_action(story)
    _lead_adds_a_criterion_and_submits_the_plan(story)
    _chair_approves_the_plan(story)
    _lead_posts_an_update_submits_a_pdf_and_completes(story)
    _chair_downloads_the_pdf_and_returns_it_with_a_reason(story)
    _lead_submits_a_link_and_completes_again(story)
    _chair_accepts_assesses_is_refused_closing_then_closes(story)
    _manager_closes_the_review(story)


# --- The board business manager ------------------------------------------------------------------------


def _manager_registers_the_review(story: Story) -> None:
    page, demo = story.page, story.demo
    notified = story.today - timedelta(days=40)
    story.sign_in(demo.lancashire_manager)
    ui.menu(page, "Reviews").click()
    arrive(page, "Review register")
    button(page, "Register a review").click()
    arrive(page, "Register a review")

    # An empty form is refused with the GOV.UK error summary (and that state is checked too).
    button(page, "Register the review").click()
    expect_error(page, "Enter the review's reference")
    arrive(page, "Register a review")

    ui.field(page, "Reference").fill(REFERENCE)
    choose(page, "Type of review", "Serious case review")
    ui.field(page, "How the review names its subject").fill(SUBJECT)
    choose(page, "Lead board", LANCASHIRE)
    choose(page, "Partner boards", LIVERPOOL)
    choose(page, "Agencies involved", CSC)
    choose(page, "Agencies involved", LCFT)
    fill_date(page, "Date the board was notified", notified)
    fill_date(page, "Date of the incident (optional)", notified - timedelta(days=1))
    ui.field(page, "Lead reviewer (optional)").fill("Dr Hannah Reviewer")
    choose(page, "Methodology (optional)", METHODOLOGY)
    ui.field(page, "Summary (optional)").fill(
        "A child known to two boards' agencies; escalation was not used."
    )
    button(page, "Register the review").click()
    expect_success(page, f"Review {REFERENCE} is on the register")
    arrive(page, REVIEW_H1)
    story.status_is("Notified")
    expect(page.locator("main")).to_contain_text("Not published. Only the review's boards")
    expect(ui.summary_value(page, "Partner boards")).to_have_text(LIVERPOOL)
    expect(ui.summary_value(page, "Agencies involved")).to_contain_text(CSC)
    expect(ui.summary_value(page, "Lead reviewer")).to_have_text("Dr Hannah Reviewer")
    expect(ui.summary_value(page, "Methodology")).to_have_text(METHODOLOGY)

    review = Review.objects.get(reference=REFERENCE)
    assert (review.status, review.review_type, review.methodology) == (
        ReviewStatus.NOTIFIED,
        "scr",
        "systems",
    )
    assert (review.notified_on, review.incident_on) == (notified, notified - timedelta(days=1))
    assert review.lead_board == demo.boards.lancashire
    assert set(review.partner_boards.all()) == {demo.boards.liverpool}
    assert set(review.involved_agencies.all()) == {demo.agencies.lancashire_csc, demo.agencies.lcft}
    story.review = review


def _manager_records_a_finding_a_recommendation_and_the_response(story: Story) -> None:
    page = story.page
    button(page, "Record a finding").click()
    arrive(page, "Record a finding")
    ui.field(page, "Short title").fill(FINDING)
    ui.field(page, "Finding").fill(
        "Practitioners disagreed with the plan but did not use the escalation policy."
    )
    choose(page, "Themes (optional)", "Professional challenge")
    choose(page, "Themes (optional)", "Information sharing")
    button(page, "Record the finding").click()
    expect_success(page, "Finding 1 has been recorded")
    arrive(page, REVIEW_H1)
    finding = page.locator("#finding-1")
    expect(finding).to_contain_text(f"Finding 1: {FINDING}")
    expect(finding).to_contain_text("Themes: Information sharing, Professional challenge")

    button(page, "Record a recommendation").click()
    arrive(page, "Record a recommendation")
    choose(page, "Board it is for", LANCASHIRE)
    choose(page, "Kind", "Recommendation")
    ui.field(page, "Recommendation or issue").fill(
        "Partners should assure the board that escalation is used."
    )
    choose(page, "Findings it answers (optional)", f"Finding 1: {FINDING}")
    button(page, "Record the recommendation").click()
    expect_success(page, f"Recommendation {RECOMMENDATION} has been recorded")
    arrive(page, REVIEW_H1)

    link(page, f"Record the board's response to {RECOMMENDATION}").click()
    arrive(page, f"The board's response to {RECOMMENDATION}")
    response = "The board accepts this; each agency will evidence escalation training by the spring."
    ui.field(page, "The board's response").fill(response)
    button(page, "Save the response").click()
    expect_success(page, f"The board's response to {RECOMMENDATION} has been recorded")
    arrive(page, REVIEW_H1)
    expect(page.locator("#recommendations ~ div .govuk-inset-text").first).to_contain_text(response)
    expect(link(page, f"Change the response to {RECOMMENDATION}")).to_be_visible()

    finding_row = story.review.findings.get()
    assert set(finding_row.themes.values_list("slug", flat=True)) == {
        "professional-challenge",
        "information-sharing",
    }
    recommendation = story.review.recommendations.get()
    assert (recommendation.kind, recommendation.board_response) == ("recommendation", response)
    assert list(recommendation.findings.all()) == [finding_row]


def _manager_moves_the_review_on_to_monitoring(story: Story) -> None:
    page = story.page
    for stage in REVIEW_STAGES:
        link(page, "Move on the review's status").click()
        arrive(page, "Move the review on")
        choose(page, "Move the review to", stage)
        button(page, "Move the review on").click()
        expect_success(page, f"The review is now at \u201c{stage}\u201d")
        arrive(page, REVIEW_H1)
        story.status_is(stage)
    # Published: the embargo warning has gone.
    expect(page.locator("main")).not_to_contain_text("Not published.")

    review = story.review
    review.refresh_from_db()
    assert review.status == ReviewStatus.MONITORING
    dates = (review.commissioned_on, review.report_received_on, review.accepted_on, review.published_on)
    assert dates == (story.today,) * 4
    assert review.status_changes.count() == 1 + len(REVIEW_STAGES)


def _manager_creates_a_plan_with_an_action(story: Story) -> None:
    page, demo = story.page, story.demo
    button(page, "Create an action plan").click()
    arrive(page, "Create an action plan")
    ui.field(page, "Title").fill(PLAN)
    choose(page, "Who owns the plan", "Single-agency")
    ui.field(page, "Owning agency (single-agency plans)").select_option(label=CSC)
    ui.field(page, "Monitoring subgroup").select_option(label="SCR Subgroup (Lancashire LSCB)")
    button(page, "Create the plan").click()
    expect_success(page, f"{PLAN} has been created. Add its actions")
    arrive(page, PLAN)
    story.status_is("Draft")
    plan = ActionPlan.objects.get(review=story.review)
    assert (plan.kind, plan.owner_agency, plan.monitoring_subgroup) == (
        "single_agency",
        demo.agencies.lancashire_csc,
        demo.subgroups.lancashire_scr,
    )
    story.plan = plan

    due = story.today + timedelta(days=120)
    button(page, "Add an action").click()
    arrive(page, "Add an action")
    ui.field(page, "What will be done").fill(ACTION)
    ui.field(page, "Detail (optional)").fill(
        "Every social work team, with the escalation policy's flowchart."
    )
    ui.field(page, "Finding it answers (optional)").select_option(label=f"Finding 1: {FINDING}")
    ui.field(page, "Recommendation it answers (optional)").select_option(label=RECOMMENDATION)
    ui.field(page, "Lead officer").select_option(label="Dana Fairclough (Head of Safeguarding)")
    fill_date(page, "Due date", due)
    ui.field(page, "What success looks like").fill("Social workers escalate disagreements within 5 days.")
    ui.field(page, "How it will be measured").fill("Case-file audit of escalations")
    ui.field(page, "Baseline (optional)").fill("2 of 10 cases")
    ui.field(page, "Target").fill("9 of 10 cases")
    ui.field(page, "Who judges it (optional)").fill("SCR Subgroup")
    button(page, "Add the action").click()
    expect_success(
        page, "Action 1 has been added to the plan. Add more success criteria on the action's page"
    )
    arrive(page, PLAN)

    action = Action.objects.get(plan=plan)
    row = page.locator("#actions ~ table tbody tr", has=link(page, f"{action.reference}: {ACTION}"))
    expect(row).to_contain_text("Dana Fairclough")
    expect(row).to_contain_text("Draft")
    expect(row).not_to_contain_text("Needs")  # nothing missing before the plan can be submitted
    assert (action.lead_officer, action.due_date, action.status) == (demo.csc_lead, due, ActionStatus.DRAFT)
    assert action.criteria.get().target == "9 of 10 cases"
    story.action = action


# --- The agency's safeguarding lead, the subgroup chair, in turn -----------------------------------------


def _lead_adds_a_criterion_and_submits_the_plan(story: Story) -> None:
    page, action = story.page, story.action
    story.sign_in(story.demo.csc_lead)
    story.open_review()
    link(page, PLAN).first.click()
    arrive(page, PLAN)
    link(page, f"{action.reference}: {ACTION}").click()
    arrive(page, ACTION)
    link(page, "Add a success criterion").click()
    arrive(page, "Add a success criterion")
    ui.field(page, "What success looks like").fill("Escalations are recorded on the child's file.")
    ui.field(page, "How it will be measured").fill("Recording audit")
    ui.field(page, "Target").fill("All escalations recorded")
    button(page, "Add the success criterion").click()
    expect_success(page, "The success criterion has been added")
    arrive(page, ACTION)
    expect(page.locator("#criteria + table tbody tr")).to_have_count(2)

    link(page, PLAN).first.click()
    arrive(page, PLAN)
    button(page, "Submit the plan for approval").click()
    arrive(page, "Submit the plan for approval")
    button(page, "Submit for approval").click()
    expect_success(page, "The plan has been submitted for approval")
    arrive(page, PLAN)
    story.status_is("Submitted for approval")
    # The agency does not approve its own plan: the page says who does, and offers no approval.
    expect(page.locator("main")).to_contain_text(
        "waiting for approval by members of the SCR Subgroup outside the owning agency"
    )
    expect(button(page, "Approve the plan")).to_have_count(0)
    story.plan.refresh_from_db()
    assert story.plan.status == PlanStatus.SUBMITTED


def _chair_approves_the_plan(story: Story) -> None:
    page, plan = story.page, story.plan
    story.sign_in(story.demo.scr_chair)
    story.open_review()
    link(page, PLAN).first.click()
    arrive(page, PLAN)
    button(page, "Approve the plan").click()
    arrive(page, "Approve the plan")
    button(page, "Approve the plan").click()
    expect_success(page, "Version 1 of the plan is approved and its actions are agreed")
    arrive(page, PLAN)
    story.status_is("Approved")
    expect(link(page, "Version 1")).to_be_visible()

    plan.refresh_from_db()
    assert (plan.status, plan.approved_version, plan.approved_by) == (
        PlanStatus.APPROVED,
        1,
        story.demo.scr_chair,
    )
    frozen = plan.versions.get(number=1).content["actions"]
    assert [(a["title"], len(a["criteria"])) for a in frozen] == [(ACTION, 2)]
    story.action.refresh_from_db()
    assert story.action.status == ActionStatus.AGREED


def _lead_posts_an_update_submits_a_pdf_and_completes(story: Story) -> None:
    page, action = story.page, story.action
    story.sign_in(story.demo.csc_lead)
    link(page, f"Action {action.reference}: {ACTION}").click()  # in their My work, now it is agreed
    arrive(page, ACTION)
    story.status_is("Agreed")
    link(page, "Post a progress update").click()
    arrive(page, "Post a progress update")
    ui.field(page, "Progress made").fill("Two of three teams trained; the third is booked for next month.")
    choose(page, "How is the action going?", "On track")
    button(page, "Post the update").click()
    expect_success(page, "Your progress update has been posted")
    arrive(page, ACTION)
    story.status_is("In progress")
    expect(page.locator("#timeline + ol")).to_contain_text("Progress update: On track")

    link(page, "Submit evidence").click()
    arrive(page, "Submit evidence")
    choose(page, "What kind of evidence is it?", "A file")
    ui.field(page, "What the evidence shows").fill("The training audit: who was trained, and when.")
    ui.field(page, "Upload a file (if the evidence is a file)").set_input_files(
        ui.upload(PDF_NAME, "application/pdf", story.pdf)
    )
    button(page, "Submit the evidence").click()
    expect_success(page, "Your evidence has been submitted")
    arrive(page, ACTION)
    evidence_table = page.locator("#evidence + table")
    expect(evidence_table).to_contain_text(PDF_NAME)
    expect(evidence_table).to_contain_text("Waiting for a decision")
    # The agency may not judge its own evidence: no link to decide on it.
    expect(link(page, DECIDE)).to_have_count(0)
    evidence = Evidence.objects.get(action=action)
    assert (evidence.kind, evidence.original_filename, evidence.size_bytes) == (
        EvidenceKind.FILE,
        PDF_NAME,
        len(story.pdf),
    )
    with evidence.file.open("rb") as stored:
        assert stored.read() == story.pdf
    story.pdf_evidence = evidence

    link(page, "Mark as complete").click()
    arrive(page, "Mark the action as complete")
    ui.field(page, "Note for the monitoring subgroup (optional)").fill("Training delivered; audit attached.")
    button(page, "Mark as complete").click()
    expect_success(
        page, "The action is marked as complete. The monitoring subgroup will now judge its evidence"
    )
    arrive(page, ACTION)
    story.status_is("Completed, evidence submitted")

    # Nor by going to the decision page's address: refused, and nothing changes.
    page.goto(reverse("reviews:evidence_decide", args=[evidence.pk]))
    arrive(page, "You do not have permission to do that")
    expect(page.locator("main")).to_contain_text("Nothing has been changed")
    evidence.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING


def _chair_downloads_the_pdf_and_returns_it_with_a_reason(story: Story) -> None:
    page, action, evidence = story.page, story.action, story.pdf_evidence
    story.sign_in(story.demo.scr_chair)
    link(page, f"Evidence for action {action.reference}").click()  # in their My work
    arrive(page, ACTION)
    with page.expect_download() as download_info:
        page.locator("#evidence + table").get_by_role("link", name=PDF_NAME).click()
    downloaded = download_info.value
    assert downloaded.suggested_filename == PDF_NAME
    with open(downloaded.path(), "rb") as received:
        assert received.read() == story.pdf

    link(page, DECIDE).click()
    arrive(page, "Decide on the evidence")
    choose(page, "Your decision", "Return it to the agency")
    button(page, "Save the decision").click()  # returning needs a reason
    expect_error(page, "Say why the evidence is being returned")
    arrive(page, "Decide on the evidence")
    choose(page, "Your decision", "Return it to the agency")
    ui.field(page, "Reason or note").fill(RETURN_REASON)
    button(page, "Save the decision").click()
    expect_success(page, "The evidence has been returned to the agency")
    arrive(page, ACTION)
    story.status_is("In progress")
    expect(page.locator("#evidence + table")).to_contain_text(f"Returned because: {RETURN_REASON}")

    evidence.refresh_from_db()
    assert (evidence.decision, evidence.decided_by, evidence.return_reason) == (
        EvidenceDecision.RETURNED,
        story.demo.scr_chair,
        RETURN_REASON,
    )


def _lead_submits_a_link_and_completes_again(story: Story) -> None:
    page, action = story.page, story.action
    story.sign_in(story.demo.csc_lead)
    link(page, f"Action {action.reference}: {ACTION}").click()  # back in their My work
    arrive(page, ACTION)
    expect(page.locator("#evidence + table")).to_contain_text(RETURN_REASON)
    link(page, "Submit evidence").click()
    arrive(page, "Submit evidence")
    choose(page, "What kind of evidence is it?", "A link")
    ui.field(page, "What the evidence shows").fill("The training register for all three teams.")
    ui.field(page, "Link").fill(EVIDENCE_LINK)
    button(page, "Submit the evidence").click()
    expect_success(page, "Your evidence has been submitted")
    arrive(page, ACTION)
    expect(link(page, EVIDENCE_LINK).first).to_be_visible()

    link(page, "Mark as complete").click()
    arrive(page, "Mark the action as complete")
    button(page, "Mark as complete").click()
    expect_success(page, "The action is marked as complete")
    arrive(page, ACTION)
    story.status_is("Completed, evidence submitted")


def _chair_accepts_assesses_is_refused_closing_then_closes(story: Story) -> None:
    page, action = story.page, story.action
    story.sign_in(story.demo.scr_chair)
    link(page, f"Evidence for action {action.reference}").click()
    arrive(page, ACTION)
    link(page, DECIDE).click()
    arrive(page, "Decide on the evidence")
    expect(page.locator("main")).to_contain_text(EVIDENCE_LINK)
    choose(page, "Your decision", "Accept the evidence")
    ui.field(page, "Reason or note").fill("The register shows every team trained.")
    button(page, "Save the decision").click()
    expect_success(page, "The evidence has been accepted")
    arrive(page, ACTION)
    story.status_is("Evidence accepted")

    page.goto(reverse("core:my_work"))
    arrive(page, "My work")
    link(page, f"Impact of action {action.reference}").click()
    arrive(page, ACTION)
    _assess_impact(page, "Impact not evidenced", "The first re-audit found no more escalations than before.")
    story.status_is("Impact assessed")

    # Closing while the latest assessment found no impact is refused, with the reason, and nothing changes.
    link(page, "Close the action").click()
    arrive(page, "Close the action")
    button(page, "Close the action").click()
    expect_error(
        page, "The latest assessment found no evidence of impact: reopen the action or assess it again."
    )
    arrive(page, "Close the action")
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPACT_ASSESSED

    link(page, "Cancel").click()
    arrive(page, ACTION)
    _assess_impact(page, "Impact evidenced", "The second re-audit found escalation used in 9 of 10 cases.")
    link(page, "Close the action").click()
    arrive(page, "Close the action")
    ui.field(page, "Note (optional)").fill("Target met and sustained.")
    button(page, "Close the action").click()
    expect_success(page, "The action has been closed")
    arrive(page, ACTION)
    story.status_is("Closed")
    expect(page.get_by_role("heading", name="What you can do")).to_have_count(0)

    action.refresh_from_db()
    assert action.closed_at is not None
    assert list(action.status_changes.order_by("at", "pk").values_list("to_status", flat=True)) == [
        ActionStatus.DRAFT,
        ActionStatus.AGREED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.COMPLETED,
        ActionStatus.IN_PROGRESS,  # the PDF returned
        ActionStatus.COMPLETED,
        ActionStatus.EVIDENCE_ACCEPTED,
        ActionStatus.IMPACT_ASSESSED,
        ActionStatus.CLOSED,
    ]
    verdicts = action.impact_assessments.order_by("assessed_at", "pk").values_list("verdict", flat=True)
    assert list(verdicts) == [ImpactVerdict.NOT_EVIDENCED, ImpactVerdict.EVIDENCED]
    accepted = action.evidence.get(kind=EvidenceKind.LINK)
    assert (accepted.decision, accepted.decided_by) == (EvidenceDecision.ACCEPTED, story.demo.scr_chair)
    assert action.updates.get().author == story.demo.csc_lead


def _assess_impact(page: Page, verdict: str, why: str) -> None:
    link(page, "Assess impact").click()
    arrive(page, "Assess the impact")
    choose(page, "Verdict", verdict)
    choose(page, "Where the evidence of impact comes from", "Audit")
    ui.field(page, "Explain the verdict").fill(why)
    button(page, "Record the assessment").click()
    expect_success(page, "The impact assessment has been recorded")
    arrive(page, ACTION)


# --- The manager again: the end of the review's lifecycle -------------------------------------------------


def _manager_closes_the_review(story: Story) -> None:
    page = story.page
    story.sign_in(story.demo.lancashire_manager)
    story.open_review()
    link(page, "Move on the review's status").click()
    arrive(page, "Move the review on")
    choose(page, "Move the review to", "Closed")
    button(page, "Move the review on").click()  # closing needs a reason
    expect_error(page, "Say why the review is being closed")
    arrive(page, "Move the review on")
    choose(page, "Move the review to", "Closed")
    ui.field(page, "Reason or note").fill("Every action is closed with its impact evidenced.")
    button(page, "Move the review on").click()
    expect_success(page, "The review is now at \u201cClosed\u201d")
    arrive(page, REVIEW_H1)
    story.status_is("Closed")
    expect(link(page, "Move on the review's status")).to_have_count(0)  # nowhere further to go
    story.review.refresh_from_db()
    assert story.review.status == ReviewStatus.CLOSED
