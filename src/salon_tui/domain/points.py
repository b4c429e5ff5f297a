"""Points (积分): how many a sale earns, what they are worth, and when they expire.

Pure rules on integers. A sale earns ``floor(eligible spend × level multiplier / the
spend per point)``; a point is worth ``value_per_100_cents / 100`` minor units when
redeemed. Points earned in year Y expire at the end of year Y + ``expiry_years``
(0 = never). Expiry takes the oldest points first: every deduction (redemption,
reversal, expiry) uses up the oldest points still held, so an expiry run can be
repeated without taking anything twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from salon_tui.i18n import N_

POINTS_MAX = 100_000_000  # one adjustment or balance beyond this is a typing slip


class EntryKind:
    EARN = "earn"
    EARN_REVERSED = "earn_reversed"
    REDEEM = "redeem"
    REDEEM_RETURNED = "redeem_returned"
    ADJUST = "adjust"
    EXPIRE = "expire"
    PROMOTION = "promotion"
    PROMOTION_UNDONE = "promotion_undone"
    TO_STORED_VALUE = "to_stored_value"
    REWARD = "reward"
    OPENING = "opening"  # brought from the previous system by an import


ENTRY_LABELS = {
    EntryKind.EARN: N_("Earned on a sale"),
    EntryKind.EARN_REVERSED: N_("Taken back by a refund"),
    EntryKind.REDEEM: N_("Redeemed"),
    EntryKind.REDEEM_RETURNED: N_("Given back by a refund"),
    EntryKind.ADJUST: N_("Adjusted by hand"),
    EntryKind.EXPIRE: N_("Expired"),
    EntryKind.PROMOTION: N_("Top-up promotion"),
    EntryKind.PROMOTION_UNDONE: N_("Top-up undone"),
    EntryKind.TO_STORED_VALUE: N_("Into stored value"),
    EntryKind.REWARD: N_("Exchanged for a reward"),
    EntryKind.OPENING: N_("Brought from the previous system"),
}


@dataclass(frozen=True)
class PointsRules:
    """The shop's points rules (Settings → loyalty, ``salon points rules``)."""

    # Minor units of eligible spend per point at a 100 % multiplier (100 = 1 point per ¥1).
    spend_per_point_cents: int = 100
    # What 100 points are worth when redeemed, in minor units (100 = 100 points for ¥1).
    value_per_100_cents: int = 100
    # Points earned in year Y expire at the end of Y + expiry_years; 0 = never.
    expiry_years: int = 1
    # Line categories that earn nothing (top-ups and gift cards never go through lines).
    excluded_categories: tuple[str, ...] = field(default_factory=tuple)

    def check(self) -> list[str]:
        """What is wrong with these rules (msgids), empty when they can be used."""
        problems = []
        if not 1 <= self.spend_per_point_cents <= 1_000_000:
            problems.append(N_("The spend per point is between 0.01 and 10,000."))
        if not 1 <= self.value_per_100_cents <= 1_000_000:
            problems.append(N_("The value of 100 points is between 0.01 and 10,000."))
        if not 0 <= self.expiry_years <= 10:
            problems.append(N_("Points expire after 0 (never) to 10 years."))
        return problems


def points_earned(eligible_cents: int, multiplier_pct: int, rules: PointsRules) -> int:
    """Points for ``eligible_cents`` of spend at a level multiplier (150 = 1.5×)."""
    if eligible_cents <= 0 or multiplier_pct <= 0:
        return 0
    return eligible_cents * multiplier_pct // (100 * rules.spend_per_point_cents)


def points_value_cents(points: int, rules: PointsRules) -> int:
    """What ``points`` are worth in minor units when redeemed (rounded down)."""
    return max(points, 0) * rules.value_per_100_cents // 100


def points_for_cents(amount_cents: int, rules: PointsRules) -> int:
    """The points needed to pay ``amount_cents`` (rounded up: never a fen for free)."""
    if amount_cents <= 0:
        return 0
    return -(-amount_cents * 100 // rules.value_per_100_cents)


def expiry_date(earned_on: date, rules: PointsRules) -> date | None:
    """The last day points earned on ``earned_on`` can be used; None = they never expire."""
    if rules.expiry_years <= 0:
        return None
    return date(earned_on.year + rules.expiry_years, 12, 31)


@dataclass(frozen=True)
class Movement:
    """One ledger entry as the expiry rule sees it: signed points, and for additions the
    last day they can be used (None = never)."""

    points: int
    expires_on: date | None = None


@dataclass(frozen=True)
class Lot:
    points: int
    expires_on: date | None


def lots_held(movements: Iterable[Movement]) -> list[Lot]:
    """The points still held, by expiry, after every deduction took the oldest first.

    Additions form lots; deductions use up lots that expire soonest (never-expiring
    points last). A deduction larger than every lot leaves nothing (the rest is ignored:
    the balance never goes negative).
    """
    lots: list[Lot] = []
    for movement in movements:
        if movement.points > 0:
            lots.append(Lot(movement.points, movement.expires_on))
            continue
        owed = -movement.points
        lots.sort(key=lambda lot: (lot.expires_on is None, lot.expires_on or date.max))
        kept: list[Lot] = []
        for lot in lots:
            taken = min(lot.points, owed)
            owed -= taken
            if lot.points > taken:
                kept.append(Lot(lot.points - taken, lot.expires_on))
        lots = kept
    return lots


def points_expiring(movements: Sequence[Movement], today: date) -> int:
    """Points held that expired before ``today`` (what an expiry run on ``today`` takes)."""
    return sum(
        lot.points
        for lot in lots_held(movements)
        if lot.expires_on is not None and lot.expires_on < today
    )


def next_expiry(movements: Sequence[Movement], today: date) -> tuple[int, date] | None:
    """The points that expire next and their last day, or None."""
    upcoming = [
        lot
        for lot in lots_held(movements)
        if lot.expires_on is not None and lot.expires_on >= today
    ]
    if not upcoming:
        return None
    first = min(lot.expires_on for lot in upcoming if lot.expires_on is not None)
    return sum(lot.points for lot in upcoming if lot.expires_on == first), first
