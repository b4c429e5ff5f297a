"""What bookings hold about a member, for their personal-data export, and erasing it.

Bookings copy the client's name and phone (a booking outlives a renamed member, and a
new client has no member row); so do walk-ins, the waitlist and the reminder outbox.
Erasure keeps the rows (the day's history, utilisation and no-show figures still add
up) without the name, phone or notes; pending reminders are dropped and open waitlist
entries closed. Registered with ``member_privacy`` through ``area_hooks``.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Booking,
    BookingEvent,
    BookingLine,
    ReminderOutbox,
    Service,
    Staff,
    WaitlistEntry,
    WalkIn,
)
from salon_tui.data.spreadsheets import Sheet
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.i18n import _
from salon_tui.services import member_privacy
from salon_tui.services.booking_views import service_label


def booking_sheets(session: Session, member_id: int) -> list[Sheet]:
    rows = session.exec(
        select(Booking).where(col(Booking.member_id) == member_id).order_by(col(Booking.starts_at))
    ).all()
    ids = [row.id for row in rows if row.id is not None]
    services: dict[int, list[str]] = {}
    for booking_id, service, staff_name in session.exec(
        select(BookingLine.booking_id, Service, Staff.name)
        .join(Service, col(Service.id) == col(BookingLine.service_id))
        .join(Staff, col(Staff.id) == col(BookingLine.staff_id))
        .where(col(BookingLine.booking_id).in_(ids))
        .order_by(col(BookingLine.booking_id), col(BookingLine.position))
    ):
        services.setdefault(booking_id, []).append(f"{service_label(service)} ({staff_name})")
    waitlist = session.exec(
        select(WaitlistEntry)
        .where(col(WaitlistEntry.member_id) == member_id)
        .order_by(col(WaitlistEntry.id))
    ).all()
    return [
        Sheet(
            _("Bookings"),
            [
                _("Booking"),
                _("Start"),
                _("Name"),
                _("Phone"),
                _("Services"),
                _("Status"),
                _("Note"),
            ],
            [
                [
                    f"#{row.id}",
                    row.starts_at,
                    row.client_name,
                    row.client_phone,
                    " + ".join(services.get(row.id or 0, [])),
                    row.status,
                    row.note,
                ]
                for row in rows
            ],
        ),
        Sheet(
            _("Waitlist"),
            [_("Entry"), _("Day"), _("Name"), _("Phone"), _("Status"), _("Note")],
            [
                [f"#{e.id}", e.business_day, e.client_name, e.client_phone, e.status, e.note]
                for e in waitlist
            ],
        ),
    ]


def erase_bookings(session: Session, actor: Actor, member_id: int) -> int:
    """Clear the member's name, phone and notes from bookings, walk-ins, the waitlist and
    the reminder outbox; returns how many bookings were cleared."""
    anonymous = _("Erased member #{id}").format(id=member_id)
    booking_ids = [
        booking_id
        for booking_id in session.exec(
            select(Booking.id).where(col(Booking.member_id) == member_id)
        )
        if booking_id is not None
    ]
    if booking_ids:
        session.execute(
            delete(ReminderOutbox).where(
                col(ReminderOutbox.booking_id).in_(booking_ids),
                col(ReminderOutbox.status) == "pending",
            )
        )
        session.execute(
            update(ReminderOutbox)
            .where(col(ReminderOutbox.booking_id).in_(booking_ids))
            .values(phone="", body="")
        )
        session.execute(
            update(BookingEvent)
            .where(
                col(BookingEvent.booking_id).in_(booking_ids), col(BookingEvent.kind) == "created"
            )
            .values(detail="")
        )
        session.execute(
            update(Booking)
            .where(col(Booking.id).in_(booking_ids))
            .values(client_name=anonymous, client_phone="", note="")
        )
    session.execute(
        update(WalkIn).where(col(WalkIn.member_id) == member_id).values(client_name=anonymous)
    )
    session.execute(
        update(WaitlistEntry)
        .where(
            col(WaitlistEntry.member_id) == member_id,
            col(WaitlistEntry.status).in_(["waiting", "offered"]),
        )
        .values(status="removed", closed_at=utc_now())
    )
    session.execute(
        update(WaitlistEntry)
        .where(col(WaitlistEntry.member_id) == member_id)
        .values(client_name=anonymous, client_phone="", note="")
    )
    return len(booking_ids)


member_privacy.PERSONAL_DATA_SOURCES.append(booking_sheets)
member_privacy.ERASE_STEPS.append(("bookings", erase_bookings))
