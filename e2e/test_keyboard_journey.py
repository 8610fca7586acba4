"""A keyboard-only journey: sign in, go to My work, open an item in it; focus can be seen at every stop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from e2e.axe import assert_accessible, page_convention_problems
from e2e.keyboard import assert_focus_visible, focused, tab_to
from safeguard.core.models import TimescaleRule
from safeguard.core.services import start_clock
from safeguard.core.timescales import seed_default_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ITEM_TITLE = "Referral decision for a contact"


@pytest.fixture
def persona(demo):
    """The MASH officer, with one referral decision in their My work: due a working day after it started, so
    overdue by now whatever the day of the week.

    No module writes contacts yet, so the clock's subject is the officer's team and its link goes to a real
    page that exists today: the account page.
    """
    user = demo.mash_officer
    start_clock(
        system_process="e2e keyboard journey",
        rule=_referral_decision_rule(),
        subject=demo.teams.liverpool_mash,
        started_at=timezone.now() - timedelta(days=10),
        owner=user,
        title=ITEM_TITLE,
        url=reverse("people:account"),
    )
    return user


def _stop(page) -> None:
    """A stop on the journey: the focused element shows its focus."""
    assert_focus_visible(page)


def test_sign_in_open_my_work_and_an_item_with_the_keyboard_only(page, demo, persona) -> None:
    page.goto(reverse("core:my_work"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/my-work/$"))
    assert_accessible(page)

    # Sign in: Tab, type, Tab, type, Enter on the button.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    _stop(page)
    tab_to(page, "#id_email")
    _stop(page)
    page.keyboard.type(persona.email)
    tab_to(page, "#id_password")
    _stop(page)
    page.keyboard.type(demo.password)
    tab_to(page, "button[type=submit]:has-text('Sign in')")
    _stop(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/my-work/$"))
    expect(page.locator("h1")).to_have_text("My work")
    assert_accessible(page)
    assert not page_convention_problems(page)

    # Open My work from the service navigation, as someone coming back to it from elsewhere would.
    tab_to(page, "nav a:has-text('My work')")
    _stop(page)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("My work")
    assert_accessible(page)

    # The skip link jumps past the header and navigation; Tab then reaches the table's scroll region (it is
    # focusable so a narrow screen can scroll it by keyboard) and next the item, the first link in it.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    _stop(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main .sg-table-scroll").first).to_be_focused()
    _stop(page)
    page.keyboard.press("Tab")
    item = page.locator("main table a", has_text=ITEM_TITLE)
    expect(item).to_be_focused()
    _stop(page)
    row = page.locator("main table tr", has=page.locator("a", has_text=ITEM_TITLE))
    expect(row).to_contain_text("Referral decision and acknowledgement to referrer")
    expect(row).to_contain_text("Overdue")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.locator("h1")).to_have_text("Your account")
    assert_accessible(page)
    assert not page_convention_problems(page)


def _referral_decision_rule() -> TimescaleRule:
    # Earlier transactional tests may have flushed the migration-seeded rules; put back any missing.
    seed_default_rules(TimescaleRule, overwrite=False)
    return TimescaleRule.objects.get(code="referral-decision")
