"""The cash drawer at the desk: open with a float, cash in and out, expenses, a no-sale
opening with its reason, the close with a count by denomination, and the Z report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonModal, SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.drawer import DrawerClosed, DrawerView


def _money(node: Any, cents: int | None) -> str:
    from salon_tui.domain.money import format_money

    if cents is None:
        return "—"
    shop = node.app.shop
    return format_money(cents, shop.currency if shop else "CNY", current_locale())


def _parse(node: Any, text: str) -> int:
    from salon_tui.domain.money import parse_amount

    shop = node.app.shop
    return parse_amount(text or "0", shop.currency if shop else "CNY")


class DrawerScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back")),
        Binding("o", "open_drawer", N_("Open")),
        Binding("i", "movement('cash_in')", N_("Cash in")),
        Binding("u", "movement('cash_out')", N_("Cash out")),
        Binding("e", "movement('expense')", N_("Expense")),
        Binding("n", "movement('no_sale')", N_("No sale")),
        Binding("c", "count", N_("Close and count")),
        Binding("z", "z_report", N_("Z report")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.drawer: DrawerView | None = None

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Checkout → Cash drawer"))
        with Vertical(id="drawer"):
            yield Static("", id="drawer-status")
            yield DataTable(id="drawer-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#drawer-table", DataTable)
        table.add_columns(_("Time"), _("Movement"), _("Amount"), _("Note"))
        table.focus()
        self.reload()

    def reload(self) -> None:
        from salon_tui.services import drawer

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(self, lambda: drawer.current_drawer(uow, actor), self.show)

    def show(self, current: DrawerView | None) -> None:
        from salon_tui.domain.clock import shop_time
        from salon_tui.services.drawer import CATEGORY_LABELS, MOVEMENT_LABELS

        self.drawer = current
        table = self.query_one("#drawer-table", DataTable)
        table.clear()
        status = self.query_one("#drawer-status", Static)
        if current is None:
            status.update(_("The drawer is closed. Press O to open it with a float."))
            return
        status.update(
            _("Drawer open since {time} · should hold {expected}").format(
                time=shop_time(current.opened_at, self.salon.shop.timezone).strftime("%H:%M"),
                expected=_money(self, current.expected_cents),
            )
        )
        for movement in current.movements:
            label = _(MOVEMENT_LABELS.get(movement.kind, movement.kind))
            if movement.category:
                label += f" · {_(CATEGORY_LABELS.get(movement.category, movement.category))}"
            table.add_row(
                shop_time(movement.at, self.salon.shop.timezone).strftime("%H:%M"),
                label,
                _money(self, movement.amount_cents),
                movement.note,
            )

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_open_drawer(self) -> None:
        if self.drawer is not None:
            self.notify(_("The cash drawer is already open."), severity="warning")
            return

        def opened(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.services import drawer

            uow, actor = self.salon.uow, self.salon.session_actor
            try:
                float_cents = _parse(self, values["amount"])
            except ValueError as error:
                self.notify(str(error), severity="error")
                return
            call_service(self, lambda: drawer.open_drawer(uow, actor, float_cents), self.show)

        self.app.push_screen(
            MovementModal(
                _("Open the drawer"), _("Opening float (cash in the drawer now)"), note=None
            ),
            opened,
        )

    def action_movement(self, kind: str) -> None:
        from salon_tui.services.drawer import EXPENSE_CATEGORIES

        titles = {
            "cash_in": _("Cash in"),
            "cash_out": _("Cash out"),
            "expense": _("Expense paid from the drawer"),
            "no_sale": _("Open the drawer without a sale"),
        }
        categories = list(EXPENSE_CATEGORIES) if kind == "expense" else None

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.services import drawer, printing

            uow, actor = self.salon.uow, self.salon.session_actor
            try:
                amount = _parse(self, values.get("amount", "0"))
            except ValueError as error:
                self.notify(str(error), severity="error")
                return
            note = values.get("note", "")

            def act() -> DrawerView:
                if kind == "cash_in":
                    return drawer.cash_in(uow, actor, amount, note)
                if kind == "cash_out":
                    return drawer.cash_out(uow, actor, amount, note)
                if kind == "expense":
                    return drawer.record_expense(
                        uow, actor, values.get("category", "other"), amount, note
                    )
                with uow.transaction():
                    view = drawer.open_without_sale(uow, actor, note)
                    printing.open_drawer(uow, actor, note)
                    return view

            call_service(self, act, self.show)

        self.app.push_screen(
            MovementModal(
                titles[kind],
                None if kind == "no_sale" else _("Amount"),
                note=_("Reason") if kind == "no_sale" else _("Note"),
                categories=categories,
            ),
            done,
        )

    def action_count(self) -> None:
        if self.drawer is None:
            self.notify(_("The drawer is closed."), severity="warning")
            return
        self.app.push_screen(CountModal(self.drawer), self._drawer_closed)

    def _drawer_closed(self, closed: DrawerClosed | None) -> None:
        if closed is None:
            return
        self.notify(
            _(
                "Drawer closed: expected {expected}, counted {counted}, difference {difference}."
            ).format(
                expected=_money(self, closed.expected_cents),
                counted=_money(self, closed.counted_cents),
                difference=_money(self, closed.difference_cents),
            ),
            timeout=12,
        )
        self.reload()
        self.action_z_report()

    def action_z_report(self) -> None:
        from salon_tui.screens.checkout_zreport import ZReportScreen

        self.app.push_screen(ZReportScreen())


class MovementModal(SalonModal[Any]):
    """An amount (or none), an optional category, and a note or reason."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self,
        title: str,
        amount_label: str | None,
        *,
        note: str | None,
        categories: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.amount_label = amount_label
        self.note_label = note
        self.categories = categories

    def compose(self) -> ComposeResult:
        from salon_tui.services.drawer import EXPENSE_CATEGORIES

        with Vertical(classes="dialog form"):
            yield Static(self.title_text, classes="dialog-title")
            if self.amount_label:
                yield Label(self.amount_label)
                yield Input(id="movement-amount")
            if self.categories:
                yield Label(
                    _("Category: {names}").format(
                        names=", ".join(
                            f"{c} ({_(EXPENSE_CATEGORIES[c])})" for c in self.categories
                        )
                    )
                )
                yield Input("other", id="movement-category")
            if self.note_label:
                yield Label(self.note_label)
                yield Input(id="movement-note", max_length=200)

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        values = {
            "amount": self._value("#movement-amount"),
            "category": self._value("#movement-category"),
            "note": self._value("#movement-note"),
        }
        self.dismiss(values)

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        return found.first(Input).value.strip() if found else ""


