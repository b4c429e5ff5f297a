"""The waitlist: a client waits for a full day; a cancellation in their window offers
them the time; booking them closes the entry in the booking's transaction."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from salon_tui.data.models import AuditEntry, WaitlistEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import booking_status, booking_waitlist, bookings, members
from salon_tui.services.bookings import LineRequest
from tests.services.booking_helpers import at, make_shop

pytestmark = pytest.mark.usefixtures("clock")
MONDAY = date(2026, 11, 23)


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor):  # type: ignore[no-untyped-def]
    return make_shop(uow, owner)


def test_a_cancellation_in_the_window_offers_the_time_and_booking_closes_the_entry(
    uow, owner, shop
):
    tony = shop.tony.staff_id
    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    taken = bookings.book(
        uow, owner, [LineRequest(shop.colour, tony)], at("2026-11-23", "15:00"), client_name="张三"
    )
    afternoon = booking_waitlist.join(
        uow,
        shop.desk,
        MONDAY,
        shop.colour,
        staff_id=tony,
        member_id=member.id,
        window_start=time(14),
        window_end=time(18),
        note="想要 Tony",
    )
    morning = booking_waitlist.join(
        uow,
        owner,
        MONDAY,
        shop.cut,
        client_name="李四",
        phone="13700137000",
        window_end=time(12),
    )
    kevin_only = booking_waitlist.join(
        uow, owner, MONDAY, shop.cut, staff_id=shop.kevin.staff_id, client_name="赵六"
    )
    listed = booking_waitlist.waitlist(uow, owner, MONDAY)
    assert [(e.client_name, e.status) for e in listed] == [
        ("王小美", "waiting"),
        ("李四", "waiting"),
        ("赵六", "waiting"),
    ]
    assert listed[1].phone == "13700137000"
    booking_status.cancel(uow, owner, taken.id, "改期")
    listed = booking_waitlist.waitlist(uow, owner, MONDAY)
    # Only 王小美: Tony's 15:00 is in her window; 李四 wants the morning, 赵六 Kevin.
    assert [(e.id, e.status) for e in listed] == [
        (afternoon.id, "offered"),
        (morning.id, "waiting"),
        (kevin_only.id, "waiting"),
    ]
    offered = listed[0]
    assert offered.freed_booking_id == taken.id and offered.freed_staff_id == tony
    assert offered.freed_start == at("2026-11-23", "15:00")
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.colour, tony)],
        offered.freed_start,
        member_id=member.id,
        waitlist_id=offered.id,
    )
    with uow.read() as session:
        row = session.get(WaitlistEntry, offered.id)
        assert row is not None and (row.status, row.booking_id) == ("booked", booked.id)
        actions = [entry.action for entry in session.exec(select(AuditEntry))]
    assert actions.count("waitlist.join") == 3 and "waitlist.book" in actions
    assert [e.client_name for e in booking_waitlist.waitlist(uow, owner, MONDAY)] == [
        "李四",
        "赵六",
    ]
    with pytest.raises(Conflict, match="closed"):
        booking_waitlist.remove(uow, owner, offered.id)


def test_booking_a_different_client_leaves_the_entry_and_books_nothing(uow, owner, shop):
    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    entry = booking_waitlist.join(uow, owner, MONDAY, shop.cut, member_id=member.id)
    with pytest.raises(Conflict, match="is for 王小美"):
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.cut)],
            at("2026-11-23", "11:00"),
            client_name="李四",
            waitlist_id=entry.id,
        )
    assert bookings.day_view(uow, owner, MONDAY).bookings == ()
    assert booking_waitlist.waitlist(uow, owner, MONDAY)[0].status == "waiting"


def test_bad_waitlist_input_is_refused_and_nothing_is_stored(uow, owner, shop):
    with pytest.raises(ValidationError, match="has passed"):
        booking_waitlist.join(uow, owner, date(2026, 11, 21), shop.cut, client_name="李四")
    with pytest.raises(ValidationError, match="end comes after"):
        booking_waitlist.join(
            uow,
            owner,
            MONDAY,
            shop.cut,
            client_name="李四",
            window_start=time(15),
            window_end=time(14),
        )
    with pytest.raises(ValidationError, match="client's name"):
        booking_waitlist.join(uow, owner, MONDAY, shop.cut)
    with pytest.raises(PermissionDenied):
        booking_waitlist.join(uow, shop.tony, MONDAY, shop.cut, client_name="李四")
    booking_waitlist.join(uow, owner, MONDAY, shop.cut, client_name="李四")
    with pytest.raises(Conflict, match="already on the waitlist"):
        booking_waitlist.join(uow, owner, MONDAY, shop.cut, client_name="李四")
    with uow.read() as session:
        assert len(session.exec(select(WaitlistEntry)).all()) == 1


def test_taking_someone_off_the_waitlist(uow, owner, shop):
    entry = booking_waitlist.join(uow, owner, MONDAY, shop.cut, client_name="李四")
    removed = booking_waitlist.remove(uow, shop.desk, entry.id, "booked elsewhere")
    assert removed.status == "removed"
    assert booking_waitlist.waitlist(uow, owner, MONDAY) == []
    assert [
        e.status for e in booking_waitlist.waitlist(uow, owner, MONDAY, include_closed=True)
    ] == ["removed"]


def test_erasing_a_member_clears_their_bookings_and_waitlist(uow, owner, shop):
    from salon_tui.data.models import Booking, ReminderOutbox, WaitlistEntry
    from salon_tui.services import booking_reminders, member_privacy

    member = members.add_member(uow, owner, name="张丽", phone="13812345678")
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-23", "11:00"),
        member_id=member.id,
        note="张丽 likes it short",
    )
    booking_waitlist.join(uow, owner, MONDAY, shop.colour, member_id=member.id, note="call 138")
    booking_reminders.queue_reminders(uow, owner, MONDAY)
    data = member_privacy.personal_data(uow, owner, member.id)
    sheets = {sheet.title: list(sheet.rows) for sheet in data.sheets}
    assert sheets["Bookings"][0][2:4] == ["张丽", "+8613812345678"]
    assert sheets["Waitlist"][0][2] == "张丽"
    erased = member_privacy.erase_member(uow, owner, member.id)
    assert erased.cleared["bookings"] == 1
    with uow.read() as session:
        row = session.get(Booking, booked.id)
        assert row is not None
        assert (row.client_name, row.client_phone, row.note) == (
            f"Erased member #{member.id}",
            "",
            "",
        )
        (entry,) = session.exec(select(WaitlistEntry)).all()
        assert (entry.status, entry.client_name, entry.note) == (
            "removed",
            f"Erased member #{member.id}",
            "",
        )
        assert session.exec(select(ReminderOutbox)).all() == []
    history = bookings.booking_history(uow, owner, booked.id)
    assert all("张丽" not in event.detail for event in history)
