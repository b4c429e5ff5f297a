"""`salon db …`: the database's schema, health and size."""

from __future__ import annotations

import typer

from salon_tui.commands._common import new_app, print_table
from salon_tui.i18n import _

app = new_app(_("The database: upgrade its schema, check it, describe it."))


@app.command("upgrade", help=_("Apply the migrations this version ships (a copy is kept first)."))
def upgrade_command() -> None:
    from salon_tui.services import database

    result = database.upgrade_database(database.require_existing_database())
    if result is None:
        typer.echo(
            _("The schema is up to date ({revision}).").format(revision=database.HEAD_REVISION)
        )
        return
    typer.echo(
        _("Upgraded the schema from {old} to {new}.").format(
            old=result.from_revision or "∅", new=result.to_revision
        )
    )
    if result.safety_copy:
        typer.echo(
            _("A copy of the database before the upgrade: {path}").format(path=result.safety_copy)
        )


@app.command(
    "check", help=_("Integrity check, audit chain and ledger checks; exit 1 on a problem.")
)
def check_command() -> None:
    from salon_tui.services import database

    uow = database.open_shop_database(database.require_existing_database())
    results = database.check(uow)
    for result in results:
        mark = "ok" if result.ok else "FAIL"
        typer.echo(f"[{mark}] {result.name}")
        for problem in result.problems:
            typer.echo(f"    {problem}")
    if not all(result.ok for result in results):
        raise typer.Exit(1)


@app.command("info", help=_("Where the database is, its size, schema version and row counts."))
def info_command() -> None:
    from salon_tui.services import database

    uow = database.open_shop_database(database.require_existing_database())
    info = database.describe(uow)
    typer.echo(_("Database: {where}").format(where=info.location))
    if info.size_bytes is not None:
        typer.echo(_("Size: {size:.1f} MB").format(size=info.size_bytes / 1_000_000))
    typer.echo(_("Schema version: {revision}").format(revision=info.revision or "∅"))
    print_table([_("Table"), _("Rows")], sorted(info.row_counts.items()))