class CountModal(SalonModal[Any]):
    """Count the cash note by note; the difference shows as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, current: DrawerView) -> None:
        super().__init__()
        from salon_tui.domain.cash import denominations_for

        self.current = current
        self.denominations: tuple[int, ...] = ()
        self._denominations = denominations_for

    def compose(self) -> ComposeResult:
        shop = self.salon.shop
        self.denominations = self._denominations(shop.currency if shop else "CNY")
        with Vertical(classes="dialog form", id="count"):
            yield Static(_("Close the drawer: count the cash"), classes="dialog-title")
            for value in self.denominations:
                with Horizontal(classes="count-row"):
                    yield Label(_money(self, value), classes="count-label")
                    yield Input("0", id=f"count-{value}", classes="count-input")
            yield Static("", id="count-total")
            yield Label(_("Note (needed when the count differs)"))
            yield Input(id="count-note", max_length=200)
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        self.update_total()

    def counts(self) -> dict[int, int]:
        found = {}
        for value in self.denominations:
            text = self.query_one(f"#count-{value}", Input).value.strip() or "0"
            found[value] = int(text) if text.isdigit() else -1
        return found

    def update_total(self) -> None:
        counts = self.counts()
        counted = sum(value * max(n, 0) for value, n in counts.items())
        difference = counted - self.current.expected_cents
        self.query_one("#count-total", Static).update(
            _("Counted {counted} · expected {expected} · difference {difference}").format(
                counted=_money(self, counted),
                expected=_money(self, self.current.expected_cents),
                difference=_money(self, difference),
            )
        )

    def on_input_changed(self, _event: Input.Changed) -> None:
        if self.denominations:
            self.update_total()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        counts = self.counts()
        if any(n < 0 for n in counts.values()):
            message = self.query_one("#form-message", Static)
            message.update(_("Counts are whole numbers."))
            message.add_class("-error")
            return
        from salon_tui.services import drawer

        uow, actor = self.salon.uow, self.salon.session_actor
        note = self.query_one("#count-note", Input).value

        def refused(error: Any) -> None:
            message = self.query_one("#form-message", Static)
            message.update(error.message)
            message.add_class("-error")

        call_service(
            self,
            lambda: drawer.close_drawer(uow, actor, counts, note=note),
            self.dismiss,
            failed=refused,
            exclusive=True,
        )
