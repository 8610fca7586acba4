"""The action pages: who gets each page, what bad input shows, and a whole journey through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AccessEvent, AuditEvent
from safeguard.people.models import Role
from safeguard.reviews import services
from safeguard.reviews.models import (
    Action,
    ActionStatus,
    Evidence,
    EvidenceDecision,
    EvidenceKind,
    ImpactAssessment,
    ImpactSource,
    ImpactVerdict,
    ProgressUpdate,
    Reprogramming,
    SuccessCriterion,
)
from tests.factories import BoardFactory, BoardRoleFactory
from tests.reviews.conftest import agreed_action

ERROR_SUMMARY = "govuk-error-summary"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def action(demo, child_n):
    return agreed_action(demo, child_n)


@pytest.fixture
def other_board_manager(db):
    """The business manager of a board that has nothing to do with Child N."""
    return BoardRoleFactory(board=BoardFactory(), role=Role.BOARD_BUSINESS_MANAGER).user


def url(name: str, pk: int) -> str:
    return reverse(f"reviews:{name}", args=[pk])


def body(response) -> str:
    return response.content.decode()


def pdf(name: str = "register.pdf", size: int = 200) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def completed(demo, action) -> Evidence:
    evidence = services.submit_evidence(
        actor=demo.ops_supervisor, action=action, kind=EvidenceKind.NARRATIVE, description="Training register"
    )
    services.complete_action(actor=demo.ops_supervisor, action=action)
    return evidence


def impact_assessed(demo, action) -> None:
    evidence = completed(demo, action)
    services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    services.assess_impact(
        actor=demo.cig_chair,
        action=action,
        verdict=ImpactVerdict.EVIDENCED,
        source=ImpactSource.AUDIT,
        narrative="Audit",
    )


def draft_action(demo, child_n) -> Action:
    return services.add_action(
        actor=demo.police_lead,
        plan=child_n.plan,
        title="Review control-room closure codes",
        lead_officer=demo.control_supervisor,
        due_date=timezone.localdate() + timedelta(days=90),
    )


# --- Who gets which page --------------------------------------------------------------------------

# (route, persona, how to set the action up) for every page, with the persona allowed to use it.
PAGES = [
    ("action_detail", "police_lead", "agreed"),
    ("action_detail", "ops_supervisor", "agreed"),
    ("action_detail", "cig_chair", "agreed"),
    ("action_detail", "lancashire_manager", "agreed"),
    ("action_edit", "police_lead", "draft"),
    ("criterion_create", "police_lead", "draft"),
    ("update_create", "ops_supervisor", "agreed"),
    ("evidence_create", "ops_supervisor", "agreed"),
    ("action_complete", "police_lead", "agreed"),
    ("evidence_decide", "cig_chair", "completed"),
    ("impact_create", "cig_chair", "evidence_accepted"),
    ("action_close", "cig_chair", "impact_assessed"),
    ("action_reopen", "cig_chair", "impact_assessed"),
    ("action_reprogramme", "cig_chair", "agreed"),
    ("action_rag", "cig_chair", "agreed"),
    ("action_rag", "liverpool_manager", "agreed"),
]


def _target(demo, child_n, route: str, state: str) -> int:
    if state == "draft":
        return draft_action(demo, child_n).pk
    action = agreed_action(demo, child_n)
    if state == "agreed":
        return action.pk
    evidence = completed(demo, action)
    if route == "evidence_decide":
        return evidence.pk
    services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    if state == "impact_assessed":
        services.assess_impact(
            actor=demo.cig_chair,
            action=action,
            verdict=ImpactVerdict.PARTLY,
            source=ImpactSource.DATA,
            narrative="Data",
        )
    return action.pk


@pytest.mark.parametrize(("route", "persona", "state"), PAGES, ids=[f"{r}-{p}" for r, p, _ in PAGES])
def test_the_right_person_gets_each_page(client_as, demo, child_n, route, persona, state) -> None:
    pk = _target(demo, child_n, route, state)
    response = client_as(getattr(demo, persona)).get(url(route, pk))
    assert response.status_code == 200, body(response)[:500]
    assert ERROR_SUMMARY not in body(response)


ROUTES = sorted({route for route, _, _ in PAGES})


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_sign_in(client, demo, child_n, route) -> None:
    action = agreed_action(demo, child_n)
    for method in ("get", "post") if route != "action_detail" else ("get",):
        response = getattr(client, method)(url(route, action.pk))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:sign_in"))


@pytest.mark.parametrize("route", ROUTES)
def test_another_boards_user_gets_the_same_404_as_a_missing_action(
    client_as, demo, child_n, other_board_manager, route
) -> None:
    action = agreed_action(demo, child_n)
    client = client_as(other_board_manager)
    refused = client.get(url(route, action.pk))
    missing = client.get(url(route, 2_000_000_000))
    assert refused.status_code == missing.status_code == 404
    assert action.title not in body(refused)
    # Same page, byte for byte, once the per-response nonce and CSRF token are set aside.
    assert _stable(refused) == _stable(missing)
    if route != "action_detail":
        posted = client.post(url(route, action.pk), {"reason": "x", "decision": "accept", "rag": "red"})
        assert posted.status_code == 404


def _stable(response) -> str:
    import re

    text = re.sub(r'nonce="[^"]*"', 'nonce=""', body(response))
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)


def test_evidence_of_another_board_is_not_found_nor_downloadable(
    client_as, demo, child_n, other_board_manager
) -> None:
    action = agreed_action(demo, child_n)
    evidence = services.submit_evidence(
        actor=demo.ops_supervisor, action=action, kind=EvidenceKind.FILE, description="Register", upload=pdf()
    )
    client = client_as(other_board_manager)
    assert client.get(url("evidence_download", evidence.pk)).status_code == 404
    assert client.get(url("evidence_decide", evidence.pk)).status_code == 404
    assert not AccessEvent.objects.filter(user=other_board_manager).exists()


def test_the_action_page_is_logged_and_shows_what_the_user_may_do(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).get(url("action_detail", action.pk))
    page = body(response)
    assert AccessEvent.objects.filter(
        user=demo.ops_supervisor, target_id=str(action.pk), route="reviews:action_detail"
    ).exists()
    assert "Green: on track" in page
    assert url("update_create", action.pk) in page
    assert url("impact_create", action.pk) not in page  # the owner's side may not judge
    chair_page = body(client_as(demo.cig_chair).get(url("action_detail", action.pk)))
    assert url("action_reprogramme", action.pk) in chair_page
    assert reverse("reviews:plan_detail", args=[action.plan_id]) in page
    assert reverse("reviews:review_detail", args=[action.plan.review_id]) in page


# --- Separation of duties: the owning agency cannot judge itself ------------------------------------


def test_the_owning_agencys_lead_cannot_accept_its_own_evidence(client_as, demo, action) -> None:
    evidence = completed(demo, action)
    client = client_as(demo.police_lead)  # a CIG member, but Merseyside Police owns the plan
    assert client.get(url("evidence_decide", evidence.pk)).status_code == 403
    response = client.post(url("evidence_decide", evidence.pk), {"decision": "accept", "reason": "fine"})
    assert response.status_code == 403
    evidence.refresh_from_db()
    action.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING
    assert action.status == ActionStatus.COMPLETED
    assert not AuditEvent.objects.filter(action="evidence.accepted").exists()


def test_the_owning_agencys_lead_cannot_assess_impact(client_as, demo, action) -> None:
    evidence = completed(demo, action)
    services.accept_evidence(actor=demo.cig_chair, evidence=evidence)
    client = client_as(demo.police_lead)
    data = {"verdict": ImpactVerdict.EVIDENCED, "source": ImpactSource.AUDIT, "narrative": "We did well"}
    assert client.get(url("impact_create", action.pk)).status_code == 403
    assert client.post(url("impact_create", action.pk), data).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.EVIDENCE_ACCEPTED
    assert not ImpactAssessment.objects.exists()


def test_the_owning_agencys_lead_cannot_close_its_own_action(client_as, demo, action) -> None:
    impact_assessed(demo, action)
    client = client_as(demo.police_lead)
    assert client.get(url("action_close", action.pk)).status_code == 403
    assert client.post(url("action_close", action.pk), {"note": "done"}).status_code == 403
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPACT_ASSESSED
    assert action.closed_at is None


def test_the_lead_officer_cannot_set_the_boards_rag(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).post(
        url("action_rag", action.pk), {"rag": "red", "reason": "x"}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.rag_override == ""


# --- Bad input: a clear message, nothing written ---------------------------------------------------


def _assert_refused(response, *messages: str) -> str:
    assert response.status_code == 200
    page = body(response)
    assert ERROR_SUMMARY in page
    assert "<title>Error:" in page
    for message in messages:
        assert message in page, message
    return page


def test_evidence_of_a_disallowed_type_is_refused_on_the_file_field(client_as, demo, action) -> None:
    upload = SimpleUploadedFile(
        "malware.exe", b"MZ\x90\x00 not a document", content_type="application/octet-stream"
    )
    response = client_as(demo.ops_supervisor).post(
        url("evidence_create", action.pk), {"kind": "file", "description": "Register", "upload": upload}
    )
    page = _assert_refused(response, "malware.exe")
    assert 'href="#id_upload"' in page
    assert 'id="id_upload-error"' in page
    assert not Evidence.objects.exists()


@override_settings(SAFEGUARD_EVIDENCE_MAX_BYTES=100)
def test_evidence_over_the_size_limit_is_refused(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).post(
        url("evidence_create", action.pk),
        {"kind": "file", "description": "Register", "upload": pdf(size=500)},
    )
    page = _assert_refused(response, "The file must be smaller than 100 bytes")
    assert 'id="id_upload-error"' in page
    assert not Evidence.objects.exists()


def test_file_evidence_without_a_file_and_link_evidence_without_a_link_are_refused(
    client_as, demo, action
) -> None:
    client = client_as(demo.ops_supervisor)
    _assert_refused(
        client.post(url("evidence_create", action.pk), {"kind": "file", "description": "x"}), "Select a file"
    )
    _assert_refused(
        client.post(
            url("evidence_create", action.pk), {"kind": "link", "description": "x", "link": "ftp://x"}
        ),
        "Enter a link starting with https://",
    )
    assert not Evidence.objects.exists()


def test_returning_evidence_needs_a_reason(client_as, demo, action) -> None:
    evidence = completed(demo, action)
    response = client_as(demo.cig_chair).post(
        url("evidence_decide", evidence.pk), {"decision": "return", "reason": " "}
    )
    page = _assert_refused(response, "Say why the evidence is being returned")
    assert 'href="#id_reason"' in page
    evidence.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING


def test_a_decision_must_be_chosen(client_as, demo, action) -> None:
    evidence = completed(demo, action)
    response = client_as(demo.cig_chair).post(url("evidence_decide", evidence.pk), {})
    _assert_refused(response, "Choose whether to accept or return the evidence")


def test_a_rag_override_needs_a_reason(client_as, demo, action) -> None:
    response = client_as(demo.cig_chair).post(url("action_rag", action.pk), {"rag": "red", "reason": ""})
    _assert_refused(response, "Give the reason for the board")
    action.refresh_from_db()
    assert action.rag_override == ""


def test_a_new_due_date_cannot_be_in_the_past(client_as, demo, action) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_as(demo.cig_chair).post(
        url("action_reprogramme", action.pk),
        {"new_due_date": f"{yesterday:%d/%m/%Y}", "reason": "Staff shortages"},
    )
    _assert_refused(response, "The new due date cannot be in the past")
    action.refresh_from_db()
    assert not action.is_reprogrammed
    assert not Reprogramming.objects.exists()


def test_a_due_date_that_is_not_a_date_is_refused(client_as, demo, action) -> None:
    response = client_as(demo.cig_chair).post(
        url("action_reprogramme", action.pk), {"new_due_date": "31/02/2027", "reason": "x"}
    )
    _assert_refused(response, "must be a real date")


def test_a_step_not_allowed_from_the_current_state_is_refused(client_as, demo, action) -> None:
    client = client_as(demo.cig_chair)
    _assert_refused(
        client.post(url("action_close", action.pk), {"note": ""}), "closed once its impact has been assessed"
    )
    _assert_refused(
        client.post(
            url("impact_create", action.pk), {"verdict": "evidenced", "source": "audit", "narrative": "x"}
        ),
        "once the action",
    )
    _assert_refused(
        client.post(url("action_reopen", action.pk), {"reason": "Not convinced"}), "is reopened once"
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.AGREED
    assert action.status_changes.count() == 2  # created, agreed


def test_completing_without_evidence_is_refused(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).post(url("action_complete", action.pk), {"note": ""})
    _assert_refused(response, "Submit evidence before marking the action complete")
    action.refresh_from_db()
    assert action.status == ActionStatus.AGREED


def test_an_agreed_action_cannot_be_edited_as_a_draft(client_as, demo, action) -> None:
    response = client_as(demo.police_lead).post(
        url("action_edit", action.pk), {"title": "Changed", "version": action.version}
    )
    _assert_refused(response, "Only a draft action can be edited")
    action.refresh_from_db()
    assert action.title != "Changed"


def test_an_empty_update_shows_every_problem(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).post(url("update_create", action.pk), {})
    _assert_refused(response, "Describe the progress made", "Choose how the action is going")
    assert not ProgressUpdate.objects.exists()


def test_an_empty_criterion_is_refused(client_as, demo, child_n) -> None:
    draft = draft_action(demo, child_n)
    response = client_as(demo.police_lead).post(url("criterion_create", draft.pk), {"statement": "  "})
    _assert_refused(response, "Say what success looks like", "Enter the target")
    assert not SuccessCriterion.objects.filter(action=draft).exists()


# --- Drafting ------------------------------------------------------------------------------------


def test_a_draft_is_edited_and_given_a_criterion(client_as, demo, child_n) -> None:
    draft = draft_action(demo, child_n)
    client = client_as(demo.police_lead)
    page = body(client.get(url("action_edit", draft.pk)))
    assert f'name="version" value="{draft.version}"' in page
    due = timezone.localdate() + timedelta(days=120)
    response = client.post(
        url("action_edit", draft.pk),
        {
            "title": "Audit control-room closure codes",
            "description": "Quarterly",
            "lead_officer": demo.control_supervisor.pk,
            "due_date": f"{due:%d/%m/%Y}",
            "finding": child_n.finding.pk,
            "version": draft.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("action_detail", draft.pk)
    draft.refresh_from_db()
    assert (draft.title, draft.due_date, draft.finding_id) == (
        "Audit control-room closure codes",
        due,
        child_n.finding.pk,
    )
    response = client.post(
        url("criterion_create", draft.pk),
        {"statement": "Codes match outcomes", "measure": "Dip sample", "baseline": "60%", "target": "95%"},
    )
    assert response.status_code == 302
    assert draft.criteria.get().target == "95%"


def test_a_stale_edit_is_refused_with_what_changed(client_as, demo, child_n) -> None:
    draft = draft_action(demo, child_n)
    read_version = draft.version
    services.update_draft_action(
        actor=demo.lancashire_manager,
        action=draft,
        expected_version=read_version,
        title="Someone else's title",
    )
    response = client_as(demo.police_lead).post(
        url("action_edit", draft.pk), {"title": "My title", "version": read_version}
    )
    page = _assert_refused(response, "Someone else changed this record", "Someone else&#39;s title")
    draft.refresh_from_db()
    assert draft.title == "Someone else's title"
    # The form now carries the stored version: saving again is a deliberate overwrite.
    assert f'name="version" value="{draft.version}"' in page


# --- Evidence files ------------------------------------------------------------------------------


def test_evidence_is_uploaded_and_downloaded_as_an_attachment(client_as, demo, action) -> None:
    response = client_as(demo.ops_supervisor).post(
        url("evidence_create", action.pk),
        {"kind": "file", "description": "Training register", "upload": pdf("Register \u201cQ3\u201d.pdf")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_filename == "Register \u201cQ3\u201d.pdf"
    download = client_as(demo.cig_chair).get(url("evidence_download", evidence.pk))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Register%20%E2%80%9CQ3%E2%80%9D.pdf" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert AccessEvent.objects.filter(
        user=demo.cig_chair, target_id=str(evidence.pk), route="reviews:evidence_download"
    ).exists()


def test_a_filename_cannot_break_the_header(client_as, demo, action) -> None:
    evidence = services.submit_evidence(
        actor=demo.ops_supervisor,
        action=action,
        kind=EvidenceKind.FILE,
        description="x",
        upload=pdf('a"b\\c.pdf'),
    )
    download = client_as(demo.ops_supervisor).get(url("evidence_download", evidence.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="a_b_c.pdf"'


def test_narrative_evidence_has_no_download(client_as, demo, action) -> None:
    evidence = services.submit_evidence(
        actor=demo.ops_supervisor, action=action, kind=EvidenceKind.NARRATIVE, description="Register"
    )
    assert client_as(demo.ops_supervisor).get(url("evidence_download", evidence.pk)).status_code == 404


# --- The whole journey through the pages ---------------------------------------------------------


def test_an_action_goes_from_agreed_to_closed_through_the_pages(client_as, demo, action) -> None:
    lead = client_as(demo.ops_supervisor)
    chair = client_as(demo.cig_chair)
    manager = client_as(demo.liverpool_manager)

    def ok(response) -> None:
        assert response.status_code == 302, body(response)[:2000]
        assert response["Location"] == url("action_detail", action.pk)

    ok(
        lead.post(
            url("update_create", action.pk), {"narrative": "Half the staff trained", "claimed": "at_risk"}
        )
    )
    ok(manager.post(url("action_rag", action.pk), {"rag": "red", "reason": "Training is slipping"}))
    later = timezone.localdate() + timedelta(days=100)
    ok(
        chair.post(
            url("action_reprogramme", action.pk),
            {"new_due_date": f"{later:%d/%m/%Y}", "reason": "Trainer ill"},
        )
    )
    ok(
        manager.post(
            url("action_rag", action.pk), {"rag": "computed", "reason": "Back on track with the new date"}
        )
    )
    ok(
        lead.post(
            url("evidence_create", action.pk),
            {"kind": "file", "description": "First register", "upload": pdf()},
        )
    )
    ok(lead.post(url("action_complete", action.pk), {"note": "All trained"}))
    first = Evidence.objects.get()
    ok(chair.post(url("evidence_decide", first.pk), {"decision": "return", "reason": "Register is unsigned"}))
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    ok(
        lead.post(
            url("evidence_create", action.pk),
            {"kind": "link", "description": "Signed register", "link": "https://intranet.example/register"},
        )
    )
    ok(lead.post(url("action_complete", action.pk), {"note": "Signed now"}))
    second = Evidence.objects.exclude(pk=first.pk).get()
    ok(chair.post(url("evidence_decide", second.pk), {"decision": "accept", "reason": ""}))
    ok(
        chair.post(
            url("impact_create", action.pk),
            {"verdict": "evidenced", "source": "audit", "narrative": "Dip sample: all closures correct"},
        )
    )
    ok(chair.post(url("action_close", action.pk), {"note": "Impact evidenced"}))

    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED
    assert action.due_date == later and action.is_reprogrammed
    assert action.rag_override == ""
    assert [c.to_status for c in action.status_changes.all()] == [
        "draft", "agreed", "in_progress", "completed", "in_progress", "completed",
        "evidence_accepted", "impact_assessed", "closed",
    ]  # fmt: skip

    page = body(lead.get(url("action_detail", action.pk)))
    assert "Blue: closed" in page
    for text in (
        "Half the staff trained",
        "Evidence returned",
        "Register is unsigned",
        "New due date approved",
        "Impact assessed: Impact evidenced",
        "Dip sample: all closures correct",
        "Status: Closed",
    ):
        assert text in page, text
    # The timeline is newest first: the closure comes before the first update.
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("Status: Closed") < timeline.index("Half the staff trained")
    assert url("action_close", action.pk) not in page


def test_impact_not_evidenced_sends_the_action_back(client_as, demo, action) -> None:
    evidence = completed(demo, action)
    chair = client_as(demo.cig_chair)
    chair.post(url("evidence_decide", evidence.pk), {"decision": "accept"})
    chair.post(
        url("impact_create", action.pk),
        {"verdict": "not_evidenced", "source": "data", "narrative": "No change"},
    )
    _assert_refused(chair.post(url("action_close", action.pk), {}), "no evidence of impact")
    response = chair.post(url("action_reopen", action.pk), {"reason": "Repeat the training"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


# --- Query counts --------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _add_history(demo, action, n: int) -> None:
    for i in range(n):
        services.post_update(
            actor=demo.ops_supervisor, action=action, narrative=f"Update {i}", claimed="on_track"
        )
        services.submit_evidence(
            actor=demo.ops_supervisor,
            action=action,
            kind=EvidenceKind.FILE,
            description=f"Item {i}",
            upload=pdf(f"e{i}.pdf"),
        )


def test_the_action_page_costs_the_same_with_1_and_20_updates_and_evidence_items(
    client_as, demo, child_n
) -> None:
    one = agreed_action(demo, child_n)
    _add_history(demo, one, 1)
    client = client_as(demo.cig_chair)
    client.get(url("action_detail", one.pk))  # warm the session and caches
    with_one = _queries(client, url("action_detail", one.pk))
    _add_history(demo, one, 19)
    services.reprogramme_action(
        actor=demo.cig_chair, action=one, new_due_date=timezone.localdate() + timedelta(days=200), reason="x"
    )
    with_twenty = _queries(client, url("action_detail", one.pk))
    assert with_one == with_twenty, (with_one, with_twenty)
    # Session, user, scoping and the permission predicates, the access log row, one query per related
    # table: a fixed budget, whatever the action's history.
    assert with_twenty <= 35, with_twenty
