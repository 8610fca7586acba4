"""The MASH front door pages: the queue, sharing a worry, a contact's page, and rating, deciding and closing.

Permission tests check that nothing changed, not only the status code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import (
    ChronologyEntry,
    Contact,
    ContactStatus,
    ContactStatusChange,
    EntryCategory,
    MashOutcome,
    MashRag,
)
from safeguard.core.calendar import LONDON
from safeguard.core.models import AccessEvent, Clock

ERROR_SUMMARY = "govuk-error-summary"
CHILD_NAME = "Mia Testfield"


@pytest.fixture
def mash_child(demo):
    """A Liverpool child the health visitor's agency works with (so the Liverpool MASH sees it too)."""
    return services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Mia",
        family_name="Testfield",
        date_of_birth=timezone.localdate() - timedelta(days=700),
        agency=demo.agencies.liverpool_community_health,
        service="Health visiting",
    )


def day_fields(moment) -> dict[str, str]:
    """A date as the GOV.UK date input posts it: day, month and year in their own fields."""
    return {
        "received_on-day": str(moment.day),
        "received_on-month": str(moment.month),
        "received_on-year": str(moment.year),
    }


def make_contact(
    demo, child, *, hours_ago: float = 1, concern: str = "Bruise on the cheek at the visit."
) -> Contact:
    return services.record_contact(
        actor=demo.health_visitor,
        child=child,
        referrer_name="Morgan Fairclough",
        referrer_agency=demo.agencies.liverpool_community_health,
        concern=concern,
        received_at=timezone.now() - timedelta(hours=hours_ago),
    )


@pytest.fixture
def contact(demo, mash_child) -> Contact:
    return make_contact(demo, mash_child)


def rated(demo, contact: Contact, *, rag: str = MashRag.RED, now=None) -> Contact:
    return services.rate_contact(
        actor=demo.mash_officer, contact=contact, rag=rag, rationale="Injury to a non-mobile baby.", now=now
    )


def decided(demo, contact: Contact) -> Contact:
    return services.decide_contact(
        actor=demo.mash_manager,
        contact=rated(demo, contact),
        outcome=MashOutcome.STRATEGY_S47,
        rationale="Strategy discussion today.",
    )


def url(name: str, pk: int) -> str:
    return reverse(f"casework:{name}", args=[pk])


def body(response) -> str:
    return response.content.decode()


def snapshot(contact: Contact) -> tuple:
    """Everything a refused or failed step must leave alone."""
    fresh = Contact.objects.get(pk=contact.pk)
    return (
        fresh.status,
        fresh.rag,
        fresh.outcome,
        fresh.version,
        fresh.feedback_sent_at,
        ContactStatusChange.objects.filter(contact=contact).count(),
        Clock.objects.filter(subject_id=str(contact.pk)).filter(met_at__isnull=True).count(),
        Clock.objects.filter(subject_id=str(contact.pk)).count(),
        ChronologyEntry.objects.filter(child_id=contact.child_id).count(),
    )


def contact_clocks(contact: Contact):
    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(Contact), subject_id=str(contact.pk)
    )


# --- The queue ----------------------------------------------------------------------------------


def test_mash_officer_sees_the_open_queue_oldest_first(demo, mash_child, client_as):
    newer = make_contact(demo, mash_child, hours_ago=1)
    older = make_contact(demo, mash_child, hours_ago=5)
    closed = decided(demo, make_contact(demo, mash_child, hours_ago=9))
    services.close_contact(actor=demo.mash_officer, contact=closed)

    response = client_as(demo.mash_officer).get(reverse("casework:contact_list"))

    assert response.status_code == 200
    html = body(response)
    assert '<h1 class="govuk-heading-l">MASH contacts</h1>' in html
    assert html.index(older.reference) < html.index(newer.reference)
    assert closed.reference not in html
    assert "5 hours ago" in html
    assert mash_child.reference in html


