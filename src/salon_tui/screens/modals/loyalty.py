"""Loyalty dialogs: a coupon on the cart (the member's own, or a scanned code), and
selling a gift card."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service

if TYPE_CHECKING:
    from salon_tui.services.gift_cards import GiftCardView
    from salon_tui.services.loyalty_checkout import CouponOnSale
    from salon_tui.services.sales import CartView


class _Dialog(SalonModal[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")


class CouponModal(_Dialog):
    """Coupons for this sale: Enter on one of the member's coupons puts it on the cart
    (or takes it off again); a scanned or typed code is applied the same way. A coupon
    that cannot be used says exactly why."""

    def __init__(self, cart: CartView) -> None:
        super().__init__()
        self.cart = cart
        self.choices: list[tuple[CouponOnSale, bool]] = []  # (coupon, already on the sale)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form", id="coupon-dialog"):
            yield Static(_("Coupons"), classes="dialog-title")
            yield OptionList(id="coupon-options")
            yield Label(_("Coupon code (scan or type)"))
            yield Input(id="coupon-code", max_length=20)
            yield Static("", id="form-message")
            yield Static(
                _("Enter on a coupon: put on / take off · Enter in the code: apply · Esc close"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        from salon_tui.services import loyalty_checkout

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id

        def fetch() -> list[tuple[CouponOnSale, bool]]:
            on_sale = loyalty_checkout.coupons_on_sale(uow, actor, sale_id)
            usable = loyalty_checkout.usable_coupons(uow, actor, sale_id)
            return [(c, True) for c in on_sale] + [(c, False) for c in usable]

        call_service(self, fetch, self.show_choices)

    def show_choices(self, choices: list[tuple[CouponOnSale, bool]]) -> None:
        self.choices = choices
        options = self.query_one("#coupon-options", OptionList)
        options.clear_options()
        for coupon, on_sale in choices:
            mark = "✓ " if on_sale else "  "
            state = "" if coupon.applies else f"  [red]{coupon.reason}[/]"
            options.add_option(
                Option(f"{mark}{coupon.name} · {coupon.description}  {coupon.code}{state}")
            )
        if not choices:
            options.add_option(
                Option(
                    _("This member has no coupons.")
                    if self.cart.member_id
                    else _("Walk-in client: put the member on the sale to use their coupons."),
                    disabled=True,
                )
            )
            self.query_one("#coupon-code", Input).focus()
        else:
            options.highlighted = 0
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if not 0 <= event.option_index < len(self.choices):
            return
        coupon, on_sale = self.choices[event.option_index]
        from salon_tui.services import loyalty_checkout

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        if on_sale:
            self._call(
                lambda: loyalty_checkout.remove_coupon(uow, actor, sale_id, coupon.coupon_id)
            )
        else:
            self._call(lambda: loyalty_checkout.apply_coupon(uow, actor, sale_id, coupon.code))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if not code:
            return
        from salon_tui.services import loyalty_checkout

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        self._call(lambda: loyalty_checkout.apply_coupon(uow, actor, sale_id, code))

    def _call(self, call: Callable[[], CartView]) -> None:
        call_service(
            self, call, self.dismiss, failed=lambda error: self.show_problem(error.message)
        )


class GiftCardSellModal(_Dialog):
    """Sell a gift card: a value (a preset by its number key, or typed), how it is paid
    and, for WeChat Pay or Alipay, the reference. One key per dialog: Enter twice sells
    one card."""

    TENDERS = (
        ("cash", N_("Cash")),
        ("bank_card", N_("Bank card")),
        ("wechat", N_("WeChat Pay")),
        ("alipay", N_("Alipay")),
    )

    def __init__(self, presets: tuple[int, ...], money: Callable[[int], str]) -> None:
        super().__init__()
        self.presets = presets
        self.money = money
        self.key = uuid.uuid4().hex
        self.selling = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form", id="gift-card-sell"):
            yield Static(_("Sell a gift card"), classes="dialog-title")
            if self.presets:
                yield Static(
                    _("Preset values: {values}").format(
                        values="  ".join(self.money(value) for value in self.presets)
                    ),
                    classes="hint",
                )
            yield Label(_("Face value"))
            yield Input(id="gift-value")
            yield Label(_("Paid by"))
            yield OptionList(*[Option(_(label)) for _code, label in self.TENDERS], id="gift-tender")
            yield Label(_("Transaction reference (WeChat Pay / Alipay)"))
            yield Input(id="gift-reference", max_length=80)
            yield Label(_("Note (who bought it, for whom)"))
            yield Input(id="gift-note", max_length=200)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Sell"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.presets:
            self.query_one("#gift-value", Input).value = self._plain(self.presets[0])
        self.query_one("#gift-tender", OptionList).highlighted = 0
        self.query_one("#gift-value", Input).focus(scroll_visible=False)

    def _plain(self, cents: int) -> str:
        from salon_tui.domain.money import to_decimal

        return str(to_decimal(cents, self.currency()))

    def currency(self) -> str:
        return self.salon.shop.currency if self.salon.shop else "CNY"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "gift-value":
            self.query_one("#gift-tender", OptionList).focus()
        elif event.input.id == "gift-reference":
            self.query_one("#gift-note", Input).focus()
        else:
            self.sell()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.query_one("#gift-reference", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.sell()
        else:
            self.dismiss(None)

    def sell(self) -> None:
        from salon_tui.domain.money import parse_amount
        from salon_tui.services import gift_cards

        if self.selling:
            return
        try:
            value = parse_amount(self.query_one("#gift-value", Input).value, self.currency())
        except ValueError as error:
            self.show_problem(str(error))
            return
        tender = self.TENDERS[self.query_one("#gift-tender", OptionList).highlighted or 0][0]
        reference = self.query_one("#gift-reference", Input).value
        note = self.query_one("#gift-note", Input).value
        uow, actor, key = self.salon.uow, self.salon.session_actor, self.key
        self.selling = True

        def failed(error: SalonError) -> None:
            self.selling = False
            self.show_problem(error.message)

        call_service(
            self,
            lambda: gift_cards.sell(
                uow, actor, value, tender, key=key, reference=reference, note=note
            ),
            self.sold,
            failed=failed,
            exclusive=True,
        )

    def sold(self, card: GiftCardView) -> None:
        self.dismiss(card)
