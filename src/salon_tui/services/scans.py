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


# In order: the first that knows the code wins.
IDENTIFIERS: list[Identifier] = [_member_card, _product]


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
