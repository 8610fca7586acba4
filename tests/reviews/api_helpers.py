"""Shared by the reviews API tests: a token client per persona, and the data the tests build on."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from safeguard.core.api_tokens import digest, issue_api_token
from safeguard.core.models import ApiToken
from safeguard.reviews import services
from safeguard.reviews.models import EvidenceKind, PlanKind, ReviewStatus, ReviewType

_issued: dict[int, str] = {}


def token_for(user: Any) -> str:
    """A working key for `user`: the one issued earlier in this test if it still works, else a new one.
    (Only digests are stored, so the tests remember the keys they were given.)"""
    key = _issued.get(user.pk)
    if key is not None and ApiToken.objects.filter(user=user, key_digest=digest(key)).exists():
        return key
    key = issue_api_token(user=user, rotate=True, system_process="tests").key
    _issued[user.pk] = key
    return key


class Api:
    """A client that speaks to /api/v1/ with a persona's token."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.client = Client(headers={"Authorization": f"Token {token_for(user)}"})

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {})

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")

    def upload(self, path: str, fields: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1{path}", fields)  # multipart/form-data

    def ids(self, path: str, params: dict[str, Any] | None = None) -> list[int]:
        response = self.get(path, {"limit": 500, **(params or {})})
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]


def today() -> date:
    return timezone.localdate()


def embargoed_review(demo: Any, board: Any, reference: str = "LSCB-LPR-TEST-02") -> Any:
    """A review led by `board` alone, with no partners or involved agencies: under embargo."""
    manager = demo.lancashire_manager if board.name.startswith("Lancashire") else demo.liverpool_manager
    return services.register_review(
        actor=manager,
        reference=reference,
        review_type=ReviewType.LOCAL_PRACTICE_REVIEW,
        subject_pseudonym="Child E",
        lead_board=board,
        notified_on=today() - timedelta(days=200),
    )


def publish(actor: Any, review: Any) -> None:
    for step in (
        ReviewStatus.COMMISSIONED,
        ReviewStatus.IN_PROGRESS,
        ReviewStatus.REPORT_RECEIVED,
        ReviewStatus.ACCEPTED,
        ReviewStatus.PUBLISHED,
    ):
        services.move_review(actor=actor, review=review, to_status=step)


def csc_plan(demo: Any, child_n: Any) -> Any:
    """Lancashire CSC's plan for the Child N review, monitored by Lancashire's SCR subgroup."""
    return services.create_plan(
        actor=demo.lancashire_manager,
        review=child_n.review,
        kind=PlanKind.SINGLE_AGENCY,
        owner_agency=child_n.csc,
        monitoring_subgroup=child_n.scr,
        monitoring_boards=[child_n.lancashire],
        title="Lancashire CSC action plan",
    )


def completed_with_evidence(demo: Any, action: Any) -> Any:
    evidence = services.submit_evidence(
        actor=demo.police_lead,
        action=action,
        kind=EvidenceKind.NARRATIVE,
        description="Training register: 100%",
    )
    services.complete_action(actor=demo.police_lead, action=action)
    return evidence
