"""Demo data: the two boards monitoring the Child N review, mid-way through a month.

From the published response (`seed/000_48b5b135afa1a517.txt`): Lancashire's SCR Subgroup asks the
Lancashire agencies for updates every other month; Liverpool's Critical Incident Group meets monthly, and
its chair and the Liverpool business manager send Lancashire's business manager a quarterly summary of the
Liverpool agencies' progress. So the demo holds:

- the Lancashire schedule (every other month, SCR Subgroup) with two past cycles, closed with snapshots;
- the Liverpool schedule (monthly, Critical Incident Group, a summary to Lancashire every three cycles)
  with two past cycles, closed with snapshots, and the current cycle open, its deadline a couple of working
  days away and the CIG meeting a few working days ahead, its agenda built from what is due: the red
  action, evidence waiting, an impact assessment due, a new date asked for, and stale actions;
- the cross-board summary of the last closed Liverpool cycle, delivered to Lancashire.

In each cycle some owners answered on time, some late, some not at all (the agencies whose lead officers
have no account cannot answer), and one asked for a new date: the snapshots give the trend charts (RAG
over time, on-time updates by agency) something to show.

Everything is done through the services, by the persona who would do it: the business managers set the
schedules and open and close the cycles, the lead officers and agency leads answer (Merseyside Police's
lead covers once for the control-room supervisor), the CIG chair plans the meeting and sends the summary
with the business manager.

Dates are relative to today, as in the reviews demo, so the demo is always mid-monitoring. The services
take `now` for what they stamp, but the reviews demo agrees its plans today and a progress update is
stamped when it is posted; a history needs the past. So this loader dates the story, and nothing else,
with two direct writes: the monitored actions' agreement to the day before their schedule's first cycle
(otherwise no action could be stale), and each past answer (its progress update and the request's
answer time) to the day it was given in the story. No state, and no audit event, is written that way.

Idempotent: the schedules' names are the natural key; when they exist the loader changes nothing (it runs
inside `load_demo`'s transaction, so a run is all or nothing). It needs the Child N review, so it runs
after the reviews demo (apps register their loaders in INSTALLED_APPS order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from safeguard.core.calendar import LONDON, WorkingCalendar, add_months
from safeguard.monitoring import services
from safeguard.monitoring.models import (
    Cadence,
    Meeting,
    MonitoringCycle,
    MonitoringSchedule,
    ReportDelivery,
    Snapshot,
    UpdateRequest,
)
from safeguard.reviews.demo import REFERENCE
from safeguard.reviews.models import Action, ClaimedProgress, ProgressUpdate, Review

LANCASHIRE_SCHEDULE = "SCR Subgroup: updates every other month"
LIVERPOOL_SCHEDULE = "Critical Incident Group: monthly updates"
SCHEDULE_NAMES = (LANCASHIRE_SCHEDULE, LIVERPOOL_SCHEDULE)


@dataclass(frozen=True)
class Answer:
    """One owner answering one request: who, on which action (the start of its title), and how."""

    by: str  # persona key
    action: str  # the start of the action's title
    narrative: str
    late: bool = False  # answered the working day after the deadline, before the cycle closed
    claimed: str = ClaimedProgress.ON_TRACK
    new_date_weeks: int = 0  # asks for the due date to move this many weeks later
    new_date_reason: str = ""


# The answers of each cycle, oldest first. Actions not listed here were not answered in that cycle.
LANCASHIRE_CYCLES: tuple[tuple[Answer, ...], ...] = (
    (
        Answer("csc_lead", "Audit recording on cases shared", "First quarterly audit sample chosen."),
        Answer(
            "nursery_dsl",
            "Improve recording processes",
            "New concern form in two rooms only; staff absence is slowing the rest.",
            claimed=ClaimedProgress.AT_RISK,
        ),
        Answer("lancashire_manager", "Require bi-monthly updates", "First round of requests sent."),
        Answer(
            "lancashire_manager",
            "Update the Local Authority's Level 1",
            "Course materials being revised.",
            late=True,
        ),
    ),
    (
        Answer("csc_lead", "Audit recording on cases shared", "Audit under way; findings next cycle."),
        Answer(
            "nursery_dsl",
            "Improve recording processes",
            "Form rolled out; staff training delayed by absence.",
            new_date_weeks=8,
            new_date_reason="Two key staff are on long-term leave until the spring term.",
        ),
        Answer(
            "lancashire_manager", "Require bi-monthly updates", "Second round of requests sent.", late=True
        ),
        Answer(
            "lancashire_manager",
            "Provide all settings with The 7 Golden Rules",
            "Distribution list still incomplete.",
            late=True,
            claimed=ClaimedProgress.AT_RISK,
        ),
    ),
)

LIVERPOOL_CYCLES: tuple[tuple[Answer, ...], ...] = (
    (
        Answer("mash_officer", "Develop and apply a quality assurance", "Draft framework circulated."),
        Answer(
            "control_supervisor",
            "Train all front line officers",
            "Training plan agreed; trainer availability is not yet confirmed.",
            claimed=ClaimedProgress.AT_RISK,
        ),
        Answer(
            "liverpool_manager", "Monitor single agency actions", "Monthly CIG meetings in place.", late=True
        ),
        Answer(
            "liverpool_manager",
            "Learning & Improvement Sub Group members",
            "Agencies asked for their plans.",
            late=True,
        ),
    ),
    (
        Answer("mash_officer", "Develop and apply a quality assurance", "Framework piloted in the MASH."),
        # The agency lead covers for the lead officer, as leads may.
        Answer("police_lead", "Train all front line officers", "Half of the teams trained.", late=True),
        Answer("liverpool_manager", "Monitor single agency actions", "First quarterly summary drafted."),
        Answer("liverpool_manager", "Require partner agencies to audit", "Audit template shared."),
    ),
    (  # the current cycle, still open
        Answer(
            "control_supervisor",
            "Train all front line officers",
            "Control staff trained; night-shift officers still to attend.",
            new_date_weeks=8,
            new_date_reason="Night-shift officers can only be released after the winter rota.",
        ),
        Answer("mash_officer", "Develop and apply a quality assurance", "Framework adopted in the MASH."),
    ),
)


def _write(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text if text.endswith("\n") else text + "\n")


def load_monitoring_demo(*, partnership: dict[str, Any], stdout: Any = None) -> dict[str, Any]:
    """Put the two boards' monitoring of the Child N review in place, once. Returns what it did."""
    if MonitoringSchedule.objects.filter(name__in=SCHEDULE_NAMES).exists():
        _write(stdout, "The monitoring demo is already loaded; nothing changed.")
        return {"created": False}
    review = Review.objects.filter(reference=REFERENCE).first()
    if review is None:
        _write(stdout, "The Child N review is not loaded, so there is nothing to monitor; nothing changed.")
        return {"created": False}
    counts = _Loader(partnership, review).run()
    _write(
        stdout,
        f"Created {counts['schedules']} monitoring schedules with {counts['cycles']} cycles, "
        f"a meeting with {counts['agenda_items']} agenda items and {counts['deliveries']} cross-board summary.",
    )
    return {"created": True, **counts}


