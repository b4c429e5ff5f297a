"""The walk-in queue and the stylist rotation (轮牌).

A walk-in waits with the service they want. The rotation suggests the next stylist by
the shop's rule: among stylists who do the service, are on shift and free now (and not
booked within the next ``soon_minutes``), the one with the fewest turns today, then
whoever waited longest. The board is a table, so it survives restarts. A stylist the
client asks for is not a rotation turn unless the shop says it costs one; either way
the line is marked requested or not, which commission rules read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from salon_tui.data.models import Member, RotationTurn, Service, Staff, WalkIn
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import (
    MINUTE,
    BookingStatus,
    RotationSeat,
    ServiceNeed,
    Span,
    next_in_rotation,
    place_at,
)
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.bookings import (
    BookingView,
    LineRequest,
    _insert,
    booking_view,
    day_state,
    place_or_refuse,
    service_label,
)
from salon_tui.services.permissions import require
from salon_tui.services.schedule import load_rules, skilled_stylists
from salon_tui.services.settings import load_shop_settings


@dataclass(frozen=True)
class WalkInView:
    id: int
    client_name: str
    member_id: int | None
    service_id: int
    service_name: str
    requested_staff_id: int | None
    requested_staff_name: str
    status: str
    joined_at: datetime
    staff_name: str
    by_rotation: bool
    booking_id: int | None


@dataclass(frozen=True)
class SeatView:
    staff_id: int
    name: str
    turns: int
    free_now: bool


@dataclass(frozen=True)
class QueueView:
    day: date
    waiting: tuple[WalkInView, ...]
    served: tuple[WalkInView, ...]
    board: tuple[SeatView, ...]
    next_stylist: tuple[int, str] | None  # the rotation's pick for the first in line


def _now_minute() -> datetime:
    now = utc_now()
    return now.replace(second=0, microsecond=0)


def _today(session: Session) -> date:
    return business_date(utc_now(), load_shop_settings(session).timezone)


def _view(session: Session, row: WalkIn) -> WalkInView:
    service = session.get(Service, row.service_id)
    requested = session.get(Staff, row.requested_staff_id) if row.requested_staff_id else None
    served_by = session.get(Staff, row.staff_id) if row.staff_id else None
    return WalkInView(
        row.id or 0,
        row.client_name,
        row.member_id,
        row.service_id,
        service_label(service) if service else "",
        row.requested_staff_id,
        requested.name if requested else "",
        row.status,
        row.joined_at,
        served_by.name if served_by else "",
        row.by_rotation,
        row.booking_id,
    )


def add_walk_in(
    uow: UnitOfWork,
    actor: Actor,
    service_id: int,
    *,
    client_name: str = "",
    member_id: int | None = None,
    requested_staff_id: int | None = None,
) -> WalkInView:
    """Put a walk-in in today's queue with the service they want."""
    require(actor, "bookings.walk_in")
    with uow.transaction() as session:
        service = session.get(Service, service_id)
        if service is None or not service.active:
            raise NotFound(_("There is no active service #{id}.").format(id=service_id))
        name = " ".join(client_name.split())
        if member_id is not None:
            member = session.get(Member, member_id)
            if member is None or member.status != "active":
                raise NotFound(_("There is no active member #{id}.").format(id=member_id))
            name = member.name
        if not name:
            raise ValidationError(_("Give the client's name, or choose a member."), field="client")
        if requested_staff_id is not None:
            staff = session.get(Staff, requested_staff_id)
            if staff is None or not staff.active:
                raise NotFound(
                    _("There is no active staff member #{id}.").format(id=requested_staff_id)
                )
            skills = skilled_stylists(session, [service_id])[service_id]
            if skills and requested_staff_id not in skills:
                raise ValidationError(
                    _("{stylist} does not do {service}; choose someone who does.").format(
                        stylist=staff.name, service=service_label(service)
                    ),
                    field="stylist",
                )
        row = WalkIn(
            business_day=_today(session),
            client_name=name[:60],
            member_id=member_id,
            service_id=service_id,
            requested_staff_id=requested_staff_id,
            joined_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "walk_in.add",
            "walk_in",
            row.id,
            after={"client": name, "service": service.code, "requested": requested_staff_id},
        )
        return _view(session, row)


def _seats(session: Session, day: date, on_duty: list[int]) -> list[RotationSeat]:
    turns = {
        row.staff_id: row
        for row in session.exec(select(RotationTurn).where(col(RotationTurn.business_day) == day))
    }
    return [
        RotationSeat(
            staff_id,
            position,
            turns[staff_id].turns if staff_id in turns else 0,
            turns[staff_id].last_turn_at if staff_id in turns else None,
        )
        for position, staff_id in enumerate(on_duty)
    ]


def _free_for(session: Session, service_id: int, soon_minutes: int) -> list[int]:
    """Stylists who do the service, work now, and are free for it (and the next while)."""
    zone = load_shop_settings(session).timezone
    now = _now_minute()
    state = day_state(session, business_date(now, zone), zone)
    service = session.get(Service, service_id)
    assert service is not None
    skills = skilled_stylists(session, [service_id])[service_id]
    minutes = max(service.duration_min, soon_minutes)
    free = []
    for stylist in state.stylists:
        if skills and stylist.staff_id not in skills:
            continue
        need = ServiceNeed(service_id, minutes, frozenset({stylist.staff_id}))
        if place_at(now, [need], {stylist.staff_id: stylist}, {}) is not None:
            free.append(stylist.staff_id)
    return free


