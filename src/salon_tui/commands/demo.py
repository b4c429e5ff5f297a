"""`salon demo`: build a demo shop in this SALON_HOME."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from salon_tui.commands._common import UsageProblem
from salon_tui.i18n import _


def demo_command(
    members: Annotated[
        int, typer.Option("--members", help=_("How many members."), min=0, max=1_000_000)
    ] = 300,
    months: Annotated[
        int, typer.Option("--months", help=_("Months of history."), min=0, max=120)
    ] = 6,
    seed: Annotated[
        int, typer.Option("--seed", help=_("Random seed: same seed, same shop."))
    ] = 2026,
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace an existing shop here (SQLite files only)."))
    ] = False,
) -> None:
    """Build a demo shop with believable data."""
    from salon_tui import paths
    from salon_tui.data.engine import sqlite_path
    from salon_tui.services import database, demo, shop

    url = paths.database_url()
    path = sqlite_path(url)
    if path is not None and path.exists():
        if not force:
            raise UsageProblem(
                _(
                    "A shop already exists at {path}; use --force to replace it with the demo."
                ).format(path=path)
            )
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    uow = database.open_shop_database(url)
    try:
        if shop.shop_exists(uow):
            raise UsageProblem(
                _("This database already holds a shop; the demo needs an empty one.")
            )
        started = time.monotonic()
        summary = demo.build_demo(
            uow,
            demo.DemoOptions(members=members, months=months, seed=seed),
            progress=lambda label: typer.echo(_("Building: {what}").format(what=label), err=True),
        )
    finally:
        uow.dispose()
    elapsed = time.monotonic() - started
    counts = ", ".join(f"{name} {count}" for name, count in summary.counts.items())
    typer.echo(
        _("Demo shop ready in {seconds:.1f} s at {where} ({counts}).").format(
            seconds=elapsed, where=paths.data_dir(), counts=counts
        )
    )
    typer.echo(_("Log in as:"))
    for person in demo.DEMO_STAFF:
        typer.echo(f"  {person.name:<14} PIN {person.pin}   {person.note}")
