"""Backups that cron can trust: consistent, checked, compressed, optionally encrypted,
written atomically, rotated, optionally copied to a second folder.

A SQLite database is copied through SQLite's backup API while the app may be selling;
PostgreSQL goes through ``pg_dump`` (custom format). The outcome of every run, good or
bad, is written to ``last-run.json`` in the backup folder, which the home screen reads
next morning. A failed run leaves earlier backups untouched.
"""

from __future__ import annotations

import errno
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salon_tui import __version__, paths
from salon_tui.data.app_lock import exclusive_run
from salon_tui.data.archive import (
    ARCHIVE_SUFFIX,
    ENCRYPTED_SUFFIX,
    encrypt,
    fsync_dir,
    fsync_file,
    is_encrypted,
    pack,
    sha256_of,
)
from salon_tui.data.engine import is_sqlite_url, sqlite_path
from salon_tui.data.sqlite_copy import copy_database
from salon_tui.domain.retention import Retention, backups_to_keep
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _

NAME_PATTERN = re.compile(r"^salon-(\d{8}T\d{6}Z)\.tar\.gz(\.enc)?$")
STATUS_FILE = "last-run.json"
LOCK_FILE = ".backup.lock"


class BackupFailed(SalonError):
    title = N_("Backup failed")


@dataclass(frozen=True)
class BackupOptions:
    destination: Path
    retention: Retention = field(default_factory=Retention)
    secret: bytes | None = None
    copy_to: Path | None = None
    full_check: bool = False


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size_bytes: int
    encrypted: bool


@dataclass(frozen=True)
class BackupResult:
    backup: BackupInfo
    manifest: dict[str, Any]
    removed: list[Path]
    copied_to: Path | None
    seconds: float


@dataclass(frozen=True)
class RunStatus:
    ok: bool
    finished_at: datetime
    message: str
    backup: str | None


def default_destination() -> Path:
    return paths.backup_dir()


def backup_name(taken_at: datetime, encrypted: bool) -> str:
    return f"salon-{taken_at:%Y%m%dT%H%M%SZ}{ENCRYPTED_SUFFIX if encrypted else ARCHIVE_SUFFIX}"


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first; other files are ignored."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match is None or not path.is_file():
            continue
        taken_at = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        found.append(BackupInfo(path, taken_at, path.stat().st_size, bool(match.group(2))))
    return sorted(found, key=lambda info: info.taken_at, reverse=True)


def rotate(folder: Path, retention: Retention) -> list[Path]:
    """Delete the backups the retention rule no longer keeps; the removed paths."""
    backups = list_backups(folder)
    keep = backups_to_keep([info.taken_at for info in backups], retention)
    removed = []
    for info in backups:
        if info.taken_at not in keep:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def read_status(folder: Path | None = None) -> RunStatus | None:
    """The outcome of the last run (for the home screen), or None before the first."""
    path = (folder or default_destination()) / STATUS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunStatus(
            ok=bool(data["ok"]),
            finished_at=datetime.fromisoformat(data["finished_at"]),
            message=str(data["message"]),
            backup=data.get("backup"),
        )
    except (OSError, ValueError, KeyError):
        return None


def _write_status(folder: Path, status: RunStatus) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = asdict(status) | {"finished_at": status.finished_at.isoformat()}
        temporary = folder / (STATUS_FILE + ".partial")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        temporary.replace(folder / STATUS_FILE)
    except OSError:
        pass  # the status is a convenience; the run's own outcome is already decided


def _database_facts(url: str, *, full: bool = False) -> dict[str, Any]:
    """Row counts and schema revision of ``url``; SQLite's own check on a SQLite copy."""
    from sqlalchemy import create_engine

    from salon_tui.data.inspection import row_counts
    from salon_tui.data.schema import current_revision

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            problems: list[str] = []
            check = "pg_dump"
            if is_sqlite_url(url):
                check = "integrity_check" if full else "quick_check"
                rows = connection.exec_driver_sql(f"PRAGMA {check}").fetchall()
                problems = [str(row[0]) for row in rows if row[0] != "ok"]
            return {
                "check": check,
                "problems": problems,
                "row_counts": row_counts(connection),
                "schema_revision": current_revision(connection),
            }
    finally:
        engine.dispose()


def _dump_postgres(url: str, target: Path) -> dict[str, Any]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    libpq_url = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    if shutil.which("pg_dump") is None:
        raise BackupFailed(_("pg_dump is not installed; install the PostgreSQL client tools."))
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(target), libpq_url],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupFailed(_("pg_dump failed: {detail}").format(detail=result.stderr.strip()[:300]))
    return _database_facts(url)


