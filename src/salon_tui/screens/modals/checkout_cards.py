"""Checkout dialog: put a stored-value top-up, a package or a gift card on the cart.

Pick what to sell with the arrows; Enter on a package adds it at its price, Enter on
a top-up or a gift card moves to the amount, and Enter there adds it. The cashier
sells it (Ctrl+S on the line names another seller); it is paid with the sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.i18n import _
from salon_tui.screens.base import call_service
from salon_tui.screens.modals.checkout_pick import _Dialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from salon_tui.services.sales import CartView


@dataclass(frozen=True)
class CardChoice:
    kind: str  # top_up, gift_card, package
    label: str
    template_id: int | None = None


class CardSaleModal(_Dialog):
    """What card item to sell on this sale; dismisses with the new cart, or None."""

    def __init__(self, cart: CartView, money: Callable[[int], str]) -> None:
        super().__init__()
        self.cart = cart
        self.money = money
        self.choices: list[CardChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Sell a top-up, a package or a gift card"), classes="dialog-title")
            yield OptionList(id="card-options")
            yield Label(_("Amount"), id="card-amount-label")
            yield Input(id="card-amount", placeholder=_("e.g. 1000"))
            yield Static(_("Sold by you; Ctrl+S on the line names another seller."), classes="hint")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        from salon_tui.services import packages

        uow, actor = self.salon.uow, self.salon.session_actor
        if self.cart.member_id is not None and actor.can("prepaid.view"):
            call_service(self, lambda: packages.list_templates(uow, actor), self._loaded)
        else:
            self._loaded([])

    def _loaded(self, templates: list[Any]) -> None:
        member = self.cart.member_id is not None
        actor = self.salon.session_actor
        self.choices = []
        if member and actor.can("prepaid.top_up"):
            self.choices.append(CardChoice("top_up", _("Stored value top-up")))
        if actor.can("giftcard.sell"):
            self.choices.append(CardChoice("gift_card", _("Gift card")))
        if actor.can("package.sell"):
            self.choices.extend(
                CardChoice(
                    "package",
                    _("Package {name} · {price}").format(
                        name=template.name, price=self.money(template.price_cents)
                    ),
                    template.id,
                )
                for template in templates
            )
        options = self.query_one("#card-options", OptionList)
        options.add_options([Option(choice.label) for choice in self.choices])
        if not member:
            self.show_note(_("A top-up or a package is for a member: identify the member first."))
        if self.choices:
            options.highlighted = 0
        options.focus()

    def show_note(self, text: str) -> None:
        self.query_one("#form-message", Static).update(text)

    def chosen(self) -> CardChoice | None:
        index = self.query_one("#card-options", OptionList).highlighted
        if index is None or not 0 <= index < len(self.choices):
            return None
        return self.choices[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = self.choices[event.option_index]
        if choice.kind == "package":
            self.add(choice, 0)
        else:
            self.query_one("#card-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from salon_tui.domain.money import parse_amount

        choice = self.chosen()
        if choice is None:
            return
        if choice.kind == "package":
            self.add(choice, 0)
            return
        try:
            amount = parse_amount(event.value or "0", self.currency())
        except ValueError as error:
            self.show_problem(str(error))
            return
        self.add(choice, amount)

    def add(self, choice: CardChoice, amount_cents: int) -> None:
        from salon_tui.services import sale_cards

        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id

        def put_on_cart() -> CartView:
            if choice.kind == "top_up":
                return sale_cards.add_top_up(uow, actor, sale_id, amount_cents)
            if choice.kind == "gift_card":
                return sale_cards.add_gift_card(uow, actor, sale_id, amount_cents)
            assert choice.template_id is not None
            return sale_cards.add_package(uow, actor, sale_id, choice.template_id)

        call_service(
            self, put_on_cart, self.dismiss, failed=lambda error: self.show_problem(error.message)
        )
