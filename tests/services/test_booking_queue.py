"""Walk-ins and the rotation (轮牌), reminders with the outbox, holidays, the report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from salon_tui.data.models import ReminderOutbox, SaleLineStaff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.errors import Conflict, ValidationError
from salon_tui.services import (
    booking_queue,
    booking_reminders,
    booking_status,
    bookings,
    reports,
    schedule,
)
from salon_tui.services.bookings import LineRequest
from tests.services.booking_helpers import at, make_shop

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor):  # type: ignore[no-untyped-def]
    return make_shop(uow, owner)


def test_the_rotation_takes_turns_and_survives_a_restart(uow, owner, shop, database_url, clock):
    served = []
    for name in ("甲", "乙", "丙"):
        walk_in = booking_queue.add_walk_in(uow, owner, shop.cut, client_name=name)
        booking = booking_queue.serve(uow, owner, walk_in.id)
        served.append(booking.lines[0].staff_name)
        # Each finishes early, before the next comes in: the stylist is free again.
        clock.shift(timedelta(minutes=20))
        booking_status.finish(uow, owner, booking.id)
    assert served[:2] in (["Tony", "Kevin"], ["Kevin", "Tony"])
    assert served[2] == served[0]
    # A new terminal (a restart) reads the same board.
    again = UnitOfWork(database_url)
    board = booking_queue.queue(again, owner).board
    again.dispose()
    assert sorted((seat.name, seat.turns) for seat in board) == sorted(
        [(served[0], 2), (served[1], 1)]
    )


def test_the_rotation_skips_a_stylist_booked_soon(uow, owner, shop):
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-22", "10:30"),
        client_name="预约客",
    )
    walk_in = booking_queue.add_walk_in(uow, owner, shop.cut, client_name="甲")
    assert booking_queue.queue(uow, owner).next_stylist[1] == "Kevin"
    assert booking_queue.serve(uow, owner, walk_in.id).lines[0].staff_name == "Kevin"


def test_a_requested_stylist_costs_no_turn_unless_the_shop_says_so(uow, owner, shop):
    first = booking_queue.add_walk_in(
        uow, owner, shop.cut, client_name="甲", requested_staff_id=shop.tony.staff_id
    )
    booking = booking_queue.serve(uow, owner, first.id)
    assert booking.lines[0].requested and booking.source == "walk_in"
    assert all(seat.turns == 0 for seat in booking_queue.queue(uow, owner).board)
    _view, _sale_id = booking_status.finish(uow, owner, booking.id)
    with uow.read() as session:
        shares = session.exec(select(SaleLineStaff)).all()
    assert [(s.staff_id, s.requested) for s in shares] == [(shop.tony.staff_id, True)]

    schedule.set_rules(uow, owner, requested_costs_turn=True)
    second = booking_queue.add_walk_in(
        uow, owner, shop.cut, client_name="乙", requested_staff_id=shop.kevin.staff_id
    )
    booking_queue.serve(uow, owner, second.id)
    turns = {seat.name: seat.turns for seat in booking_queue.queue(uow, owner).board}
    assert turns == {"Tony": 0, "Kevin": 1}


def test_nobody_free_keeps_the_walk_in_waiting(uow, owner, shop):
    for name in ("A", "B"):
        walk_in = booking_queue.add_walk_in(uow, owner, shop.cut, client_name=name)
        booking_queue.serve(uow, owner, walk_in.id)
    third = booking_queue.add_walk_in(uow, owner, shop.cut, client_name="C")
    with pytest.raises(Conflict, match="stays in the queue"):
        booking_queue.serve(uow, owner, third.id)
    assert [w.client_name for w in booking_queue.queue(uow, owner).waiting] == ["C"]
    booking_queue.leave(uow, owner, third.id)
    assert booking_queue.queue(uow, owner).waiting == ()


def test_reminders_list_tomorrow_with_masked_phones_and_queue_messages_in_the_clients_language(
    uow, owner, shop
):
    zh = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "11:00"),
        client_name="张三",
        phone="13800138000",
    )
    en = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.kevin.staff_id)],
        at("2026-11-23", "11:00"),
        client_name="Anna",
        phone="13900139000",
        language="en",
    )
    rows = booking_reminders.reminders(uow, shop.tony, date(2026, 11, 23))
    assert [(r.client_name, r.phone) for r in rows] == [
        ("张三", "138****8000"),
        ("Anna", "139****9000"),
    ]
    assert booking_reminders.queue_reminders(uow, owner, date(2026, 11, 23)) == 2
    assert booking_reminders.queue_reminders(uow, owner, date(2026, 11, 23)) == 0
    with uow.read() as session:
        outbox = {row.booking_id: row for row in session.exec(select(ReminderOutbox))}
    assert "11:00" in outbox[en.id].body and "Precision cut" in outbox[en.id].body
    assert "reminder of your booking" in outbox[en.id].body
    assert "精剪" in outbox[zh.id].body and "预约" in outbox[zh.id].body
    assert outbox[zh.id].status == "pending" and outbox[zh.id].sent_at is None
    with pytest.raises(Exception, match="not allowed"):
        booking_reminders.queue_reminders(uow, shop.tony, date(2026, 11, 23))


def test_a_holiday_the_shop_closes_on_has_no_free_slots(uow, owner, shop):
    days = [h.day for h in schedule.list_holidays(uow, 2027)]
    assert date(2027, 1, 1) in days
    assert bookings.find_slots(
        uow, owner, [LineRequest(shop.cut)], after=at("2027-01-01", "09:00"), days=1
    )
    schedule.decide_holiday(uow, owner, date(2027, 1, 1), False)
    assert (
        bookings.find_slots(
            uow, owner, [LineRequest(shop.cut)], after=at("2027-01-01", "09:00"), days=1
        )
        == []
    )
    with pytest.raises(ValidationError, match="not a public holiday"):
        schedule.decide_holiday(uow, owner, date(2027, 1, 5), False)


def test_the_bookings_report_counts_outcomes_hours_and_utilisation(uow, owner, shop, clock):
    done = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-22", "10:00"),
        client_name="甲",
    )
    missed = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.kevin.staff_id)],
        at("2026-11-22", "10:00"),
        client_name="乙",
    )
    booking_status.set_status(uow, owner, done.id, "arrived")
    booking_status.finish(uow, owner, done.id)
    clock.shift(timedelta(hours=1))
    booking_status.mark_no_show(uow, owner, missed.id)
    result = reports.run_report(
        uow,
        owner,
        "bookings",
        reports.ReportRequest(period=Period(date(2026, 11, 22), date(2026, 11, 22))),
    )
    sections = {section.key: section for section in result.sections}
    outcomes = {row["measure"]: (row["count"], row["rate"]) for row in sections["outcomes"].rows}
    assert outcomes["All bookings"] == (2, 10_000)
    assert outcomes["No-shows"] == (1, 5_000)
    assert sections["by_hour"].rows == [{"hour": "10:00", "bookings": 2}]
    utilisation = {row["stylist"]: row for row in sections["utilisation"].rows}
    # Tony: 45 booked minutes of 8 hours on shift.
    assert utilisation["Tony"]["booked_minutes"] == 45
    assert utilisation["Tony"]["shift_minutes"] == 480
    assert utilisation["Tony"]["utilisation"] == 938
    assert utilisation["Kevin"]["booked_minutes"] == 0
