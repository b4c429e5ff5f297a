"""Names, codes and search keys of the catalogue: pure rules shared by services and
products (and by their imports)."""

from __future__ import annotations

import unicodedata

from salon_tui.errors import ValidationError
from salon_tui.i18n import _

CODE_MAX = 20


def clean_text(value: str, field: str, label: str, limit: int, *, required: bool = False) -> str:
    """Trimmed, NFC, inner spaces squeezed, no control characters, at most ``limit``.

    ``label`` is the field's name for people (an ``N_`` msgid), translated here."""
    cleaned = unicodedata.normalize("NFC", " ".join(str(value or "").split()))
    if required and not cleaned:
        raise ValidationError(_("{field} is needed.").format(field=_(label)), field=field)
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise ValidationError(
            _("{field} contains invisible control characters.").format(field=_(label)),
            field=field,
        )
    if len(cleaned) > limit:
        raise ValidationError(
            _("{field} has at most {limit} characters.").format(field=_(label), limit=limit),
            field=field,
        )
    return cleaned


def clean_code(value: str, field: str = "code", limit: int = CODE_MAX) -> str:
    """A short code (S001, 精剪01, KM AGL 150ML): NFKC, upper-case, inner spaces single."""
    raw = unicodedata.normalize("NFKC", str(value or ""))
    if any(unicodedata.category(char).startswith("C") and char not in " \t" for char in raw):
        raise ValidationError(
            _("A code has no control characters: {code!r}.").format(code=value),
            field=field,
        )
    code = " ".join(raw.split()).upper()
    if not code:
        raise ValidationError(_("A code is needed."), field=field)
    if len(code) > limit:
        raise ValidationError(
            _("A code has at most {limit} characters.").format(limit=limit), field=field
        )
    return code


def text_key(value: str) -> str:
    """The form two names are compared in: NFKC, case-folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", value).casefold().split())


def search_text(*parts: str, limit: int = 400) -> str:
    """Everything a search may match: the parts folded, plus the pinyin of any Chinese
    in them, in full (jianfa) and by initials (jf)."""
    from pypinyin import Style, lazy_pinyin

    words = [text_key(part) for part in parts if part]
    for part in parts:
        if any("\u4e00" <= char <= "\u9fff" for char in part or ""):
            words.append("".join(lazy_pinyin(part)).casefold().replace(" ", ""))
            initials = lazy_pinyin(part, style=Style.FIRST_LETTER)
            words.append("".join(initials).casefold().replace(" ", ""))
    return " ".join(dict.fromkeys(word for word in words if word))[:limit]


def check_price(price_cents: int, field: str = "price", *, allow_zero: bool = False) -> int:
    """A price in minor units: positive (or zero where the menu says 'price on consultation')."""
    if price_cents < 0 or (price_cents == 0 and not allow_zero):
        raise ValidationError(
            _("A price must be more than zero.")
            if not allow_zero
            else _("A price cannot be negative."),
            field=field,
        )
    return price_cents


def check_quantity(
    value: int, field: str, label: str, *, allow_zero: bool = True, limit: int = 10**9
) -> int:
    if value < 0 or (value == 0 and not allow_zero) or value > limit:
        raise ValidationError(
            _("{field} must be a whole number from {low} to {high}.").format(
                field=_(label), low=0 if allow_zero else 1, high=limit
            ),
            field=field,
        )
    return value
