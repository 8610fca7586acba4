"""The front door, in the browser, by the three people one worry about a child passes through:

- the health visitor (Liverpool Community Health) finds the child in Children, sends the chronology form
  empty and reads the errors, adds a significant home visit, and shares a worry with the MASH;
- the MASH officer (Liverpool Children's Services) opens the MASH queue, opens the contact and rates it
  amber (its timescale starts and is theirs);
- the MASH manager records the decision (early help); the decision is in the child's chronology.

Every page reached is checked with axe (WCAG 2.2 AA, no violations) and against the page conventions, and
each step's outcome is checked on the page and in the database.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.journey_helpers import (
    arrive,
    button,
    choose,
    expect_error,
    expect_success,
    field,
    fill_date,
    link,
    menu,
)
from safeguard.casework import services
from safeguard.casework.models import ChronologyEntry, Contact, ContactStatus, EntryCategory, MashOutcome
from safeguard.core.models import Clock, TimescaleRule
from safeguard.core.timescales import seed_default_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHILD = "Rowan Journeyfield"


@pytest.fixture
def child(demo):
    seed_default_rules(TimescaleRule, overwrite=False)  # a transactional test starts from empty tables
    return services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Rowan",
        family_name="Journeyfield",
        date_of_birth=timezone.localdate() - timedelta(days=600),
        agency=demo.agencies.liverpool_community_health,
        service="Health visiting",
    )


def test_a_worry_goes_from_the_health_visitor_through_the_mash_to_a_decision(
    page: Page, demo, child, sign_in_as
) -> None:
    # The health visitor finds the child and adds to the chronology.
    sign_in_as(demo.health_visitor)
    page.goto("/my-work/")
    arrive(page, "My work")
    menu(page, "Children").click()
    arrive(page, "Children")
    field(page, "Search by name or reference").fill("journeyfield")
    button(page, "Search").click()
    arrive(page, "Children")
    link(page, CHILD).click()
    arrive(page, CHILD)
    button(page, "Add to the chronology").click()
    arrive(page, "Add to the chronology")
    button(page, "Add the entry").click()
    expect_error(page, "Say what happened, in a line.")
    arrive(page, "Add to the chronology")
    assert not ChronologyEntry.objects.filter(child=child).exists()

    an_hour_ago = timezone.localtime(timezone.now() - timedelta(hours=1))
    fill_date(page, "Date it happened", an_hour_ago.date())
    field(page, "Time it happened").fill(f"{an_hour_ago:%H:%M}")
    field(page, "What kind of event was it?").select_option(label="Home visit")
    field(page, "What happened, in a line").fill("Home visit: father present, mother quiet")
    page.get_by_label("This is a significant event for the child").check()
    button(page, "Add the entry").click()
    arrive(page, CHILD)
    expect_success(page, "")
    expect(page.get_by_text("Home visit: father present, mother quiet")).to_be_visible()
    entry = ChronologyEntry.objects.get(child=child, category=EntryCategory.HOME_VISIT)
    assert entry.significant and entry.author == demo.health_visitor

    button(page, "Share a worry with the MASH").click()
    arrive(page, "Share a worry with the MASH")
    field(page, "What is the worry about the child?").fill("Father back in the home; mother withdrawn.")
    button(page, "Share the worry").click()
    contact = Contact.objects.get(child=child)
    arrive(page, f"Contact {contact.reference}")
    assert contact.status == ContactStatus.RECEIVED

    # The MASH officer rates it from the queue.
    page.context.clear_cookies()
    sign_in_as(demo.mash_officer)
    page.goto("/my-work/")
    arrive(page, "My work")
    menu(page, "MASH").click()
    arrive(page, "MASH contacts")
    link(page, contact.reference).click()
    arrive(page, f"Contact {contact.reference}")
    choose(page, "RAG rating", "Amber")
    field(page, "Why this rating?").fill("Previous domestic incidents; no immediate danger today.")
    button(page, "Save the rating").click()
    arrive(page, f"Contact {contact.reference}")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.RATED and contact.rag == "amber"
    clock = Clock.objects.get(subject_id=str(contact.pk))
    assert clock.owner == demo.mash_officer and clock.rule.code == "mash-amber"

    # The MASH manager decides; the decision reaches the child's chronology.
    page.context.clear_cookies()
    sign_in_as(demo.mash_manager)
    page.goto(f"/mash/contacts/{contact.pk}/")
    arrive(page, f"Contact {contact.reference}")
    choose(page, "Decision", "Early help")
    field(page, "Reasons for the decision").fill("Family support through early help; review in six weeks.")
    button(page, "Save the decision").click()
    arrive(page, f"Contact {contact.reference}")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED and contact.outcome == MashOutcome.EARLY_HELP
    link(page, re.compile(CHILD)).first.click()
    arrive(page, CHILD)
    expect(page.get_by_text(f"MASH decision on {contact.reference}: Early help")).to_be_visible()