def run_backup(url: str, options: BackupOptions) -> BackupResult:
    """Take one backup of ``url`` into ``options.destination``; records the outcome."""
    destination = options.destination
    try:
        with exclusive_run(destination / LOCK_FILE) as acquired:
            if not acquired:
                raise BackupFailed(_("Another backup is running; this one did not start."))
            result = _run_locked(url, options)
    except SalonError as error:
        _write_status(destination, RunStatus(False, datetime.now(UTC), error.message, None))
        raise
    except OSError as error:
        message = (
            _("No space left on the disk: the backup was not written; earlier backups are intact.")
            if error.errno == errno.ENOSPC
            else _("The backup could not be written: {detail}").format(detail=error)
        )
        _write_status(destination, RunStatus(False, datetime.now(UTC), message, None))
        raise BackupFailed(message) from error
    _write_status(
        destination,
        RunStatus(True, datetime.now(UTC), _("Backup written."), result.backup.path.name),
    )
    return result


def _run_locked(url: str, options: BackupOptions) -> BackupResult:
    started = time.monotonic()
    destination = options.destination
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    taken_at = datetime.now(UTC).replace(microsecond=0)
    if any(info.taken_at == taken_at for info in list_backups(destination)):
        # Names carry the second; a second run within it waits for the next one.
        time.sleep(1.0 - datetime.now(UTC).microsecond / 1_000_000)
        taken_at = datetime.now(UTC).replace(microsecond=0)
    final = destination / backup_name(taken_at, options.secret is not None)
    with tempfile.TemporaryDirectory(dir=destination, prefix=".partial-") as scratch:
        work = Path(scratch)
        if is_sqlite_url(url):
            source = sqlite_path(url)
            if source is None or not source.exists():
                raise BackupFailed(_("There is no database to back up at {url}.").format(url=url))
            database_file, database_name = work / "salon.db", "salon.db"
            copy_database(source, database_file)
            facts = _database_facts(f"sqlite:///{database_file}", full=options.full_check)
            engine_name = "sqlite"
        else:
            database_file, database_name = work / "salon.dump", "salon.dump"
            facts = _dump_postgres(url, database_file)
            engine_name = "postgresql"
        if facts["problems"]:
            raise BackupFailed(
                _("The copy failed its check ({problems}); earlier backups are intact.").format(
                    problems="; ".join(facts["problems"][:3])
                )
            )
        manifest = {
            "format": 1,
            "taken_at": taken_at.isoformat(),
            "app_version": __version__,
            "engine": engine_name,
            "database_file": database_name,
            "sha256": sha256_of(database_file),
            "size_bytes": database_file.stat().st_size,
            **facts,
        }
        archive = work / "backup.tar.gz"
        pack(database_file, database_name, manifest, archive)
        database_file.unlink()
        ready = archive
        if options.secret is not None:
            ready = work / "backup.tar.gz.enc"
            encrypt(archive, ready, options.secret)
        ready.chmod(0o600)
        fsync_file(ready)
        ready.replace(final)
    fsync_dir(destination)
    removed = rotate(destination, options.retention)
    copied_to = None
    if options.copy_to is not None:
        copied_to = _copy_to_second_folder(final, options.copy_to, options.retention)
    info = BackupInfo(final, taken_at, final.stat().st_size, is_encrypted(final))
    return BackupResult(info, manifest, removed, copied_to, time.monotonic() - started)


def _copy_to_second_folder(backup: Path, folder: Path, retention: Retention) -> Path:
    if not folder.is_dir():
        raise BackupFailed(
            _(
                "The second folder {folder} is not there (is the USB stick mounted?). The backup itself was written."
            ).format(folder=folder)
        )
    target = folder / backup.name
    temporary = folder / (backup.name + ".partial")
    shutil.copyfile(backup, temporary)
    fsync_file(temporary)
    temporary.replace(target)
    fsync_dir(folder)
    rotate(folder, retention)
    return target


def cron_line(at: str, salon_command: str, home: Path | None, path_env: str, log_file: Path) -> str:
    """The crontab line for a nightly ``salon backup run`` at ``at`` (HH:MM)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        from salon_tui.errors import ValidationError

        raise ValidationError(
            _("{value!r} is not a time of day (use HH:MM, e.g. 02:30).").format(value=at),
            field="at",
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    environment = f"PATH={path_env} " + (f"SALON_HOME={home} " if home else "")
    return f"{minute} {hour} * * * {environment}{salon_command} backup run >> {log_file} 2>&1"


CRON_MARKER = "salon_tui nightly backup"


def install_cron(line: str) -> None:
    """Install ``line`` in the current user's crontab, replacing an earlier salon_tui line."""
    from crontab import CronTab

    table = CronTab(user=True)
    table.remove_all(comment=CRON_MARKER)
    fields = line.split(" ", 5)
    job = table.new(command=fields[5], comment=CRON_MARKER)
    job.setall(" ".join(fields[:5]))
    table.write()
