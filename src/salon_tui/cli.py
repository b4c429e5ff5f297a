"""The ``salon`` command: the TUI with no sub-command, the owners' CLI with one.

The language is chosen before the commands are built, so that their help is in it:
``--lang`` on the command line, else the shop's language, else English.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from salon_tui import __version__, i18n, paths
from salon_tui.commands._common import SalonGroup, state
from salon_tui.errors import ValidationError
from salon_tui.i18n import _


def _language_from_argv(argv: list[str]) -> str | None:
    """The value of ``--lang`` among the root options (before the sub-command)."""
    for index, argument in enumerate(argv):
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
        if not argument.startswith("-"):
            return None
    return None


def choose_language(argv: list[str]) -> str:
    """``--lang`` > SALON_LANG > the shop's setting > English. Raises on an unknown one."""
    explicit = _language_from_argv(argv) or os.environ.get("SALON_LANG", "").strip() or None
    if explicit:
        return i18n.normalise_locale(explicit)
    if not os.environ.get("SALON_DATABASE_URL"):
        from salon_tui.data.quick import read_setting

        stored = read_setting(paths.database_path(), "shop.locale")
        if isinstance(stored, str):
            try:
                return i18n.normalise_locale(stored)
            except ValidationError:
                pass
    return i18n.DEFAULT_LOCALE


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"salon_tui {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """The root Typer app with every noun's sub-app (built after the language is set)."""
    from salon_tui.commands import audit, db, demo, init, staff

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

    @app.callback()
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

    app.command("init", help=_("Set up a new shop: its name, currency, language and owner."))(
        init.init_command
    )
    app.add_typer(staff.app, name="staff")
    app.add_typer(audit.app, name="audit")
    app.add_typer(db.app, name="db")
    app.command("demo", help=_("Build a demo shop with believable data (same seed, same shop)."))(
        demo.demo_command
    )
    return app


def main() -> None:
    argv = sys.argv[1:]
    try:
        language = choose_language(argv)
    except ValidationError as error:
        print(f"{_(error.title)}: {error.message}", file=sys.stderr)
        raise SystemExit(2) from None
    i18n.install(language)
    from salon_tui.logs import configure_logging

    configure_logging()
    build_app()(prog_name="salon")
