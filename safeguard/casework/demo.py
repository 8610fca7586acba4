"""Demo casework: two fictional families, their chronologies and the MASH queue.

Every name here is invented. The story echoes the themes of the Child N response (domestic incidents
reported by the police, a family moving between areas, a nursery that did not hear what others knew)
without any of its facts. The loader is idempotent: it does nothing once the first child exists.
Entries are written through the services, with the time they would have been recorded, so the audit
trail, the late-entry rule and the MASH timescales behave as they do for real records.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import Child, EntryCategory, Gender, Involvement, MashOutcome, MashRag
from safeguard.core.calendar import LONDON

FIRST_CHILD = ("Kai", "Brennan")


def _at(today: date, days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour, 0), tzinfo=LONDON)


# (days ago, hour, persona, category, summary, detail, significant)
KAI_CHRONOLOGY: tuple[tuple[int, int, str, str, str, str, bool], ...] = (
    (
        420,
        11,
        "health_visitor",
        EntryCategory.HEALTH,
        "New birth visit",
        "Mother well supported by her sister. Home warm and clean. Father not present.",
        False,
    ),
    (
        300,
        23,
        "police_officer",
        EntryCategory.POLICE,
        "Domestic incident at the family home",
        "Neighbour called police after shouting. Mother said nothing had happened. Child asleep upstairs. "
        "DASH completed: standard risk.",
        True,
    ),
    (
        296,
        14,
        "health_visitor",
        EntryCategory.HEALTH,
        "Missed 9-12 month review",
        "No answer at the door. Letter left with a new appointment.",
        False,
    ),
    (
        180,
        2,
        "police_officer",
        EntryCategory.POLICE,
        "Second domestic incident; father arrested",
        "Mother had a facial injury. Child present and awake. DASH: medium risk. Referral made to the MASH.",
        True,
    ),
    (
        150,
        10,
        "social_worker",
        EntryCategory.ASSESSMENT,
        "Child and family assessment started",
        "Allocated after the MASH decision. Mother engaging; says father has left the home.",
        True,
    ),
    (
        120,
        15,
        "social_worker",
        EntryCategory.HOME_VISIT,
        "Announced home visit",
        "Kai seen and observed playing. Smoke alarm not working: fire service home safety check requested.",
        True,
    ),
    (
        60,
        9,
        "health_visitor",
        EntryCategory.HEALTH,
        "2-year review",
        "Speech slightly delayed. Mother mentions a move to Lancashire to be near family.",
        False,
    ),
)


def load_casework(*, partnership: dict[str, Any], stdout: Any = None) -> dict[str, int]:
    if Child.objects.filter(given_names=FIRST_CHILD[0], family_name=FIRST_CHILD[1]).exists():
        return {"children": 0}
    users, agencies, boards = partnership["users"], partnership["agencies"], partnership["boards"]
    today = timezone.localdate()
    social_worker, health_visitor = users["social_worker"], users["health_visitor"]
    mash_officer, mash_manager = users["mash_officer"], users["mash_manager"]

    kai = services.register_child(
        actor=health_visitor,
        board=boards["liverpool"],
        given_names="Kai",
        family_name="Brennan",
        gender=Gender.MALE,
        date_of_birth=today - timedelta(days=800),
        agency=agencies["liverpool_community_health"],
        service="Health visiting",
    )
    services.start_involvement(
        actor=mash_officer,
        child=kai,
        agency=agencies["merseyside_police"],
        service="Domestic abuse incidents (public protection)",
    )
    services.start_involvement(
        actor=mash_officer,
        child=kai,
        agency=agencies["liverpool_cs"],
        service="Child and family assessment",
        lead_practitioner=social_worker,
    )
    # The agencies started work when their first entries say (a plain UPDATE: demo history, not a change).
    for agency, days_ago in (
        ("liverpool_community_health", 795),
        ("merseyside_police", 500),
        ("liverpool_cs", 150),
    ):
        Involvement.objects.filter(child=kai, agency=agencies[agency]).update(
            started_on=today - timedelta(days=days_ago)
        )
    for days_ago, hour, persona, category, summary, detail, significant in KAI_CHRONOLOGY:
        occurred = _at(today, days_ago, hour)
        services.add_chronology_entry(
            actor=users[persona],
            child=kai,
            occurred_at=occurred,
            category=category,
            summary=summary,
            detail=detail,
            significant=significant,
            now=occurred + timedelta(hours=3),
        )
    # A late entry (recorded a week after the event, with the reason) and a corrected entry.
    late = services.add_chronology_entry(
        actor=social_worker,
        child=kai,
        occurred_at=_at(today, 30, 16),
        category=EntryCategory.MEETING,
        summary="Strategy discussion with police and health",
        detail="Agreed a section 47 enquiry is not needed; continue the assessment. Nursery place to be explored.",
        significant=True,
        late_reason="Minutes received from the police a week after the meeting.",
        now=_at(today, 23, 12),
    )
    services.amend_chronology_entry(
        actor=social_worker,
        entry=late,
        reason="The nursery place was agreed at the meeting, not only explored.",
        occurred_at=late.occurred_at,
        category=late.category,
        summary=late.summary,
        detail="Agreed a section 47 enquiry is not needed; continue the assessment. Nursery place agreed.",
        significant=True,
        now=_at(today, 22, 12),
    )

    ella = services.register_child(
        actor=mash_officer,
        board=boards["liverpool"],
        given_names="Ella",
        family_name="Brennan",
        gender=Gender.FEMALE,
        date_of_birth=today - timedelta(days=6 * 365 + 40),
    )
    services.start_involvement(
        actor=mash_officer, child=ella, agency=agencies["liverpool_gp"], service="GP registration"
    )

    # The MASH queue: one contact to rate, one rated (its clock running), one decided and fed back.
    police = agencies["merseyside_police"]
    services.record_contact(
        actor=mash_officer,
        child=ella,
        referrer_name="PC 4471 (Merseyside Police)",
        referrer_agency=police,
        concern="Ella told a teacher that her mum's friend shouts at night. Mum is moving the family soon.",
        received_at=timezone.now() - timedelta(hours=2),
    )
    rated = services.record_contact(
        actor=mash_officer,
        child=kai,
        referrer_name="Health visitor (Liverpool Community Health)",
        referrer_agency=agencies["liverpool_community_health"],
        concern="Mother disclosed that father has returned to the home at weekends.",
        received_at=timezone.now() - timedelta(hours=5),
    )
    services.rate_contact(
        actor=mash_officer,
        contact=rated,
        rag=MashRag.AMBER,
        rationale="Previous domestic incidents; no immediate danger reported today.",
    )
    decided_at = _at(today, 181, 9)
    decided = services.record_contact(
        actor=mash_officer,
        child=kai,
        referrer_name="PC 2210 (Merseyside Police)",
        referrer_agency=police,
        concern="Second domestic incident in six months; child present.",
        received_at=decided_at - timedelta(hours=6),
        now=decided_at - timedelta(hours=5),
    )
    services.rate_contact(
        actor=mash_officer,
        contact=decided,
        rag=MashRag.RED,
        rationale="Repeat incident, injury to mother, child present.",
        now=decided_at - timedelta(hours=4),
    )
    services.decide_contact(
        actor=mash_manager,
        contact=decided,
        outcome=MashOutcome.ASSESSMENT_S17,
        rationale="Repeat domestic abuse with a young child present: assessment by the assessment team.",
        now=decided_at,
    )
    services.close_contact(actor=mash_officer, contact=decided, now=decided_at + timedelta(hours=2))

    if stdout is not None:
        stdout.write("Demo casework: 2 children, their chronologies and 3 MASH contacts.\n")
    return {"children": 2, "contacts": 3}
