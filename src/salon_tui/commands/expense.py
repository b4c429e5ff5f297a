"""`salon expense …`: expenses paid outside the cash drawer, for the P&L."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._catalog import money, parse_money, shop_currency
from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("Expenses paid outside the cash drawer (rent, wages, suppliers) for the P&L."))


@app.command("add", help=_("Record an expense paid outside the drawer."))
def add_command(
    ctx: typer.Context,
    category: Annotated[
        str, typer.Option("--category", help=_("rent, wages, utilities, stock, marketing …"))
    ],
    amount: Annotated[str, typer.Option("--amount", help=_("How much, e.g. 8000 or 8,000.00."))],
    note: Annotated[str, typer.Option("--note", help=_("What it was for."))] = "",
    day: Annotated[
        str | None, typer.Option("--date", help=_("The day it was paid (default: today)."))
    ] = None,
) -> None:
    from salon_tui.domain.dates import parse_date
    from salon_tui.services import expenses

    uow = open_database()
    currency, _locale = shop_currency(uow)
    amount_cents = parse_money(amount, currency, "--amount")
    assert amount_cents is not None
    try:
        when = parse_date(day) if day else None
    except ValueError as error:
        raise UsageProblem(f"--date: {error}") from None
    actor = acting_staff(ctx, uow)
    added = expenses.add_expense(uow, actor, category, amount_cents, note, when)
    typer.echo(
        _("Expense #{id}: {category} {amount} on {day}.").format(
            id=added.id,
            category=added.category_label,
            amount=money(uow, added.amount_cents),
            day=added.business_day,
        )
    )


@app.command("list", help=_("Expenses of a month or a range, with reversals."))
def list_command(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option("--month", help=_("A whole month (YYYY-MM)."))
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help=_("First day of a range."))
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help=_("Last day of a range (default: today)."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.domain.periods import resolve_period
    from salon_tui.services import expenses, settings

    uow = open_database()
    today = business_date(utc_now(), settings.get_shop_settings(uow).timezone)
    if not (month or date_from or date_to):
        month = today.strftime("%Y-%m")  # this month unless told otherwise
    try:
        period = resolve_period(start=date_from, end=date_to, month=month, today=today)
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    actor = acting_staff(ctx, uow)
    found = expenses.list_expenses(uow, actor, period)
    if as_json:
        print_json(
            [
                {
                    "id": e.id,
                    "date": e.business_day.isoformat(),
                    "category": e.category,
                    "amount_cents": e.amount_cents,
                    "note": e.note,
                    "reverses": e.reverses_id,
                    "reversed": e.reversed,
                }
                for e in found
            ]
        )
        return
    print_table(
        [_("No."), _("Date"), _("Category"), _("Amount"), _("Note")],
        [
            (
                str(e.id),
                e.business_day.isoformat(),
                e.category_label,
                money(uow, e.amount_cents),
                (
                    _("reverses #{id}: {note}").format(id=e.reverses_id, note=e.note)
                    if e.reverses_id
                    else e.note + (" " + _("(reversed)") if e.reversed else "")
                ),
            )
            for e in found
        ],
    )


@app.command("reverse", help=_("Cancel an expense recorded by mistake (a reversing entry)."))
def reverse_command(
    ctx: typer.Context,
    expense_id: Annotated[
        int, typer.Argument(help=_("The expense number from `salon expense list`."))
    ],
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is cancelled."))],
) -> None:
    from salon_tui.services import expenses

    uow = open_database()
    actor = acting_staff(ctx, uow)
    done = expenses.reverse_expense(uow, actor, expense_id, reason)
    typer.echo(_("Expense #{id} reversed by #{reversal}.").format(id=expense_id, reversal=done.id))
