"""Pure rules of prepaid money: which tier a top-up reaches, how a spend splits between
principal and bonus, how a give-back returns, and what unused package uses are worth.

All amounts are integer minor units (fen). No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from salon_tui.domain.money import allocate
from salon_tui.i18n import N_


class SpendOrder(StrEnum):
    BONUS_FIRST = "bonus_first"
    PRINCIPAL_FIRST = "principal_first"
    PROPORTIONAL = "proportional"


SPEND_ORDER_LABELS: dict[SpendOrder, str] = {
    SpendOrder.BONUS_FIRST: N_("Bonus first"),
    SpendOrder.PRINCIPAL_FIRST: N_("Principal first"),
    SpendOrder.PROPORTIONAL: N_("In proportion"),
}

# How money comes in for a top-up or goes back on closing (the tender codes of checkout
# plus "other"); every method but cash needs the reference from the slip or the app.
TOP_UP_METHODS: dict[str, str] = {
    "cash": N_("Cash"),
    "bank_card": N_("Bank card"),
    "wechat": N_("WeChat Pay"),
    "alipay": N_("Alipay"),
    "other": N_("Other"),
}

# Sold as a line of a checkout sale: the sale's payments took the money (the entry's
# reference is the sale's number).
SALE_METHOD = "sale"

# A package may also be paid from the member's stored value.
PACKAGE_METHODS: dict[str, str] = {**TOP_UP_METHODS, "stored_value": N_("Stored value")}
# Every method a ledger row may name, for showing it.
METHOD_LABELS: dict[str, str] = {**PACKAGE_METHODS, SALE_METHOD: N_("With a sale")}


def needs_reference(method: str) -> bool:
    return method not in ("cash", "stored_value")


@dataclass(frozen=True)
class Tier:
    """A top-up promotion as the rules see it."""

    id: int
    min_amount_cents: int
    bonus_cents: int = 0
    points: int = 0
    coupon_template: str = ""
    upgrade_level_id: int | None = None


def best_tier(tiers: Sequence[Tier], amount_cents: int) -> Tier | None:
    """The highest tier the amount reaches (ties: the larger bonus), or None."""
    reached = [tier for tier in tiers if amount_cents >= tier.min_amount_cents]
    if not reached:
        return None
    return max(reached, key=lambda tier: (tier.min_amount_cents, tier.bonus_cents, -tier.id))


@dataclass(frozen=True)
class Split:
    principal_cents: int
    bonus_cents: int

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.bonus_cents


def split_spend(
    amount_cents: int, principal_cents: int, bonus_cents: int, order: SpendOrder
) -> Split:
    """How ``amount_cents`` comes out of the two balances; raises ``ValueError`` when the
    balances together are short (the caller refuses the spend)."""
    if amount_cents <= 0:
        raise ValueError("a spend is more than zero")
    if principal_cents < 0 or bonus_cents < 0:
        raise ValueError("balances are never negative")
    if amount_cents > principal_cents + bonus_cents:
        raise ValueError("not enough balance")
    if order is SpendOrder.BONUS_FIRST:
        bonus = min(amount_cents, bonus_cents)
        return Split(amount_cents - bonus, bonus)
    if order is SpendOrder.PRINCIPAL_FIRST:
        principal = min(amount_cents, principal_cents)
        return Split(principal, amount_cents - principal)
    principal, bonus = allocate(amount_cents, [principal_cents, bonus_cents])
    # allocate's largest-remainder rounding can ask one fen more of a side than it holds.
    if principal > principal_cents:
        principal, bonus = principal_cents, amount_cents - principal_cents
    if bonus > bonus_cents:
        principal, bonus = amount_cents - bonus_cents, bonus_cents
    return Split(principal, bonus)


def split_give_back(amount_cents: int, taken: Split, given_back: Split) -> Split:
    """A refund to stored value returns to the sides the sale took from, in proportion,
    never more to a side than is still owed to it. Raises ``ValueError`` when the amount
    is more than what is left to give back."""
    owed_principal = taken.principal_cents - given_back.principal_cents
    owed_bonus = taken.bonus_cents - given_back.bonus_cents
    if amount_cents <= 0:
        raise ValueError("a give-back is more than zero")
    if amount_cents > owed_principal + owed_bonus:
        raise ValueError("more than the sale took from stored value")
    if amount_cents == owed_principal + owed_bonus:
        return Split(owed_principal, owed_bonus)
    principal, bonus = allocate(amount_cents, [taken.principal_cents, taken.bonus_cents])
    if principal > owed_principal:
        principal, bonus = owed_principal, amount_cents - owed_principal
    if bonus > owed_bonus:
        principal, bonus = amount_cents - owed_bonus, owed_bonus
    return Split(principal, bonus)


def is_same_business_day(entry_day: date, today: date) -> bool:
    return entry_day == today


def package_expiry(sold_on: date, validity_days: int) -> date:
    """The last day a package can be used: validity counts the day of sale as day one."""
    return sold_on + timedelta(days=validity_days - 1)


def is_expired(expires_on: date, today: date) -> bool:
    return today > expires_on


def unused_value(price_cents: int, total_uses: int, uses_left: int) -> int:
    """What the unused uses of a package are worth at its sale price, rounded down to the
    fen (the shop never owes a fraction it did not receive)."""
    if total_uses <= 0 or uses_left <= 0:
        return 0
    return price_cents * uses_left // total_uses
