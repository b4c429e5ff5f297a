"""Reminders: the list of a day's bookings to confirm, and reminder messages placed in
an outbox in the client's language for a sender (another area) — nothing is sent here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from salon_tui.data.models import Booking, ReminderOutbox
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import STATUS_LABELS, BookingStatus
from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.i18n import N_, _, load_translations
from salon_tui.services import audit
from salon_tui.services.bookings import booking_view
from salon_tui.services.permissions import require
from salon_tui.services.settings import load_shop_settings

TO_REMIND = (BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value)
REMINDER_TEXT = N_(
    "{shop}: reminder of your booking on {day} at {time} ({services}) with {stylist}. "
    "Reply to confirm, or call {phone} to change it."
)
REMINDER_TEXT_NO_PHONE = N_(
    "{shop}: reminder of your booking on {day} at {time} ({services}) with {stylist}. "
    "Reply to confirm or to change it."
)


@dataclass(frozen=True)
class ReminderRow:
    booking_id: int
    starts_at: datetime
    client_name: str
    phone: str
    services: str
    stylists: str
    status: str
    status_label: str
    queued: bool


def reminders(uow: UnitOfWork, actor: Actor, day: date) -> list[ReminderRow]:
    """The day's booked and confirmed bookings with their phone (masked without
    member.contact) and whether a reminder is already in the outbox."""
    require(actor, "bookings.view")
    with uow.read() as session:
        rows = session.exec(
            select(Booking)
            .where(col(Booking.business_day) == day, col(Booking.status).in_(TO_REMIND))
            .order_by(col(Booking.starts_at))
        ).all()
        queued = set(
            session.exec(
                select(ReminderOutbox.booking_id).where(
                    col(ReminderOutbox.booking_id).in_([row.id for row in rows])
                )
            ).all()
        )
        out = []
        for row in rows:
            view = booking_view(session, row, actor, with_warnings=False)
            out.append(
                ReminderRow(
                    view.id,
                    view.starts_at,
                    view.client_name,
                    view.phone,
                    view.services_text,
                    ", ".join(dict.fromkeys(line.staff_name for line in view.lines)),
                    view.status,
                    _(STATUS_LABELS[BookingStatus(view.status)]),
                    view.id in queued,
                )
            )
        return out


def queue_reminders(uow: UnitOfWork, actor: Actor, day: date) -> int:
    """Place one reminder per booking of ``day`` with a phone in the outbox, in the
    client's language; bookings already queued are skipped. Returns how many were added."""
    require(actor, "bookings.reminders")
    with uow.transaction() as session:
        settings = load_shop_settings(session)
        rows = session.exec(
            select(Booking)
            .where(col(Booking.business_day) == day, col(Booking.status).in_(TO_REMIND))
            .order_by(col(Booking.starts_at))
        ).all()
        queued = set(
            session.exec(
                select(ReminderOutbox.booking_id).where(
                    col(ReminderOutbox.booking_id).in_([row.id for row in rows])
                )
            ).all()
        )
        added = 0
        from salon_tui.domain.actor import SYSTEM

        for row in rows:
            if row.id in queued or not row.client_phone:
                continue
            view = booking_view(session, row, SYSTEM, with_warnings=False)
            translations = load_translations(row.language)
            local = shop_time(row.starts_at, settings.timezone)
            names = [_service_name(session, line.service_id, row.language) for line in view.lines]
            template = REMINDER_TEXT if settings.phone else REMINDER_TEXT_NO_PHONE
            body = translations.gettext(template).format(
                shop=settings.name,
                day=local.strftime("%Y-%m-%d"),
                time=local.strftime("%H:%M"),
                services=" + ".join(names),
                stylist=view.lines[0].staff_name if view.lines else "",
                phone=settings.phone,
            )
            session.add(
                ReminderOutbox(
                    booking_id=row.id or 0,
                    phone=row.client_phone,
                    language=row.language,
                    body=body,
                    created_at=utc_now(),
                )
            )
            added += 1
        session.flush()
        audit.record(
            session, actor, "booking.reminders", "shop", day.isoformat(), after={"queued": added}
        )
        return added


def _service_name(session: Session, service_id: int, language: str) -> str:
    from salon_tui.data.models import Service

    service = session.get(Service, service_id)
    if service is None:
        return ""
    return service.name_en if language.startswith("en") and service.name_en else service.name


@dataclass(frozen=True)
class OutboxRow:
    id: int
    booking_id: int
    phone: str
    language: str
    body: str
    status: str
    created_at: datetime


def outbox(uow: UnitOfWork, actor: Actor) -> list[OutboxRow]:
    """Messages waiting for a sender, oldest first."""
    require(actor, "bookings.reminders")
    with uow.read() as session:
        rows = session.exec(
            select(ReminderOutbox)
            .where(col(ReminderOutbox.status) == "pending")
            .order_by(col(ReminderOutbox.created_at), col(ReminderOutbox.id))
        ).all()
        return [
            OutboxRow(r.id or 0, r.booking_id, r.phone, r.language, r.body, r.status, r.created_at)
            for r in rows
        ]
