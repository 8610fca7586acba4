"""The minutes of a subgroup meeting as a PDF: attendance, agenda items with decisions and notes, minutes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core.models import AuditEvent
from safeguard.monitoring import services
from safeguard.monitoring.models import Attendance
from tests.monitoring import reports_world as w


@pytest.fixture
def world(demo, cig_schedule):
    return w.build(demo, cig_schedule)


def _pdf(client, world):
    return client.get(reverse("monitoring:minutes_download", kwargs={"pk": world.meeting.pk}))


def _finalise(demo, world) -> None:
    services.record_attendance(
        actor=demo.cig_chair,
        meeting=world.meeting,
        attendance={demo.cig_chair.pk: Attendance.PRESENT, demo.police_lead.pk: Attendance.APOLOGIES},
    )
    services.finalise_minutes(
        actor=demo.cig_chair, meeting=world.meeting, minutes="The group agreed to meet again in December."
    )


def test_final_minutes_list_attendance_decisions_and_notes(client_as, demo, world):
    _finalise(demo, world)
    response = _pdf(client_as(demo.cig_chair), world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = w.pdf_text(response.content)
    assert "Final" in text
    assert "Samira Okonjo Present" in text
    assert "Chris Ellison Apologies" in text
    assert "Audit closure of incidents involving children" in text
    assert "Decision: Noted: no change. Chased with the force lead" in text
    assert "Publish the practice guidance" in text and "No decision recorded" in text
    assert "The group agreed to meet again in December." in text


def test_minutes_of_a_meeting_not_yet_held_say_they_are_a_draft(client_as, demo, world):
    text = w.pdf_text(_pdf(client_as(demo.cig_chair), world).content)
    assert "Draft: the minutes have not been finalised" in text
    assert "Attendance has not been recorded" in text


def test_minutes_are_an_attachment_and_their_download_is_audited(client_as, demo, world):
    response = _pdf(client_as(demo.liverpool_manager), world)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="minutes-critical-incident-group-'
    )
    assert AuditEvent.objects.filter(
        actor=demo.liverpool_manager, action="monitoring.report_exported", changes__report="minutes"
    ).exists()


def test_minutes_of_another_boards_meeting_are_not_found(client_as, demo, world):
    assert _pdf(client_as(demo.scr_chair), world).status_code == 404
