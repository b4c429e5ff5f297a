"""The root of the `salon` command: its options, and the TUI when no sub-command is given."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui import __version__
from salon_tui.commands._common import SalonGroup, state
from salon_tui.i18n import _


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"salon_tui {__version__}")
        raise typer.Exit()


def new_root_app() -> typer.Typer:
    app = typer.Typer(
        cls=SalonGroup,
        help=_(
            "salon_tui: checkout, members and bookings for salons, in the terminal. "
            "Run `salon` alone to open the app."
        ),
        invoke_without_command=True,
        add_completion=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    return app


def root(
    ctx: typer.Context,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help=_("Language for this run: en or zh_CN."), metavar="LANG"),
    ] = None,
    as_staff: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=_("Staff name to act as (the PIN is asked, or read from SALON_PIN)."),
            metavar="NAME",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help=_("Show the version and exit."),
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    state(ctx).staff_name = as_staff
    if ctx.invoked_subcommand is None:
        from salon_tui.app import run_tui

        raise typer.Exit(run_tui())
