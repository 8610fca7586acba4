"""My work: every provider's items by deadline, RAG as tags with text, notifications below."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguard.core.calendar import LONDON, add_working_days, end_of_day, is_working_day
from safeguard.core.inbox import Rag, WorkItem
from safeguard.core.models import Clock, Notification, TimescaleUnit
from safeguard.core.presenters import due_phrase, format_datetime, rag_tag
from tests.core.conftest import london


def today() -> date:
    return timezone.now().astimezone(LONDON).date()


@pytest.fixture
def clock_due_on(make_rule, make_clock, practitioner):
    """An open clock of the practitioner's, moved to fall due at the end of a given day."""

    def make(day: date, title: str = "Complete the assessment") -> Clock:
        clock = make_clock(
            rule=make_rule(limit=1), started_at=london(2015, 1, 5, 9), owner=practitioner, title=title
        )
        Clock.objects.filter(pk=clock.pk).update(due_at=end_of_day(day))
        return clock

    return make


# The page ------------------------------------------------------------------------------------------


def test_my_work_lists_the_users_clocks_soonest_first(signed_in, clock_due_on) -> None:
    clock_due_on(add_working_days(today(), 9), title="Hold the conference")
    clock_due_on(add_working_days(today(), 3), title="Decide on the referral")
    page = signed_in.get("/my-work/").content.decode()
    assert page.index("Decide on the referral") < page.index("Hold the conference")


def test_my_work_does_not_list_another_users_clocks(signed_in, make_clock, admin_user) -> None:
    make_clock(started_at=timezone.now(), owner=admin_user, title="Somebody else's work")
    assert "Somebody else" not in signed_in.get("/my-work/").content.decode()


def test_my_work_says_how_many_working_days_remain(signed_in, clock_due_on) -> None:
    clock_due_on(add_working_days(today(), 3))
    assert "Due in 3 working days" in signed_in.get("/my-work/").content.decode()


def test_my_work_says_how_many_working_days_a_clock_is_overdue(signed_in, clock_due_on) -> None:
    last_working_day = today() if is_working_day(today()) else add_working_days(today(), -1)
    clock_due_on(add_working_days(last_working_day, -2))
    assert "Overdue by 2 working days" in signed_in.get("/my-work/").content.decode()


def test_my_work_shows_rag_as_a_tag_with_words(signed_in, clock_due_on) -> None:
    clock_due_on(add_working_days(today(), -3))
    page = signed_in.get("/my-work/").content.decode()
    assert re.search(r'<strong class="govuk-tag govuk-tag--red">\s*Overdue\s*</strong>', page)


def test_my_work_lists_unread_notifications(signed_in, practitioner) -> None:
    Notification.objects.create(user=practitioner, subject="Evidence is waiting for you", url="/evidence/1/")
    assert "Evidence is waiting for you" in signed_in.get("/my-work/").content.decode()


def test_my_work_leaves_out_read_notifications(signed_in, practitioner) -> None:
    Notification.objects.create(user=practitioner, subject="Old news", url="/x/", read_at=timezone.now())
    assert "Old news" not in signed_in.get("/my-work/").content.decode()


def test_my_work_leaves_out_other_users_notifications(signed_in, admin_user) -> None:
    Notification.objects.create(user=admin_user, subject="Not for Pat", url="/x/")
    assert "Not for Pat" not in signed_in.get("/my-work/").content.decode()


def test_my_work_lists_the_notifications_below_the_work(signed_in, practitioner, clock_due_on) -> None:
    clock_due_on(add_working_days(today(), 3), title="Decide on the referral")
    Notification.objects.create(user=practitioner, subject="Evidence is waiting for you", url="/evidence/1/")
    page = signed_in.get("/my-work/").content.decode()
    assert page.index("Decide on the referral") < page.index("Evidence is waiting for you")


def test_my_work_query_count_does_not_grow_with_the_number_of_clocks(
    signed_in, clock_due_on, practitioner, django_assert_num_queries
) -> None:
    clock_due_on(add_working_days(today(), 3))
    Notification.objects.create(user=practitioner, subject="Evidence is waiting for you", url="/evidence/1/")
    signed_in.get("/my-work/")  # warm caches (content types, session) so both counts measure the same work
    with CaptureQueriesContext(connection) as one_clock:
        assert signed_in.get("/my-work/").status_code == 200
    for offset in range(29):
        clock_due_on(add_working_days(today(), offset - 10))
    with django_assert_num_queries(len(one_clock.captured_queries)):
        assert signed_in.get("/my-work/").status_code == 200


