"""`salon backup …` as cron and an owner run it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from salon_tui.data.models import Staff
from tests.cli.conftest import OWNER_ENV


def test_backup_run_prints_one_line_and_list_shows_it(run, initialised, salon_home: Path) -> None:
    result = run("backup", "run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok ") and result.stdout.count("\n") == 1
    listed = run("backup", "list", "--json")
    assert listed.exit_code == 0
    assert '"encrypted": false' in listed.stdout


def test_encrypted_backup_verify_and_restore(
    run, initialised, salon_home: Path, tmp_path: Path, reopen
) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text("a long nightly passphrase\n")
    assert run("backup", "run", "--encrypt", "--passphrase-file", str(secret)).exit_code == 0
    (backup_file,) = (salon_home / "backups").glob("salon-*.enc")
    assert (
        run("backup", "verify", str(backup_file), "--passphrase-file", str(secret)).exit_code == 0
    )
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    refused = run("backup", "verify", str(backup_file), "--passphrase-file", str(wrong))
    assert refused.exit_code == 1
    assert "wrong passphrase" in refused.stderr
    run("staff", "add", "After Backup", "--role", "stylist", "--pin", "1234", env=OWNER_ENV)
    restored = run("backup", "restore", str(backup_file), "--passphrase-file", str(secret), "--yes")
    assert restored.exit_code == 0, restored.stderr
    with reopen().read() as session:
        names = [person.name for person in session.exec(select(Staff))]
    assert names == ["王芳"]


def test_restore_without_yes_in_a_script_refuses(run, initialised, salon_home: Path) -> None:
    run("backup", "run")
    (backup_file,) = (salon_home / "backups").glob("salon-*.tar.gz")
    result = run("backup", "restore", str(backup_file))
    assert result.exit_code == 2
    assert "--yes" in result.stderr


def test_verify_of_a_file_that_is_not_a_backup(run, initialised, tmp_path: Path) -> None:
    bogus = tmp_path / "salon-20261122T020000Z.tar.gz"
    bogus.write_bytes(b"not a tarball")
    result = run("backup", "verify", str(bogus))
    assert result.exit_code == 1
    assert "damaged" in result.stderr


def test_schedule_prints_a_crontab_line(run, initialised, salon_home: Path) -> None:
    result = run("backup", "schedule", "--at", "03:15")
    assert result.exit_code == 0
    assert result.stdout.startswith("15 3 * * * PATH=")
    assert f"SALON_HOME={salon_home}" in result.stdout
    assert run("backup", "schedule", "--at", "3pm").exit_code == 1
