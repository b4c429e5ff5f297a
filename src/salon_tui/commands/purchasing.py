"""`salon po …`: purchase orders — create, approve, send, receive deliveries, close."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salon_tui.commands._catalog import (
    money,
    order_id,
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
    print_json,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.services.purchasing import OrderView

app = new_app(_("Purchase orders: create, approve, send, receive in deliveries, close."))

OrderArgument = Annotated[str, typer.Argument(help=_("Order number, e.g. PO00012 or 12."))]
LineOption = Annotated[
    list[str] | None,
    typer.Option("--line", help=_("PRODUCT=QUANTITY or PRODUCT=QUANTITY@COST (repeat).")),
]


def _lines(uow: UnitOfWork, values: list[str]) -> list[tuple[int, int, int | None]]:
    currency, _locale = shop_currency(uow)
    lines = []
    for code, rest in parse_pairs(values, "--line"):
        quantity_text, _at, cost_text = rest.partition("@")
        lines.append(
            (
                product_id(uow, code),
                parse_count(quantity_text, "--line"),
                parse_money(cost_text, currency, "--line") if cost_text else None,
            )
        )
    return lines


def _print(uow: UnitOfWork, order: OrderView) -> None:
    print_table(
        [_("Code"), _("Item name"), _("Ordered"), _("Received"), _("Unit cost")],
        [
            (
                line.sku,
                line.product_name,
                line.quantity_ordered,
                line.quantity_received,
                money(uow, line.unit_cost_cents),
            )
            for line in order.lines
        ],
        title=_("{number} · {supplier} · {status} · {total}").format(
            number=order.number,
            supplier=order.supplier_name,
            status=order.status_label,
            total=money(uow, order.total_cents),
        ),
    )


@app.command("list", help=_("Purchase orders, newest first."))
def list_command(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None, typer.Option("--status", help=_("Only orders in this state (repeat)."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import purchasing

    uow = open_database()
    actor = acting_staff(ctx, uow)
    try:
        statuses = [purchasing.OrderStatus(s) for s in status or []]
    except ValueError:
        raise UsageProblem(
            _("--status is one of: {names}.").format(
                names=", ".join(s.value for s in purchasing.OrderStatus)
            )
        ) from None
    orders = purchasing.list_orders(uow, actor, statuses=statuses)
    if as_json:
        print_json(
            [
                {
                    "number": o.number,
                    "id": o.id,
                    "supplier": o.supplier_name,
                    "status": o.status.value,
                    "total_cents": o.total_cents,
                    "lines": [
                        {
                            "sku": line.sku,
                            "ordered": line.quantity_ordered,
                            "received": line.quantity_received,
                            "unit_cost_cents": line.unit_cost_cents,
                        }
                        for line in o.lines
                    ],
                }
                for o in orders
            ]
        )
        return
    print_table(
        [_("Number"), _("Supplier"), _("Status"), _("Lines"), _("Total")],
        [
            (o.number, o.supplier_name, o.status_label, len(o.lines), money(uow, o.total_cents))
            for o in orders
        ],
    )


@app.command("show", help=_("One purchase order with its lines."))
def show_command(ctx: typer.Context, order: OrderArgument) -> None:
    from salon_tui.services import purchasing

    uow = open_database()
    acting_staff(ctx, uow)
    _print(uow, purchasing.get_order(uow, order_id(order)))


@app.command("create", help=_("Draft an order: --line lines, or --suggested from low stock."))
def create_command(
    ctx: typer.Context,
    supplier: Annotated[str, typer.Argument(help=_("Supplier name."))],
    line: LineOption = None,
    suggested: Annotated[
        bool, typer.Option("--suggested", help=_("Order what low stock suggests."))
    ] = False,
    note: Annotated[str, typer.Option("--note", help=_("A note for the order."))] = "",
) -> None:
    from salon_tui.services import purchasing, suppliers

    uow = open_database()
    actor = acting_staff(ctx, uow)
    lines = _lines(uow, line or [])
    if suggested:
        name = suppliers.find_supplier(uow, supplier).name
        lines += purchasing.suggested_lines(uow, actor, name).get(name, [])
    if not lines:
        raise UsageProblem(_("Nothing to order: give --line, or --suggested when stock is low."))
    order = purchasing.create_order(uow, actor, supplier, lines, note=note)
    typer.echo(_("Drafted {number}.").format(number=order.number))
    _print(uow, order)


def _transition(ctx: typer.Context, order: str, verb: str) -> None:
    from salon_tui.services import purchasing

    uow = open_database()
    actor = acting_staff(ctx, uow)
    move = {
        "approve": purchasing.approve_order,
        "send": purchasing.mark_sent,
        "close": purchasing.close_order,
        "cancel": purchasing.cancel_order,
    }[verb]
    changed = move(uow, actor, order_id(order))
    typer.echo(
        _("{number} is now {status}.").format(number=changed.number, status=changed.status_label)
    )


@app.command("approve", help=_("Approve a draft order (manager)."))
def approve_command(ctx: typer.Context, order: OrderArgument) -> None:
    _transition(ctx, order, "approve")


@app.command("send", help=_("Mark an approved order as sent to the supplier."))
def send_command(ctx: typer.Context, order: OrderArgument) -> None:
    _transition(ctx, order, "send")


@app.command("close", help=_("Close an order; what did not arrive will not come."))
def close_command(ctx: typer.Context, order: OrderArgument) -> None:
    _transition(ctx, order, "close")


@app.command("cancel", help=_("Cancel an order nothing was received on."))
def cancel_command(ctx: typer.Context, order: OrderArgument) -> None:
    _transition(ctx, order, "cancel")


@app.command("receive", help=_("Book a delivery: --line lines, or --all for what is outstanding."))
def receive_command(
    ctx: typer.Context,
    order: OrderArgument,
    line: LineOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help=_("Everything still outstanding arrived."))
    ] = False,
    over_reason: Annotated[
        str, typer.Option("--over-reason", help=_("Why more than ordered is accepted."))
    ] = "",
) -> None:
    from salon_tui.services import purchasing

    uow = open_database()
    actor = acting_staff(ctx, uow)
    number = order_id(order)
    delivered = [purchasing.Delivery(p, q, c) for p, q, c in _lines(uow, line or [])]
    if everything:
        given = {d.product_id for d in delivered}
        delivered += [
            purchasing.Delivery(item.product_id, item.outstanding)
            for item in purchasing.get_order(uow, number).lines
            if item.outstanding and item.product_id not in given
        ]
    if not delivered:
        raise UsageProblem(_("Say what arrived: --line PRODUCT=QUANTITY, or --all."))
    changed = purchasing.receive_delivery(uow, actor, number, delivered, over_reason=over_reason)
    typer.echo(
        _("{number} is now {status}.").format(number=changed.number, status=changed.status_label)
    )
    _print(uow, changed)


@app.command("export", help=_("Write an order to xlsx or csv for the supplier."))
def export_command(
    ctx: typer.Context,
    order: OrderArgument,
    target: Annotated[Path, typer.Argument(help=_("The file to write (.xlsx or .csv)."))],
) -> None:
    from salon_tui.services import purchase_sheets

    uow = open_database()
    actor = acting_staff(ctx, uow)
    written = purchase_sheets.write_order_sheet(uow, actor, order_id(order), target)
    typer.echo(_("Wrote {path}.").format(path=written))
