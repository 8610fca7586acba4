"""The children's record pages: who gets each page, what it shows, what bad input does, and what it costs.

Children and entries are built through `safeguard.casework.services` with the demo personas. `kai` (see
conftest) is a Liverpool child of the health visitor's agency, with Merseyside Police involved; the nursery
DSL (a Lancashire nursery) and the auditor (no practice role) must never see him.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguard.casework import services
from safeguard.casework.models import Child, ChronologyEntry, EntryCategory, Gender, Involvement
from safeguard.core.calendar import LONDON
from safeguard.core.models import AccessEvent, AuditEvent
from safeguard.people.models import Role
from tests.factories import MembershipFactory, UserFactory

ERROR_SUMMARY = "govuk-error-summary"
MISSING = 2_000_000_000


# --- Helpers --------------------------------------------------------------------------------------


def body(response) -> str:
    return response.content.decode()


def child_url(name: str, child: Child | int, **kwargs) -> str:
    pk = child.pk if isinstance(child, Child) else child
    return reverse(f"casework:{name}", kwargs={"pk": pk, **kwargs})


def add_entry(
    actor, child, *, hours_ago: float = 2, summary: str = "Home visit", **kwargs
) -> ChronologyEntry:
    now = timezone.now()
    arguments = {
        "occurred_at": now - timedelta(hours=hours_ago),
        "category": EntryCategory.HOME_VISIT,
        "summary": summary,
        "now": now,
        **kwargs,
    }
    return services.add_chronology_entry(actor=actor, child=child, **arguments)


def entry_post(*, when: datetime | None = None, **overrides) -> dict[str, str]:
    """A valid add-entry form: an event an hour ago, London time."""
    local = (when or timezone.now() - timedelta(hours=1)).astimezone(LONDON)
    data = {
        "occurred_on-day": str(local.day),
        "occurred_on-month": str(local.month),
        "occurred_on-year": str(local.year),
        "occurred_time": f"{local:%H:%M}",
        "category": EntryCategory.HOME_VISIT,
        "summary": "Announced home visit",
        "detail": "Kai seen playing; home warm.",
        "action_taken": "Next visit booked.",
        "late_reason": "",
    }
    data.update(overrides)
    return data


def register_post(demo, **overrides) -> dict[str, str]:
    data = {
        "given_names": "Ella",
        "family_name": "Brennan",
        "known_as": "",
        "gender": Gender.FEMALE,
        "date_of_birth-day": "14",
        "date_of_birth-month": "3",
        "date_of_birth-year": str(timezone.localdate().year - 6),
        "nhs_number": "",
        "board": str(demo.boards.liverpool.pk),
        "agency": str(demo.agencies.liverpool_community_health.pk),
        "service": "School nursing",
    }
    data.update(overrides)
    return data


def _stable(response) -> str:
    """The page without the per-response nonce and CSRF token, to compare two pages byte for byte."""
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', body(response))
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)


def assert_refused(response, *messages: str) -> str:
    """The form came back with a GOV.UK error summary naming each problem."""
    assert response.status_code == 200
    page = body(response)
    check_html(page)
    assert ERROR_SUMMARY in page
    assert "<title>Error:" in page
    for message in messages:
        assert message in page, message
    return page


# --- A structural HTML check: balanced tags, unique ids, GOV.UK components put together right -------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# (element class, the class its parent must have)
PARENTS = {
    "govuk-summary-list__row": "govuk-summary-list",
    "govuk-summary-list__key": "govuk-summary-list__row",
    "govuk-summary-list__value": "govuk-summary-list__row",
    "govuk-table__head": "govuk-table",
    "govuk-table__body": "govuk-table",
    "govuk-table__caption": "govuk-table",
}


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str]]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.problems: list[str] = []
        self.in_error_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if values.get("id"):
            self.ids.append(values["id"] or "")
        parent_classes = self.stack[-1][1] if self.stack else []
        for cls in classes:
            needed = PARENTS.get(cls)
            if needed and needed not in parent_classes:
                self.problems.append(f"<{tag} class={cls}> is not inside .{needed}")
        if "govuk-summary-list__key" in classes and tag != "dt":
            self.problems.append("a summary list key is not a <dt>")
        if "govuk-summary-list__value" in classes and tag != "dd":
            self.problems.append("a summary list value is not a <dd>")
        if "govuk-table__row" in classes and self.stack and self.stack[-1][0] not in {"thead", "tbody"}:
            self.problems.append("a table row is outside thead/tbody")
        if tag == "a" and any("govuk-error-summary__list" in c for _, c in self.stack):
            self.hrefs.append(values.get("href") or "")
        if tag not in VOID:
            self.stack.append((tag, classes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1][0] if self.stack else '-'}>")
            while self.stack and self.stack[-1][0] != tag:
                self.stack.pop()
        if self.stack:
            self.stack.pop()


def check_html(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    problems = list(parser.problems)
    if [t for t, _ in parser.stack] not in ([], ["html"]):
        problems.append(f"unclosed elements: {[t for t, _ in parser.stack]}")
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids: {sorted(duplicates)}")
    for href in parser.hrefs:  # every error summary link lands on something on the page
        if href.startswith("#") and href[1:] not in parser.ids:
            problems.append(f"the error summary links to {href}, which is not on the page")
    assert not problems, problems
    return parser


# --- Who gets which page ----------------------------------------------------------------------------

CHILD_PAGES = ["child_detail", "add_entry", "amend_entry"]


def page_url(route: str, child: Child | int, entry: ChronologyEntry | None = None) -> str:
    if route == "amend_entry":
        return child_url(route, child, entry_pk=entry.pk if entry else MISSING)
    return child_url(route, child)


@pytest.fixture
def hv_entry(demo, kai) -> ChronologyEntry:
    return add_entry(demo.health_visitor, kai, summary="New birth visit", category=EntryCategory.HEALTH)


@pytest.mark.parametrize("route", ["child_list", "register_child"])
def test_the_health_visitor_gets_the_list_and_the_form_to_open_a_record(client_as, demo, kai, route) -> None:
    response = client_as(demo.health_visitor).get(reverse(f"casework:{route}"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    check_html(body(response))
    assert ERROR_SUMMARY not in body(response)


@pytest.mark.parametrize("route", CHILD_PAGES)
def test_the_health_visitor_gets_each_page_of_kais_record(client_as, demo, kai, hv_entry, route) -> None:
    response = client_as(demo.health_visitor).get(page_url(route, kai, hv_entry))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = body(response)
    check_html(page)
    assert ERROR_SUMMARY not in page
    assert "<h1" in page and "Kai Brennan" in page


@pytest.mark.parametrize("route", CHILD_PAGES)
def test_the_title_names_the_record_by_reference_never_by_the_childs_name(
    client_as, demo, kai, hv_entry, route
) -> None:
    page = body(client_as(demo.health_visitor).get(page_url(route, kai, hv_entry)))
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert kai.reference in title
    assert "Kai" not in title and "Brennan" not in title


@pytest.mark.parametrize("route", ["child_detail", "add_entry"])
def test_the_mash_officer_sees_a_liverpool_child_without_an_involvement(client_as, demo, kai, route) -> None:
    assert not Involvement.objects.filter(child=kai, agency=demo.agencies.liverpool_cs).exists()
    response = client_as(demo.mash_officer).get(child_url(route, kai))
    assert response.status_code == 200
    assert "Kai Brennan" in body(response)


def test_the_mash_officer_finds_a_liverpool_child_in_the_list(client_as, demo, kai) -> None:
    page = body(client_as(demo.mash_officer).get(reverse("casework:child_list")))
    assert "Kai Brennan" in page
    assert child_url("child_detail", kai) in page


@pytest.mark.parametrize("route", ["child_list", "register_child", *CHILD_PAGES])
def test_anonymous_is_sent_to_sign_in(client, demo, kai, hv_entry, route) -> None:
    target = reverse(f"casework:{route}") if route in {"child_list", "register_child"} else None
    target = target or page_url(route, kai, hv_entry)
    methods = ("get",) if route in {"child_list", "child_detail"} else ("get", "post")
    for method in methods:
        response = getattr(client, method)(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:sign_in"))


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor"])
@pytest.mark.parametrize("route", CHILD_PAGES)
def test_a_user_without_a_relationship_gets_the_same_404_as_for_a_missing_record(
    client_as, demo, kai, hv_entry, route, persona
) -> None:
    user = getattr(demo, persona)
    client = client_as(user)
    refused = client.get(page_url(route, kai, hv_entry))
    missing = client.get(page_url(route, MISSING))
    assert refused.status_code == missing.status_code == 404
    assert "Brennan" not in body(refused)
    assert _stable(refused) == _stable(missing)
    assert not AccessEvent.objects.filter(user=user).exists()


@pytest.mark.parametrize("persona", ["nursery_dsl", "auditor"])
def test_a_user_without_a_relationship_cannot_write_to_the_chronology(
    client_as, demo, kai, hv_entry, persona
):
    client = client_as(getattr(demo, persona))
    before = ChronologyEntry.objects.count()
    assert client.post(child_url("add_entry", kai), entry_post()).status_code == 404
    amend = entry_post(reason="Wrong time", summary="Changed")
    assert client.post(page_url("amend_entry", kai, hv_entry), amend).status_code == 404
    assert ChronologyEntry.objects.count() == before


def search(client, words: str) -> str:
    """Post a search (it is kept in the session) and read the list it leads to."""
    response = client.post(reverse("casework:child_list"), {"q": words})
    assert response.status_code == 302 and response["Location"] == reverse("casework:child_list")
    return body(client.get(response["Location"]))


def test_the_nursery_dsl_does_not_find_kai_in_the_list(client_as, demo, kai) -> None:
    page = search(client_as(demo.nursery_dsl), kai.reference)
    assert "Brennan" not in page
    assert child_url("child_detail", kai) not in page


def test_an_entry_of_another_child_is_not_found_under_this_one(client_as, demo, kai, hv_entry) -> None:
    other = services.register_child(
        actor=demo.health_visitor,
        board=demo.boards.liverpool,
        given_names="Ella",
        family_name="Brennan",
        date_of_birth=timezone.localdate() - timedelta(days=2000),
        agency=demo.agencies.liverpool_community_health,
        service="School nursing",
    )
    response = client_as(demo.health_visitor).get(child_url("amend_entry", other, entry_pk=hv_entry.pk))
    assert response.status_code == 404


def test_the_record_answers_only_get_and_head(client_as, demo, kai) -> None:
    client = client_as(demo.health_visitor)
    target = child_url("child_detail", kai)
    assert client.head(target).status_code == 200
    assert client.post(target).status_code == 405


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_each_child_with_reference_date_of_birth_age_and_area(client_as, demo, kai) -> None:
    page = body(client_as(demo.health_visitor).get(reverse("casework:child_list")))
    check_html(page)
    assert 'class="govuk-table"' in page
    assert kai.reference in page
    assert f"{kai.date_of_birth:%-d %B %Y}" in page
    assert "14 months" in page
    assert "Liverpool LSCB" in page
    assert reverse("casework:register_child") in page


def test_the_list_shows_an_unborn_babys_due_date(client_as, demo) -> None:
    due = timezone.localdate() + timedelta(days=60)
    services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Baby",
        family_name="Quinn",
        expected_on=due,
    )
    page = body(client_as(demo.mash_officer).get(reverse("casework:child_list")))
    assert f"Due {due:%-d %B %Y}" in page
    assert "Unborn" in page


def test_the_list_finds_a_child_by_reference_and_by_name(client_as, demo, kai) -> None:
    services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Ella",
        family_name="Quinn",
        date_of_birth=timezone.localdate() - timedelta(days=900),
    )
    client = client_as(demo.mash_officer)
    by_reference = search(client, kai.reference.lower())
    assert "Kai Brennan" in by_reference and "Ella Quinn" not in by_reference
    by_name = search(client, "quinn")
    assert "Ella Quinn" in by_name and "Kai Brennan" not in by_name
    assert "Children matching \u201cquinn\u201d" in by_name


def test_a_search_that_finds_nobody_says_so(client_as, demo, kai) -> None:
    page = search(client_as(demo.health_visitor), "Nobody")
    assert "No children you can see match" in page
    assert "govuk-table" not in page


def test_a_user_who_sees_no_children_is_told_why(client_as, demo) -> None:
    page = body(client_as(demo.nursery_dsl).get(reverse("casework:child_list")))
    assert "You cannot see any children" in page


def test_the_auditor_is_not_offered_to_open_a_record(client_as, demo, kai) -> None:
    page = body(client_as(demo.auditor).get(reverse("casework:child_list")))
    assert reverse("casework:register_child") not in page
    assert "Brennan" not in page


def test_the_list_is_paged_fifty_at_a_time_and_a_bad_page_number_does_no_harm(client_as, demo) -> None:
    born = timezone.localdate() - timedelta(days=1000)
    for n in range(51):
        services.register_child(
            actor=demo.mash_officer,
            board=demo.boards.liverpool,
            given_names=f"Child{n:02d}",
            family_name="Ashby",
            date_of_birth=born,
        )
    client = client_as(demo.mash_officer)
    first = body(client.get(reverse("casework:child_list")))
    assert first.count('<tr class="govuk-table__row">') == 51  # the header row and 50 children
    assert "1 to 50 of 51" in first
    assert "govuk-pagination" in first
    second = body(client.get(reverse("casework:child_list"), {"page": "2"}))
    assert "Child50 Ashby" in second
    for page in ("zzz", "-1", "9999", ""):
        assert client.get(reverse("casework:child_list"), {"page": page}).status_code == 200


def test_an_overlong_search_is_refused_with_a_message(client_as, demo, kai) -> None:
    page = assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:child_list"), {"q": "x" * 101}),
        "Use 100 characters or fewer",
    )
    assert "Kai Brennan" in page  # the list itself is unfiltered


def test_the_search_words_never_reach_the_address(client_as, demo, kai) -> None:
    client = client_as(demo.health_visitor)
    page = search(client, "Brennan")
    assert "Kai Brennan" in page
    assert "Brennan" not in "".join(re.findall(r'href="([^"]*)"', page))
    assert "Brennan" in search(client, "Brennan")  # the search stays while paging...
    assert "Kai Brennan" in body(client.get(reverse("casework:child_list"), {"page": "1"}))


def test_clearing_the_search_lists_every_child_again(client_as, demo, kai) -> None:
    client = client_as(demo.mash_officer)
    assert "No children you can see match" in search(client, "Nobody")
    response = client.post(reverse("casework:child_list"), {"q": "Nobody", "clear": "1"})
    assert response.status_code == 302
    assert "Kai Brennan" in body(client.get(reverse("casework:child_list")))


# --- Opening a record ---------------------------------------------------------------------------


def test_the_health_visitor_opens_a_record_and_is_taken_to_it(client_as, demo) -> None:
    response = client_as(demo.health_visitor).post(reverse("casework:register_child"), register_post(demo))
    child = Child.objects.get()
    assert response.status_code == 302
    assert response["Location"] == child_url("child_detail", child)
    assert (child.given_names, child.family_name, child.board) == ("Ella", "Brennan", demo.boards.liverpool)
    involvement = Involvement.objects.get(child=child)
    assert involvement.agency == demo.agencies.liverpool_community_health
    assert involvement.service == "School nursing"


def test_the_board_and_agency_are_chosen_already_when_the_user_has_only_one(client_as, demo) -> None:
    page = body(client_as(demo.health_visitor).get(reverse("casework:register_child")))
    assert re.search(rf'value="{demo.boards.liverpool.pk}"\s+checked', page)
    assert re.search(rf'value="{demo.agencies.liverpool_community_health.pk}"\s+checked', page)
    # Only the boards the user may open records in are offered.
    assert 'name="board"' in page and demo.boards.lancashire.name not in page


def test_an_impossible_date_of_birth_is_refused(client_as, demo) -> None:
    data = register_post(demo, **{"date_of_birth-day": "31", "date_of_birth-month": "2"})
    page = assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "The date of birth must be a real date",
    )
    assert 'href="#id_date_of_birth"' in page
    assert not Child.objects.exists()


def test_a_date_of_birth_without_a_month_is_refused(client_as, demo) -> None:
    data = register_post(demo, **{"date_of_birth-month": ""})
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "The date of birth must include a month",
    )
    assert not Child.objects.exists()


def test_a_record_needs_a_date_of_birth_or_a_due_date(client_as, demo) -> None:
    data = register_post(
        demo, **{"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": ""}
    )
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "Enter the date of birth, or the due date for an unborn baby.",
    )
    assert not Child.objects.exists()


def test_an_empty_form_shows_every_problem_and_opens_nothing(client_as, demo) -> None:
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), {}),
        "Enter the child&#39;s given names.",
        "Enter the child&#39;s family name.",
        "Choose the area where the child lives.",
    )
    assert not Child.objects.exists()


def test_an_invalid_nhs_number_is_refused(client_as, demo) -> None:
    data = register_post(demo, nhs_number="123 456 7890")
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "Enter a valid 10-digit NHS number, or leave it empty.",
    )
    assert not Child.objects.exists()


def test_a_practitioner_must_say_what_their_agency_does(client_as, demo) -> None:
    data = register_post(demo, service="  ")
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "Say what your agency does for the child.",
    )
    assert not Child.objects.exists()


def test_a_board_the_user_does_not_work_in_cannot_be_chosen(client_as, demo) -> None:
    data = register_post(demo, board=str(demo.boards.lancashire.pk))
    assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "Choose the area where the child lives.",
    )
    assert not Child.objects.exists()


def test_nonsense_in_the_choices_is_refused_not_a_server_error(client_as, demo) -> None:
    data = register_post(demo, board="abc", agency="xyz", gender="robot")
    response = client_as(demo.health_visitor).post(reverse("casework:register_child"), data)
    assert_refused(response, "Choose the area where the child lives.", "Choose the child&#39;s gender")
    assert not Child.objects.exists()


def test_the_mash_officer_opens_a_record_without_naming_an_agency(client_as, demo) -> None:
    data = register_post(demo, agency="", service="")
    response = client_as(demo.mash_officer).post(reverse("casework:register_child"), data)
    assert response.status_code == 302
    child = Child.objects.get()
    assert not Involvement.objects.filter(child=child).exists()


def test_the_auditor_may_not_open_a_record(client_as, demo) -> None:
    client = client_as(demo.auditor)
    assert client.get(reverse("casework:register_child")).status_code == 403
    assert client.post(reverse("casework:register_child"), register_post(demo)).status_code == 403
    assert not Child.objects.exists()
    assert not AuditEvent.objects.filter(action="child.registered").exists()


# --- The record ---------------------------------------------------------------------------------


def test_the_record_shows_the_child_and_the_agencies_involved(client_as, demo, kai) -> None:
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    check_html(page)
    assert re.search(r'<h1 class="govuk-heading-l">\s*Kai Brennan\s*</h1>', page)
    assert 'class="govuk-summary-list"' in page
    assert kai.reference in page
    assert f"{kai.date_of_birth:%-d %B %Y}" in page
    assert "Male" in page
    assert "Liverpool Safeguarding Children Board" in page
    assert "Liverpool Community Health NHS Trust" in page and "Health visiting" in page
    assert "Merseyside Police" in page and "Domestic abuse incidents (public protection)" in page
    assert child_url("add_entry", kai) in page
    assert reverse("casework:record_contact", kwargs={"pk": kai.pk}) in page
    assert "Share a worry with the MASH" in page


def test_viewing_the_record_writes_an_access_event(client_as, demo, kai) -> None:
    client_as(demo.police_officer).get(child_url("child_detail", kai))
    event = AccessEvent.objects.get(user=demo.police_officer)
    assert event.target_id == str(kai.pk)
    assert event.route == "casework:child_detail"


@pytest.mark.parametrize("route", ["add_entry", "amend_entry"])
def test_the_entry_forms_are_logged_as_views_of_the_record(client_as, demo, kai, hv_entry, route) -> None:
    client_as(demo.health_visitor).get(page_url(route, kai, hv_entry))
    assert AccessEvent.objects.filter(
        user=demo.health_visitor, target_id=str(kai.pk), route=f"casework:{route}"
    ).exists()


def test_the_chronology_shows_each_entry_newest_first_with_its_author(client_as, demo, kai) -> None:
    older = add_entry(demo.health_visitor, kai, hours_ago=5, summary="Older event", detail="Quiet home")
    newer = add_entry(
        demo.police_officer,
        kai,
        hours_ago=1,
        summary="Newer event",
        category=EntryCategory.POLICE,
        action_taken="Referred to MASH",
        significant=True,
    )
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    check_html(page)
    assert page.index("Newer event") < page.index("Older event")
    assert f"{newer.occurred_at.astimezone(LONDON):%d %B %Y %H:%M}" in page
    assert "Police incident" in page and "Significant" in page
    assert "Referred to MASH" in page and "Quiet home" in page
    assert "Casey Lowther" in page and "Police Constable" in page
    assert "Morgan Fairclough" in page and "Health Visitor" in page
    assert older.summary in page


def test_a_late_entry_says_it_was_recorded_late_and_why(client_as, demo, kai) -> None:
    add_entry(demo.health_visitor, kai, hours_ago=72, late_reason="Notes typed up after leave.")
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    assert "Recorded late" in page
    assert "Notes typed up after leave." in page


def test_an_amended_entry_is_superseded_and_the_amendment_says_what_it_amends(
    client_as, demo, kai, hv_entry
) -> None:
    services.amend_chronology_entry(
        actor=demo.health_visitor,
        entry=hv_entry,
        reason="Wrong category",
        occurred_at=hv_entry.occurred_at,
        category=EntryCategory.HOME_VISIT,
        summary="New birth visit at home",
    )
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    assert "Superseded" in page
    assert f"Amends the entry of {hv_entry.occurred_at.astimezone(LONDON):%d %B %Y %H:%M}" in page
    assert "Wrong category" in page
    # The superseded entry cannot be amended again; its amendment can.
    assert child_url("amend_entry", kai, entry_pk=hv_entry.pk) not in page
    amendment = ChronologyEntry.objects.get(amends=hv_entry)
    assert child_url("amend_entry", kai, entry_pk=amendment.pk) in page


def test_only_the_author_or_a_supervisor_of_the_agency_is_offered_to_amend(client_as, demo, kai, hv_entry):
    amend = child_url("amend_entry", kai, entry_pk=hv_entry.pk)
    assert amend in body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    assert amend not in body(client_as(demo.police_officer).get(child_url("child_detail", kai)))
    assert amend not in body(client_as(demo.mash_officer).get(child_url("child_detail", kai)))


def test_the_chronology_is_filtered_by_agency_category_and_significance(client_as, demo, kai) -> None:
    add_entry(demo.health_visitor, kai, summary="Health event", category=EntryCategory.HEALTH)
    add_entry(
        demo.police_officer, kai, summary="Police event", category=EntryCategory.POLICE, significant=True
    )
    client = client_as(demo.health_visitor)
    url = child_url("child_detail", kai)
    by_agency = body(client.get(url, {"agency": demo.agencies.merseyside_police.pk}))
    assert "Police event" in by_agency and "Health event" not in by_agency
    by_category = body(client.get(url, {"category": EntryCategory.HEALTH}))
    assert "Health event" in by_category and "Police event" not in by_category
    significant = body(client.get(url, {"significant": "on"}))
    assert "Police event" in significant and "Health event" not in significant


def test_the_agency_filter_offers_only_the_agencies_of_this_record(client_as, demo, kai) -> None:
    add_entry(demo.mash_officer, kai, summary="MASH research")
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai)))
    options = re.search(r'<select[^>]*name="agency".*?</select>', page, re.S).group(0)
    assert "Merseyside Police" in options  # involved
    assert "Liverpool Children" in options  # wrote in the chronology
    assert "Private Day Nursery 1" not in options and "Alder Hey" not in options


@pytest.mark.parametrize(
    "query",
    [
        {"page": "zzz"},
        {"agency": "abc"},
        {"agency": str(MISSING)},
        {"category": "nonsense"},
        {"significant": "maybe", "page": "-3"},
        {"agency": "1' OR '1'='1", "category": "<script>"},
    ],
)
def test_bad_filters_and_pages_are_ignored_not_a_server_error(client_as, demo, kai, hv_entry, query) -> None:
    response = client_as(demo.health_visitor).get(child_url("child_detail", kai), query)
    assert response.status_code == 200
    page = body(response)
    check_html(page)
    assert ERROR_SUMMARY not in page
    assert "<script>" not in page.split("</head>")[1].split('<script type="module"')[0]


def test_a_filter_not_on_the_list_shows_the_whole_chronology(client_as, demo, kai, hv_entry) -> None:
    page = body(client_as(demo.health_visitor).get(child_url("child_detail", kai), {"category": "nonsense"}))
    assert hv_entry.summary in page


def test_the_chronology_is_paged_fifty_at_a_time_keeping_the_filters(client_as, demo, kai) -> None:
    for n in range(51):
        add_entry(
            demo.health_visitor,
            kai,
            hours_ago=60 - n / 2,
            summary=f"Visit {n:02d}",
            late_reason="Typed up later",
        )
    client = client_as(demo.health_visitor)
    first = body(client.get(child_url("child_detail", kai), {"category": EntryCategory.HOME_VISIT}))
    assert "1 to 50 of 51" in first
    assert "Visit 50" in first and "Visit 00" not in first
    assert "category=home_visit&amp;page=2" in first
    second = body(client.get(child_url("child_detail", kai), {"page": 2}))
    assert "Visit 00" in second


def test_the_record_costs_the_same_queries_with_1_and_30_entries(client_as, demo, kai) -> None:
    client = client_as(demo.health_visitor)
    url = child_url("child_detail", kai)
    first = add_entry(demo.health_visitor, kai, hours_ago=40, late_reason="Late notes")
    client.get(url)  # warm the per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    services.amend_chronology_entry(
        actor=demo.health_visitor,
        entry=first,
        reason="Correction",
        occurred_at=first.occurred_at,
        category=first.category,
        summary="Corrected",
    )
    for n in range(27):
        actor = demo.police_officer if n % 2 else demo.health_visitor
        add_entry(actor, kai, hours_ago=(n + 1) / 2, summary=f"Event {n}", significant=bool(n % 3))
    add_entry(demo.mash_officer, kai, hours_ago=20, summary="MASH research")
    assert ChronologyEntry.objects.filter(child=kai).count() == 30
    with CaptureQueriesContext(connection) as thirty:
        assert client.get(url).status_code == 200
    assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]


# --- Adding to the chronology -------------------------------------------------------------------


def test_posting_a_valid_entry_creates_exactly_one_entry_in_london_time(client_as, demo, kai) -> None:
    when = (timezone.now() - timedelta(hours=1)).astimezone(LONDON)
    response = client_as(demo.health_visitor).post(
        child_url("add_entry", kai), entry_post(when=when), follow=True
    )
    assert response.redirect_chain == [(child_url("child_detail", kai), 302)]
    assert "The entry has been added to the chronology" in body(response)
    entry = ChronologyEntry.objects.get(child=kai)
    assert entry.occurred_at == datetime.combine(when.date(), time(when.hour, when.minute), tzinfo=LONDON)
    assert entry.agency == demo.agencies.liverpool_community_health
    assert (entry.author, entry.author_name, entry.author_job_title) == (
        demo.health_visitor,
        "Morgan Fairclough",
        "Health Visitor",
    )
    assert (entry.summary, entry.detail, entry.action_taken) == (
        "Announced home visit",
        "Kai seen playing; home warm.",
        "Next visit booked.",
    )
    assert not entry.significant


def test_a_significant_entry_is_recorded_as_significant(client_as, demo, kai) -> None:
    client_as(demo.police_officer).post(child_url("add_entry", kai), entry_post(significant="on"))
    entry = ChronologyEntry.objects.get(child=kai)
    assert entry.significant
    assert entry.agency == demo.agencies.merseyside_police


def test_an_entry_without_a_summary_is_refused(client_as, demo, kai) -> None:
    response = client_as(demo.health_visitor).post(child_url("add_entry", kai), entry_post(summary="  "))
    page = assert_refused(response, "Say what happened, in a line.")
    assert 'href="#id_summary"' in page
    assert not ChronologyEntry.objects.exists()


def test_an_entry_in_the_future_is_refused(client_as, demo, kai) -> None:
    data = entry_post(when=timezone.now() + timedelta(hours=3))
    page = assert_refused(
        client_as(demo.health_visitor).post(child_url("add_entry", kai), data),
        "The event must have happened already: the time is in the future.",
    )
    assert 'href="#id_occurred_on"' in page
    assert not ChronologyEntry.objects.exists()


def test_a_late_entry_without_a_reason_is_refused(client_as, demo, kai) -> None:
    data = entry_post(when=timezone.now() - timedelta(days=3))
    page = assert_refused(
        client_as(demo.health_visitor).post(child_url("add_entry", kai), data),
        "This is recorded more than 24 hours after the event: say why it was not recorded at the time.",
    )
    assert 'href="#id_late_reason"' in page
    assert not ChronologyEntry.objects.exists()


def test_a_late_entry_with_its_reason_is_recorded_and_flagged(client_as, demo, kai) -> None:
    data = entry_post(when=timezone.now() - timedelta(days=3), late_reason="Off sick after the visit.")
    response = client_as(demo.health_visitor).post(child_url("add_entry", kai), data)
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get(child=kai)
    assert entry.is_late and entry.late_reason == "Off sick after the visit."


@pytest.mark.parametrize("typed", ["25:00", "14:75", "noon", "1430pm", "14"])
def test_a_time_that_is_not_a_time_is_refused(client_as, demo, kai, typed) -> None:
    response = client_as(demo.health_visitor).post(
        child_url("add_entry", kai), entry_post(occurred_time=typed)
    )
    page = assert_refused(
        response, "Enter the time as hours and minutes on the 24-hour clock, for example 14:30"
    )
    assert 'href="#id_occurred_time"' in page
    assert not ChronologyEntry.objects.exists()


def test_an_impossible_date_is_refused(client_as, demo, kai) -> None:
    data = entry_post(**{"occurred_on-day": "30", "occurred_on-month": "2"})
    assert_refused(
        client_as(demo.health_visitor).post(child_url("add_entry", kai), data),
        "The date it happened must be a real date",
    )
    assert not ChronologyEntry.objects.exists()


def test_an_empty_entry_shows_every_problem(client_as, demo, kai) -> None:
    assert_refused(
        client_as(demo.health_visitor).post(child_url("add_entry", kai), {}),
        "Enter the date it happened.",
        "Enter the time it happened, for example 14:30",
        "Choose what kind of event it was.",
        "Say what happened, in a line.",
    )
    assert not ChronologyEntry.objects.exists()


def test_a_category_not_on_the_list_is_refused(client_as, demo, kai) -> None:
    response = client_as(demo.health_visitor).post(
        child_url("add_entry", kai), entry_post(category="nonsense")
    )
    assert_refused(response, "Choose what kind of event it was.")
    assert not ChronologyEntry.objects.exists()


def test_the_agency_is_asked_only_of_someone_who_sees_the_child_through_two(client_as, demo, kai) -> None:
    assert 'name="agency"' not in body(client_as(demo.health_visitor).get(child_url("add_entry", kai)))
    both = UserFactory(full_name="Dual Role", job_title="Liaison Officer")
    MembershipFactory(user=both, agency=demo.agencies.liverpool_community_health, role=Role.PRACTITIONER)
    MembershipFactory(user=both, agency=demo.agencies.merseyside_police, role=Role.PRACTITIONER)
    client = client_as(both)
    page = body(client.get(child_url("add_entry", kai)))
    assert 'name="agency"' in page
    assert_refused(
        client.post(child_url("add_entry", kai), entry_post()), "Choose the agency you are recording for."
    )
    assert not ChronologyEntry.objects.exists()
    police = demo.agencies.merseyside_police
    assert client.post(child_url("add_entry", kai), entry_post(agency=str(police.pk))).status_code == 302
    assert ChronologyEntry.objects.get(child=kai).agency == police


# --- Amending an entry --------------------------------------------------------------------------


def amend_post(entry: ChronologyEntry, **overrides) -> dict[str, str]:
    values = {
        "category": entry.category,
        "summary": "New birth visit, mother and baby well",
        "detail": "",
        "action_taken": "",
        "reason": "The summary missed that the baby was seen",
        **overrides,
    }
    return entry_post(when=entry.occurred_at, **values)


def test_the_amend_form_is_filled_in_from_the_entry(client_as, demo, kai, hv_entry) -> None:
    page = body(client_as(demo.health_visitor).get(child_url("amend_entry", kai, entry_pk=hv_entry.pk)))
    check_html(page)
    local = hv_entry.occurred_at.astimezone(LONDON)
    assert 'value="New birth visit"' in page
    assert f'value="{local:%H:%M}"' in page
    assert (
        f'name="occurred_on-year" type="text" value="{local.year}"' in page or f'value="{local.year}"' in page
    )
    assert re.search(r'<option value="health"\s+selected', page)
    assert "Why are you amending this entry?" in page


def test_the_author_amends_an_entry_and_the_original_stays(client_as, demo, kai, hv_entry) -> None:
    response = client_as(demo.health_visitor).post(
        child_url("amend_entry", kai, entry_pk=hv_entry.pk), amend_post(hv_entry)
    )
    assert response.status_code == 302
    assert response["Location"] == child_url("child_detail", kai)
    amendment = ChronologyEntry.objects.get(amends=hv_entry)
    assert amendment.summary == "New birth visit, mother and baby well"
    assert amendment.amendment_reason == "The summary missed that the baby was seen"
    hv_entry.refresh_from_db()
    assert hv_entry.summary == "New birth visit"
    assert ChronologyEntry.objects.count() == 2


def test_a_police_officer_may_not_amend_the_health_visitors_entry(client_as, demo, kai, hv_entry) -> None:
    client = client_as(demo.police_officer)
    url = child_url("amend_entry", kai, entry_pk=hv_entry.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, amend_post(hv_entry)).status_code == 403
    assert ChronologyEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(action="chronology.entry_amended").exists()


def test_an_amendment_needs_a_reason(client_as, demo, kai, hv_entry) -> None:
    response = client_as(demo.health_visitor).post(
        child_url("amend_entry", kai, entry_pk=hv_entry.pk), amend_post(hv_entry, reason=" ")
    )
    page = assert_refused(response, "Say why the entry is being amended.")
    assert 'href="#id_reason"' in page
    assert ChronologyEntry.objects.count() == 1


def test_an_entry_already_amended_says_to_amend_the_newest_version(client_as, demo, kai, hv_entry) -> None:
    client = client_as(demo.health_visitor)
    url = child_url("amend_entry", kai, entry_pk=hv_entry.pk)
    assert client.post(url, amend_post(hv_entry)).status_code == 302
    assert "already been amended" in body(client.get(url))
    assert_refused(
        client.post(url, amend_post(hv_entry, summary="Another go")),
        "This entry has already been amended: amend the newest version instead.",
    )
    assert ChronologyEntry.objects.count() == 2


def test_a_supervisor_of_the_entrys_agency_may_amend_it(client_as, demo, kai) -> None:
    entry = add_entry(demo.police_officer, kai, summary="Incident", category=EntryCategory.POLICE)
    client = client_as(demo.ops_supervisor)
    url = child_url("amend_entry", kai, entry_pk=entry.pk)
    assert url in body(client.get(child_url("child_detail", kai)))
    assert client.post(url, amend_post(entry, reason="Crime number added")).status_code == 302
    amendment = ChronologyEntry.objects.get(amends=entry)
    assert amendment.author == demo.ops_supervisor
    assert amendment.agency == demo.agencies.merseyside_police


def test_the_mash_officer_records_in_the_name_of_the_mash_agency(client_as, demo, kai) -> None:
    response = client_as(demo.mash_officer).post(
        child_url("add_entry", kai), entry_post(summary="Checks done")
    )
    assert response.status_code == 302
    assert ChronologyEntry.objects.get(child=kai).agency == demo.agencies.liverpool_cs


def test_an_unborn_babys_record_shows_the_due_date(client_as, demo) -> None:
    due = timezone.localdate() + timedelta(days=90)
    baby = services.register_child(
        actor=demo.mash_officer,
        board=demo.boards.liverpool,
        given_names="Baby",
        family_name="Quinn",
        expected_on=due,
    )
    page = body(client_as(demo.mash_officer).get(child_url("child_detail", baby)))
    check_html(page)
    assert "Due date" in page and f"{due:%-d %B %Y}" in page and "Unborn" in page
    assert "Date of birth" not in page


def test_a_due_date_in_the_past_is_refused_on_the_due_date(client_as, demo) -> None:
    past = timezone.localdate() - timedelta(days=3)
    data = register_post(
        demo,
        **{"date_of_birth-day": "", "date_of_birth-month": "", "date_of_birth-year": ""},
        **{
            "expected_on-day": str(past.day),
            "expected_on-month": str(past.month),
            "expected_on-year": str(past.year),
        },
    )
    page = assert_refused(
        client_as(demo.health_visitor).post(reverse("casework:register_child"), data),
        "A due date in the past: enter the date of birth instead.",
    )
    assert 'href="#id_expected_on"' in page
    assert not Child.objects.exists()