def test_queue_shows_the_running_timescale_of_rated_contacts(demo, contact, client_as):
    rated(demo, contact, rag=MashRag.AMBER)

    html = body(client_as(demo.mash_officer).get(reverse("casework:contact_list")))

    assert "RAG rated" in html
    assert "Amber" in html
    assert "due in" in html


def test_queue_status_filter_lists_closed_contacts(demo, mash_child, client_as):
    closed = decided(demo, make_contact(demo, mash_child))
    services.close_contact(actor=demo.mash_officer, contact=closed)

    html = body(client_as(demo.mash_officer).get(reverse("casework:contact_list") + "?status=closed"))

    assert closed.reference in html
    assert 'aria-current="page">Closed<' in html


def test_referring_practitioner_sees_the_contacts_their_agency_made(demo, contact, client_as):
    html = body(client_as(demo.health_visitor).get(reverse("casework:contact_list")))

    assert "Contacts your agency made" in html
    assert contact.reference in html


def test_user_with_no_practice_role_gets_an_explanation(demo, contact, client_as):
    response = client_as(demo.auditor).get(reverse("casework:contact_list"))

    assert response.status_code == 200
    assert "no practice role" in body(response)
    assert contact.reference not in body(response)


@pytest.mark.parametrize("query", ["?status=zzz", "?page=-1", "?page=abc", "?page=99999", "?status=&page=0"])
def test_bad_query_strings_on_the_queue_still_give_a_page(demo, contact, client_as, query):
    response = client_as(demo.mash_officer).get(reverse("casework:contact_list") + query)

    assert response.status_code == 200
    assert contact.reference in body(response)


def _count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_queue_costs_the_same_queries_for_1_and_30_contacts(demo, mash_child, client_as):
    client = client_as(demo.mash_officer)
    path = reverse("casework:contact_list")
    rated(demo, make_contact(demo, mash_child))
    client.get(path)  # the session's first request does its own bookkeeping
    one = _count_queries(client, path)
    for i in range(29):
        contact = make_contact(demo, mash_child, hours_ago=2 + i)
        if i % 2:
            rated(demo, contact, rag=[MashRag.RED, MashRag.AMBER, MashRag.GREEN, MashRag.BLUE][i % 4])

    thirty = _count_queries(client, path)

    assert Contact.objects.count() == 30
    assert one == thirty


# --- Sharing a worry ----------------------------------------------------------------------------


