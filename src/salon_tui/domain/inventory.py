"""Stock rules without storage: moving average cost, reorder quantities, variance."""

from __future__ import annotations

from enum import StrEnum

from salon_tui.i18n import N_


class MovementKind(StrEnum):
    RECEIVE = "receive"
    SUPPLIER_RETURN = "supplier_return"
    SALE = "sale"
    SALE_RETURN = "sale_return"
    SERVICE_USE = "service_use"
    ADJUST = "adjust"
    COUNT = "count"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    OPENING = "opening"


MOVEMENT_LABELS: dict[MovementKind, str] = {
    MovementKind.RECEIVE: N_("received"),
    MovementKind.SUPPLIER_RETURN: N_("returned to supplier"),
    MovementKind.SALE: N_("sold"),
    MovementKind.SALE_RETURN: N_("returned by client"),
    MovementKind.SERVICE_USE: N_("used in service"),
    MovementKind.ADJUST: N_("adjusted"),
    MovementKind.COUNT: N_("stocktake"),
    MovementKind.TRANSFER_OUT: N_("transferred out"),
    MovementKind.TRANSFER_IN: N_("transferred in"),
    MovementKind.OPENING: N_("opening stock"),
}

# Kinds that only ever take stock out / put stock in; ADJUST and COUNT go either way.
OUTGOING = frozenset(
    {
        MovementKind.SUPPLIER_RETURN,
        MovementKind.SALE,
        MovementKind.SERVICE_USE,
        MovementKind.TRANSFER_OUT,
    }
)
INCOMING = frozenset(
    {
        MovementKind.RECEIVE,
        MovementKind.SALE_RETURN,
        MovementKind.TRANSFER_IN,
        MovementKind.OPENING,
    }
)


class AdjustReason(StrEnum):
    DAMAGED = "damaged"
    EXPIRED = "expired"
    GIFT = "gift"
    CORRECTION = "correction"
    FOUND = "found"


ADJUST_REASON_LABELS: dict[AdjustReason, str] = {
    AdjustReason.DAMAGED: N_("damaged"),
    AdjustReason.EXPIRED: N_("expired"),
    AdjustReason.GIFT: N_("gift / sample"),
    AdjustReason.CORRECTION: N_("correction"),
    AdjustReason.FOUND: N_("found"),
}


class ProductUse(StrEnum):
    RETAIL = "retail"
    PROFESSIONAL = "professional"
    BOTH = "both"


PRODUCT_USE_LABELS: dict[ProductUse, str] = {
    ProductUse.RETAIL: N_("retail"),
    ProductUse.PROFESSIONAL: N_("back-bar"),
    ProductUse.BOTH: N_("retail and back-bar"),
}


def moving_average_cost(
    on_hand: int, average_cost_cents: int, received: int, unit_cost_cents: int
) -> int:
    """The average unit cost after receiving ``received`` units at ``unit_cost_cents``.

    Stock at or below zero carries no value, so the new cost is the delivery's cost.
    Rounded half up to a minor unit; never negative.
    """
    if received <= 0:
        return max(average_cost_cents, 0)
    if on_hand <= 0:
        return max(unit_cost_cents, 0)
    total = on_hand * average_cost_cents + received * unit_cost_cents
    units = on_hand + received
    return max((2 * total + units) // (2 * units), 0)


def reorder_quantity(on_hand: int, min_stock: int, max_stock: int, recent_out: int) -> int:
    """How many to order for a product at or under its minimum: up to its maximum, or
    (with no maximum) enough to cover the recent outflow again above the minimum."""
    if on_hand > min_stock:
        return 0
    target = max_stock if max_stock > min_stock else min_stock + max(recent_out, 1)
    target = max(target, min_stock + 1)
    return max(target - on_hand, 0)
