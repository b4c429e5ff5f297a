"""Check-in by card: a member's card scanned at the desk marks their booking today as
arrived. One booking left today is checked in at once; several are offered to choose
from (nothing changes until the desk picks one); none is said plainly."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from salon_tui.data.models import Booking, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import BookingStatus
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import _
from salon_tui.services.booking_status import _change
from salon_tui.services.booking_views import BookingView, booking_view, booking_views
from salon_tui.services.permissions import require
from salon_tui.services.settings import load_shop_settings

WAITING_FOR_ARRIVAL = (BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value)


@dataclass(frozen=True)
class CheckIn:
    """What a scan of ``member_name``'s card did: ``arrived`` is the booking marked
    arrived; ``choices`` are today's bookings to pick from when there are several;
    ``already`` those of today already arrived or in service."""

    member_id: int
    member_name: str
    arrived: BookingView | None = None
    choices: tuple[BookingView, ...] = ()
    already: tuple[BookingView, ...] = ()


def check_in_member(
    uow: UnitOfWork, actor: Actor, member_id: int, *, booking_id: int | None = None
) -> CheckIn:
    """Mark the member's booking today as arrived (``booking_id`` picks one of several)."""
    require(actor, "bookings.book")
    with uow.transaction() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound(_("There is no member #{id}.").format(id=member_id))
        today = business_date(utc_now(), load_shop_settings(session).timezone)
        rows = session.exec(
            select(Booking)
            .where(col(Booking.member_id) == member_id, col(Booking.business_day) == today)
            .order_by(col(Booking.starts_at), col(Booking.id))
        ).all()
        waiting = [row for row in rows if row.status in WAITING_FOR_ARRIVAL]
        here = [
            row
            for row in rows
            if row.status in {BookingStatus.ARRIVED.value, BookingStatus.IN_SERVICE.value}
        ]
        if booking_id is not None:
            chosen = next((row for row in waiting if row.id == booking_id), None)
            if chosen is None:
                raise Conflict(
                    _("Booking #{id} is not {name}'s booking waiting today.").format(
                        id=booking_id, name=member.name
                    )
                )
        elif len(waiting) == 1:
            chosen = waiting[0]
        else:
            return CheckIn(
                member_id,
                member.name,
                choices=tuple(booking_views(session, waiting, actor, with_warnings=False)),
                already=tuple(booking_views(session, here, actor, with_warnings=False)),
            )
        locked = session.exec(
            select(Booking).where(col(Booking.id) == chosen.id).with_for_update()
        ).one()
        _change(session, actor, locked, BookingStatus.ARRIVED, _("card scanned"))
        return CheckIn(member_id, member.name, arrived=booking_view(session, locked, actor))
