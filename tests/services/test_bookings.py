"""Booking: free slots, double bookings refused with the clash, series, statuses, deposits."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import Booking, BookingDeposit
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import booking_status, bookings, database, drawer, members, schedule
from salon_tui.services.bookings import LineRequest
from tests.services.booking_helpers import at, make_shop

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor):  # type: ignore[no-untyped-def]
    return make_shop(uow, owner)


def test_finder_proposes_the_next_free_slots_after_now_on_the_slot_grid(uow, owner, shop):
    slots = bookings.find_slots(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)], limit=3)
    assert [slot.starts_at for slot in slots] == [
        at("2026-11-22", "10:00"),
        at("2026-11-22", "10:15"),
        at("2026-11-22", "10:30"),
    ]
    assert slots[0].lines[0].staff_name == "Tony"


def test_finder_skips_bookings_and_the_lunch_break(uow, owner, shop):
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-22", "12:00"),
        client_name="张三",
    )
    slots = bookings.find_slots(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        after=at("2026-11-22", "11:30"),
        limit=2,
    )
    # 11:30 would run into 12:00; 12:45 into lunch; after lunch comes 14:00.
    assert [slot.starts_at for slot in slots] == [
        at("2026-11-22", "14:00"),
        at("2026-11-22", "14:15"),
    ]


def test_a_double_booking_is_refused_with_the_clash_and_nearest_free_times(uow, owner, shop):
    first = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "15:00"),
        client_name="张三",
        phone="13800138000",
    )
    with pytest.raises(Conflict) as refused:
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.cut, shop.tony.staff_id)],
            at("2026-11-23", "15:30"),
            client_name="李四",
        )
    message = refused.value.message
    assert f"#{first.id}" in message and "张三" in message and "15:00–15:45" in message
    assert "Nearest free" in message
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == 1


def test_any_stylist_takes_whoever_is_free(uow, owner, shop):
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "15:00"),
        client_name="张三",
    )
    second = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-23", "15:00"), client_name="李四"
    )
    assert second.lines[0].staff_name == "Kevin"
    assert not second.lines[0].requested


def test_outside_opening_hours_or_shift_is_refused(uow, owner, shop):
    with pytest.raises(Conflict, match="not working then"):
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.cut, shop.tony.staff_id)],
            at("2026-11-23", "18:30"),
            client_name="张三",
        )
    schedule.set_day(uow, owner, shop.tony.staff_id, date(2026, 11, 24), "off")
    with pytest.raises(Conflict, match="not working then"):
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.cut, shop.tony.staff_id)],
            at("2026-11-24", "11:00"),
            client_name="张三",
        )


def test_a_stylist_without_the_skill_is_refused(uow, owner, shop):
    schedule.set_skill(uow, owner, shop.kevin.staff_id, shop.colour, True)
    with pytest.raises(ValidationError, match="does not do"):
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.colour, shop.tony.staff_id)],
            at("2026-11-23", "11:00"),
            client_name="张三",
        )
    booked = bookings.book(
        uow, owner, [LineRequest(shop.colour)], at("2026-11-23", "11:00"), client_name="张三"
    )
    assert booked.lines[0].staff_name == "Kevin"


def test_the_only_basin_cannot_be_booked_twice(uow, owner, shop):
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.colour, shop.tony.staff_id)],
        at("2026-11-23", "11:00"),
        client_name="张三",
    )
    with pytest.raises(Conflict, match="basin"):
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.colour, shop.kevin.staff_id)],
            at("2026-11-23", "11:30"),
            client_name="李四",
        )


def test_several_services_run_in_sequence_with_a_stylist_each(uow, owner, shop):
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.colour, shop.kevin.staff_id), LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "10:00"),
        client_name="张三",
    )
    assert [(line.staff_name, line.starts_at, line.ends_at) for line in booked.lines] == [
        ("Kevin", at("2026-11-23", "10:00"), at("2026-11-23", "11:30")),
        ("Tony", at("2026-11-23", "11:30"), at("2026-11-23", "12:15")),
    ]
    assert booked.ends_at == at("2026-11-23", "12:15")


def test_two_terminals_booking_the_same_slot_at_once_one_wins(uow, owner, shop, database_url):
    second_terminal = UnitOfWork(database_url)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def attempt(unit: UnitOfWork, name: str) -> None:
        barrier.wait()
        try:
            bookings.book(
                unit,
                owner,
                [LineRequest(shop.cut, shop.tony.staff_id)],
                at("2026-11-23", "16:00"),
                client_name=name,
            )
            outcomes.append("booked")
        except Conflict:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=attempt, args=(unit, name))
        for unit, name in ((uow, "张三"), (second_terminal, "李四"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second_terminal.dispose()
    assert sorted(outcomes) == ["booked", "refused"]
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == 1


def test_a_new_client_by_phone_of_a_member_is_booked_as_that_member(uow, owner, shop):
    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-23", "11:00"),
        client_name="someone",
        phone="139 0013 9000",
    )
    assert booked.member_id == member.id and booked.client_name == "王小美"


def test_phone_is_masked_for_a_stylist(uow, owner, shop):
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-23", "11:00"),
        client_name="张三",
        phone="13800138000",
    )
    assert bookings.get_booking(uow, owner, booked.id).phone == "13800138000"
    assert bookings.get_booking(uow, shop.tony, booked.id).phone == "138****8000"


def test_a_series_with_blocked_occurrences_books_nothing_until_confirmed(uow, owner, shop):
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-12-07", "11:00"),
        client_name="李四",
    )
    args = ([LineRequest(shop.cut, shop.tony.staff_id)], at("2026-11-23", "11:00"), 2)
    plan = bookings.book_series(uow, owner, *args, times=4, client_name="张三")
    assert [start.date() for start, _ in plan.blocked] == [date(2026, 12, 7)]
    assert len(plan.free) == 3 and plan.booked == ()
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Booking)).one() == 1
    plan = bookings.book_series(uow, owner, *args, times=4, client_name="张三", book_the_rest=True)
    assert [b.starts_at.date() for b in plan.booked] == [
        date(2026, 11, 23),
        date(2026, 12, 21),
        date(2027, 1, 4),
    ]
    assert {b.series_id for b in bookings.member_bookings(uow, owner, 0)} <= {None}
    series_ids = {b.series_id for b in plan.booked}
    assert series_ids == {plan.booked[0].id}


def test_a_series_starting_on_29_february_keeps_its_weekday(uow, owner, shop):
    plan = bookings.plan_series(
        uow, owner, [LineRequest(shop.cut)], at("2028-02-29", "11:00"), 1, until=date(2028, 3, 14)
    )
    assert [start.date() for start in plan.free] == [
        date(2028, 2, 29),
        date(2028, 3, 7),
        date(2028, 3, 14),
    ]


def test_statuses_move_forward_with_history(uow, owner, shop, clock):
    booked = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-22", "11:00"), client_name="张三"
    )
    booking_status.set_status(uow, shop.desk, booked.id, "confirmed", "phoned")
    with pytest.raises(Conflict, match="cannot become"):
        booking_status.set_status(uow, owner, booked.id, "in_service")
    booking_status.set_status(uow, owner, booked.id, "arrived")
    history = bookings.booking_history(uow, owner, booked.id)
    assert [(e.kind, e.to_status, e.staff_name) for e in history] == [
        ("created", "booked", "Olivia Owner"),
        ("status", "confirmed", "Nina"),
        ("status", "arrived", "Olivia Owner"),
    ]
    assert history[1].reason == "phoned"


def test_a_late_cancel_forfeits_the_deposit_and_an_early_one_gives_it_back(uow, owner, shop):
    drawer.open_drawer(uow, owner, 50_000)
    late = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-22", "15:00"),
        client_name="张三",
        deposit_cents=5_000,
    )
    early = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-25", "15:00"),
        client_name="李四",
        deposit_cents=3_000,
        deposit_tender="wechat",
        deposit_reference="WX123",
    )
    assert booking_status.cancel(uow, owner, late.id, "ill").late_cancel
    cancelled = booking_status.cancel(uow, owner, early.id, "changed plans")
    assert not cancelled.late_cancel and cancelled.deposit_held_cents == 0
    with uow.read() as session:
        rows = [
            (r.booking_id, r.kind, r.amount_cents, r.tender)
            for r in session.exec(select(BookingDeposit).order_by(col(BookingDeposit.id)))
        ]
    assert rows == [
        (late.id, "taken", 5_000, "cash"),
        (early.id, "taken", 3_000, "wechat"),
        (late.id, "forfeited", -5_000, ""),
        (early.id, "returned", -3_000, "wechat"),
    ]
    assert drawer.current_drawer(uow, owner).expected_cents == 55_000
    assert all(result.ok for result in database.check(uow))
    # A cancelled booking frees the time.
    bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-25", "15:00"),
        client_name="王五",
    )


def test_a_no_show_only_after_the_start_and_it_counts_for_the_member(uow, owner, shop, clock):
    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    booked = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-22", "11:00"), member_id=member.id
    )
    with pytest.raises(Conflict, match="not started"):
        booking_status.mark_no_show(uow, owner, booked.id)
    clock.shift(timedelta(hours=1, minutes=30))
    booking_status.mark_no_show(uow, owner, booked.id, "did not answer")
    later = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-24", "11:00"), member_id=member.id
    )
    assert later.no_shows == 1 and "1 no-shows" in later.warnings


def test_moving_checks_the_new_time_and_a_done_booking_does_not_move(uow, owner, shop):
    first = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "11:00"),
        client_name="张三",
    )
    other = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "15:00"),
        client_name="李四",
    )
    with pytest.raises(Conflict, match="#" + str(other.id)):
        booking_status.move(uow, owner, first.id, at("2026-11-23", "15:15"))
    moved = booking_status.move(uow, owner, first.id, at("2026-11-23", "11:15"))
    assert moved.starts_at == at("2026-11-23", "11:15")  # overlapping its own old time is fine
    moved = booking_status.move(
        uow,
        owner,
        first.id,
        at("2026-11-23", "15:00"),
        staff_id=shop.kevin.staff_id,
        reason="client asked",
    )
    assert moved.lines[0].staff_name == "Kevin"
    assert [e.kind for e in bookings.booking_history(uow, owner, first.id)][-2:] == [
        "moved",
        "moved",
    ]


def test_finishing_opens_a_cart_and_the_deposit_pays_part_of_it(uow, owner, shop, clock):
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import sale_payment, sales

    drawer.open_drawer(uow, owner, 50_000)
    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-22", "10:00"),
        member_id=member.id,
        deposit_cents=5_000,
    )
    booking_status.set_status(uow, owner, booked.id, "arrived")
    done, sale_id = booking_status.finish(uow, owner, booked.id)
    assert done.status == "done" and done.sale_id == sale_id
    cart = sales.get_cart(uow, owner, sale_id)
    assert cart.member_id == member.id
    assert [(line.description, line.unit_cents) for line in cart.lines] == [
        ("Precision cut", 12800)
    ]
    assert cart.lines[0].staff[0].name == "Tony" and cart.lines[0].staff[0].requested
    assert booking_status.deposit_for_sale(uow, sale_id) == 5_000
    rest = cart.total_cents - 5_000
    sale_payment.pay_sale(
        uow,
        owner,
        sale_id,
        [PaymentIn("deposit", 5_000), PaymentIn("cash", rest)],
        print_receipt=False,
    )
    assert booking_status.deposit_for_sale(uow, sale_id) == 0
    assert all(result.ok for result in database.check(uow))
    with pytest.raises(Conflict, match="cannot be moved"):
        booking_status.move(uow, owner, booked.id, at("2026-11-22", "15:00"))


def test_the_deposit_tender_cannot_pay_more_than_is_held(uow, owner, shop):
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import sale_payment

    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut)],
        at("2026-11-22", "10:00"),
        client_name="张三",
        deposit_cents=1_000,
        deposit_tender="bank_card",
    )
    booking_status.set_status(uow, owner, booked.id, "arrived")
    _view, sale_id = booking_status.finish(uow, owner, booked.id)
    with pytest.raises(ValidationError, match="holds a deposit"):
        sale_payment.pay_sale(
            uow, owner, sale_id, [PaymentIn("deposit", 12_800)], print_receipt=False
        )
    assert booking_status.deposit_for_sale(uow, sale_id) == 1_000


def test_retiring_a_service_with_future_bookings_lists_them(uow, owner, shop):
    from salon_tui.services import catalog

    booked = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-23", "11:00"), client_name="张三"
    )
    with pytest.raises(Conflict, match=f"booking #{booked.id} 2026-11-23 11:00 张三"):
        catalog.set_service_active(uow, owner, shop.cut, False)


def test_changing_a_shift_lists_the_bookings_it_strands(uow, owner, shop):
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-23", "17:00"),
        client_name="张三",
    )
    stranded = schedule.set_shift(uow, owner, shop.tony.staff_id, [0], "10:00-16:00")
    assert [s.id for s in stranded] == [booked.id]


def test_the_unpaid_deposit_warning_follows_the_shops_threshold(uow, owner, shop):
    colour = bookings.book(
        uow, owner, [LineRequest(shop.colour)], at("2026-11-23", "11:00"), client_name="张三"
    )
    cut = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-23", "15:00"), client_name="李四"
    )
    paid = bookings.book(
        uow,
        owner,
        [LineRequest(shop.colour)],
        at("2026-11-24", "11:00"),
        client_name="王五",
        deposit_cents=10_000,
        deposit_tender="wechat",
        deposit_reference="WX7",
    )

    def warned() -> dict[str, bool]:
        return {
            view.client_name: "Deposit unpaid" in view.warnings
            for view in (bookings.get_booking(uow, owner, b.id) for b in (colour, cut, paid))
        }

    assert schedule.get_rules(uow).deposit_from_cents == 0
    assert warned() == {"张三": False, "李四": False, "王五": False}
    rules = schedule.set_rules(uow, owner, deposit_from_cents=30_000)
    assert rules.deposit_from_cents == 30_000
    # The ¥388 colour without a deposit warns; the ¥128 cut and the paid colour do not.
    assert warned() == {"张三": True, "李四": False, "王五": False}
    for bad in (-1, 100_000_01, "300", True):
        with pytest.raises(ValidationError, match="deposit warning"):
            schedule.set_rules(uow, owner, deposit_from_cents=bad)
    assert schedule.get_rules(uow).deposit_from_cents == 30_000
    with pytest.raises(PermissionDenied):
        schedule.set_rules(uow, shop.desk, deposit_from_cents=0)
    schedule.set_rules(uow, owner, deposit_from_cents=0)
    assert warned() == {"张三": False, "李四": False, "王五": False}


def test_a_card_scan_checks_in_the_members_booking_today(uow, owner, shop):
    from salon_tui.services.booking_checkin import check_in_member

    member = members.add_member(uow, owner, name="王小美", phone="13900139000")
    assert check_in_member(uow, owner, member.id).choices == ()
    tomorrow = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-23", "11:00"), member_id=member.id
    )
    first = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-22", "11:00"), member_id=member.id
    )
    done = check_in_member(uow, shop.desk, member.id)
    assert done.arrived is not None and done.arrived.id == first.id
    assert bookings.get_booking(uow, owner, tomorrow.id).status == "booked"
    again = check_in_member(uow, owner, member.id)
    assert again.arrived is None and [b.id for b in again.already] == [first.id]
    second = bookings.book(
        uow, owner, [LineRequest(shop.cut)], at("2026-11-22", "15:00"), member_id=member.id
    )
    third = bookings.book(
        uow, owner, [LineRequest(shop.colour)], at("2026-11-22", "16:00"), member_id=member.id
    )
    several = check_in_member(uow, owner, member.id)
    assert [b.id for b in several.choices] == [second.id, third.id] and several.arrived is None
    assert bookings.get_booking(uow, owner, second.id).status == "booked"
    with pytest.raises(Conflict, match="not 王小美's booking waiting today"):
        check_in_member(uow, owner, member.id, booking_id=tomorrow.id)
    with pytest.raises(PermissionDenied):
        check_in_member(uow, shop.tony, member.id, booking_id=third.id)
    picked = check_in_member(uow, owner, member.id, booking_id=third.id)
    assert picked.arrived is not None and picked.arrived.status == "arrived"
    assert [(e.to_status, e.reason) for e in bookings.booking_history(uow, owner, third.id)][
        -1
    ] == ("arrived", "card scanned")


def test_a_search_reads_the_week_once_and_sees_the_same_days(uow, owner, shop):
    # A day off, other hours on another day, a holiday the shop closes on.
    schedule.set_day(uow, owner, shop.tony.staff_id or 0, date(2026, 11, 24), "off")
    schedule.set_day(uow, owner, shop.kevin.staff_id or 0, date(2026, 11, 25), "12:00-16:00")
    schedule.decide_holiday(uow, owner, date(2027, 1, 1), False)
    with uow.read() as session:
        plan = schedule.load_week_plan(session)
        for offset in range(45):
            day = date(2026, 11, 22) + timedelta(days=offset)
            assert schedule.working_day(
                session, day, "Asia/Shanghai", plan
            ) == schedule.working_day(session, day, "Asia/Shanghai"), day
        assert schedule.working_day(session, date(2027, 1, 1), "Asia/Shanghai", plan).shop is None
