"""Purchase-order dialogs: pick a supplier, draft an order's lines, receive a delivery.

The draft dialog is made for a scanner as much as for typing: scan (or type a code or a
name) and Enter, then the quantity and Enter; the unit cost starts at the product's
average cost. The services check everything; a refusal keeps the dialog open with its
reason."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.domain.barcodes import lookup_forms
from salon_tui.domain.money import format_money, parse_amount, to_decimal
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _, ngettext
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from salon_tui.services.products import ProductView
    from salon_tui.services.purchasing import OrderView
    from salon_tui.services.stock_levels import ReorderLine


class _Dialog(SalonModal[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def money(self, amount_minor: int) -> str:
        shop = self.salon.shop
        assert shop is not None
        return format_money(amount_minor, shop.currency, shop.locale)

    @property
    def currency(self) -> str:
        shop = self.salon.shop
        return shop.currency if shop else "CNY"

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")


@dataclass(frozen=True)
class SupplierChoice:
    name: str
    to_reorder: int  # low-stock products this supplier delivers


class SupplierPickModal(_Dialog):
    """Which supplier the new order goes to; says how many of its products are low."""

    def __init__(self, choices: list[SupplierChoice], title: str) -> None:
        super().__init__()
        self.choices = choices
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        choice.name
                        + (
                            "  · " + _("{count} to reorder").format(count=choice.to_reorder)
                            if choice.to_reorder
                            else ""
                        )
                    )
                    for choice in self.choices
                ],
                id="supplier-options",
            )

    def on_mount(self) -> None:
        self.query_one("#supplier-options", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index].name)


class ProductPickModal(_Dialog):
    """Several products match what was typed: pick one with the arrows and Enter."""

    def __init__(self, choices: list[ProductView]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog order-pick"):
            yield Static(_("Which product?"), classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        "  ".join(
                            part
                            for part in (
                                p.sku,
                                p.name,
                                p.size,
                                _("{count} on hand").format(count=p.on_hand),
                                p.supplier_name,
                            )
                            if part
                        )
                    )
                    for p in self.choices
                ],
                id="product-options",
            )

    def on_mount(self) -> None:
        self.query_one("#product-options", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index])


@dataclass(frozen=True)
class DraftLine:
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_cost_cents: int


class OrderDraftModal(_Dialog):
    """Add, change and remove the lines of a new order or a draft, then save it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save draft"), priority=True),
        Binding("ctrl+g", "add_suggestions", N_("Add low stock"), priority=True),
        Binding("delete", "remove_line", N_("Remove line")),
    ]

    def __init__(
        self,
        supplier: str,
        order: OrderView | None = None,
        *,
        suggestions: Sequence[ReorderLine] = (),
    ) -> None:
        super().__init__()
        self.supplier = supplier
        self.order = order
        self.suggestions = list(suggestions)
        self.lines: list[DraftLine] = (
            [
                DraftLine(
                    line.product_id,
                    line.sku,
                    line.product_name,
                    line.unit,
                    line.quantity_ordered,
                    line.unit_cost_cents,
                )
                for line in order.lines
            ]
            if order
            else []
        )
        self.product: ProductView | None = None

    def compose(self) -> ComposeResult:
        title = (
            _("{number} · {supplier} · draft").format(
                number=self.order.number, supplier=self.supplier
            )
            if self.order
            else _("New order · {supplier}").format(supplier=self.supplier)
        )
        with Vertical(classes="dialog order-form"):
            yield Static(title, classes="dialog-title")
            yield Static(
                _(
                    "Scan or type a code or name and Enter, then the quantity and Enter. "
                    "Enter on a line changes it, Delete removes it, "
                    "Ctrl+G adds what is low in stock, Ctrl+S saves."
                ),
                classes="hint",
            )
            with Horizontal(classes="desk-fields"):
                with Vertical():
                    yield Label(_("Barcode, code or name"))
                    yield Input(id="po-code", max_length=40)
                with Vertical(classes="narrow"):
                    yield Label(_("Quantity"))
                    yield Input(id="po-qty", max_length=7)
                with Vertical(classes="narrow"):
                    yield Label(_("Unit cost"))
                    yield Input(id="po-cost", max_length=12)
            yield DataTable(id="po-lines", cursor_type="row", zebra_stripes=True)
            yield Static("", id="po-total")
            yield Label(_("Note for the supplier"))
            yield Input(self.order.note if self.order else "", id="po-note", max_length=200)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save draft"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.suggestions:
            self.add_suggestions(self.suggestions)
        else:
            self.show_lines()
        self.query_one("#po-code", Input).focus()

    # --- lines -----------------------------------------------------------------------

    def show_lines(self, keep_product: int | None = None) -> None:
        table = self.query_one("#po-lines", DataTable)
        fill_table(
            table,
            [_("Code"), _("Item name"), _("Unit"), _("Qty"), _("Unit cost"), _("Total")],
            [
                (
                    line.sku,
                    line.name,
                    line.unit,
                    line.quantity,
                    self.money(line.unit_cost_cents),
                    self.money(line.quantity * line.unit_cost_cents),
                )
                for line in self.lines
            ],
            [str(line.product_id) for line in self.lines],
        )
        if keep_product is not None:
            index = next(
                (i for i, line in enumerate(self.lines) if line.product_id == keep_product), 0
            )
            table.move_cursor(row=index)
        total = sum(line.quantity * line.unit_cost_cents for line in self.lines)
        self.query_one("#po-total", Static).update(
            ngettext(
                "{count} line, total {total}", "{count} lines, total {total}", len(self.lines)
            ).format(count=len(self.lines), total=self.money(total))
        )

    def put_line(self, line: DraftLine) -> bool:
        """Add the line, or replace the one for the same product; True when it was new."""
        for index, existing in enumerate(self.lines):
            if existing.product_id == line.product_id:
                self.lines[index] = line
                return False
        self.lines.append(line)
        return True

    def action_add_suggestions(self) -> None:
        from salon_tui.services import purchasing

        uow, actor, supplier = self.salon.uow, self.salon.session_actor, self.supplier
        call_service(
            self,
            lambda: purchasing.reorder_lines(uow, actor, supplier).get(supplier, []),
            self.add_suggestions,
            failed=lambda error: self.say(error.message, error=True),
        )

    def add_suggestions(self, suggestions: Sequence[ReorderLine]) -> None:
        on_order = {line.product_id for line in self.lines}
        added = 0
        for suggestion in suggestions:
            product = suggestion.product
            if product.id in on_order:
                continue
            self.lines.append(
                DraftLine(
                    product.id,
                    product.sku,
                    product.name,
                    product.unit,
                    suggestion.suggested,
                    product.cost_cents,
                )
            )
            added += 1
        self.show_lines()
        if added:
            self.say(
                ngettext(
                    "Added {count} low-stock product with the suggested quantity.",
                    "Added {count} low-stock products with the suggested quantities.",
                    added,
                ).format(count=added)
            )
        else:
            self.say(
                _("Nothing more of {supplier} is low in stock.").format(supplier=self.supplier)
            )

    def action_remove_line(self) -> None:
        table = self.query_one("#po-lines", DataTable)
        if self.focused is not table or not self.lines:
            return
        removed = self.lines.pop(min(table.cursor_row, len(self.lines) - 1))
        self.show_lines()
        self.say(_("Removed {code} {name}.").format(code=removed.sku, name=removed.name))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.lines:
            return
        line = self.lines[min(event.cursor_row, len(self.lines) - 1)]
        self.query_one("#po-code", Input).value = line.sku
        self.look_up(line.sku, line)

    # --- finding a product -------------------------------------------------------------

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        self.query_one("#po-code", Input).value = message.code
        self.look_up(message.code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "po-code":
            self.look_up(event.value)
        elif event.input.id in ("po-qty", "po-cost"):
            self.take_line()
        elif event.input.id == "po-note":
            self.action_save()

    def look_up(self, text: str, current: DraftLine | None = None) -> None:
        if not text.strip():
            return
        from salon_tui.services import products

        uow = self.salon.uow

        def found(matches: list[ProductView]) -> None:
            if not matches:
                self.say(
                    _("No product matches {text!r}. Add it in the Products tab first.").format(
                        text=text.strip()
                    ),
                    error=True,
                )
                self.query_one("#po-code", Input).select_all()
                return
            if len(matches) == 1:
                self.chosen(matches[0], current)
                return
            self.app.push_screen(
                ProductPickModal(matches),
                lambda product: self.chosen(product, current) if product else None,
            )

        call_service(
            self,
            lambda: products.match_products(uow, text),
            found,
            failed=lambda error: self.say(error.message, error=True),
        )

    def chosen(self, product: ProductView, current: DraftLine | None = None) -> None:
        existing = current or next(
            (line for line in self.lines if line.product_id == product.id), None
        )
        self.product = product
        self.query_one("#po-code", Input).value = product.sku
        quantity = self.query_one("#po-qty", Input)
        quantity.value = str(existing.quantity) if existing else "1"
        cost = existing.unit_cost_cents if existing else product.cost_cents
        self.query_one("#po-cost", Input).value = str(to_decimal(cost, self.currency))
        supplier_note = (
            ""
            if not product.supplier_name or product.supplier_name == self.supplier
            else " " + _("(usually from {supplier})").format(supplier=product.supplier_name)
        )
        self.say(
            _("{code} {name}: {on_hand} on hand, minimum {minimum}, average cost {cost}.").format(
                code=product.sku,
                name=product.name,
                on_hand=product.on_hand,
                minimum=product.min_stock,
                cost=self.money(product.cost_cents),
            )
            + supplier_note
        )
        quantity.focus()
        quantity.select_all()

    def take_line(self) -> None:
        product = self.product
        if product is None:
            self.say(_("Scan or type the product first."), error=True)
            self.query_one("#po-code", Input).focus()
            return
        quantity_text = self.query_one("#po-qty", Input).value.strip()
        try:
            quantity = int(quantity_text)
        except ValueError:
            self.say(_("The quantity must be a whole number."), error=True)
            self.query_one("#po-qty", Input).focus()
            return
        if quantity <= 0:
            self.say(
                _("Order a positive quantity of {name}.").format(name=product.name), error=True
            )
            self.query_one("#po-qty", Input).focus()
            return
        cost_text = self.query_one("#po-cost", Input).value.strip()
        try:
            cost = parse_amount(cost_text, self.currency) if cost_text else product.cost_cents
        except ValueError as error:
            self.say(str(error), error=True)
            self.query_one("#po-cost", Input).focus()
            return
        line = DraftLine(product.id, product.sku, product.name, product.unit, quantity, cost)
        added = self.put_line(line)
        self.show_lines(keep_product=product.id)
        self.say(
            (
                _("Added {quantity} × {name} at {cost}.")
                if added
                else _("Changed {name} to {quantity} at {cost}.")
            ).format(quantity=quantity, name=product.name, cost=self.money(cost))
        )
        self.product = None
        for key in ("po-code", "po-qty", "po-cost"):
            self.query_one(f"#{key}", Input).value = ""
        self.query_one("#po-code", Input).focus()

    # --- saving ------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_save()
        elif event.button.id == "cancel":
            self.dismiss(None)

    def action_save(self) -> None:
        from salon_tui.services import purchasing

        uow, actor = self.salon.uow, self.salon.session_actor
        lines = [(line.product_id, line.quantity, line.unit_cost_cents) for line in self.lines]
        note = self.query_one("#po-note", Input).value
        order, supplier = self.order, self.supplier

        def save() -> OrderView:
            if order is None:
                return purchasing.create_order(uow, actor, supplier, lines, note=note)
            return purchasing.update_draft(uow, actor, order.id, lines, note=note)

        def refused(error: SalonError) -> None:
            self.say(error.message, error=True)

        call_service(self, save, self.dismiss, failed=refused)


class ReceiveOrderModal(_Dialog):
    """One delivery against an order: what arrived of each line and at what unit cost.
    More than ordered is refused until a reason is given."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "receive", N_("Receive"), priority=True),
    ]

    def __init__(self, order: OrderView) -> None:
        super().__init__()
        self.order = order
        self.key = uuid.uuid4().hex

    def compose(self) -> ComposeResult:
        order = self.order
        with Vertical(classes="dialog order-form"):
            yield Static(
                _("Receive {number} · {supplier} · {status}").format(
                    number=order.number, supplier=order.supplier_name, status=order.status_label
                ),
                classes="dialog-title",
            )
            yield Static(
                _(
                    "What arrived of each line (the outstanding quantity to start with) and its "
                    "real unit cost. 0 = not in this delivery. Ctrl+S receives."
                ),
                classes="hint",
            )
            with Horizontal(classes="receive-line receive-head"):
                yield Static(_("Ordered item"), classes="receive-label")
                yield Static(_("This delivery"), classes="receive-qty")
                yield Static(_("Unit cost"), classes="receive-cost")
            with VerticalScroll(classes="receive-lines"):
                for index, line in enumerate(order.lines):
                    with Horizontal(classes="receive-line"):
                        label = _("{code} {name}: {received} of {ordered} {unit} received").format(
                            code=line.sku,
                            name=line.product_name,
                            received=line.quantity_received,
                            ordered=line.quantity_ordered,
                            unit=line.unit,
                        )
                        yield Static(" ".join(label.split()), classes="receive-label")
                        yield Input(
                            str(line.outstanding),
                            id=f"got-{index}",
                            max_length=7,
                            classes="receive-qty",
                        )
                        yield Input(
                            str(to_decimal(line.unit_cost_cents, self.currency)),
                            id=f"cost-{index}",
                            max_length=12,
                            classes="receive-cost",
                        )
            yield Label(_("Reason, when more than ordered arrived"))
            yield Input(id="over-reason", max_length=200)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Receive"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        first = next((i for i, line in enumerate(self.order.lines) if line.outstanding), 0)
        if self.order.lines:
            field = self.query_one(f"#got-{first}", Input)
            field.focus()
            field.select_all()

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        forms = set(lookup_forms(message.code))
        for index, line in enumerate(self.order.lines):
            if line.sku in forms or (line.barcode and line.barcode in forms):
                field = self.query_one(f"#got-{index}", Input)
                field.focus()
                field.select_all()
                self.say(_("{name}: how many arrived?").format(name=line.product_name))
                return
        self.say(
            _("{code} is not on {number}.").format(code=message.code, number=self.order.number),
            error=True,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_receive()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_receive()
        elif event.button.id == "cancel":
            self.dismiss(None)

    def deliveries(self) -> list[Any] | None:
        from salon_tui.services.purchasing import Delivery

        delivered = []
        for index, line in enumerate(self.order.lines):
            quantity_field = self.query_one(f"#got-{index}", Input)
            text = quantity_field.value.strip() or "0"
            try:
                quantity = int(text)
            except ValueError:
                self.say(
                    _("{name}: {value!r} is not a whole number.").format(
                        name=line.product_name, value=text
                    ),
                    error=True,
                )
                quantity_field.focus()
                return None
            cost_field = self.query_one(f"#cost-{index}", Input)
            cost_text = cost_field.value.strip()
            try:
                cost = parse_amount(cost_text, self.currency) if cost_text else None
            except ValueError as error:
                self.say(f"{line.product_name}: {error}", error=True)
                cost_field.focus()
                return None
            delivered.append(Delivery(line.product_id, quantity, cost))
        return delivered

    def action_receive(self) -> None:
        delivered = self.deliveries()
        if delivered is None:
            return
        from salon_tui.services import purchasing

        uow, actor, order_id, key = (
            self.salon.uow,
            self.salon.session_actor,
            self.order.id,
            self.key,
        )
        reason = self.query_one("#over-reason", Input).value

        def refused(error: SalonError) -> None:
            self.say(error.message, error=True)
            if isinstance(error, purchasing.OverDelivery):
                self.query_one("#over-reason", Input).focus()

        call_service(
            self,
            lambda: purchasing.receive_delivery(
                uow, actor, order_id, delivered, over_reason=reason, idempotency_key=key
            ),
            self.dismiss,
            failed=refused,
        )


__all__ = [
    "DraftLine",
    "OrderDraftModal",
    "ProductPickModal",
    "ReceiveOrderModal",
    "SupplierChoice",
    "SupplierPickModal",
]
