"""The meeting page: its agenda and decisions, attendance, refreshing the agenda and finalising minutes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.core.models import AccessEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import (
    AgendaItem,
    AgendaReason,
    Decision,
    DecisionKind,
    MeetingAttendance,
    MeetingStatus,
)
from safeguard.reviews import services as review_services
from safeguard.reviews.models import (
    ActionStatus,
    EvidenceDecision,
    EvidenceKind,
    ImpactAssessment,
    ImpactSource,
    ImpactVerdict,
)
from tests.monitoring.test_pages_common import (
    answered_with_new_date,
    assert_refused_form,
    assert_sign_in,
    body,
    count_queries,
    evidence_waiting,
    more_items,
    stable,
    url,
)
from tests.monitoring.test_pages_fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def decide(item, kind: str = "", note: str = "", **more: str) -> dict[str, str]:
    data = {f"item-{item.pk}-kind": kind, f"item-{item.pk}-note": note}
    data.update({f"item-{item.pk}-{key}": value for key, value in more.items()})
    return data


def refreshed(demo, meeting, reason: str) -> AgendaItem:
    services.refresh_agenda(actor=demo.cig_chair, meeting=meeting)
    return meeting.items.get(reason=reason)


@pytest.fixture
def new_date_item(demo, month, meeting) -> AgendaItem:
    """The lead officer asked for a new date: the meeting has it on its agenda."""
    answered_with_new_date(demo, month)
    return refreshed(demo, meeting, AgendaReason.REPROGRAMMING)


@pytest.fixture
def evidence_item(demo, month, meeting) -> AgendaItem:
    """The police action's evidence is waiting for the subgroup."""
    evidence_waiting(demo, month.action)
    return refreshed(demo, meeting, AgendaReason.EVIDENCE)


def all_present(meeting) -> dict[str, str]:
    return {
        f"user_{m.user_id}": "present" for m in meeting.subgroup.memberships.filter(ended_on__isnull=True)
    }


# --- Who gets the pages ---------------------------------------------------------------------------

MEETING_ROUTES = ["meeting_detail", "meeting_attendance", "meeting_finalise", "agenda_refresh"]


@pytest.mark.parametrize("route", MEETING_ROUTES)
def test_anonymous_is_sent_to_sign_in(client, meeting, route) -> None:
    assert_sign_in(client.get(url(route, meeting.pk)))
    if route != "meeting_detail":
        assert_sign_in(client.post(url(route, meeting.pk)))


def test_anonymous_cannot_decide(client, new_date_item) -> None:
    assert_sign_in(
        client.post(url("item_decide", new_date_item.pk), decide(new_date_item, "approve_reprogramming"))
    )
    assert not Decision.objects.exists()


