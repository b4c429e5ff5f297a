"""Counting a cash drawer: the notes and coins of a currency, and their total."""

from __future__ import annotations

from collections.abc import Mapping

from salon_tui.i18n import _

# Notes and coins in minor units, largest first.
DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "CNY": (10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10),
    "HKD": (100_000, 50_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10),
    "USD": (10_000, 5_000, 2_000, 1_000, 500, 100, 25, 10, 5, 1),
    "EUR": (50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
}
# Any other currency: count in whole units and in minor units.
GENERIC_DENOMINATIONS = (100, 1)
COUNT_MAX = 100_000


def denominations_for(currency: str) -> tuple[int, ...]:
    return DENOMINATIONS.get(currency, GENERIC_DENOMINATIONS)


def counted_total(counts: Mapping[int, int], denominations: tuple[int, ...]) -> int:
    """The cash counted: value × how many, for the currency's notes and coins only."""
    total = 0
    for value, how_many in counts.items():
        if value not in denominations:
            raise ValueError(
                _("{value} is not a note or coin of this currency.").format(value=value)
            )
        if not 0 <= how_many <= COUNT_MAX:
            raise ValueError(
                _("A count is a whole number from 0 to {most}.").format(most=COUNT_MAX)
            )
        total += value * how_many
    return total
