"""The Receive and Stocktake tabs: made for a barcode scanner. Scan (a scanner types the
code and Enter), then the quantity and Enter; the cursor goes back to the code field for
the next item. Each booking carries a key made when its line opened, so a double Enter
books it once."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from salon_tui.domain.money import format_money, parse_amount
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import call_service, show_error


class DeskPane(Vertical):
    @property
    def salon(self) -> Any:
        return self.app

    def money(self, amount_minor: int) -> str:
        shop = self.salon.shop
        return format_money(amount_minor, shop.currency, shop.locale)

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one(".desk-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def refused(self, error: SalonError) -> None:
        self.say(error.message, error=True)
        show_error(self, error)

    def field(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)


class ReceivePane(DeskPane):
    """Book deliveries: scan, quantity, Enter. With an order number they count against it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.product: Any = None
        self.key = uuid.uuid4().hex

    def compose(self) -> ComposeResult:
        yield Static(
            _("Scan a barcode (or type a code) and Enter, then the quantity and Enter."),
            classes="hint",
        )
        with Horizontal(classes="desk-fields"):
            with Vertical():
                yield Label(_("Barcode or code"))
                yield Input(id="receive-code", max_length=40)
            with Vertical(classes="narrow"):
                yield Label(_("Quantity"))
                yield Input("1", id="receive-qty", max_length=7)
            with Vertical(classes="narrow"):
                yield Label(_("Unit cost"))
                yield Input(id="receive-cost", max_length=12, placeholder=_("average"))
            with Vertical(classes="narrow"):
                yield Label(_("Order (optional)"))
                yield Input(id="receive-order", max_length=10, placeholder=_("none"))
        yield Static("", classes="desk-status")
        yield DataTable(id="receive-log", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#receive-log", DataTable).add_columns(
            _("Code"), _("Item name"), _("Qty"), _("Unit cost"), _("On hand"), _("Ref")
        )

    def focus_code(self) -> None:
        self.field("receive-code").focus()

    def take_scan(self, code: str) -> None:
        self.field("receive-code").value = code
        self.look_up(code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "receive-code":
            self.look_up(event.value)
        elif event.input.id in ("receive-qty", "receive-cost", "receive-order"):
            self.book()

    def look_up(self, code: str) -> None:
        if not code.strip():
            return
        from salon_tui.services import products

        uow = self.salon.uow

        def found(product: Any) -> None:
            self.product = product
            self.key = uuid.uuid4().hex
            self.say(
                _("{code} {name}: {on_hand} on hand, average cost {cost}.").format(
                    code=product.sku,
                    name=product.name,
                    on_hand=product.on_hand,
                    cost=self.money(product.cost_cents),
                )
            )
            quantity = self.field("receive-qty")
            quantity.value = "1"
            quantity.focus()
            quantity.select_all()

        def not_found(error: SalonError) -> None:
            self.product = None
            self.refused(error)
            self.field("receive-code").select_all()

        call_service(self, lambda: products.find_product(uow, code), found, failed=not_found)

    def book(self) -> None:
        if self.product is None:
            self.say(_("Scan or type the product first."), error=True)
            self.focus_code()
            return
        try:
            quantity = int(self.field("receive-qty").value.strip())
        except ValueError:
            self.say(_("The quantity must be a whole number."), error=True)
            self.field("receive-qty").focus()
            return
        cost_text = self.field("receive-cost").value.strip()
        try:
            cost = parse_amount(cost_text, self.salon.shop.currency) if cost_text else None
        except ValueError as error:
            self.say(str(error), error=True)
            self.field("receive-cost").focus()
            return
        order_text = self.field("receive-order").value.strip().upper().removeprefix("PO")
        uow, actor, product, key = self.salon.uow, self.salon.session_actor, self.product, self.key
        if order_text:
            if not order_text.isdigit():
                self.say(
                    _("{value!r} is not an order number (PO00012 or 12).").format(value=order_text),
                    error=True,
                )
                return
            from salon_tui.services import products, purchasing

            def against_order() -> tuple[Any, Any]:
                order = purchasing.receive_delivery(
                    uow,
                    actor,
                    int(order_text),
                    [purchasing.Delivery(product.id, quantity, cost)],
                    idempotency_key=key,
                )
                return order, products.get_product(uow, product.id)

            call_service(
                self,
                against_order,
                lambda done: self.booked(
                    done[1], quantity, cost, f"{done[0].number} · {done[0].status_label}"
                ),
                failed=self.refused,
            )
            return
        from salon_tui.services import inventory

        call_service(
            self,
            lambda: inventory.receive(
                uow, actor, product.id, quantity, unit_cost_cents=cost, idempotency_key=key
            ),
            lambda movement: self.booked_movement(movement),
            failed=self.refused,
        )

    def booked_movement(self, movement: Any) -> None:
        self.log_row(
            movement.sku,
            movement.product_name,
            movement.quantity,
            movement.unit_cost_cents,
            movement.on_hand_after,
            "",
        )

    def booked(self, product: Any, quantity: int, cost: int | None, reference: str) -> None:
        self.log_row(
            product.sku,
            product.name,
            quantity,
            cost if cost is not None else product.cost_cents,
            product.on_hand,
            reference,
        )

    def log_row(
        self, sku: str, name: str, quantity: int, cost: int, on_hand: int, reference: str
    ) -> None:
        self.query_one("#receive-log", DataTable).add_row(
            sku, name, f"+{quantity}", self.money(cost), on_hand, reference
        )
        self.say(
            _("Received {quantity} × {name}; {on_hand} on hand.").format(
                quantity=quantity, name=name, on_hand=on_hand
            )
        )
        self.product = None
        self.key = uuid.uuid4().hex
        self.field("receive-code").value = ""
        self.field("receive-qty").value = "1"
        self.field("receive-cost").value = ""
        self.focus_code()


class CountPane(DeskPane):
    """A stocktake: start it, scan and count, see the variance, post it (managers)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", N_("Start count")),
        Binding("ctrl+t", "post", N_("Post count")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.count_id: int | None = None
        self.post_key = uuid.uuid4().hex
        self.code = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="count-title", classes="hint")
        with Horizontal(classes="desk-fields"):
            with Vertical():
                yield Label(_("Barcode or code"))
                yield Input(id="count-code", max_length=40)
            with Vertical(classes="narrow"):
                yield Label(_("Counted"))
                yield Input(id="count-qty", max_length=7)
        yield Static("", classes="desk-status")
        yield DataTable(id="count-lines", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#count-lines", DataTable).add_columns(
            _("Code"), _("Item name"), _("On hand"), _("Counted"), _("Variance"), _("Value")
        )
        self.reload()

    def reload(self) -> None:
        from salon_tui.services import stocktake

        uow = self.salon.uow

        def load() -> Any:
            count_id = stocktake.open_count_id(uow)
            return None if count_id is None else stocktake.get_count(uow, count_id)

        call_service(self, load, self.show)

    def show(self, count: Any) -> None:
        table = self.query_one("#count-lines", DataTable)
        table.clear()
        title = self.query_one("#count-title", Static)
        if count is None:
            self.count_id = None
            title.update(_("No stocktake is open. Ctrl+S starts one of every product."))
            return
        self.count_id = count.id
        title.update(
            _(
                "Stocktake #{id}: {counted} of {lines} counted, variance {value}. Ctrl+T posts it."
            ).format(
                id=count.id,
                counted=count.counted_lines,
                lines=len(count.lines),
                value=self.money(count.variance_value_cents),
            )
        )
        for line in count.lines:
            counted = "" if line.counted is None else str(line.counted)
            variance = f"{line.variance:+d}" if line.counted is not None and line.variance else ""
            table.add_row(
                line.sku,
                line.product_name,
                line.expected,
                counted,
                variance,
                self.money(line.variance_value_cents) if variance else "",
            )

    def action_start(self) -> None:
        from salon_tui.services import stocktake

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: stocktake.start_count(uow, actor),
            self.started,
            failed=self.refused,
        )

    def started(self, count: Any) -> None:
        self.show(count)
        self.field("count-code").focus()

    def take_scan(self, code: str) -> None:
        self.field("count-code").value = code
        self.take_code(code)

    def take_code(self, code: str) -> None:
        if self.count_id is None:
            self.say(_("Start a stocktake first (Ctrl+S)."), error=True)
            return
        if code.strip():
            self.code = code.strip()
            self.field("count-qty").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "count-code":
            self.take_code(event.value)
            return
        if self.count_id is None:
            self.say(_("Start a stocktake first (Ctrl+S)."), error=True)
            return
        try:
            quantity = int(event.value.strip())
        except ValueError:
            self.say(_("The quantity must be a whole number."), error=True)
            return
        from salon_tui.services import stocktake

        uow, actor, count_id, code = (
            self.salon.uow,
            self.salon.session_actor,
            self.count_id,
            self.code,
        )

        def recorded(line: Any) -> None:
            self.say(
                _("{name}: counted {counted}, on hand {expected}.").format(
                    name=line.product_name, counted=line.counted, expected=line.expected
                )
            )
            self.field("count-code").value = ""
            self.field("count-qty").value = ""
            self.field("count-code").focus()
            self.reload()

        call_service(
            self,
            lambda: stocktake.record_count(uow, actor, count_id, code, quantity),
            recorded,
            failed=self.refused,
        )

    def action_post(self) -> None:
        if self.count_id is None:
            return
        from salon_tui.screens.modals.confirm import ConfirmModal
        from salon_tui.services import stocktake

        uow, actor, count_id, key = (
            self.salon.uow,
            self.salon.session_actor,
            self.count_id,
            self.post_key,
        )

        def post(confirmed: bool | None) -> None:
            if not confirmed:
                return
            call_service(
                self,
                lambda: stocktake.post_count(uow, actor, count_id, idempotency_key=key),
                self.posted,
                failed=self.refused,
            )

        self.app.push_screen(
            ConfirmModal(
                _(
                    "Post stocktake #{id}? Counted lines set the stock; this cannot be undone."
                ).format(id=count_id),
                _("Post"),
            ),
            post,
        )

    def posted(self, count: Any) -> None:
        self.post_key = uuid.uuid4().hex
        self.app.notify(
            _("Stocktake #{id} posted: variance {value}.").format(
                id=count.id, value=self.money(count.variance_value_cents)
            )
        )
        self.reload()
