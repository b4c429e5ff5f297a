"""The Orders tab of the Stock area: purchase orders from draft to received.

The list shows every order, newest first, and the highlighted order's lines below it.
Each key does one step of the order's life and the service decides whether it may:
draft (Ctrl+N, or Ctrl+G from the low-stock suggestions), change a draft (Enter),
approve (Ctrl+A, managers), export the sheet for the supplier (Ctrl+X), mark it sent
(Ctrl+T), receive a delivery (Ctrl+R) and close or cancel it (Ctrl+K)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from salon_tui import paths
from salon_tui.domain.money import format_money
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import call_service, show_error
from salon_tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from salon_tui.services.purchasing import OrderView

__all__ = ["OrdersPane"]


class OrdersPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new", N_("New order")),
        Binding("ctrl+g", "from_low_stock", N_("From low stock")),
        Binding("ctrl+a", "approve", N_("Approve")),
        Binding("ctrl+x", "export", N_("Export xlsx")),
        Binding("ctrl+t", "mark_sent", N_("Sent")),
        Binding("ctrl+r", "receive", N_("Receive")),
        Binding("ctrl+k", "finish", N_("Close/Cancel")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.orders: list[OrderView] = []

    @property
    def salon(self) -> Any:
        return self.app

    def money(self, amount_minor: int) -> str:
        shop = self.salon.shop
        return format_money(amount_minor, shop.currency, shop.locale)

    def compose(self) -> ComposeResult:
        yield Static(
            _(
                "Ctrl+N new order · Ctrl+G from low stock · Enter changes a draft or receives "
                "a delivery · Ctrl+A approve · Ctrl+X export xlsx · Ctrl+T sent · "
                "Ctrl+R receive · Ctrl+K close or cancel"
            ),
            classes="hint",
        )
        yield DataTable(id="orders-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="order-title", classes="hint")
        yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.reload()

    # --- the list ----------------------------------------------------------------------

    def reload(self, keep_id: int | None = None) -> None:
        from salon_tui.services import purchasing

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: purchasing.list_orders(uow, actor),
            lambda orders: self.show(orders, keep_id),
        )

    def show(self, orders: list[OrderView], keep_id: int | None = None) -> None:
        self.orders = orders
        table = self.query_one("#orders-table", DataTable)
        from salon_tui.domain.clock import shop_time

        zone = self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"
        fill_table(
            table,
            [_("Number"), _("Supplier"), _("Status"), _("Lines"), _("Total"), _("Changed")],
            [
                (
                    order.number,
                    order.supplier_name,
                    order.status_label,
                    len(order.lines),
                    self.money(order.total_cents),
                    shop_time(order.updated_at, zone).strftime("%Y-%m-%d %H:%M"),
                )
                for order in orders
            ],
            [str(order.id) for order in orders],
        )
        if keep_id is not None:
            table.move_cursor(row=next((i for i, o in enumerate(orders) if o.id == keep_id), 0))
        self.show_lines(self.selected())

    def show_lines(self, order: OrderView | None) -> None:
        title = self.query_one("#order-title", Static)
        lines = self.query_one("#order-lines", DataTable)
        columns = [
            _("Code"),
            _("Item name"),
            _("Unit"),
            _("Ordered"),
            _("Received"),
            _("Unit cost"),
        ]
        if order is None:
            fill_table(lines, columns, [])
            title.update(
                _("No purchase orders yet. Ctrl+N drafts one; Ctrl+G starts from low stock.")
            )
            return
        title.update(
            _("{number} · {supplier} · {status} · {total}").format(
                number=order.number,
                supplier=order.supplier_name,
                status=order.status_label,
                total=self.money(order.total_cents),
            )
            + (f" · {order.note}" if order.note else "")
        )
        fill_table(
            lines,
            columns,
            [
                (
                    line.sku,
                    line.product_name,
                    line.unit,
                    line.quantity_ordered,
                    line.quantity_received,
                    self.money(line.unit_cost_cents),
                )
                for line in order.lines
            ],
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "orders-table":
            return
        event.stop()
        self.show_lines(self.selected())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id != "orders-table":
            return
        from salon_tui.services.purchasing import RECEIVABLE, OrderStatus

        order = self.selected()
        if order is None:
            return
        if order.status is OrderStatus.DRAFT:
            self.edit(order)
        elif order.status in RECEIVABLE:
            self.action_receive()
        else:
            self.app.notify(
                _("{number} is {status}; nothing more happens to it.").format(
                    number=order.number, status=order.status_label
                )
            )

    def selected(self) -> OrderView | None:
        table = self.query_one("#orders-table", DataTable)
        if not self.orders or table.cursor_row is None or table.cursor_row >= len(self.orders):
            return None
        return self.orders[table.cursor_row]

    def changed(self, order: OrderView, message: str) -> None:
        self.app.notify(message)
        self.reload(keep_id=order.id)

    def refused(self, error: SalonError) -> None:
        show_error(self, error)

    # --- drafting ----------------------------------------------------------------------

    def pick_supplier(self, only_low: bool) -> None:
        from salon_tui.screens.modals.order_forms import SupplierChoice, SupplierPickModal
        from salon_tui.services import purchasing, suppliers

        uow, actor = self.salon.uow, self.salon.session_actor

        def load() -> tuple[list[SupplierChoice], dict[str, list[Any]]]:
            low = purchasing.reorder_lines(uow, actor)
            choices = [
                SupplierChoice(supplier.name, len(low.get(supplier.name, [])))
                for supplier in suppliers.list_suppliers(uow)
                if not only_low or low.get(supplier.name)
            ]
            return choices, low

        def picked(loaded: tuple[list[SupplierChoice], dict[str, list[Any]]]) -> None:
            choices, low = loaded
            if not choices:
                self.app.notify(
                    _("Nothing is under its minimum stock with a supplier to order from.")
                    if only_low
                    else _("There are no suppliers yet. Add one with `salon supplier add`."),
                    severity="warning",
                )
                return
            title = _("Order low stock from which supplier?") if only_low else _("Order from?")
            self.app.push_screen(
                SupplierPickModal(choices, title),
                lambda name: (
                    self.draft(name, low.get(name, []) if only_low else []) if name else None
                ),
            )

        call_service(self, load, picked, failed=self.refused)

    def action_new(self) -> None:
        self.pick_supplier(only_low=False)

    def action_from_low_stock(self) -> None:
        self.pick_supplier(only_low=True)

    def draft(self, supplier: str, suggestions: list[Any]) -> None:
        from salon_tui.screens.modals.order_forms import OrderDraftModal

        self.app.push_screen(OrderDraftModal(supplier, suggestions=suggestions), self.saved)

    def edit(self, order: OrderView) -> None:
        from salon_tui.screens.modals.order_forms import OrderDraftModal

        self.app.push_screen(OrderDraftModal(order.supplier_name, order), self.saved)

    def saved(self, order: OrderView | None) -> None:
        if order is None:
            return
        self.changed(
            order,
            _("{number} saved as a draft: {count} lines, {total}.").format(
                number=order.number, count=len(order.lines), total=self.money(order.total_cents)
            ),
        )

    # --- steps -------------------------------------------------------------------------

    def step(self, call: Any) -> None:
        call_service(
            self,
            call,
            lambda changed: self.changed(
                changed,
                _("{number} is now {status}.").format(
                    number=changed.number, status=changed.status_label
                ),
            ),
            failed=self.refused,
        )

    def action_approve(self) -> None:
        order = self.selected()
        if order is None:
            return
        from salon_tui.screens.modals.confirm import ConfirmModal
        from salon_tui.services import purchasing

        uow, actor = self.salon.uow, self.salon.session_actor

        def approve(confirmed: bool | None) -> None:
            if confirmed:
                self.step(lambda: purchasing.approve_order(uow, actor, order.id))

        self.app.push_screen(
            ConfirmModal(
                _("Approve {number}: {count} lines from {supplier}, {total}?").format(
                    number=order.number,
                    count=len(order.lines),
                    supplier=order.supplier_name,
                    total=self.money(order.total_cents),
                ),
                _("Approve"),
            ),
            approve,
        )

    def action_mark_sent(self) -> None:
        order = self.selected()
        if order is None:
            return
        from salon_tui.services import purchasing

        uow, actor = self.salon.uow, self.salon.session_actor
        self.step(lambda: purchasing.mark_sent(uow, actor, order.id))

    def action_export(self) -> None:
        order = self.selected()
        if order is None:
            return
        from salon_tui.services import purchase_sheets

        uow, actor = self.salon.uow, self.salon.session_actor
        folder = paths.data_dir() / "exports"
        target = folder / f"{order.number}.xlsx"

        def write() -> Path:
            paths.make_private_dir(folder)
            return purchase_sheets.write_order_sheet(uow, actor, order.id, target)

        call_service(
            self,
            write,
            lambda path: self.app.notify(
                _("Saved {path}. Ctrl+T marks the order sent.").format(path=path), timeout=10
            ),
            failed=self.refused,
        )

    def action_receive(self) -> None:
        order = self.selected()
        if order is None:
            return
        from salon_tui.screens.modals.order_forms import ReceiveOrderModal
        from salon_tui.services.purchasing import RECEIVABLE

        if order.status not in RECEIVABLE:
            self.app.notify(
                _("{number} is {status}; nothing can be received on it.").format(
                    number=order.number, status=order.status_label
                ),
                severity="warning",
            )
            return

        def received(changed: OrderView | None) -> None:
            if changed is not None:
                self.changed(
                    changed,
                    _("Delivery booked; {number} is now {status}.").format(
                        number=changed.number, status=changed.status_label
                    ),
                )

        self.app.push_screen(ReceiveOrderModal(order), received)

    def action_finish(self) -> None:
        order = self.selected()
        if order is None:
            return
        from salon_tui.screens.modals.confirm import ConfirmModal
        from salon_tui.services import purchasing

        uow, actor = self.salon.uow, self.salon.session_actor
        anything_received = any(line.quantity_received for line in order.lines)
        if anything_received:
            question = _("Close {number}? What has not arrived will not come.").format(
                number=order.number
            )
            call, label = purchasing.close_order, _("Close order")
        else:
            question = _("Cancel {number}? Nothing has been received on it.").format(
                number=order.number
            )
            call, label = purchasing.cancel_order, _("Cancel order")

        def finish(confirmed: bool | None) -> None:
            if confirmed:
                self.step(lambda: call(uow, actor, order.id))

        self.app.push_screen(ConfirmModal(question, label), finish)
