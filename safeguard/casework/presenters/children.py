"""Display values for the children's record pages: names, ages, dates, tags and the chronology's rows.

Templates only place these values. Times are shown in London time; an event's time as "05 March 2026
14:30" (a chronology is read against other agencies' records, which use the 24-hour clock). Tags always
say their state in words, so colour is never the only signal.

The chronology's rows cost no query each: the page's entries come with their agency and the entry they
amend (`selectors.chronology_for`), the amendment state is an annotation, and the "may this user amend it"
question is answered from the request's `CaseViewer` and the involvements the page already loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page
from django.db.models import Q
from django.urls import reverse

from safeguard.casework import permissions as perms
from safeguard.casework.models import Child, ChronologyEntry, EntryCategory, Gender
from safeguard.casework.selectors import ChildAccess
from safeguard.core.calendar import LONDON
from safeguard.core.presenters import pagination
from safeguard.people.models import Agency

SIGNIFICANT_TAG = {"text": "Significant", "classes": "govuk-tag--red"}
LATE_TAG = {"text": "Recorded late", "classes": "govuk-tag--yellow"}
SUPERSEDED_TAG = {"text": "Superseded", "classes": "govuk-tag--grey"}
AMENDMENT_TAG = {"text": "Amendment", "classes": "govuk-tag--blue"}
UNBORN_TAG = {"text": "Unborn", "classes": "govuk-tag--light-blue"}


# --- Dates and ages -----------------------------------------------------------------------------


def format_date(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def format_event_time(value: datetime | None) -> str:
    """An event's or a recording's moment, in London: "05 March 2026 14:30"."""
    if value is None:
        return ""
    return f"{value.astimezone(LONDON):%d %B %Y %H:%M}"


def iso(value: date | datetime | None) -> str:
    """For <time datetime>: a date as is, a moment in London time to the minute, as the page shows it."""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).isoformat(timespec="minutes")
    return value.isoformat() if value else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def age(date_of_birth: date | None, today: date) -> str:
    """A child's age as a practitioner says it: weeks for a baby, months to two, then years."""
    if date_of_birth is None or date_of_birth > today:
        return ""
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    if months < 1:
        days = (today - date_of_birth).days
        return _plural(days // 7, "week") if days >= 7 else _plural(days, "day")
    if months < 24:
        return _plural(months, "month")
    return _plural(months // 12, "year")


def born_or_due(child: Child) -> tuple[str, str]:
    """("5 March 2024", iso) for a child who is born, ("Due 14 September 2026", iso) for an unborn baby."""
    if child.date_of_birth is not None:
        return format_date(child.date_of_birth), iso(child.date_of_birth)
    return f"Due {format_date(child.expected_on)}", iso(child.expected_on)


def nhs_number(value: str) -> str:
    """NHS numbers are written 3 3 4: "485 777 3456"."""
    if len(value) == 10 and value.isdigit():
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    return value


def child_name(child: Child) -> str:
    """The name on the record, with the name the child uses when it is different."""
    if child.known_as and child.known_as != child.given_names:
        return f"{child.full_name} (known as {child.known_as})"
    return child.full_name


def child_href(child: Child | int) -> str:
    pk = child.pk if isinstance(child, Child) else child
    return reverse("casework:child_detail", kwargs={"pk": pk})


# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    name: str
    href: str
    reference: str
    born: str
    born_iso: str
    age: str
    area: str


def child_rows(children: Iterable[Child], *, today: date) -> list[ChildRow]:
    rows = []
    for child in children:
        born, born_iso = born_or_due(child)
        rows.append(
            ChildRow(
                name=child_name(child),
                href=child_href(child),
                reference=child.reference,
                born=born,
                born_iso=born_iso,
                age=age(child.date_of_birth, today) or "Unborn",
                area=child.board.short_name,
            )
        )
    return rows


def list_caption(page: Page, query: str) -> str:
    """The table's caption: what it lists, in what order, and which rows of how many."""
    what = f"Children matching \u201c{query}\u201d" if query else "Children you can see"
    caption = f"{what}, in name order"
    if page.paginator.num_pages > 1:
        caption += f": {page.start_index()} to {page.end_index()} of {page.paginator.count}"
    return caption


def list_pagination(page: Page) -> dict[str, Any] | None:
    path = reverse("casework:child_list")

    def href(number: int) -> str:
        # The search itself stays in the session, out of the address (see views.children.child_list).
        return f"{path}?{urlencode({'page': number})}"

    return pagination(page, href, label="Pages of children")


# --- The record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    key: str
    value: str
    iso: str = ""
    tag: dict[str, str] | None = None


def child_facts(child: Child, *, today: date) -> list[Fact]:
    facts = [Fact("Reference", child.reference)]
    if child.date_of_birth is not None:
        facts.append(Fact("Date of birth", format_date(child.date_of_birth), iso(child.date_of_birth)))
        facts.append(Fact("Age", age(child.date_of_birth, today)))
    else:
        facts.append(Fact("Due date", format_date(child.expected_on), iso(child.expected_on), tag=UNBORN_TAG))
    if child.known_as:
        facts.append(Fact("Known as", child.known_as))
    facts.append(
        Fact("Gender", Gender(child.gender).label if child.gender in Gender.values else child.gender)
    )
    facts.append(Fact("NHS number", nhs_number(child.nhs_number) or "Not recorded"))
    facts.append(Fact("Area", child.board.name))
    return facts


@dataclass(frozen=True)
class InvolvementRow:
    agency: str
    service: str
    lead: str
    since: str
    since_iso: str


def involvement_rows(access: ChildAccess) -> list[InvolvementRow]:
    return [
        InvolvementRow(
            agency=involvement.agency.name,
            service=involvement.service,
            lead=(
                involvement.lead_practitioner.full_name or involvement.lead_practitioner.email
                if involvement.lead_practitioner is not None
                else "Not named"
            ),
            since=format_date(involvement.started_on),
            since_iso=iso(involvement.started_on),
        )
        for involvement in access.involvements
    ]


@dataclass
class EntryRow:
    anchor: str
    when: str
    when_iso: str
    agency: str
    category: str
    summary: str
    detail: str
    action_taken: str
    author: str
    author_job_title: str
    recorded: str
    recorded_iso: str
    tags: list[dict[str, str]] = field(default_factory=list)
    late_reason: str = ""
    amends: str = ""
    amendment_reason: str = ""
    amend_href: str = ""


def _category_label(value: str) -> str:
    return EntryCategory(value).label if value in EntryCategory.values else value


def entry_rows(entries: Iterable[ChronologyEntry], access: ChildAccess, viewer: Any) -> list[EntryRow]:
    """A page of the chronology, as rows. `viewer` is the request's CaseViewer (no query per row)."""
    child, involved = access.child, access.involved_agency_ids
    rows = []
    for entry in entries:
        entry.child = child  # the page's child, so the amend check below reads nothing more
        amended = bool(getattr(entry, "is_amended", False))
        tags = []
        if entry.significant:
            tags.append(SIGNIFICANT_TAG)
        if entry.amends_id:
            tags.append(AMENDMENT_TAG)
        if amended:
            tags.append(SUPERSEDED_TAG)
        if entry.is_late:
            tags.append(LATE_TAG)
        may_amend = not amended and perms.can_amend_entry(viewer, entry, involved)
        original = entry.amends if entry.amends_id else None
        rows.append(
            EntryRow(
                anchor=f"entry-{entry.pk}",
                when=format_event_time(entry.occurred_at),
                when_iso=iso(entry.occurred_at),
                agency=entry.agency.name,
                category=_category_label(entry.category),
                summary=entry.summary,
                detail=entry.detail,
                action_taken=entry.action_taken,
                author=entry.author_name,
                author_job_title=entry.author_job_title,
                recorded=format_event_time(entry.recorded_at),
                recorded_iso=iso(entry.recorded_at),
                tags=tags,
                late_reason=entry.late_reason if entry.is_late else "",
                amends=(
                    f"Amends the entry of {format_event_time(original.occurred_at)}, "
                    f"recorded {format_event_time(original.recorded_at)}"
                    if original is not None
                    else ""
                ),
                amendment_reason=entry.amendment_reason if original is not None else "",
                amend_href=(
                    reverse("casework:amend_entry", kwargs={"pk": child.pk, "entry_pk": entry.pk})
                    if may_amend
                    else ""
                ),
            )
        )
    return rows


def chronology_agencies(access: ChildAccess) -> list[Agency]:
    """The agency filter's options: the agencies involved now and those that have written in the
    chronology (an agency whose involvement ended still wrote its entries). One query."""
    written = ChronologyEntry.objects.filter(child=access.child).values("agency_id")
    return list(
        Agency.objects.filter(Q(pk__in=access.involved_agency_ids) | Q(pk__in=written)).order_by("name")
    )


def chronology_caption(page: Page, *, filtered: bool) -> str:
    what = "Chronology entries matching the filters" if filtered else "Chronology"
    caption = f"{what}, newest event first"
    if page.paginator.num_pages > 1:
        caption += f": {page.start_index()} to {page.end_index()} of {page.paginator.count}"
    return caption


def chronology_pagination(page: Page, child: Child, query: dict[str, str]) -> dict[str, Any] | None:
    path = child_href(child)

    def href(number: int) -> str:
        return f"{path}?{urlencode({**query, 'page': number})}#chronology"

    return pagination(page, href, label="Pages of the chronology")


@dataclass
class ChildPage:
    """Everything the child's record page shows."""

    name: str
    reference: str
    facts: list[Fact]
    involvements: list[InvolvementRow]
    entries: list[EntryRow]
    caption: str
    pagination: dict[str, Any] | None
    total: int
    filtered: bool
    add_entry_href: str
    record_contact_href: str
    clear_filters_href: str


def child_page(
    access: ChildAccess,
    viewer: Any,
    page: Page,
    *,
    query: dict[str, str],
    today: date,
) -> ChildPage:
    child = access.child
    filtered = bool(query)
    return ChildPage(
        name=child_name(child),
        reference=child.reference,
        facts=child_facts(child, today=today),
        involvements=involvement_rows(access),
        entries=entry_rows(page.object_list, access, viewer),
        caption=chronology_caption(page, filtered=filtered),
        pagination=chronology_pagination(page, child, query),
        total=page.paginator.count,
        filtered=filtered,
        add_entry_href=reverse("casework:add_entry", kwargs={"pk": child.pk}),
        record_contact_href=reverse("casework:record_contact", kwargs={"pk": child.pk}),
        clear_filters_href=f"{child_href(child)}#chronology",
    )


# --- Form pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildHeading:
    """The child a form page is about: its caption and the way back."""

    name: str
    reference: str
    href: str


def child_heading(child: Child) -> ChildHeading:
    return ChildHeading(name=child_name(child), reference=child.reference, href=child_href(child))


def breadcrumbs(child: Child | None = None) -> list[dict[str, str]]:
    crumbs = [{"text": "Children", "href": reverse("casework:child_list")}]
    if child is not None:
        crumbs.append({"text": child.full_name, "href": child_href(child)})
    return crumbs


def entry_summary(entry: ChronologyEntry) -> list[Fact]:
    rows = [
        Fact("When it happened", format_event_time(entry.occurred_at), iso(entry.occurred_at)),
        Fact("Agency", entry.agency.name),
        Fact("Kind of event", _category_label(entry.category)),
        Fact("What happened", entry.summary),
    ]
    if entry.detail:
        rows.append(Fact("Impact and analysis", entry.detail))
    if entry.action_taken:
        rows.append(Fact("Action taken", entry.action_taken))
    author = entry.author_name + (f", {entry.author_job_title}" if entry.author_job_title else "")
    rows.append(Fact("Recorded by", author))
    rows.append(Fact("Recorded", format_event_time(entry.recorded_at), iso(entry.recorded_at)))
    return rows
