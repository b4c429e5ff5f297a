"""Bookings dialogs: book (member search, services, stylist, the finder's suggestions,
deposit), what to do with a booking, and a walk-in joining the queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.booking_waitlist import WaitlistView
    from salon_tui.services.bookings import BookingView, LineRequest, SlotView
    from salon_tui.services.member_search import MemberHit, SearchResult

ANY = "any"
DEPOSIT_TENDERS = (
    ("cash", N_("Cash")),
    ("wechat", N_("WeChat Pay")),
    ("alipay", N_("Alipay")),
    ("bank_card", N_("Bank card")),
)


class _Dialog(SalonModal[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(text))
        message.add_class("-error")

    def problem(self, error: SalonError) -> None:
        self.show_problem(error.message)


def _split_codes(text: str) -> list[str]:
    return [
        part for part in text.replace(",", " ").replace("+", " ").replace("，", " ").split() if part
    ]


class BookingFormModal(_Dialog):
    """Book a client: Ctrl+F proposes free times, Ctrl+S (or Book) books."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+f", "find", N_("Find free times"), priority=True),
        Binding("ctrl+s", "book", N_("Book"), priority=True),
    ]

    def __init__(
        self,
        start: datetime,
        staff_id: int | None,
        stylists: list[tuple[int, str]],
        timezone: str,
        member: MemberHit | None = None,
        waitlist: WaitlistView | None = None,
    ) -> None:
        super().__init__()
        self.waitlist = waitlist  # booking a waitlisted client: the entry closes with it
        self.start = start
        self.staff_id = staff_id
        self.stylists = stylists
        self.timezone = timezone
        self.preset = member  # booking from a member's profile: the client is given
        self.member: MemberHit | None = member
        self.hits: list[MemberHit] = []
        self.slots: list[SlotView] = []

    def compose(self) -> ComposeResult:
        local = self.start.astimezone(ZoneInfo(self.timezone))
        with VerticalScroll(classes="dialog form booking-dialog"):
            yield Static(_("New booking"), classes="dialog-title")
            yield Label(_("Client: member card, phone or name — or a new client's name"))
            yield Input(id="bk-client", compact=True)
            yield OptionList(id="bk-members")
            yield Static("", id="bk-member")
            yield Label(_("Phone (new client)"))
            yield Input(id="bk-phone", compact=True)
            yield Label(_("Services: codes in order, e.g. C01 D01"))
            yield Input(id="bk-services", compact=True)
            yield Static("", id="bk-services-found", classes="hint")
            yield Label(_("Stylist"))
            yield Select(
                [
                    (_("Any stylist"), ANY),
                    *[(shown(name), str(sid)) for sid, name in self.stylists],
                ],
                value=str(self.staff_id) if self.staff_id is not None else ANY,
                allow_blank=False,
                id="bk-stylist",
                compact=True,
            )
            yield Label(_("Start (YYYY-MM-DD HH:MM)"))
            yield Input(f"{local:%Y-%m-%d %H:%M}", id="bk-start", compact=True)
            yield OptionList(id="bk-slots")
            yield Label(_("Note"))
            yield Input(id="bk-note", max_length=200, compact=True)
            yield Label(_("Deposit (optional)"))
            with Horizontal(classes="pair"):
                yield Input(id="bk-deposit", compact=True)
                yield Select(
                    [(_(label), code) for code, label in DEPOSIT_TENDERS],
                    value="cash",
                    allow_blank=False,
                    id="bk-tender",
                    compact=True,
                )
            yield Input(
                placeholder=_("Transaction reference (WeChat, Alipay)"),
                id="bk-reference",
                compact=True,
            )
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Book"), variant="primary", id="book")
                yield Button(_("Find free times"), id="find")
                yield Button(_("Cancel"), id="cancel")
            yield Static(_("Ctrl+F free times · Ctrl+S book · Esc cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#bk-members", OptionList).display = False
        self.query_one("#bk-slots", OptionList).display = False
        if self.waitlist is not None:
            self.query_one("#bk-services", Input).value = self.waitlist.service_code
            if self.preset is None:
                self.query_one("#bk-client", Input).value = self.waitlist.client_name
                self.query_one("#bk-phone", Input).value = self.waitlist.phone
            self.query_one(".dialog-title", Static).update(
                _("Book {client} from the waitlist").format(client=shown(self.waitlist.client_name))
            )
        if self.preset is not None:
            self.query_one("#bk-client", Input).value = self.preset.name
            self.load_member_warnings(self.preset)
            self.query_one("#bk-services", Input).focus()
        elif self.waitlist is not None:
            self.query_one("#book", Button).focus()
        else:
            self.query_one("#bk-client", Input).focus()

    # --- client --------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "bk-client":
            preset = self.preset
            if preset is not None and self.member is preset and event.value == preset.name:
                return  # the given member's name, put there on mount
            self.member = None
            self.query_one("#bk-member", Static).update("")
            text = event.value.strip()
            if len(text) < 2:
                self.query_one("#bk-members", OptionList).display = False
                return
            from salon_tui.services.member_search import search_members

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: search_members(uow, actor, text, limit=5),
                self.show_hits,
                group="booking-member-search",
            )
        elif event.input.id == "bk-services":
            self.resolve_services(event.value)

    def show_hits(self, result: SearchResult) -> None:
        if result.query.strip() != self.query_one("#bk-client", Input).value.strip():
            return
        self.hits = [hit for hit in result.hits if not hit.is_archived]
        options = self.query_one("#bk-members", OptionList)
        options.clear_options()
        for hit in self.hits:
            warn = " ⚠" if hit.allergies else ""
            options.add_option(Option(f"{shown(hit.name)} {hit.phone} {hit.card_number}{warn}"))
        options.display = bool(self.hits)
        if self.hits:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "bk-members":
            self.member = self.hits[event.option_index]
            self.query_one("#bk-members", OptionList).display = False
            self.load_member_warnings(self.member)
            self.query_one("#bk-services", Input).focus()
        elif event.option_list.id == "bk-slots":
            slot = self.slots[event.option_index]
            local = slot.starts_at.astimezone(ZoneInfo(self.timezone))
            self.query_one("#bk-start", Input).value = f"{local:%Y-%m-%d %H:%M}"
            stylists = {line.staff_id for line in slot.lines}
            if len(stylists) == 1 and self.query_one("#bk-stylist", Select).value != ANY:
                self.query_one("#bk-stylist", Select).value = str(stylists.pop())
            self.query_one("#book", Button).focus()

    def load_member_warnings(self, hit: MemberHit) -> None:
        from salon_tui.services.bookings import client_warnings

        uow, actor = self.salon.uow, self.salon.session_actor

        def show_warnings(warnings: tuple[str, ...]) -> None:
            line = f"[b]{shown(hit.name)}[/b] #{hit.id} {hit.phone}"
            if warnings:
                line += "  [b red]⚠ " + shown(" · ".join(warnings)) + "[/]"
            self.query_one("#bk-member", Static).update(line)

        call_service(self, lambda: client_warnings(uow, actor, hit.id), show_warnings)

    # --- services ------------------------------------------------------------------------

    def resolve_services(self, text: str) -> None:
        from salon_tui.services.catalog import find_service

        codes = _split_codes(text)
        uow = self.salon.uow

        def find() -> list[Any]:
            return [find_service(uow, code) for code in codes]

        def found(views: list[Any]) -> None:
            from salon_tui.i18n import current_locale

            self.query_one("#bk-services-found", Static).update(
                " + ".join(f"{shown(v.label(current_locale()))} {v.duration_min}′" for v in views)
            )

        def missing(error: SalonError) -> None:
            self.query_one("#bk-services-found", Static).update(shown(error.message))

        if codes:
            call_service(self, find, found, failed=missing, group="booking-services")

    def requests(self) -> list[LineRequest]:
        from salon_tui.services.bookings import LineRequest
        from salon_tui.services.catalog import find_service

        codes = _split_codes(self.query_one("#bk-services", Input).value)
        if not codes:
            from salon_tui.errors import ValidationError

            raise ValidationError(_("Choose at least one service."), field="services")
        stylist = self.query_one("#bk-stylist", Select).value
        staff_id = None if stylist in (ANY, Select.BLANK) else int(str(stylist))
        return [LineRequest(find_service(self.salon.uow, code).id, staff_id) for code in codes]

    def parse_start(self) -> datetime:
        from salon_tui.services.schedule import parse_moment

        return parse_moment(self.query_one("#bk-start", Input).value, self.timezone)

    # --- finder and booking ----------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "book":
            self.action_book()
        elif event.button.id == "find":
            self.action_find()
        else:
            self.dismiss(None)

    def action_find(self) -> None:
        from salon_tui.services import bookings

        uow, actor = self.salon.uow, self.salon.session_actor

        def find() -> list[SlotView]:
            return bookings.find_slots(
                uow, actor, self.requests(), after=self.parse_start(), limit=6
            )

        call_service(self, find, self.show_slots, failed=self.problem)

    def show_slots(self, slots: list[SlotView]) -> None:
        self.slots = slots
        options = self.query_one("#bk-slots", OptionList)
        options.clear_options()
        for slot in slots:
            options.add_option(Option(shown(slot.text(self.timezone))))
        options.display = bool(slots)
        if slots:
            options.highlighted = 0
            options.focus()
        else:
            self.show_problem(_("No free time in the next two weeks."))

    def action_book(self) -> None:
        from salon_tui.domain.money import parse_amount
        from salon_tui.services import bookings

        uow, actor = self.salon.uow, self.salon.session_actor
        member = self.member
        name = self.query_one("#bk-client", Input).value
        phone = self.query_one("#bk-phone", Input).value
        note = self.query_one("#bk-note", Input).value
        deposit_text = self.query_one("#bk-deposit", Input).value.strip()
        tender = str(self.query_one("#bk-tender", Select).value)
        reference = self.query_one("#bk-reference", Input).value

        def book() -> BookingView:
            from salon_tui.errors import ValidationError

            try:
                deposit = parse_amount(deposit_text) if deposit_text else 0
            except ValueError as error:
                raise ValidationError(str(error), field="deposit") from None
            return bookings.book(
                uow,
                actor,
                self.requests(),
                self.parse_start(),
                member_id=member.id if member else None,
                client_name="" if member else name,
                phone="" if member else phone,
                note=note,
                deposit_cents=deposit,
                deposit_tender=tender,
                deposit_reference=reference,
                waitlist_id=waitlist_id,
            )

        waitlist_id = self.waitlist.id if self.waitlist is not None else None
        call_service(self, book, self.dismiss, failed=self.problem, exclusive=True)


