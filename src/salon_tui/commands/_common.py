"""What every command shares: the open database, who is acting, and output.

Commands are thin: they parse, call a service, and print. A ``SalonError`` from a
service reaches ``SalonGroup.invoke``, which prints it on stderr and exits 1.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.services.sales import Approval


class SalonGroup(TyperGroup):
    """Translates a ``SalonError`` into a message on stderr and exit code 1 (2 for usage)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SalonError as error:
            typer.echo(f"{_(error.title)}: {error.message}", err=True)
            raise typer.Exit(2 if isinstance(error, UsageProblem) else error.exit_code) from None


class UsageProblem(ValidationError):
    """A command line that cannot be run as typed (exit code 2)."""

    exit_code = 2


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        cls=SalonGroup,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


@dataclass
class CliState:
    """What the root command learned: the staff name given with ``--as``."""

    staff_name: str | None = None


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def open_database() -> UnitOfWork:
    """The shop's unit of work; refuses when no shop exists here yet."""
    from salon_tui.services import database, shop

    uow = database.open_shop_database(database.require_existing_database())
    shop.require_shop(uow)
    return uow


def acting_staff(ctx: typer.Context, uow: UnitOfWork) -> Actor:
    """Log in the person running the command: ``--as NAME`` (or SALON_STAFF) and a PIN.

    The PIN comes from SALON_PIN or is asked for without echo. The login is audited
    and counts towards lockout like the login screen's.
    """
    from salon_tui.services import auth

    name = state(ctx).staff_name or os.environ.get("SALON_STAFF", "").strip()
    if not name:
        if not sys.stdin.isatty():
            raise UsageProblem(
                _("Say who you are: `salon --as NAME …` or set SALON_STAFF (and SALON_PIN).")
            )
        name = typer.prompt(_("Your name"))
    pin = os.environ.get("SALON_PIN", "")
    if not pin:
        if not sys.stdin.isatty():
            raise UsageProblem(_("No PIN: set SALON_PIN or run the command in a terminal."))
        pin = typer.prompt(_("PIN for {name}").format(name=name), hide_input=True)
    return auth.login(uow, pin, name=name)


ApprovedByOption = Annotated[
    str | None,
    typer.Option(
        "--approved-by",
        help=_(
            "A manager who approves this refund on the spot (their PIN from "
            "SALON_APPROVER_PIN, or asked for), when you may not refund alone."
        ),
    ),
]


def approval_of(uow: UnitOfWork, name: str | None, permission: str) -> Approval | None:
    """A manager's approval on the spot (``--approved-by NAME``) for one action the person
    running the command may not do alone. Their PIN comes from SALON_APPROVER_PIN or is
    asked for without echo; it is checked like a login (the same lockout)."""
    if not name:
        return None
    from salon_tui.services import approvals, staff

    pin = os.environ.get("SALON_APPROVER_PIN", "")
    if not pin:
        if not sys.stdin.isatty():
            raise UsageProblem(
                _(
                    "No PIN for {name}: set SALON_APPROVER_PIN or run the command in a terminal."
                ).format(name=name)
            )
        pin = typer.prompt(_("PIN for {name}").format(name=name), hide_input=True)
    return approvals.approve(uow, staff.find_staff(uow, name).id, pin, permission)


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from salon_tui.domain.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        raise UsageProblem(f"{option}: {error}") from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def on_terminal() -> bool:
    return sys.stdout.isatty()


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None
) -> None:
    """A rich table on a terminal; tab-separated plain text in a pipe.

    Cells are plain text, never markup: a name typed as ``[/]`` shows as typed (and the
    bidirectional controls that would turn the rest of the line around are left out)."""
    if on_terminal():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from salon_tui.widgets.safe_text import without_bidi_controls

        table = Table(title=title, show_lines=False)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(
                *(Text(without_bidi_controls("" if cell is None else str(cell))) for cell in row)
            )
        Console().print(table)
        return
    if title:
        typer.echo(title)
    typer.echo("\t".join(headers))
    for row in rows:
        typer.echo("\t".join("" if cell is None else str(cell) for cell in row))


def parse_percent_bp(text: str, option: str) -> int:
    """``15``, ``15%`` or ``12.5 %`` → basis points; the service checks the range."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        return round(float(cleaned) * 100)
    except ValueError:
        raise UsageProblem(
            _("{option}: {value!r} is not a percent.").format(option=option, value=text)
        ) from None


def parse_on_off(text: str, option: str) -> bool:
    """A switch typed as on/off (yes/no, 开/关 too)."""
    lowered = text.strip().lower()
    if lowered in {"on", "yes", "true", "1", "开", "是"}:
        return True
    if lowered in {"off", "no", "false", "0", "关", "否"}:
        return False
    raise UsageProblem(_("{option}: say on or off.").format(option=option))
