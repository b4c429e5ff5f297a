"""The demo's bookings: believable, never double-booked, and the deposits add up."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from sqlmodel import col, select

from salon_tui.data.models import Booking, BookingLine, WalkIn
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.services import booking_waitlist, database, schedule
from salon_tui.services.demo import DemoOptions, build_demo


def test_demo_books_the_past_and_the_coming_week_without_overlaps(uow: UnitOfWork) -> None:
    summary = build_demo(uow, DemoOptions(members=50, months=1, seed=3))
    assert summary.counts["bookings"] > 150
    today = business_date(utc_now(), "Asia/Shanghai")
    with uow.read() as session:
        rows = session.exec(select(Booking)).all()
        lines = session.exec(select(BookingLine).where(col(BookingLine.active))).all()
        waiting = session.exec(select(WalkIn).where(col(WalkIn.status) == "waiting")).all()
    days = {row.business_day for row in rows}
    assert any(day < today for day in days) and any(day > today for day in days)
    statuses = {row.status for row in rows}
    assert {"done", "no_show", "cancelled", "confirmed"} <= statuses
    assert any(row.source == "walk_in" for row in rows)
    assert len(waiting) == 3
    by_stylist: dict[int, list[BookingLine]] = {}
    for line in lines:
        by_stylist.setdefault(line.staff_id, []).append(line)
    for stylist_lines in by_stylist.values():
        stylist_lines.sort(key=lambda line: line.starts_at)
        for first, second in pairwise(stylist_lines):
            assert first.ends_at <= second.starts_at
    assert any(not h.open for h in schedule.list_holidays(uow, today.year + 1))
    assert all(result.ok for result in database.check(uow))
    coming = [
        entry
        for offset in range(1, 8)
        for entry in booking_waitlist.waitlist(uow, owner_of(uow), today + timedelta(days=offset))
    ]
    assert [(e.staff_name, e.status, e.service_code) for e in coming] == [
        ("Tony 张伟", "waiting", "D01")
    ]
    assert coming[0].business_day.weekday() not in (0, 3)  # Tony's day off, his training
    offered = booking_waitlist.waitlist(uow, owner_of(uow), today)
    # Late in the evening there is no booking left today to cancel.
    assert [e.status for e in offered] in ([], ["offered"])
    assert summary.counts["on the waitlist"] == 1 + len(offered)


def owner_of(uow: UnitOfWork) -> Actor:
    from salon_tui.domain.permissions import Role
    from salon_tui.services import staff

    person = next(p for p in staff.list_staff(uow) if p.role == Role.OWNER)
    return Actor(person.id, person.name, Role.OWNER)
