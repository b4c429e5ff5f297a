"""Backups: taken while the shop works, checked, encrypted, rotated, verified, restored."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from salon_tui.data import archive
from salon_tui.data.app_lock import AppPresence, exclusive_run
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.retention import Retention
from salon_tui.services import backup, database, restore, shop, staff
from tests.conftest import PG_URL

SECRET = b"correct horse battery staple"


@pytest.fixture
def shop_url(salon_home: Path) -> str:
    uow = database.open_shop_database()
    result = shop.init_shop(uow, shop_name="Backup Salon", owner_name="Owner", owner_pin="1234")
    owner = Actor(result.owner.id, result.owner.name, Role.OWNER)
    for index in range(5):
        staff.add_staff(uow, owner, f"Stylist {index}", Role.STYLIST, "1234")
    uow.dispose()
    return f"sqlite:///{salon_home / 'salon.db'}"


def options(folder: Path, **changes: object) -> backup.BackupOptions:
    return backup.BackupOptions(destination=folder, **changes)  # type: ignore[arg-type]


def test_a_backup_holds_a_checked_copy_and_its_manifest(shop_url: str, tmp_path: Path) -> None:
    result = backup.run_backup(shop_url, options(tmp_path / "b"))
    assert result.backup.path.exists()
    assert result.backup.path.stat().st_mode & 0o777 == 0o600
    assert result.manifest["row_counts"]["staff"] == 6
    assert result.manifest["check"] == "quick_check"
    check = restore.verify_backup(result.backup.path)
    assert check.ok, check.problems
    assert backup.read_status(tmp_path / "b").ok  # type: ignore[union-attr]


def test_an_encrypted_backup_needs_its_passphrase(shop_url: str, tmp_path: Path) -> None:
    result = backup.run_backup(shop_url, options(tmp_path, secret=SECRET))
    assert result.backup.encrypted and result.backup.path.name.endswith(".enc")
    assert b"Backup Salon" not in result.backup.path.read_bytes()
    assert restore.verify_backup(result.backup.path, SECRET).ok
    with pytest.raises(restore.BackupUnusable, match="wrong passphrase"):
        restore.verify_backup(result.backup.path, b"not the passphrase")
    with pytest.raises(restore.BackupUnusable, match="encrypted"):
        restore.verify_backup(result.backup.path, None)


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_backup_is_refused(shop_url: str, tmp_path: Path, damage: str) -> None:
    path = backup.run_backup(shop_url, options(tmp_path)).backup.path
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    path.write_bytes(bytes(data))
    try:
        check = restore.verify_backup(path)
    except restore.BackupUnusable as refused:
        assert "damaged" in refused.message
    else:
        assert not check.ok and check.problems
    with pytest.raises(restore.BackupUnusable):
        restore.restore_backup(path, shop_url)


def test_rotation_keeps_what_the_rule_says(shop_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    for day in range(1, 11):
        (folder / f"salon-202611{day:02d}T023000Z.tar.gz").write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")
    result = backup.run_backup(
        shop_url, options(folder, retention=Retention(daily=3, weekly=0, monthly=0))
    )
    names = sorted(info.path.name for info in backup.list_backups(folder))
    assert names == [
        "salon-20261109T023000Z.tar.gz",
        "salon-20261110T023000Z.tar.gz",
        result.backup.path.name,
    ]
    assert (folder / "notes.txt").exists()


def test_a_full_disk_leaves_earlier_backups_untouched(
    shop_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = backup.run_backup(shop_url, options(tmp_path)).backup.path
    before = first.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "pack", full_disk)
    with pytest.raises(backup.BackupFailed, match="No space left"):
        backup.run_backup(shop_url, options(tmp_path))
    assert [info.path for info in backup.list_backups(tmp_path)] == [first]
    assert first.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]
    status = backup.read_status(tmp_path)
    assert status is not None and not status.ok and "No space left" in status.message


def test_two_runs_do_not_overlap(shop_url: str, tmp_path: Path) -> None:
    with exclusive_run(tmp_path / backup.LOCK_FILE) as held:
        assert held
        with pytest.raises(backup.BackupFailed, match="Another backup"):
            backup.run_backup(shop_url, options(tmp_path))


def test_restore_refuses_while_the_app_is_open(
    shop_url: str, salon_home: Path, tmp_path: Path
) -> None:
    path = backup.run_backup(shop_url, options(tmp_path)).backup.path
    presence = AppPresence(salon_home / "salon.db")
    try:
        with pytest.raises(restore.BackupUnusable, match="app is open"):
            restore.restore_backup(path, shop_url)
    finally:
        presence.release()


def test_restore_puts_the_data_back_and_keeps_a_copy_of_what_was_there(
    shop_url: str, tmp_path: Path
) -> None:
    path = backup.run_backup(shop_url, options(tmp_path)).backup.path
    uow = database.open_shop_database()
    owner = Actor(1, "Owner", Role.OWNER)
    staff.add_staff(uow, owner, "Added After The Backup", Role.STYLIST, "1234")
    uow.dispose()
    result = restore.restore_backup(path, shop_url)
    assert result.previous_copy is not None and result.previous_copy.exists()
    uow = database.open_shop_database()
    names = {person.name for person in staff.list_staff(uow)}
    checks = database.check(uow)
    uow.dispose()
    assert "Added After The Backup" not in names
    assert all(check.ok for check in checks)


def test_a_backup_from_a_newer_version_is_not_restored(
    shop_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = backup.run_backup(shop_url, options(tmp_path)).backup.path
    monkeypatch.setattr(restore.schema, "known_revisions", lambda: {"older_only"})
    with pytest.raises(restore.BackupUnusable, match="newer version"):
        restore.restore_backup(path, shop_url)


WRITER = """
import sys, time
from salon_tui.services import database, staff
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
uow = database.open_shop_database(sys.argv[1])
owner = Actor(1, "Owner", Role.OWNER)
for index in range(int(sys.argv[2])):
    staff.add_staff(uow, owner, f"Busy {index}", Role.STYLIST, "1234")
