"""Importing a board's existing action tracker into a review's plans.

Three steps, each recorded on the TrackerImport:

1. `start_import`: the upload is read, the header row detected and the columns guessed (status "uploaded");
   the user checks the mapping against a preview and may change the header row.
2. `queue_import`: the mapping is saved and the import is queued as a background task on commit.
3. `run_import` (the task): the whole file is validated first, row by row, into plain-words errors
   ('Row 14, "Due date": "31/13/2016" is not a date'); if there is any, nothing is written and the import is
   "invalid" with its report. Otherwise everything is written in one transaction. `processed_rows` counts
   rows checked (committed every few hundred rows, so the progress bar moves); the write itself is one
   transaction, which no other connection can see until it commits, so the bar then shows "Writing".

What an imported row becomes (the import runs as the uploading user, a manager of the review's boards,
and only reaches states that user may reach alone):

- Each row is a draft action in its owner's plan for the review: the single-agency plan of the agency named
  in the "Agency" column (matched loosely against the review's involved agencies: case, punctuation, "&" and
  the agency's initials, e.g. "LCFT"), or the multi-agency plan of a review board named there ("Lancashire
  LSCB"). A missing plan is created through `services.create_plan`, monitored by the owner's board's SCR
  subgroup or Critical Incident Group (else the lead board's) with every board of the review monitoring.
  An agency whose plan is waiting for approval is a row error (the service would refuse the change).
- Lead officer: a user matched by e-mail or by full name; otherwise the name is kept in `lead_officer_name`.
- Success criteria: one criterion per line (or per ";") of the cell, with the measure and target "as
  described in the imported tracker", since trackers hold one free-text column.
- Agreement is the monitoring subgroup's decision, so the import does not approve: each plan whose every
  draft action can be agreed (a due date not in the past, a lead officer, a criterion) is submitted with
  `services.submit_plan` and waits for the subgroup's approval; a plan with an action that cannot be
  agreed yet (typically an old tracker's past due dates) stays a draft, and the import report says why.
  Because draft actions take no progress updates, evidence or impact, what the tracker said about
  progress is kept in the action's description ("From tracker ..., row 14: status In progress, RAG Amber;
  latest update ...; evidence ...; impact ..."), so nothing the board recorded is lost and the subgroup
  sees it when it agrees the plan.
- RAG: where the tracker rated an action red or amber and Safeguard's computed RAG would say something milder
  (green, or amber for a red), the board's view is kept as a RAG override with the reason "Imported from tracker <filename>" (the uploader being a
  manager of a monitoring board, `can_override_rag`). A computed red (past its date) is never softened, and
  green and blue are not kept as overrides: a draft action is not closed, and the dates already speak.

The write uses `safeguard.reviews.importing` (the bulk equivalent of add_action + add_success_criterion +
override_rag, same rows and audit events), `services.create_plan` and `services.submit_plan`.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from safeguard.core.audit import record_event
from safeguard.core.calendar import add_working_days
from safeguard.people.models import Agency, Board, Subgroup, SubgroupKind, User
from safeguard.reviews import importing, services
from safeguard.reviews import permissions as perms
from safeguard.reviews.models import (
    ActionPlan,
    Finding,
    ImportStatus,
    PlanKind,
    PlanStatus,
    Rag,
    Review,
    TrackerImport,
)
from safeguard.reviews.rag import amber_window_days
from safeguard.reviews.spreadsheets import reader
from safeguard.reviews.spreadsheets.parsing import (
    CellError,
    loose,
    parse_date,
    parse_rag,
    parse_status,
    rag_from_fill,
    text,
)

PROGRESS_EVERY = 500
MAX_ERRORS_KEPT = 500
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TITLE_MAX = 300
CRITERION_MEASURE = "As described in the imported tracker"
CRITERION_TARGET = "As described in the imported tracker"
MONITORING_KINDS = (SubgroupKind.SCR, SubgroupKind.CRITICAL_INCIDENT)


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        value = self.value if len(self.value) <= 60 else self.value[:57] + "\u2026"
        return f'Row {self.row}, "{self.column}": "{value}" {self.message}'

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "text": str(self),
        }


@dataclass
class ParsedRow:
    row: int
    owner: tuple[str, int]  # ("agency", pk) or ("board", pk)
    action: importing.NewAction
    tracker_rag: str | None = None
    tracker_status: str | None = None


@dataclass
class Outcome:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


# --- Step 1: upload ------------------------------------------------------------------------------------


@transaction.atomic
def start_import(*, actor: Any, review: Review, upload: UploadedFile) -> TrackerImport:
    """Keep the upload, detect its header row and guess the columns. Refuses a file it cannot read."""
    if not perms.can_manage_review(actor, review):
        raise PermissionDenied("Only the managers and chairs of the review's boards can import a tracker.")
    name = (upload.name or "tracker").rsplit("/", 1)[-1][:255]
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": [f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."]}
        )
    try:
        sheet = reader.read_tracker(upload, name)
    except reader.ReadError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    header = reader.detect_header_row(sheet)
    labels = reader.header_labels(sheet, header)
    upload.seek(0)
    tracker = TrackerImport(
        review=review,
        original_filename=name,
        sheet_name=sheet.name,
        header_row=header,
        mapping=reader.guess_mapping(labels),
        total_rows=len(reader.data_rows(sheet, header)),
        created_by=actor,
    )
    extension = name.rsplit(".", 1)[-1].lower()
    tracker.file.save(f"tracker-{review.pk}.{extension}", upload, save=False)
    tracker.save()
    record_event(
        actor=actor,
        action="tracker_import.uploaded",
        target=tracker,
        changes={"review": review.pk, "file": name, "rows": tracker.total_rows, "header_row": header},
    )
    return tracker


def load_sheet(tracker: TrackerImport, *, fill_columns: set[int] | None = None) -> reader.Sheet:
    with tracker.file.open("rb") as stream:
        return reader.read_tracker(
            stream, tracker.original_filename, sheet_name=tracker.sheet_name, fill_columns=fill_columns
        )


def _colour_columns(mapping: dict[str, str]) -> set[int]:
    """The columns whose fill colour can say the RAG: the RAG and status columns (see `validate`)."""
    return {int(index) for index, name in mapping.items() if name in ("rag", "status")}


@transaction.atomic
def change_header_row(*, actor: Any, tracker: TrackerImport, header_row: int) -> TrackerImport:
    """Another row holds the column names: take its labels and guess the columns again."""
    tracker = TrackerImport.objects.select_for_update().get(pk=tracker.pk)
    _check_editable(actor, tracker)
    sheet = load_sheet(tracker)
    if sheet.row(header_row) is None:
        raise ValidationError({"header_row": ["Choose a row that has something in it."]})
    tracker.header_row = header_row
    tracker.mapping = reader.guess_mapping(reader.header_labels(sheet, header_row))
    tracker.total_rows = len(reader.data_rows(sheet, header_row))
    tracker.version += 1
    tracker.save(update_fields=["header_row", "mapping", "total_rows", "version"])
    record_event(
        actor=actor,
        action="tracker_import.header_changed",
        target=tracker,
        changes={"header_row": header_row},
    )
    return tracker


def _check_editable(actor: Any, tracker: TrackerImport) -> None:
    if tracker.created_by_id != getattr(actor, "pk", None) or not perms.can_manage_review(
        actor, tracker.review
    ):
        raise PermissionDenied("Only the person who uploaded the tracker can import it.")
    if tracker.status not in {ImportStatus.UPLOADED, ImportStatus.INVALID}:
        raise ValidationError({"import": ["This import has already started."]})


# --- Step 2: queue -------------------------------------------------------------------------------------


def mapping_problems(mapping: dict[str, str]) -> list[str]:
    fields = list(mapping.values())
    problems = [
        f"Choose the column that holds \u201c{reader.FIELDS[name]}\u201d."
        for name in reader.REQUIRED_FIELDS
        if name not in fields
    ]
    duplicates = sorted({f for f in fields if fields.count(f) > 1})
    problems += [f"Only one column can hold \u201c{reader.FIELDS[name]}\u201d." for name in duplicates]
    return problems


@transaction.atomic
def queue_import(*, actor: Any, tracker: TrackerImport, mapping: dict[str, str]) -> TrackerImport:
    """Save the confirmed mapping and run the import in the background once this transaction commits."""
    tracker = TrackerImport.objects.select_for_update().get(pk=tracker.pk)
    _check_editable(actor, tracker)
    mapping = {str(k): v for k, v in mapping.items() if v in reader.FIELDS}
    problems = mapping_problems(mapping)
    if problems:
        raise ValidationError({"mapping": problems})
    tracker.mapping = mapping
    tracker.status = ImportStatus.QUEUED
    tracker.errors = []
    tracker.processed_rows = 0
    tracker.version += 1
    tracker.save(update_fields=["mapping", "status", "errors", "processed_rows", "version"])
    record_event(actor=actor, action="tracker_import.queued", target=tracker, changes={"mapping": mapping})
    tracker_id = tracker.pk
    transaction.on_commit(lambda: run_tracker_import.enqueue(tracker_id))
    return tracker


@task()
def run_tracker_import(tracker_id: int) -> str:
    """The background task: validate the whole tracker, then write it in one transaction."""
    tracker = TrackerImport.objects.filter(pk=tracker_id).first()
    if tracker is None or tracker.status != ImportStatus.QUEUED:
        return "skipped"
    return run_import(tracker)


# --- Step 3: validate and write ---------------------------------------------------------------------------


def _set_progress(tracker: TrackerImport, **fields: Any) -> None:
    TrackerImport.objects.filter(pk=tracker.pk).update(**fields)
    for name, value in fields.items():
        setattr(tracker, name, value)


def run_import(tracker: TrackerImport) -> str:
    started = time.perf_counter()
    _set_progress(tracker, status=ImportStatus.RUNNING, processed_rows=0)
    actor = tracker.created_by
    try:
        sheet = load_sheet(tracker, fill_columns=_colour_columns(tracker.mapping))
        outcome = validate(tracker, sheet, progress=lambda n: _set_progress(tracker, processed_rows=n))
    except reader.ReadError as exc:
        outcome = Outcome(errors=[RowError(None, "", "", str(exc))])
    if outcome.errors:
        with transaction.atomic():
            _set_progress(
                tracker,
                status=ImportStatus.INVALID,
                errors=[e.as_dict() for e in outcome.errors[:MAX_ERRORS_KEPT]],
                total_rows=outcome.total or tracker.total_rows,
                finished_at=timezone.now(),
            )
            record_event(
                actor=actor,
                action="tracker_import.invalid",
                target=tracker,
                changes={"errors": len(outcome.errors), "first": str(outcome.errors[0])},
            )
        return "invalid"
    try:
        with transaction.atomic():
            summary = write(tracker, outcome.rows)
            seconds = round(time.perf_counter() - started, 2)
            _set_progress(
                tracker,
                status=ImportStatus.DONE,
                processed_rows=outcome.total,
                total_rows=outcome.total,
                created_actions=summary["actions"],
                errors=[],
                finished_at=timezone.now(),
            )
            record_event(
                actor=actor,
                action="tracker_import.done",
                target=tracker,
                changes={**summary, "seconds": seconds},
            )
    except (ValidationError, PermissionDenied) as exc:
        # A service refused what validation passed (e.g. a plan submitted for approval in the meantime).
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        with transaction.atomic():
            _set_progress(
                tracker,
                status=ImportStatus.FAILED,
                errors=[RowError(None, "", "", f"Nothing was imported: {message}").as_dict()],
                finished_at=timezone.now(),
            )
            record_event(actor=actor, action="tracker_import.failed", target=tracker, reason=message[:500])
        return "failed"
    return "done"


class _Lookups:
    """Everything the rows are matched against, fetched once."""

    def __init__(self, review: Review) -> None:
        self.review = review
        self.agencies = list(review.involved_agencies.all())
        self.boards = list(
            Board.objects.filter(Q(pk=review.lead_board_id) | Q(partner_reviews=review)).distinct()
        )
        self.agency_keys = self._keys([(a, a.name) for a in self.agencies])
        self.board_keys = self._keys(
            [(b, b.name) for b in self.boards] + [(b, b.short_name) for b in self.boards]
        )
        self.findings_by_number = {f.number: f for f in Finding.objects.filter(review=review)}
        self.findings_by_title = {loose(f.title): f for f in self.findings_by_number.values()}
        self.plans = {
            (
                ("agency", p.owner_agency_id)
                if p.kind == PlanKind.SINGLE_AGENCY
                else ("board", p.owner_board_id)
            ): p
            for p in ActionPlan.objects.filter(review=review)
        }
        self._users: tuple[dict[str, User], dict[str, User | None]] | None = None
        # A tracker names the same few agencies and people row after row: each text is matched once.
        self._owners: dict[str, tuple[str, Any] | None] = {}
        self._matched_users: dict[str, User | None] = {}
        self._findings: dict[str, Finding | None] = {}

    @staticmethod
    def _keys(named: list[tuple[Any, str]]) -> dict[str, Any]:
        keys: dict[str, Any] = {}
        ambiguous: set[str] = set()
        for obj, name in named:
            words = re.findall(r"[A-Za-z0-9]+", re.sub(r"\(.*?\)", "", name))
            initials = "".join(w[0] for w in words if w[0].isupper() or w[0].isdigit()).lower()
            for key in {
                loose(name),
                loose(re.sub(r"\(.*?\)", "", name)),
                initials if len(initials) >= 3 else "",
            }:
                if not key:
                    continue
                if key in keys and keys[key] != obj:
                    ambiguous.add(key)
                keys[key] = obj
        for key in ambiguous:
            keys.pop(key, None)
        return keys

    @staticmethod
    def _find(keys: dict[str, Any], value: str) -> Any:
        key = loose(value)
        if not key:
            return None
        if key in keys:
            return keys[key]
        if len(key) >= 5:
            found = {
                id(obj): obj for name, obj in keys.items() if key in name or (len(name) >= 5 and name in key)
            }
            if len(found) == 1:
                return next(iter(found.values()))
        return None

    def owner(self, value: str) -> tuple[str, Any] | None:
        if value not in self._owners:
            self._owners[value] = self._owner(value)
        return self._owners[value]

    def _owner(self, value: str) -> tuple[str, Any] | None:
        agency = self._find(self.agency_keys, value)
        if agency is not None:
            return ("agency", agency)
        board = self._find(self.board_keys, value)
        if board is not None:
            return ("board", board)
        return None

    def user(self, value: str) -> User | None:
        if value not in self._matched_users:
            self._matched_users[value] = self._user(value)
        return self._matched_users[value]

    def _user(self, value: str) -> User | None:
        if self._users is None:
            by_email: dict[str, User] = {}
            by_name: dict[str, User | None] = {}
            for user in User.objects.filter(is_active=True).only("pk", "email", "full_name", "is_active"):
                by_email[user.email.lower()] = user
                key = loose(user.full_name)
                if key:
                    by_name[key] = None if key in by_name else user  # two people of one name: no match
            self._users = (by_email, by_name)
        by_email, by_name = self._users
        found = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", value)
        if found and found[0].lower() in by_email:
            return by_email[found[0].lower()]
        return by_name.get(loose(value))

    def finding(self, value: str) -> Finding | None:
        if value not in self._findings:
            self._findings[value] = self._finding(value)
        return self._findings[value]

    def _finding(self, value: str) -> Finding | None:
        number = re.match(r"^\s*(?:finding|f|no\.?|number)?\s*(\d+)\b", value, flags=re.IGNORECASE)
        if number:
            return self.findings_by_number.get(int(number[1]))
        return self.findings_by_title.get(loose(value))


def _split_criteria(value: str) -> list[str]:
    parts = re.split(r"\s*(?:\r?\n|;|\u2022)\s*", value)
    return [re.sub(r"^[-*\d.)\s]+(?=\S)", "", p).strip() for p in parts if p.strip(" -*")]


def _title_and_rest(value: str) -> tuple[str, str]:
    value = value.strip()
    if len(value) <= TITLE_MAX:
        return value, ""
    cut = value[: TITLE_MAX - 1].rsplit(" ", 1)[0]
    return cut + "\u2026", value


def validate(tracker: TrackerImport, sheet: reader.Sheet, *, progress: Any = None) -> Outcome:
    """Check every row and build what it will become. Errors are collected, never raised."""
    review = tracker.review
    labels = reader.header_labels(sheet, tracker.header_row)
    columns = {name: int(index) for index, name in tracker.mapping.items()}
    outcome = Outcome()
    if not perms.can_manage_review(tracker.created_by, review):
        outcome.errors.append(
            RowError(None, "", "", "You can no longer manage this review, so it cannot be imported.")
        )
        return outcome
    outcome.errors += [RowError(None, "", "", p) for p in mapping_problems(tracker.mapping)]
    if outcome.errors:
        return outcome
    lookups = _Lookups(review)
    today = timezone.localdate()
    amber_until = add_working_days(today, amber_window_days())
    reason = f"Imported from tracker {tracker.original_filename}"
    rows = reader.data_rows(sheet, tracker.header_row)
    outcome.total = len(rows)

    def label(name: str) -> str:
        index = columns[name]
        return labels[index] if index < len(labels) else reader.FIELDS[name]

    for count, row in enumerate(rows, start=1):
        errors: list[RowError] = []

        def cell(name: str, row: reader.Row = row) -> Any:
            return row.value(columns[name]) if name in columns else None

        def fail(
            name: str, value: Any, message: str, row: reader.Row = row, errors: list[RowError] = errors
        ) -> None:
            errors.append(RowError(row.number, label(name), text(value), message))

        title_text = text(cell("action"))
        if not title_text:
            fail("action", "", "is empty: say what will be done")
        agency_text = text(cell("agency"))
        owner = lookups.owner(agency_text) if agency_text else None
        if not agency_text:
            fail("agency", "", "is empty: name the agency that owns the action")
        elif owner is None:
            fail("agency", agency_text, "is not one of the agencies or boards of this review")
        due: date | None = None
        raw_due = cell("due_date")
        try:
            due = parse_date(raw_due)
        except CellError as exc:
            fail("due_date", raw_due, str(exc))
        rag: str | None = None
        if "rag" in columns:
            try:
                rag = parse_rag(cell("rag")) or rag_from_fill(row.fill(columns["rag"]))
            except CellError as exc:
                fail("rag", cell("rag"), str(exc))
        if rag is None and "status" in columns:
            rag = rag_from_fill(row.fill(columns["status"]))
        status: str | None = None
        if "status" in columns:
            try:
                status = parse_status(cell("status"))
            except CellError as exc:
                fail("status", cell("status"), str(exc))
        key: tuple[str, int] | None = None
        if owner is not None:
            key = (owner[0], owner[1].pk)
            plan = lookups.plans.get(key)
            if plan is not None and plan.status == PlanStatus.SUBMITTED:
                fail(
                    "agency",
                    agency_text,
                    "has a plan waiting for approval: ask for it to be returned before importing into it",
                )
        if errors:
            outcome.errors += errors
        elif key is not None and due is not None:
            lead_text = text(cell("lead_officer"))
            lead = lookups.user(lead_text) if lead_text else None
            finding_text = text(cell("finding"))
            finding = lookups.finding(finding_text) if finding_text else None
            title, full = _title_and_rest(title_text)
            notes = [f"From tracker {tracker.original_filename}, row {row.number}."]
            if full:
                notes.insert(0, full)
            if status or rag:
                said = [f"status {status}" if status else "", f"RAG {Rag(rag).label}" if rag else ""]
                notes.append("Tracker " + ", ".join(s for s in said if s) + ".")
            if finding_text and finding is None:
                notes.append(f"Finding (tracker): {finding_text}")
            for name, heading in (
                ("latest_update", "Latest update"),
                ("evidence", "Evidence"),
                ("impact", "Impact"),
            ):
                value = text(cell(name))
                if value:
                    notes.append(f"{heading} (tracker): {value}")
            computed = Rag.RED if due < today else (Rag.AMBER if due <= amber_until else Rag.GREEN)
            # The board's red or amber is kept where the dates would say otherwise; never to soften a red.
            override = rag if rag in (Rag.RED, Rag.AMBER) and computed not in (rag, Rag.RED) else ""
            criteria = [
                importing.NewCriterion(statement=s, measure=CRITERION_MEASURE, target=CRITERION_TARGET)
                for s in _split_criteria(text(cell("success_criteria")))
            ]
            outcome.rows.append(
                ParsedRow(
                    row=row.number,
                    owner=key,
                    tracker_rag=rag,
                    tracker_status=status,
                    action=importing.NewAction(
                        title=title,
                        description="\n\n".join(notes),
                        lead_officer=lead,
                        lead_officer_name="" if lead else lead_text[:200],
                        due_date=due,
                        finding=finding,
                        criteria=criteria,
                        rag_override=override,
                        rag_override_reason=reason if override else "",
                    ),
                )
            )
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(outcome.total)
    return outcome


def _monitoring_subgroup(review: Review, board: Board | None) -> Subgroup | None:
    boards = [b for b in ([board] if board else []) + [review.lead_board] if b is not None]
    for candidate in boards:
        for kind in MONITORING_KINDS:
            subgroup = Subgroup.objects.filter(board=candidate, kind=kind).order_by("pk").first()
            if subgroup is not None:
                return subgroup
    return Subgroup.objects.filter(board=review.lead_board).order_by("pk").first()


def write(tracker: TrackerImport, rows: list[ParsedRow]) -> dict[str, Any]:
    """Create plans as needed, the actions with their criteria, and submit the plans that are ready."""
    review = tracker.review
    actor = tracker.created_by
    boards = list(Board.objects.filter(Q(pk=review.lead_board_id) | Q(partner_reviews=review)).distinct())
    board_ids = {b.pk for b in boards}
    by_owner: dict[tuple[str, int], list[ParsedRow]] = defaultdict(list)
    for parsed in rows:
        by_owner[parsed.owner].append(parsed)
    existing = {
        (
            ("agency", p.owner_agency_id) if p.kind == PlanKind.SINGLE_AGENCY else ("board", p.owner_board_id)
        ): p
        for p in ActionPlan.objects.filter(review=review)
    }
    agencies = Agency.objects.in_bulk([pk for kind, pk in by_owner if kind == "agency"])
    owner_boards = Board.objects.in_bulk([pk for kind, pk in by_owner if kind == "board"])
    summary: dict[str, Any] = {"actions": 0, "plans_created": 0, "plans_submitted": [], "plans_draft": {}}
    for (kind, pk), items in by_owner.items():
        plan = existing.get((kind, pk))
        if plan is None:
            if kind == "agency":
                agency = agencies[pk]
                home = next((b for b in agency.boards.all() if b.pk in board_ids), None)
                owner_kwargs: dict[str, Any] = {"kind": PlanKind.SINGLE_AGENCY, "owner_agency": agency}
                title = f"{agency.name} action plan"
            else:
                home = owner_boards[pk]
                owner_kwargs = {"kind": PlanKind.MULTI_AGENCY, "owner_board": home}
                title = f"{home.short_name or home.name} multi-agency action plan"
            subgroup = _monitoring_subgroup(review, home)
            if subgroup is None:
                raise ValidationError("None of the review's boards has a subgroup to monitor the plans.")
            plan = services.create_plan(
                actor=actor,
                review=review,
                monitoring_subgroup=subgroup,
                monitoring_boards=boards,
                title=f"{title}: {review.subject_pseudonym}",
                **owner_kwargs,
            )
            summary["plans_created"] += 1
        added = importing.bulk_add_actions(actor=actor, plan=plan, new_actions=[i.action for i in items])
        summary["actions"] += len(added)
        problems = _readiness([i.action for i in items])
        if not problems:
            plan.refresh_from_db()
            try:
                # The service checks the plan's other drafts too; a refusal leaves the plan a draft.
                with transaction.atomic():
                    services.submit_plan(actor=actor, plan=plan)
            except ValidationError as exc:
                problems = exc.messages
        if problems:
            more = [f"and {len(problems) - 5} more"] if len(problems) > 5 else []
            summary["plans_draft"][plan.title] = problems[:5] + more
        else:
            summary["plans_submitted"].append(plan.title)
    return summary


def _readiness(new_actions: list[importing.NewAction]) -> list[str]:
    """Why the new actions cannot be agreed yet, judged in memory (submit_plan judges the plan's others)."""
    today = timezone.localdate()
    problems = []
    for action in new_actions:
        name = f"\u201c{action.title[:60]}\u201d"
        if action.due_date is None or action.due_date < today:
            problems.append(f"{name} is due before today: agree a new date before submitting the plan.")
        elif action.lead_officer is None and not action.lead_officer_name:
            problems.append(f"{name} needs a lead officer.")
        elif not action.criteria:
            problems.append(f"{name} needs a success criterion.")
    return problems


def is_finished(tracker: TrackerImport) -> bool:
    return tracker.status in {ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED}


def error_report(tracker: TrackerImport) -> list[str]:
    return [
        item.get("text") or str(RowError(**{k: item.get(k) for k in ("row", "column", "value", "message")}))
        for item in tracker.errors
    ]