@pytest.mark.parametrize("route", MEETING_ROUTES)
def test_another_boards_user_gets_the_same_404_as_a_missing_meeting(client_as, demo, meeting, route) -> None:
    client = client_as(demo.lancashire_manager)
    refused = client.get(url(route, meeting.pk))
    missing = client.get(url(route, 2_000_000_000))
    assert refused.status_code == missing.status_code == 404
    assert stable(refused) == stable(missing)
    if route != "meeting_detail":
        assert client.post(url(route, meeting.pk), {"minutes": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not MeetingAttendance.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_boards_user_gets_the_same_404_as_a_missing_agenda_item(
    client_as, demo, new_date_item, method
) -> None:
    client = client_as(demo.lancashire_manager)
    data = decide(new_date_item, "approve_reprogramming")
    refused = getattr(client, method)(url("item_decide", new_date_item.pk), data)
    missing = getattr(client, method)(url("item_decide", 2_000_000_000), data)
    assert refused.status_code == missing.status_code == 404
    assert stable(refused) == stable(missing)
    assert not Decision.objects.exists()


def test_a_get_of_the_decision_address_goes_back_to_the_item(client_as, demo, new_date_item) -> None:
    response = client_as(demo.cig_chair).get(url("item_decide", new_date_item.pk))
    assert (
        response["Location"] == url("meeting_detail", new_date_item.meeting_id) + f"#item-{new_date_item.pk}"
    )


# --- The meeting page -----------------------------------------------------------------------------


def test_the_meeting_page_shows_the_item_and_only_the_decisions_that_fit_it(
    client_as, demo, month, new_date_item
) -> None:
    response = client_as(demo.cig_chair).get(url("meeting_detail", new_date_item.meeting_id))
    page = body(response)
    assert response.status_code == 200
    assert "New date asked for" in page
    assert f"{month.action.reference}: {month.action.title}" in page
    assert "Trainer availability" in page
    assert "Approve the new date" in page
    assert "Refuse the new date" in page
    assert "Escalate to the board" in page
    assert "Accept the evidence" not in page
    assert url("item_decide", new_date_item.pk) in page


def test_the_agenda_is_grouped_most_pressing_first(client_as, demo, month, meeting) -> None:
    AgendaItem.objects.create(meeting=meeting, position=1, reason=AgendaReason.STALE, action=month.action)
    AgendaItem.objects.create(meeting=meeting, position=2, reason=AgendaReason.OVERDUE, action=month.action)
    page = body(client_as(demo.cig_chair).get(url("meeting_detail", meeting.pk)))
    assert page.index("Overdue or red (1)") < page.index("No update since the last cycle (1)")


def test_file_evidence_on_the_agenda_links_to_its_download(client_as, demo, month, meeting) -> None:
    upload = SimpleUploadedFile("register.pdf", b"%PDF-1.4 register", content_type="application/pdf")
    evidence = review_services.submit_evidence(
        actor=demo.ops_supervisor,
        action=month.action,
        kind=EvidenceKind.FILE,
        description="Register",
        upload=upload,
    )
    refreshed(demo, meeting, AgendaReason.EVIDENCE)
    page = body(client_as(demo.cig_chair).get(url("meeting_detail", meeting.pk)))
    assert reverse("reviews:evidence_download", args=[evidence.pk]) in page
    assert "Accept the evidence" in page


def test_an_impact_item_asks_for_the_verdict_and_its_source(client_as, demo, month, meeting) -> None:
    evidence = evidence_waiting(demo, month.action)
    review_services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    refreshed(demo, meeting, AgendaReason.IMPACT)
    page = body(client_as(demo.cig_chair).get(url("meeting_detail", meeting.pk)))
    assert "Record the impact assessment" in page
    assert "Verdict on the impact" in page
    assert "Where the evidence of impact comes from" in page


def test_a_member_who_does_not_chair_sees_the_decision_forms_but_not_the_chairs_buttons(
    client_as, demo, new_date_item
) -> None:
    page = body(client_as(demo.police_lead).get(url("meeting_detail", new_date_item.meeting_id)))
    assert url("item_decide", new_date_item.pk) in page
    assert "Refresh the agenda" not in page
    assert url("meeting_finalise", new_date_item.meeting_id) not in page


def test_a_board_member_outside_the_subgroup_sees_the_agenda_without_forms(
    client_as, demo, new_date_item
) -> None:
    page = body(client_as(demo.auditor).get(url("meeting_detail", new_date_item.meeting_id)))
    assert "New date asked for" in page
    assert url("item_decide", new_date_item.pk) not in page


def test_viewing_the_meeting_page_is_logged(client_as, demo, meeting) -> None:
    client_as(demo.police_lead).get(url("meeting_detail", meeting.pk))
    assert AccessEvent.objects.filter(
        user=demo.police_lead, target_id=str(meeting.pk), route="monitoring:meeting_detail"
    ).exists()


def test_the_meeting_page_costs_the_same_with_1_and_20_agenda_items(client_as, demo, new_date_item) -> None:
    meeting = new_date_item.meeting
    services.record_decision(
        actor=demo.cig_chair, item=new_date_item, kind=DecisionKind.ESCALATE, note="Board"
    )
    client = client_as(demo.cig_chair)
    address = url("meeting_detail", meeting.pk)
    client.get(address)
    one = count_queries(client, address)
    more_items(meeting, 19, created_by=demo.police_lead)
    assert count_queries(client, address) == one


# --- Decisions ------------------------------------------------------------------------------------


def test_the_chair_approves_the_new_date(client_as, demo, month, new_date_item) -> None:
    proposed = month.request.__class__.objects.get(pk=month.request.pk).proposed_due_date
    response = client_as(demo.cig_chair).post(
        url("item_decide", new_date_item.pk),
        decide(new_date_item, "approve_reprogramming", "Agreed"),
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"#item-{new_date_item.pk}")
    page = body(response)
    assert "\u201cApprove the new date\u201d has been recorded" in page
    month.action.refresh_from_db()
    assert month.action.due_date == proposed
    decision = Decision.objects.get()
    assert (decision.kind, decision.decided_by, decision.note) == (
        DecisionKind.APPROVE_REPROGRAMMING,
        demo.cig_chair,
        "Agreed",
    )
    # Decided: the item shows its decision and no longer offers a form.
    assert url("item_decide", new_date_item.pk) not in page


def test_a_decision_must_be_chosen(client_as, demo, new_date_item) -> None:
    response = client_as(demo.cig_chair).post(url("item_decide", new_date_item.pk), decide(new_date_item))
    page = assert_refused_form(response, "Choose a decision for this item")
    assert f'href="#id_item-{new_date_item.pk}-kind"' in page
    assert not Decision.objects.exists()


def test_a_decision_not_offered_for_the_item_is_refused(client_as, demo, new_date_item) -> None:
    data = decide(new_date_item, DecisionKind.ACCEPT_EVIDENCE)
    response = client_as(demo.cig_chair).post(url("item_decide", new_date_item.pk), data)
    assert_refused_form(response, "Choose one of the decisions offered for this item")
    assert not Decision.objects.exists()


def test_refusing_a_new_date_needs_a_reason(client_as, demo, month, new_date_item) -> None:
    due = month.action.due_date
    data = decide(new_date_item, DecisionKind.REFUSE_REPROGRAMMING, "  ")
    response = client_as(demo.cig_chair).post(url("item_decide", new_date_item.pk), data)
    assert_refused_form(response, "Say why the new date is refused")
    month.action.refresh_from_db()
    assert month.action.due_date == due
    assert not Decision.objects.exists()


def test_escalating_needs_to_say_what_the_board_is_asked(client_as, demo, new_date_item) -> None:
    data = decide(new_date_item, DecisionKind.ESCALATE)
    response = client_as(demo.cig_chair).post(url("item_decide", new_date_item.pk), data)
    page = assert_refused_form(response, "Say what the board is asked to do")
    assert f'href="#id_item-{new_date_item.pk}-note"' in page
    assert not Decision.objects.exists()


def test_the_police_lead_on_the_cig_cannot_accept_police_evidence(client_as, demo, evidence_item) -> None:
    data = decide(evidence_item, DecisionKind.ACCEPT_EVIDENCE, "Looks good")
    response = client_as(demo.police_lead).post(url("item_decide", evidence_item.pk), data)
    assert_refused_form(
        response, "Only the monitoring subgroup, outside the owning agency, can accept evidence", status=403
    )
    evidence_item.evidence.refresh_from_db()
    assert evidence_item.evidence.decision == EvidenceDecision.PENDING
    evidence_item.action.refresh_from_db()
    assert evidence_item.action.status == ActionStatus.COMPLETED
    assert not Decision.objects.exists()


def test_the_chair_accepts_the_evidence(client_as, demo, evidence_item) -> None:
    data = decide(evidence_item, DecisionKind.ACCEPT_EVIDENCE)
    assert client_as(demo.cig_chair).post(url("item_decide", evidence_item.pk), data).status_code == 302
    evidence_item.evidence.refresh_from_db()
    assert evidence_item.evidence.decision == EvidenceDecision.ACCEPTED


def test_returning_evidence_needs_a_reason(client_as, demo, evidence_item) -> None:
    data = decide(evidence_item, DecisionKind.RETURN_EVIDENCE)
    response = client_as(demo.cig_chair).post(url("item_decide", evidence_item.pk), data)
    assert_refused_form(response, "Say why the evidence is being returned")
    evidence_item.evidence.refresh_from_db()
    assert evidence_item.evidence.decision == EvidenceDecision.PENDING


def test_a_board_member_outside_the_subgroup_is_refused_with_the_reason(
    client_as, demo, new_date_item
) -> None:
    data = decide(new_date_item, DecisionKind.APPROVE_REPROGRAMMING)
    response = client_as(demo.auditor).post(url("item_decide", new_date_item.pk), data)
    assert_refused_form(
        response, "Only members of the Critical Incident Group can record its decisions", status=403
    )
    assert not Decision.objects.exists()


def test_the_chair_records_the_impact_assessment(client_as, demo, month, meeting) -> None:
    evidence = evidence_waiting(demo, month.action)
    review_services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    item = refreshed(demo, meeting, AgendaReason.IMPACT)
    data = decide(
        item,
        DecisionKind.ASSESS_IMPACT,
        "The audit found every closure reviewed",
        verdict=ImpactVerdict.EVIDENCED,
        source=ImpactSource.AUDIT,
    )
    assert client_as(demo.cig_chair).post(url("item_decide", item.pk), data).status_code == 302
    assessment = ImpactAssessment.objects.get()
    assert (assessment.verdict, assessment.source) == (ImpactVerdict.EVIDENCED, ImpactSource.AUDIT)


def test_an_impact_assessment_needs_its_verdict_source_and_explanation(
    client_as, demo, month, meeting
) -> None:
    evidence = evidence_waiting(demo, month.action)
    review_services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    item = refreshed(demo, meeting, AgendaReason.IMPACT)
    response = client_as(demo.cig_chair).post(
        url("item_decide", item.pk), decide(item, DecisionKind.ASSESS_IMPACT)
    )
    page = assert_refused_form(
        response,
        "Choose the verdict",
        "Choose where the evidence of impact comes from",
        "Explain the verdict",
    )
    assert f'href="#id_item-{item.pk}-verdict"' in page
    assert not ImpactAssessment.objects.exists()
    assert not Decision.objects.exists()


def test_no_decision_once_the_minutes_are_final(client_as, demo, new_date_item) -> None:
    meeting = new_date_item.meeting
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    services.finalise_minutes(actor=demo.cig_chair, meeting=meeting)
    data = decide(new_date_item, DecisionKind.APPROVE_REPROGRAMMING)
    response = client_as(demo.cig_chair).post(url("item_decide", new_date_item.pk), data)
    assert_refused_form(response, "The minutes of this meeting are final")
    assert not Decision.objects.exists()


# --- Attendance -----------------------------------------------------------------------------------


def test_the_chair_records_attendance(client_as, demo, meeting) -> None:
    client = client_as(demo.cig_chair)
    page = body(client.get(url("meeting_attendance", meeting.pk)))
    assert "Chris Ellison" in page  # the police lead sits on the CIG
    data = all_present(meeting) | {f"user_{demo.police_lead.pk}": "apologies"}
    response = client.post(url("meeting_attendance", meeting.pk), data)
    assert response["Location"] == url("meeting_detail", meeting.pk)
    assert MeetingAttendance.objects.get(meeting=meeting, user=demo.police_lead).attendance == "apologies"
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == len(data)


def test_every_member_needs_an_answer(client_as, demo, meeting) -> None:
    data = all_present(meeting)
    data.pop(f"user_{demo.police_lead.pk}")
    response = client_as(demo.cig_chair).post(url("meeting_attendance", meeting.pk), data)
    page = assert_refused_form(response, "Choose present, apologies or absent for Chris Ellison")
    assert f'href="#id_user_{demo.police_lead.pk}"' in page
    assert not MeetingAttendance.objects.exists()


def test_a_member_who_does_not_chair_cannot_record_attendance(client_as, demo, meeting) -> None:
    client = client_as(demo.police_lead)
    assert client.get(url("meeting_attendance", meeting.pk)).status_code == 403
    response = client.post(url("meeting_attendance", meeting.pk), all_present(meeting))
    assert response.status_code == 403
    assert "Only the chair of the Critical Incident Group" in body(response)
    assert not MeetingAttendance.objects.exists()


# --- Refreshing the agenda ------------------------------------------------------------------------


def test_refreshing_the_agenda_adds_what_became_due(client_as, demo, month, meeting) -> None:
    answered_with_new_date(demo, month)
    response = client_as(demo.cig_chair).post(url("agenda_refresh", meeting.pk), follow=True)
    assert "1 new item added to the agenda" in body(response)
    assert meeting.items.filter(reason=AgendaReason.REPROGRAMMING).count() == 1


def test_refreshing_an_up_to_date_agenda_says_so(client_as, demo, meeting) -> None:
    response = client_as(demo.cig_chair).post(url("agenda_refresh", meeting.pk), follow=True)
    assert "The agenda is up to date" in body(response)


def test_a_member_who_does_not_chair_cannot_refresh_the_agenda(client_as, demo, month, meeting) -> None:
    answered_with_new_date(demo, month)
    response = client_as(demo.police_lead).post(url("agenda_refresh", meeting.pk))
    assert response.status_code == 403
    assert "Only the chair of the Critical Incident Group" in body(response)
    assert not meeting.items.exists()


# --- Finalising the minutes -----------------------------------------------------------------------


def test_the_chair_finalises_the_minutes(client_as, demo, meeting) -> None:
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    meeting.refresh_from_db()
    client = client_as(demo.cig_chair)
    data = {"minutes": "Quorate.\nNext meeting in a month.", "version": str(meeting.version)}
    response = client.post(url("meeting_finalise", meeting.pk), data, follow=True)
    assert "The minutes are final" in body(response)
    assert "Next meeting in a month." in body(response)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.minutes == "Quorate.\nNext meeting in a month."


def test_minutes_are_not_final_before_attendance_is_recorded(client_as, demo, meeting) -> None:
    data = {"minutes": "Quorate", "version": str(meeting.version)}
    response = client_as(demo.cig_chair).post(url("meeting_finalise", meeting.pk), data)
    assert_refused_form(response, "Record who attended before finalising the minutes")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_finalising_a_meeting_changed_meanwhile_is_refused(client_as, demo, meeting) -> None:
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    meeting.refresh_from_db()
    data = {"minutes": "Mine", "version": str(meeting.version)}
    services.finalise_minutes(actor=demo.liverpool_manager, meeting=meeting, minutes="The manager's")
    response = client_as(demo.cig_chair).post(url("meeting_finalise", meeting.pk), data)
    assert_refused_form(response, "Someone else changed this record")
    meeting.refresh_from_db()
    assert meeting.minutes == "The manager's"


def test_a_member_who_does_not_chair_cannot_finalise_the_minutes(client_as, demo, meeting) -> None:
    services.record_attendance(
        actor=demo.cig_chair, meeting=meeting, attendance={demo.cig_chair.pk: "present"}
    )
    meeting.refresh_from_db()
    client = client_as(demo.police_lead)
    assert client.get(url("meeting_finalise", meeting.pk)).status_code == 403
    response = client.post(
        url("meeting_finalise", meeting.pk), {"minutes": "x", "version": str(meeting.version)}
    )
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
