"""Paying: split across tenders, cash with change, then one commit.

The amount starts at what is left to pay, in cash — or from stored value when the
member on the sale holds some: Enter pays it exactly. Up/Down choose another tender. For cash, typing more than is left means "handed over": the
change is worked out. WeChat Pay and Alipay ask for the transaction reference. When
nothing is left, the sale is paid in one transaction (the sale's idempotency key
makes a second Enter harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonModal, call_service

if TYPE_CHECKING:
    from salon_tui.services.sales import CartView


class PaymentModal(SalonModal[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("up", "tender(-1)", N_("Previous method"), priority=True),
        Binding("down", "tender(1)", N_("Next method"), priority=True),
        Binding("ctrl+z", "undo_part", N_("Remove last part"), priority=True),
    ]

    def __init__(
        self,
        cart: CartView,
        *,
        held: dict[str, int] | None = None,
        stored_value_cents: int | None = None,
        next_sale: Callable[[], CartView] | None = None,
    ) -> None:
        """``held``: money already held for this sale by an unlisted way to pay (a
        booking's deposit), offered first and suggested up to what it holds.
        ``stored_value_cents``: the member's balance as the screen last read it; above
        zero (and no deposit held), the dialog starts on stored value (read again on
        mount).
        ``next_sale``: opens the next sale in the same worker once this one is paid, so
        the checkout shows its empty cart in the frame that closes this dialog; the
        dialog is dismissed with ``(PaidSale, CartView | None)``."""
        super().__init__()
        self.next_sale = next_sale
        from salon_tui.services.tenders import list_tenders

        self.cart = cart
        self.held = held or {}
        offered = [
            tender
            for tender in list_tenders(also=tuple(self.held))
            # Stored value (and other member tenders) only when the sale has a member.
            if not tender.needs_member or cart.member_id is not None
        ]
        self.tenders = sorted(offered, key=lambda tender: tender.code not in self.held)
        self.member_balance_cents: int | None = None
        self.tender_index = 0
        self.parts: list[PaymentIn] = []
        self.paying = False
        # Top-ups and gift cards are bought with money: what stored value, gift cards
        # and points may pay of this sale at most.
        from salon_tui.domain.sales import MONEY_ONLY_KINDS

        self.prepaid_most_cents = cart.total_cents - sum(
            line.net_cents for line in cart.lines if line.kind in MONEY_ONLY_KINDS
        )
        from salon_tui.services.prepaid_hooks import STORED_VALUE

        codes = [tender.code for tender in self.tenders]
        # Not when the cart is all top-ups and gift cards: those are bought with money.
        if (
            stored_value_cents
            and not self.held
            and self.prepaid_most_cents > 0
            and STORED_VALUE.code in codes
        ):
            self.member_balance_cents = stored_value_cents
            self.tender_index = codes.index(STORED_VALUE.code)

    def money(self, cents: int) -> str:
        from salon_tui.domain.money import format_money

        return format_money(cents, self.currency(), current_locale())

    def currency(self) -> str:
        return self.salon.shop.currency if self.salon.shop else "CNY"

    @property
    def remaining(self) -> int:
        return self.cart.total_cents - sum(part.amount_cents for part in self.parts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="payment"):
            yield Static(
                _("Pay {total}").format(total=self.money(self.cart.total_cents)),
                classes="dialog-title",
            )
            yield Static("", id="pay-tenders")
            yield Static("", id="pay-parts")
            yield Label(_("Amount (for cash: what the client hands over)"))
            yield Input(id="pay-amount")
            yield Label(_("Transaction reference"), id="pay-reference-label")
            yield Input(id="pay-reference", max_length=80)
            yield Static("", id="form-message")
            yield Static(
                _("↑/↓ method · Enter add · Ctrl+Z remove last part · Esc cancel"), classes="hint"
            )

    def on_mount(self) -> None:
        self.refresh_view()
        if self.cart.member_id is not None and any(t.needs_member for t in self.tenders):
            from salon_tui.services.stored_value import get_balance

            uow, actor, member_id = self.salon.uow, self.salon.session_actor, self.cart.member_id

            def show_balance(balance: Any) -> None:
                self.member_balance_cents = balance.total_cents
                tender = self.tenders[self.tender_index]
                if balance.total_cents <= 0 and tender.needs_member and not self.parts:
                    self.tender_index = 0  # spent meanwhile (another terminal): cash
                self.refresh_view()

            call_service(
                self,
                lambda: get_balance(uow, actor, member_id),
                show_balance,
                failed=lambda _error: None,
            )

    def stored_value_left(self) -> int | None:
        if self.member_balance_cents is None:
            return None
        used = sum(p.amount_cents for p in self.parts if p.tender == "stored_value")
        return self.member_balance_cents - used

    def refresh_view(self) -> None:
        tender = self.tenders[self.tender_index]
        names = [
            f"[reverse] {_(t.label)} [/reverse]" if i == self.tender_index else f" {_(t.label)} "
            for i, t in enumerate(self.tenders)
        ]
        self.query_one("#pay-tenders", Static).update(" ".join(names))
        lines = [
            f"{_(self._label(p.tender))} {self.money(p.amount_cents)}"
            + (f" ({p.reference})" if p.reference else "")
            + (
                " · " + _("handed over {amount}").format(amount=self.money(p.tendered_cents))
                if p.tendered_cents > p.amount_cents
                else ""
            )
            for p in self.parts
        ]
        if self.cart.total_cents == 0:
            lines.append(_("Nothing to pay: Enter confirms the sale."))
        else:
            lines.append(_("Left to pay: {amount}").format(amount=self.money(self.remaining)))
        balance_left = self.stored_value_left()
        if balance_left is not None:
            lines.append(
                _("Stored value balance: {amount}").format(amount=self.money(balance_left))
            )
        change = sum(max(p.tendered_cents - p.amount_cents, 0) for p in self.parts)
        if change:
            lines.append(f"[b]{_('Change: {change}').format(change=self.money(change))}[/b]")
        self.query_one("#pay-parts", Static).update("\n".join(lines))
        amount = self.query_one("#pay-amount", Input)
        suggested = self.remaining
        if tender.code in self.held:
            used = sum(p.amount_cents for p in self.parts if p.tender == tender.code)
            suggested = max(min(self.held[tender.code] - used, suggested), 0)
        if tender.needs_member and balance_left is not None:
            suggested = max(min(suggested, balance_left), 0)
        if tender.is_prepaid:
            suggested = max(min(suggested, self.prepaid_left()), 0)
        amount.value = self._plain(suggested)
        amount.focus()
        amount.action_select_all()  # typing replaces the suggested amount
        needs_reference = tender.needs_reference
        self.query_one("#pay-reference", Input).display = needs_reference
        label = self.query_one("#pay-reference-label", Label)
        label.display = needs_reference
        label.update(_(tender.reference_label))

    def prepaid_left(self) -> int:
        """What stored value, gift cards and points may still pay (see ``__init__``)."""
        prepaid = {t.code for t in self.tenders if t.is_prepaid}
        used = sum(p.amount_cents for p in self.parts if p.tender in prepaid)
        return self.prepaid_most_cents - used

    def _label(self, code: str) -> str:
        return next((t.label for t in self.tenders if t.code == code), code)

    def _plain(self, cents: int) -> str:
        from salon_tui.domain.money import to_decimal

        return str(to_decimal(cents, self.currency()))

    def action_tender(self, step: int) -> None:
        self.tender_index = (self.tender_index + step) % len(self.tenders)
        self.refresh_view()

    def action_undo_part(self) -> None:
        if self.parts and not self.paying:
            self.parts.pop()
            self.refresh_view()

    def action_cancel(self) -> None:
        if not self.paying:
            self.dismiss(None)

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.paying:
            return
        tender = self.tenders[self.tender_index]
        if event.input.id == "pay-amount" and tender.needs_reference:
            reference = self.query_one("#pay-reference", Input)
            if not reference.value.strip():
                reference.focus()
                return
        self.add_part()

    def add_part(self) -> None:
        from salon_tui.domain.money import parse_amount

        if self.remaining == 0 and (self.parts or self.cart.total_cents == 0):
            # A retry after a refused commit, or nothing to pay (a package covers it).
            self.commit()
            return
        tender = self.tenders[self.tender_index]
        text = self.query_one("#pay-amount", Input).value
        try:
            typed = parse_amount(text, self.currency())
        except ValueError as error:
            self.show_problem(str(error))
            return
        if typed <= 0:
            self.show_problem(_("Each part of a payment must be more than zero."))
            return
        if tender.is_prepaid and typed > self.prepaid_left():
            self.show_problem(
                _(
                    "A top-up or a gift card is bought with money: {tender} can pay at most "
                    "{most} of this sale."
                ).format(tender=_(tender.label), most=self.money(max(self.prepaid_left(), 0)))
            )
            return
        if tender.is_cash:
            part = PaymentIn(tender.code, min(typed, self.remaining), tendered_cents=typed)
        elif typed > self.remaining:
            self.show_problem(
                _("Only cash gives change; {tender} pays an exact amount.").format(
                    tender=_(tender.label)
                )
            )
            return
        else:
            reference = self.query_one("#pay-reference", Input).value.strip()
            part = PaymentIn(tender.code, typed, reference=reference)
        self.parts.append(part)
        self.query_one("#pay-reference", Input).value = ""
        self.query_one("#form-message", Static).update("")
        self.tender_index = 0
        self.refresh_view()
        if self.remaining == 0:
            self.commit()

    def commit(self) -> None:
        from salon_tui.services.sale_payment import pay_sale

        self.paying = True
        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        key = self.cart.idempotency_key
        total = self.cart.total_cents
        parts = list(self.parts)

        def failed(error: SalonError) -> None:
            self.paying = False
            self.show_problem(error.message + " " + _("Nothing was charged; try again or Esc."))

        next_sale = self.next_sale

        def pay() -> tuple[Any, CartView | None]:
            paid = pay_sale(uow, actor, sale_id, parts, key=key, expected_total_cents=total)
            following = None
            if next_sale is not None:
                try:
                    following = next_sale()
                except SalonError:
                    pass  # paid all the same: the checkout opens the next sale itself
            return paid, following

        call_service(self, pay, self.dismiss, failed=failed, exclusive=True)

    def paid_parts(self) -> list[Any]:
        return list(self.parts)
