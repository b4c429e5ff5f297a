"""Checking a backup and putting it back.

``verify_backup`` decrypts and unpacks into a scratch folder, checks the manifest's
SHA-256, runs SQLite's integrity check, and opens the copy to run every database check
(audit chain, ledgers). ``restore_backup`` verifies first, refuses while the app is open
on the database, keeps a copy of the current database, then swaps the restored file in.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salon_tui import paths
from salon_tui.data import schema
from salon_tui.data.app_lock import no_app_open
from salon_tui.data.archive import ArchiveError, fsync_dir, fsync_file, opened, sha256_of
from salon_tui.data.engine import is_sqlite_url, sqlite_path
from salon_tui.data.sqlite_copy import copy_database
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import SYSTEM
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _


class BackupUnusable(SalonError):
    title = N_("Backup not usable")


@dataclass(frozen=True)
class BackupCheck:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_copy: Path | None
    manifest: dict[str, Any]


def _check_unpacked(manifest: dict[str, Any], database: Path) -> list[str]:
    problems = []
    if sha256_of(database) != manifest.get("sha256"):
        problems.append(_("the database inside does not match its manifest (SHA-256)"))
        return problems
    revision = manifest.get("schema_revision")
    if revision and revision not in schema.known_revisions():
        problems.append(
            _("it was written by a newer version of salon_tui (schema {revision})").format(
                revision=revision
            )
        )
        return problems
    if manifest.get("engine") == "postgresql":
        listing = subprocess.run(
            ["pg_restore", "--list", str(database)], capture_output=True, text=True
        )
        if listing.returncode != 0:
            problems.append(
                _("pg_restore cannot read the dump: {detail}").format(
                    detail=listing.stderr.strip()[:200]
                )
            )
        return problems
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        problems += [
            row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"
        ]
    except sqlite3.DatabaseError as error:
        problems.append(str(error))
    finally:
        connection.close()
    if problems:
        return problems
    from salon_tui.services import database as database_service

    uow = UnitOfWork(f"sqlite:///{database}")
    try:
        schema.upgrade(uow, database.parent)
        for result in database_service.check(uow):
            problems += [f"{result.name}: {problem}" for problem in result.problems]
    finally:
        uow.dispose()
    return problems


def verify_backup(path: Path, secret: bytes | None = None) -> BackupCheck:
    """Every check a restore relies on, on a scratch copy; nothing else is touched."""
    if not path.is_file():
        raise BackupUnusable(_("There is no backup file at {path}.").format(path=path))
    with tempfile.TemporaryDirectory(prefix="salon-verify-") as scratch:
        try:
            with opened(path, secret, Path(scratch)) as (manifest, database):
                return BackupCheck(manifest, _check_unpacked(manifest, database))
        except ArchiveError as error:
            raise BackupUnusable(
                _("{path}: {problem}.").format(path=path.name, problem=error)
            ) from error


def restore_backup(path: Path, url: str, secret: bytes | None = None) -> RestoreResult:
    """Verify ``path``, keep a copy of the current database, and restore the backup."""
    with tempfile.TemporaryDirectory(prefix="salon-restore-") as scratch:
        try:
            with opened(path, secret, Path(scratch)) as (manifest, unpacked):
                problems = _check_unpacked(manifest, unpacked)
                if problems:
                    raise BackupUnusable(
                        _("The backup failed its checks and was not restored: {problems}").format(
                            problems="; ".join(problems[:3])
                        )
                    )
                if is_sqlite_url(url):
                    previous = _restore_sqlite(unpacked, url, manifest)
                else:
                    previous = _restore_postgres(unpacked, url)
        except ArchiveError as error:
            raise BackupUnusable(
                _("{path}: {problem}.").format(path=path.name, problem=error)
            ) from error
    _audit_restore(url, path, manifest)
    return RestoreResult(path, previous, manifest)


def _restore_sqlite(unpacked: Path, url: str, manifest: dict[str, Any]) -> Path | None:
    target = sqlite_path(url)
    assert target is not None
    if manifest.get("engine") != "sqlite":
        raise BackupUnusable(
            _("This backup is of a PostgreSQL database; restore it into PostgreSQL.")
        )
    with no_app_open(target) as free:
        if not free:
            raise BackupUnusable(
                _("The app is open on this database. Close it on every terminal, then restore.")
            )
        previous = None
        if target.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            previous = copy_database(target, paths.backup_dir() / f"before-restore-{stamp}.db")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staged = target.with_name(target.name + ".restoring")
        shutil.copyfile(unpacked, staged)
        staged.chmod(0o600)
        fsync_file(staged)
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        staged.replace(target)
        fsync_dir(target.parent)
    return previous


def _restore_postgres(unpacked: Path, url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    libpq_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            libpq_url,
            str(unpacked),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupUnusable(
            _("pg_restore failed; the database is as it was: {detail}").format(
                detail=result.stderr.strip()[:300]
            )
        )
    return None


def _audit_restore(url: str, path: Path, manifest: dict[str, Any]) -> None:
    from salon_tui.services import audit, database

    uow = database.open_shop_database(url)
    try:
        with uow.transaction() as session:
            audit.record(
                session,
                SYSTEM,
                "backup.restore",
                "database",
                "database",
                after={"file": path.name, "taken_at": manifest.get("taken_at")},
            )
    finally:
        uow.dispose()
