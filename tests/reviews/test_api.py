"""The reviews API: scoped reads and filters, each operation through its service, and bad input refused
with a specific message and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguard.core.models import AccessEvent, AuditEvent
from safeguard.people.models import User
from safeguard.reviews import services
from safeguard.reviews.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ActionStatusChange,
    Evidence,
    EvidenceDecision,
    Finding,
    PlanStatus,
    ProgressUpdate,
    Review,
    ReviewStatus,
)
from tests.reviews.api_helpers import Api, completed_with_evidence, csc_plan, embargoed_review, publish, today
from tests.reviews.conftest import agreed_action

# --- Reads: scoped per persona -----------------------------------------------------------------


def test_an_embargoed_review_is_invisible_to_another_boards_user(demo) -> None:
    review = embargoed_review(demo, demo.boards.lancashire)
    lancashire, liverpool = Api(demo.lancashire_manager), Api(demo.liverpool_manager)
    assert review.pk in lancashire.ids("/reviews/")
    assert lancashire.get(f"/reviews/{review.pk}/").status_code == 200
    assert review.pk not in liverpool.ids("/reviews/")
    assert liverpool.get(f"/reviews/{review.pk}/").status_code == 404
    assert liverpool.get("/reviews/").json()["count"] == 0  # counts are scoped too


def test_a_published_review_is_visible_to_everyone_in_the_partnership(demo) -> None:
    review = embargoed_review(demo, demo.boards.lancashire)
    publish(demo.lancashire_manager, review)
    assert review.pk in Api(demo.liverpool_manager).ids("/reviews/")
    assert Api(demo.nursery_dsl).get(f"/reviews/{review.pk}/").status_code == 200
    # Someone with no role in the partnership still sees nothing.
    stranger = User.objects.create_user("stranger@example.test", "a long passphrase 1", full_name="S")
    assert Api(stranger).get(f"/reviews/{review.pk}/").status_code == 404


def test_missing_and_not_visible_give_the_same_404(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    outsider = Api(demo.nursery_dsl)
    for path in (
        f"/reviews/{child_n.review.pk}/",
        f"/findings/{child_n.finding.pk}/",
        f"/action-plans/{child_n.plan.pk}/",
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/history/",
    ):
        hidden = outsider.get(path)
        missing = outsider.get(path.replace(f"/{path.split('/')[2]}/", "/999999/", 1))
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.json() == missing.json() == {"detail": "Not found.", "code": "not_found"}


def test_an_action_is_visible_to_its_lead_officer_but_not_to_colleagues(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    assert Api(demo.ops_supervisor).ids("/actions/") == [action.pk]
    assert Api(demo.police_officer).ids("/actions/") == []
    assert Api(demo.police_officer).get(f"/actions/{action.pk}/").status_code == 404


def test_every_retrieve_is_in_the_access_log(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    api = Api(demo.lancashire_manager)
    for path in (
        f"/reviews/{child_n.review.pk}/",
        f"/action-plans/{child_n.plan.pk}/",
        f"/actions/{action.pk}/",
    ):
        assert api.get(path).status_code == 200
    routes = set(
        AccessEvent.objects.filter(user=demo.lancashire_manager, via="api").values_list("route", flat=True)
    )
    assert routes == {
        "GET /api/v1/reviews/<int:id>/",
        "GET /api/v1/action-plans/<int:id>/",
        "GET /api/v1/actions/<int:id>/",
    }


def test_an_action_carries_its_rag_and_criteria(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    body = Api(demo.lancashire_manager).get(f"/actions/{action.pk}/").json()
    assert body["status"] == "agreed"
    assert body["rag"] == "green"
    assert body["lead_officer_name"] == demo.ops_supervisor.full_name
    assert [c["statement"] for c in body["criteria"]] == ["All control staff trained"]


# --- Filters ---------------------------------------------------------------------------------


@pytest.fixture
def two_plans(demo, child_n):
    """A police action (agreed, due in 60 days) and a CSC action (overdue, due 5 days ago)."""
    police = agreed_action(demo, child_n)
    plan = csc_plan(demo, child_n)
    csc = services.add_action(
        actor=demo.csc_lead,
        plan=plan,
        title="Audit strategy meetings",
        lead_officer=demo.csc_lead,
        due_date=today(),
    )
    services.add_success_criterion(
        actor=demo.csc_lead, action=csc, statement="Audited", measure="Audit", target="20"
    )
    services.submit_plan(actor=demo.csc_lead, plan=plan)
    services.approve_plan(actor=demo.scr_chair, plan=plan)
    # Time passes: the CSC action is now five days overdue.
    Action.objects.filter(pk=csc.pk).update(due_date=today() - timedelta(days=5))
    return police, csc


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"police", "csc"}),
        ({"agency": "police"}, {"police"}),
        ({"board": "liverpool"}, {"police"}),
        ({"board": "lancashire"}, {"police", "csc"}),
        ({"status": "agreed"}, {"police", "csc"}),
        ({"status": "closed"}, set()),
        ({"rag": "red"}, {"csc"}),
        ({"rag": "green"}, {"police"}),
        ({"overdue": "true"}, {"csc"}),
        ({"overdue": "false"}, {"police", "csc"}),
        ({"due_before": "today"}, {"csc"}),
        ({"due_after": "today"}, {"police"}),
        ({"review": "child_n"}, {"police", "csc"}),
        ({"review": "other"}, set()),
    ],
)
def test_every_action_filter(demo, child_n, two_plans, params, expected) -> None:
    police, csc = two_plans
    values = {
        "police": child_n.police.pk,
        "liverpool": child_n.liverpool.pk,
        "lancashire": child_n.lancashire.pk,
        "today": today().isoformat(),
        "child_n": child_n.review.pk,
        "other": embargoed_review(demo, demo.boards.lancashire).pk,
    }
    query = {name: values.get(value, value) for name, value in params.items()}
    names = {police.pk: "police", csc.pk: "csc"}
    assert {names[i] for i in Api(demo.lancashire_manager).ids("/actions/", query)} == expected


def test_filters_only_narrow_what_the_caller_may_see(demo, child_n, two_plans) -> None:
    police, _ = two_plans
    # The ops supervisor leads only the police action: no filter widens that.
    api = Api(demo.ops_supervisor)
    assert api.ids("/actions/", {"board": child_n.lancashire.pk}) == [police.pk]
    assert api.ids("/actions/", {"rag": "red"}) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"due_before": "31/02/2026"}, "due_before", "Date has wrong format"),
        ({"due_after": "2026-13-01"}, "due_after", "Date has wrong format"),
        ({"status": "finished"}, "status", "is not a valid choice"),
        ({"rag": "purple"}, "rag", "is not a valid choice"),
        ({"review": "abc"}, "review", "A valid integer is required."),
        ({"overdue": "perhaps"}, "overdue", "Must be a valid boolean."),
        ({"colour": "red"}, "colour", "Unexpected field."),
        ({"due_before": "2026-01-01", "due_after": "2026-02-01"}, "due_after", "on or before its end"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(demo, params, field, message) -> None:
    response = Api(demo.lancashire_manager).get("/actions/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in " ".join(body["errors"][field])


def test_review_and_plan_lists_filter_too(demo, child_n) -> None:
    api = Api(demo.lancashire_manager)
    other = embargoed_review(demo, demo.boards.lancashire)
    assert api.ids("/reviews/", {"status": "notified", "board": child_n.liverpool.pk}) == [child_n.review.pk]
    assert set(api.ids("/reviews/", {"review_type": "lcspr"})) == {other.pk}
    assert api.ids("/action-plans/", {"agency": child_n.police.pk}) == [child_n.plan.pk]
    assert api.ids("/action-plans/", {"review": other.pk}) == []
    assert api.ids("/findings/", {"review": child_n.review.pk}) == [child_n.finding.pk]
    assert api.get("/reviews/", {"status": "lost"}).status_code == 400


# --- Writes: the happy paths -------------------------------------------------------------------


def test_register_a_review_move_it_and_record_findings(demo) -> None:
    api = Api(demo.lancashire_manager)
    response = api.post(
        "/reviews/",
        {
            "reference": "LSCB-SCR-API-01",
            "review_type": "scr",
            "subject_pseudonym": "Child A",
            "lead_board": demo.boards.lancashire.pk,
            "partner_boards": [demo.boards.liverpool.pk],
            "notified_on": (today() - timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    assert response.json()["partner_boards"] == [demo.boards.liverpool.pk]
    assert AuditEvent.objects.filter(action="review.registered").exists()

    moved = api.post(f"/reviews/{review_id}/transition/", {"to_status": "commissioned"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "commissioned"
    assert moved.json()["commissioned_on"] == today().isoformat()

    first = api.post(f"/reviews/{review_id}/findings/", {"title": "Challenge", "text": "Rarely challenged."})
    second = api.post("/findings/", {"review": review_id, "title": "Recording", "text": "Gaps in records."})
    assert first.status_code == second.status_code == 201
    assert [f["number"] for f in api.get(f"/reviews/{review_id}/findings/").json()["results"]] == [1, 2]


def test_a_plan_from_creation_to_approval(demo, child_n) -> None:
    manager, lead, chair = Api(demo.lancashire_manager), Api(demo.csc_lead), Api(demo.scr_chair)
    created = manager.post(
        "/action-plans/",
        {
            "kind": "single_agency",
            "title": "CSC plan",
            "review": child_n.review.pk,
            "owner_agency": child_n.csc.pk,
            "monitoring_subgroup": child_n.scr.pk,
        },
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["monitoring_boards"] == [child_n.lancashire.pk]

    action = lead.post(
        f"/action-plans/{plan_id}/actions/",
        {
            "title": "Audit strategy meetings",
            "lead_officer": demo.csc_lead.pk,
            "due_date": (today() + timedelta(days=30)).isoformat(),
            "finding": child_n.finding.pk,
        },
    )
    assert action.status_code == 201, action.content
    action_id = action.json()["id"]
    criterion = lead.post(
        f"/actions/{action_id}/criteria/",
        {"statement": "Meetings audited", "measure": "Audit", "target": "20"},
    )
    assert criterion.status_code == 201, criterion.content

    assert lead.post(f"/action-plans/{plan_id}/submit/").json()["status"] == "submitted"
    returned = chair.post(f"/action-plans/{plan_id}/return/", {"reason": "Add a measure of impact."})
    assert returned.json()["status"] == "draft"
    assert lead.post(f"/action-plans/{plan_id}/submit/").status_code == 200
    approved = chair.post(f"/action-plans/{plan_id}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert lead.get(f"/actions/{action_id}/").json()["status"] == "agreed"
    assert [a["id"] for a in lead.get(f"/action-plans/{plan_id}/actions/").json()["results"]] == [action_id]


def test_an_action_from_agreed_to_closed(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    officer, lead, chair = Api(demo.ops_supervisor), Api(demo.police_lead), Api(demo.cig_chair)
    base = f"/actions/{action.pk}"

    update = officer.post(f"{base}/updates/", {"narrative": "Half the staff trained", "claimed": "on_track"})
    assert update.status_code == 201, update.content
    evidence = lead.post(
        f"{base}/evidence/", {"kind": "link", "description": "Register", "link": "https://x.test/r"}
    )
    assert evidence.status_code == 201, evidence.content
    assert lead.post(f"{base}/complete/", {"note": "All trained"}).json()["status"] == "completed"
    accepted = chair.post(f"{base}/accept-evidence/", {"evidence": evidence.json()["id"]})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "evidence_accepted"
    impact = chair.post(
        f"{base}/impact/", {"verdict": "evidenced", "source": "audit", "narrative": "Audit shows it"}
    )
    assert impact.status_code == 201, impact.content
    closed = chair.post(f"{base}/close/")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["rag"] == "blue"

    assert [u["narrative"] for u in lead.get(f"{base}/updates/").json()["results"]] == [
        "Half the staff trained"
    ]
    assert [e["decision"] for e in lead.get(f"{base}/evidence/").json()["results"]] == ["accepted"]
    assert [i["verdict"] for i in lead.get(f"{base}/impact/").json()["results"]] == ["evidenced"]
    assert [h["to_status"] for h in lead.get(f"{base}/history/").json()["results"]] == [
        "draft",
        "agreed",
        "in_progress",
        "completed",
        "evidence_accepted",
        "impact_assessed",
        "closed",
    ]


def test_evidence_as_a_file(demo, child_n, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    action = agreed_action(demo, child_n)
    upload = SimpleUploadedFile("register.pdf", b"%PDF-1.4 register", content_type="application/pdf")
    response = Api(demo.police_lead).upload(
        f"/actions/{action.pk}/evidence/",
        {"kind": "file", "description": "Training register", "upload": upload},
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_filename"] == "register.pdf"
    assert response.json()["size_bytes"] == len(b"%PDF-1.4 register")


def test_a_file_of_the_wrong_type_is_refused(demo, child_n, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    action = agreed_action(demo, child_n)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = Api(demo.police_lead).upload(
        f"/actions/{action.pk}/evidence/", {"kind": "file", "description": "Register", "upload": upload}
    )
    assert response.status_code == 400
    assert "must be one of" in response.json()["errors"]["upload"][0]
    assert not Evidence.objects.exists()


def test_returned_evidence_reopen_reprogramme_and_the_boards_rag(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    chair, base = Api(demo.cig_chair), f"/actions/{action.pk}"
    new_date = (today() + timedelta(days=90)).isoformat()
    reprogrammed = chair.post(
        f"{base}/reprogramme/", {"new_due_date": new_date, "reason": "Trainer off sick"}
    )
    assert reprogrammed.status_code == 200, reprogrammed.content
    assert reprogrammed.json()["due_date"] == new_date
    assert reprogrammed.json()["is_reprogrammed"] is True

    rag = Api(demo.liverpool_manager).post(f"{base}/rag-override/", {"rag": "amber", "reason": "Slipping"})
    assert rag.status_code == 200, rag.content
    assert rag.json()["rag"] == rag.json()["rag_override"] == "amber"
    cleared = chair.post(f"{base}/rag-override/", {"rag": "", "reason": "Back on track"})
    assert cleared.json()["rag"] == "green"

    evidence = completed_with_evidence(demo, action)
    returned = chair.post(f"{base}/return-evidence/", {"evidence": evidence.pk, "reason": "No dates on it"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "in_progress"
    evidence.refresh_from_db()
    assert evidence.return_reason == "No dates on it"

    again = services.submit_evidence(
        actor=demo.police_lead, action=action, kind="narrative", description="Dated"
    )
    services.complete_action(actor=demo.police_lead, action=action)
    services.accept_evidence(actor=demo.cig_chair, evidence=again)
    services.assess_impact(
        actor=demo.cig_chair, action=action, verdict="not_evidenced", source="audit", narrative="No change"
    )
    reopened = chair.post(f"{base}/reopen/", {"reason": "No impact yet"})
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "in_progress"


# --- Bad input: a specific message, nothing written ----------------------------------------------


def test_an_action_without_date_lead_or_criterion_cannot_be_agreed(demo, child_n) -> None:
    lead = Api(demo.police_lead)
    created = lead.post(f"/action-plans/{child_n.plan.pk}/actions/", {"title": "Review closure policy"})
    assert created.status_code == 201
    changes = ActionPlan.objects.get(pk=child_n.plan.pk).status_changes.count()

    response = lead.post(f"/action-plans/{child_n.plan.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["errors"]["actions"] == [
        "Action 1 needs a due date.",
        "Action 1 needs a lead officer.",
        "Action 1 needs at least one success criterion.",
    ]
    plan = ActionPlan.objects.get(pk=child_n.plan.pk)
    assert plan.status == PlanStatus.DRAFT
    assert plan.status_changes.count() == changes
    assert not AuditEvent.objects.filter(action="plan.submitted").exists()


def test_an_action_due_before_the_plans_approval_cannot_be_agreed(demo, child_n) -> None:
    action = services.add_action(
        actor=demo.police_lead,
        plan=child_n.plan,
        title="Train staff",
        lead_officer=demo.ops_supervisor,
        due_date=today(),
    )
    services.add_success_criterion(
        actor=demo.police_lead, action=action, statement="Done", measure="M", target="T"
    )
    services.submit_plan(actor=demo.police_lead, plan=child_n.plan)
    Action.objects.filter(pk=action.pk).update(due_date=today() - timedelta(days=1))  # the meeting slipped

    response = Api(demo.cig_chair).post(f"/action-plans/{child_n.plan.pk}/approve/")
    assert response.status_code == 400
    [message] = response.json()["errors"]["actions"]
    assert "is due before the plan would be approved" in message
    action.refresh_from_db()
    assert action.status == ActionStatus.DRAFT
    assert ActionPlan.objects.get(pk=child_n.plan.pk).status == PlanStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="plan.approved").exists()


def test_a_transition_not_allowed_from_the_current_state(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    before = ActionStatusChange.objects.count()
    response = Api(demo.cig_chair).post(f"/actions/{action.pk}/close/")
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["An action is closed once its impact has been assessed."]}
    action.refresh_from_db()
    assert action.status == ActionStatus.AGREED
    assert ActionStatusChange.objects.count() == before

    review = Api(demo.lancashire_manager).post(
        f"/reviews/{child_n.review.pk}/transition/", {"to_status": "published"}
    )
    assert review.status_code == 400
    assert (
        "cannot move from \u201cNotified\u201d to \u201cPublished\u201d"
        in review.json()["errors"]["to_status"][0]
    )
    assert Review.objects.get(pk=child_n.review.pk).status == ReviewStatus.NOTIFIED

    draft_plan = csc_plan(demo, child_n)
    approve = Api(demo.scr_chair).post(f"/action-plans/{draft_plan.pk}/approve/")
    assert approve.status_code == 400
    assert "status" in approve.json()["errors"]


def test_an_agency_cannot_accept_its_own_evidence(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = completed_with_evidence(demo, action)
    # The police lead sits on the monitoring subgroup, but the plan is their own agency's.
    response = Api(demo.police_lead).post(f"/actions/{action.pk}/accept-evidence/", {"evidence": evidence.pk})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the monitoring subgroup, outside the owning agency, can accept evidence.",
        "code": "permission_denied",
    }
    evidence.refresh_from_db()
    action.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING
    assert action.status == ActionStatus.COMPLETED
    assert not AuditEvent.objects.filter(action="evidence.accepted").exists()


def test_seeing_without_the_right_to_change_is_403_and_not_seeing_is_404(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    # The lead officer sees the action but may not judge it.
    assert Api(demo.ops_supervisor).post(f"/actions/{action.pk}/close/").status_code == 403
    # A nursery practitioner cannot see it at all.
    assert Api(demo.nursery_dsl).post(f"/actions/{action.pk}/close/").status_code == 404
    assert Api(demo.nursery_dsl).post(f"/action-plans/{child_n.plan.pk}/approve/").status_code == 404
    # A board manager of another board may not register a review for Lancashire.
    response = Api(demo.liverpool_manager).post(
        "/reviews/",
        {
            "reference": "X-1",
            "review_type": "scr",
            "subject_pseudonym": "Child X",
            "lead_board": demo.boards.lancashire.pk,
            "notified_on": today().isoformat(),
        },
    )
    assert response.status_code == 403
    assert not Review.objects.filter(reference="X-1").exists()


def test_unknown_fields_are_refused_and_nothing_is_written(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    response = Api(demo.ops_supervisor).post(
        f"/actions/{action.pk}/updates/", {"narrative": "Done", "claimed": "complete", "status": "closed"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Unexpected field."]}
    assert not ProgressUpdate.objects.exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.AGREED

    submit = Api(demo.police_lead).post(f"/action-plans/{child_n.plan.pk}/submit/", {"force": True})
    assert submit.json()["errors"] == {"force": ["Unexpected field."]}


def test_field_errors_from_the_services_name_the_field(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    chair = Api(demo.cig_chair)
    reason = chair.post(f"/actions/{action.pk}/reprogramme/", {"new_due_date": "2099-01-01", "reason": " "})
    assert reason.json()["errors"] == {"reason": ["Say why the date is changing."]}
    past = chair.post(f"/actions/{action.pk}/reprogramme/", {"new_due_date": "1800-01-01", "reason": "x"})
    assert past.json()["errors"] == {"new_due_date": ["Enter a date between 1900 and 2100."]}
    finding = Api(demo.lancashire_manager).post(
        "/findings/", {"review": child_n.review.pk, "title": "", "text": ""}
    )
    assert finding.json()["errors"] == {
        "title": ["Enter a short title for the finding."],
        "text": ["Enter the finding."],
    }
    assert Finding.objects.count() == 1


def test_evidence_of_another_action_cannot_be_named(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = completed_with_evidence(demo, action)
    other = services.add_action(actor=demo.police_lead, plan=child_n.plan, title="Another")
    response = Api(demo.cig_chair).post(f"/actions/{other.pk}/accept-evidence/", {"evidence": evidence.pk})
    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["evidence"][0]
    evidence.refresh_from_db()
    assert evidence.decision == EvidenceDecision.PENDING


def test_deciding_evidence_twice_is_refused(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    evidence = completed_with_evidence(demo, action)
    chair = Api(demo.cig_chair)
    assert chair.post(f"/actions/{action.pk}/accept-evidence/", {"evidence": evidence.pk}).status_code == 200
    again = chair.post(f"/actions/{action.pk}/return-evidence/", {"evidence": evidence.pk, "reason": "Oops"})
    assert again.status_code == 400
    assert again.json()["errors"] == {"evidence": ["This evidence has already been decided."]}


def test_bad_json_and_the_wrong_content_type(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    api = Api(demo.ops_supervisor)
    url = f"/api/v1/actions/{action.pk}/updates/"
    assert api.client.post(url, "{", content_type="application/json").status_code == 400
    assert api.client.post(url, "narrative=x", content_type="text/plain").status_code == 415
    assert not ProgressUpdate.objects.exists()


# --- Query counts ------------------------------------------------------------------------------


def _count(api: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, {"limit": 100})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def _more_actions(demo, child_n, n: int) -> None:
    start = child_n.plan.actions.count() + 1
    actions = Action.objects.bulk_create(
        Action(
            plan=child_n.plan,
            number=start + i,
            title=f"Action {start + i}",
            lead_officer=demo.ops_supervisor,
            due_date=today() + timedelta(days=i),
            status=ActionStatus.IN_PROGRESS,
            finding=child_n.finding,
            created_by=demo.police_lead,
        )
        for i in range(n)
    )
    for action in actions:
        action.criteria.create(statement="S", measure="M", target="T")
        action.updates.create(author=demo.ops_supervisor, narrative="Going well", claimed="on_track")
        action.evidence.create(kind="narrative", description="E", submitted_by=demo.police_lead)


def test_the_actions_list_costs_the_same_for_1_and_50_actions(
    demo, child_n, django_assert_num_queries
) -> None:
    agreed_action(demo, child_n)
    api = Api(demo.lancashire_manager)
    _count(api, "/actions/")  # warm the per-process caches (content types, calendar)
    one = _count(api, "/actions/")
    _more_actions(demo, child_n, 49)
    with django_assert_num_queries(one):
        response = api.get("/actions/", {"limit": 100})
    assert response.json()["count"] == 50


def test_the_review_and_plan_lists_cost_the_same_however_long(demo, child_n) -> None:
    api = Api(demo.lancashire_manager)
    _count(api, "/reviews/")
    before = {path: _count(api, path) for path in ("/reviews/", "/action-plans/", "/findings/")}
    for i in range(20):
        review = embargoed_review(demo, demo.boards.lancashire, reference=f"LSCB-Q-{i}")
        services.add_finding(actor=demo.lancashire_manager, review=review, title="T", text="X")
        plan = csc_plan(demo, child_n) if i == 0 else None
        if plan is not None:
            services.add_action(actor=demo.csc_lead, plan=plan, title="A")
    after = {path: _count(api, path) for path in before}
    assert after == before


def test_options_is_405_not_a_server_error(demo, child_n) -> None:
    api = Api(demo.lancashire_manager)
    for path in (
        "/reviews/",
        f"/reviews/{child_n.review.pk}/transition/",
        "/actions/",
        "/actions/999/close/",
    ):
        assert api.client.options(f"/api/v1{path}").status_code == 405, path


def test_a_lead_officer_outside_the_plans_boards_is_answered_as_an_unknown_id(demo, child_n) -> None:
    from tests.factories import AgencyFactory, BoardFactory, MembershipFactory

    stranger = MembershipFactory(agency=AgencyFactory(boards=[BoardFactory()])).user
    lead = Api(demo.police_lead)
    url = f"/action-plans/{child_n.plan.pk}/actions/"
    outside = lead.post(url, {"title": "Review closure policy", "lead_officer": stranger.pk})
    missing = lead.post(url, {"title": "Review closure policy", "lead_officer": 1_999_999_999})
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["errors"]["lead_officer"] == [
        m.replace("1999999999", str(stranger.pk)) for m in missing.json()["errors"]["lead_officer"]
    ]
    assert not child_n.plan.actions.exists()


def test_a_lead_officer_from_the_owning_agency_is_accepted(demo, child_n) -> None:
    response = Api(demo.police_lead).post(
        f"/action-plans/{child_n.plan.pk}/actions/",
        {"title": "Review closure policy", "lead_officer": demo.ops_supervisor.pk},
    )
    assert response.status_code == 201, response.content


def test_paging_parameters_given_twice_are_refused(demo, child_n) -> None:
    response = Api(demo.lancashire_manager).client.get("/api/v1/actions/?limit=1&limit=2")
    assert response.status_code == 400
    assert response.json()["errors"]["limit"] == ["Give limit once."]


def test_a_filter_given_twice_is_refused(demo, child_n) -> None:
    response = Api(demo.lancashire_manager).client.get("/api/v1/actions/?rag=red&rag=green")
    assert response.status_code == 400
    assert response.json()["errors"] == {"rag": ["Give this parameter once."]}


def test_an_empty_filter_is_refused_not_read_as_left_out(demo, child_n) -> None:
    response = Api(demo.lancashire_manager).client.get("/api/v1/actions/?board=")
    assert response.status_code == 400
    assert "board" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"narrative": 5, "claimed": "on_track"}, "narrative"),
        ({"narrative": ["Done"], "claimed": "on_track"}, "narrative"),
        ({"narrative": True, "claimed": "on_track"}, "narrative"),
    ],
)
def test_a_body_value_of_the_wrong_json_type_is_refused_and_nothing_is_written(
    demo, child_n, body, field
) -> None:
    action = agreed_action(demo, child_n)
    response = Api(demo.ops_supervisor).post(f"/actions/{action.pk}/updates/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgressUpdate.objects.exists()


def test_a_record_named_by_an_id_in_quotes_is_refused(demo, child_n) -> None:
    response = Api(demo.lancashire_manager).post(
        "/findings/", {"review": str(child_n.review.pk), "title": "Recording", "text": "Gaps."}
    )
    assert response.status_code == 400
    assert "review" in response.json()["errors"]
    assert not child_n.review.findings.filter(title="Recording").exists()


def test_evidence_sent_as_json_takes_only_text_for_its_description(demo, child_n) -> None:
    action = agreed_action(demo, child_n)
    response = Api(demo.ops_supervisor).post(
        f"/actions/{action.pk}/evidence/", {"kind": "narrative", "description": None}
    )
    assert response.status_code == 400
    assert "description" in response.json()["errors"]
    assert not action.evidence.exists()
