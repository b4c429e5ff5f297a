"""The words of a sale: its states and the kinds of line it holds."""

from __future__ import annotations

from enum import StrEnum

from salon_tui.i18n import N_


class SaleStatus(StrEnum):
    OPEN = "open"
    PARKED = "parked"
    PAID = "paid"
    VOIDED = "voided"
    REFUNDED = "refunded"


# The statuses whose sales count as money taken (a refund is a separate row that
# subtracts): reports and the level rules read the same set.
COUNTED_STATUSES = (SaleStatus.PAID.value, SaleStatus.REFUNDED.value)


SALE_STATUS_LABELS = {
    SaleStatus.OPEN: N_("Open"),
    SaleStatus.PARKED: N_("Parked"),
    SaleStatus.PAID: N_("Paid"),
    SaleStatus.VOIDED: N_("Voided"),
    SaleStatus.REFUNDED: N_("Refunded"),
}


class LineKind(StrEnum):
    SERVICE = "service"
    PRODUCT = "product"
    OTHER = "other"
    # The card economy sold at the desk: stored value put on a member's account, a
    # package of services for a member, a gift card for anyone.
    TOP_UP = "top_up"
    PACKAGE = "package"
    GIFT_CARD = "gift_card"


LINE_KIND_LABELS = {
    LineKind.SERVICE: N_("Service"),
    LineKind.PRODUCT: N_("Product"),
    LineKind.OTHER: N_("Other"),
    LineKind.TOP_UP: N_("Top-up"),
    LineKind.PACKAGE: N_("Package"),
    LineKind.GIFT_CARD: N_("Gift card"),
}

# Lines that sell the card economy: sold at face value (no member, coupon, points or
# manual discount; the sale discount and rounding are spread over the other lines),
# one at a time, not counted as spend on goods (points, level by spend).
CARD_KINDS = frozenset({LineKind.TOP_UP.value, LineKind.PACKAGE.value, LineKind.GIFT_CARD.value})
# Lines that need a member on the sale (the value goes onto their account).
MEMBER_KINDS = frozenset({LineKind.TOP_UP.value, LineKind.PACKAGE.value})
# Lines that are money held for later: stored value, a gift card or points cannot buy them.
MONEY_ONLY_KINDS = frozenset({LineKind.TOP_UP.value, LineKind.GIFT_CARD.value})
# What the shop sells as goods (revenue, points, spend for levels).
GOODS_KINDS = (LineKind.SERVICE, LineKind.PRODUCT, LineKind.OTHER)


def is_card_sale(kind: str) -> bool:
    """Whether a line of ``kind`` sells stored value, a package or a gift card."""
    return kind in CARD_KINDS


FULL_SHARE_BP = 10_000
QTY_MAX = 999
PRICE_MAX_CENTS = 10_000_000_00  # ten million in major units: a typing slip, not a sale
TEXT_MAX = 200
DESCRIPTION_MAX = 120