def suggest_stylist(session: Session, walk_in: WalkIn) -> int | None:
    rules = load_rules(session)
    zone = load_shop_settings(session).timezone
    day = business_date(utc_now(), zone)
    on_duty = [stylist.staff_id for stylist in day_state(session, day, zone).stylists]
    eligible = _free_for(session, walk_in.service_id, rules.soon_minutes)
    return next_in_rotation(_seats(session, day, on_duty), eligible)


def queue(uow: UnitOfWork, actor: Actor) -> QueueView:
    """Today's queue, the rotation board, and who the rotation would send next."""
    require(actor, "bookings.view")
    with uow.read() as session:
        rules = load_rules(session)
        zone = load_shop_settings(session).timezone
        day = business_date(utc_now(), zone)
        rows = session.exec(
            select(WalkIn).where(col(WalkIn.business_day) == day).order_by(col(WalkIn.joined_at))
        ).all()
        state = day_state(session, day, zone)
        on_duty = [stylist.staff_id for stylist in state.stylists]
        seats = _seats(session, day, on_duty)
        now = _now_minute()
        free_now = {
            s.staff_id
            for s in state.stylists
            if any(span.contains(Span(now, now + MINUTE)) for span in s.working)
            and not any(busy.overlaps(Span(now, now + MINUTE)) for busy in s.busy)
        }
        board = tuple(
            SeatView(
                seat.staff_id,
                state.names.get(seat.staff_id, ""),
                seat.turns,
                seat.staff_id in free_now,
            )
            for seat in sorted(seats, key=lambda seat: (seat.turns, seat.position))
        )
        waiting = [row for row in rows if row.status == "waiting"]
        pick = None
        if waiting:
            first = waiting[0]
            staff_id = first.requested_staff_id or next_in_rotation(
                seats, _free_for(session, first.service_id, rules.soon_minutes)
            )
            if staff_id is not None:
                pick = (staff_id, state.names.get(staff_id, ""))
        return QueueView(
            day,
            tuple(_view(session, row) for row in waiting),
            tuple(_view(session, row) for row in rows if row.status != "waiting"),
            board,
            pick,
        )


def serve(
    uow: UnitOfWork, actor: Actor, walk_in_id: int, *, staff_id: int | None = None
) -> BookingView:
    """Take a walk-in now: the requested stylist, the one given, or the rotation's pick.
    The booking starts now, in service; the rotation turn is counted by the shop's rule."""
    require(actor, "bookings.walk_in")
    with uow.transaction() as session:
        row = session.exec(
            select(WalkIn).where(col(WalkIn.id) == walk_in_id).with_for_update()
        ).first()
        if row is None:
            raise NotFound(_("There is no walk-in #{id}.").format(id=walk_in_id))
        if row.status != "waiting":
            raise Conflict(_("{client} is no longer waiting.").format(client=row.client_name))
        rules = load_rules(session)
        settings = load_shop_settings(session)
        requested = row.requested_staff_id is not None or staff_id is not None
        chosen = staff_id or row.requested_staff_id
        by_rotation = chosen is None
        if chosen is None:
            chosen = suggest_stylist(session, row)
            if chosen is None:
                raise Conflict(
                    _("Nobody who does this service is free now; the client stays in the queue.")
                )
        now = _now_minute()
        request = LineRequest(row.service_id, chosen)
        proposal, _needs = place_or_refuse(session, [request], now)
        booking = _insert(
            session,
            actor,
            proposal,
            [LineRequest(row.service_id, chosen if requested else None)],
            member_id=row.member_id,
            client_name=row.client_name,
            phone="",
            language=settings.locale,
            note="",
            timezone=settings.timezone,
            status=BookingStatus.IN_SERVICE,
            source="walk_in",
        )
        if row.member_id is not None:
            member = session.get(Member, row.member_id)
            if member is not None and member.phone:
                booking.client_phone = member.phone
                session.add(booking)
        if by_rotation or rules.requested_costs_turn:
            _count_turn(session, row.business_day, chosen, now)
        row.status = "served"
        row.staff_id = chosen
        row.by_rotation = by_rotation
        row.booking_id = booking.id
        row.served_at = utc_now()
        session.add(row)
        audit.record(
            session,
            actor,
            "walk_in.serve",
            "walk_in",
            row.id,
            after={"staff_id": chosen, "by_rotation": by_rotation, "booking_id": booking.id},
        )
        session.flush()
        return booking_view(session, booking, actor)


def _count_turn(session: Session, day: date, staff_id: int, at: datetime) -> None:
    turn = session.get(RotationTurn, (day, staff_id))
    if turn is None:
        turn = RotationTurn(business_day=day, staff_id=staff_id, turns=0)
    turn.turns += 1
    turn.last_turn_at = at
    session.add(turn)
    session.flush()


def leave(uow: UnitOfWork, actor: Actor, walk_in_id: int) -> WalkInView:
    """The walk-in left without being served."""
    require(actor, "bookings.walk_in")
    with uow.transaction() as session:
        row = session.get(WalkIn, walk_in_id)
        if row is None:
            raise NotFound(_("There is no walk-in #{id}.").format(id=walk_in_id))
        if row.status != "waiting":
            raise Conflict(_("{client} is no longer waiting.").format(client=row.client_name))
        row.status = "left"
        row.served_at = utc_now()
        session.add(row)
        audit.record(session, actor, "walk_in.leave", "walk_in", row.id)
        return _view(session, row)


def waited_minutes(view: WalkInView, now: datetime | None = None) -> int:
    return int(((now or utc_now()) - view.joined_at) / timedelta(minutes=1))
