"""The ``salon`` command: the TUI with no sub-command, the owners' CLI with one.

The language is chosen before the commands are built, so that their help is in it:
``--lang`` on the command line, else the shop's language, else English. Typer loads
only when a sub-command is given: `salon` alone paints the app as early as it can.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from salon_tui import i18n, paths
from salon_tui.errors import ValidationError
from salon_tui.i18n import _

if TYPE_CHECKING:
    from typer import Typer


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


def _only_opens_the_app(argv: list[str]) -> bool:
    """True for `salon` and `salon --lang X`: the TUI, without building the command tree."""
    remaining = list(argv)
    while remaining:
        argument = remaining.pop(0)
        if argument == "--lang" and remaining:
            remaining.pop(0)
        elif not argument.startswith("--lang="):
            return False
    return True


def build_app() -> Typer:
    """The root Typer app with every noun's sub-app (built after the language is set)."""
    from salon_tui.commands import (
        alert,
        audit,
        backup,
        booking,
        card,
        commission,
        coupon,
        db,
        demo,
        expense,
        exporting,
        giftcard,
        importing,
        init,
        member,
        package,
        points,
        prepaid,
        printer,
        products,
        purchasing,
        report,
        root,
        sale,
        scanner,
        schedule,
        services_menu,
        staff,
        stock,
        store,
    )

    app = root.new_root_app()
    app.command("init", help=_("Set up a new shop: its name, currency, language and owner."))(
        init.init_command
    )
    app.add_typer(staff.app, name="staff")
    app.add_typer(store.app, name="store")
    app.add_typer(member.app, name="member")
    app.add_typer(card.app, name="card")
    app.add_typer(audit.app, name="audit")
    app.add_typer(alert.app, name="alert")
    app.add_typer(db.app, name="db")
    app.add_typer(backup.app, name="backup")
    app.add_typer(sale.app, name="sale")
    app.add_typer(commission.app, name="commission")
    app.add_typer(services_menu.app, name="service")
    app.add_typer(products.app, name="product")
    app.add_typer(products.supplier_app, name="supplier")
    app.add_typer(stock.app, name="stock")
    app.add_typer(purchasing.app, name="po")
    app.add_typer(expense.app, name="expense")
    app.add_typer(booking.app, name="booking")
    app.add_typer(schedule.app, name="schedule")
    app.add_typer(points.app, name="points")
    app.add_typer(coupon.app, name="coupon")
    app.add_typer(giftcard.app, name="giftcard")
    app.add_typer(prepaid.app, name="prepaid")
    app.add_typer(package.app, name="package")
    app.command("report", help=_("Reports in one shape: `salon report list` names them."))(
        report.report_command
    )
    app.command("import", help=_("Import members, services, products or staff from xlsx or csv."))(
        importing.import_command
    )
    app.command(
        "export", help=_("Export to xlsx or csv: members, sales, ledgers, audit … or all.")
    )(exporting.export_command)
    app.command("demo", help=_("Build a demo shop with believable data (same seed, same shop)."))(
        demo.demo_command
    )
    app.add_typer(printer.app, name="printer")
    app.add_typer(scanner.app, name="scanner")
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
    if _only_opens_the_app(argv):
        # Typer's start-up (pydantic adapters and all) would delay the first paint.
        from salon_tui.app import run_tui

        raise SystemExit(run_tui())
    build_app()(prog_name="salon")