ACTIONS = (
    ("status:confirmed", N_("Confirm (c)"), ("booked",)),
    ("status:arrived", N_("Arrived (a)"), ("booked", "confirmed")),
    ("status:in_service", N_("In service (s)"), ("arrived",)),
    ("finish", N_("Done → checkout (f)"), ("arrived", "in_service")),
    ("move", N_("Move (m)"), ("booked", "confirmed", "arrived")),
    ("cancel_booking", N_("Cancel booking (x)"), ("booked", "confirmed", "arrived")),
    ("no_show", N_("No-show (o)"), ("booked", "confirmed")),
)


class BookingActionsModal(_Dialog):
    """What can be done with this booking now."""

    def __init__(self, booking: BookingView) -> None:
        super().__init__()
        self.booking = booking
        self.actions = [
            (key, label) for key, label, statuses in ACTIONS if booking.status in statuses
        ]

    def compose(self) -> ComposeResult:
        b = self.booking
        with Vertical(classes="dialog"):
            yield Static(
                f"#{b.id} {shown(b.client_name)} · {shown(b.services_text)} · {b.status_label}",
                classes="dialog-title",
            )
            if b.warnings:
                yield Static("[b red]⚠ " + shown(" · ".join(b.warnings)) + "[/]")
            if self.actions:
                yield OptionList(
                    *[Option(_(label)) for _key, label in self.actions], id="booking-actions"
                )
            else:
                yield Static(_("Nothing more to do with this booking."))

    def on_mount(self) -> None:
        if self.actions:
            self.query_one("#booking-actions", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.actions[event.option_index][0])


