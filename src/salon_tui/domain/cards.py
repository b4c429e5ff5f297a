"""Card numbers: the shop's scheme (88 + nine digits + a Luhn check digit) and legacy ones.

A number typed or scanned in the shop's scheme with a wrong check digit is refused, so a
misread digit never finds the wrong member. Numbers from an older system (``V100000``)
are accepted when given explicitly, as they were printed.
"""

from __future__ import annotations

import re
import unicodedata

from salon_tui.i18n import _

PREFIX = "88"
SERIAL_DIGITS = 9
LENGTH = len(PREFIX) + SERIAL_DIGITS + 1
_LEGACY = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,23}$")


def clean_card_text(text: str) -> str:
    """What was typed or scanned: NFKC, spaces and dashes between digit groups removed,
    upper case."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    return "".join(cleaned.split())


def number_for_serial(serial: int) -> str:
    """The card number for a serial: ``88`` + nine digits + the Luhn check digit."""
    from stdnum import luhn

    if not 0 < serial < 10**SERIAL_DIGITS:
        raise ValueError("card serial out of range")
    body = f"{PREFIX}{serial:0{SERIAL_DIGITS}d}"
    return body + str(luhn.calc_check_digit(body))


def is_shop_scheme(number: str) -> bool:
    """True when ``number`` looks like one of this shop's numbers (check digit aside)."""
    return number.isdigit() and len(number) == LENGTH and number.startswith(PREFIX)


def check_digit_ok(number: str) -> bool:
    from stdnum import luhn

    return bool(luhn.is_valid(number))


def validate_card_number(text: str, *, allow_legacy: bool) -> str:
    """The number as stored, or ``ValueError`` saying what is wrong with it."""
    number = clean_card_text(text)
    if not number:
        raise ValueError(_("A card number is needed."))
    if is_shop_scheme(number):
        if not check_digit_ok(number):
            raise ValueError(
                _("{number} has a wrong check digit: a digit was mistyped or misread.").format(
                    number=number
                )
            )
        return number
    if number.isdigit() and number.startswith(PREFIX) and len(number) in {LENGTH - 1, LENGTH + 1}:
        raise ValueError(
            _("{number} is not a card number: ours have {length} digits.").format(
                number=number, length=LENGTH
            )
        )
    if allow_legacy and _LEGACY.match(number):
        return number
    if allow_legacy:
        raise ValueError(
            _("{number!r} is not a card number (letters, digits and dashes, 3–24).").format(
                number=text
            )
        )
    raise ValueError(
        _(
            "{number!r} is not one of this shop's card numbers ({length} digits starting 88)."
        ).format(number=text, length=LENGTH)
    )


def serial_of(number: str) -> int | None:
    """The serial of a shop-scheme number; None for legacy numbers."""
    if is_shop_scheme(number):
        return int(number[len(PREFIX) : -1])
    return None
