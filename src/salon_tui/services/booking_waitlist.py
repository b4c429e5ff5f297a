"""The waitlist (候补): a client who wants a day that is full — a service, a stylist or
anyone, and a window of the day — waits for a cancellation.

When a booking is cancelled, the entries of its day whose stylist and window the freed
time meets are marked *offered* in the cancel's transaction; the Bookings screen shows
them to the desk, who calls the client and books them (``bookings.book(waitlist_id=…)``
closes the entry in the booking's transaction) or takes them off the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from salon_tui.data.models import Booking, BookingLine, Member, Service, Staff, WaitlistEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, shop_time, utc_now
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.booking_views import BookingView, service_label
from salon_tui.services.permissions import require
from salon_tui.services.settings import load_shop_settings

OPEN = ("waiting", "offered")
STATUS_LABELS = {
    "waiting": N_("waiting"),
    "offered": N_("time freed"),
    "booked": N_("booked"),
    "removed": N_("taken off"),
}


@dataclass(frozen=True)
class WaitlistView:
    id: int
    business_day: date
    client_name: str
    phone: str  # national digits, or masked without the contact permission
    member_id: int | None
    service_id: int
    service_code: str
    service_name: str
    staff_id: int | None
    staff_name: str  # "" for anyone
    window_start: time | None
    window_end: time | None
    note: str
    status: str
    freed_booking_id: int | None
    freed_start: datetime | None  # the cancelled booking's time, when offered
    freed_staff_id: int | None
    booking_id: int | None
    created_at: datetime

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def window_text(self) -> str:
        if self.window_start is None and self.window_end is None:
            return _("any time")
        start = f"{self.window_start:%H:%M}" if self.window_start else ""
        end = f"{self.window_end:%H:%M}" if self.window_end else ""
        return f"{start}–{end}"


def _views(session: Session, rows: list[WaitlistEntry], actor: Actor) -> list[WaitlistView]:
    from salon_tui.domain.members import calling_code
    from salon_tui.services.member_search import phone_for
    from salon_tui.services.members import shop_region

    own_code = calling_code(shop_region(session))
    show_contact = actor.can("member.contact")
    views = []
    for row in rows:
        service = session.get(Service, row.service_id)
        staff = session.get(Staff, row.staff_id) if row.staff_id else None
        freed = session.get(Booking, row.freed_booking_id) if row.freed_booking_id else None
        freed_line = (
            session.exec(
                select(BookingLine)
                .where(col(BookingLine.booking_id) == freed.id)
                .order_by(col(BookingLine.position))
            ).first()
            if freed is not None
            else None
        )
        assert row.id is not None and service is not None
        views.append(
            WaitlistView(
                id=row.id,
                business_day=row.business_day,
                client_name=row.client_name,
                phone=phone_for(row.client_phone or None, own_code, show_contact),
                member_id=row.member_id,
                service_id=row.service_id,
                service_code=service.code,
                service_name=service_label(service),
                staff_id=row.staff_id,
                staff_name=staff.name if staff else "",
                window_start=row.window_start,
                window_end=row.window_end,
                note=row.note,
                status=row.status,
                freed_booking_id=row.freed_booking_id,
                freed_start=freed.starts_at if freed else None,
                freed_staff_id=freed_line.staff_id if freed_line else None,
                booking_id=row.booking_id,
                created_at=row.created_at,
            )
        )
    return views


def join(
    uow: UnitOfWork,
    actor: Actor,
    day: date,
    service_id: int,
    *,
    staff_id: int | None = None,
    member_id: int | None = None,
    client_name: str = "",
    phone: str = "",
    window_start: time | None = None,
    window_end: time | None = None,
    note: str = "",
) -> WaitlistView:
    """Put a client on the waitlist for ``day`` (a service, a stylist or anyone, a window)."""
    from salon_tui.services.bookings import _clean_note, _client

    require(actor, "bookings.book")
    assert actor.staff_id is not None
    if window_start is not None and window_end is not None and window_end <= window_start:
        raise ValidationError(
            _("The window's end comes after its start ({start}–{end}).").format(
                start=f"{window_start:%H:%M}", end=f"{window_end:%H:%M}"
            ),
            field="window",
        )
    cleaned_note = _clean_note(note)
    with uow.transaction() as session:
        today = business_date(utc_now(), load_shop_settings(session).timezone)
        if day < today:
            raise ValidationError(
                _("{day} has passed: a waitlist is for today or later.").format(day=day),
                field="day",
            )
        service = session.get(Service, service_id)
        if service is None or not service.active:
            raise NotFound(_("There is no service #{id} on the menu.").format(id=service_id))
        if staff_id is not None:
            staff = session.get(Staff, staff_id)
            if staff is None or not staff.active:
                raise NotFound(_("There is no active staff member #{id}.").format(id=staff_id))
        member, name, e164 = _client(session, member_id, client_name, phone)
        duplicate = session.exec(
            select(WaitlistEntry).where(
                col(WaitlistEntry.business_day) == day,
                col(WaitlistEntry.service_id) == service_id,
                col(WaitlistEntry.status).in_(OPEN),
                col(WaitlistEntry.client_name) == name,
            )
        ).first()
        if duplicate is not None:
            raise Conflict(
                _("{client} is already on the waitlist for {day} (#{id}).").format(
                    client=name, day=day, id=duplicate.id
                )
            )
        row = WaitlistEntry(
            business_day=day,
            service_id=service_id,
            staff_id=staff_id,
            member_id=member,
            client_name=name,
            client_phone=e164,
            window_start=window_start,
            window_end=window_end,
            note=cleaned_note,
            created_by=actor.staff_id,
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "waitlist.join",
            "booking_waitlist",
            row.id,
            after={
                "client": name,
                "day": day.isoformat(),
                "service": service.code,
                "staff_id": staff_id,
                "window": [
                    f"{window_start:%H:%M}" if window_start else None,
                    f"{window_end:%H:%M}" if window_end else None,
                ],
            },
        )
        return _views(session, [row], actor)[0]


def waitlist(
    uow: UnitOfWork, actor: Actor, day: date, *, include_closed: bool = False
) -> list[WaitlistView]:
    """The day's waitlist: entries offered a freed time first, then by when they joined."""
    require(actor, "bookings.view")
    with uow.read() as session:
        query = select(WaitlistEntry).where(col(WaitlistEntry.business_day) == day)
        if not include_closed:
            query = query.where(col(WaitlistEntry.status).in_(OPEN))
        rows = list(session.exec(query.order_by(col(WaitlistEntry.id))))
        rank = {"offered": 0, "waiting": 1}
        rows.sort(key=lambda row: (rank.get(row.status, 2), row.id or 0))
        return _views(session, rows, actor)