class BookingPickModal(_Dialog):
    """Choose one of a client's bookings; returns its id."""

    def __init__(self, title: str, bookings: tuple[BookingView, ...], timezone: str) -> None:
        super().__init__()
        self.title_text = title
        self.bookings = bookings
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        zone = ZoneInfo(self.timezone)
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        f"{b.starts_at.astimezone(zone):%H:%M} #{b.id} "
                        f"{shown(b.services_text)} · {b.status_label}"
                    )
                    for b in self.bookings
                ],
                id="booking-pick",
            )

    def on_mount(self) -> None:
        self.query_one("#booking-pick", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.bookings[event.option_index].id)


class WalkInModal(_Dialog):
    """A walk-in joins the queue: a name (or member), the service, a stylist if asked for."""

    def __init__(self, stylists: list[tuple[int, str]]) -> None:
        super().__init__()
        self.stylists = stylists

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Walk-in"), classes="dialog-title")
            yield Label(_("Client's name"))
            yield Input(id="wi-name")
            yield Label(_("Service code"))
            yield Input(id="wi-service")
            yield Label(_("Asked for"))
            yield Select(
                [(_("Rotation (轮牌)"), ANY), *[(shown(n), str(s)) for s, n in self.stylists]],
                value=ANY,
                allow_blank=False,
                id="wi-stylist",
            )
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Add to queue"), variant="primary", id="add")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#wi-name", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "add":
            self.dismiss(None)
            return
        self.add()

    def add(self) -> None:
        from salon_tui.services import booking_queue
        from salon_tui.services.catalog import find_service

        uow, actor = self.salon.uow, self.salon.session_actor
        name = self.query_one("#wi-name", Input).value
        code = self.query_one("#wi-service", Input).value
        stylist = self.query_one("#wi-stylist", Select).value
        staff_id = None if stylist in (ANY, Select.BLANK) else int(str(stylist))
        call_service(
            self,
            lambda: booking_queue.add_walk_in(
                uow,
                actor,
                find_service(uow, code).id,
                client_name=name,
                requested_staff_id=staff_id,
            ),
            self.dismiss,
            failed=self.problem,
        )


