"""F4 Bookings through the keyboard: book from the grid, move a booking, check-in →
checkout with the cart filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select
from textual.widgets import Input

from salon_tui.app import SalonApp
from salon_tui.data.models import Booking, BookingLine
from salon_tui.services import database
from tests.tui.bookings_shop import booked_shop  # noqa: F401
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("booked_shop")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def stored(query: Any) -> list[Any]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(query).all())
    finally:
        uow.dispose()


def local(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%H:%M}"


async def _bookings(pilot: Any) -> None:
    await log_in(pilot, "desk")
    await pilot.press("f4")
    await settle(pilot)


async def _cursor_on(pilot: Any, client: str) -> None:
    from salon_tui.widgets.booking_grid import BookingGrid

    grid = pilot.app.screen.query_one(BookingGrid)
    for column in grid.model.columns:
        for block in column.blocks:
            if block.booking.client_name == client:
                grid.go_to(column.key, block.line.starts_at)
                await settle(pilot)
                return
    raise AssertionError(f"{client} is not on the grid")


async def test_booking_from_an_empty_slot_of_the_grid(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from salon_tui.widgets.booking_grid import BookingGrid

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await _bookings(pilot)
        grid = app.screen.query_one(BookingGrid)
        start = datetime(2026, 11, 22, 15, 0, tzinfo=SHANGHAI)
        grid.go_to(booked_shop["tony"], start)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#bk-client", Input).value = "新客人 Lily"
        app.screen.query_one("#bk-phone", Input).value = "13712345678"
        app.screen.query_one("#bk-services", Input).value = "C01"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BookingsScreen"
    (booking,) = stored(select(Booking).where(col(Booking.client_name) == "新客人 Lily"))
    (line,) = stored(select(BookingLine).where(col(BookingLine.booking_id) == booking.id))
    assert local(booking.starts_at) == "15:00" and line.staff_id == booked_shop["tony"]
    assert booking.client_phone == "+8613712345678"


async def test_a_refused_booking_keeps_the_dialog_open_with_the_clash() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await _bookings(pilot)
        await _cursor_on(pilot, "张三")
        # The cursor is on 张三's booking: "n" books the same stylist at that time.
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#bk-client", Input).value = "李四"
        form.query_one("#bk-services", Input).value = "C01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(form.query_one("#form-message").render())
        assert "张三" in message and "Nearest free" in message
    assert stored(select(Booking).where(col(Booking.client_name) == "李四")) == []


async def test_moving_a_booking_to_a_later_slot() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await _bookings(pilot)
        await _cursor_on(pilot, "张三")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "down", "down", "enter")
        await settle(pilot)
    (booking,) = stored(select(Booking).where(col(Booking.client_name) == "张三"))
    assert local(booking.starts_at) == "12:00"


async def test_check_in_then_checkout_opens_the_cart_filled_in(
    booked_shop: dict[str, Any],  # noqa: F811
) -> None:
    from salon_tui.screens.checkout import CheckoutScreen

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await _bookings(pilot)
        await _cursor_on(pilot, "王小美")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        cart = screen.cart
        assert cart is not None and cart.member_label == "王小美"
        assert [(line.description, [s.name for s in line.staff]) for line in cart.lines] == [
            ("Precision cut", ["Tony 张伟"])
        ]
        assert screen.deposit_cents == 5_000
    (booking,) = stored(select(Booking).where(col(Booking.client_name) == "王小美"))
    assert booking.status == "done" and booking.sale_id == cart.sale_id


async def test_stylist_sees_the_grid_with_masked_phones() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "stylist")
        await pilot.press("f4")
        await settle(pilot)
        await _cursor_on(pilot, "张三")
        detail = str(app.screen.query_one("#booking-detail").render())
        assert "138****8000" in detail


TRICKY_CLIENT = "[/] [@click=app.quit]王\u202e芳"
TRICKY_STYLIST = "[b]Kevin[/] [/]"


@pytest.fixture
def tricky_names(booked_shop: dict[str, Any]) -> None:  # noqa: F811
    """A member and a stylist whose names read as markup, booked and waiting today."""
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import booking_queue, bookings, members, schedule, staff
    from tests.tui.bookings_shop import at
    from tests.tui.conftest import PEOPLE

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    kevin = staff.add_staff(uow, owner, TRICKY_STYLIST, Role.STYLIST, "2580").id
    schedule.set_shift(uow, owner, kevin, range(7), "10:00-20:00")
    client = members.add_member(uow, owner, name=TRICKY_CLIENT, phone="13600136000").id
    bookings.book(
        uow, owner, [bookings.LineRequest(booked_shop["cut"], kevin)], at("15:00"), member_id=client
    )
    booking_queue.add_walk_in(
        uow, owner, booked_shop["cut"], member_id=client, requested_staff_id=kevin
    )
    uow.dispose()


async def test_names_that_read_as_markup_show_literally_on_the_bookings_screens(
    tricky_names: None,
) -> None:
    from textual.widgets import Select, Static

    from salon_tui.widgets.booking_grid import BookingGrid

    literal_client = TRICKY_CLIENT.replace("\u202e", "")
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await _bookings(pilot)
        screen = app.screen
        grid = screen.query_one(BookingGrid)
        drawn = grid.render_lines(grid.region.reset_offset)
        drawn_text = "\n".join(strip.text for strip in drawn)
        assert TRICKY_STYLIST[:8] in drawn_text  # the column title, as typed
        await _cursor_on(pilot, TRICKY_CLIENT)
        detail = str(screen.query_one("#booking-detail", Static).render())
        assert literal_client in detail and "\u202e" not in detail
        queue = str(screen.query_one("#queue-body", Static).render())
        assert literal_client in queue and f"→ {TRICKY_STYLIST}" in queue
        await pilot.press("n")  # the booking dialog lists the stylist by name
        await settle(pilot)
        stylists = app.screen.query_one("#bk-stylist", Select)
        stylists.value = next(
            value for prompt, value in stylists._options if "Kevin" in str(prompt)
        )
        await settle(pilot)
        on_screen = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any(TRICKY_STYLIST in line for line in on_screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
