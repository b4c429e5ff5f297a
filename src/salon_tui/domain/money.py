"""Money in integer minor units (fen, cents): arithmetic, allocation, rounding, parsing.

Every amount on the money path is an ``int`` of minor units; floats never appear.
Display goes through Babel (``format_money``) in the shop's currency and locale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from salon_tui.i18n import N_, _


class RoundingMode(StrEnum):
    """How a total is rounded to the shop's unit. ``DOWN`` is 抹零: the client never pays more."""

    DOWN = "down"
    HALF_UP = "half_up"


ROUNDING_MODE_LABELS: dict[RoundingMode, str] = {
    RoundingMode.DOWN: N_("Round down (drop small change)"),
    RoundingMode.HALF_UP: N_("Round half up"),
}


@dataclass(frozen=True)
class Rounding:
    """A rounding rule: to a unit of ``unit_minor`` minor units (1, 10 or 100), by ``mode``."""

    unit_minor: int = 1
    mode: RoundingMode = RoundingMode.DOWN

    def apply(self, amount_minor: int) -> int:
        return round_amount(amount_minor, self.unit_minor, self.mode)


ROUNDING_UNITS_MINOR = (1, 10, 100)


def currency_digits(currency: str) -> int:
    """How many minor-unit digits the currency has (CNY 2, JPY 0, KWD 3)."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


def is_known_currency(currency: str) -> bool:
    from babel.numbers import list_currencies

    return currency in list_currencies()


def round_amount(amount_minor: int, unit_minor: int, mode: RoundingMode) -> int:
    """Round ``amount_minor`` to a multiple of ``unit_minor``.

    Negative amounts (refunds) round symmetrically, so a refund of a rounded sale
    gives back exactly what was taken.
    """
    if unit_minor < 1:
        raise ValueError("rounding unit must be at least one minor unit")
    if unit_minor == 1:
        return amount_minor
    sign = -1 if amount_minor < 0 else 1
    magnitude = abs(amount_minor)
    whole, remainder = divmod(magnitude, unit_minor)
    if mode is RoundingMode.HALF_UP and remainder * 2 >= unit_minor:
        whole += 1
    return sign * whole * unit_minor


def allocate(total_minor: int, weights: Sequence[int]) -> list[int]:
    """Split ``total_minor`` in proportion to ``weights`` without losing or inventing a unit.

    Largest-remainder method: each share is the floor of its exact part, and the units
    left over go to the largest remainders (earliest first on ties). The shares always
    sum to ``total_minor``. Negative totals split like positive ones, negated.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights cannot be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * len(weights)
        weight_sum = len(weights)
    if total_minor < 0:
        return [-share for share in allocate(-total_minor, weights)]
    shares = []
    remainders = []
    for index, weight in enumerate(weights):
        share, remainder = divmod(total_minor * weight, weight_sum)
        shares.append(share)
        remainders.append((-remainder, index))
    left_over = total_minor - sum(shares)
    for _remainder, index in sorted(remainders)[:left_over]:
        shares[index] += 1
    return shares


def percent_of(
    amount_minor: int, basis_points: int, mode: RoundingMode = RoundingMode.HALF_UP
) -> int:
    """``amount_minor`` × ``basis_points`` / 10 000, rounded to a whole minor unit.

    Rates are basis points (1 % = 100) so that 8.5 折 (85 %) and 12.5 % stay exact.
    """
    exact = Decimal(amount_minor) * Decimal(basis_points) / Decimal(10_000)
    rounding = ROUND_HALF_UP if mode is RoundingMode.HALF_UP else ROUND_DOWN
    return int(exact.quantize(Decimal(1), rounding=rounding))


_CURRENCY_MARKS = "¥￥$€£元円₩"


def _currency_symbols(currency: str) -> set[str]:
    from babel.numbers import get_currency_symbol

    from salon_tui.i18n import SUPPORTED_LOCALES

    return {str(get_currency_symbol(currency, locale=locale)) for locale in SUPPORTED_LOCALES}


def parse_amount(text: str, currency: str = "CNY") -> int:
    """Read an amount typed by a person or found in a file into minor units.

    Accepts ``1280``, ``1,280.00``, ``￥1,280.00``, ``-35.5``, ``35.5元`` and full-width
    digits from a Chinese IME. Refuses more decimals than the currency has, and
    anything that is not a number, with a message naming the text.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(currency, "")
    for symbol in sorted(_currency_symbols(currency), key=len, reverse=True):
        cleaned = cleaned.replace(unicodedata.normalize("NFKC", symbol), "")
    for mark in _CURRENCY_MARKS:
        cleaned = cleaned.replace(unicodedata.normalize("NFKC", mark), "")
    cleaned = cleaned.replace(",", "").replace(" ", "").replace("\xa0", "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    digits = currency_digits(currency)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not cleaned:
        raise ValueError(_("{text!r} is not an amount of money.").format(text=text))
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(
            _("{text!r} has more decimal places than {currency} allows ({digits}).").format(
                text=text, currency=currency, digits=digits
            )
        )
    return int(scaled)


def to_decimal(amount_minor: int, currency: str) -> Decimal:
    """The amount in whole currency units, exactly (for files and display)."""
    return Decimal(amount_minor).scaleb(-currency_digits(currency))


def format_money(amount_minor: int, currency: str, locale: str, *, symbol: bool = True) -> str:
    """Format for people through Babel: ``¥1,280.00`` (zh_CN), ``CN¥1,280.00`` (en)."""
    from babel.numbers import format_currency, format_decimal

    value = to_decimal(amount_minor, currency)
    if symbol:
        return str(format_currency(value, currency, locale=locale))
    digits = currency_digits(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=locale))