class _Loader:
    def __init__(self, partnership: dict[str, Any], review: Review) -> None:
        self.users = partnership["users"]
        self.boards = partnership["boards"]
        self.subgroups = partnership["subgroups"]
        self.review = review
        self.now = timezone.now()
        self.today = timezone.localdate()

    def run(self) -> dict[str, int]:
        lancashire, liverpool = self.boards["lancashire"], self.boards["liverpool"]

        # Lancashire: every other month; the last cycle opened about a month ago, the next is a month away.
        calendar = WorkingCalendar(lancashire.jurisdiction)
        second = _cycle_day(calendar, self.today - timedelta(days=30))
        first = add_months(second, -2)
        scr = services.create_schedule(
            actor=self.users["lancashire_manager"],
            board=lancashire,
            subgroup=self.subgroups["lancashire_scr"],
            name=LANCASHIRE_SCHEDULE,
            cadence=Cadence.EVERY_OTHER_MONTH,
            starts_on=first,
        )
        self._date_agreement(scr, first)
        for opens_on, answers in zip((first, second), LANCASHIRE_CYCLES, strict=True):
            self._past_cycle(scr, opens_on, answers, manager=self.users["lancashire_manager"])

        # Liverpool: monthly; the current cycle opened eight working days ago, due in two.
        calendar = WorkingCalendar(liverpool.jurisdiction)
        current = _cycle_day(calendar, calendar.add_working_days(self.today, -8))
        cig = services.create_schedule(
            actor=self.users["liverpool_manager"],
            board=liverpool,
            subgroup=self.subgroups["liverpool_cig"],
            name=LIVERPOOL_SCHEDULE,
            cadence=Cadence.MONTHLY,
            starts_on=add_months(current, -2),
            cross_board_recipient=lancashire,
            summary_every_cycles=3,
        )
        self._date_agreement(cig, add_months(current, -2))
        manager = self.users["liverpool_manager"]
        snapshots = [
            self._past_cycle(cig, add_months(current, -months), answers, manager=manager)
            for months, answers in zip((2, 1), LIVERPOOL_CYCLES[:2], strict=True)
        ]
        cycle = self._open_and_answer(cig, current, LIVERPOOL_CYCLES[2], manager=manager)
        meeting = services.schedule_meeting(
            actor=self.users["cig_chair"],
            cycle=cycle,
            held_on=calendar.add_working_days(self.today, 4),
            location="Cunard Building, Liverpool",
        )
        services.send_cross_board_summary(
            actor=self.users["cig_chair"],
            review=self.review,
            snapshot=snapshots[-1],
            to_board=lancashire,
            note="Sent by the Chair of the Critical Incident Group with the Liverpool LSCB Business Manager.",
        )
        schedules = MonitoringSchedule.objects.filter(pk__in=[scr.pk, cig.pk])
        return {
            "schedules": schedules.count(),
            "cycles": MonitoringCycle.objects.filter(schedule__in=schedules).count(),
            "snapshots": Snapshot.objects.filter(cycle__schedule__in=schedules).count(),
            "meetings": Meeting.objects.filter(cycle__schedule__in=schedules).count(),
            "agenda_items": meeting.items.count(),
            "deliveries": ReportDelivery.objects.filter(snapshot__cycle__schedule__in=schedules).count(),
        }

    # --- Cycles ---------------------------------------------------------------------------------

    def _past_cycle(
        self, schedule: MonitoringSchedule, opens_on: date, answers: tuple[Answer, ...], *, manager: Any
    ) -> Snapshot:
        cycle = self._open_and_answer(schedule, opens_on, answers, manager=manager)
        calendar = WorkingCalendar(schedule.board.jurisdiction)
        closes_at = self._moment(calendar.add_working_days(cycle.deadline, 2), 16)
        return services.close_cycle(actor=manager, cycle=cycle, now=closes_at)

    def _open_and_answer(
        self, schedule: MonitoringSchedule, opens_on: date, answers: tuple[Answer, ...], *, manager: Any
    ) -> MonitoringCycle:
        cycle, _ = services.open_cycle(
            schedule=schedule, opens_on=opens_on, actor=manager, now=self._moment(opens_on, 8)
        )
        calendar = WorkingCalendar(schedule.board.jurisdiction)
        for index, answer in enumerate(answers):
            day = (
                calendar.add_working_days(cycle.deadline, 1)
                if answer.late
                else calendar.add_working_days(opens_on, 2 + index)
            )
            request = cycle.requests.select_related("action").get(action__title__startswith=answer.action)
            new_date = None
            if answer.new_date_weeks:
                assert request.action.due_date is not None  # requested actions are agreed: they have one
                new_date = request.action.due_date + timedelta(weeks=answer.new_date_weeks)
            request = services.answer_request(
                actor=self.users[answer.by],
                request=request,
                narrative=answer.narrative,
                claimed=answer.claimed,
                proposed_due_date=new_date,
                proposed_reason=answer.new_date_reason,
                today=day,
            )
            self._date_answer(request, self._moment(day, 10 + index % 6))
        return cycle

    # --- Dating the story (see the module docstring) --------------------------------------------

    def _date_agreement(self, schedule: MonitoringSchedule, first_cycle: date) -> None:
        agreed = self._moment(first_cycle - timedelta(days=1), 12)
        Action.objects.filter(
            pk__in=services.actions_for(schedule).values("pk"), agreed_at__gt=agreed
        ).update(agreed_at=agreed)

    def _date_answer(self, request: UpdateRequest, at: datetime) -> None:
        assert request.answer_id is not None  # answer_request links the progress update it posted
        ProgressUpdate.objects.filter(pk=request.answer_id).update(written_at=at)
        UpdateRequest.objects.filter(pk=request.pk).update(answered_at=at)

    def _moment(self, day: date, hour: int) -> datetime:
        """A time of day in London, never later than now (the story has no future)."""
        return min(datetime.combine(day, time(hour), tzinfo=LONDON), self.now - timedelta(minutes=1))


def _cycle_day(calendar: WorkingCalendar, around: date) -> date:
    """A working day on or before `around` that is no later than the 28th, so that the schedule's monthly
    dates (counted from its start) fall on exactly that day of the month every month."""
    day = around
    while day.day > 28 or not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day
