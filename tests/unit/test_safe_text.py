"""Typed text made safe to show: markup escaped, bidirectional and control characters out."""

from __future__ import annotations

from rich.text import Text

from salon_tui.widgets.safe_text import one_line, shown


def test_shown_displays_markup_literally_without_bidi_controls() -> None:
    assert Text.from_markup(shown("[/] [b]王\u202e芳[/b]")).plain == "[/] [b]王芳[/b]"


def test_one_line_keeps_emoji_and_joiners_but_no_line_breaks_or_escapes() -> None:
    assert one_line("👩\u200d🦰 Lily\n\tChen\x1b[2J\u2067") == "👩\u200d🦰 Lily  Chen [2J"
