"""The rest of the front desk's bookings work through the keyboard: a stylist's week,
the walk-in dialog and the rotation (轮牌), and Settings → Schedule (the shop's hours,
a stylist's shift, a day off, and the bookings a change strands)."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, OptionList, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import (
    Booking,
    BookingLine,
    RotationTurn,
    ShiftException,
    StaffShift,
    WalkIn,
)
from salon_tui.services import schedule
from tests.tui.bookings_shop import booked_shop  # noqa: F401
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_bookings import stored

pytestmark = pytest.mark.usefixtures("booked_shop")
SUNDAY = date(2026, 11, 22)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _grid(app: SalonApp) -> Any:
    from salon_tui.widgets.booking_grid import BookingGrid

    return app.screen.query_one(BookingGrid)


def _title(app: SalonApp) -> str:
    return str(app.screen.query_one("#bookings-day", Static).render())


def _clients(column: Any) -> list[str]:
    return sorted({block.booking.client_name for block in column.blocks})


async def test_week_view_shows_one_stylists_week_and_pages_by_week(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f4")
        await settle(pilot)
        grid = _grid(app)
        day_keys = [column.key for column in grid.model.columns]
        assert booked_shop["tony"] in day_keys and booked_shop["jing"] in day_keys
        grid.go_to(booked_shop["tony"], grid.model.slot(0, 0))
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "Week of 2026-11-16 · Tony 张伟" in _title(app)
        columns = grid.model.columns
        assert [column.day for column in columns] == [date(2026, 11, 16 + i) for i in range(7)]
        # Tony's own bookings on Sunday, not Jing's colour for Anna.
        assert _clients(columns[6]) == ["张三", "王小美"]
        assert all(_clients(column) == [] for column in columns[:6])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Week of 2026-11-23" in _title(app)
        assert grid.model.columns[0].day == date(2026, 11, 23)
        await pilot.press("w")
        await settle(pilot)
        assert "Week of" not in _title(app)
        assert {column.key for column in grid.model.columns} >= {
            booked_shop["tony"],
            booked_shop["jing"],
        }


async def test_a_walk_in_joins_the_queue_and_the_rotation_sends_a_free_stylist(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#wi-name", Input).value = "散客 周小姐"
        dialog.query_one("#wi-service", Input).value = "NOPE"
        await pilot.click("#add")
        await settle(pilot)
        assert "NOPE" in str(dialog.query_one("#form-message", Static).render())
        assert app.screen is dialog
        dialog.query_one("#wi-service", Input).value = "C01"
        dialog.query_one("#wi-service", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BookingsScreen"
        queue = str(app.screen.query_one("#queue-body", Static).render())
        assert queue.index("路人 刘先生") < queue.index("散客 周小姐")
        # Tony has 张三 at 10:30 (within the 30 minutes the rotation keeps free): Jing.
        assert "Next: 陈静 Jing (r)" in queue
        await pilot.press("r")
        await settle(pilot)
        queue = str(app.screen.query_one("#queue-body", Static).render())
        assert "路人 刘先生" not in queue and "散客 周小姐" in queue
    served, waiting = stored(select(WalkIn).order_by(col(WalkIn.id)))
    assert (served.status, served.staff_id, served.by_rotation) == (
        "served",
        booked_shop["jing"],
        True,
    )
    assert (waiting.status, waiting.client_name) == ("waiting", "散客 周小姐")
    (turn,) = stored(select(RotationTurn))
    assert (turn.staff_id, turn.turns) == (booked_shop["jing"], 1)
    (booking,) = stored(select(Booking).where(col(Booking.id) == served.booking_id))
    (line,) = stored(select(BookingLine).where(col(BookingLine.booking_id) == booking.id))
    assert (booking.status, booking.source, line.staff_id) == (
        "in_service",
        "walk_in",
        booked_shop["jing"],
    )


async def _schedule_settings(pilot: Any) -> None:
    from salon_tui.screens.settings_schedule import ScheduleSettingsScreen

    await log_in(pilot, "manager")
    await pilot.press("f9")
    await settle(pilot)
    sections = pilot.app.screen.query_one("#settings-sections", OptionList)
    sections.highlighted = sections.get_option_index("schedule")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ScheduleSettingsScreen)


async def _fill(pilot: Any, values: dict[str, str]) -> None:
    await settle(pilot)
    for field, value in values.items():
        pilot.app.screen.query_one(f"#{field}", Input).value = value
    await pilot.click("#save")
    await settle(pilot)


async def _on_row(pilot: Any, key: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#schedule-table", DataTable).move_cursor(row=screen.row_keys.index(key))
    await settle(pilot)


def _warnings(app: SalonApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "warning"]


async def test_schedule_settings_set_hours_a_shift_and_a_day_off_listing_stranded_bookings(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    app = SalonApp()
    tony, jing = booked_shop["tony"], booked_shop["jing"]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _schedule_settings(pilot)
        # The shop's hours on weekdays.
        await pilot.press("h")
        await _fill(pilot, {"days": "1-5", "hours": "09:30-20:00"})
        table = app.screen.query_one("#schedule-table", DataTable)
        assert str(table.get_row_at(0)[1]) == "09:30-20:00"
        # Tony starts at noon at the weekend, with a break: 张三 at 10:30 is stranded.
        await _on_row(pilot, str(tony))
        await pilot.press("h")
        await _fill(pilot, {"days": "6,7", "hours": "12:00-20:00/15:00-15:30"})
        stranded = _warnings(app)
        assert len(stranded) == 1 and "张三" in stranded[0] and "王小美" not in stranded[0]
        # Jing takes today off: Anna's colour is stranded too.
        await _on_row(pilot, str(jing))
        await pilot.press("d")
        await _fill(pilot, {"day": "2026-11-22", "hours": "off", "note": "病假"})
        assert "Anna Smith" in _warnings(app)[-1]
        # A bad day changes nothing and says why.
        await pilot.press("d")
        await _fill(pilot, {"day": "2026-02-30", "hours": "off", "note": ""})
        assert any("2026-02-30" in str(n.message) for n in app._notifications)
        # A shift typed wrong is refused.
        await pilot.press("h")
        await _fill(pilot, {"days": "1-5", "hours": "ten to six"})
        assert any("ten to six" in str(n.message) for n in app._notifications)
    shop = stored(select(StaffShift).where(col(StaffShift.staff_id) == tony))
    weekend = {row.weekday: row for row in shop if row.weekday in (5, 6)}
    assert {(r.start, r.end, r.break_start) for r in weekend.values()} == {
        (time(12), time(20), time(15))
    }
    assert {row.weekday for row in stored(select(StaffShift))} == set(range(7))
    (day_off,) = stored(select(ShiftException))
    assert (day_off.staff_id, day_off.day, day_off.off, day_off.note) == (
        jing,
        SUNDAY,
        True,
        "病假",
    )
    jing_week = stored(select(StaffShift).where(col(StaffShift.staff_id) == jing))
    assert all(row.start == time(10) for row in jing_week)
    from salon_tui.services import database

    uow = database.open_shop_database()
    try:
        hours = schedule.get_shop_hours(uow)
    finally:
        uow.dispose()
    assert [schedule.hours_text(day) for day in hours[:5]] == ["09:30-20:00"] * 5
    assert schedule.hours_text(hours[6]) == "10:00-21:00"


async def test_the_rules_dialog_sets_the_deposit_warning_and_the_grid_shows_it() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _schedule_settings(pilot)
        await pilot.press("u")
        await _fill(pilot, {"deposit_from": "abc"})
        assert any("'abc' is not an amount" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        await _fill(pilot, {"deposit_from": "300"})
        extra = str(app.screen.query_one("#schedule-extra", Static).render())
        assert "deposit expected from CN¥300.00" in extra
        await pilot.press("escape", "escape")
        await pilot.press("f4")
        await settle(pilot)
        warned = {
            block.booking.client_name: "Deposit unpaid" in block.booking.warnings
            for column in _grid(app).model.columns
            for block in column.blocks
        }
        # Anna's ¥388 colour has no deposit; 张三's cut is cheaper; 王小美 paid ¥50.
        assert warned == {"张三": False, "Anna Smith": True, "王小美": False}
    uow_rules = _rules()
    assert uow_rules.deposit_from_cents == 30_000 and uow_rules.slot_minutes == 15


def _rules() -> Any:
    from salon_tui.services import database

    uow = database.open_shop_database()
    try:
        return schedule.get_rules(uow)
    finally:
        uow.dispose()


def _owner_does(call: Any) -> Any:
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import database, staff
    from tests.tui.conftest import PEOPLE

    uow = database.open_shop_database()
    try:
        found = staff.find_staff(uow, PEOPLE["owner"][0])
        return call(uow, Actor(found.id, found.name, Role.OWNER))
    finally:
        uow.dispose()


async def _scan(pilot: Any, code: str) -> None:
    from salon_tui.widgets.devices import Scanned

    pilot.app.screen.post_message(Scanned(code, "scanner"))
    await settle(pilot)


async def test_scanning_a_members_card_on_the_grid_checks_their_booking_in(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from salon_tui.services import cards, members

    def setup(uow: Any, owner: Any) -> int:
        cards.issue_card(uow, owner, booked_shop["member"], "V100000")
        other = members.add_member(uow, owner, name="赵六", phone="13600136000")
        cards.issue_card(uow, owner, other.id, "V100001")
        return other.id

    _owner_does(setup)
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f4")
        await settle(pilot)
        await _scan(pilot, "V100000")
        assert any("王小美 has arrived for 13:00" in str(n.message) for n in app._notifications)
        # Only the check-in speaks, not the generic "what was scanned" of other screens.
        assert [n.title for n in app._notifications if "Member" in str(n.title)] == []
        detail = str(app.screen.query_one("#booking-detail", Static).render())
        assert "王小美" in detail and "arrived" in detail
        await _scan(pilot, "V100000")
        assert "王小美 is already checked in" in _warnings(app)[-1]
        await _scan(pilot, "V100001")
        assert "赵六 has no booking waiting today" in _warnings(app)[-1]
        await _scan(pilot, "NOTHING-42")
        assert "nothing in this shop has that code" in _warnings(app)[-1]
        assert app.screen.__class__.__name__ == "BookingsScreen"
    (booking,) = stored(select(Booking).where(col(Booking.client_name) == "王小美"))
    assert booking.status == "arrived"
    from salon_tui.data.models import BookingEvent

    events = stored(select(BookingEvent).where(col(BookingEvent.booking_id) == booking.id))
    assert [(e.to_status, e.reason, e.staff_name) for e in events][-1] == (
        "arrived",
        "card scanned",
        "李娜 Nina",
    )


async def test_a_member_with_two_bookings_today_picks_one_when_the_card_is_scanned(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from salon_tui.services import bookings, cards
    from tests.tui.bookings_shop import at

    def setup(uow: Any, owner: Any) -> int:
        cards.issue_card(uow, owner, booked_shop["member"], "V100000")
        return bookings.book(
            uow,
            owner,
            [bookings.LineRequest(booked_shop["cut"], booked_shop["jing"])],
            at("16:00"),
            member_id=booked_shop["member"],
        ).id

    later = _owner_does(setup)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f4")
        await settle(pilot)
        await _scan(pilot, "V100000")
        picker = app.screen
        assert picker.__class__.__name__ == "BookingPickModal"
        options = picker.query_one("#booking-pick", OptionList)
        assert options.option_count == 2
        assert str(options.get_option_at_index(1).prompt).startswith(f"16:00 #{later}")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BookingsScreen"
    rows = stored(select(Booking).where(col(Booking.member_id) == booked_shop["member"]))
    assert {row.id: row.status for row in rows} == {
        row.id: ("arrived" if row.id == later else "booked") for row in rows
    }


async def test_booking_from_a_members_profile_fills_in_the_client(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from salon_tui.screens.members import MembersScreen
    from salon_tui.screens.modals.booking_form import BookingFormModal

    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"13900139000")
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingFormModal)
        assert form.query_one("#bk-client", Input).value == "王小美"
        assert form.member is not None and form.member.id == booked_shop["member"]
        shown = str(form.query_one("#bk-member", Static).render())
        assert "王小美" in shown and "Allergy: PPD" in shown
        # The next slot after 10:00 (the clock ticks from 10:00).
        assert form.query_one("#bk-start", Input).value.startswith("2026-11-22 10:15")
        assert form.query_one("#bk-services", Input).has_focus
        await pilot.press(*"C01")
        form.query_one("#bk-start", Input).value = "2026-11-22 16:00"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert any("for 2026-11-22 16:00" in str(n.message) for n in app._notifications)
    rows = stored(
        select(Booking)
        .where(col(Booking.member_id) == booked_shop["member"])
        .order_by(col(Booking.starts_at))
    )
    assert [f"{row.starts_at.astimezone(SHANGHAI):%H:%M}" for row in rows] == ["13:00", "16:00"]
    assert rows[1].client_name == "王小美" and rows[1].status == "booked"


async def test_a_stylist_cannot_book_from_a_profile() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "stylist")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"13900139000")
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MembersScreen"
        assert "Only the desk can book." in _warnings(app)


async def test_a_waitlisted_client_is_offered_a_cancelled_time_and_booked_into_it(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from textual.widgets import Select

    from salon_tui.data.models import WaitlistEntry
    from salon_tui.screens.modals.booking_form import BookingFormModal

    tony = booked_shop["tony"]
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        for field, value in {
            "wl-name": "候补 陈女士",
            "wl-phone": "13500135000",
            "wl-service": "C01",
            "wl-from": "12:00",
            "wl-to": "11:00",
        }.items():
            dialog.query_one(f"#{field}", Input).value = value
        dialog.query_one("#wl-stylist", Select).value = str(tony)
        dialog.query_one("#wl-name", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "end comes after its start" in str(
            dialog.query_one("#form-message", Static).render()
        )
        dialog.query_one("#wl-from", Input).value = "10:00"
        dialog.query_one("#wl-to", Input).value = "12:00"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BookingsScreen"
        assert "1 on the waitlist" in _title(app)
        side = str(app.screen.query_one("#waitlist-body", Static).render())
        assert "候补 陈女士 · Precision cut · Tony 张伟 · 10:00–12:00" in side
        # 张三 cancels his 10:30 with Tony: the time is offered to the waitlist.
        await _cursor_on(pilot, "张三")
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"sick", "enter")
        await settle(pilot)
        assert "Waitlist: 1 offered a freed time (b)" in _title(app)
        assert any("Time freed: 候补 陈女士" in message for message in _warnings(app))
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingFormModal)
        assert form.query_one("#bk-client", Input).value == "候补 陈女士"
        assert form.query_one("#bk-services", Input).value == "C01"
        assert form.query_one("#bk-start", Input).value == "2026-11-22 10:30"
        assert form.query_one("#bk-stylist", Select).value == str(tony)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BookingsScreen"
        assert "waitlist" not in _title(app).lower()
    (entry,) = stored(select(WaitlistEntry))
    (booking,) = stored(select(Booking).where(col(Booking.client_name) == "候补 陈女士"))
    (line,) = stored(select(BookingLine).where(col(BookingLine.booking_id) == booking.id))
    assert (entry.status, entry.booking_id) == ("booked", booking.id)
    assert entry.freed_booking_id is not None
    assert f"{booking.starts_at.astimezone(SHANGHAI):%H:%M}" == "10:30"
    assert line.staff_id == tony and booking.client_phone == "+8613500135000"


async def _cursor_on(pilot: Any, client: str) -> None:
    grid = _grid(pilot.app)
    for column in grid.model.columns:
        for block in column.blocks:
            if block.booking.client_name == client:
                grid.go_to(column.key, block.line.starts_at)
                await settle(pilot)
                return
    raise AssertionError(f"{client} is not on the grid")
