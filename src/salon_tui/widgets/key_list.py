"""A screen's keys and what they do, wrapped only between one key and the next.

Text wrapping breaks at any white space, the no-break space included (Textual's wrapper
reads it as white space), so ``Ctrl+F`` could end one line and ``Segments`` start the
next. This widget lays the items out itself for the width it has: a line holds whole
items (``Ctrl+N New member``) joined by `` · ``, and a line that continues ends with ``·``
where there is room for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

SEPARATOR = " · "
CONTINUED = " ·"

KeyItem = tuple[str, str]  # (the key as shown, what it does)


def _item_width(item: KeyItem) -> int:
    key, label = item
    return cell_len(key) + 1 + cell_len(label)


def lay_out(items: Sequence[KeyItem], width: int) -> list[list[KeyItem]]:
    """The items in lines of at most ``width`` cells, never splitting an item (one wider
    than the line gets a line of its own)."""
    lines: list[list[KeyItem]] = []
    line: list[KeyItem] = []
    used = 0
    for position, item in enumerate(items):
        last = position == len(items) - 1
        # A line that continues needs room for its closing " ·".
        room = width if last else width - cell_len(CONTINUED)
        needed = _item_width(item) if not line else used + len(SEPARATOR) + _item_width(item)
        if line and needed > room:
            lines.append(line)
            line, used = [item], _item_width(item)
        else:
            line.append(item)
            used = needed
    if line:
        lines.append(line)
    return lines


class KeyList(Widget):
    """Keys and their labels, a key never on another line than its label."""

    DEFAULT_CSS = """
    KeyList {
        height: auto;
    }
    """

    def __init__(
        self,
        items: Sequence[KeyItem] = (),
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.items: tuple[KeyItem, ...] = tuple(items)

    def set_items(self, items: Sequence[KeyItem]) -> None:
        self.items = tuple(items)
        self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return sum(_item_width(item) for item in self.items) + len(SEPARATOR) * max(
            0, len(self.items) - 1
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(lay_out(self.items, width))

    def render(self) -> RenderResult:
        width = self.content_size.width
        lines = lay_out(self.items, width)
        parts: list[str | tuple[str, str]] = []
        for number, line in enumerate(lines):
            for position, (key, label) in enumerate(line):
                if position:
                    parts.append(SEPARATOR)
                parts += [(key, "bold"), " ", label]
            if number < len(lines) - 1:
                used = sum(map(_item_width, line)) + len(SEPARATOR) * (len(line) - 1)
                parts.append((CONTINUED if used + len(CONTINUED) <= width else "") + "\n")
        return Content.assemble(*parts)