def test_share_a_worry_form_is_prefilled_with_the_user_and_agency(demo, mash_child, client_as):
    response = client_as(demo.health_visitor).get(url("record_contact", mash_child.pk))

    assert response.status_code == 200
    html = body(response)
    assert 'value="Morgan Fairclough"' in html
    assert re.search(r'name="received_on-year" type="text" (inputmode="numeric" )?value="\d{4}"', html)
    assert re.search(r'name="received_time" type="text" value="\d{2}:\d{2}"', html)
    assert "Liverpool Community Health NHS Trust" in html
    assert "member of the public" not in html  # only the MASH records worries from the public
    assert CHILD_NAME not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_practitioner_shares_a_worry_and_sees_the_contact(demo, mash_child, client_as):
    received = timezone.now().astimezone(LONDON) - timedelta(hours=2)
    response = client_as(demo.health_visitor).post(
        url("record_contact", mash_child.pk),
        {
            "referrer_name": "Morgan Fairclough",
            "referrer_agency": str(demo.agencies.liverpool_community_health.pk),
            **day_fields(received),
            "received_time": received.strftime("%H:%M"),
            "concern": "Baby has a bruise on the cheek.",
        },
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("contact_detail", contact.pk)
    assert contact.referrer_agency == demo.agencies.liverpool_community_health
    assert contact.received_at == received.replace(second=0, microsecond=0)
    assert contact.status == ContactStatus.RECEIVED


def test_mash_records_a_worry_from_a_member_of_the_public(demo, mash_child, client_as):
    now = timezone.now().astimezone(LONDON) - timedelta(minutes=5)
    response = client_as(demo.mash_officer).post(
        url("record_contact", mash_child.pk),
        {
            "referrer_name": "A neighbour",
            "referrer_agency": "public",
            **day_fields(now),
            "received_time": now.strftime("%H:%M"),
            "concern": "Shouting every night.",
        },
    )

    assert response.status_code == 302
    assert Contact.objects.get().referrer_agency is None


def test_invalid_worry_shows_each_message_and_creates_no_contact(demo, mash_child, client_as):
    future = timezone.now().astimezone(LONDON) + timedelta(days=2)
    response = client_as(demo.health_visitor).post(
        url("record_contact", mash_child.pk),
        {
            "referrer_name": "Morgan Fairclough",
            "referrer_agency": str(demo.agencies.liverpool_community_health.pk),
            **day_fields(future),
            "received_time": future.strftime("%H:%M"),
            "concern": "   ",
        },
    )

    assert response.status_code == 200
    html = body(response)
    assert ERROR_SUMMARY in html
    assert "Say what the worry about the child is." in html
    assert "The contact cannot be received in the future." in html
    assert 'href="#id_received_on"' in html
    assert "<title>Error: " in html
    assert not Contact.objects.exists()


def test_worry_with_an_impossible_time_shows_the_message(demo, mash_child, client_as):
    response = client_as(demo.health_visitor).post(
        url("record_contact", mash_child.pk),
        {
            "referrer_name": "Morgan Fairclough",
            "referrer_agency": "999999",
            "received_on-day": "31",
            "received_on-month": "2",
            "received_on-year": "2025",
            "received_time": "25:61",
            "concern": "Worry",
        },
    )

    assert response.status_code == 200
    html = body(response)
    assert "Choose the agency from the list" in html
    assert "The date received must be a real date" in html
    assert "Enter the time as hours and minutes" in html
    assert not Contact.objects.exists()


def test_practitioner_cannot_record_a_worry_from_the_public(demo, mash_child, client_as):
    now = timezone.now().astimezone(LONDON)
    response = client_as(demo.health_visitor).post(
        url("record_contact", mash_child.pk),
        {
            "referrer_name": "A neighbour",
            "referrer_agency": "public",
            **day_fields(now),
            "received_time": now.strftime("%H:%M"),
            "concern": "Shouting.",
        },
    )

    assert response.status_code == 200
    assert "Choose the agency from the list" in body(response)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor"])
def test_share_a_worry_about_a_child_not_theirs_is_404(demo, mash_child, client_as, persona):
    client = client_as(getattr(demo, persona))

    assert client.get(url("record_contact", mash_child.pk)).status_code == 404
    assert client.post(url("record_contact", mash_child.pk), {"concern": "x"}).status_code == 404
    assert not Contact.objects.exists()


# --- The contact page ---------------------------------------------------------------------------


def test_mash_officer_sees_the_contact_with_the_rating_form(demo, contact, client_as):
    response = client_as(demo.mash_officer).get(url("contact_detail", contact.pk))

    assert response.status_code == 200
    html = body(response)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert contact.reference in title
    assert CHILD_NAME not in title
    assert CHILD_NAME in html
    assert "RAG rate the contact" in html
    assert "within 4 working hours" in html
    assert "No timescale" in html
    assert "Record the decision" not in html
    assert AccessEvent.objects.filter(target_id=str(contact.pk), route="casework:contact_detail").exists()


def test_contact_page_shows_the_status_history(demo, contact, client_as):
    rated(demo, contact)

    html = body(client_as(demo.mash_manager).get(url("contact_detail", contact.pk)))

    assert "Status history" in html
    assert "Injury to a non-mobile baby." in html
    assert "Robin Tate" in html
    assert "Record the decision" in html


def test_referring_practitioner_sees_the_contact_without_forms(demo, contact, client_as):
    response = client_as(demo.health_visitor).get(url("contact_detail", contact.pk))

    assert response.status_code == 200
    assert "The MASH will RAG rate this contact." in body(response)
    assert "RAG rate the contact" not in body(response)


# --- Rating -------------------------------------------------------------------------------------


def test_mash_officer_rates_a_received_contact(demo, contact, client_as):
    response = client_as(demo.mash_officer).post(
        url("rate_contact", contact.pk), {"rag": "red", "rationale": "Injury to a baby."}
    )

    assert response.status_code == 302
    assert response["Location"] == url("contact_detail", contact.pk)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RATED
    assert contact.rag == MashRag.RED
    clock = contact_clocks(contact).get()
    assert clock.owner == demo.mash_officer
    assert clock.met_at is None


def test_rating_without_a_choice_or_reason_shows_the_errors(demo, contact, client_as):
    before = snapshot(contact)

    response = client_as(demo.mash_officer).post(
        url("rate_contact", contact.pk), {"rag": "", "rationale": ""}
    )

    assert response.status_code == 200
    html = body(response)
    assert ERROR_SUMMARY in html
    assert "Choose red, amber, green or blue." in html
    assert "Give the reason for the rating." in html
    assert snapshot(contact) == before


def test_rating_a_contact_twice_shows_the_error_and_writes_nothing(demo, contact, client_as):
    rated(demo, contact)
    before = snapshot(contact)

    response = client_as(demo.mash_officer).post(
        url("rate_contact", contact.pk), {"rag": "green", "rationale": "Second tab."}
    )

    assert response.status_code == 200
    assert ERROR_SUMMARY in body(response)
    assert "This contact has already been rated" in body(response)
    assert snapshot(contact) == before


def test_referring_practitioner_sees_the_contact_but_may_not_rate_it(demo, contact, client_as):
    before = snapshot(contact)
    client = client_as(demo.health_visitor)

    assert client.get(url("contact_detail", contact.pk)).status_code == 200
    response = client.post(url("rate_contact", contact.pk), {"rag": "red", "rationale": "Mine."})

    assert response.status_code == 403
    assert snapshot(contact) == before


# --- Deciding -----------------------------------------------------------------------------------


def test_mash_officer_may_not_decide(demo, contact, client_as):
    rated(demo, contact)
    before = snapshot(contact)

    response = client_as(demo.mash_officer).post(
        url("decide_contact", contact.pk), {"outcome": MashOutcome.EARLY_HELP, "rationale": "Early help."}
    )

    assert response.status_code == 403
    assert snapshot(contact) == before


def test_mash_manager_decides_a_rated_contact(demo, contact, client_as):
    rated(demo, contact)

    response = client_as(demo.mash_manager).post(
        url("decide_contact", contact.pk),
        {"outcome": MashOutcome.STRATEGY_S47, "rationale": "Strategy discussion today."},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.outcome == MashOutcome.STRATEGY_S47
    assert contact.decided_by == demo.mash_manager
    assert contact_clocks(contact).get().met_at is not None
    assert ChronologyEntry.objects.filter(
        child_id=contact.child_id, category=EntryCategory.MASH_DECISION
    ).exists()


def test_deciding_after_the_timescale_without_a_reason_shows_the_error(demo, mash_child, client_as):
    contact = make_contact(demo, mash_child, hours_ago=24 * 6)
    rated(demo, contact, now=timezone.now() - timedelta(days=5))
    client = client_as(demo.mash_manager)
    assert "Why was the timescale missed?" in body(client.get(url("contact_detail", contact.pk)))
    before = snapshot(contact)

    response = client.post(
        url("decide_contact", contact.pk), {"outcome": MashOutcome.EARLY_HELP, "rationale": "Early help."}
    )

    assert response.status_code == 200
    html = body(response)
    assert ERROR_SUMMARY in html
    assert "The timescale for this rating has passed: say why it was missed." in html
    assert 'href="#id_breach_reason"' in html
    assert snapshot(contact) == before


def test_deciding_after_the_timescale_with_a_reason_meets_it_late(demo, mash_child, client_as):
    contact = make_contact(demo, mash_child, hours_ago=24 * 6)
    rated(demo, contact, now=timezone.now() - timedelta(days=5))

    response = client_as(demo.mash_manager).post(
        url("decide_contact", contact.pk),
        {
            "outcome": MashOutcome.EARLY_HELP,
            "rationale": "Early help.",
            "breach_reason": "Police check late.",
        },
    )

    assert response.status_code == 302
    clock = contact_clocks(contact).get()
    assert clock.met_at > clock.due_at
    assert clock.breach_reason == "Police check late."
    html = body(client_as(demo.mash_manager).get(url("contact_detail", contact.pk)))
    assert "Met late" in html
    assert "Police check late." in html


def test_deciding_a_received_contact_shows_the_error_and_writes_nothing(demo, contact, client_as):
    before = snapshot(contact)

    response = client_as(demo.mash_manager).post(
        url("decide_contact", contact.pk), {"outcome": MashOutcome.NFA, "rationale": "Nothing to do."}
    )

    assert response.status_code == 200
    assert "This cannot move from" in body(response)
    assert snapshot(contact) == before


# --- Closing ------------------------------------------------------------------------------------


def test_mash_officer_records_that_the_referrer_was_told(demo, contact, client_as):
    decided(demo, contact)

    response = client_as(demo.mash_officer).post(url("close_contact", contact.pk))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED
    assert contact.feedback_sent_at is not None


def test_closing_before_the_decision_shows_the_error_and_writes_nothing(demo, contact, client_as):
    rated(demo, contact)
    before = snapshot(contact)

    response = client_as(demo.mash_officer).post(url("close_contact", contact.pk))

    assert response.status_code == 200
    assert ERROR_SUMMARY in body(response)
    assert snapshot(contact) == before


def test_referring_practitioner_may_not_close(demo, contact, client_as):
    decided(demo, contact)
    before = snapshot(contact)

    response = client_as(demo.health_visitor).post(url("close_contact", contact.pk))

    assert response.status_code == 403
    assert snapshot(contact) == before


# --- Who gets nothing ---------------------------------------------------------------------------

CONTACT_ROUTES = [
    ("contact_detail", "get"),
    ("rate_contact", "post"),
    ("decide_contact", "post"),
    ("close_contact", "post"),
]
POSTS = {
    "rate_contact": {"rag": "red", "rationale": "x"},
    "decide_contact": {"outcome": MashOutcome.NFA, "rationale": "x"},
    "close_contact": {},
}


def _without_nonces(html: bytes) -> bytes:
    html = re.sub(rb'nonce="[^"]*"', b'nonce=""', html)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor"])
@pytest.mark.parametrize(("route", "method"), CONTACT_ROUTES)
def test_outsiders_get_the_same_404_as_a_missing_contact(demo, contact, client_as, persona, route, method):
    rated(demo, contact)
    before = snapshot(contact)
    client = client_as(getattr(demo, persona))
    call = getattr(client, method)
    data = POSTS.get(route)

    refused = call(url(route, contact.pk), data) if data is not None else call(url(route, contact.pk))
    missing = call(url(route, 999999), data) if data is not None else call(url(route, 999999))

    assert refused.status_code == missing.status_code == 404
    assert _without_nonces(refused.content) == _without_nonces(missing.content)
    assert CHILD_NAME not in body(refused)
    assert snapshot(contact) == before


@pytest.mark.parametrize(("route", "method"), [*CONTACT_ROUTES, ("record_contact", "get")])
def test_anonymous_is_sent_to_sign_in(demo, contact, route, method):
    pk = contact.child_id if route == "record_contact" else contact.pk
    response = getattr(Client(), method)(url(route, pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))


def test_anonymous_is_sent_to_sign_in_from_the_queue(db):
    response = Client().get(reverse("casework:contact_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:sign_in"))


@pytest.mark.parametrize("route", ["rate_contact", "decide_contact", "close_contact"])
def test_get_on_a_post_only_route_is_405(demo, contact, client_as, route):
    before = snapshot(contact)

    response = client_as(demo.mash_manager).get(url(route, contact.pk))

    assert response.status_code == 405
    assert snapshot(contact) == before
