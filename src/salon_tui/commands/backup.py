"""`salon backup …`: nightly backups from cron, listing, verifying and restoring them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from salon_tui.commands._common import UsageProblem, new_app, print_json, print_table
from salon_tui.i18n import _

app = new_app(_("Backups: take one (cron-friendly), list, verify, restore, schedule."))

PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help=_("File whose contents are the passphrase (or key)."),
        exists=True,
        dir_okay=False,
    ),
]


def _secret(passphrase_file: Path | None, *, ask: bool, confirm: bool = False) -> bytes | None:
    """The encryption secret: a file's bytes, SALON_BACKUP_PASSPHRASE, or a prompt."""
    if passphrase_file is not None:
        data = passphrase_file.read_bytes().rstrip(b"\r\n")
        if len(data) < 8:
            raise UsageProblem(_("The passphrase or key must be at least 8 characters."))
        return data
    from_env = os.environ.get("SALON_BACKUP_PASSPHRASE", "")
    if from_env:
        return from_env.encode()
    if not ask:
        return None
    if not sys.stdin.isatty():
        raise UsageProblem(_("Give --passphrase-file or set SALON_BACKUP_PASSPHRASE."))
    answer: str = typer.prompt(_("Passphrase"), hide_input=True, confirmation_prompt=confirm)
    if len(answer) < 8:
        raise UsageProblem(_("The passphrase or key must be at least 8 characters."))
    return answer.encode()


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.1f} MB"


@app.command(
    "run", help=_("Take a consistent, checked, compressed backup now (safe while the app sells).")
)
def run_command(
    to: Annotated[
        Path | None,
        typer.Option("--to", help=_("Backup folder (default: backups/ in the data folder).")),
    ] = None,
    keep_daily: Annotated[
        int, typer.Option("--keep-daily", help=_("Daily backups to keep."), min=1)
    ] = 7,
    keep_weekly: Annotated[
        int, typer.Option("--keep-weekly", help=_("Weekly backups to keep."), min=0)
    ] = 4,
    keep_monthly: Annotated[
        int, typer.Option("--keep-monthly", help=_("Monthly backups to keep."), min=0)
    ] = 12,
    encrypt: Annotated[
        bool,
        typer.Option("--encrypt", help=_("Encrypt with a passphrase or key file (AES-256-GCM).")),
    ] = False,
    passphrase_file: PassphraseFile = None,
    copy_to: Annotated[
        Path | None, typer.Option("--copy-to", help=_("Also copy it to this folder (a USB stick)."))
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help=_("Full integrity check instead of the quick one."))
    ] = False,
) -> None:
    from salon_tui import paths
    from salon_tui.domain.retention import Retention
    from salon_tui.services import backup, database

    url = database.require_existing_database()
    secret = (
        _secret(passphrase_file, ask=encrypt, confirm=True) if encrypt or passphrase_file else None
    )
    options = backup.BackupOptions(
        destination=(to or paths.backup_dir()).expanduser().absolute(),
        retention=Retention(keep_daily, keep_weekly, keep_monthly),
        secret=secret,
        copy_to=copy_to.expanduser().absolute() if copy_to else None,
        full_check=full,
    )
    result = backup.run_backup(url, options)
    extra = _(", removed {count} old").format(count=len(result.removed)) if result.removed else ""
    copied = (
        _(", copied to {folder}").format(folder=result.copied_to.parent) if result.copied_to else ""
    )
    typer.echo(
        _("ok {path} ({size}, {seconds:.1f} s{extra}{copied})").format(
            path=result.backup.path,
            size=_size(result.backup.size_bytes),
            seconds=result.seconds,
            extra=extra,
            copied=copied,
        )
    )


