"""Settings → Schedule: opening hours, each stylist's week, days off, skills, resources,
public holidays and the booking rules. A change that strands bookings names them."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

SHOP_ROW = "shop"


class FieldsModal(SalonModal[dict[str, str] | None]):
    """A few labelled text fields; returns their values by id."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, fields: list[tuple[str, str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.title_text, classes="dialog-title")
            for label, field_id, value in self.fields:
                yield Label(label)
                yield Input(value, id=field_id)
            if self.hint:
                yield Static(self.hint, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        self.dismiss(
            {
                field_id: self.query_one(f"#{field_id}", Input).value
                for _label, field_id, _value in self.fields
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class HolidaysModal(SalonModal[None]):
    """This year's public holidays; Enter opens or closes the shop on one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Back"))]

    def __init__(self, year: int) -> None:
        super().__init__()
        self.year = year
        self.holidays: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                _("Public holidays {year}: Enter opens or closes").format(year=self.year),
                classes="dialog-title",
            )
            yield OptionList(id="holiday-list")

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        from salon_tui.services import schedule

        uow = self.salon.uow
        call_service(self, lambda: schedule.list_holidays(uow, self.year), self.show)

    def show(self, holidays: list[Any]) -> None:
        self.holidays = holidays
        options = self.query_one("#holiday-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for holiday in holidays:
            state = _("open") if holiday.open else _("closed")
            options.add_option(Option(f"{holiday.day:%m-%d} {shown(holiday.name)} · {state}"))
        options.highlighted = highlighted
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from salon_tui.services import schedule

        holiday = self.holidays[event.option_index]
        uow, actor = self.salon.uow, self.salon.session_actor

        def decided(stranded: list[Any]) -> None:
            report_stranded(self, stranded)
            self.load()

        call_service(
            self,
            lambda: schedule.decide_holiday(uow, actor, holiday.day, not holiday.open),
            decided,
        )

    def action_close(self) -> None:
        self.dismiss(None)


def report_stranded(node: Any, stranded: list[Any]) -> None:
    if stranded:
        node.app.notify(
            _("These bookings no longer fit; move or cancel them: {bookings}").format(
                bookings="; ".join(s.text for s in stranded[:8])
            ),
            severity="warning",
            timeout=15,
        )
    else:
        node.app.notify(_("Schedule saved."))


class ScheduleSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hours", N_("Hours")),
        Binding("d", "day", N_("One day")),
        Binding("k", "skills", N_("Skills")),
        Binding("r", "resource", N_("Add resource")),
        Binding("l", "holidays", N_("Holidays")),
        Binding("u", "rules", N_("Rules")),
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.row_keys: list[str] = []
        self.names: dict[str, str] = {}
        self.rules: Any = None

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Schedule"))
        with Vertical(id="schedule-settings"):
            yield Static(
                _(
                    "The shop's hours and each stylist's week. h sets the selected row's "
                    "hours, d one day, k skills."
                ),
                classes="hint",
            )
            yield DataTable(id="schedule-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="schedule-extra")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        from salon_tui.services.schedule import WEEKDAY_NAMES

        table = self.query_one("#schedule-table", DataTable)
        table.add_columns(_("Who"), *(_(name)[:3] for name in WEEKDAY_NAMES))
        table.focus()
        self.reload()

    def reload(self) -> None:
        from salon_tui.services import schedule, staff

        uow = self.salon.uow

        def load() -> tuple[Any, ...]:
            return (
                schedule.get_shop_hours(uow),
                schedule.list_shifts(uow),
                staff.list_staff(uow),
                schedule.list_resources(uow),
                schedule.list_skills(uow),
                schedule.get_rules(uow),
            )

        call_service(self, load, lambda loaded: self.show(*loaded))

    def show(
        self, hours: Any, shifts: Any, people: Any, resources: Any, skills: Any, rules: Any
    ) -> None:
        from salon_tui.services.schedule import hours_text

        self.rules = rules
        table = self.query_one("#schedule-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self.row_keys = [SHOP_ROW]
        table.add_row(f"[b]{_('Shop')}[/b]", *(hours_text(day) for day in hours))
        by_id = {shift.staff_id: shift for shift in shifts}
        for person in people:
            self.row_keys.append(str(person.id))
            self.names[str(person.id)] = person.name
            week = by_id[person.id].week if person.id in by_id else (None,) * 7
            table.add_row(shown(person.name), *(hours_text(day) if day else "—" for day in week))
        table.move_cursor(row=min(keep or 0, len(self.row_keys) - 1))
        resource_text = ", ".join(f"{shown(r.name)} ({r.kind_label})" for r in resources)
        skill_text = "; ".join(f"{shown(s.staff_name)}: {' '.join(s.services)}" for s in skills)
        self.query_one("#schedule-extra", Static).update(
            "\n".join(
                [
                    _("Resources: {items}").format(items=resource_text or "—"),
                    _("Skills: {items}").format(items=skill_text or _("anyone does anything")),
                    _("Slot {slot} min · cancel cut-off {cutoff} h · holidays {holidays}").format(
                        slot=rules.slot_minutes,
                        cutoff=rules.cutoff_hours,
                        holidays=_("open") if rules.holidays_open else _("closed"),
                    )
                    + " · "
                    + (
                        _("deposit expected from {amount}").format(
                            amount=self.money(rules.deposit_from_cents)
                        )
                        if rules.deposit_from_cents
                        else _("no deposit warning")
                    ),
                    _("r add resource · l holidays · u rules · Esc back"),
                ]
            )
        )

    def money(self, cents: int) -> str:
        from salon_tui.domain.money import format_money
        from salon_tui.i18n import current_locale

        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        return format_money(cents, currency, current_locale())

    def selected_row(self) -> str:
        table = self.query_one("#schedule-table", DataTable)
        return self.row_keys[table.cursor_row or 0] if self.row_keys else SHOP_ROW

    def _run(self, call: Any) -> None:
        def done(stranded: Any) -> None:
            report_stranded(self, stranded or [])
            self.reload()

        call_service(self, call, done)

    def action_hours(self) -> None:
        from salon_tui.services.schedule import parse_weekdays

        row = self.selected_row()
        title = (
            _("Shop hours")
            if row == SHOP_ROW
            else _("{name}'s week").format(name=self.names.get(row, ""))
        )

        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.services import schedule

            uow, actor = self.salon.uow, self.salon.session_actor

            def save() -> Any:
                days = parse_weekdays(values["days"])
                if row == SHOP_ROW:
                    return schedule.set_shop_hours(uow, actor, days, values["hours"])
                return schedule.set_shift(uow, actor, int(row), days, values["hours"])

            self._run(save)

        self.app.push_screen(
            FieldsModal(
                title,
                [
                    (_("Weekdays (1-5, 6,7; 1 = Monday)"), "days", "1-7"),
                    (_("Hours (10:00-19:00/13:00-14:00 or off)"), "hours", "10:00-19:00"),
                ],
            ),
            chosen,
        )

    def action_day(self) -> None:
        row = self.selected_row()
        if row == SHOP_ROW:
            self.notify(
                _("Choose a stylist's row for one day off or other hours."), severity="warning"
            )
            return

        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.domain.dates import parse_date
            from salon_tui.errors import ValidationError
            from salon_tui.services import schedule

            uow, actor = self.salon.uow, self.salon.session_actor

            def save() -> Any:
                try:
                    day = parse_date(values["day"])
                except ValueError as error:
                    raise ValidationError(str(error), field="day") from None
                return schedule.set_day(uow, actor, int(row), day, values["hours"], values["note"])

            self._run(save)

        self.app.push_screen(
            FieldsModal(
                _("{name}: one day").format(name=self.names.get(row, "")),
                [
                    (_("Day (YYYY-MM-DD)"), "day", ""),
                    (_("Hours, off, or pattern"), "hours", "off"),
                    (_("Note"), "note", ""),
                ],
            ),
            chosen,
        )

    def action_skills(self) -> None:
        row = self.selected_row()
        if row == SHOP_ROW:
            self.notify(_("Choose a stylist's row to set skills."), severity="warning")
            return

        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.services import schedule
            from salon_tui.services.catalog import find_service

            uow, actor = self.salon.uow, self.salon.session_actor

            def save() -> list[Any]:
                for token in values["codes"].replace(",", " ").split():
                    can = not token.startswith("-")
                    code = token.lstrip("+-")
                    schedule.set_skill(uow, actor, int(row), find_service(uow, code).id, can)
                return []

            self._run(save)

        self.app.push_screen(
            FieldsModal(
                _("{name}: skills").format(name=self.names.get(row, "")),
                [(_("Service codes: C01 D01 adds, -D01 removes"), "codes", "")],
            ),
            chosen,
        )

    def action_resource(self) -> None:
        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.services import schedule

            uow, actor = self.salon.uow, self.salon.session_actor
            self._run(
                lambda: (
                    schedule.add_resource(uow, actor, values["name"], values["kind"].strip()),
                    [],
                )[1]
            )

        self.app.push_screen(
            FieldsModal(
                _("Add a resource"),
                [
                    (_("Name"), "name", ""),
                    (_("Kind: chair, basin, room, bed, station"), "kind", "chair"),
                ],
            ),
            chosen,
        )

    def action_holidays(self) -> None:
        from salon_tui.domain.clock import business_date, utc_now

        zone = self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"
        self.app.push_screen(
            HolidaysModal(business_date(utc_now(), zone).year), lambda _result: self.reload()
        )

    def action_rules(self) -> None:
        def chosen(values: dict[str, str] | None) -> None:
            if values is None:
                return
            from salon_tui.errors import ValidationError
            from salon_tui.services import schedule

            uow, actor = self.salon.uow, self.salon.session_actor

            def save() -> list[Any]:
                from salon_tui.domain.money import parse_amount

                numbers = dict(values)
                deposit_text = numbers.pop("deposit_from", "").strip() or "0"
                try:
                    changes: dict[str, Any] = {name: int(value) for name, value in numbers.items()}
                except ValueError:
                    raise ValidationError(_("Give whole numbers.")) from None
                try:
                    changes["deposit_from_cents"] = parse_amount(deposit_text, currency)
                except ValueError as error:
                    raise ValidationError(str(error), field="deposit_from") from None
                schedule.set_rules(uow, actor, **changes)
                return []

            self._run(save)

        from salon_tui.domain.money import format_money
        from salon_tui.services.schedule import BookingRules

        rules = self.rules or BookingRules()
        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        deposit_from = (
            format_money(rules.deposit_from_cents, currency, "en", symbol=False).replace(",", "")
            if rules.deposit_from_cents
            else "0"
        )
        self.app.push_screen(
            FieldsModal(
                _("Booking rules"),
                [
                    (_("Slot size (minutes)"), "slot_minutes", str(rules.slot_minutes)),
                    (_("Late cancel cut-off (hours)"), "cutoff_hours", str(rules.cutoff_hours)),
                    (
                        _("Rotation skips stylists booked within (minutes)"),
                        "soon_minutes",
                        str(rules.soon_minutes),
                    ),
                    (
                        _("Warn of an unpaid deposit from (amount; 0 never)"),
                        "deposit_from",
                        deposit_from,
                    ),
                ],
            ),
            chosen,
        )

    def action_close(self) -> None:
        self.app.pop_screen()
