"""Gift cards (礼品卡): codes with a check digit, and the rules of their value.

A gift card is a bearer card: whoever holds the code can spend it, so its code is
random (``79`` + 13 random digits + a Luhn check digit, 16 digits), never a counter
someone could guess. A misread or mistyped digit fails the check digit and finds
nothing.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta

from salon_tui.i18n import _

PREFIX = "79"
RANDOM_DIGITS = 13
LENGTH = len(PREFIX) + RANDOM_DIGITS + 1
VALUE_MAX_CENTS = 100_000_00  # ¥100,000: beyond this a gift card is a typing slip


def new_code(randbelow: object = secrets.randbelow) -> str:
    """A fresh random code with its check digit."""
    from stdnum import luhn

    draw = randbelow  # injectable for a seeded demo
    body = PREFIX + f"{draw(10**RANDOM_DIGITS):0{RANDOM_DIGITS}d}"  # type: ignore[operator]
    return body + str(luhn.calc_check_digit(body))


def clean_code(text: str) -> str:
    """What was typed or scanned, without spaces or dashes between digit groups."""
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "")


def validate_code(text: str) -> str:
    """The code as stored, or ``ValueError`` saying what is wrong with what was typed."""
    from stdnum import luhn

    code = clean_code(text)
    if not code:
        raise ValueError(_("Scan or type the gift card's code."))
    if not code.isdigit() or len(code) != LENGTH or not code.startswith(PREFIX):
        raise ValueError(
            _("{code!r} is not a gift card code ({length} digits starting {prefix}).").format(
                code=text, length=LENGTH, prefix=PREFIX
            )
        )
    if not luhn.is_valid(code):
        raise ValueError(
            _("{code} has a wrong check digit: a digit was mistyped or misread.").format(code=code)
        )
    return code


def looks_like_gift_card(text: str) -> bool:
    code = clean_code(text)
    return code.isdigit() and len(code) == LENGTH and code.startswith(PREFIX)


def expires_on(sold_on: date, valid_days: int | None) -> date | None:
    """The last day a card sold on ``sold_on`` can be spent; None = never expires."""
    if not valid_days:
        return None
    return sold_on + timedelta(days=valid_days - 1)


def is_expired(expiry: date | None, today: date) -> bool:
    return expiry is not None and today > expiry


def spaced(code: str) -> str:
    """``7912 3456 7890 1234``: how a code is printed and read aloud."""
    return " ".join(code[index : index + 4] for index in range(0, len(code), 4))
