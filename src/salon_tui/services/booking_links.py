"""What bookings tell other areas: a retired service's future bookings, a merged
member's appointments, and the member's timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from salon_tui.data.models import Booking, BookingEvent, BookingLine, WaitlistEntry, WalkIn
from salon_tui.domain.bookings import HOLDING, STATUS_LABELS, BookingStatus
from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.i18n import _
from salon_tui.services.settings import load_shop_settings


def future_bookings_of_service(session: Session, service_id: int) -> list[str]:
    """``#12 2026-11-25 14:00 张三`` for each future booking that still holds the service."""
    zone = load_shop_settings(session).timezone
    rows = session.exec(
        select(Booking)
        .join(BookingLine, col(BookingLine.booking_id) == col(Booking.id))
        .where(
            col(BookingLine.service_id) == service_id,
            col(BookingLine.active).is_(True),
            col(BookingLine.starts_at) >= utc_now(),
            col(Booking.status).in_([status.value for status in HOLDING]),
        )
        .order_by(col(Booking.starts_at))
    ).all()
    return [
        _("booking #{id} {start} {client}").format(
            id=row.id,
            start=f"{shop_time(row.starts_at, zone):%Y-%m-%d %H:%M}",
            client=row.client_name,
        )
        for row in {row.id: row for row in rows}.values()
    ]


def move_member_bookings(session: Session, keep_id: int, drop_id: int) -> int:
    moved = session.execute(
        update(Booking).where(col(Booking.member_id) == drop_id).values(member_id=keep_id)
    )
    for table in (WalkIn, WaitlistEntry):
        session.execute(
            update(table).where(col(table.member_id) == drop_id).values(member_id=keep_id)
        )
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


def member_booking_events(session: Session, member_id: int) -> Iterable[tuple[datetime, str, str]]:
    """(when, what, who) for the member's bookings: made, and each status change."""
    zone = load_shop_settings(session).timezone
    rows = session.exec(
        select(BookingEvent, Booking)
        .join(Booking, col(Booking.id) == col(BookingEvent.booking_id))
        .where(
            col(Booking.member_id) == member_id,
            col(BookingEvent.kind).in_(["created", "status", "moved"]),
        )
    ).all()
    for event, booking in rows:
        start = f"{shop_time(booking.starts_at, zone):%Y-%m-%d %H:%M}"
        if event.kind == "created":
            text = _("Booked #{id} for {start}").format(id=booking.id, start=start)
        elif event.kind == "moved":
            text = _("Booking #{id} moved: {detail}").format(id=booking.id, detail=event.detail)
        else:
            text = _("Booking #{id} ({start}): {status}").format(
                id=booking.id,
                start=start,
                status=_(STATUS_LABELS[BookingStatus(event.to_status)]),
            )
            if event.reason:
                text += f" — {event.reason}"
        yield event.at, text, event.staff_name
