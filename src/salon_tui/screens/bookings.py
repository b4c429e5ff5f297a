"""F4 Bookings (预约): the day grid by stylist (or one stylist's week), booking from the
grid, moving, status changes, the walk-in queue, and check-in → checkout.

Everything is read and changed through services in workers; the screen redraws from
the ``DayView`` that comes back. Arrows move the cursor; Enter books an empty slot or
offers what can be done with the booking under the cursor.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.booking_grid import BookingGrid, day_model, week_model
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.booking_checkin import CheckIn
    from salon_tui.services.booking_queue import QueueView
    from salon_tui.services.booking_waitlist import WaitlistView
    from salon_tui.services.bookings import BookingView, DayView
    from salon_tui.services.members import MemberView
    from salon_tui.widgets.booking_grid import Block

SIDE_PANEL_MIN_WIDTH = 110


def book_for_member(screen: SalonScreen, member: MemberView) -> None:
    """Open the booking dialog with ``member`` as the client (from their profile, F3):
    starting at the next slot, any stylist on the schedule."""
    from salon_tui.services import schedule

    if not screen.salon.session_actor.can("bookings.book"):
        screen.notify(_("Only the desk can book."), severity="warning")
        return
    if member.is_archived:
        screen.notify(
            _("{name} is archived: restore the member to book them.").format(
                name=shown(member.name)
            ),
            severity="warning",
        )
        return
    uow = screen.salon.uow
    zone = screen.salon.shop.timezone if screen.salon.shop else "Asia/Shanghai"

    def load() -> tuple[list[tuple[int, str]], int]:
        shifts = schedule.list_shifts(uow)
        stylists = [(s.staff_id, s.staff_name) for s in shifts if any(s.week)]
        return stylists, schedule.get_rules(uow).slot_minutes

    def loaded(result: tuple[list[tuple[int, str]], int]) -> None:
        from salon_tui.domain.clock import utc_now
        from salon_tui.screens.modals.booking_form import BookingFormModal
        from salon_tui.services.member_search import MemberHit

        stylists, slot = result
        now = utc_now().replace(second=0, microsecond=0)
        start = now + timedelta(minutes=-now.minute % slot or slot)
        hit = MemberHit(
            member.id,
            member.name,
            member.phone,
            member.level,
            member.active_card.number if member.active_card else "",
            member.status,
            ", ".join(member.allergies),
            "",
        )

        def booked(view: BookingView | None) -> None:
            if view is not None:
                from salon_tui.domain.clock import shop_time

                screen.notify(
                    _("Booked #{id} {client} for {time}.").format(
                        id=view.id,
                        client=shown(view.client_name),
                        time=f"{shop_time(view.starts_at, zone):%Y-%m-%d %H:%M}",
                    )
                )

        screen.app.push_screen(BookingFormModal(start, None, stylists, zone, member=hit), booked)

    call_service(screen, load, loaded)


class BookingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", N_("Book")),
        Binding("m", "move", N_("Move")),
        Binding("a", "status('arrived')", N_("Arrived")),
        Binding("f", "finish", N_("Checkout")),
        Binding("w", "toggle_week", N_("Week")),
        Binding("g", "go_to_date", N_("Date")),
        Binding("q", "walk_in", N_("Walk-in")),
        Binding("l", "join_waitlist", N_("Waitlist")),
        Binding("b", "book_waitlist", N_("Book from the waitlist"), show=False),
        Binding("c", "status('confirmed')", N_("Confirm"), show=False),
        Binding("s", "status('in_service')", N_("In service"), show=False),
        Binding("x", "cancel_booking", N_("Cancel booking"), show=False),
        Binding("o", "no_show", N_("No-show"), show=False),
        Binding("r", "serve_walk_in", N_("Serve next walk-in"), show=False),
        Binding("t", "today", N_("Today"), show=False),
        Binding("pageup,left_square_bracket", "shift_day(-1)", N_("Previous day"), show=False),
        Binding("pagedown,right_square_bracket", "shift_day(1)", N_("Next day"), show=False),
        Binding("escape", "stop_moving", N_("Stop moving"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.week_of: int | None = None  # a stylist's id in week view
        self.day_view: DayView | None = None
        self.moving: Block | None = None
        self.queue_view: QueueView | None = None
        self.waiting_list: list[WaitlistView] = []
        self.offered_seen: set[int] | None = None  # offered entries already announced

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Bookings"))
        with Horizontal(id="bookings"):
            with Vertical(id="bookings-main"):
                yield Static("", id="bookings-day")
                yield BookingGrid(id="booking-grid")
                yield Static("", id="booking-detail")
            with Vertical(id="bookings-side"):
                yield Static(_("Walk-ins (轮牌)"), classes="panel-title")
                yield Static(_("Loading…"), id="queue-body")
                yield Static("", id="waitlist-body")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one(BookingGrid).focus()
        self.today()
        self.set_interval(60, self.reload)

    def on_resize(self) -> None:
        side = self.query_one("#bookings-side")
        side.display = self.size.width >= SIDE_PANEL_MIN_WIDTH

    def on_screen_resume(self) -> None:
        if self.day is not None:
            self.reload()

    # --- loading --------------------------------------------------------------------

    def timezone(self) -> str:
        return self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"

    def today(self) -> None:
        from salon_tui.domain.clock import business_date, utc_now

        self.day = business_date(utc_now(), self.timezone())
        self.reload(keep_cursor=False)

    def reload(self, *, keep_cursor: bool = True) -> None:
        from salon_tui.services import booking_queue, bookings

        if self.day is None or self.salon.uow is None:
            return
        uow, actor, day, week_of = self.salon.uow, self.salon.session_actor, self.day, self.week_of

        def load() -> tuple[Any, list[Any], Any, list[Any]]:
            from salon_tui.services import booking_waitlist

            view = bookings.day_view(uow, actor, day)
            week = []
            if week_of is not None:
                monday = day - timedelta(days=day.weekday())
                week = [bookings.day_view(uow, actor, monday + timedelta(days=i)) for i in range(7)]
            waiting = booking_waitlist.waitlist(uow, actor, day)
            return view, week, booking_queue.queue(uow, actor), waiting

        call_service(
            self,
            load,
            lambda loaded: self.show(*loaded, keep_cursor=keep_cursor),
            group="bookings-load",
        )

    def show(
        self,
        view: DayView,
        week: list[Any],
        queue: QueueView,
        waiting: list[WaitlistView],
        *,
        keep_cursor: bool,
    ) -> None:
        from salon_tui.domain.clock import utc_now
        from salon_tui.services.schedule import WEEKDAY_NAMES

        self.day_view = view
        grid = self.query_one(BookingGrid)
        model = (
            week_model(week, self.week_of)
            if week and self.week_of is not None
            else (day_model(view))
        )
        grid.show(model, utc_now(), keep_cursor=keep_cursor)
        active = [b for b in view.bookings if b.status not in {"cancelled", "no_show"}]
        title = f"{view.day.isoformat()} {_(WEEKDAY_NAMES[view.day.weekday()])}"
        if self.week_of is not None:
            name = next((n for sid, n, _w in view.stylists if sid == self.week_of), "")
            title = _("Week of {day} · {name}").format(
                day=(view.day - timedelta(days=view.day.weekday())).isoformat(), name=name
            )
        parts = [f"[b]{shown(title)}[/b]", _("{count} bookings").format(count=len(active))]
        if view.opening is None:
            parts.append(f"[b red]{_('closed')}[/]")
        offered = [entry for entry in waiting if entry.status == "offered"]
        if offered:
            parts.append(
                "[b yellow]"
                + _("Waitlist: {count} offered a freed time (b)").format(count=len(offered))
                + "[/]"
            )
        elif waiting:
            parts.append(_("{count} on the waitlist").format(count=len(waiting)))
        if self.moving is not None:
            parts.append(
                "[b yellow]"
                + _("Moving #{id}: choose the new time, Enter").format(id=self.moving.booking.id)
                + "[/]"
            )
        self.query_one("#bookings-day", Static).update(" · ".join(parts))
        self.show_queue(queue)
        self.show_waitlist(waiting)

    def show_waitlist(self, waiting: list[WaitlistView]) -> None:
        from salon_tui.domain.clock import shop_time

        self.waiting_list = waiting
        zone = self.timezone()
        lines = [f"[b]{_('Waitlist (候补)')}[/b]"] if waiting else []
        for entry in waiting:
            who = entry.staff_name or _("any stylist")
            line = (
                f"{shown(entry.client_name)} · {shown(entry.service_name)} · "
                f"{shown(who)} · {entry.window_text}"
            )
            if entry.status == "offered" and entry.freed_start is not None:
                line = f"[b yellow]★ {shop_time(entry.freed_start, zone):%H:%M}[/] " + line
            lines.append(line)
        self.query_one("#waitlist-body", Static).update("\n".join(lines))
        offered = {entry.id for entry in waiting if entry.status == "offered"}
        if self.offered_seen is not None:
            for entry in waiting:
                if entry.id in offered and entry.id not in self.offered_seen:
                    self.notify(
                        _(
                            "Time freed: {client} on the waitlist wants {service} "
                            "({phone}); b books them."
                        ).format(
                            client=shown(entry.client_name),
                            service=shown(entry.service_name),
                            phone=entry.phone or "—",
                        ),
                        severity="warning",
                        timeout=20,
                    )
        self.offered_seen = (self.offered_seen or set()) | offered

    def show_queue(self, queue: QueueView) -> None:
        from salon_tui.domain.clock import shop_time

        self.queue_view = queue
        lines = []
        for walk_in in queue.waiting:
            asked = (
                f" → {shown(walk_in.requested_staff_name)}" if walk_in.requested_staff_name else ""
            )
            lines.append(
                f"{shop_time(walk_in.joined_at, self.timezone()):%H:%M} "
                f"{shown(walk_in.client_name)} · {shown(walk_in.service_name)}{asked}"
            )
        if not lines:
            lines.append(_("Nobody is waiting."))
        if queue.next_stylist is not None and queue.waiting:
            lines.append(_("Next: {name} (r)").format(name=shown(queue.next_stylist[1])))
        lines.append("")
        lines.append(f"[b]{_('Rotation')}[/b]")
        for seat in queue.board:
            free = _("free") if seat.free_now else _("busy")
            lines.append(f"{shown(seat.name)} · {seat.turns} · {free}")
        self.query_one("#queue-body", Static).update("\n".join(lines))

    # --- check-in by card ---------------------------------------------------------------

    def on_scanned(self, message: Scanned) -> None:
        """A member's card marks their booking today as arrived; other codes say what
        they are, as on any screen."""
        message.stop()
        message.prevent_default()  # not SalonScreen.on_scanned as well
        if self.salon.actor is None or self.salon.locked or self.salon.uow is None:
            return
        from salon_tui.services import scans

        uow, actor, code = self.salon.uow, self.salon.session_actor, message.code

        def identified(match: Any) -> None:
            if match is None or match.kind != "member" or not actor.can("bookings.book"):
                self._show_scan(code, match)
            else:
                self.check_in(match.entity_id)

        call_service(self, lambda: scans.identify(uow, actor, code), identified)

    def check_in(self, member_id: int, booking_id: int | None = None) -> None:
        from salon_tui.services.booking_checkin import check_in_member

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: check_in_member(uow, actor, member_id, booking_id=booking_id),
            self.checked_in,
            exclusive=True,
        )

    def checked_in(self, result: CheckIn) -> None:
        from salon_tui.domain.clock import shop_time

        zone = self.timezone()
        if result.arrived is not None:
            booking = result.arrived
            self.notify(
                _("{name} has arrived for {time} · {services} (#{id}).").format(
                    name=shown(result.member_name),
                    time=f"{shop_time(booking.starts_at, zone):%H:%M}",
                    services=shown(booking.services_text),
                    id=booking.id,
                )
            )
            self.day = booking.business_day
            self.reload()
            grid = self.query_one(BookingGrid)
            line = booking.lines[0] if booking.lines else None
            if line is not None and self.week_of is None:
                self.call_after_refresh(grid.go_to, line.staff_id, line.starts_at)
            return
        if result.choices:
            from salon_tui.screens.modals.booking_form import BookingPickModal

            def picked(booking_id: int | None) -> None:
                if booking_id is not None:
                    self.check_in(result.member_id, booking_id)

            self.app.push_screen(
                BookingPickModal(
                    _("{name} has {count} bookings today: which one now?").format(
                        name=shown(result.member_name), count=len(result.choices)
                    ),
                    result.choices,
                    zone,
                ),
                picked,
            )
            return
        if result.already:
            self.notify(
                _("{name} is already checked in (#{id}).").format(
                    name=shown(result.member_name), id=result.already[0].id
                ),
                severity="warning",
            )
            return
        self.notify(
            _("{name} has no booking waiting today; q adds them as a walk-in.").format(
                name=shown(result.member_name)
            ),
            severity="warning",
        )

    # --- the cursor -----------------------------------------------------------------------

    def on_booking_grid_moved(self, message: BookingGrid.Moved) -> None:
        self.show_detail(message.block)

    def show_detail(self, block: Block | None) -> None:
        detail = self.query_one("#booking-detail", Static)
        if block is None:
            detail.update(_("Enter: book this slot · n book · g date · w week · q walk-in"))
            return
        booking = block.booking
        from salon_tui.domain.clock import shop_time

        zone = self.timezone()
        text = (
            f"[b]#{booking.id} {shown(booking.client_name)}[/b] {booking.phone} · "
            f"{shop_time(booking.starts_at, zone):%H:%M}–{shop_time(booking.ends_at, zone):%H:%M}"
            f" · {shown(booking.services_text)} · {booking.status_label}"
        )
        if booking.deposit_held_cents:
            text += " · " + _("deposit {amount}").format(
                amount=self.money(booking.deposit_held_cents)
            )
        if booking.warnings:
            text += "\n[b red]⚠ " + shown(" · ".join(booking.warnings)) + "[/]"
        if booking.note:
            text += "\n" + shown(booking.note)
        detail.update(text)

    def money(self, cents: int) -> str:
        from salon_tui.domain.money import format_money
        from salon_tui.i18n import current_locale

        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        return format_money(cents, currency, current_locale())

    def selected(self) -> BookingView | None:
        block = self.query_one(BookingGrid).current_block()
        if block is None:
            self.notify(_("Put the cursor on a booking first."), severity="warning")
            return None
        return block.booking

    def on_booking_grid_chosen(self, message: BookingGrid.Chosen) -> None:
        if self.moving is not None:
            self.move_to(message.column.key, message.start)
            return
        if message.block is None:
            staff_id = message.column.key if isinstance(message.column.key, int) else self.week_of
            self.open_form(message.start, staff_id)
            return
        from salon_tui.screens.modals.booking_form import BookingActionsModal

        self.app.push_screen(BookingActionsModal(message.block.booking), self.do_action)

    def do_action(self, action: str | None) -> None:
        if action is None:
            return
        if action.startswith("status:"):
            self.action_status(action.removeprefix("status:"))
        else:
            getattr(self, f"action_{action}")()

    # --- actions --------------------------------------------------------------------------

    def action_today(self) -> None:
        self.today()

    def action_shift_day(self, days: int) -> None:
        if self.day is not None:
            self.day += timedelta(days=7 * days if self.week_of is not None else days)
            self.reload()

    def action_go_to_date(self) -> None:
        from salon_tui.screens.modals.checkout_pick import TextModal

        def chosen(text: str | None) -> None:
            if not text:
                return
            from salon_tui.domain.dates import parse_date

            try:
                self.day = parse_date(text)
            except ValueError as error:
                self.notify(str(error), severity="error")
                return
            self.reload()

        self.app.push_screen(TextModal(_("Go to a date"), _("YYYY-MM-DD"), required=True), chosen)

    def action_toggle_week(self) -> None:
        grid = self.query_one(BookingGrid)
        if self.week_of is not None:
            self.week_of = None
        elif grid.model.columns:
            key = grid.model.columns[grid.cursor[0]].key
            if not isinstance(key, int):
                return
            self.week_of = key
        self.reload(keep_cursor=False)

    def open_form(self, start: datetime | None, staff_id: int | None) -> None:
        from salon_tui.screens.modals.booking_form import BookingFormModal

        if self.day_view is None:
            return
        stylists = [(sid, name) for sid, name, _w in self.day_view.stylists]
        self.app.push_screen(
            BookingFormModal(start or self.default_start(), staff_id, stylists, self.timezone()),
            self.booked,
        )

    def default_start(self) -> datetime:
        grid = self.query_one(BookingGrid)
        column, row = grid.cursor
        if grid.model.columns and grid.model.rows:
            return grid.model.slot(column, row)
        from salon_tui.domain.clock import utc_now

        return utc_now()

    def booked(self, view: BookingView | None) -> None:
        if view is None:
            return
        self.notify(_("Booked #{id} {client}.").format(id=view.id, client=shown(view.client_name)))
        if view.business_day != self.day:
            self.day = view.business_day
        self.reload()

    def action_new(self) -> None:
        grid = self.query_one(BookingGrid)
        staff_id = None
        if grid.model.columns:
            key = grid.model.columns[grid.cursor[0]].key
            staff_id = key if isinstance(key, int) else self.week_of
        self.open_form(None, staff_id)

    def _call(self, call: Any, message: str) -> None:
        def done(_result: Any) -> None:
            self.notify(message)
            self.reload()

        call_service(self, call, done, exclusive=True)

    def action_status(self, status: str) -> None:
        from salon_tui.services import booking_status

        booking = self.selected()
        if booking is None:
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        self._call(
            lambda: booking_status.set_status(uow, actor, booking.id, status),
            _("#{id} is now {status}.").format(
                id=booking.id,
                status=_(
                    {
                        "confirmed": N_("confirmed"),
                        "arrived": N_("arrived"),
                        "in_service": N_("in service"),
                    }[status]
                ),
            ),
        )

    def _with_reason(self, title: str, call: Any, message: str) -> None:
        from salon_tui.screens.modals.checkout_pick import TextModal

        def given(reason: str | None) -> None:
            if reason is not None:
                self._call(lambda: call(reason), message)

        self.app.push_screen(
            TextModal(title, _("Why? (kept in the history)"), required=False), given
        )

    def action_cancel_booking(self) -> None:
        from salon_tui.services import booking_status

        booking = self.selected()
        if booking is None:
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        self._with_reason(
            _("Cancel booking #{id}").format(id=booking.id),
            lambda reason: booking_status.cancel(uow, actor, booking.id, reason),
            _("Booking #{id} cancelled.").format(id=booking.id),
        )

    def action_no_show(self) -> None:
        from salon_tui.services import booking_status

        booking = self.selected()
        if booking is None:
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        self._with_reason(
            _("No-show #{id}").format(id=booking.id),
            lambda reason: booking_status.mark_no_show(uow, actor, booking.id, reason),
            _("#{id} marked as a no-show.").format(id=booking.id),
        )

    def action_move(self) -> None:
        block = self.query_one(BookingGrid).current_block()
        if block is None:
            self.notify(_("Put the cursor on a booking first."), severity="warning")
            return
        self.moving = block
        grid = self.query_one(BookingGrid)
        grid.moving_booking = block.booking.id
        grid.refresh()
        self.notify(
            _("Move #{id}: go to the new time (and stylist) and press Enter; Esc stops.").format(
                id=block.booking.id
            )
        )
        self.reload()

    def action_stop_moving(self) -> None:
        if self.moving is not None:
            self.moving = None
            grid = self.query_one(BookingGrid)
            grid.moving_booking = None
            self.reload()

    def move_to(self, column_key: int | str, start: datetime) -> None:
        from salon_tui.services import booking_status

        assert self.moving is not None
        booking = self.moving.booking
        staff_id = column_key if isinstance(column_key, int) else None
        if staff_id is not None and staff_id in booking.stylist_ids:
            staff_id = None
        uow, actor = self.salon.uow, self.salon.session_actor
        self.moving = None
        self.query_one(BookingGrid).moving_booking = None
        self._call(
            lambda: booking_status.move(uow, actor, booking.id, start, staff_id=staff_id),
            _("Booking #{id} moved.").format(id=booking.id),
        )

    def action_finish(self) -> None:
        """The client is done: the booking's cart opens in checkout."""
        from salon_tui.services import booking_status

        booking = self.selected()
        if booking is None:
            return
        if not self.salon.session_actor.can("sales.sell"):
            self.notify(_("Only the desk can check a client out."), severity="warning")
            return
        uow, actor = self.salon.uow, self.salon.session_actor

        def opened(result: tuple[BookingView, int]) -> None:
            from salon_tui.screens.checkout import open_in_checkout

            view, sale_id = result
            self.reload()
            open_in_checkout(self.salon, sale_id)
            self.notify(_("#{id} done: its cart is open in checkout.").format(id=view.id))

        call_service(
            self, lambda: booking_status.finish(uow, actor, booking.id), opened, exclusive=True
        )

    def action_walk_in(self) -> None:
        from salon_tui.screens.modals.booking_form import WalkInModal

        if self.day_view is None:
            return
        stylists = [(sid, name) for sid, name, _w in self.day_view.stylists]

        def added(view: Any) -> None:
            if view is not None:
                self.notify(_("{client} joins the queue.").format(client=shown(view.client_name)))
                self.reload()

        self.app.push_screen(WalkInModal(stylists), added)

    def action_join_waitlist(self) -> None:
        from salon_tui.screens.modals.booking_form import WaitlistModal

        if self.day_view is None or self.day is None:
            return
        stylists = [(sid, name) for sid, name, _w in self.day_view.stylists]

        def joined(view: Any) -> None:
            if view is not None:
                self.notify(
                    _("{client} is on the waitlist for {day}.").format(
                        client=shown(view.client_name), day=view.business_day.isoformat()
                    )
                )
                self.reload()

        self.app.push_screen(WaitlistModal(self.day, stylists), joined)

    def action_book_waitlist(self) -> None:
        from salon_tui.screens.modals.booking_form import WaitlistPickModal

        if not self.waiting_list:
            self.notify(_("Nobody is on this day's waitlist."), severity="warning")
            return

        def chosen(choice: tuple[str, int] | None) -> None:
            if choice is None:
                return
            action, entry_id = choice
            entry = next(e for e in self.waiting_list if e.id == entry_id)
            if action == "remove":
                from salon_tui.services import booking_waitlist

                uow, actor = self.salon.uow, self.salon.session_actor
                self._call(
                    lambda: booking_waitlist.remove(uow, actor, entry_id),
                    _("{client} is off the waitlist.").format(client=shown(entry.client_name)),
                )
            else:
                self.book_entry(entry)

        self.app.push_screen(WaitlistPickModal(self.waiting_list, self.timezone()), chosen)

    def book_entry(self, entry: WaitlistView) -> None:
        """The booking dialog filled in from a waitlist entry (the freed time first)."""
        from zoneinfo import ZoneInfo

        from salon_tui.screens.modals.booking_form import BookingFormModal
        from salon_tui.services.member_search import MemberHit

        if self.day_view is None:
            return
        zone = self.timezone()
        start = entry.freed_start
        if start is None:
            # Nothing freed yet: the start of the client's window, or of the day.
            opening = self.day_view.opening
            first = opening[0].astimezone(ZoneInfo(zone)).time() if opening else time(10)
            start = datetime.combine(
                entry.business_day, entry.window_start or first, tzinfo=ZoneInfo(zone)
            )
        staff_id = entry.staff_id or entry.freed_staff_id
        member = (
            MemberHit(entry.member_id, entry.client_name, entry.phone, "", "", "active", "", "")
            if entry.member_id is not None
            else None
        )
        stylists = [(sid, name) for sid, name, _w in self.day_view.stylists]
        self.app.push_screen(
            BookingFormModal(
                start,
                staff_id,
                stylists,
                zone,
                member=member,
                waitlist=entry,
            ),
            self.booked,
        )

    def action_serve_walk_in(self) -> None:
        from salon_tui.services import booking_queue

        if self.queue_view is None or not self.queue_view.waiting:
            self.notify(_("Nobody is waiting."), severity="warning")
            return
        first = self.queue_view.waiting[0]
        uow, actor = self.salon.uow, self.salon.session_actor
        self._call(
            lambda: booking_queue.serve(uow, actor, first.id),
            _("{client} is being served.").format(client=shown(first.client_name)),
        )
