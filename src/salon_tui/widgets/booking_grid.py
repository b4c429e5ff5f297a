"""The bookings grid: time slots down, one column per stylist (a day) or per day (a
stylist's week), bookings as blocks with client, services, status and warnings.

``render_grid`` is a pure function of the columns, the rows and the cursor, so it is
benchmarked and tested without a terminal; ``BookingGrid`` is the focusable widget that
draws the part that fits and moves the cursor. Widths are counted in terminal cells, so
Chinese names (two cells a character) never push a column out of line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from salon_tui.i18n import N_, _
from salon_tui.widgets.safe_text import one_line

if TYPE_CHECKING:
    from salon_tui.domain.bookings import Span
    from salon_tui.services.bookings import BookingLineView, BookingView

TIME_WIDTH = 6
MIN_COLUMN = 10
STATUS_STYLES = {
    "booked": "white on #1f4e79",
    "confirmed": "white on #2e6b30",
    "arrived": "black on #d9a400",
    "in_service": "white on #7b2d8b",
    "done": "#c0c0c0 on #3a3a3a",
}
STATUS_GLYPHS = {"booked": "○", "confirmed": "●", "arrived": "▲", "in_service": "▶", "done": "✓"}
OFF_STYLE = "#555555 on #1a1a1a"


@dataclass(frozen=True)
class Block:
    booking: BookingView
    line: BookingLineView


@dataclass(frozen=True)
class GridColumn:
    key: int | str
    title: str
    day: date
    working: tuple[Span, ...]
    blocks: tuple[Block, ...] = field(default=())


@dataclass(frozen=True)
class GridModel:
    """What the grid shows: columns, the rows' times of day, the slot size."""

    columns: tuple[GridColumn, ...]
    rows: tuple[time, ...]
    slot_minutes: int
    timezone: str

    def slot(self, column: int, row: int) -> datetime:
        col = self.columns[column]
        return datetime.combine(col.day, self.rows[row], tzinfo=ZoneInfo(self.timezone))

    def block_at(self, column: int, row: int) -> Block | None:
        if not self.columns or not self.rows:
            return None
        start = self.slot(column, row)
        end = start + timedelta(minutes=self.slot_minutes)
        for block in self.columns[column].blocks:
            if block.line.starts_at < end and start < block.line.ends_at:
                return block
        return None


