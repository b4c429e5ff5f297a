"""Pricing a cart: every discount on every line, the sale discount and rounding (抹零).

Pure arithmetic on integer minor units. Each line's discounts are applied in order and
never take a line below zero; a sale-wide discount and the rounding difference are
spread over the lines in proportion to what they still cost (``money.allocate``), so
every fen of a discount belongs to a line and a refund by line gives back exactly what
that line was charged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from salon_tui.domain.money import Rounding, allocate, percent_of
from salon_tui.i18n import N_


class AdjustmentSource(StrEnum):
    LEVEL = "level"
    BIRTHDAY = "birthday"
    COUPON = "coupon"
    PACKAGE = "package"
    POINTS = "points"
    OVERRIDE = "override"
    MANUAL = "manual"
    SALE_DISCOUNT = "sale_discount"
    ROUNDING = "rounding"


# Price changes a person made by hand (the alert rule on manual discounts counts these).
MANUAL_SOURCES = (
    AdjustmentSource.MANUAL.value,
    AdjustmentSource.OVERRIDE.value,
    AdjustmentSource.SALE_DISCOUNT.value,
)

ADJUSTMENT_LABELS: dict[AdjustmentSource, str] = {
    AdjustmentSource.LEVEL: N_("Member level"),
    AdjustmentSource.BIRTHDAY: N_("Birthday discount"),
    AdjustmentSource.COUPON: N_("Coupon"),
    AdjustmentSource.PACKAGE: N_("Package use"),
    AdjustmentSource.POINTS: N_("Points"),
    AdjustmentSource.OVERRIDE: N_("Price changed"),
    AdjustmentSource.MANUAL: N_("Manual discount"),
    AdjustmentSource.SALE_DISCOUNT: N_("Discount on the sale"),
    AdjustmentSource.ROUNDING: N_("Rounding"),
}


@dataclass(frozen=True)
class Adjustment:
    """An amount taken off one line and why (``explanation`` is shown to the cashier)."""

    source: AdjustmentSource
    amount_cents: int
    explanation: str = ""
    reason: str = ""
    approved_by: int | None = None


@dataclass(frozen=True)
class LineDiscount:
    """A discount asked for on a line: basis points of what is left, or an amount."""

    source: AdjustmentSource
    percent_bp: int = 0
    amount_cents: int = 0
    explanation: str = ""
    reason: str = ""
    approved_by: int | None = None


@dataclass(frozen=True)
class LineToPrice:
    key: int
    qty: int
    list_unit_cents: int
    unit_cents: int
    discounts: tuple[LineDiscount, ...] = ()
    override_reason: str = ""
    override_approved_by: int | None = None
    # Sold at face value (a top-up, a package, a gift card): the sale discount and the
    # rounding are spread over the other lines only.
    fixed: bool = False


@dataclass(frozen=True)
class PricedLine:
    key: int
    gross_cents: int  # qty × list price
    adjustments: tuple[Adjustment, ...]
    net_cents: int

    @property
    def discount_cents(self) -> int:
        return self.gross_cents - self.net_cents


@dataclass(frozen=True)
class CartPrice:
    lines: tuple[PricedLine, ...]
    subtotal_cents: int  # sum of gross
    discount_cents: int  # every discount except rounding
    rounding_cents: int  # taken off by rounding (negative when rounding up added)
    goods_total_cents: int  # what the lines cost after everything

    def line(self, key: int) -> PricedLine:
        for priced in self.lines:
            if priced.key == key:
                return priced
        raise KeyError(key)


def _discount_amount(base_cents: int, discount: LineDiscount) -> int:
    if discount.percent_bp:
        return percent_of(base_cents, discount.percent_bp)
    return discount.amount_cents


def price_line(line: LineToPrice) -> tuple[int, list[Adjustment], int]:
    """Gross, adjustments and what is left, for one line before sale-wide changes."""
    if line.qty < 1:
        raise ValueError("quantity must be at least 1")
    if line.unit_cents < 0 or line.list_unit_cents < 0:
        raise ValueError("prices cannot be negative")
    gross = line.qty * line.list_unit_cents
    adjustments: list[Adjustment] = []
    if line.unit_cents != line.list_unit_cents:
        adjustments.append(
            Adjustment(
                AdjustmentSource.OVERRIDE,
                gross - line.qty * line.unit_cents,
                reason=line.override_reason,
                approved_by=line.override_approved_by,
            )
        )
    left = line.qty * line.unit_cents
    for discount in line.discounts:
        amount = min(max(_discount_amount(left, discount), 0), left)
        if amount == 0:
            continue
        adjustments.append(
            Adjustment(
                discount.source,
                amount,
                explanation=discount.explanation,
                reason=discount.reason,
                approved_by=discount.approved_by,
            )
        )
        left -= amount
    return gross, adjustments, left


def price_cart(
    lines: Sequence[LineToPrice],
    rounding: Rounding,
    *,
    sale_discount_cents: int = 0,
    sale_discount_bp: int = 0,
    sale_discount_reason: str = "",
    sale_discount_approved_by: int | None = None,
) -> CartPrice:
    """Price every line, then the sale discount, then round the total.

    The sale discount never exceeds what the lines cost. Rounding applies to the goods
    total (tips are never rounded); its difference is spread over the lines too. Lines
    sold at face value (``fixed``) take neither: both are worked out on the others.
    """
    bases: list[tuple[int, list[Adjustment], int]] = [price_line(line) for line in lines]
    lefts = [left for _gross, _adjustments, left in bases]
    free = [index for index, line in enumerate(lines) if not line.fixed]
    before_sale = sum(lefts[index] for index in free)
    sale_off = (
        percent_of(before_sale, sale_discount_bp) if sale_discount_bp else sale_discount_cents
    )
    sale_off = min(max(sale_off, 0), before_sale)
    if sale_off and free:
        for index, share in zip(free, allocate(sale_off, [lefts[i] for i in free]), strict=True):
            if share:
                bases[index][1].append(
                    Adjustment(
                        AdjustmentSource.SALE_DISCOUNT,
                        share,
                        reason=sale_discount_reason,
                        approved_by=sale_discount_approved_by,
                    )
                )
            lefts[index] -= share
    after_discounts = sum(lefts[index] for index in free)
    rounded = rounding.apply(after_discounts)
    rounding_off = after_discounts - rounded if free else 0
    if rounding_off and free:
        shares = allocate(rounding_off, [lefts[i] for i in free])
        for index, share in zip(free, shares, strict=True):
            if share:
                bases[index][1].append(Adjustment(AdjustmentSource.ROUNDING, share))
            lefts[index] -= share
    priced = tuple(
        PricedLine(line.key, gross, tuple(adjustments), left)
        for line, (gross, adjustments, _old), left in zip(lines, bases, lefts, strict=True)
    )
    subtotal = sum(line.gross_cents for line in priced)
    goods_total = sum(lefts)
    return CartPrice(
        lines=priced,
        subtotal_cents=subtotal,
        discount_cents=subtotal - goods_total - rounding_off,
        rounding_cents=rounding_off,
        goods_total_cents=goods_total,
    )


def discount_share_bp(gross_cents: int, discount_cents: int) -> int:
    """How large a discount is, in basis points of what it came off (for approval limits)."""
    if gross_cents <= 0:
        return 0 if discount_cents <= 0 else 10_000
    return (discount_cents * 10_000 + gross_cents - 1) // gross_cents


def refund_amount(net_cents: int, qty: int, refunded_qty_before: int, refund_qty: int) -> int:
    """What ``refund_qty`` more units of a line give back, after ``refunded_qty_before``.

    Cumulative floors: refunding a line in pieces gives back exactly its net amount
    once every unit has come back, never a fen more or less.
    """
    if refund_qty < 1 or refunded_qty_before + refund_qty > qty:
        raise ValueError("refund quantity out of range")
    done = net_cents * refunded_qty_before // qty
    after = net_cents * (refunded_qty_before + refund_qty) // qty
    return after - done


def pro_rata(total_cents: int, part_cents: int, whole_cents: int, before_cents: int) -> int:
    """The share of ``total_cents`` belonging to ``part_cents`` more of ``whole_cents``,
    after ``before_cents`` were counted already (cumulative floors, exact at the end)."""
    if whole_cents == 0:
        return total_cents if before_cents == 0 else 0
    done = total_cents * before_cents // whole_cents
    after = total_cents * (before_cents + part_cents) // whole_cents
    return after - done
