"""Columns of other people's files: matching headers, reading cells, writing them safely.

Pure functions shared by every import and export. Headers match case-, width- and
space-insensitively against each column's synonyms (Chinese and English). A column map
(``Desc=name``) renames someone else's headers first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from salon_tui.i18n import _

# OWASP CSV injection: a cell that starts with one of these runs as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_CHARS = "".join(FORMULA_TRIGGERS)
_SQUEEZE = re.compile(r"[\s_\-·.:：()（）/]+")


def header_key(text: object) -> str:
    """The form two headers are compared in: ``会员 卡号`` = ``会员卡号``, ``On Hand`` = ``on_hand``."""
    return _SQUEEZE.sub("", unicodedata.normalize("NFKC", str(text or "")).casefold())


@dataclass(frozen=True)
class Column:
    """One field an import understands, and the headers it goes by."""

    key: str
    synonyms: tuple[str, ...]
    required: bool = False

    def matches(self, header: str) -> bool:
        wanted = header_key(header)
        return wanted == header_key(self.key) or any(wanted == header_key(s) for s in self.synonyms)


@dataclass(frozen=True)
class HeaderMatch:
    positions: dict[str, int]
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not self.missing and bool(self.positions)


def parse_column_map(pairs: Iterable[str]) -> dict[str, str]:
    """``["Desc=name", "On Hand=on_hand"]`` → ``{"desc": "name", "onhand": "on_hand"}``."""
    mapping = {}
    for pair in pairs:
        theirs, _equals, ours = pair.partition("=")
        if not theirs.strip() or not ours.strip():
            raise ValueError(
                _("A column map is THEIR_HEADER=our_column, got {pair!r}.").format(pair=pair)
            )
        mapping[header_key(theirs)] = ours.strip()
    return mapping


def match_headers(
    headers: Sequence[object], columns: Sequence[Column], column_map: dict[str, str] | None = None
) -> HeaderMatch:
    """Which position each known column sits at; unknown headers and missing required ones."""
    column_map = column_map or {}
    positions: dict[str, int] = {}
    unknown = []
    for position, raw in enumerate(headers):
        text = str(raw or "").strip()
        if not text:
            continue
        renamed = column_map.get(header_key(text), text)
        column = next((c for c in columns if c.matches(renamed)), None)
        if column is None or column.key in positions:
            unknown.append(text)
            continue
        positions[column.key] = position
    missing = [c.key for c in columns if c.required and c.key not in positions]
    return HeaderMatch(positions, unknown, missing)


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, None as empty.

    Text our exports neutralised (``'=…``, ``'--03-05``: see ``neutralise``) reads back as
    it was, so an exported file imports unchanged."""
    if type(value) is str:  # most cells: the checks below are for the others
        if len(value) > 1 and value[0] == "'" and value[1] in _TRIGGER_CHARS:
            value = value[1:]
        return unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(sep=" ")
        )
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


_CN_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日?$")
_YMD = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})[-/](\d{1,2})$")


@dataclass(frozen=True)
class PartialDate:
    """A date whose year may be unknown (a birthday given as 3月5日)."""

    month: int
    day: int
    year: int | None = None


def parse_partial_date(value: object) -> PartialDate:
    """``1990-03-05``, ``1990/3/5``, ``19900305``, ``1990年3月5日``, ``3月5日``, ``03-05`` or an Excel date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return PartialDate(value.month, value.day, value.year)
    text = unicodedata.normalize("NFKC", cell_text(value))
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        _check_real(year, month, day, text)
        return PartialDate(month, day, year)
    match = _CN_MONTH_DAY.match(text) or _MD.match(text)
    if match:
        month, day = (int(part) for part in match.groups())
        _check_real(2000, month, day, text)  # a leap year: 2月29日 is a real birthday
        return PartialDate(month, day, None)
    raise ValueError(_("{text!r} is not a date.").format(text=text))


def _check_real(year: int, month: int, day: int, text: str) -> None:
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(_("{text!r} is not a real date.").format(text=text)) from None
