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


LINE_KIND_LABELS = {
    LineKind.SERVICE: N_("Service"),
    LineKind.PRODUCT: N_("Product"),
    LineKind.OTHER: N_("Other"),
}

FULL_SHARE_BP = 10_000
QTY_MAX = 999
PRICE_MAX_CENTS = 10_000_000_00  # ten million in major units: a typing slip, not a sale
TEXT_MAX = 200
DESCRIPTION_MAX = 120
