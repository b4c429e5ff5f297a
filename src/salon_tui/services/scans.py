"""What a scanned code names: a member's card or a product (areas add gift cards,
coupons …). Screens that have no use of their own for a scan show what it names; the
area that owns the thing opens it (see ``widgets.devices.SCAN_OPENERS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.money import format_money
from salon_tui.errors import SalonError
from salon_tui.i18n import _


@dataclass(frozen=True)
class ScanMatch:
    kind: str  # "member", "product" …
    entity_id: int
    title: str
    detail: str


Identifier = Callable[[UnitOfWork, Actor, str], "ScanMatch | None"]


def _member_card(uow: UnitOfWork, actor: Actor, code: str) -> ScanMatch | None:
    from salon_tui.services import cards

    if not actor.can("member.view"):
        return None
    try:
        card = cards.find_card(uow, actor, code)
    except SalonError:
        return None
    detail = _("card {number} ({status})").format(
        number=card.number, status=cards.status_label(card.status)
    )
    return ScanMatch("member", card.member_id, card.member_name, detail)


def _product(uow: UnitOfWork, actor: Actor, code: str) -> ScanMatch | None:
    from salon_tui.services import products
    from salon_tui.services.settings import get_shop_settings

    if not actor.can("inventory.view"):
        return None
    try:
        product = products.find_product(uow, code)
    except SalonError:
        return None
    shop = get_shop_settings(uow)
    price = format_money(product.retail_price_cents, shop.currency, shop.locale)
    detail = _("{price} · {count} in stock").format(price=price, count=product.on_hand)
    return ScanMatch("product", product.id, product.name, detail)


def _gift_card(uow: UnitOfWork, actor: Actor, code: str) -> ScanMatch | None:
    from salon_tui.domain.giftcards import looks_like_gift_card, spaced
    from salon_tui.services import gift_cards
    from salon_tui.services.settings import get_shop_settings

    if not actor.can("giftcard.view") or not looks_like_gift_card(code):
        return None
    try:
        card, _entries = gift_cards.balance(uow, actor, code)
    except SalonError:
        return None
    shop = get_shop_settings(uow)
    detail = _("{balance} left of {value}").format(
        balance=format_money(card.balance_cents, shop.currency, shop.locale),
        value=format_money(card.value_cents, shop.currency, shop.locale),
    )
    return ScanMatch("gift_card", card.id, spaced(card.code), detail)


def _coupon(uow: UnitOfWork, actor: Actor, code: str) -> ScanMatch | None:
    from salon_tui.domain.coupons import clean_code, looks_like_coupon
    from salon_tui.services import coupons

    if not actor.can("coupon.view") or not looks_like_coupon(clean_code(code)):
        return None
    try:
        found = coupons.check_coupon(uow, actor, code)
    except SalonError:
        return None
    view = found.coupon
    detail = f"{view.member_name} · {view.description}" + (
        "" if found.usable else f" · {found.reason}"
    )
    return ScanMatch("coupon", view.id, f"{view.template_name} {view.code}", detail)


# In order: the first that knows the code wins.
IDENTIFIERS: list[Identifier] = [_member_card, _product, _gift_card, _coupon]


def identify(uow: UnitOfWork, actor: Actor, code: str) -> ScanMatch | None:
    """The member, product … a scanned ``code`` names, or None when nothing does."""
    code = code.strip()
    if not code:
        return None
    for identifier in IDENTIFIERS:
        match = identifier(uow, actor, code)
        if match is not None:
            return match
    return None
