"""Text people typed (a member's name, a note), made safe to show on a screen.

Names are stored as typed, so they may hold Rich markup (``[b]``, ``[/]``, ``[@click=…]``)
that would restyle the screen, run an action or stop it with a markup error, and the
bidirectional controls (U+202E …) that make a terminal draw the rest of the line
backwards. ``shown`` escapes the one and leaves out the other; the stored text keeps both.
"""

from __future__ import annotations

from rich.markup import escape

# Embeddings, overrides, isolates and the directional marks.
BIDI_CONTROLS = dict.fromkeys(
    ord(char) for char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def without_bidi_controls(text: str) -> str:
    return text.translate(BIDI_CONTROLS)


def shown(text: str) -> str:
    """``text`` as markup that displays it literally, with no bidirectional controls."""
    return escape(without_bidi_controls(text))


# Control characters (C0, DEL, C1) read as spaces, the bidirectional controls as nothing.
_ONE_LINE = {
    **dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)], " "),
    **BIDI_CONTROLS,
}


def one_line(text: str) -> str:
    """``text`` as plain characters for one line of a table drawn without markup: no
    bidirectional controls, and control characters (newline, tab, escape …) as spaces so
    none reaches the terminal."""
    return text.translate(_ONE_LINE)
