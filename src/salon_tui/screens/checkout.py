"""F2 Checkout (收银): build the cart, see every discount explained, pay, park, resume.

The sale is stored from the moment this screen opens it, so a parked sale waits for
any terminal and a crash loses nothing. Every change goes through a service in a
worker; the screen only redraws from the ``CartView`` that comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.screens.checkout_patch_tests import PatchTestNotice
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.errors import SalonError
    from salon_tui.services.checkout_member import MemberPanel
    from salon_tui.services.sale_catalog import ItemChoice
    from salon_tui.services.sale_payment import PaidSale
    from salon_tui.services.sales import CartLineView, CartView
    from salon_tui.widgets.devices import Scanned


def open_in_checkout(app: Any, sale_id: int) -> None:
    """Show an open sale another area started (a finished booking) in F2 Checkout: the
    screen takes it up when it next shows, instead of its own empty cart."""
    app.pending_sale_id = sale_id
    app.action_open_area("checkout")
    screen = app.screen
    if isinstance(screen, CheckoutScreen) and screen.is_mounted:
        screen.take_pending_sale()


def money(screen: SalonScreen, cents: int) -> str:
    from salon_tui.domain.money import format_money

    currency = screen.salon.shop.currency if screen.salon.shop else "CNY"
    return format_money(cents, currency, current_locale())


class CheckoutScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer holds the keys of every sale; the rest (show=False) are in the
        # key panel beside the cart, which lists them all.
        Binding("f10", "pay", N_("Pay"), priority=True),
        Binding("ctrl+e", "member", N_("Member"), priority=True),
        Binding("ctrl+s", "stylist", N_("Stylist"), show=False, priority=True),
        Binding("ctrl+d", "discount", N_("Discount"), priority=True),
        Binding("ctrl+t", "tip", N_("Tip"), show=False, priority=True),
        Binding("ctrl+g", "park", N_("Park"), priority=True),
        Binding("ctrl+r", "resume", N_("Resume"), priority=True),
        Binding("ctrl+x", "void", N_("Void"), show=False, priority=True),
        Binding("ctrl+o", "history", N_("History"), show=False, priority=True),
        Binding("ctrl+b", "drawer", N_("Drawer"), show=False, priority=True),
        Binding("ctrl+k", "coupon", N_("Coupon"), show=False, priority=True),
        Binding("ctrl+u", "package", N_("Package"), show=False, priority=True),
        Binding("ctrl+y", "sell_card", N_("Card sale"), priority=True),
        Binding("plus,equals_sign", "qty(1)", N_("Qty +"), show=False),
        Binding("minus", "qty(-1)", N_("Qty −"), show=False),
        Binding("delete", "remove_line", N_("Remove line"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cart: CartView | None = None
        self.member_warning = ""
        # The member whose panel (balances, packages, coupons, safety) is shown, and
        # the panel once it has been read.
        self.panel_member_id: int | None = None
        self.panel: MemberPanel | None = None
        # Whether another area was shown since (its changes reach the panel on return);
        # a dialog over checkout changes nothing the panel shows.
        self.left_for_area = False
        # A new sale is being opened (the screen's first showing, after a payment), and
        # what was scanned or typed meanwhile, entered once it is open.
        self.opening_sale = False
        self.waiting_entries: list[str] = []
        # A booking's deposit this sale may use (the "Booking deposit" way to pay).
        self.deposit_cents = 0
        # Lines whose service needs a patch test the client lacks: id → confirmed.
        self.patch_marks: dict[int, bool] = {}
        self.item_column: Any = None

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Checkout"))
        with Horizontal(id="checkout"):
            with Vertical(id="checkout-left"):
                yield Static(_("Walk-in client"), id="checkout-member")
                yield Input(
                    placeholder=_("Scan, or type a service or product (or: description amount)"),
                    id="checkout-entry",
                )
                yield DataTable(id="cart-table", cursor_type="row", zebra_stripes=True)
                yield PatchTestNotice(id="patch-tests")
                yield Static("", id="line-detail")
            with Vertical(id="checkout-right"):
                yield Static("", id="checkout-totals")
                yield Static("", id="checkout-member-panel")
                yield Static(
                    _(
                        "Enter adds (empty: the member's usual) · F10 pay · Ctrl+E member · "
                        "Ctrl+S stylist · Ctrl+D discount\n"
                        "Ctrl+T tip · "
                        "Ctrl+G park · Ctrl+R resume · Ctrl+X void · Ctrl+O history · "
                        "Ctrl+B drawer · Ctrl+K coupon · Ctrl+U package on/off · "
                        "Ctrl+Y top-up/package/gift card · +/− qty · Del remove"
                    ),
                    id="checkout-keys",
                    classes="hint",
                )
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#cart-table", DataTable)
        self.item_column, *_others = table.add_columns(
            _("Item"), _("Qty"), _("Stylist"), _("Price"), _("Discount"), _("Charged")
        )
        self.query_one("#checkout-entry", Input).focus()
        # Built behind home after a log-in (SalonApp.prepare_checkout), it opens its sale
        # when first shown, not before.
        if not self.take_pending_sale() and self.is_current:
            self.start_new_sale()

    def on_screen_suspend(self) -> None:
        # Another area took the screen (F7 …), not a dialog over this one.
        from textual.screen import ModalScreen

        self.left_for_area = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        if self.take_pending_sale():
            return
        if self.cart is None:
            if self.is_current and not self.opening_sale:
                self.start_new_sale()
            return
        if self.left_for_area:  # a top-up on F7 …: read the member's panel again
            self.left_for_area = False
            self.show_member_panel(self.cart.member_id, reload=True)

    def take_pending_sale(self) -> bool:
        """Take up a sale another screen opened for checkout; its empty cart is voided."""
        sale_id = getattr(self.salon, "pending_sale_id", None)
        if sale_id is None:
            return False
        self.salon.pending_sale_id = None
        from salon_tui.services import booking_status, sales

        uow, actor = self.salon.uow, self.salon.session_actor
        current = self.cart

        def take() -> tuple[CartView, int]:
            if current is not None and not current.lines and current.status == "open":
                sales.void_sale(uow, actor, current.sale_id)
            return sales.get_cart(uow, actor, sale_id), booking_status.deposit_for_sale(
                uow, sale_id
            )

        def taken(loaded: tuple[CartView, int]) -> None:
            cart, deposit = loaded
            self.opening_sale = False
            self.deposit_cents = deposit
            self.show_cart(cart)

        # Like opening a sale: the screen's resume must not open another meanwhile.
        self.opening_sale = True
        call_service(self, take, taken, failed=self._opening_failed, exclusive=True)
        return True

    # --- the cart -------------------------------------------------------------------

    def start_new_sale(self, then: Callable[[], None] | None = None) -> None:
        """Open the next sale; ``then`` runs once its empty cart is shown."""
        from salon_tui.services import sales

        uow, actor = self.salon.uow, self.salon.session_actor
        self.opening_sale = True

        def opened(cart: CartView) -> None:
            self.opening_sale = False
            self.show_cart(cart)
            waiting, self.waiting_entries = self.waiting_entries, []
            for text in waiting:  # scanned or typed while the sale was being opened
                self.enter_text(text)
            if then is not None:
                then()

        call_service(
            self,
            lambda: sales.open_sale(uow, actor),
            opened,
            failed=self._opening_failed,
            exclusive=True,
        )

    def _opening_failed(self, error: SalonError) -> None:
        from salon_tui.widgets.worker import show_error

        self.opening_sale = False
        show_error(self, error)

    def show_cart(self, cart: CartView) -> None:
        self.cart = cart
        table = self.query_one("#cart-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for line in cart.lines:
            stylists = ", ".join(
                s.name
                + (f" {s.share_bp // 100}%" if s.share_bp != 10_000 else "")
                + (" ★" if s.requested else "")
                for s in line.staff
            )
            table.add_row(
                self.marked_label(line),
                str(line.qty),
                stylists or ("—" if line.kind != "service" else _("choose (Ctrl+S)")),
                money(self, line.unit_cents),
                money(self, line.discount_cents) if line.discount_cents else "",
                money(self, line.net_cents),
                key=str(line.id),
            )
        if cart.lines:
            table.move_cursor(row=min(keep or 0, len(cart.lines) - 1))
        member = shown(cart.member_label) if cart.member_label else _("Walk-in client")
        if cart.member_id and self.member_warning:
            member += (
                "  [b red]⚠ "
                + _("Allergies: {what}").format(what=shown(self.member_warning))
                + "[/]"
            )
        status = "" if cart.status == "open" else f" · {_(cart.status.capitalize())}"
        self.query_one("#checkout-member", Static).update(f"{member}{status}")
        self.show_member_panel(cart.member_id)
        rows = [
            (_("Subtotal"), cart.subtotal_cents),
            (_("Discounts"), -cart.discount_cents),
            (_("Rounding"), -cart.rounding_cents),
            (_("Tips"), cart.tips_cents),
        ]
        lines = [f"{label:<10} {money(self, amount):>14}" for label, amount in rows if amount]
        lines.append(f"[b]{_('Total'):<10} {money(self, cart.total_cents):>14}[/b]")
        self.query_one("#checkout-totals", Static).update("\n".join(lines))
        self.show_line_detail()
        self.query_one(PatchTestNotice).check_cart(cart)

    def marked_label(self, line: CartLineView) -> Any:
        """The line's label, marked ⚠ when its service needs a patch test the client
        lacks (red until the cashier confirms going ahead)."""
        from rich.text import Text

        label = self.line_label(line)
        confirmed = self.patch_marks.get(line.id)
        if confirmed is None:
            return label
        return Text("⚠ ", style="yellow" if confirmed else "bold red") + Text(label)

    def on_patch_test_notice_checked(self, message: PatchTestNotice.Checked) -> None:
        marks = {warning.line_id: warning.confirmed for warning in message.warnings}
        if marks == self.patch_marks or self.cart is None:
            return
        self.patch_marks = marks
        table = self.query_one("#cart-table", DataTable)
        for line in self.cart.lines:
            if str(line.id) in table.rows:
                # The mark widens the label: without update_width the column keeps the
                # label's old width and cuts the name ("⚠ Colo").
                table.update_cell(
                    str(line.id), self.item_column, self.marked_label(line), update_width=True
                )

    @staticmethod
    def line_label(line: CartLineView) -> str:
        """What the line sells; a package says so (its name alone reads like a service)."""
        from salon_tui.domain.sales import LINE_KIND_LABELS, LineKind

        if line.kind == LineKind.PACKAGE:
            return f"{_(LINE_KIND_LABELS[LineKind.PACKAGE])} · {line.description}"
        return line.description

    def show_member_panel(self, member_id: int | None, *, reload: bool = False) -> None:
        """The member's card at a glance; read again only when the member changes."""
        panel = self.query_one("#checkout-member-panel", Static)
        if member_id is None:
            self.panel_member_id = None
            self.panel = None
            panel.update("")
            panel.display = False
            return
        if member_id == self.panel_member_id and not reload:
            return
        self.panel_member_id = member_id
        if self.panel is not None and self.panel.member_id != member_id:
            self.panel = None
        from salon_tui.services import checkout_member

        uow, actor = self.salon.uow, self.salon.session_actor

        def shown(found: checkout_member.MemberPanel) -> None:
            if self.panel_member_id == found.member_id:
                self.panel = found
                panel.update(self.member_panel_text(found))
                panel.display = True

        call_service(
            self,
            lambda: checkout_member.member_panel(uow, actor, member_id),
            shown,
            group="member-panel",
        )

    def member_panel_text(self, panel: MemberPanel) -> str:
        from rich.markup import escape

        from salon_tui.domain.clock import shop_time

        zone = self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"
        lines = [
            f"[b]{escape(panel.name)}[/b]" + (f" · {escape(panel.level)}" if panel.level else "")
        ]
        if panel.card_number:
            lines.append(_("Card {number}").format(number=panel.card_number))
        stored = _("Stored value {total}").format(total=money(self, panel.stored_value_cents))
        if panel.bonus_cents:
            stored += " " + _("(principal {principal} · bonus {bonus})").format(
                principal=money(self, panel.principal_cents),
                bonus=money(self, panel.bonus_cents),
            )
        if panel.low_balance:
            stored += " [b yellow]" + _("low") + "[/]"
        lines.append(stored)
        lines.append(_("Points {points}").format(points=f"{panel.points:,}"))
        for package in panel.packages:
            lines.append(
                _("Package {name}: {service} × {left} (until {day})").format(
                    name=escape(package.name),
                    service=escape(package.service),
                    left=package.uses_left,
                    day=package.expires_on.isoformat(),
                )
            )
        if panel.coupons:
            shown = escape(", ".join(panel.coupons[:3])) + (" …" if len(panel.coupons) > 3 else "")
            lines.append(
                _("Coupons ({count}): {names} — Ctrl+K").format(
                    count=len(panel.coupons), names=shown
                )
            )
        if panel.allergies:
            lines.append(
                "[b red]⚠ "
                + _("Allergies: {what}").format(what=escape(", ".join(panel.allergies)))
                + "[/]"
            )
        for test in panel.patch_tests:
            if test.valid:
                lines.append(
                    _("Patch test {category}: passed, valid until {day}").format(
                        category=_(test.category), day=test.valid_until.isoformat()
                    )
                )
            else:
                lines.append(
                    "[b red]⚠ "
                    + _("Patch test {category}: no valid test (failed or expired)").format(
                        category=_(test.category)
                    )
                    + "[/]"
                )
        if panel.usual:
            first = panel.usual[0]
            usual = first.description + (
                f" · {first.usual_staff_name}" if first.usual_staff_name else ""
            )
            if len(panel.usual) > 1:
                usual += f" (+{len(panel.usual) - 1})"
            lines.append(_("Usual (Enter): {services}").format(services=escape(usual)))
        if panel.next_booking is not None:
            when = shop_time(panel.next_booking.starts_at, zone).strftime("%m-%d %H:%M")
            lines.append(
                _("Next booking {when}: {services}").format(
                    when=when, services=escape(panel.next_booking.services)
                )
            )
        return "\n".join(lines) + "\n"  # a blank line before the keys

    def selected_line(self) -> CartLineView | None:
        if self.cart is None or not self.cart.lines:
            return None
        row = self.query_one("#cart-table", DataTable).cursor_row
        if row is None or not 0 <= row < len(self.cart.lines):
            return self.cart.lines[-1]
        return self.cart.lines[row]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_line_detail()

    def show_line_detail(self) -> None:
        line = self.selected_line()
        detail = self.query_one("#line-detail", Static)
        if line is None or not line.adjustments:
            detail.update("")
            return
        parts = []
        for adjustment in line.adjustments:
            why = " · ".join(p for p in (adjustment.explanation, adjustment.reason) if p)
            parts.append(
                f"{adjustment.label} −{money(self, adjustment.amount_cents)}"
                + (f" ({why})" if why else "")
            )
        detail.update(
            _("{item}: {discounts}").format(item=line.description, discounts="; ".join(parts))
        )

    def _call_cart(self, call: Any) -> None:
        call_service(self, call, self.show_cart, exclusive=True)

    # --- entering items ----------------------------------------------------------------

    def on_scanned(self, message: Scanned) -> None:
        """A scan adds the product (or names the member's card) without touching any field."""
        message.stop()
        if self.salon.locked:
            return
        if self.cart is None:  # the sale is being opened (F2 just shown): next in line
            self.waiting_entries.append(message.code.strip())
            return
        self.enter_text(message.code.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "checkout-entry":
            return
        text = event.value.strip()
        if self.cart is None:
            if text:  # the sale is being opened (F2 just shown): next in line
                event.input.value = ""
                self.waiting_entries.append(text)
            return
        if not text:
            self.offer_usual()
            return
        event.input.value = ""
        self.enter_text(text)

    def offer_usual(self) -> None:
        """Enter on the empty entry: the member's usual services, the most frequent
        highlighted, each with who last did it (so Enter adds it without asking)."""
        if self.cart is None or self.cart.member_id is None:
            return
        member_id = self.cart.member_id
        name = shown(self.cart.member_label.split(" · ")[0]) if self.cart.member_label else ""

        def offer(usual: tuple[ItemChoice, ...]) -> None:
            if self.cart is None or self.cart.member_id != member_id:
                return
            if not usual:
                self.notify(
                    _("{name} has no usual services yet: type a code, a name or pinyin.").format(
                        name=name
                    )
                )
                return
            from salon_tui.screens.modals.checkout_pick import ItemPickModal

            self.app.push_screen(
                ItemPickModal(
                    list(usual),
                    lambda c: money(self, c),
                    title=_("Usual for {name}").format(name=name),
                ),
                self._picked,
            )

        if self.panel is not None and self.panel.member_id == member_id:
            offer(self.panel.usual)
            return
        from salon_tui.services.sales_catalog_link import usual_services

        uow = self.salon.uow
        call_service(self, lambda: tuple(usual_services(uow, member_id)), offer)

    def enter_text(self, text: str) -> None:
        from salon_tui.screens.checkout_loyalty import loyalty_code_entered
        from salon_tui.services import sale_catalog

        if loyalty_code_entered(self, text):
            return

        uow, actor = self.salon.uow, self.salon.session_actor
        member_id = self.cart.member_id if self.cart else None
        currency = self.salon.shop.currency if self.salon.shop else "CNY"

        def find() -> tuple[list[ItemChoice], Any]:
            found = sale_catalog.find_items(uow, actor, text, member_id)
            if found:
                return found, None
            misc = sale_catalog.misc_item(text, currency)
            if misc is not None:
                return [misc], None
            return [], self._member_by_card(text)

        def show(result: tuple[list[ItemChoice], Any]) -> None:
            found, member = result
            if member is not None:
                self._member_chosen(("member", member))
            else:
                self._found(text, found)

        call_service(self, find, show)

    def _found(self, text: str, found: list[ItemChoice]) -> None:
        if not found:
            self.notify(
                _("Nothing matches {text!r}; the cart is unchanged.").format(text=text),
                severity="warning",
            )
            return
        if len(found) == 1:
            self.add_item(found[0])
            return
        from salon_tui.screens.modals.checkout_pick import ItemPickModal

        self.app.push_screen(ItemPickModal(found, lambda c: money(self, c)), self._picked)

    def _picked(self, choice: ItemChoice | None) -> None:
        if choice is not None:
            self.add_item(choice)

    def add_item(self, choice: ItemChoice) -> None:
        if self.cart is None:
            return
        from salon_tui.services import sales

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        staff = [sales.StaffShare(choice.usual_staff_id)] if choice.usual_staff_id else []

        def add() -> CartView:
            return sales.add_line(
                uow,
                actor,
                sale_id,
                kind=choice.kind,
                description=choice.description,
                unit_cents=choice.unit_cents,
                item_id=choice.item_id,
                item_code=choice.code,
                category=choice.category,
                staff=staff,
            )

        def added(cart: CartView) -> None:
            self.show_cart(cart)
            self.query_one("#cart-table", DataTable).move_cursor(row=len(cart.lines) - 1)
            if choice.kind == "service" and not staff:
                self.action_stylist()

        call_service(self, add, added, exclusive=True)

    # --- the client ---------------------------------------------------------------------

    def action_member(self) -> None:
        if self.cart is None:
            return
        from salon_tui.screens.modals.checkout_pick import MemberPickModal

        self.app.push_screen(MemberPickModal(), self._member_chosen)

    def _member_chosen(self, choice: tuple[str, Any] | None) -> None:
        if choice is None or self.cart is None:
            return
        from salon_tui.services import sales

        _kind, hit = choice
        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        member_id = hit.id if hit is not None else None
        label = f"{hit.name} · {hit.level} · {hit.card_number}".strip(" ·") if hit else ""
        self.member_warning = hit.allergies if hit is not None else ""
        self._call_cart(lambda: sales.set_member(uow, actor, sale_id, member_id, label))

    def _member_by_card(self, text: str) -> Any:
        """A scanned or typed card number names the client (None if it is not a card)."""
        from salon_tui.services import member_search

        if not self.salon.session_actor.can("member.view"):
            return None
        result = member_search.search_members(
            self.salon.uow, self.salon.session_actor, text, limit=1
        )
        hits = [hit for hit in result.hits if hit.match == "card"]
        return hits[0] if hits else None

    # --- line actions -------------------------------------------------------------------

    def action_qty(self, step: int) -> None:
        line = self.selected_line()
        if line is None or self.cart is None or line.qty + step < 1:
            return
        from salon_tui.services import sales

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        self._call_cart(lambda: sales.set_qty(uow, actor, sale_id, line.id, line.qty + step))

    def action_remove_line(self) -> None:
        line = self.selected_line()
        if line is None or self.cart is None:
            return
        from salon_tui.services import sales

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        self._call_cart(lambda: sales.remove_line(uow, actor, sale_id, line.id))

    def action_stylist(self) -> None:
        line = self.selected_line()
        if line is None or self.cart is None:
            return
        from salon_tui.screens.modals.checkout_pick import StaffPickModal

        sale_id = self.cart.sale_id

        def chosen(shares: list[Any] | None) -> None:
            if shares is None:
                return
            from salon_tui.services import sales

            uow, actor = self.salon.uow, self.salon.session_actor
            self._call_cart(lambda: sales.set_line_staff(uow, actor, sale_id, line.id, shares))

        self.app.push_screen(StaffPickModal(line), chosen)

    def action_discount(self) -> None:
        if self.cart is None or not self.cart.lines:
            return
        from salon_tui.screens.modals.checkout_pick import DiscountModal

        self.app.push_screen(DiscountModal(self.cart, self.selected_line()), self._discount_done)

    def _discount_done(self, cart: CartView | None) -> None:
        if cart is not None:
            self.show_cart(cart)

    def action_tip(self) -> None:
        if self.cart is None or not self.cart.lines:
            return
        from salon_tui.screens.modals.checkout_pick import TipModal

        self.app.push_screen(TipModal(self.cart), self._discount_done)

    # --- the sale -----------------------------------------------------------------------

    def action_pay(self) -> None:
        if self.cart is None:
            return
        if not self.cart.lines:
            self.notify(
                _("The cart is empty: add a service or a product first."), severity="warning"
            )
            return
        self.query_one(PatchTestNotice).before_pay(self.cart, self.open_payment)

    def open_payment(self) -> None:
        if self.cart is None:
            return
        from salon_tui.screens.modals.checkout_pay import PaymentModal

        deposit = {"deposit": self.deposit_cents} if self.deposit_cents else {}
        # The member's stored value as the panel read it: the dialog starts on it when
        # there is some (it reads the balance again itself).
        balance = (
            self.panel.stored_value_cents
            if self.panel is not None and self.panel.member_id == self.cart.member_id
            else None
        )
        from salon_tui.services import sales

        uow, actor = self.salon.uow, self.salon.session_actor
        self.app.push_screen(
            PaymentModal(
                self.cart,
                held=deposit,
                stored_value_cents=balance,
                next_sale=lambda: sales.open_sale(uow, actor),
            ),
            self._paid,
        )

    def _paid(self, result: tuple[PaidSale, CartView | None] | None) -> None:
        if result is None:
            self.reload_cart()  # a refused payment may have found the prices changed
            return
        paid, next_cart = result
        text = _("Sale {number} paid: {total}.").format(
            number=paid.number, total=money(self, paid.total_cents)
        )
        if paid.change_cents:
            text += " " + _("Change: {change}").format(change=money(self, paid.change_cents))
        self.notify(text, title=_("Paid"), timeout=10)
        self.deposit_cents = 0
        self.query_one("#checkout-entry", Input).focus()
        # The next client's empty cart (opened with the payment, shown in the frame that
        # closes the dialog); the rating question, if the shop asks, comes over it.
        if next_cart is not None:
            self.show_cart(next_cart)
            self.sale_done(paid)
        else:
            self.start_new_sale(then=lambda: self.sale_done(paid))

    def sale_done(self, paid: PaidSale) -> None:
        """The next cart is shown: what the sale left alive is frozen (salon_tui.heap),
        then the rating question, if the shop asks."""
        from salon_tui.heap import freeze_survivors

        freeze_survivors()
        self.ask_for_ratings(paid.sale_id, paid.number)

    def ask_for_ratings(self, sale_id: int, number: str) -> None:
        """When the shop asks for ratings: one question per stylist of the paid sale."""
        from salon_tui.services import checkout_settings, ratings

        uow, actor = self.salon.uow, self.salon.session_actor

        def targets() -> list[Any]:
            if not checkout_settings.get_checkout_settings(uow).ask_rating:
                return []
            return [t for t in ratings.rating_targets(uow, actor, sale_id) if t.stars is None]

        def ask(found: list[Any]) -> None:
            if found:
                from salon_tui.screens.modals.rating import RatingModal

                self.app.push_screen(RatingModal(sale_id, number, found), self._rated)

        call_service(self, targets, ask)

    def _rated(self, recorded: int | None) -> None:
        if recorded:
            self.notify(_("Thank you: rating saved."))
        self.query_one("#checkout-entry", Input).focus()

    def action_park(self) -> None:
        if self.cart is None or not self.cart.lines:
            return
        from salon_tui.screens.modals.checkout_pick import TextModal

        sale_id = self.cart.sale_id

        def park(label: str | None) -> None:
            if label is None:
                return
            from salon_tui.services import sales

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: sales.park_sale(uow, actor, sale_id, label),
                lambda _cart: self._finished(_("Sale parked.")),
                exclusive=True,
            )

        self.app.push_screen(
            TextModal(_("Park this sale"), _("A note to find it again (optional)"), required=False),
            park,
        )

    def action_resume(self) -> None:
        from salon_tui.screens.modals.checkout_pick import ParkedModal

        def resume(sale_id: int | None) -> None:
            if sale_id is None:
                return
            from salon_tui.services import sales

            uow, actor = self.salon.uow, self.salon.session_actor
            current = self.cart

            def swap() -> CartView:
                if current is not None and not current.lines and current.status == "open":
                    sales.void_sale(uow, actor, current.sale_id)
                return sales.resume_sale(uow, actor, sale_id)

            self._call_cart(swap)

        self.app.push_screen(ParkedModal(), resume)

    def action_void(self) -> None:
        if self.cart is None or not self.cart.lines:
            return
        from salon_tui.screens.modals.checkout_pick import TextModal

        sale_id = self.cart.sale_id

        def void(reason: str | None) -> None:
            if reason is None:
                return
            from salon_tui.services import sales

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: sales.void_sale(uow, actor, sale_id, reason),
                lambda _cart: self._finished(_("Sale voided.")),
                exclusive=True,
            )

        self.app.push_screen(TextModal(_("Void this sale"), _("Why?"), required=True), void)

    def _finished(self, message: str) -> None:
        self.deposit_cents = 0
        self.notify(message)
        self.start_new_sale()

    def action_coupon(self) -> None:
        if self.cart is None:
            return
        from salon_tui.screens.modals.loyalty import CouponModal

        self.app.push_screen(CouponModal(self.cart), self._discount_done)

    def action_package(self) -> None:
        """Decline the package use priced on the selected line, or take it back."""
        line = self.selected_line()
        if line is None or self.cart is None:
            return
        from salon_tui.services import package_checkout

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id

        def chosen(made: Any) -> None:
            self.show_cart(made.cart)
            self.notify(made.message)

        call_service(
            self,
            lambda: package_checkout.toggle_package(uow, actor, sale_id, line.id),
            chosen,
            exclusive=True,
        )

    def action_sell_card(self) -> None:
        """Put a stored-value top-up, a package or a gift card on the cart."""
        if self.cart is None:
            return
        from salon_tui.screens.modals.checkout_cards import CardSaleModal

        def added(cart: CartView | None) -> None:
            if cart is not None:
                self.show_cart(cart)
                self.query_one("#cart-table", DataTable).move_cursor(row=len(cart.lines) - 1)
            self.query_one("#checkout-entry", Input).focus()

        self.app.push_screen(CardSaleModal(self.cart, lambda c: money(self, c)), added)

    def reload_cart(self) -> None:
        if self.cart is None:
            return
        from salon_tui.services import sales

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        self._call_cart(lambda: sales.get_cart(uow, actor, sale_id))

    def action_history(self) -> None:
        from salon_tui.screens.checkout_history import SaleHistoryScreen

        self.app.push_screen(SaleHistoryScreen())

    def action_drawer(self) -> None:
        from salon_tui.screens.checkout_drawer import DrawerScreen

        self.app.push_screen(DrawerScreen())