@app.command("list", help=_("List backups, newest first."))
def list_command(
    folder: Annotated[
        Path | None,
        typer.Option("--from", help=_("Backup folder (default: backups/ in the data folder).")),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui import paths
    from salon_tui.services import backup

    backups = backup.list_backups(folder or paths.backup_dir())
    if as_json:
        print_json(
            [
                {
                    "file": str(b.path),
                    "taken_at": b.taken_at.isoformat(),
                    "size_bytes": b.size_bytes,
                    "encrypted": b.encrypted,
                }
                for b in backups
            ]
        )
        return
    print_table(
        [_("File"), _("Taken (UTC)"), _("Size"), _("Encrypted")],
        [
            (
                b.path.name,
                f"{b.taken_at:%Y-%m-%d %H:%M}",
                _size(b.size_bytes),
                _("yes") if b.encrypted else "",
            )
            for b in backups
        ],
    )
    status = backup.read_status(folder or paths.backup_dir())
    if status is not None and not status.ok:
        typer.echo(
            _("The last run failed at {when}: {message}").format(
                when=f"{status.finished_at:%Y-%m-%d %H:%M} UTC", message=status.message
            ),
            err=True,
        )


@app.command(
    "verify",
    help=_("Decrypt, unpack and check a backup (manifest, integrity, audit chain, ledgers)."),
)
def verify_command(
    file: Annotated[Path, typer.Argument(help=_("The backup file."))],
    passphrase_file: PassphraseFile = None,
) -> None:
    from salon_tui.data.archive import is_encrypted
    from salon_tui.services import restore

    secret = _secret(passphrase_file, ask=file.is_file() and is_encrypted(file))
    check = restore.verify_backup(file, secret)
    manifest = check.manifest
    if not check.ok:
        typer.echo(
            _("FAIL {file}: {problems}").format(file=file.name, problems="; ".join(check.problems)),
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(
        _("ok {file}: taken {when}, schema {revision}, {rows} rows checked").format(
            file=file.name,
            when=manifest.get("taken_at"),
            revision=manifest.get("schema_revision"),
            rows=sum(manifest.get("row_counts", {}).values()),
        )
    )


@app.command(
    "restore", help=_("Verify a backup, keep a copy of the current database, and restore it.")
)
def restore_command(
    file: Annotated[Path, typer.Argument(help=_("The backup file."))],
    passphrase_file: PassphraseFile = None,
    yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
) -> None:
    from salon_tui import paths
    from salon_tui.data.archive import is_encrypted
    from salon_tui.services import restore

    if not file.is_file():
        raise UsageProblem(_("There is no backup file at {path}.").format(path=file))
    secret = _secret(passphrase_file, ask=is_encrypted(file))
    if not yes:
        if not sys.stdin.isatty():
            raise UsageProblem(_("Restoring replaces the shop's data: add --yes to confirm."))
        typer.confirm(
            _("Replace the shop's current data with {file}?").format(file=file.name), abort=True
        )
    result = restore.restore_backup(file, paths.database_url(), secret)
    typer.echo(
        _("Restored {file} (taken {when}).").format(
            file=file.name, when=result.manifest.get("taken_at")
        )
    )
    if result.previous_copy is not None:
        typer.echo(_("The database as it was before: {path}").format(path=result.previous_copy))


@app.command("schedule", help=_("Print (or install) the crontab line for a nightly backup."))
def schedule_command(
    at: Annotated[str, typer.Option("--at", help=_("Time of day, HH:MM."))] = "02:30",
    install: Annotated[
        bool, typer.Option("--install", help=_("Install it in this user's crontab."))
    ] = False,
) -> None:
    from salon_tui import paths
    from salon_tui.services import backup

    salon_command = shutil.which("salon") or str(Path(sys.argv[0]).absolute())
    path_env = os.pathsep.join(
        dict.fromkeys([str(Path(salon_command).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    )
    line = backup.cron_line(
        at, salon_command, paths.salon_home(), path_env, paths.log_dir() / "backup.log"
    )
    typer.echo(line)
    if install:
        backup.install_cron(line)
        typer.echo(_("Installed in this user's crontab (crontab -l shows it)."))
