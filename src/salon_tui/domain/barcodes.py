"""Barcodes and product codes: what a scanner sends, checked and in one stored form.

GTINs (EAN-8, UPC-A, EAN-13, GTIN-14) carry a check digit; a code of 8, 12, 13 or 14
digits must pass it, so a mistyped or misread number is refused instead of stored.
A UPC-A is kept as the EAN-13 a scanner may send for it (a leading 0), so both scans
find the product. Anything else is the shop's own code: letters, digits and - . _ /.
"""

from __future__ import annotations

import re
import unicodedata

from salon_tui.i18n import _

GTIN_LENGTHS = (8, 12, 13, 14)
SHOP_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 ._/\-]{1,31}$")


def clean_code(text: str) -> str:
    """Full-width digits from an IME and stray spaces folded away; letters upper-case."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def gtin_check_digit(body: str) -> str:
    """The check digit that completes ``body`` (the GTIN without its last digit)."""
    from stdnum import ean

    return str(ean.calc_check_digit(body))


def is_gtin(code: str) -> bool:
    return code.isdigit() and len(code) in GTIN_LENGTHS


def normalise_barcode(text: str) -> str:
    """The stored form of a scanned or typed barcode; ``ValueError`` says what is wrong."""
    code = clean_code(text).replace(" ", "")
    if not code:
        raise ValueError(_("The barcode is empty."))
    if is_gtin(code):
        from stdnum import ean
        from stdnum.exceptions import ValidationError as StdnumError

        try:
            ean.validate(code)
        except StdnumError:
            expected = gtin_check_digit(code[:-1])
            raise ValueError(
                _(
                    "{code} is not a valid EAN/UPC barcode: its check digit should be {digit}. "
                    "Scan it again or type it carefully."
                ).format(code=code, digit=expected)
            ) from None
        return "0" + code if len(code) == 12 else code
    if code.isdigit() and len(code) > 6:
        raise ValueError(
            _(
                "{code} has {length} digits: an EAN/UPC barcode has 8, 12, 13 or 14. "
                "Use letters in the shop's own codes."
            ).format(code=code, length=len(code))
        )
    if not SHOP_CODE.match(code):
        raise ValueError(
            _("{code!r} is not a barcode: use 2–32 letters, digits, spaces or - . _ /.").format(
                code=text
            )
        )
    return code


def lookup_forms(text: str) -> list[str]:
    """The stored forms a scan could match (a 12-digit UPC also as its EAN-13)."""
    spaced = " ".join(clean_code(text).split())
    code = spaced.replace(" ", "")
    forms = [code]
    if code.isdigit() and len(code) == 12:
        forms.append("0" + code)
    if spaced != code:
        forms.append(spaced)
    return forms
