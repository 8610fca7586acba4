"""Durability drill: back up, change the data, restore, and prove every table matches the backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeguard.core.backup import table_fingerprints
from safeguard.people.models import Agency
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_restore_brings_back_exactly_what_was_backed_up(tmp_path: Path) -> None:
    MembershipFactory.create_batch(3)
    backup = tmp_path / "backup.db"
    call_command("backup", output=backup)
    before = table_fingerprints()

    Agency.objects.filter(pk=AgencyFactory().pk).update(name="Renamed after the backup")
    assert table_fingerprints() != before

    call_command("restore", backup, yes=True)
    assert table_fingerprints() == before


def test_backup_writes_a_manifest_with_row_counts(tmp_path: Path) -> None:
    MembershipFactory.create_batch(2)
    backup = tmp_path / "backup.db"
    call_command("backup", output=backup)
    manifest = backup.with_name(backup.name + ".manifest.json").read_text()
    assert '"people_membership"' in manifest


def test_restore_refuses_without_confirmation(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    call_command("backup", output=backup)
    AgencyFactory(name="Created after the backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", backup)
    assert Agency.objects.filter(name="Created after the backup").exists()


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", tmp_path / "nope.db", yes=True)


def test_restore_without_a_manifest_changes_nothing(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    call_command("backup", output=backup)
    backup.with_name(backup.name + ".manifest.json").unlink()
    AgencyFactory(name="Still here")
    with pytest.raises(CommandError, match="No manifest"):
        call_command("restore", backup, yes=True)
    assert Agency.objects.filter(name="Still here").exists()
