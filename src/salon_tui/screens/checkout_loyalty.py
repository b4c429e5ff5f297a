"""Codes the checkout entry understands beyond items: a coupon's code puts it on the
cart; a gift card's code says what is left on it (it pays in the payment dialog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salon_tui.i18n import _
from salon_tui.screens.base import call_service

if TYPE_CHECKING:
    from salon_tui.screens.checkout import CheckoutScreen


def loyalty_code_entered(screen: CheckoutScreen, text: str) -> bool:
    """Handle ``text`` when it is a coupon or gift card code; False when it is not."""
    from salon_tui.domain.coupons import clean_code, looks_like_coupon
    from salon_tui.domain.giftcards import looks_like_gift_card

    if screen.cart is None:
        return False
    uow, actor, sale_id = screen.salon.uow, screen.salon.session_actor, screen.cart.sale_id
    if looks_like_coupon(clean_code(text)):
        from salon_tui.services import loyalty_checkout

        def applied(cart: Any) -> None:
            screen.show_cart(cart)
            screen.notify(_("Coupon {code} is on the sale.").format(code=clean_code(text)))

        call_service(
            screen,
            lambda: loyalty_checkout.apply_coupon(uow, actor, sale_id, text),
            applied,
            exclusive=True,
        )
        return True
    if looks_like_gift_card(text):
        from salon_tui.domain.giftcards import spaced
        from salon_tui.services import gift_cards

        def show(found: Any) -> None:
            from salon_tui.screens.checkout import money

            card, _entries = found
            screen.notify(
                _("Gift card {code}: {balance} left of {value}.").format(
                    code=spaced(card.code),
                    balance=money(screen, card.balance_cents),
                    value=money(screen, card.value_cents),
                )
                + " "
                + _("It pays in the payment dialog (F10)."),
                timeout=10,
            )

        call_service(screen, lambda: gift_cards.balance(uow, actor, text), show)
        return True
    return False
