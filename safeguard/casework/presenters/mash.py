"""Display values for the MASH front door: the contact queue, one contact's page and the share-a-worry form.

Tags always say their state in words ("Red", "Overdue", "RAG rated"), so colour is never the only signal.
The queue reads the running timescales of a whole page of contacts in one query, and the working-day
calendar once per jurisdiction, whatever the number of rows; the contact page reads a fixed number of
queries whatever its history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from safeguard.casework import permissions as perms
from safeguard.casework.forms.mash import CloseForm, DecideForm, RateForm
from safeguard.casework.models import (
    RAG_TIMESCALE,
    Child,
    Contact,
    ContactStatus,
    ContactStatusChange,
    MashOutcome,
    MashRag,
)
from safeguard.core.calendar import LONDON
from safeguard.core.clocks import CalendarSet, clock_rag
from safeguard.core.govuk_forms import error_summary_items, field_params
from safeguard.core.models import Clock, TimescaleRule, TimescaleUnit
from safeguard.core.presenters import due_phrase
from safeguard.core.presenters import pagination as core_pagination
from safeguard.core.presenters import rag_tag as clock_rag_tag

# --- Tags and dates -----------------------------------------------------------------------------

MASH_RAG_TAGS: dict[str, dict[str, str]] = {
    MashRag.RED: {"text": "Red", "classes": "govuk-tag--red"},
    MashRag.AMBER: {"text": "Amber", "classes": "govuk-tag--orange"},
    MashRag.GREEN: {"text": "Green", "classes": "govuk-tag--green"},
    MashRag.BLUE: {"text": "Blue", "classes": "govuk-tag--blue"},
}
NOT_RATED_TAG = {"text": "Not rated", "classes": "govuk-tag--grey"}

STATUS_CLASSES: dict[str, str] = {
    ContactStatus.RECEIVED: "govuk-tag--yellow",
    ContactStatus.RATED: "govuk-tag--light-blue",
    ContactStatus.DECIDED: "govuk-tag--purple",
    ContactStatus.CLOSED: "govuk-tag--grey",
}
STATUS_LABELS: dict[str, str] = dict(ContactStatus.choices)


def mash_rag_tag(rag: str) -> dict[str, str]:
    return dict(MASH_RAG_TAGS.get(rag, NOT_RATED_TAG))


def status_tag(status: str) -> dict[str, str]:
    return {
        "text": STATUS_LABELS.get(status, status),
        "classes": STATUS_CLASSES.get(status, "govuk-tag--grey"),
    }


def person(user: Any, fallback: str = "Not recorded") -> str:
    if user is None:
        return fallback
    return user.full_name or user.email


def format_datetime(value: datetime | None, empty: str = "") -> str:
    if value is None:
        return empty
    local = value.astimezone(LONDON)
    return f"{local:%-d %B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def ago(value: datetime | None, *, now: datetime) -> str:
    """ "just now", "25 minutes ago", "5 hours ago", "3 days ago"."""
    if value is None:
        return ""
    elapsed = now - value
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(hours=1):
        return f"{_plural(int(elapsed / timedelta(minutes=1)), 'minute')} ago"
    if elapsed < timedelta(hours=48):
        return f"{_plural(int(elapsed / timedelta(hours=1)), 'hour')} ago"
    return f"{_plural(elapsed.days, 'day')} ago"


def paragraphs(text: str) -> list[str]:
    """Text typed in a textarea, as the paragraphs (lines) the writer made."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def referrer(contact: Contact) -> str:
    agency = contact.referrer_agency.name if contact.referrer_agency_id else "member of the public"  # type: ignore[union-attr]
    return f"{contact.referrer_name} ({agency})"


def child_label(child: Child) -> str:
    return f"{child.full_name} ({child.reference})"


def contact_href(contact: Contact) -> str:
    return reverse("casework:contact_detail", args=[contact.pk])


# --- Timescales ---------------------------------------------------------------------------------


def _contact_type() -> ContentType:
    return ContentType.objects.get_for_model(Contact)  # cached by ContentType's manager after one read


def open_clocks(contacts: Iterable[Contact]) -> dict[int, Clock]:
    """The running timescale of each contact, in one query for the whole page."""
    keys = [str(contact.pk) for contact in contacts]
    if not keys:
        return {}
    clocks = Clock.objects.filter(
        subject_type=_contact_type(), subject_id__in=keys, met_at__isnull=True
    ).select_related("rule")
    return {int(clock.subject_id): clock for clock in clocks}