class WaitlistModal(_Dialog):
    """A client joins the waitlist for the day shown: service, stylist or any, a window."""

    def __init__(self, day: date, stylists: list[tuple[int, str]]) -> None:
        super().__init__()
        self.day = day
        self.stylists = stylists

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(
                _("Waitlist for {day}").format(day=self.day.isoformat()), classes="dialog-title"
            )
            yield Label(_("Client's name (a member's phone books the member)"))
            yield Input(id="wl-name", compact=True)
            yield Label(_("Phone"))
            yield Input(id="wl-phone", compact=True)
            yield Label(_("Service code"))
            yield Input(id="wl-service", compact=True)
            yield Label(_("Stylist"))
            yield Select(
                [(_("Any stylist"), ANY), *[(shown(n), str(s)) for s, n in self.stylists]],
                value=ANY,
                allow_blank=False,
                id="wl-stylist",
                compact=True,
            )
            yield Label(_("From – to (HH:MM, empty: any time)"))
            with Horizontal(classes="pair"):
                yield Input(id="wl-from", compact=True)
                yield Input(id="wl-to", compact=True)
            yield Label(_("Note"))
            yield Input(id="wl-note", max_length=200, compact=True)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Add to the waitlist"), variant="primary", id="add")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#wl-name", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.add()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "add":
            self.dismiss(None)
            return
        self.add()

    def add(self) -> None:
        from salon_tui.services import booking_waitlist
        from salon_tui.services.catalog import find_service
        from salon_tui.services.schedule import parse_clock

        uow, actor = self.salon.uow, self.salon.session_actor
        values = {
            key: self.query_one(f"#wl-{key}", Input).value
            for key in ("name", "phone", "service", "from", "to", "note")
        }
        stylist = self.query_one("#wl-stylist", Select).value
        staff_id = None if stylist in (ANY, Select.BLANK) else int(str(stylist))
        day = self.day

        def join() -> Any:
            start = parse_clock(values["from"], "from") if values["from"].strip() else None
            end = parse_clock(values["to"], "to") if values["to"].strip() else None
            return booking_waitlist.join(
                uow,
                actor,
                day,
                find_service(uow, values["service"]).id,
                staff_id=staff_id,
                client_name=values["name"],
                phone=values["phone"],
                window_start=start,
                window_end=end,
                note=values["note"],
            )

        call_service(self, join, self.dismiss, failed=self.problem, exclusive=True)


class WaitlistPickModal(_Dialog):
    """The day's waitlist: Enter books the client, d takes them off the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("d", "remove", N_("Take off the waitlist")),
    ]

    def __init__(self, entries: list[WaitlistView], timezone: str) -> None:
        super().__init__()
        self.entries = entries
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        zone = ZoneInfo(self.timezone)
        with Vertical(classes="dialog"):
            yield Static(
                _("Waitlist: Enter books the client, d takes them off"), classes="dialog-title"
            )
            options = []
            for e in self.entries:
                freed = (
                    "★ " + f"{e.freed_start.astimezone(zone):%H:%M} "
                    if e.freed_start is not None and e.status == "offered"
                    else ""
                )
                options.append(
                    Option(
                        f"{freed}#{e.id} {shown(e.client_name)} {e.phone} · "
                        f"{shown(e.service_name)} · {shown(e.staff_name or _('any stylist'))}"
                        f" · {e.window_text} · {e.status_label}"
                    )
                )
            yield OptionList(*options, id="waitlist-pick")

    def on_mount(self) -> None:
        self.query_one("#waitlist-pick", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("book", self.entries[event.option_index].id))

    def action_remove(self) -> None:
        index = self.query_one("#waitlist-pick", OptionList).highlighted
        if index is not None:
            self.dismiss(("remove", self.entries[index].id))
