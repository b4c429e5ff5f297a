"""Text as a receipt printer prints it: what it can encode, and how many columns it takes.

Chinese ESC/POS printers (Xprinter, Gainscha, Zjiang, Rongta …) in Chinese mode
(``FS &``) read every byte ≥ 0x80 as the start of a two-byte GBK character, so a string
takes as many columns as it has GBK bytes: ``×``, ``·``, ``—``, ``é`` take two columns
although a terminal shows them in one. We encode to GBK ourselves and never let the
library guess. Printers without Hanzi get the text transliterated to pinyin instead, or
(``IMAGE``) laid out as on a GBK printer and drawn as pictures where it is not ASCII.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache


class HanziMode(StrEnum):
    """How Chinese reaches the paper."""

    GBK = "gbk"  # the printer has a GB18030/GBK font (Chinese clones)
    PINYIN = "pinyin"  # no Hanzi font (Epson international): transliterate to ASCII
    IMAGE = "image"  # no Hanzi font: lines with Chinese printed as pictures (raster_text)


# Characters GBK lacks (or encodes into something the printer prints wrongly), mapped to
# something it has. ``¥`` (U+00A5) is the classic: GBK printers print it as "0 6".
GBK_REPLACEMENTS: dict[str, str] = {
    "¥": "￥",
    "€": "EUR",
    "£": "GBP",
    "₩": "KRW",
    "฿": "THB",
    "–": "-",
    "‒": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "„": '"',
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u3000": "  ",
    "✓": "√",
    "✔": "√",
    "✗": "×",
    "•": "·",
    "→": "→",
}

# For printers without Hanzi: what the ASCII rendering uses instead of common symbols.
ASCII_REPLACEMENTS: dict[str, str] = {
    "¥": "Y",
    "￥": "Y",
    "€": "EUR",
    "£": "GBP",
    "×": "x",
    "·": ".",
    "—": "-",
    "–": "-",
    "…": "...",
    "→": "->",
    "，": ",",
    "。": ".",
    "：": ":",
    "；": ";",
    "（": "(",
    "）": ")",
    "！": "!",
    "？": "?",
    "、": ",",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "《": "<",
    "》": ">",
    "【": "[",
    "】": "]",
    "\u3000": " ",
}

# What a character neither mapping nor GBK knows becomes: visible, never silent.
UNPRINTABLE = "?"


def _strip_controls(char: str) -> str | None:
    """Control characters would reach the printer as commands (ESC in a name!)."""
    if char in "\n":
        return char
    if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
        return " " if char in "\t\r\v\f\u2028\u2029" else ""
    return None


@cache
def _gbk_char(char: str) -> str:
    control = _strip_controls(char)
    if control is not None:
        return control
    if char in GBK_REPLACEMENTS:
        return GBK_REPLACEMENTS[char]
    try:
        char.encode("gbk")
        return char
    except UnicodeEncodeError:
        pass
    # é, ü … are in GBK; other accented letters lose their accent.
    base = "".join(
        part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
    )
    try:
        if base:
            base.encode("gbk")
            return base
    except UnicodeEncodeError:
        pass
    return UNPRINTABLE


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


@cache
def _ascii_char(char: str) -> str:
    control = _strip_controls(char)
    if control is not None:
        return control
    if char.isascii():
        return char
    if char in ASCII_REPLACEMENTS:
        return ASCII_REPLACEMENTS[char]
    if _is_han(char):
        from pypinyin import Style, lazy_pinyin

        return str(lazy_pinyin(char, style=Style.NORMAL)[0]).capitalize()
    base = "".join(
        part
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char))
        if not unicodedata.combining(part)
    )
    return base if base and base.isascii() else UNPRINTABLE


def _transliterate(text: str) -> str:
    """Pinyin for Hanzi, one space between a syllable and the letters around it."""
    pieces: list[str] = []
    previous_han = False
    for char in text:
        han = _is_han(char)
        piece = _ascii_char(char)
        if pieces and piece[:1].isalnum() and (han or previous_han) and pieces[-1][-1:].isalnum():
            pieces.append(" ")
        pieces.append(piece)
        previous_han = han
    return "".join(pieces)


def printable(text: str, mode: HanziMode = HanziMode.GBK) -> str:
    """``text`` as it will be printed: every character one the printer has."""
    if mode is HanziMode.PINYIN:
        return _transliterate(text)
    return "".join(_gbk_char(char) for char in text)


def to_bytes(printable_text: str, mode: HanziMode = HanziMode.GBK) -> bytes:
    """Bytes of text already passed through ``printable`` (in ``IMAGE`` mode, only ASCII
    lines are sent as text)."""
    return printable_text.encode("ascii" if mode is HanziMode.PINYIN else "gbk")


def encode(text: str, mode: HanziMode = HanziMode.GBK) -> bytes:
    """The bytes sent for ``text``: GBK on Chinese printers, ASCII otherwise."""
    return to_bytes(printable(text, mode), mode)


def columns(text: str, mode: HanziMode = HanziMode.GBK) -> int:
    """How many columns of Font A ``text`` takes on paper (GBK bytes on Chinese printers)."""
    return len(encode(text, mode))
