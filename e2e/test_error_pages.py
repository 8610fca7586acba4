"""The error pages: each is reachable, readable and passes axe, signed in or not."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import expect

from e2e.axe import assert_accessible
from e2e.keyboard import assert_focus_visible, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ERROR_PAGES = [
    ("errors/400.html", 400, "There was a problem with your request"),
    ("errors/403.html", 403, "You do not have permission to do that"),
    ("errors/404.html", 404, "Page not found"),
    ("errors/500.html", 500, "Sorry, there is a problem with the service"),
    ("errors/csrf.html", 403, "Your form could not be sent"),
]


@pytest.mark.parametrize(("template", "status", "heading"), ERROR_PAGES)
def test_each_error_page_is_accessible(page, live_server, template, status, heading) -> None:
    # Some of these cannot be provoked on purpose (a server error), so the page is rendered here, exactly as
    # the error handler renders it, and served to the browser at an address on the live server.
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = AnonymousUser()
    request.csp_nonce = "e2e"  # type: ignore[attr-defined]
    html = render_to_string(template, request=request)
    address = f"{live_server.url}/e2e-error-page/{status}/"
    page.route(address, lambda route: route.fulfill(status=status, body=html, content_type="text/html"))

    response = page.goto(address)
    assert response is not None
    assert response.status == status
    expect(page.locator("h1")).to_have_text(heading)
    expect(page).to_have_title(f"{heading} - Safeguard")
    assert_accessible(page)


def test_a_form_sent_without_its_security_check_gets_the_csrf_page(page) -> None:
    page.goto("/sign-in/")
    assert_accessible(page)
    page.locator("input[name=csrfmiddlewaretoken]").evaluate("el => { el.value = 'tampered'; }")
    page.get_by_label("Email address").fill("someone@example.test")
    page.get_by_label("Password").fill("whatever it is")
    page.get_by_label("Password").press("Enter")

    expect(page.locator("h1")).to_have_text("Your form could not be sent")
    expect(page).to_have_title(re.compile(r"^Your form could not be sent - Safeguard$"))
    assert_accessible(page)
    tab_to(page, "main a")
    assert_focus_visible(page)