def test_my_work_shows_fifty_items_a_page_soonest_first(signed_in, clock_due_on) -> None:
    for offset in range(55):
        clock_due_on(add_working_days(today(), offset + 1), title=f"Task {offset:02d}")
    first = signed_in.get("/my-work/").content.decode()
    assert "items 1 to 50 of 55" in first
    assert "Task 49" in first and "Task 50" not in first
    assert 'href="/my-work/?page=2"' in first
    second = signed_in.get("/my-work/", {"page": 2}).content.decode()
    assert "items 51 to 55 of 55" in second
    assert "Task 50" in second and "Task 49" not in second


def test_my_work_on_one_page_has_no_pagination(signed_in, clock_due_on) -> None:
    clock_due_on(add_working_days(today(), 3))
    page = signed_in.get("/my-work/").content.decode()
    assert "Due from you, soonest first<" in page
    assert "govuk-pagination" not in page


@pytest.mark.parametrize("value", ["0", "-1", "9999", "two", ""])
def test_my_work_takes_any_page_number_without_failing(signed_in, clock_due_on, value) -> None:
    clock_due_on(add_working_days(today(), 3), title="Decide on the referral")
    response = signed_in.get("/my-work/", {"page": value})
    assert response.status_code == 200
    assert "Decide on the referral" in response.content.decode()


# Presenting ----------------------------------------------------------------------------------------


def test_a_day_deadline_shows_the_date_without_a_time() -> None:
    assert format_datetime(end_of_day(date(2015, 4, 7))) == "7 April 2015"


def test_an_hour_deadline_shows_the_time() -> None:
    assert format_datetime(london(2015, 4, 7, 15, 30)) == "7 April 2015 at 3:30pm"


def test_rag_tags_carry_text_not_only_colour() -> None:
    assert rag_tag(Rag.RED) == {"text": "Overdue", "classes": "govuk-tag--red"}
    assert rag_tag(Rag.AMBER)["text"] == "Due soon"
    assert rag_tag(Rag.GREEN)["text"] == "On track"


def test_due_phrase_counts_working_days_over_easter(db) -> None:
    phrase = due_phrase(end_of_day(date(2015, 4, 8)), now=london(2015, 4, 2, 10))
    assert phrase == "due in 2 working days"


def test_due_phrase_counts_working_days_overdue_over_easter(db) -> None:
    phrase = due_phrase(end_of_day(date(2015, 4, 2)), now=london(2015, 4, 8, 10))
    assert phrase == "overdue by 2 working days"


def test_due_phrase_says_one_working_day_in_the_singular(db) -> None:
    assert due_phrase(end_of_day(date(2015, 4, 7)), now=london(2015, 4, 3, 10)) == "due in 1 working day"


def test_due_phrase_says_due_today_on_the_due_day(db) -> None:
    assert due_phrase(end_of_day(date(2015, 4, 7)), now=london(2015, 4, 7, 10)) == "due today"


def test_due_phrase_counts_hours_for_an_hours_item(db) -> None:
    phrase = due_phrase(london(2015, 4, 7, 15), now=london(2015, 4, 7, 11, 30), unit=TimescaleUnit.HOURS)
    assert phrase == "due in 3 hours"


def test_due_phrase_counts_calendar_days_for_a_months_item(db) -> None:
    phrase = due_phrase(end_of_day(date(2015, 4, 9)), now=london(2015, 4, 2, 10), unit=TimescaleUnit.MONTHS)
    assert phrase == "due in 7 days"


def test_items_from_every_provider_are_merged_by_deadline(db, practitioner, monkeypatch) -> None:
    from safeguard.core import inbox

    early = WorkItem(kind="Action", title="Early", url="", due_at=london(2015, 4, 1), rag=Rag.RED)
    late = WorkItem(kind="Action", title="Late", url="", due_at=london(2015, 5, 1), rag=Rag.GREEN)
    undated = WorkItem(kind="Action", title="Undated", url="", due_at=None, rag=Rag.GREEN)
    monkeypatch.setattr(inbox, "_providers", [lambda user: [late, undated], lambda user: [early]])
    assert [item.title for item in inbox.items_for(practitioner)] == ["Early", "Late", "Undated"]
