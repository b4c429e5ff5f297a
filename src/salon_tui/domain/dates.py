"""Reading dates that people type."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from salon_tui.i18n import _

_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> date:
    """``2026-11-22``, ``2026/11/22``, ``2026.11.22``, ``20261122`` or ``2026年11月22日``."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _SEPARATED.match(cleaned) or _COMPACT.match(cleaned)
    if match is None:
        raise ValueError(_("{text!r} is not a date (use YYYY-MM-DD).").format(text=text))
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("{text!r} is not a real date.").format(text=text)) from None