def _load_open(session: Session, entry_id: int) -> WaitlistEntry:
    row = session.exec(
        select(WaitlistEntry).where(col(WaitlistEntry.id) == entry_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound(_("There is no waitlist entry #{id}.").format(id=entry_id))
    if row.status not in OPEN:
        raise Conflict(
            _("Waitlist entry #{id} is closed ({status}).").format(
                id=entry_id, status=_(STATUS_LABELS[row.status])
            )
        )
    return row


def remove(uow: UnitOfWork, actor: Actor, entry_id: int, reason: str = "") -> WaitlistView:
    """Take a client off the waitlist (they found another time, or no longer want it)."""
    require(actor, "bookings.book")
    with uow.transaction() as session:
        row = _load_open(session, entry_id)
        row.status = "removed"
        row.closed_at = utc_now()
        session.add(row)
        audit.record(
            session,
            actor,
            "waitlist.remove",
            "booking_waitlist",
            row.id,
            after={"reason": reason.strip()[:200]},
        )
        return _views(session, [row], actor)[0]


def fulfil(session: Session, actor: Actor, entry_id: int, booking: Booking) -> None:
    """The entry's client is booked (``booking``): close it, in the booking's transaction."""
    row = _load_open(session, entry_id)
    if row.member_id is not None and booking.member_id != row.member_id:
        member = session.get(Member, row.member_id)
        raise Conflict(
            _("Waitlist entry #{id} is for {client}, not {booked}.").format(
                id=entry_id,
                client=member.name if member else row.client_name,
                booked=booking.client_name,
            )
        )
    row.status = "booked"
    row.booking_id = booking.id
    row.closed_at = utc_now()
    session.add(row)
    audit.record(
        session,
        actor,
        "waitlist.book",
        "booking_waitlist",
        row.id,
        after={"booking_id": booking.id},
    )


def offer_freed_time(session: Session, booking: Booking) -> list[int]:
    """A booking was cancelled: mark the waiting entries its time could serve as offered
    (same day, their stylist or anyone, their window meets the freed time). Returns
    their ids."""
    zone = load_shop_settings(session).timezone
    lines = session.exec(select(BookingLine).where(col(BookingLine.booking_id) == booking.id)).all()
    stylists = {line.staff_id for line in lines}
    start = shop_time(booking.starts_at, zone).time()
    end = shop_time(booking.ends_at, zone).time()
    rows = session.exec(
        select(WaitlistEntry)
        .where(
            col(WaitlistEntry.business_day) == booking.business_day,
            col(WaitlistEntry.status) == "waiting",
        )
        .order_by(col(WaitlistEntry.id))
    ).all()
    offered = []
    now = utc_now()
    for row in rows:
        if row.staff_id is not None and row.staff_id not in stylists:
            continue
        if row.window_end is not None and row.window_end <= start:
            continue
        if row.window_start is not None and row.window_start >= end:
            continue
        row.status = "offered"
        row.freed_booking_id = booking.id
        row.offered_at = now
        session.add(row)
        offered.append(row.id or 0)
    return offered


def offered_count(session: Session, day: date) -> int:
    return len(
        session.exec(
            select(WaitlistEntry.id).where(
                col(WaitlistEntry.business_day) == day, col(WaitlistEntry.status) == "offered"
            )
        ).all()
    )


def book_entry(
    uow: UnitOfWork,
    actor: Actor,
    entry_id: int,
    *,
    start: datetime | None = None,
    staff_id: int | None = None,
) -> BookingView:
    """Book the entry's client for its service: at ``start`` or the freed time, with
    ``staff_id``, the entry's stylist or the freed booking's. The entry is closed in the
    booking's transaction; a refused time changes nothing."""
    from salon_tui.services import bookings

    require(actor, "bookings.book")
    with uow.read() as session:
        row = session.get(WaitlistEntry, entry_id)
        if row is None:
            raise NotFound(_("There is no waitlist entry #{id}.").format(id=entry_id))
        view = _views(session, [row], actor)[0]
        phone = row.client_phone
    if view.status not in OPEN:
        raise Conflict(
            _("Waitlist entry #{id} is closed ({status}).").format(
                id=entry_id, status=view.status_label
            )
        )
    when = start or view.freed_start
    if when is None:
        raise ValidationError(
            _("Nothing was freed for #{id} yet: give the time.").format(id=entry_id),
            field="start",
        )
    return bookings.book(
        uow,
        actor,
        [bookings.LineRequest(view.service_id, staff_id or view.staff_id or view.freed_staff_id)],
        when,
        member_id=view.member_id,
        client_name="" if view.member_id else view.client_name,
        phone="" if view.member_id else phone,
        waitlist_id=entry_id,
    )