"""


@pytest.mark.slow
def test_a_backup_taken_while_another_process_writes_restores_to_a_consistent_shop(
    shop_url: str, tmp_path: Path
) -> None:
    writer = subprocess.Popen([sys.executable, "-c", WRITER, shop_url, "40"])
    results = []
    try:
        while writer.poll() is None:
            results.append(backup.run_backup(shop_url, options(tmp_path / f"b{len(results)}")))
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert results, "the writer finished before any backup ran"
    for result in results:
        check = restore.verify_backup(result.backup.path)
        assert check.ok, check.problems
    restored = restore.restore_backup(results[-1].backup.path, shop_url)
    assert restored.manifest["row_counts"]["staff"] >= 6


@pytest.mark.skipif(not PG_URL, reason="SALON_TEST_DATABASE_URL is not set")
def test_postgresql_backups_go_through_pg_dump(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL pass only")
    uow = database.open_shop_database(database_url)
    shop.init_shop(uow, shop_name="PG Salon", owner_name="Owner", owner_pin="1234")
    uow.dispose()
    result = backup.run_backup(database_url, options(tmp_path))
    assert result.manifest["engine"] == "postgresql"
    assert restore.verify_backup(result.backup.path).ok
    restore.restore_backup(result.backup.path, database_url)
    uow = database.open_shop_database(database_url)
    assert {p.name for p in staff.list_staff(uow)} == {"Owner"}
    uow.dispose()


def test_cron_line_has_the_path_and_home(tmp_path: Path) -> None:
    line = backup.cron_line(
        "2:05", "/usr/local/bin/salon", tmp_path, "/usr/local/bin:/usr/bin", tmp_path / "b.log"
    )
    assert line.startswith("5 2 * * * PATH=/usr/local/bin:/usr/bin SALON_HOME=")
    assert line.endswith(f"backup run >> {tmp_path / 'b.log'} 2>&1")
    from salon_tui.errors import ValidationError

    with pytest.raises(ValidationError):
        backup.cron_line("25:00", "salon", None, "/usr/bin", tmp_path / "b.log")


def test_archive_refuses_path_tricks(tmp_path: Path) -> None:
    import io
    import tarfile

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as handle:
        info = tarfile.TarInfo("../escape")
        info.size = 1
        handle.addfile(info, io.BytesIO(b"x"))
    with (
        pytest.raises(archive.ArchiveError, match="unexpected entry"),
        archive.opened(evil, None, tmp_path),
    ):
        pass