def latest_clock(contact: Contact) -> Clock | None:
    """The contact's timescale, running or met (a contact is rated once, so it has at most one)."""
    return (
        Clock.objects.filter(subject_type=_contact_type(), subject_id=str(contact.pk))
        .select_related("rule")
        .order_by("-started_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Due:
    """A running timescale: its due time, how far off it is, and its RAG as a tag."""

    text: str
    iso: str
    phrase: str
    tag: dict[str, str]


def due(clock: Clock | None, *, now: datetime, calendars: CalendarSet) -> Due | None:
    if clock is None or clock.met_at is not None:
        return None
    calendar = calendars.get(clock.jurisdiction)
    return Due(
        text=format_datetime(clock.due_at),
        iso=iso(clock.due_at),
        phrase=due_phrase(
            clock.due_at, now=now, unit=clock.rule.unit, calendars=calendars, jurisdiction=clock.jurisdiction
        ),
        tag=clock_rag_tag(clock_rag(clock, now=now, calendar=calendar)),
    )


def _calendars_for(clocks: Iterable[Clock], *, now: datetime) -> CalendarSet:
    calendars = CalendarSet()
    running = [clock for clock in clocks if clock.met_at is None]
    if running:
        calendars.preload_for(running, now=now)
    return calendars


# --- The queue ----------------------------------------------------------------------------------

STATUS_FILTERS = [
    ("", "Open"),
    (ContactStatus.RECEIVED, "Received"),
    (ContactStatus.RATED, "RAG rated"),
    (ContactStatus.DECIDED, "Decided"),
    (ContactStatus.CLOSED, "Closed"),
]


def chosen_status(value: Any) -> str:
    """The status filter from the query string; anything unknown means the default (open contacts)."""
    return value if isinstance(value, str) and value in ContactStatus.values else ""


@dataclass(frozen=True)
class ContactRow:
    reference: str
    href: str
    child_name: str
    child_reference: str
    received: str
    received_iso: str
    received_ago: str
    referrer: str
    status_tag: dict[str, str]
    rag_tag: dict[str, str]
    due: Due | None


def contact_rows(contacts: Iterable[Contact], *, now: datetime | None = None) -> list[ContactRow]:
    now = now or timezone.now()
    contacts = list(contacts)
    clocks = open_clocks(contacts)
    calendars = _calendars_for(clocks.values(), now=now)
    return [
        ContactRow(
            reference=contact.reference,
            href=contact_href(contact),
            child_name=contact.child.full_name,
            child_reference=contact.child.reference,
            received=format_datetime(contact.received_at),
            received_iso=iso(contact.received_at),
            received_ago=ago(contact.received_at, now=now),
            referrer=referrer(contact),
            status_tag=status_tag(contact.status),
            rag_tag=mash_rag_tag(contact.rag),
            due=due(clocks.get(contact.pk), now=now, calendars=calendars),
        )
        for contact in contacts
    ]


def _list_href(status: str, page: int | None = None) -> str:
    params = [(key, value) for key, value in (("status", status), ("page", page)) if value]
    base = reverse("casework:contact_list")
    return f"{base}?{urlencode(params)}" if params else base


def status_filters(current: str) -> list[dict[str, Any]]:
    return [
        {"text": label, "href": _list_href(value), "current": value == current}
        for value, label in STATUS_FILTERS
    ]


def pagination(page: Any, status: str) -> dict[str, Any] | None:
    return core_pagination(page, lambda number: _list_href(status, number), label="Pages of contacts")


def empty_message(status: str) -> str:
    if not status:
        return "There are no open contacts."
    return f"There are no contacts with the status \u201c{dict(STATUS_FILTERS)[status]}\u201d."


def list_caption(page: Any, status: str) -> str:
    label = dict(STATUS_FILTERS)[status]
    what = "Open contacts" if not status else f"{label} contacts"
    total = page.paginator.count
    if page.paginator.num_pages > 1:
        return f"{what}, oldest first: {page.start_index()} to {page.end_index()} of {total}"
    return f"{what}, oldest first: {total}"


# --- One contact --------------------------------------------------------------------------------


def breadcrumbs() -> list[dict[str, str]]:
    return [{"text": "MASH contacts", "href": reverse("casework:contact_list")}]


def _unit_words(rule: TimescaleRule) -> str:
    words = TimescaleUnit(rule.unit).label.lower()
    return words[:-1] if rule.limit == 1 and words.endswith("s") else words


def rating_hints() -> dict[str, str]:
    """The timescale each rating starts, read from the rules (local values, changed in the admin)."""
    rules = {rule.code: rule for rule in TimescaleRule.objects.filter(code__in=RAG_TIMESCALE.values())}
    hints = {}
    for rag, code in RAG_TIMESCALE.items():
        rule = rules.get(code)
        hints[rag] = (
            f"Partner information and a decision within {rule.limit} {_unit_words(rule)}"
            if rule
            else "Timescale not set up"
        )
    hints[MashRag.BLUE] = "No timescale"
    return hints


def _with_item_hints(bound: forms.BoundField, hints: dict[str, str]) -> dict[str, Any]:
    params = dict(field_params(bound)["params"])
    params["items"] = [
        {**item, "hint": {"text": hints[item["value"]]}} if item["value"] in hints else item
        for item in params["items"]
    ]
    return params


def _clock_lines(clock: Clock | None, contact: Contact, running: Due | None) -> dict[str, Any]:
    """The summary-list row for the contact's timescale: running, met, met late, or none."""
    row: dict[str, Any] = {"key": "Timescale"}
    if clock is None:
        if contact.status == ContactStatus.RECEIVED:
            row["value"] = "Starts when the contact is RAG rated"
        elif contact.rag == MashRag.BLUE:
            row["value"] = "No timescale (rated blue)"
        else:
            row["value"] = "None"
        return row
    row["lines"] = [clock.rule.name]
    if running is not None:
        row["tag"] = running.tag
        row["value"] = f"Due {running.text} ({running.phrase})"
        if clock.breach_reason:
            row["lines"].append(f"Reason it was missed: {clock.breach_reason}")
        return row
    met = clock.met_at
    if met is not None and met > clock.due_at:
        row["tag"] = {"text": "Missed", "classes": "govuk-tag--red"}
        row["value"] = f"Met late on {format_datetime(met)} (due {format_datetime(clock.due_at)})"
        row["lines"].append(f"Reason it was missed: {clock.breach_reason}")
    else:
        row["tag"] = {"text": "Met", "classes": "govuk-tag--green"}
        row["value"] = f"Met on {format_datetime(met)} (due {format_datetime(clock.due_at)})"
    return row


class ContactPage:
    """Everything one contact's page shows, for one user: the facts, the history and the forms they may use.

    `posted` is a form the user just sent that came back with errors (`posted_kind` says which: "rate",
    "decide" or "close"); it is shown in place of a fresh form while the contact is still in the state it
    was sent for. If the contact has moved on (someone else acted first), its errors are listed at the top
    and the forms of the new state are shown."""

    def __init__(
        self,
        contact: Contact,
        viewer: Any,
        *,
        now: datetime | None = None,
        posted: forms.Form | None = None,
        posted_kind: str = "",
    ) -> None:
        self.contact = contact
        self.now = now or timezone.now()
        self.reference = contact.reference
        self.status_tag = status_tag(contact.status)
        self.rag_tag = mash_rag_tag(contact.rag)
        self.clock = latest_clock(contact) if contact.status != ContactStatus.RECEIVED else None
        calendars = _calendars_for([self.clock] if self.clock else [], now=self.now)
        self.running = due(self.clock, now=self.now, calendars=calendars)
        self.overdue = self.clock is not None and self.clock.met_at is None and self.now > self.clock.due_at
        self.breadcrumbs = breadcrumbs()
        self.child_href = reverse("casework:child_detail", args=[contact.child_id])

        status = contact.status
        self.may_rate = status == ContactStatus.RECEIVED and perms.can_rate_contact(viewer, contact)
        self.may_decide = status == ContactStatus.RATED and perms.can_decide_contact(viewer, contact)
        self.may_close = status == ContactStatus.DECIDED and perms.can_close_contact(viewer, contact)

        def form(kind: str, may: bool, make: type[forms.Form]) -> forms.Form | None:
            if not may:
                return None
            return posted if posted is not None and posted_kind == kind else make()

        self.rate_form = form("rate", self.may_rate, RateForm)
        self.decide_form = form("decide", self.may_decide, DecideForm)
        self.close_form = form("close", self.may_close, CloseForm)
        self.rate_url = reverse("casework:rate_contact", args=[contact.pk])
        self.decide_url = reverse("casework:decide_contact", args=[contact.pk])
        self.close_url = reverse("casework:close_contact", args=[contact.pk])
        self.rag_radios = _with_item_hints(self.rate_form["rag"], rating_hints()) if self.rate_form else None

        self.error_items: list[dict[str, str]] = []
        if posted is not None and posted.errors:
            shown = posted in (self.rate_form, self.decide_form, self.close_form)
            items = error_summary_items(posted)
            # A field not on the page cannot be linked to: the message is listed on its own.
            self.error_items = items if shown else [{"text": item["text"]} for item in items]

    @property
    def facts(self) -> list[dict[str, Any]]:
        c = self.contact
        rows: list[dict[str, Any]] = [
            {"key": "Reference", "value": c.reference},
            {"key": "Child", "value": child_label(c.child), "href": self.child_href},
            {"key": "Referrer", "value": referrer(c)},
            {
                "key": "Received",
                "value": format_datetime(c.received_at),
                "iso": iso(c.received_at),
                "lines": [ago(c.received_at, now=self.now)],
            },
            {"key": "Recorded by", "value": f"{person(c.recorded_by)}, {format_datetime(c.recorded_at)}"},
            {"key": "The worry", "paragraphs": paragraphs(c.concern)},
            {"key": "Status", "tag": self.status_tag},
        ]
        if c.rag:
            rows.append({"key": "RAG rating", "tag": self.rag_tag, "paragraphs": paragraphs(c.rag_rationale)})
            rows.append({"key": "Rated by", "value": f"{person(c.rated_by)}, {format_datetime(c.rated_at)}"})
        else:
            rows.append({"key": "RAG rating", "tag": self.rag_tag})
        rows.append(_clock_lines(self.clock, c, self.running))
        if c.outcome:
            rows.append(
                {
                    "key": "Decision",
                    "value": MashOutcome(c.outcome).label,
                    "paragraphs": paragraphs(c.decision_rationale),
                }
            )
            rows.append(
                {"key": "Decided by", "value": f"{person(c.decided_by)}, {format_datetime(c.decided_at)}"}
            )
        rows.append(
            {
                "key": "Outcome fed back",
                "value": format_datetime(c.feedback_sent_at) if c.feedback_sent_at else "Not yet",
            }
        )
        return rows

    @property
    def history(self) -> list[dict[str, str]]:
        changes = ContactStatusChange.objects.filter(contact=self.contact).select_related("actor")
        return [
            {
                "from": STATUS_LABELS.get(change.from_status, change.from_status)
                if change.from_status
                else "New",
                "to": STATUS_LABELS.get(change.to_status, change.to_status),
                "who": person(change.actor),
                "when": format_datetime(change.at),
                "when_iso": iso(change.at),
                "reason": change.reason,
            }
            for change in changes.order_by("at", "pk")
        ]

    @property
    def waiting_note(self) -> str:
        """What happens next, for a user with no form to use in this state."""
        if self.may_rate or self.may_decide or self.may_close:
            return ""
        status = self.contact.status
        if status == ContactStatus.RECEIVED:
            return "The MASH will RAG rate this contact."
        if status == ContactStatus.RATED:
            return "A MASH manager will decide what happens next."
        if status == ContactStatus.DECIDED:
            return "The MASH will tell the referrer the outcome."
        return "This contact is closed: the referrer has been told the outcome."


# --- Sharing a worry ----------------------------------------------------------------------------


def record_heading(child: Child) -> dict[str, str]:
    return {
        "caption": child_label(child),
        "child_href": reverse("casework:child_detail", args=[child.pk]),
        "board": child.board.short_name,
    }


def record_breadcrumbs(child: Child) -> list[dict[str, str]]:
    return [
        {"text": "Children", "href": reverse("casework:child_list")},
        {"text": child.reference, "href": reverse("casework:child_detail", args=[child.pk])},
    ]
