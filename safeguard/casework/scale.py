"""Scale data for casework: children, the agencies involved with them, their chronologies and the MASH
contacts with their status history, for `manage.py generate_scale_data` (see safeguard/core/scale.py for
the profiles, the context and the rules every generator follows). Found by `autodiscover_modules("scale")`.

The shape, counted back from the anchor:
- children (`casework.children`) across the boards, invented names from fixed lists, born 0-17 years
  before the anchor (1% unborn, with a due date instead); a record is created when the child becomes
  known, at most ten years back (the system's life), and ids follow creation order (references CH-nnnnnn);
- involvements (`casework.involvements`, about two a child): agencies of the child's board, the first
  from the record's creation, about a third of them ended. Each practitioner of an agency leads 20-40 of
  its current involvements (their caseload); the rest have no named lead;
- chronology entries (`casework.chronology_entries`), written by the involved agencies within their
  involvement, by the agency's practice staff (name and job title copied as the service does), mostly
  recorded within hours; about 3% late (with the reason) and 1% amendments of an earlier entry of the
  same child (with the reason, never two amendments of one entry). Ids follow recording order, as they
  would in a live system, so one child's entries are spread over the table, not stored together;
- contacts (`casework.contacts`) in time order (references MC-nnnnnn), over ten years on the large profile
  (compressed on smaller ones so that each MASH still receives a realistic 25 or so a day): received,
  rated, decided and fed back with realistic delays, so the open ones (each board's MASH queue: tens to
  a few hundred) are the last few days' and a small tail of stuck ones. Every contact has its status
  history; a rated contact still waiting for its decision has its open timescale clock (owned by who rated
  it), as the service starts one.

Personas (safeguard.core.scale): the practitioner's agency works with a few thousand children on the large
profile; the practitioner leads about 30 of them, among them the "hot" child (`casework.hot_child_id`), with
`casework.hot_child_entries` entries (more than any other child) over nine years. The MASH persona is a MASH
officer of the first board's children's social care agency: they see every child of that board and its
queue. As for the reviews data, no audit events are written for the generated rows.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from safeguard.core.scale import ScaleContext, bulk_load_mode, register_generator

DAY = 86_400
HOUR = 3_600
# A table with at least this many rows loads without its indexes and foreign keys (rebuilt after).
BIG = 100_000

# --- Invented people: common given and family names, combined at random ------------------------------

_GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie",
    "Sophia", "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe",
    "Sofia", "Evie", "Charlotte", "Harper", "Millie", "Matilda", "Maya", "Aisha", "Zara", "Amira", "Chloe",
    "Ruby", "Jessica", "Niamh", "Megan", "Seren", "Ffion", "Layla",
)  # fmt: skip
_BOYS = (
    "Noah", "Muhammad", "Oliver", "George", "Leo", "Arthur", "Oscar", "Theodore", "Freddie", "Archie",
    "Alfie", "Henry", "Charlie", "Theo", "Jack", "Harry", "Jacob", "Thomas", "Lucas", "Finley", "Isaac",
    "Joshua", "Mason", "Ethan", "Logan", "Riley", "Tyler", "Kai", "Dylan", "Callum", "Rhys", "Owen",
    "Ibrahim", "Yusuf", "Jayden", "Reggie", "Tommy", "Ronnie", "Albie", "Louie",
)  # fmt: skip
# In order of frequency: the first is the most common (about 3% of children), as surnames are.
FAMILY_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
    "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell",
    "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
)  # fmt: skip
_FAMILY_CUM = list(itertools.accumulate(1 / (rank + 20) for rank in range(len(FAMILY_NAMES))))
_KNOWN_AS = {
    "Oliver": "Olly", "Thomas": "Tom", "Jessica": "Jess", "Isabella": "Bella", "Charlotte": "Lottie",
    "Theodore": "Teddy", "Matilda": "Tilly", "Muhammad": "Mo", "Joshua": "Josh", "Jacob": "Jake",
    "Sophia": "Sophie", "Florence": "Flo", "Freddie": "Fred", "Alfie": "Alf", "Amelia": "Millie",
}  # fmt: skip
_PUBLIC_REFERRERS = (
    "Anonymous caller", "Neighbour", "Grandparent", "Parent", "Family friend", "Member of the public",
)  # fmt: skip

# --- What agencies do and write ------------------------------------------------------------------------

_SERVICES = {
    "childrens_social_care": ("Child in need", "Child protection", "Looked after child", "Assessment"),
    "police": ("Public protection unit", "Neighbourhood policing"),
    "acute_health": ("Paediatrics", "Emergency department", "Midwifery"),
    "community_health": ("Health visiting", "School nursing"),
    "mental_health": ("CAMHS", "Perinatal mental health"),
    "primary_care": ("GP practice",),
    "school": ("Pastoral support", "Designated safeguarding lead"),
    "early_years": ("Nursery place", "Children's centre"),
    "probation": ("Offender management (parent)",),
    "other": ("Youth service", "Housing support"),
}
# Entry categories each sector writes, with weights; every agency also makes contacts with the MASH.
_CATEGORY_MIX = {
    "childrens_social_care": (("assessment", 25), ("home_visit", 35), ("meeting", 20), ("plan", 10),
                              ("mash_decision", 5), ("other", 5)),
    "police": (("police", 85), ("meeting", 10), ("other", 5)),
    "acute_health": (("health", 85), ("meeting", 5), ("other", 10)),
    "community_health": (("health", 70), ("home_visit", 20), ("meeting", 10)),
    "mental_health": (("health", 70), ("meeting", 20), ("other", 10)),
    "primary_care": (("health", 90), ("other", 10)),
    "school": (("education", 80), ("meeting", 15), ("other", 5)),
    "early_years": (("education", 80), ("meeting", 10), ("other", 10)),
    "probation": (("meeting", 40), ("other", 40), ("police", 20)),
    "other": (("other", 60), ("meeting", 20), ("home_visit", 20)),
}  # fmt: skip
_CONTACT_SHARE = 0.04
_SUMMARIES = {
    "contact": ("Contact made with the MASH", "Referral to children's social care",
                "Concerns shared with the MASH by phone, confirmed in writing"),
    "mash_decision": ("MASH decision: early help offered", "MASH decision: child and family assessment",
                      "MASH decision: no further action", "MASH decision: strategy discussion"),
    "assessment": ("Child and family assessment started", "Assessment completed: child in need plan",
                   "Assessment updated after new information", "Section 47 enquiry started"),
    "home_visit": ("Home visit: child seen alone", "Unannounced home visit: no answer",
                   "Home visit: child seen with mother", "Home visit: home conditions poor"),
    "health": ("Missed health appointment", "Attended A&E with a minor injury", "Developmental review",
               "Immunisations brought up to date", "GP appointment: weight below expected", "CAMHS assessment"),
    "education": ("Attendance below 85% this term", "Came to school hungry and tired",
                  "Disclosure to the class teacher", "Fixed-term exclusion for one day",
                  "Nursery: speech delay noted"),
    "police": ("Domestic incident at the family home", "Reported missing, found the same evening",
               "Police welfare check", "Present at an incident of violence"),
    "meeting": ("Strategy discussion held", "Initial child protection conference", "Core group meeting",
                "Team around the family meeting", "Review child protection conference"),
    "plan": ("Child protection plan started (neglect)", "Child protection plan ended",
             "Child in need plan agreed", "Became looked after (section 20)", "Early help plan agreed"),
    "other": ("Family moved to temporary accommodation", "Information received from another area",
              "Youth worker contact", "Parent's probation supervision ended"),
}  # fmt: skip
_CATEGORIES = tuple(_SUMMARIES)
_CATEGORY_INDEX = {category: i for i, category in enumerate(_CATEGORIES)}
_SIGNIFICANT = {"police": 0.5, "plan": 0.9, "assessment": 0.4, "mash_decision": 0.6, "contact": 0.8}
_DETAILS = (
    "Child appeared well and was happy to talk; no concerns about presentation.",
    "Mother said things were calmer at home; father's whereabouts not known.",
    "Home cold and untidy; little food in the house. Impact: the child's basic needs are not met.",
    "Child quiet and withdrawn; said they did not want to go home.",
    "Information shared with the allocated social worker the same day.",
    "Another missed appointment: the pattern of disguised compliance continues.",
    "Bruising to the upper arm, explained as a fall at the park. Explanation consistent.",
    "",
)
_ACTIONS = (
    "Shared with the MASH.",
    "Letter sent with a new appointment.",
    "Discussed in supervision; plan to visit again within a week.",
    "Referred to early help.",
    "Recorded on the agency's system and the allocated worker informed.",
)
_LATE_REASONS = (
    "Information received from a partner agency after the event.",
    "Worker on leave; recorded on return from the visit notes.",
    "Recorded after the strategy discussion minutes were agreed.",
    "Case management system unavailable at the time; recorded from notes.",
    "Historical information from the previous area's records.",
)
_AMENDMENT_LATE = "Correction recorded after the event; see the reason for the amendment."
_AMENDMENT_REASONS = (
    "Wrong date recorded; corrected from the visit notes.",
    "Recorded on the wrong sibling's record; the details are corrected here.",
    "Name of the professional present corrected.",
    "Outcome clarified after the meeting's minutes were agreed.",
)
_CONCERNS = (
    "Police attended a domestic incident; the child was present and distressed.",
    "School reports the child arrives hungry and unkempt most days.",
    "Unexplained bruising noticed by the nursery.",
    "Parent disclosed relapse into drug use to the GP.",
    "Child disclosed being hit with a belt by a parent's partner.",
    "Neighbour reports the children are left alone overnight.",
    "Young person missing from home three times this month.",
    "Concerns about an older adult giving the young person gifts and lifts.",
    "Mother presented at A&E with injuries; the baby was with her.",
    "Persistent non-attendance at school and at health appointments.",
)
_RAG_MIX = (("red", 10), ("amber", 30), ("green", 45), ("blue", 15))
_RAG_RATIONALES = {
    "red": "Immediate risk of significant harm: partner checks within hours.",
    "amber": "Possible significant harm: partner checks within a working day.",
    "green": "Needs are clear but no immediate risk: checks within three days.",
    "blue": "Information only; no checks needed.",
}
# Hours from rating to decision, by RAG (means of an exponential draw).
_DECIDE_HOURS = {"red": 5, "amber": 20, "green": 48, "blue": 16}
_OUTCOME_MIX = {
    "red": (("strategy_s47", 45), ("assessment_s17", 35), ("allocated_worker", 10), ("lado", 5), ("marac", 5)),
    "amber": (("assessment_s17", 40), ("early_help", 25), ("allocated_worker", 10), ("strategy_s47", 10),
              ("single_agency", 10), ("marac", 5)),
    "green": (("early_help", 35), ("advice", 25), ("single_agency", 20), ("nfa", 15),
              ("return_for_consent", 5)),
    "blue": (("nfa", 60), ("advice", 35), ("return_for_consent", 5)),
}  # fmt: skip
_DECISION_RATIONALES = {
    "nfa": "Partner checks show no further concerns; the family is supported by universal services.",
    "advice": "Advice given to the referrer; the family signposted to local support.",
    "early_help": "Needs below the threshold for statutory services; early help offered with consent.",
    "single_agency": "The referring agency can meet the need with its own support.",
    "assessment_s17": "The child may be in need: a child and family assessment (section 17).",
    "strategy_s47": "Reasonable cause to suspect significant harm: strategy discussion today (section 47).",
    "allocated_worker": "The child has an allocated worker: passed to them to act on.",
    "lado": "The concern is about an adult who works with children: referred to the LADO.",
    "marac": "High-risk domestic abuse: referred to MARAC.",
    "return_for_consent": "Consent not sought and no reason to override it: returned to the referrer.",
}
_CLOSED_REASON = "Outcome fed back to the referrer."
# Who makes contacts: sector weights (the rest come from the public).
_REFERRER_WEIGHTS = {
    "police": 30, "school": 18, "acute_health": 8, "community_health": 8, "primary_care": 6,
    "mental_health": 4, "early_years": 5, "childrens_social_care": 3, "probation": 3, "other": 3,
}  # fmt: skip
_PUBLIC_SHARE = 0.12


# --- Helpers ------------------------------------------------------------------------------------------


def _nhs_number(rng: Any) -> str:
    """A valid NHS number in the 999 range, which is never issued to a patient."""
    while True:
        digits = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders; ties by position): exact and stable."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _cap(counts: list[int], cap: int, skip: int) -> None:
    """No count above `cap` (the hot child's must stay the largest): the excess goes to the smallest ones,
    round robin from the start, never to `skip`."""
    excess = 0
    for i, c in enumerate(counts):
        if c > cap and i != skip:
            excess += c - cap
            counts[i] = cap
    room = sum(cap - c for i, c in enumerate(counts) if c < cap and i != skip)
    excess = min(excess, room)  # (never short on any profile: the cap is far above the average)
    i = 0
    while excess and cap > 0:
        if i != skip and counts[i] < cap:
            counts[i] += 1
            excess -= 1
        i = (i + 1) % len(counts)


def _weighted(rng: Any, mix: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in mix], weights=[w for _, w in mix])[0]


def _reset_sequences(models: Sequence[Any]) -> None:
    """Rows were written with explicit ids: move the id sequences past them (PostgreSQL; SQLite follows)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --- The generator ------------------------------------------------------------------------------------


def generate_casework(ctx: ScaleContext) -> dict[str, int]:
    if not apps.is_installed("safeguard.casework"):
        return {}
    from safeguard.casework.models import (
        LATE_ENTRY_AFTER,
        RAG_TIMESCALE,
        Child,
        ChronologyEntry,
        Contact,
        ContactStatusChange,
        Involvement,
    )
    from safeguard.casework.permissions import MASH_ROLES, PRACTICE_ROLES, SUPERVISING_ROLES
    from safeguard.core.calendar import due_at
    from safeguard.core.models import Clock, TimescaleRule

    n_children = ctx.count("casework.children")
    if n_children <= 0:
        return {}
    rng = ctx.rng
    anchor = ctx.anchor
    today = anchor.date()
    # Times are whole seconds relative to the anchor (negative: before it), so that arrays hold them.
    go_live = -3650 * DAY

    def at(t: int) -> datetime:
        return anchor + timedelta(seconds=t)

    def day_of(t: int) -> date:
        return (anchor + timedelta(seconds=t)).date()

    def t_of(d: date, hour: int = 9) -> int:
        return int((datetime(d.year, d.month, d.day, hour, tzinfo=UTC) - anchor).total_seconds())

    board_ids: list[int] = ctx.state["people.board_ids"]
    agency_board: dict[int, int] = ctx.state["people.agency_board"]
    members_by_agency: dict[int, list[tuple[int, str]]] = ctx.state["people.members_by_agency"]
    board_of_user: dict[int, int] = ctx.state["people.board_of_user"]
    persona: int = ctx.state["people.practitioner_id"]
    User = apps.get_model("people", "User")
    Agency = apps.get_model("people", "Agency")
    Board = apps.get_model("people", "Board")
    user_fields = {
        pk: (name, title) for pk, name, title in User.objects.values_list("pk", "full_name", "job_title")
    }
    sector_of = dict(Agency.objects.filter(pk__in=list(agency_board)).values_list("pk", "sector"))
    jurisdiction_of = dict(Board.objects.filter(pk__in=board_ids).values_list("pk", "jurisdiction"))
    agencies_of: dict[int, list[int]] = {b: [] for b in board_ids}
    for agency, board in agency_board.items():
        agencies_of.setdefault(board, []).append(agency)
    boards = [b for b in board_ids if agencies_of.get(b)]
    if not boards:
        return {}
    agency_of_user = {u: a for a, members in members_by_agency.items() for u, _ in members}
    persona_agency = agency_of_user.get(persona)
    persona_board = agency_board.get(persona_agency, boards[0]) if persona_agency else boards[0]
    if persona_board not in agencies_of or not agencies_of[persona_board]:
        persona_board, persona_agency = boards[0], None
    fallback_user = persona

    def staff(agency: int, roles: frozenset[str] | None = None) -> list[int]:
        return [u for u, role in members_by_agency.get(agency, []) if roles is None or role in roles]

    practice = {a: staff(a, PRACTICE_ROLES) or staff(a) for a in agency_board}
    practitioners = {a: staff(a, frozenset({"practitioner"})) for a in agency_board}
    supervisors = {a: staff(a, SUPERVISING_ROLES) for a in agency_board}
    board_people: dict[int, list[int]] = {}
    for user, board in board_of_user.items():
        board_people.setdefault(board, []).append(user)
    mash_staff = {b: [u for a in agencies_of[b] for u in staff(a, MASH_ROLES)] for b in boards}
    mash_managers = {
        b: [u for a in agencies_of[b] for u in staff(a, frozenset({"mash_manager"}))] for b in boards
    }
    for b in boards:
        mash_staff[b] = mash_staff[b] or board_people.get(b) or [fallback_user]
        mash_managers[b] = mash_managers[b] or mash_staff[b]

    def author_in(agency: int) -> int:
        people = practice.get(agency) or board_people.get(agency_board[agency]) or [fallback_user]
        return rng.choice(people)

    rows: dict[str, int] = {}
    big = ctx.count("casework.chronology_entries") >= BIG or n_children >= BIG

    # 1. Children, made in creation order. A record is created when the child becomes known (never
    # before the system's go-live, ten years back); the hot child is known from nine years back.
    # Each: [created t, board, given names, family name, known as, born, expected, gender, NHS number, hot]
    specs: list[list[Any]] = []
    for i in range(n_children):
        board = persona_board if i == 0 else rng.choice(boards)
        girl = rng.random() < 0.5
        given = rng.choice(_GIRLS if girl else _BOYS)
        family = rng.choices(FAMILY_NAMES, cum_weights=_FAMILY_CUM)[0]
        gender = "female" if girl else "male"
        if i and rng.random() < 0.01:  # unborn: known in pregnancy, due in the next eight months
            expected = today + timedelta(days=rng.randint(14, 250))
            dob = None
            earliest = max(t_of(expected - timedelta(days=230)), go_live)
            created = rng.randint(min(earliest, -DAY), -DAY)
            gender = "unknown" if rng.random() < 0.8 else gender
            given = "Baby" if gender == "unknown" else given
        else:
            expected = None
            dob = today - timedelta(days=rng.randrange(1, 18 * 365))
            created = rng.randint(max(t_of(dob), go_live), -DAY)
            if rng.random() < 0.004:
                gender = rng.choice(("other", "unknown"))
        if i == 0:  # the hot child: ten years old, known for nine of them
            dob = today - timedelta(days=3650 + rng.randint(0, 300))
            created = -9 * 365 * DAY + rng.randint(0, DAY)
        known_as = _KNOWN_AS.get(given, "") if rng.random() < 0.3 else ""
        nhs = _nhs_number(rng) if dob is not None and rng.random() < 0.92 else ""
        specs.append([created, board, given, family, known_as, dob, expected, gender, nhs, i == 0])
    specs.sort(key=lambda spec: spec[0])  # stable: ties keep their order
    hot_index = next(i for i, spec in enumerate(specs) if spec[9])
    child_base = Child.objects.aggregate(m=Max("id"))["m"] or 0
    child_ids = range(child_base + 1, child_base + 1 + n_children)
    creators = [rng.choice(mash_staff[spec[1]]) for spec in specs]

    def child_rows() -> Iterator[tuple[Any, ...]]:
        for i, (created, board, given, family, known_as, dob, expected, gender, nhs, _) in enumerate(specs):
            pk = child_ids[i]
            yield (pk, board, f"CH-{pk:06d}", given, family, known_as, dob, expected, gender, nhs,
                   creators[i], at(created), 1)  # fmt: skip

    child_fields = (
        "id", "board_id", "reference", "given_names", "family_name", "known_as", "date_of_birth",
        "expected_on", "gender", "nhs_number", "created_by_id", "created_at", "version",
    )  # fmt: skip
    with bulk_load_mode(Child) if big else nullcontext():
        rows["casework.child"] = ctx.bulk_insert(Child, child_fields, child_rows())

    # 2. Involvements: about two a child, distinct agencies of its board; the first starts when the record
    # is created, the others later; about a third have ended. The hot child has five, the practitioner's
    # agency's among them, led by the practitioner.
    n_involvements = max(ctx.count("casework.involvements", 2 * n_children), n_children)
    per_child = [1] * n_children
    hot_k = min(5, len(agencies_of[persona_board]))
    per_child[hot_index] = hot_k
    spare = n_involvements - sum(per_child)
    attempts = 0
    while spare > 0 and attempts < 4 * n_involvements:
        attempts += 1
        i = rng.randrange(n_children)
        if i != hot_index and per_child[i] < min(4, len(agencies_of[specs[i][1]])):
            per_child[i] += 1
            spare -= 1
    # (child index, agency, service, start t, end t or None, lead)
    involvements: list[list[Any]] = []
    first_of_child = array("i")
    for i, spec in enumerate(specs):
        created, board = spec[0], spec[1]
        first_of_child.append(len(involvements))
        own = agencies_of[board]
        chosen = rng.sample(own, per_child[i])
        if i == hot_index and persona_agency is not None:  # the practitioner's agency from the start
            if persona_agency in chosen:
                chosen.remove(persona_agency)
                chosen.insert(0, persona_agency)
            else:
                chosen[0] = persona_agency
        for j, agency in enumerate(chosen):
            start = created if j == 0 else rng.randint(created, -DAY)
            start = t_of(day_of(start))  # involvements run from a date
            end = None
            hot_own = i == hot_index and agency == persona_agency
            if not hot_own and rng.random() < 0.33 and start < -2 * DAY:
                end = t_of(day_of(rng.randint(start + DAY, -DAY)), 17)
            service = rng.choice(_SERVICES.get(sector_of[agency], _SERVICES["other"]))
            involvements.append([i, agency, service, start, end, None])
    first_of_child.append(len(involvements))
    # Caseloads: each practitioner leads 20-40 of their agency's current involvements (the practitioner
    # persona about 30, the hot child's first); ended involvements had a lead half the time.
    current_of: dict[int, list[int]] = {}
    for k, inv in enumerate(involvements):
        if inv[4] is None:
            current_of.setdefault(inv[1], []).append(k)
        elif practitioners.get(inv[1]) and rng.random() < 0.5:
            inv[5] = rng.choice(practitioners[inv[1]])
    for agency in sorted(current_of):
        pool = current_of[agency]
        rng.shuffle(pool)
        if agency == persona_agency:
            hot_involvement = next(
                k for k in range(first_of_child[hot_index], first_of_child[hot_index + 1])
                if involvements[k][1] == agency
            )  # fmt: skip
            pool.remove(hot_involvement)
            pool.insert(0, hot_involvement)
        position = 0
        for user in practitioners.get(agency, []):
            load = 30 if user == persona else rng.randint(20, 40)
            for k in pool[position : position + load]:
                involvements[k][5] = user
            position += load
    involvement_order = sorted(range(len(involvements)), key=lambda k: involvements[k][3])

    def involvement_rows() -> Iterator[tuple[Any, ...]]:
        for k in involvement_order:
            i, agency, service, start, end, lead = involvements[k]
            creator = lead or author_in(agency)
            started = day_of(start)
            yield (child_ids[i], agency, service, lead, started, day_of(end) if end is not None else None,
                   creator, at(start) + timedelta(minutes=rng.randint(0, 480)))  # fmt: skip

    involvement_fields = (
        "child_id", "agency_id", "service", "lead_practitioner_id", "started_on", "ended_on", "created_by_id",
        "created_at",
    )  # fmt: skip
    with bulk_load_mode(Involvement) if big else nullcontext():
        rows["casework.involvement"] = ctx.bulk_insert(Involvement, involvement_fields, involvement_rows())

    # 3. Chronology entries. The hot child gets `casework.hot_child_entries`; the others share the rest in
    # proportion to a skewed weight (longer known, more agencies: more entries), none as many as the hot
    # child. Each entry belongs to one of the child's involvements, within its dates.
    n_entries = ctx.count("casework.chronology_entries")
    n_hot = min(ctx.count("casework.hot_child_entries"), n_entries)
    weights = [
        rng.lognormvariate(0, 0.8)
        * (0.3 + -spec[0] / (365 * DAY))
        * (first_of_child[i + 1] - first_of_child[i])
        for i, spec in enumerate(specs)
    ]
    weights[hot_index] = 0.0
    per_child_entries = _allocate(n_entries - n_hot, weights)
    per_child_entries[hot_index] = n_hot
    _cap(per_child_entries, max(n_hot // 2, 1), hot_index)
    late_cut = 0.022  # with the amendments (mostly late), about 3% of entries are late
    e_child, e_agency, e_author = array("i"), array("i"), array("i")
    e_occurred, e_recorded, e_until = array("q"), array("q"), array("q")
    e_category, e_summary, e_late = array("b"), array("b"), array("b")
    e_amends, e_reason = array("i"), array("b")
    amendment_late = len(_LATE_REASONS)
    cat_mix = {
        sector: ([_CATEGORY_INDEX[c] for c, _ in mix], list(itertools.accumulate(w for _, w in mix)))
        for sector, mix in _CATEGORY_MIX.items()
    }
    contact_category = _CATEGORY_INDEX["contact"]
    summary_counts = [len(_SUMMARIES[c]) for c in _CATEGORIES]
    random_, randint, choices = rng.random, rng.randint, rng.choices
    for i, count in enumerate(per_child_entries):
        if not count:
            continue
        # (agency, first and last time of an event, last time of recording, lead): within the involvement,
        # never before the record exists.
        spans = []
        created = specs[i][0]
        for k in range(first_of_child[i], first_of_child[i + 1]):
            _, agency, _, start, end, lead = involvements[k]
            first = max(start, created)
            until = end if end is not None else -60
            spans.append((agency, first, max(min(until, 0) - 2 * HOUR, first), until, lead))
        cum = list(itertools.accumulate((s[2] - s[1]) / DAY + 30 for s in spans))
        unamended: list[int] = []  # this child's entries, by position in the arrays
        for _ in range(count):
            amended = -1
            if unamended and random_() < 0.01:
                amended = unamended.pop(int(random_() * len(unamended)))
                if e_until[amended] - e_recorded[amended] < HOUR:  # no time left to correct it
                    unamended.append(amended)
                    amended = -1
            if amended >= 0:
                agency = e_agency[amended]
                original_author = e_author[amended]
                author = original_author
                if supervisors.get(agency) and random_() < 0.2:
                    author = rng.choice(supervisors[agency])
                occurred = e_occurred[amended]
                until = e_until[amended]
                recorded = min(e_recorded[amended] + randint(HOUR, 20 * DAY), until)
                category, summary = e_category[amended], e_summary[amended]
                late = -1
                if recorded - occurred > LATE_ENTRY_AFTER.total_seconds():
                    late = e_late[amended] if e_late[amended] >= 0 else amendment_late
                reason = int(random_() * len(_AMENDMENT_REASONS))
            else:
                agency, start, stop, until, lead = choices(spans, cum_weights=cum)[0]
                author = lead if lead is not None and random_() < 0.5 else author_in(agency)
                occurred = randint(start, stop)
                if random_() < late_cut:
                    recorded = min(occurred + randint(25 * HOUR, 30 * DAY), until)
                else:
                    recorded = min(occurred + min(int(rng.expovariate(1 / (3 * HOUR))), 23 * HOUR), until)
                late = (
                    int(random_() * len(_LATE_REASONS))
                    if recorded - occurred > LATE_ENTRY_AFTER.total_seconds()
                    else -1
                )
                if random_() < _CONTACT_SHARE:
                    category = contact_category
                else:
                    ids, cum_weights = cat_mix.get(sector_of[agency], cat_mix["other"])
                    category = choices(ids, cum_weights=cum_weights)[0]
                summary = int(random_() * summary_counts[category])
                reason = -1
            unamended.append(len(e_child))
            e_child.append(i)
            e_agency.append(agency)
            e_author.append(author)
            e_occurred.append(occurred)
            e_recorded.append(recorded)
            e_until.append(until)
            e_category.append(category)
            e_summary.append(summary)
            e_late.append(late)
            e_amends.append(amended)
            e_reason.append(reason)
    total_entries = len(e_child)
    order = sorted(range(total_entries), key=e_recorded.__getitem__)  # ids in recording order
    entry_base = ChronologyEntry.objects.aggregate(m=Max("id"))["m"] or 0
    rank = array("i", bytes(4 * total_entries))
    for position, j in enumerate(order):
        rank[j] = position
    hot_entries = 0

    def entry_rows() -> Iterator[tuple[Any, ...]]:
        nonlocal hot_entries
        for position, j in enumerate(order):
            author = e_author[j]
            name, title = user_fields.get(author, ("", ""))
            category = _CATEGORIES[e_category[j]]
            amended = e_amends[j]
            late = e_late[j]
            if e_child[j] == hot_index:
                hot_entries += 1
            yield (
                entry_base + 1 + position,
                child_ids[e_child[j]],
                e_agency[j],
                author,
                name,
                title,
                at(e_occurred[j]),
                at(e_recorded[j]),
                category,
                _SUMMARIES[category][e_summary[j]],
                _DETAILS[int(random_() * len(_DETAILS))],
                _ACTIONS[int(random_() * len(_ACTIONS))] if random_() < 0.5 else "",
                random_() < _SIGNIFICANT.get(category, 0.15),
                "" if late < 0 else _LATE_REASONS[late] if late < amendment_late else _AMENDMENT_LATE,
                entry_base + 1 + rank[amended] if amended >= 0 else None,
                _AMENDMENT_REASONS[e_reason[j]] if amended >= 0 else "",
            )

    entry_fields = (
        "id", "child_id", "agency_id", "author_id", "author_name", "author_job_title", "occurred_at",
        "recorded_at", "category", "summary", "detail", "action_taken", "significant", "late_reason",
        "amends_id", "amendment_reason",
    )  # fmt: skip
    with bulk_load_mode(ChronologyEntry) if big else nullcontext():
        rows["casework.chronologyentry"] = ctx.bulk_insert(ChronologyEntry, entry_fields, entry_rows())

    # 4. Contacts, in time order, each for a child already known, spread over the time the child has been
    # known within the window (a child's share grows with that time, so the MASH receives contacts at a
    # steady rate, not in a rush of new records); a third of the first contacts of a child whose record was
    # created in the window came in as the record was made. The window is ten years on the large profile,
    # shorter on small ones (about 25 contacts a day a board), so each MASH queue holds the last few days'.
    n_contacts = ctx.count("casework.contacts")
    window = -min(max(n_contacts // max(len(boards), 1) // 25, 14), 3650) * DAY
    contact_weights = [rng.lognormvariate(0, 1.0) * (-max(spec[0], window) / DAY + 30) for spec in specs]
    per_child_contacts = _allocate(n_contacts, contact_weights)
    c_child, c_received = array("i"), array("q")
    for i, count in enumerate(per_child_contacts):
        created = specs[i][0]
        earliest = max(created, window)
        for n in range(count):
            if n == 0 and created >= window and random_() < 0.35:
                received = min(created + randint(60, 2 * HOUR), -60)
            else:
                received = randint(earliest, -60)
            c_child.append(i)
            c_received.append(received)
    contact_order = sorted(range(len(c_child)), key=c_received.__getitem__)
    contact_base = Contact.objects.aggregate(m=Max("id"))["m"] or 0
    referrer_agencies = {
        b: (agencies, list(itertools.accumulate(_REFERRER_WEIGHTS.get(sector_of[a], 3) for a in agencies)))
        for b, agencies in agencies_of.items()
        if agencies
    }
    rag_values = [v for v, _ in _RAG_MIX]
    rag_cum = list(itertools.accumulate(w for _, w in _RAG_MIX))
    outcome_mix = {
        rag: ([v for v, _ in mix], list(itertools.accumulate(w for _, w in mix)))
        for rag, mix in _OUTCOME_MIX.items()
    }
    # What the status history and the clocks need, per contact in id order.
    lives: list[tuple[Any, ...]] = []
    open_per_board: dict[int, int] = {}

    def contact_rows() -> Iterator[tuple[Any, ...]]:
        for position, j in enumerate(contact_order):
            pk = contact_base + 1 + position
            i = c_child[j]
            board = specs[i][1]
            received = c_received[j]
            if random_() < _PUBLIC_SHARE:
                referrer_agency = None
                referrer_name = rng.choice(_PUBLIC_REFERRERS)
                recorder = rng.choice(mash_staff[board])
            else:
                agencies, cum = referrer_agencies[board]
                referrer_agency = choices(agencies, cum_weights=cum)[0]
                people = practice.get(referrer_agency)
                referrer = rng.choice(people) if people else None
                referrer_name = user_fields[referrer][0] if referrer else "Duty officer"
                recorder = referrer if referrer and random_() < 0.5 else rng.choice(mash_staff[board])
            recorded = min(received + randint(60, 90 * 60), 0)
            # Screening, decision and feedback delays; a few contacts get stuck for much longer.
            slow = 10 if random_() < 0.004 else 1
            rated = recorded + int(rng.expovariate(1 / (4 * HOUR)) * slow) + 60
            rag = choices(rag_values, cum_weights=rag_cum)[0]
            decided = rated + int(rng.expovariate(1 / (_DECIDE_HOURS[rag] * HOUR)) * slow) + 60
            closed = decided + int(rng.expovariate(1 / (18 * HOUR)) * slow) + 60
            outcome_values, outcome_cum = outcome_mix[rag]
            outcome = choices(outcome_values, cum_weights=outcome_cum)[0]
            rater, decider = rng.choice(mash_staff[board]), rng.choice(mash_managers[board])
            closer = rng.choice(mash_staff[board])
            status = (
                "closed"
                if closed <= 0
                else "decided"
                if decided <= 0
                else "rated"
                if rated <= 0
                else "received"
            )
            step = ("received", "rated", "decided", "closed").index(status)
            if status != "closed":
                open_per_board[board] = open_per_board.get(board, 0) + 1
            lives.append((pk, board, status, recorder, recorded, rated, rater, rag, decided, decider, outcome,
                          closed, closer))  # fmt: skip
            yield (
                pk,
                board,
                f"MC-{pk:06d}",
                child_ids[i],
                referrer_agency,
                referrer_name,
                at(received),
                _CONCERNS[int(random_() * len(_CONCERNS))],
                status,
                rag if step >= 1 else "",
                _RAG_RATIONALES[rag] if step >= 1 else "",
                rater if step >= 1 else None,
                at(rated) if step >= 1 else None,
                outcome if step >= 2 else "",
                _DECISION_RATIONALES[outcome] if step >= 2 else "",
                decider if step >= 2 else None,
                at(decided) if step >= 2 else None,
                at(closed) if step >= 3 else None,
                recorder,
                at(recorded),
                step + 1,
            )

    contact_fields = (
        "id", "board_id", "reference", "child_id", "referrer_agency_id", "referrer_name", "received_at",
        "concern", "status", "rag", "rag_rationale", "rated_by_id", "rated_at", "outcome",
        "decision_rationale", "decided_by_id", "decided_at", "feedback_sent_at", "recorded_by_id",
        "recorded_at", "version",
    )  # fmt: skip
    with bulk_load_mode(Contact) if big else nullcontext():
        rows["casework.contact"] = ctx.bulk_insert(Contact, contact_fields, contact_rows())

    def status_changes() -> Iterator[tuple[Any, ...]]:
        for (
            pk,
            _,
            status,
            recorder,
            recorded,
            rated,
            rater,
            rag,
            decided,
            decider,
            outcome,
            closed,
            closer,
        ) in lives:
            yield (pk, "", "received", recorder, at(recorded), "")
            if status == "received":
                continue
            yield (pk, "received", "rated", rater, at(rated), _RAG_RATIONALES[rag])
            if status == "rated":
                continue
            yield (pk, "rated", "decided", decider, at(decided), _DECISION_RATIONALES[outcome])
            if status == "closed":
                yield (pk, "decided", "closed", closer, at(closed), _CLOSED_REASON)

    change_fields = ("contact_id", "from_status", "to_status", "actor_id", "at", "reason")
    with bulk_load_mode(ContactStatusChange) if big else nullcontext():
        rows["casework.contactstatuschange"] = ctx.bulk_insert(
            ContactStatusChange, change_fields, status_changes()
        )

    # 5. The open timescale of every rated contact still waiting for its decision, owned by who rated it.
    rules = {rule.code: rule for rule in TimescaleRule.objects.filter(code__in=list(RAG_TIMESCALE.values()))}
    contact_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(Contact).pk

    def clock_rows() -> Iterator[tuple[Any, ...]]:
        for pk, board, status, _, _, rated, rater, rag, *_ in lives:
            rule = rules.get(RAG_TIMESCALE.get(rag, ""))
            if status != "rated" or rule is None:
                continue
            started = at(rated)
            jurisdiction = jurisdiction_of.get(board, "ENG")
            yield (
                rule.pk,
                contact_type,
                str(pk),
                jurisdiction,
                rater,
                f"Contact MC-{pk:06d}: partner information and decision ({rag})",
                f"/mash/contacts/{pk}/",
                started,
                due_at(rule.unit, rule.limit, started, jurisdiction),
                None,
                "",
                started,
            )

    clock_fields = (
        "rule_id", "subject_type_id", "subject_id", "jurisdiction", "owner_id", "title", "url", "started_at",
        "due_at", "met_at", "breach_reason", "created_at",
    )  # fmt: skip
    # A list first: due_at reads the bank holidays, which cannot be done while a COPY holds the connection.
    rows["core.clock"] = ctx.bulk_insert(Clock, clock_fields, list(clock_rows()))
    _reset_sequences([Child, ChronologyEntry, Contact])

    ctx.state.update(
        {
            "casework.child_ids": (child_ids.start, child_ids.stop),
            "casework.hot_child_id": child_ids[hot_index],
            "casework.hot_child_entries": hot_entries,
            "casework.open_contacts_by_board": open_per_board,
        }
    )
    ctx.log(
        f"casework: hot child {child_ids[hot_index]} with {hot_entries} entries; open contacts by board "
        f"{dict(sorted(open_per_board.items()))}"
    )
    return rows


register_generator("casework", generate_casework, depends_on=["people"])