def _rows(
    spans: Sequence[tuple[datetime, datetime]], slot_minutes: int, timezone: str
) -> tuple[time, ...]:
    """Times of day from the earliest opening or booking to the latest, on the slot grid."""
    if not spans:
        return ()
    zone = ZoneInfo(timezone)
    starts = [start.astimezone(zone) for start, _end in spans]
    ends = [end.astimezone(zone) for _start, end in spans]
    first = min(s.hour * 60 + s.minute for s in starts)
    last = max(e.hour * 60 + e.minute + (1 if e.second else 0) for e in ends)
    last = max(last, first + slot_minutes)
    first -= first % slot_minutes
    return tuple(
        time(minute // 60, minute % 60) for minute in range(first, min(last, 24 * 60), slot_minutes)
    )


def day_model(view: Any) -> GridModel:
    """A day: one column per stylist working (or booked) that day."""
    from salon_tui.domain.bookings import HOLDING

    holding = {status.value for status in HOLDING}
    columns = []
    spans: list[tuple[datetime, datetime]] = []
    if view.opening is not None:
        spans.append(view.opening)
    for staff_id, name, working in view.stylists:
        blocks = tuple(
            Block(booking, line)
            for booking in view.bookings
            if booking.status in holding
            for line in booking.lines
            if line.staff_id == staff_id
        )
        spans += [(span.start, span.end) for span in working]
        spans += [(b.line.starts_at, b.line.ends_at) for b in blocks]
        columns.append(GridColumn(staff_id, name, view.day, tuple(working), blocks))
    return GridModel(
        tuple(columns),
        _rows(spans, view.slot_minutes, view.timezone),
        view.slot_minutes,
        view.timezone,
    )


def week_model(views: Sequence[Any], staff_id: int) -> GridModel:
    """A stylist's week: one column per day."""
    from salon_tui.domain.bookings import HOLDING
    from salon_tui.services.schedule import WEEKDAY_NAMES

    holding = {status.value for status in HOLDING}
    columns = []
    spans: list[tuple[datetime, datetime]] = []
    for view in views:
        working = next((w for sid, _n, w in view.stylists if sid == staff_id), ())
        blocks = tuple(
            Block(booking, line)
            for booking in view.bookings
            if booking.status in holding
            for line in booking.lines
            if line.staff_id == staff_id
        )
        if view.opening is not None:
            spans.append(view.opening)
        spans += [(span.start, span.end) for span in working]
        spans += [(b.line.starts_at, b.line.ends_at) for b in blocks]
        title = f"{_(WEEKDAY_NAMES[view.day.weekday()])[:3]} {view.day:%m-%d}"
        columns.append(GridColumn(view.day.isoformat(), title, view.day, tuple(working), blocks))
    slot = views[0].slot_minutes if views else 15
    zone = views[0].timezone if views else "UTC"
    return GridModel(tuple(columns), _rows(spans, slot, zone), slot, zone)


def _fit(text: str, width: int) -> str:
    return set_cell_size(text, width) if width > 0 else ""


def _block_text(block: Block, index: int) -> str:
    booking = block.booking
    if index == 0:
        mark = "⚠" if booking.warnings else STATUS_GLYPHS.get(booking.status, "")
        return f"{mark}{one_line(booking.client_name)}"
    if index == 1:
        return one_line(block.line.service_name)
    if index == 2:
        return booking.status_label + (
            f" {one_line(booking.warnings[0])}" if booking.warnings else ""
        )
    if index == 3 and len(booking.warnings) > 1:
        return one_line(" ".join(booking.warnings[1:]))
    return ""


def visible_columns(count: int, width: int, cursor: int) -> tuple[int, int, int]:
    """(first column, how many, each one's width) that fit ``width`` cells."""
    room = max(width - TIME_WIDTH, MIN_COLUMN)
    fitting = max(1, min(count, room // MIN_COLUMN))
    first = 0
    if count > fitting:
        first = min(max(cursor - fitting // 2, 0), count - fitting)
    each = room // fitting if fitting else room
    return first, fitting, each


def render_grid(
    model: GridModel,
    *,
    width: int,
    height: int,
    cursor: tuple[int, int],
    top: int,
    now: datetime,
    selected_booking: int | None = None,
    moving_booking: int | None = None,
) -> Text:
    """The grid as it fits ``width`` × ``height`` cells, rows from ``top``."""
    out = Text(no_wrap=True, overflow="crop")
    cursor_column, cursor_row = cursor
    if not model.columns or not model.rows:
        out.append(_("Nobody works on this day and the shop is closed."), style="dim")
        return out
    first, count, each = visible_columns(len(model.columns), width, cursor_column)
    shown = range(first, first + count)
    out.append(" " * TIME_WIDTH)
    for index in shown:
        column = model.columns[index]
        title = _fit(" " + one_line(column.title), each)
        style = "bold reverse" if index == cursor_column else "bold"
        out.append(title, style=style)
    if first > 0 or first + count < len(model.columns):
        out.append_text(Text(f" {first + 1}-{first + count}/{len(model.columns)}", style="dim"))
    slot = timedelta(minutes=model.slot_minutes)
    for row in range(top, min(top + max(height - 1, 1), len(model.rows))):
        out.append("\n")
        label_time = model.slot(first, row)
        is_now = label_time <= now < label_time + slot and model.columns[first].day == (
            now.astimezone(ZoneInfo(model.timezone)).date()
        )
        label = f"{model.rows[row]:%H:%M}"
        if is_now:
            out.append(_fit("▶" + label, TIME_WIDTH), style="bold red")
        else:
            on_hour = model.rows[row].minute == 0
            out.append(
                _fit(label if on_hour else "  " + label[2:], TIME_WIDTH),
                style="bold" if on_hour else "dim",
            )
        for index in shown:
            out.append_text(
                _cell(
                    model,
                    index,
                    row,
                    each,
                    cursor=(index, row) == (cursor_column, cursor_row),
                    now=now,
                    slot=slot,
                    selected=selected_booking,
                    moving=moving_booking,
                )
            )
    return out


def _cell(
    model: GridModel,
    column: int,
    row: int,
    width: int,
    *,
    cursor: bool,
    now: datetime,
    slot: timedelta,
    selected: int | None,
    moving: int | None,
) -> Text:
    start = model.slot(column, row)
    block = model.block_at(column, row)
    if block is not None:
        first_row = row
        while first_row > 0 and model.block_at(column, first_row - 1) == block:
            first_row -= 1
        text = "▏" + _block_text(block, row - first_row)
        style = STATUS_STYLES.get(block.booking.status, "")
        if block.booking.id == moving:
            style += " blink"
        if block.booking.id == selected:
            style += " bold"
        if cursor:
            style += " reverse"
        return Text(_fit(text, width), style=style)
    working = any(
        span.start <= start and start + slot <= span.end for span in model.columns[column].working
    )
    if cursor:
        return Text(_fit("▏" + _("+ book"), width), style="reverse")
    if not working:
        return Text(_fit("▏" + "░" * (width - 1), width), style=OFF_STYLE)
    style = "dim" if start + slot <= now else ""
    return Text(_fit("▏", width), style=style)


class BookingGrid(Widget, can_focus=True):
    """The focusable grid: arrows move the cursor, Enter chooses the cell."""

    DEFAULT_CSS = """
    BookingGrid { height: 1fr; width: 1fr; }
    BookingGrid:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(0,-1)", N_("Earlier"), show=False),
        Binding("down", "move(0,1)", N_("Later"), show=False),
        Binding("left", "move(-1,0)", N_("Left"), show=False),
        Binding("right", "move(1,0)", N_("Right"), show=False),
        Binding("home", "first_row", show=False),
        Binding("end", "last_row", show=False),
        Binding("enter", "choose", N_("Choose"), show=False),
    ]

    cursor: reactive[tuple[int, int]] = reactive((0, 0))

    class Chosen(Message):
        """Enter on a cell: the booking there, or an empty slot's time and column."""

        def __init__(self, column: GridColumn, start: datetime, block: Block | None) -> None:
            super().__init__()
            self.column = column
            self.start = start
            self.block = block

    class Moved(Message):
        def __init__(self, block: Block | None) -> None:
            super().__init__()
            self.block = block

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = GridModel((), (), 15, "UTC")
        self.top = 0
        self.now: datetime = datetime.now().astimezone()
        self.selected_booking: int | None = None
        self.moving_booking: int | None = None

    def show(self, model: GridModel, now: datetime, *, keep_cursor: bool = True) -> None:
        self.model = model
        self.now = now
        column, row = self.cursor if keep_cursor else (0, 0)
        column = min(column, max(len(model.columns) - 1, 0))
        row = min(row, max(len(model.rows) - 1, 0))
        if not keep_cursor:
            row = self._now_row()
        self.cursor = (column, row)
        self._announce()
        self.refresh()

    def _now_row(self) -> int:
        if not self.model.columns:
            return 0
        for row in range(len(self.model.rows)):
            if self.model.slot(0, row) + timedelta(minutes=self.model.slot_minutes) > self.now:
                return row
        return 0

    def render(self) -> Text:
        height = self.size.height
        visible = max(height - 1, 1)
        _column, row = self.cursor
        if row < self.top:
            self.top = row
        elif row >= self.top + visible:
            self.top = row - visible + 1
        return render_grid(
            self.model,
            width=self.size.width,
            height=height,
            cursor=self.cursor,
            top=self.top,
            now=self.now,
            selected_booking=self.selected_booking,
            moving_booking=self.moving_booking,
        )

    def watch_cursor(self) -> None:
        self.refresh()

    def current_block(self) -> Block | None:
        column, row = self.cursor
        return self.model.block_at(column, row) if self.model.columns else None

    def _announce(self) -> None:
        block = self.current_block()
        self.selected_booking = block.booking.id if block else None
        self.post_message(self.Moved(block))

    def action_move(self, columns: int, rows: int) -> None:
        if not self.model.columns or not self.model.rows:
            return
        column, row = self.cursor
        column = max(0, min(column + columns, len(self.model.columns) - 1))
        row = max(0, min(row + rows, len(self.model.rows) - 1))
        self.cursor = (column, row)
        self._announce()

    def action_first_row(self) -> None:
        self.cursor = (self.cursor[0], 0)
        self._announce()

    def action_last_row(self) -> None:
        self.cursor = (self.cursor[0], max(len(self.model.rows) - 1, 0))
        self._announce()

    def action_choose(self) -> None:
        if not self.model.columns or not self.model.rows:
            return
        column, row = self.cursor
        self.post_message(
            self.Chosen(
                self.model.columns[column], self.model.slot(column, row), self.current_block()
            )
        )

    def go_to(self, column_key: int | str, start: datetime) -> None:
        """Put the cursor on a column and the row holding ``start``."""
        index = next(
            (i for i, column in enumerate(self.model.columns) if column.key == column_key),
            self.cursor[0],
        )
        local = start.astimezone(ZoneInfo(self.model.timezone)).time()
        row = max((i for i, t in enumerate(self.model.rows) if t <= local), default=0)
        self.cursor = (index, row)
        self._announce()


def text_width(text: str) -> int:
    return cell_len(text)
