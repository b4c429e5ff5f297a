"""`salon stock …`: receive, adjust, transfer, use, history, low, value and stocktakes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salon_tui.commands._catalog import (
    money,
    parse_count,
    parse_money,
    parse_pairs,
    product_id,
    shop_currency,
)
from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    parse_day,
    print_json,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.services.inventory import MovementView

app = new_app(_("Stock: receive, adjust, transfer, history, low stock, value and stocktakes."))
count_app = new_app(_("Stocktake: start, record counted quantities, review and post."))
app.add_typer(count_app, name="count")

CodeArgument = Annotated[str, typer.Argument(help=_("Barcode, code or exact name."))]
NoteOption = Annotated[str, typer.Option("--note", help=_("A note kept with the movement."))]


def _said(view: MovementView) -> None:
    typer.echo(
        _("{kind}: {quantity:+d} {name}; {on_hand} on hand.").format(
            kind=view.kind_label,
            quantity=view.quantity,
            name=view.product_name,
            on_hand=view.on_hand_after,
        )
    )
    if view.went_negative:
        typer.echo(_("Warning: stock of {name} is below zero.").format(name=view.product_name))


@app.command("receive", help=_("Book a delivery without a purchase order."))
def receive_command(
    ctx: typer.Context,
    code: CodeArgument,
    quantity: Annotated[int, typer.Argument(help=_("How many arrived."))],
    cost: Annotated[
        str | None, typer.Option("--cost", help=_("Unit cost paid (default: the average)."))
    ] = None,
    note: NoteOption = "",
) -> None:
    from salon_tui.services import inventory

    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency, _locale = shop_currency(uow)
    view = inventory.receive(
        uow,
        actor,
        product_id(uow, code),
        quantity,
        unit_cost_cents=parse_money(cost, currency, "--cost"),
        note=note,
    )
    _said(view)


@app.command(
    "adjust",
    help=_("Correct stock with a reason (e.g. -1 --reason damaged)."),
    context_settings={"ignore_unknown_options": True},
)
def adjust_command(
    ctx: typer.Context,
    code: CodeArgument,
    change: Annotated[str, typer.Argument(help=_("Signed change, e.g. -2 or +1."))],
    reason: Annotated[
        str, typer.Option("--reason", help=_("damaged, expired, gift, correction or found."))
    ],
    note: NoteOption = "",
) -> None:
    from salon_tui.services import inventory

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = inventory.adjust(
        uow, actor, product_id(uow, code), parse_count(change, "CHANGE"), reason, note=note
    )
    _said(view)


@app.command("transfer", help=_("Stock sent to or received from another branch."))
def transfer_command(
    ctx: typer.Context,
    code: CodeArgument,
    quantity: Annotated[int, typer.Argument(help=_("How many."))],
    note: Annotated[str, typer.Option("--note", help=_("Where it goes or comes from."))],
    incoming: Annotated[
        bool,
        typer.Option("--in/--out", help=_("Coming in, or going out (default).")),
    ] = False,
) -> None:
    from salon_tui.services import inventory

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = inventory.transfer(
        uow, actor, product_id(uow, code), quantity, outgoing=not incoming, note=note
    )
    _said(view)


@app.command("use", help=_("Record back-bar use for a service (its recipe, or --amount)."))
def use_command(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help=_("Service code or exact name."))],
    amount: Annotated[
        list[str] | None,
        typer.Option("--amount", help=_("What was used: PRODUCT=QUANTITY (repeat).")),
    ] = None,
    note: NoteOption = "",
) -> None:
    from salon_tui.services import catalog, inventory

    uow = open_database()
    actor = acting_staff(ctx, uow)
    amounts = None
    if amount:
        amounts = {
            product_id(uow, code): parse_count(quantity, "--amount")
            for code, quantity in parse_pairs(amount, "--amount")
        }
    found = catalog.find_service(uow, service)
    for view in inventory.use_in_service(uow, actor, found.id, amounts=amounts, note=note):
        _said(view)


@app.command("history", help=_("Stock movements, oldest first."))
def history_command(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help=_("Only this product."))] = None,
    date_from: Annotated[str | None, typer.Option("--from", help=_("First day."))] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=_("Last day."))] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help=_("receive, sale, service_use, adjust, count … (repeat).")),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help=_("Only the newest N movements."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.domain.inventory import MovementKind
    from salon_tui.services import settings, stock_levels

    uow = open_database()
    actor = acting_staff(ctx, uow)
    shop = settings.get_shop_settings(uow)
    try:
        kinds = [MovementKind(k) for k in kind or []]
    except ValueError:
        raise UsageProblem(
            _("--kind is one of: {kinds}.").format(kinds=", ".join(k.value for k in MovementKind))
        ) from None
    moves = stock_levels.history(
        uow,
        actor,
        product_id=product_id(uow, code) if code else None,
        since=parse_day(date_from, "--from"),
        until=parse_day(date_to, "--to"),
        timezone=shop.timezone,
        kinds=kinds,
        limit=limit,
    )
    if as_json:
        print_json(
            [
                {
                    "id": m.id,
                    "at": m.at.isoformat(),
                    "sku": m.sku,
                    "kind": m.kind.value,
                    "quantity": m.quantity,
                    "unit_cost_cents": m.unit_cost_cents,
                    "on_hand_after": m.on_hand_after,
                    "reason": m.reason,
                    "reference": m.reference,
                    "note": m.note,
                    "went_negative": m.went_negative,
                }
                for m in moves
            ]
        )
        return
    print_table(
        [
            _("When"),
            _("Code"),
            _("Item name"),
            _("What"),
            _("Qty"),
            _("After"),
            _("Reason"),
            _("Ref"),
        ],
        [
            (
                shop_time(m.at, shop.timezone).strftime("%Y-%m-%d %H:%M"),
                m.sku,
                m.product_name,
                m.kind_label,
                f"{m.quantity:+d}",
                m.on_hand_after,
                m.reason or m.note,
                m.reference,
            )
            for m in moves
        ],
    )


@app.command("low", help=_("Products at or under their minimum, with what to order."))
def low_command(
    ctx: typer.Context,
    weeks: Annotated[
        int | None, typer.Option("--weeks", help=_("Weeks of sales and use to plan from."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import stock_levels

    uow = open_database()
    actor = acting_staff(ctx, uow)
    lines = stock_levels.low_stock(uow, actor, weeks=weeks)
    if as_json:
        print_json(
            [
                {
                    "sku": line.product.sku,
                    "name": line.product.name,
                    "supplier": line.product.supplier_name,
                    "on_hand": line.product.on_hand,
                    "min_stock": line.product.min_stock,
                    "max_stock": line.product.max_stock,
                    "recent_out": line.recent_out,
                    "suggested": line.suggested,
                }
                for line in lines
            ]
        )
        return
    print_table(
        [
            _("Code"),
            _("Item name"),
            _("Supplier"),
            _("On hand"),
            _("Min"),
            _("Sold/used"),
            _("Order"),
        ],
        [
            (
                line.product.sku,
                line.product.name,
                line.product.supplier_name,
                line.product.on_hand,
                line.product.min_stock,
                line.recent_out,
                line.suggested,
            )
            for line in lines
        ],
    )


@app.command("value", help=_("What the stock is worth at cost and at retail price."))
def value_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import stock_levels

    uow = open_database()
    actor = acting_staff(ctx, uow)
    value = stock_levels.stock_value(uow, actor)
    if as_json:
        print_json(value.__dict__)
        return
    print_table(
        [_("Figure"), _("Value")],
        [
            (_("Products"), value.products),
            (_("Units on hand"), value.units),
            (_("Value at cost"), money(uow, value.cost_cents)),
            (_("Value at retail"), money(uow, value.retail_cents)),
            (_("At or under minimum"), value.low),
            (_("Below zero"), value.negative),
        ],
    )


@app.command("negative", help=_("Whether a sale may take stock below zero: allow or forbid."))
def negative_command(
    ctx: typer.Context,
    choice: Annotated[str, typer.Argument(help=_("allow or forbid."))],
) -> None:
    from salon_tui.services import inventory

    if choice not in ("allow", "forbid"):
        raise UsageProblem(_("Say allow or forbid."))
    uow = open_database()
    actor = acting_staff(ctx, uow)
    inventory.set_negative_stock_allowed(uow, actor, choice == "allow")
    typer.echo(
        _("Sales may now take stock below zero (flagged).")
        if choice == "allow"
        else _("Sales are now refused when stock would go below zero.")
    )


def _count_id(uow: UnitOfWork, given: int | None) -> int:
    from salon_tui.services import stocktake

    if given is not None:
        return given
    found = stocktake.open_count_id(uow)
    if found is None:
        raise UsageProblem(_("No stocktake is open: start one with `salon stock count start`."))
    return found


@count_app.command("start", help=_("Start a stocktake of every product or one category."))
def count_start_command(
    ctx: typer.Context,
    category: Annotated[str, typer.Option("--category", help=_("Only this category."))] = "",
) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    actor = acting_staff(ctx, uow)
    count = stocktake.start_count(uow, actor, category=category)
    typer.echo(
        _("Stocktake #{id} started: {lines} products to count.").format(
            id=count.id, lines=len(count.lines)
        )
    )


@count_app.command("record", help=_("Record the counted quantity of a product."))
def count_record_command(
    ctx: typer.Context,
    code: CodeArgument,
    quantity: Annotated[int, typer.Argument(help=_("How many are on the shelf."))],
    add: Annotated[bool, typer.Option("--add", help=_("Add to what was counted before."))] = False,
    count: Annotated[int | None, typer.Option("--count", help=_("Stocktake number."))] = None,
) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    actor = acting_staff(ctx, uow)
    line = stocktake.record_count(uow, actor, _count_id(uow, count), code, quantity, add=add)
    typer.echo(
        _("{name}: counted {counted}, on hand {expected}.").format(
            name=line.product_name, counted=line.counted, expected=line.expected
        )
    )


@count_app.command("show", help=_("A stocktake's lines with their variance."))
def count_show_command(
    ctx: typer.Context,
    count: Annotated[
        int | None, typer.Argument(help=_("Stocktake number (default: open)."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    acting_staff(ctx, uow)
    view = stocktake.get_count(uow, _count_id(uow, count))
    if as_json:
        print_json(
            {
                "id": view.id,
                "status": view.status,
                "category": view.category,
                "variance_value_cents": view.variance_value_cents,
                "lines": [
                    {
                        "sku": line.sku,
                        "name": line.product_name,
                        "expected": line.expected,
                        "counted": line.counted,
                        "variance": line.variance,
                        "variance_value_cents": line.variance_value_cents,
                    }
                    for line in view.lines
                ],
            }
        )
        return
    print_table(
        [_("Code"), _("Item name"), _("On hand"), _("Counted"), _("Variance"), _("Value")],
        [
            (
                line.sku,
                line.product_name,
                line.expected,
                "" if line.counted is None else line.counted,
                f"{line.variance:+d}" if line.counted is not None else "",
                money(uow, line.variance_value_cents) if line.variance else "",
            )
            for line in view.lines
        ],
        title=_(
            "Stocktake #{id} ({status}): {counted} of {lines} counted, variance {value}"
        ).format(
            id=view.id,
            status=view.status_label,
            counted=view.counted_lines,
            lines=len(view.lines),
            value=money(uow, view.variance_value_cents),
        ),
    )


@count_app.command("post", help=_("Post the variances as stock movements (once)."))
def count_post_command(
    ctx: typer.Context,
    count: Annotated[
        int | None, typer.Argument(help=_("Stocktake number (default: open)."))
    ] = None,
) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = stocktake.post_count(uow, actor, _count_id(uow, count))
    typer.echo(
        _("Stocktake #{id} posted: variance {value}.").format(
            id=view.id, value=money(uow, view.variance_value_cents)
        )
    )


@count_app.command("cancel", help=_("Abandon an open stocktake; nothing moves."))
def count_cancel_command(
    ctx: typer.Context,
    count: Annotated[
        int | None, typer.Argument(help=_("Stocktake number (default: open)."))
    ] = None,
) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = stocktake.cancel_count(uow, actor, _count_id(uow, count))
    typer.echo(_("Stocktake #{id} cancelled.").format(id=view.id))


@count_app.command("list", help=_("Stocktakes, newest first."))
def count_list_command(ctx: typer.Context) -> None:
    from salon_tui.services import stocktake

    uow = open_database()
    actor = acting_staff(ctx, uow)
    print_table(
        [_("Number"), _("Status"), _("Category"), _("Counted"), _("Variance")],
        [
            (
                c.id,
                c.status_label,
                c.category or _("all"),
                f"{c.counted_lines}/{len(c.lines)}",
                money(uow, c.variance_value_cents),
            )
            for c in stocktake.list_counts(uow, actor)
        ],
    )


@count_app.command(
    "sheet", help=_("Write the stocktake as a count sheet (xlsx or csv) to fill in and import.")
)
def count_sheet_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=_("The .xlsx or .csv file to write."))],
    count: Annotated[
        int | None, typer.Option("--count", help=_("Stocktake number (default: open)."))
    ] = None,
    with_on_hand: Annotated[
        bool,
        typer.Option(
            "--with-on-hand", help=_("Show what the books say is on hand (default: a blind count).")
        ),
    ] = False,
) -> None:
    from salon_tui.services import stocktake_sheets

    uow = open_database()
    actor = acting_staff(ctx, uow)
    written = stocktake_sheets.write_count_sheet(
        uow, actor, _count_id(uow, count), out, with_on_hand=with_on_hand
    )
    typer.echo(_("Count sheet written to {path}.").format(path=written))


@count_app.command(
    "import", help=_("Read a filled-in count sheet back: all rows are checked, then recorded.")
)
def count_import_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help=_("The filled-in .xlsx or .csv sheet."))],
    count: Annotated[
        int | None, typer.Option("--count", help=_("Stocktake number (default: open)."))
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check the sheet; record nothing."))
    ] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help=_("The csv's encoding, e.g. gbk."))
    ] = None,
) -> None:
    from salon_tui.services import stocktake_sheets

    uow = open_database()
    actor = acting_staff(ctx, uow)
    reading = stocktake_sheets.read_count_sheet(
        uow, actor, _count_id(uow, count), source, dry_run=dry_run, encoding=encoding
    )
    if reading.unknown_headers:
        typer.echo(
            _("Columns ignored: {names}").format(names=", ".join(reading.unknown_headers)),
            err=True,
        )
    if reading.problems:
        print_table(
            [_("Row"), _("Column"), _("Value"), _("Problem")],
            [(p.row, p.column, p.value, p.message) for p in reading.problems],
        )
        typer.echo(
            _("{count} problems: nothing was recorded.").format(count=len(reading.problems)),
            err=True,
        )
        raise typer.Exit(1)
    message = (
        _("The sheet is fine: {counted} products would be recorded, {blank} left blank.")
        if reading.dry_run
        else _("Recorded {counted} counted products on stocktake #{id}; {blank} left blank.")
    )
    typer.echo(
        message.format(counted=reading.counted, blank=reading.left_blank, id=reading.count_id)
    )
