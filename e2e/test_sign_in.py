"""Signing in with the keyboard alone, the sign-in errors, and the pages a new user reaches first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.axe import assert_accessible
from e2e.keyboard import assert_focus_visible, focused, tab_to
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def user():
    membership = MembershipFactory(
        user__email="pat.practitioner@example.test", user__full_name="Pat Practitioner"
    )
    return membership.user


def test_the_page_is_styled_and_its_script_runs(page) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    # GOV.UK Frontend's stylesheet is served (its font family applies) and its JavaScript has started.
    font = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert "GDS Transport" in font
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    # Safeguard's own stylesheet is served too.
    response = page.request.get("/assets/safeguard/safeguard.css")
    assert response.ok
    assert "text/css" in response.headers["content-type"]


def test_a_user_signs_in_with_the_keyboard_alone(page, user) -> None:
    page.goto("/my-work/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/my-work/$"))
    expect(page).to_have_title("Sign in - Safeguard")
    # The API documentation is for signed-in users: no link to it before signing in.
    expect(page.get_by_role("link", name="API documentation")).to_have_count(0)
    assert_accessible(page)

    # The first Tab reaches the skip link, and it shows.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    assert_focus_visible(page)

    tab_to(page, "#id_email")
    assert_focus_visible(page)
    page.keyboard.type(user.email)
    tab_to(page, "#id_password")
    assert_focus_visible(page)
    page.keyboard.type(TEST_PASSWORD)
    tab_to(page, "button[type=submit]:has-text('Sign in')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/my-work/$"))
    expect(page.locator("h1")).to_have_text("My work")
    expect(page).to_have_title("My work - Safeguard")
    expect(page.get_by_text("Signed in as Pat Practitioner")).to_be_visible()
    expect(page.get_by_role("link", name="API documentation")).to_be_visible()
    assert_accessible(page)

    # On to the account page, still by keyboard, with focus visible on each stop.
    tab_to(page, "a:has-text('Your account')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Your account")
    assert_accessible(page)

    tab_to(page, "button:has-text('Sign out')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)


def test_an_empty_form_shows_the_errors_and_moves_focus_to_them(page, user) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    tab_to(page, "button[type=submit]:has-text('Sign in')")
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in - Safeguard")
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter your password")).to_be_visible()
    expect(page.locator("#id_email-error")).to_contain_text("Enter your email address")
    assert_accessible(page)

    # Following an error's link puts focus in the field it is about.
    tab_to(page, ".govuk-error-summary a[href='#id_password']")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#id_password")).to_be_focused()


def test_a_wrong_password_is_refused_with_an_accessible_message(page, user) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page)


def test_the_page_not_found_is_accessible(page, user, sign_in_as) -> None:
    sign_in_as(user)
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page).to_have_title("Page not found - Safeguard")
    assert_accessible(page)

    tab_to(page, "main a:has-text('Go to My work')")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("My work")
    assert_accessible(page)
