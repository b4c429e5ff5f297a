"""Search results of the Members screen, drawn line by line (Textual's Line API).

A DataTable measures and renders every cell through Rich each time it is refilled, which
alone took longer than the 50 ms a keystroke may take at the desk. This table keeps the
hits as the search returned them and draws only the rows on screen, each straight into
segments: name, phone (masked by the service for staff who may not see it), level, card
and the allergy mark, under a header that stays put; a row cursor; archived members
dimmed. Names are drawn as typed, never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from salon_tui.i18n import _
from salon_tui.widgets.safe_text import one_line

if TYPE_CHECKING:
    from salon_tui.services.member_search import MemberHit

ALLERGY_MARK = "⚠"
PADDING = 1  # blank columns on each side of a cell, as a DataTable draws them
NAME_MIN_WIDTH = 8  # a long name is cut (with …) rather than pushing the card off screen


def row_cells(hit: MemberHit) -> tuple[str, str, str, str, str]:
    """What a hit's row shows, column by column, as plain text."""
    name = hit.name + (f" ({_('archived')})" if hit.is_archived else "")
    return (
        one_line(name),
        hit.phone,
        one_line(hit.level),
        hit.card_number,
        ALLERGY_MARK if hit.allergies else "",
    )


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width <= 1:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


@dataclass(frozen=True)
class _RowStyles:
    base: Style
    header: Style
    even: Style
    cursor: Style
    archived: Style
    allergy: Style


class MemberResults(ScrollView, can_focus=True):
    """The hits of one search as a table with a row cursor.

    ``show(hits)`` replaces the rows and puts the cursor on the first without a message;
    moving the cursor posts ``Highlighted``, Enter or a click posts ``Selected``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "select", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "member-results--header",
        "member-results--even-row",
        "member-results--cursor",
        "member-results--archived",
        "member-results--allergy",
    }

    DEFAULT_CSS = """
    MemberResults {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .member-results--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .member-results--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .member-results--even-row {
            background: $surface-darken-1 40%;
        }
        & > .member-results--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .member-results--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .member-results--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .member-results--archived {
            text-style: dim;
        }
        & > .member-results--allergy {
            color: $error;
            text-style: bold;
        }
    }
    """

    class Highlighted(Message):
        """The cursor moved onto a member."""

        def __init__(self, results: MemberResults, hit: MemberHit) -> None:
            super().__init__()
            self.results = results
            self.hit = hit

        @property
        def control(self) -> MemberResults:
            return self.results

    class Selected(Message):
        """Enter pressed, or a row clicked, on a member."""

        def __init__(self, results: MemberResults, hit: MemberHit) -> None:
            super().__init__()
            self.results = results
            self.hit = hit

        @property
        def control(self) -> MemberResults:
            return self.results

    def __init__(
        self, headers: Sequence[str], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.headers = tuple(one_line(header) for header in headers)
        self.hits: tuple[MemberHit, ...] = ()
        self.rows: tuple[tuple[str, ...], ...] = ()
        self.cursor_row = 0
        self._widths_for: tuple[int, tuple[int, ...]] | None = None
        self._styles = _RowStyles(*[Style.null()] * 6)
        self._width = 0  # of the frame being drawn
        self._top = 0

    # --- contents ------------------------------------------------------------------------

    def show(self, hits: Sequence[MemberHit]) -> None:
        """Replace the rows (cursor on the first, scrolled to the top)."""
        self.hits = tuple(hits)
        self.rows = tuple(row_cells(hit) for hit in self.hits)
        self.cursor_row = 0
        self._widths_for = None
        self.virtual_size = Size(0, len(self.rows) + 1)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (kept in range and on screen); say so if it moved."""
        if not self.hits:
            return
        row = max(0, min(row, len(self.hits) - 1))
        moved = row != self.cursor_row
        self.cursor_row = row
        self._scroll_to_cursor()
        if moved:
            self.refresh()
            self.post_message(self.Highlighted(self, self.hits[row]))

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        visible = self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    # --- keys and mouse ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._visible_rows())

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._visible_rows())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.hits) - 1)

    def action_select(self) -> None:
        if self.hits:
            self.post_message(self.Selected(self, self.hits[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self.hits):
            self.move_cursor(row)
            self.post_message(self.Selected(self, self.hits[row]))

    # --- drawing -------------------------------------------------------------------------

    def _column_widths(self, width: int) -> tuple[int, ...]:
        """Each column as wide as its widest cell (display width: 王芳 counts four); the
        name column gives way when the table is wider than the widget."""
        if self._widths_for is not None and self._widths_for[0] == width:
            return self._widths_for[1]
        widths = [cell_len(header) for header in self.headers]
        for row in self.rows:
            for index, cell in enumerate(row):
                widths[index] = max(widths[index], cell_len(cell))
        others = sum(widths[1:]) + 2 * PADDING * len(widths)
        widths[0] = max(min(widths[0], width - others), min(widths[0], NAME_MIN_WIDTH))
        fitted = tuple(widths)
        self._widths_for = (width, fitted)
        return fitted

    def _line(
        self,
        cells: Sequence[str],
        widths: Sequence[int],
        style: Style,
        mark_style: Style | None = None,
    ) -> Strip:
        """One row as a strip exactly as wide as the widget: the cells padded to their
        columns in ``style``, the last (the allergy mark) in ``mark_style``."""
        width = self._width
        pad = " " * PADDING
        texts = [
            pad + _fit(cell, cell_width) + pad
            for cell, cell_width in zip(cells, widths, strict=True)
        ]
        segments = [Segment("".join(texts[:-1]), style), Segment(texts[-1], mark_style or style)]
        used = sum(cell_width + 2 * PADDING for cell_width in widths)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        elif used > width:
            return Strip(segments, used).crop(0, width)
        return Strip(segments, width)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looked up once a frame, not per line: each walks the CSS of every ancestor.
        component = self.get_component_rich_style
        self._styles = _RowStyles(
            base=self.rich_style,
            header=component("member-results--header"),
            even=component("member-results--even-row"),
            cursor=component("member-results--cursor"),
            archived=component("member-results--archived", partial=True),
            allergy=component("member-results--allergy", partial=True),
        )
        self._width = self.scrollable_content_region.width
        self._top = round(self.scroll_y)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        styles = self._styles
        widths = self._column_widths(self._width)
        if y == 0:
            return self._line(self.headers, widths, styles.base + styles.header)
        index = self._top + y - 1
        if index >= len(self.rows):
            return Strip.blank(self._width, styles.base)
        style = styles.base
        if index % 2 == 0:
            style += styles.even
        if self.hits[index].is_archived:
            style += styles.archived
        if index == self.cursor_row:
            style += styles.cursor
        row = self.rows[index]
        # The mark in red, except under the cursor (drawn in the cursor's colours).
        marked = bool(row[-1]) and index != self.cursor_row
        return self._line(row, widths, style, style + styles.allergy if marked else None)
