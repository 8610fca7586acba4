"""Scale data for the reviews module: the register, findings, recommendations, plans, actions and their
history, for `manage.py generate_scale_data` (see safeguard/core/scale.py for the profiles, the context and
the rules every generator follows). Found by the command's `autodiscover_modules("scale")`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.apps import apps

from safeguard.core.scale import ScaleContext, bulk_load_mode, register_generator

# Everything is dated from the anchor: a review's course
# (decided, commissioned, report received, accepted, published, monitored, closed) follows from its
# notification date, a plan is approved a month or two after acceptance, and an action's status follows
# from its due date, so that old reviews are closed with every action closed and recent ones are
# mid-way through monitoring: the mix of statuses, RAG and due dates a ten-year register holds.

# (review type, weight); "practice" is a serious case review before the 2019 reforms, a local child
# safeguarding practice review after them.
_REVIEW_TYPE_MIX = (("rapid_review", 40), ("practice", 30), ("learning_review", 14), ("dhr", 9), ("sar", 7))
_REVIEW_TYPE_CODES = {
    "rapid_review": "RR",
    "scr": "SCR",
    "lcspr": "LCSPR",
    "learning_review": "LR",
    "dhr": "DHR",
    "sar": "SAR",
}
_REFORM_DATE = datetime(2019, 6, 29, tzinfo=UTC).date()
_METHODOLOGIES = ("systems", "systems", "systems", "hybrid", "appreciative", "traditional", "other")
_LEAD_REVIEWERS = (
    "Independent reviewer (systems methodology)",
    "NSPCC senior consultant",
    "Independent author, SCIE Learning Together",
    "Independent chair and author",
    "Board's learning and improvement officer",
)
_ACTION_VERBS = (
    "Review",
    "Update",
    "Deliver training on",
    "Audit",
    "Embed",
    "Publish guidance on",
    "Strengthen",
    "Monitor",
    "Introduce a checklist for",
    "Brief all staff on",
)
_ACTION_OBJECTS = (
    "professional challenge and escalation",
    "recording of information from other areas",
    "reflective supervision of complex cases",
    "information sharing at school transition",
    "the use of interpreters",
    "private law orders and their enforcement",
    "caseload weighting",
    "the threshold document",
    "domestic abuse risk assessment",
    "the quality of multi-agency referrals",
    "the missing-from-home protocol",
    "attendance at strategy discussions",
    "the voice of the child in assessments",
    "chronologies in case files",
)
_ACTION_DESCRIPTIONS = (
    "Arising from the review's finding; progress is reported to the subgroup each quarter.",
    "The owning agency will report completion with evidence of how practice has changed.",
    "To be delivered across all teams, with a dip-sample audit six months after completion.",
    "",
)
_LEAD_TITLES = (
    "Head of Safeguarding",
    "Named Nurse for Safeguarding",
    "Designated Safeguarding Lead",
    "Detective Inspector, Public Protection",
    "Service Manager",
    "Principal Social Worker",
)
# Who leads an agency's actions: weight by role (safeguarding leads and managers lead most of them).
_LEAD_WEIGHTS = {
    "agency_safeguarding_lead": 8.0,
    "team_manager": 4.0,
    "operational_supervisor": 3.0,
    "mash_manager": 3.0,
    "lado": 2.0,
    "practitioner": 1.0,
    "mash_officer": 1.0,
    "auditor": 0.5,
}
_UPDATE_NARRATIVES = (
    "Work continues as planned; the next milestone is on track.",
    "Training sessions delivered to two of the three teams; the last is booked.",
    "Policy drafted and out for consultation with the partner agencies.",
    "Audit sample selected; findings to be reported at the next subgroup meeting.",
    "Delayed by staff absence; a revised plan is agreed with the service manager.",
    "Briefing circulated and discussed at team meetings; attendance recorded.",
)
_EVIDENCE_DESCRIPTIONS = (
    "Training register and evaluation summary.",
    "Revised policy, approved by the senior leadership team.",
    "Dip-sample audit of twenty case files, with the findings.",
    "Link to the published practice guidance.",
    "Minutes of the team meeting where the briefing was given.",
)
_RETURN_REASONS = (
    "The evidence shows the training was offered, not that practice changed; please add an audit.",
    "The policy is still in draft; please resubmit once it is approved.",
)
_IMPACT_NARRATIVES = (
    "A re-audit shows the change is embedded in most case files sampled.",
    "Practitioner feedback is positive; the data do not yet show a change.",
    "Inspection findings refer to the improvement.",
)
_CRITERIA = (
    ("Practitioners use the escalation policy when they disagree", "Escalations logged per quarter", "4"),
    ("Case files hold an up-to-date chronology", "Share of audited files with a chronology", "90%"),
    ("Staff have completed the training", "Share of staff trained", "95%"),
    ("Supervision records show reflection on risk", "Share of audited records", "80%"),
)
_ACTION_PATH = (
    "draft",
    "agreed",
    "in_progress",
    "completed",
    "evidence_accepted",
    "impact_assessed",
    "closed",
)
# An action's status by where its due date stands against the anchor (while its review is monitored).
_STATUS_LONG_PAST = (
    ("closed", 88),
    ("impact_assessed", 6),
    ("evidence_accepted", 1),
    ("completed", 1),
    ("in_progress", 4),
)
_STATUS_PAST = (
    ("closed", 40),
    ("impact_assessed", 15),
    ("evidence_accepted", 5),
    ("completed", 8),
    ("in_progress", 24),
    ("agreed", 8),
)
_STATUS_FUTURE = (
    ("in_progress", 60),
    ("agreed", 25),
    ("completed", 6),
    ("evidence_accepted", 3),
    ("impact_assessed", 2),
    ("closed", 4),
)
_STATUS_JUST_AGREED = (("agreed", 70), ("in_progress", 30))
_REVIEW_MILESTONES = {
    "decided_on": "notified",
    "commissioned_on": "commissioned",
    "report_received_on": "report_received",
    "presented_on": "accepted",
    "accepted_on": "accepted",
    "published_on": "published",
}


def _weighted(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


def _office_time(day: Any, rng: random.Random) -> datetime:
    """A time on `day` (a date) in office hours, UTC."""
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 540))


@dataclass
class _ReviewSpec:
    board: int
    partner: int | None
    review_type: str
    notified_on: Any
    status: str = ""
    dates: dict[str, Any] = field(default_factory=dict)
    steps: list[tuple[str, Any]] = field(default_factory=list)  # (status, date) reached, in order
    closed_on: Any = None
    hot: bool = False


def _review_course(
    rng: random.Random, review_type: str, notified: Any, today: Any, *, monitor_only: bool = False
) -> tuple[str, dict[str, Any], list[tuple[str, Any]], Any]:
    """Status, milestone dates and the steps taken by `today`, for a review notified on `notified`."""
    d = timedelta
    if review_type == "rapid_review":
        # A rapid review decides within 15 working days; a further review, if any, is its own record.
        decided = notified + d(days=rng.randint(12, 21))
        planned = [("notified", notified), ("rapid_review", notified + d(days=2)), ("closed", decided)]
        dates = {"decided_on": decided}
    else:
        decided = notified + d(days=rng.randint(10, 40))
        commissioned = decided + d(days=rng.randint(20, 60))
        started = commissioned + d(days=rng.randint(14, 45))
        received = started + d(days=rng.randint(150, 300))
        accepted = received + d(days=rng.randint(20, 60))
        delayed = not monitor_only and rng.random() < 0.1  # parallel proceedings delay publication
        published = accepted + d(days=rng.randint(200, 500) if delayed else rng.randint(20, 90))
        dates = {
            "decided_on": decided,
            "commissioned_on": commissioned,
            "report_received_on": received,
            "presented_on": accepted,
            "accepted_on": accepted,
            "published_on": published,
        }
        planned = [
            ("notified", notified),
            ("commissioned", commissioned),
            ("in_progress", started),
            ("report_received", received),
            ("accepted", accepted),
        ]
        if delayed:
            planned += [("monitoring", accepted + d(days=14)), ("published", published)]
        else:
            planned += [("published", published), ("monitoring", published + d(days=7))]
        if not monitor_only:
            planned.append(("closed", max(accepted + d(days=rng.randint(900, 1800)), published + d(days=30))))
    steps = [(status, on) for status, on in planned if on <= today]
    status = steps[-1][0]
    reached = {s for s, _ in steps}
    kept = {key: on for key, on in dates.items() if _REVIEW_MILESTONES[key] in reached and on <= today}
    return status, kept, steps, steps[-1][1] if status == "closed" else None


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders; ties by position): exact and stable."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class _ActionLife:
    """What the child tables need to know about one generated action."""

    plan_index: int
    number: int
    status: str
    steps: list[tuple[str, datetime]]  # (to_status, at), from creation
    lead: int | None
    author: int
    judge: int
    at_risk: bool
    due: Any
    reprogramming: tuple[Any, Any, datetime] | None  # previous due date, new due date, approved at
    returned_at: datetime | None  # evidence returned once, before the accepted submission
    title: str


def _action_life(
    rng: random.Random,
    *,
    created: datetime,
    approved: datetime | None,
    closed: datetime | None,
    now: datetime,
) -> tuple[str, list[tuple[str, datetime]], Any, Any, tuple[Any, Any, datetime] | None, datetime | None]:
    """Status, status steps (with times), due date, original due date, reprogramming, evidence return."""
    d = timedelta
    today = now.date()
    if approved is None:
        due = (created + d(days=rng.randint(90, 540))).date()
        return "draft", [("draft", created)], due, due, None, None
    due = (approved + d(days=rng.randint(60, 540))).date()
    original = due
    reprogramming = None
    if rng.random() < 0.07:
        at = approved + (datetime(due.year, due.month, due.day, tzinfo=UTC) - approved) * 0.7
        if at < (closed or now):
            due = original + d(days=rng.randint(60, 180))
            reprogramming = (original, due, at)
    if closed is not None:
        status = "closed"
    elif (now - approved).days < 30:
        status = _weighted(rng, _STATUS_JUST_AGREED)
    elif (today - due).days > 365:
        status = _weighted(rng, _STATUS_LONG_PAST)
    elif (today - due).days > 0:
        status = _weighted(rng, _STATUS_PAST)
    else:
        status = _weighted(rng, _STATUS_FUTURE)
    # Times of every step on the path, then kept up to the status and never after the ceiling.
    due_at = datetime(due.year, due.month, due.day, 12, 0, tzinfo=UTC)
    span = max(due_at - approved, d(days=30))
    times = {
        "draft": created,
        "agreed": approved,
        "in_progress": approved + d(days=rng.randint(3, 30)),
        "completed": approved + span * rng.uniform(0.5, 1.1),
    }
    times["evidence_accepted"] = times["completed"] + d(days=rng.randint(14, 75))
    times["impact_assessed"] = times["evidence_accepted"] + d(days=rng.randint(30, 150))
    times["closed"] = times["impact_assessed"] + d(days=rng.randint(7, 45))
    end = _ACTION_PATH.index(status)
    ceiling = closed or now
    steps: list[tuple[str, datetime]] = []
    previous = created
    for position, name in enumerate(_ACTION_PATH[: end + 1]):
        # Squeezed in order before the ceiling: whatever was reached happened by then.
        latest = ceiling - d(days=end - position + 1)
        at = max(min(times[name], latest), previous + d(minutes=1))
        steps.append((name, at))
        previous = at
    returned_at = None
    if end >= _ACTION_PATH.index("evidence_accepted") and rng.random() < 0.15:
        # Evidence sent back once: completed -> in progress -> completed again before it was accepted.
        first = steps[3][1] - d(days=40)
        if first > steps[2][1]:
            returned_at = first + d(days=15)
            steps[3:3] = [("completed", first), ("in_progress", returned_at)]
    return status, steps, due, original, reprogramming, returned_at


def generate_reviews(ctx: ScaleContext) -> dict[str, int]:
    """Reviews over ten years with findings, recommendations, plans (one per involved agency and one per
    board of the review) and `reviews.actions` actions with success criteria, progress updates, evidence,
    impact assessments, new due dates and status history; the approved version of each approved plan.

    One review of the monitor persona's board is "hot": in monitoring, every agency of the board involved,
    `reviews.hot_review_actions` actions (the review page the benchmark measures). The monitor leads
    actions of their agency (weighted as a safeguarding lead) and sits on the SCR subgroup that judges
    their board's plans, so their My work holds a subgroup member's share of evidence and impact."""
    if not apps.is_installed("safeguard.reviews"):
        return {}
    names = (
        "Review",
        "ReviewStatusChange",
        "Theme",
        "Finding",
        "Recommendation",
        "ActionPlan",
        "ActionPlanVersion",
        "PlanStatusChange",
        "Action",
        "SuccessCriterion",
        "ProgressUpdate",
        "Evidence",
        "ImpactAssessment",
        "Reprogramming",
        "ActionStatusChange",
    )
    m = {name: apps.get_model("reviews", name) for name in names}
    rng = ctx.rng
    now = ctx.anchor
    today = now.date()
    agency_board: dict[int, int] = ctx.state["people.agency_board"]
    members_by_agency: dict[int, list[tuple[int, str]]] = ctx.state["people.members_by_agency"]
    staff: dict[int, dict[str, int]] = ctx.state["people.board_staff"]
    subgroups: dict[int, dict[str, int]] = ctx.state["people.subgroups"]
    subgroup_members: dict[int, list[int]] = ctx.state["people.subgroup_members"]
    board_of_user: dict[int, int] = ctx.state["people.board_of_user"]
    monitor = ctx.state.get("people.monitor_id")
    boards = [b for b in ctx.state["people.board_ids"] if b in staff and b in subgroups]
    if not boards:
        return {}
    agencies_of: dict[int, list[int]] = {}
    for agency, board in agency_board.items():
        agencies_of.setdefault(board, []).append(agency)
    agency_of_user = {user: agency for agency, members in members_by_agency.items() for user, _ in members}
    leads_of = {
        agency: [user for user, role in members if role == "agency_safeguarding_lead"]
        for agency, members in members_by_agency.items()
    }
    lead_weights = {
        agency: (
            [user for user, _ in members],
            list(itertools.accumulate(_LEAD_WEIGHTS.get(role, 1.0) for _, role in members)),
        )
        for agency, members in members_by_agency.items()
    }
    board_short = dict(
        apps.get_model("people", "Board").objects.filter(pk__in=boards).values_list("pk", "short_name")
    )
    agency_names = dict(apps.get_model("people", "Agency").objects.values_list("pk", "name"))

    # 1. The register, in notification order over ten years.
    n_reviews = ctx.count("reviews.reviews")
    hot_board = board_of_user.get(monitor, boards[0]) if monitor else boards[0]
    if hot_board not in staff:
        hot_board = boards[0]
    types = [t for t, _ in _REVIEW_TYPE_MIX]
    type_cum = list(itertools.accumulate(w for _, w in _REVIEW_TYPE_MIX))
    specs: list[_ReviewSpec] = []
    for i in range(n_reviews):
        board = rng.choice(boards)
        partner = None
        if len(boards) > 1 and rng.random() < 0.15:
            partner = rng.choice([b for b in boards if b != board])
        kind = rng.choices(types, cum_weights=type_cum)[0]
        notified = today - timedelta(days=int((n_reviews - i) * 3650 / n_reviews) + rng.randint(0, 6))
        specs.append(_ReviewSpec(board, partner, kind, notified))
    # The hot review: the monitor's board's review notified nearest to 900 days ago, kept in monitoring.
    hot_index = None
    if specs:
        hot_on = today - timedelta(days=900)
        candidates = [i for i, s in enumerate(specs) if s.board == hot_board] or list(range(len(specs)))
        hot_index = min(candidates, key=lambda i: (abs((specs[i].notified_on - hot_on).days), i))
        hot = specs[hot_index]
        hot.board, hot.partner, hot.review_type, hot.notified_on, hot.hot = (
            hot_board,
            None,
            "practice",
            hot_on,
            True,
        )
    counters: dict[tuple[int, int], int] = {}
    review_objs = []
    for spec in specs:
        if spec.review_type == "practice":
            spec.review_type = "scr" if spec.notified_on < _REFORM_DATE else "lcspr"
        spec.status, spec.dates, spec.steps, spec.closed_on = _review_course(
            rng, spec.review_type, spec.notified_on, today, monitor_only=spec.hot
        )
        key = (spec.board, spec.notified_on.year)
        counters[key] = counters.get(key, 0) + 1
        code = _REVIEW_TYPE_CODES[spec.review_type]
        adult = spec.review_type in ("dhr", "sar")
        pseudonym = (
            f"{'Adult' if adult else 'Child'} {chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}"
        )
        full = spec.review_type != "rapid_review"
        review_objs.append(
            m["Review"](
                reference=f"{board_short[spec.board]}-{code}-{spec.notified_on.year}-{counters[key]:03d}",
                review_type=spec.review_type,
                subject_pseudonym=pseudonym,
                lead_board_id=spec.board,
                lead_reviewer=rng.choice(_LEAD_REVIEWERS) if full else "",
                methodology=rng.choice(_METHODOLOGIES) if full else "",
                summary=f"Scale review of the circumstances of {pseudonym}." if full else "",
                status=spec.status,
                incident_on=spec.notified_on - timedelta(days=rng.randint(1, 20)),
                notified_on=spec.notified_on,
                created_by_id=staff[spec.board]["manager"],
                created_at=_office_time(spec.notified_on, rng),
                version=len(spec.steps),
                **spec.dates,
            )
        )
    Review = m["Review"]
    review_ids = ctx.create_returning_ids(Review, review_objs)
    Review.partner_boards.through.objects.bulk_create(
        [
            Review.partner_boards.through(review_id=rid, board_id=s.partner)
            for rid, s in zip(review_ids, specs, strict=True)
            if s.partner
        ],
        batch_size=ctx.batch_size,
    )

    def review_changes() -> Iterator[tuple[Any, ...]]:
        for rid, spec in zip(review_ids, specs, strict=True):
            previous = ""
            for status, on in spec.steps:
                yield (rid, previous, status, staff[spec.board]["manager"], _office_time(on, rng), "")
                previous = status

    change_fields = ("from_status", "to_status", "actor_id", "at", "reason")
    rows = {"reviews.review": len(review_ids)}
    rows["reviews.reviewstatuschange"] = ctx.bulk_insert(
        m["ReviewStatusChange"], ("review_id", *change_fields), review_changes()
    )

    # 2. Involved agencies, findings and recommendations (reviews that reached a report).
    with_report = [
        i for i, s in enumerate(specs) if s.review_type != "rapid_review" and "report_received_on" in s.dates
    ]
    involved: dict[int, list[int]] = {}
    for i in with_report:
        spec = specs[i]
        own = agencies_of.get(spec.board, [])
        k = len(own) if spec.hot else rng.randint(min(3, len(own)), min(12, len(own)))
        chosen = own[:k] if spec.hot else rng.sample(own, k)
        if spec.partner and agencies_of.get(spec.partner):
            partner_own = agencies_of[spec.partner]
            chosen += rng.sample(partner_own, min(len(partner_own), rng.randint(1, 3)))
        involved[i] = chosen
    through = Review.involved_agencies.through
    through.objects.bulk_create(
        [through(review_id=review_ids[i], agency_id=a) for i, agencies in involved.items() for a in agencies],
        batch_size=ctx.batch_size,
    )
    themes = list(m["Theme"].objects.order_by("slug").values_list("pk", "name"))
    finding_objs, finding_themes = [], []
    for i in with_report:
        spec = specs[i]
        for n in range(1, rng.randint(3, 9) + 1):
            theme = rng.choice(themes) if themes else None
            finding_objs.append(
                m["Finding"](
                    review_id=review_ids[i],
                    number=n,
                    title=theme[1] if theme else f"Finding {n}",
                    text="Practitioners did not consistently share or test what they knew about the risk.",
                    created_by_id=staff[spec.board]["manager"],
                    created_at=_office_time(spec.dates["report_received_on"], rng),
                )
            )
            finding_themes.append([theme[0]] if theme else [])
    Finding = m["Finding"]
    finding_ids = ctx.create_returning_ids(Finding, finding_objs)
    Finding.themes.through.objects.bulk_create(
        [
            Finding.themes.through(finding_id=fid, theme_id=t)
            for fid, ts in zip(finding_ids, finding_themes, strict=True)
            for t in ts
        ],
        batch_size=ctx.batch_size,
    )
    findings_of: dict[int, list[int]] = {}
    for obj, fid in zip(finding_objs, finding_ids, strict=True):
        findings_of.setdefault(obj.review_id, []).append(fid)
    accepted_reviews = [i for i in with_report if "accepted_on" in specs[i].dates]
    rec_objs, rec_findings = [], []
    for i in accepted_reviews:
        spec = specs[i]
        for board in (spec.board, spec.partner) if spec.partner else (spec.board,):
            manager = staff.get(board, staff[spec.board])["manager"]
            for n in range(1, rng.randint(2, 5) + 1):
                responded = _office_time(spec.dates["accepted_on"], rng)
                rec_objs.append(
                    m["Recommendation"](
                        review_id=review_ids[i],
                        board_id=board,
                        number=n,
                        kind="issue",
                        text="The board should seek assurance that the learning has changed practice.",
                        board_response="Accepted: single-agency and board plans set out the actions.",
                        response_recorded_by_id=manager,
                        response_recorded_at=responded,
                        created_by_id=manager,
                        created_at=responded,
                    )
                )
                own_findings = findings_of.get(review_ids[i], [])
                rec_findings.append(rng.sample(own_findings, min(len(own_findings), rng.randint(1, 2))))
    Recommendation = m["Recommendation"]
    rec_ids = ctx.create_returning_ids(Recommendation, rec_objs)
    Recommendation.findings.through.objects.bulk_create(
        [
            Recommendation.findings.through(recommendation_id=rid, finding_id=f)
            for rid, fs in zip(rec_ids, rec_findings, strict=True)
            for f in fs
        ],
        batch_size=ctx.batch_size,
    )
    recs_of: dict[tuple[int, int], list[int]] = {}
    for obj, rid in zip(rec_objs, rec_ids, strict=True):
        recs_of.setdefault((obj.review_id, obj.board_id), []).append(rid)
    rows["reviews.finding"] = len(finding_ids)
    rows["reviews.recommendation"] = len(rec_ids)

    # 3. Plans: one single-agency plan per involved agency, one multi-agency plan per board of the review,
    # each monitored by the SCR subgroup of its board; approved a month or two after acceptance.
    plan_objs = []
    plan_meta: list[dict[str, Any]] = []
    for i in accepted_reviews:
        spec = specs[i]
        accepted = _office_time(spec.dates["accepted_on"], rng)
        owners: list[tuple[str, int]] = [("single_agency", a) for a in involved[i]]
        owners += [
            ("multi_agency", b) for b in ((spec.board, spec.partner) if spec.partner else (spec.board,))
        ]
        for kind, owner in owners:
            board = agency_board[owner] if kind == "single_agency" else owner
            subgroup = subgroups.get(board, subgroups[spec.board])["scr"]
            # The subgroup's chair approves and judges, unless they act for the owning agency: then the
            # first member who does not (nobody marks their own agency's homework).
            members = subgroup_members[subgroup]
            chair = next((u for u in members if agency_of_user.get(u) != owner), members[0])
            if kind == "single_agency":
                creator = rng.choice(leads_of.get(owner) or [staff[spec.board]["manager"]])
                title = f"{agency_names[owner]}: single-agency action plan"
            else:
                creator = staff.get(owner, staff[spec.board])["manager"]
                title = f"{board_short.get(owner, 'Board')} multi-agency action plan"
            created = min(accepted + timedelta(days=rng.randint(1, 14)), now - timedelta(hours=1))
            submitted = created + timedelta(days=rng.randint(14, 40))
            approved = submitted + timedelta(days=rng.randint(7, 30))
            status = "approved" if approved <= now else "submitted" if submitted <= now else "draft"
            plan_objs.append(
                m["ActionPlan"](
                    source="review",
                    review_id=review_ids[i],
                    kind=kind,
                    owner_agency_id=owner if kind == "single_agency" else None,
                    owner_board_id=owner if kind == "multi_agency" else None,
                    monitoring_subgroup_id=subgroup,
                    title=title,
                    status=status,
                    version_number=1,
                    approved_version=1 if status == "approved" else None,
                    approved_at=approved if status == "approved" else None,
                    approved_by_id=chair if status == "approved" else None,
                    created_by_id=creator,
                    created_at=created,
                    version={"draft": 1, "submitted": 2, "approved": 3}[status],
                )
            )
            plan_meta.append(
                {
                    "review": i,
                    "board": board,
                    "kind": kind,
                    "owner": owner,
                    "status": status,
                    "created": created,
                    "submitted": submitted,
                    "approved": approved if status == "approved" else None,
                    "creator": creator,
                    "chair": chair,
                }
            )
    ActionPlan = m["ActionPlan"]
    plan_ids = ctx.create_returning_ids(ActionPlan, plan_objs)
    ActionPlan.monitoring_boards.through.objects.bulk_create(
        [
            ActionPlan.monitoring_boards.through(actionplan_id=pid, board_id=meta["board"])
            for pid, meta in zip(plan_ids, plan_meta, strict=True)
        ],
        batch_size=ctx.batch_size,
    )

    def plan_changes() -> Iterator[tuple[Any, ...]]:
        for pid, meta in zip(plan_ids, plan_meta, strict=True):
            yield (pid, "", "draft", meta["creator"], meta["created"], "")
            if meta["status"] in ("submitted", "approved"):
                yield (pid, "draft", "submitted", meta["creator"], meta["submitted"], "")
            if meta["status"] == "approved":
                yield (pid, "submitted", "approved", meta["chair"], meta["approved"], "")

    rows["reviews.actionplan"] = len(plan_ids)
    rows["reviews.planstatuschange"] = ctx.bulk_insert(
        m["PlanStatusChange"], ("plan_id", *change_fields), plan_changes()
    )

    # 4. Actions: the hot review's plans share `reviews.hot_review_actions`; the other plans share the
    # rest in proportion to a skewed weight (board plans a little heavier): from none to dozens a plan.
    n_actions = ctx.count("reviews.actions")
    hot_plans = [p for p, meta in enumerate(plan_meta) if specs[meta["review"]].hot]
    others = [p for p, meta in enumerate(plan_meta) if not specs[meta["review"]].hot]
    n_hot = min(ctx.count("reviews.hot_review_actions"), n_actions) if hot_plans and others else 0
    if not others:
        others = hot_plans
    counts = [0] * len(plan_meta)
    for group, total in ((hot_plans, n_hot), (others, n_actions - n_hot)):
        weights = [
            rng.lognormvariate(0, 0.7) * (1.5 if plan_meta[p]["kind"] == "multi_agency" else 1.0)
            for p in group
        ]
        for p, c in zip(group, _allocate(total, weights), strict=True):
            counts[p] += c
    lives: list[_ActionLife] = []

    def action_rows() -> Iterator[tuple[Any, ...]]:
        for p, meta in enumerate(plan_meta):
            spec = specs[meta["review"]]
            review_id = review_ids[meta["review"]]
            closed = _office_time(spec.closed_on, rng) if spec.closed_on else None
            own_findings = findings_of.get(review_id, [])
            board_recs = recs_of.get((review_id, meta["board"]), [])
            # Board plans are led by the business manager or a subgroup member, never by their judge.
            board_people = [
                user
                for user in (
                    staff[meta["board"]]["manager"],
                    *subgroup_members[subgroups[meta["board"]]["scr"]],
                )
                if user != meta["chair"]
            ] or [staff[meta["board"]]["manager"]]
            for number in range(1, counts[p] + 1):
                created = min(
                    meta["created"] + timedelta(hours=rng.randint(1, 72)), now - timedelta(minutes=1)
                )
                status, steps, due, original, reprogramming, returned_at = _action_life(
                    rng, created=created, approved=meta["approved"], closed=closed, now=now
                )
                lead, lead_name = None, ""
                if meta["kind"] == "single_agency":
                    if meta["owner"] in lead_weights and rng.random() < 0.75:
                        users, cum = lead_weights[meta["owner"]]
                        lead = rng.choices(users, cum_weights=cum)[0]
                    else:
                        lead_name = rng.choice(_LEAD_TITLES)
                elif rng.random() < 0.6:
                    lead = rng.choice(board_people)
                else:
                    lead_name = "Board business unit"
                at_risk = status in ("agreed", "in_progress") and due >= today and rng.random() < 0.1
                override, reason, override_by = "", "", None
                if status not in ("draft", "closed") and rng.random() < 0.02:
                    override = "red" if rng.random() < 0.7 else "amber"
                    reason, override_by = "Updates missed for two subgroup meetings.", meta["chair"]
                title = f"{rng.choice(_ACTION_VERBS)} {rng.choice(_ACTION_OBJECTS)}"
                finding = rng.choice(own_findings) if own_findings and rng.random() < 0.85 else None
                share = 0.6 if meta["kind"] == "multi_agency" else 0.2
                recommendation = rng.choice(board_recs) if board_recs and rng.random() < share else None
                agreed_at = next((at for s, at in steps if s == "agreed"), None)
                last = steps[-1][1]
                author = lead or meta["creator"]
                lives.append(
                    _ActionLife(
                        p,
                        number,
                        status,
                        steps,
                        lead,
                        author,
                        meta["chair"],
                        at_risk,
                        due,
                        reprogramming,
                        returned_at,
                        title,
                    )
                )
                yield (
                    plan_ids[p],
                    number,
                    finding,
                    recommendation,
                    title,
                    rng.choice(_ACTION_DESCRIPTIONS),
                    lead,
                    lead_name,
                    due,
                    original,
                    status,
                    at_risk,
                    override,
                    reason,
                    override_by,
                    reprogramming is not None,
                    True,
                    agreed_at,
                    last if status == "closed" else None,
                    meta["creator"],
                    created,
                    last,
                    len(steps),
                )

    action_fields = (
        "plan_id",
        "number",
        "finding_id",
        "recommendation_id",
        "title",
        "description",
        "lead_officer_id",
        "lead_officer_name",
        "due_date",
        "original_due_date",
        "status",
        "at_risk",
        "rag_override",
        "rag_override_reason",
        "rag_override_by_id",
        "is_reprogrammed",
        "in_annual_report",
        "agreed_at",
        "closed_at",
        "created_by_id",
        "created_at",
        "updated_at",
        "version",
    )
    Action = m["Action"]
    big = n_actions >= 100_000
    with bulk_load_mode(Action) if big else nullcontext():
        rows["reviews.action"] = ctx.bulk_insert(Action, action_fields, action_rows())
    action_id = {
        (plan, number): pk
        for pk, plan, number in Action.objects.order_by().values_list("pk", "plan_id", "number").iterator()
    }
    ids = [action_id[(plan_ids[life.plan_index], life.number)] for life in lives]

    # 5. Every action's history. Large tables load without their indexes and foreign keys (rebuilt after).
    def status_changes() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            previous = ""
            for status, at in life.steps:
                judged = status in ("agreed", "evidence_accepted", "impact_assessed", "closed")
                returned = previous == "completed" and status == "in_progress"
                reason = "Evidence returned: see the decision on it." if returned else ""
                yield (pk, previous, status, life.judge if judged or returned else life.author, at, reason)
                previous = status

    def criteria() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            for _ in range(rng.randint(0, 1) if life.status == "draft" else rng.randint(1, 2)):
                statement, measure, target = rng.choice(_CRITERIA)
                yield (pk, statement, measure, "", target, "The monitoring subgroup")

    def updates() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            started = next((at for s, at in life.steps if s == "in_progress"), None)
            if started is None:
                continue
            completed = next((at for s, at in reversed(life.steps) if s == "completed"), None)
            at = started + timedelta(days=rng.randint(20, 90))
            for _ in range(12):
                if at >= (completed or now):
                    break
                claimed = "at_risk" if life.at_risk or rng.random() < 0.1 else "on_track"
                yield (pk, life.author, at, rng.choice(_UPDATE_NARRATIVES), claimed)
                at += timedelta(days=rng.randint(60, 120))
            if completed is not None:
                yield (
                    pk,
                    life.author,
                    completed - timedelta(hours=1),
                    "Delivered; evidence submitted.",
                    "complete",
                )

    def evidence() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            completed = next((at for s, at in reversed(life.steps) if s == "completed"), None)
            if completed is None:
                continue
            accepted = next((at for s, at in life.steps if s == "evidence_accepted"), None)
            submissions = []
            if life.returned_at is not None:
                first = next(at for s, at in life.steps if s == "completed")
                submissions.append((first, "returned", life.returned_at))
            submissions.append((completed, "accepted" if accepted else "pending", accepted))
            for submitted, decision, decided in submissions:
                kind = rng.choices(("narrative", "link", "file"), weights=(45, 30, 25))[0]
                file = f"evidence/{submitted:%Y/%m}/scale-{pk}.pdf" if kind == "file" else ""
                yield (
                    pk,
                    kind,
                    rng.choice(_EVIDENCE_DESCRIPTIONS),
                    file,
                    "evidence.pdf" if file else "",
                    "application/pdf" if file else "",
                    rng.randint(20_000, 4_000_000) if file else None,
                    f"https://scale.invalid/evidence/{pk}" if kind == "link" else "",
                    life.author,
                    submitted,
                    decision,
                    life.judge if decided else None,
                    decided,
                    rng.choice(_RETURN_REASONS) if decision == "returned" else "",
                )

    def impacts() -> Iterator[tuple[Any, ...]]:
        verdicts = (("evidenced", 50), ("partly", 30), ("not_evidenced", 8), ("too_early", 12))
        sources = ("audit", "data", "inspection", "practitioner_feedback")
        for pk, life in zip(ids, lives, strict=True):
            assessed = next((at for s, at in life.steps if s == "impact_assessed"), None)
            if assessed is not None:
                verdict, source = _weighted(rng, verdicts), rng.choice(sources)
                yield (pk, verdict, source, rng.choice(_IMPACT_NARRATIVES), life.judge, assessed)

    def reprogrammings() -> Iterator[tuple[Any, ...]]:
        for pk, life in zip(ids, lives, strict=True):
            if life.reprogramming is not None:
                previous, new, at = life.reprogramming
                yield (pk, previous, new, "Delayed by a restructure; the new date is agreed.", life.judge, at)

    evidence_fields = (
        "action_id",
        "kind",
        "description",
        "file",
        "original_filename",
        "content_type",
        "size_bytes",
        "link",
        "submitted_by_id",
        "submitted_at",
        "decision",
        "decided_by_id",
        "decided_at",
        "return_reason",
    )
    loads: tuple[tuple[str, str, tuple[str, ...], Callable[[], Iterator[tuple[Any, ...]]]], ...] = (
        ("reviews.actionstatuschange", "ActionStatusChange", ("action_id", *change_fields), status_changes),
        (
            "reviews.successcriterion",
            "SuccessCriterion",
            ("action_id", "statement", "measure", "baseline", "target", "assessed_by"),
            criteria,
        ),
        (
            "reviews.progressupdate",
            "ProgressUpdate",
            ("action_id", "author_id", "written_at", "narrative", "claimed"),
            updates,
        ),
        ("reviews.evidence", "Evidence", evidence_fields, evidence),
        (
            "reviews.impactassessment",
            "ImpactAssessment",
            ("action_id", "verdict", "source", "narrative", "assessor_id", "assessed_at"),
            impacts,
        ),
        (
            "reviews.reprogramming",
            "Reprogramming",
            ("action_id", "previous_due_date", "new_due_date", "reason", "approved_by_id", "approved_at"),
            reprogrammings,
        ),
    )
    for label, model_name, fields, source in loads:
        with bulk_load_mode(m[model_name]) if big else nullcontext():
            rows[label] = ctx.bulk_insert(m[model_name], fields, source())

    # 6. The approved version of every approved plan: a frozen copy of its actions.
    by_plan: dict[int, list[_ActionLife]] = {}
    for life in lives:
        by_plan.setdefault(life.plan_index, []).append(life)

    def versions() -> Iterator[tuple[Any, ...]]:
        for p, meta in enumerate(plan_meta):
            if meta["approved"] is None:
                continue
            content = {
                "title": plan_objs[p].title,
                "actions": [
                    {"number": a.number, "title": a.title, "due_date": a.due.isoformat()}
                    for a in by_plan.get(p, [])
                ],
            }
            yield (plan_ids[p], 1, content, meta["chair"], meta["approved"])

    rows["reviews.actionplanversion"] = ctx.bulk_insert(
        m["ActionPlanVersion"], ("plan_id", "number", "content", "approved_by_id", "approved_at"), versions()
    )
    if hot_index is not None:
        ctx.state["reviews.hot_review_id"] = review_ids[hot_index]
    return rows


register_generator("reviews", generate_reviews, depends_on=["people"])
