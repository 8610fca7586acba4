"""Scale data: the generator is deterministic, keeps the audit chain valid and refuses to run twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from safeguard.core import scale
from safeguard.core.audit import check_chain
from safeguard.core.models import AccessEvent, AuditEvent, Clock
from safeguard.people.models import Board, Membership, User


def _fingerprint() -> dict[str, object]:
    """What was generated, named by natural keys so that database ids do not matter."""
    return {
        "users": list(User.objects.order_by("email").values_list("email", "full_name", "is_superuser")),
        "memberships": list(
            Membership.objects.order_by("user__email", "role").values_list(
                "user__email", "agency__name", "team__name", "role"
            )
        ),
        "boards": list(Board.objects.order_by("short_name").values_list("short_name", "jurisdiction")),
        "clocks": list(Clock.objects.order_by("title").values_list("title", "owner__email", "due_at")),
        "access": list(
            AccessEvent.objects.order_by("at", "pk").values_list(
                "at", "user__email", "target_type__model", "via", "route"
            )
        ),
        "audit": list(
            AuditEvent.objects.exclude(system_process=scale.SYSTEM_PROCESS)
            .order_by("sequence")
            .values_list("sequence", "at", "actor__email", "action", "changes")
        ),
    }


def _generate(seed: int) -> tuple[dict[str, object], scale.GenerationReport, bool]:
    """Generate the tiny profile, read it back and check the chain, then roll it all back."""
    with transaction.atomic():
        report = scale.generate("tiny", seed=seed)
        fingerprint = _fingerprint()
        intact = check_chain().intact
        transaction.set_rollback(True)
    return fingerprint, report, intact


def test_the_same_seed_gives_the_same_data_and_a_valid_chain(db) -> None:
    first, report, intact = _generate(seed=7)
    second, _, intact_again = _generate(seed=7)
    assert intact and intact_again
    assert first == second
    assert report.rows["core.auditevent"] == scale.PROFILES["tiny"].counts["core.audit_events"]
    assert report.rows["core.accessevent"] == len(first["access"])  # type: ignore[arg-type]
    assert [email for email, _, su in first["users"] if su] == [scale.SCALE_ADMIN_EMAIL]  # type: ignore[attr-defined]


def test_another_seed_gives_other_data(db) -> None:
    assert _generate(seed=7)[0]["users"] != _generate(seed=8)[0]["users"]


def test_the_chain_continues_from_existing_entries(db) -> None:
    from safeguard.core.audit import record_event

    record_event(system_process="test", action="test.before_scale")
    with transaction.atomic():
        scale.generate("tiny", seed=1)
        assert check_chain().intact
        transaction.set_rollback(True)


def test_a_database_with_scale_data_is_refused(db) -> None:
    call_command("generate_scale_data", "--profile", "tiny", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds scale data"):
        call_command("generate_scale_data", "--profile", "tiny")


def test_production_is_refused(db, settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(scale.ScaleDataError, match="never in production"):
        scale.generate("tiny")


def test_generators_run_after_what_they_depend_on(monkeypatch) -> None:
    monkeypatch.setattr(scale, "_generators", dict(scale._generators))
    scale.register_generator("zz.first_by_name", lambda ctx: {}, depends_on=["people"])
    scale.register_generator("aa.needs_zz", lambda ctx: {}, depends_on=["zz.first_by_name"])
    names = [g.name for g in scale.generators_in_order()]
    assert names.index("people") < names.index("zz.first_by_name") < names.index("aa.needs_zz")
    scale.register_generator("people", lambda ctx: {}, depends_on=["aa.needs_zz"])
    with pytest.raises(scale.ScaleDataError, match="cycle"):
        scale.generators_in_order()
