"""What happens to a booking after it is made: statuses with their history, moves and
edits, cancellations under the shop's cut-off, no-shows, deposits, and finishing a
booking into a checkout cart.

The deposit is a small ledger per booking (``booking_deposit``): taken (+), then applied
to the sale by the "Booking deposit" tender, given back, or forfeited (−). The cached
``booking.deposit_held_cents`` changes in the same transaction with a conditional
update, and ``salon db check`` proves cache = sum of ledger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from salon_tui.data.models import Booking, BookingDeposit, BookingLine, BookingResource, Service
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import (
    CLOSED,
    STATUS_LABELS,
    BookingStatus,
    is_late_cancel,
    may_change_status,
)
from salon_tui.domain.clock import business_date, shop_time, utc_now
from salon_tui.domain.tenders import PaymentIn, PaymentProblem, settle
from salon_tui.errors import Conflict, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.bookings import (
    BookingView,
    LineRequest,
    booking_view,
    load_booking,
    place_or_refuse,
    record_event,
    service_label,
)
from salon_tui.services.permissions import require
from salon_tui.services.schedule import load_rules
from salon_tui.services.settings import load_shop_settings

DEPOSIT_TENDER = "deposit"
DEPOSIT_MAX_CENTS = 100_000_00
DEPOSIT_KINDS = {
    "taken": N_("deposit taken"),
    "applied": N_("deposit used at checkout"),
    "returned": N_("deposit given back"),
    "forfeited": N_("deposit forfeited"),
}


def _label(status: str) -> str:
    return _(STATUS_LABELS[BookingStatus(status)])


def _parse_status(value: str) -> BookingStatus:
    cleaned = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return BookingStatus(cleaned)
    except ValueError:
        names = ", ".join(status.value for status in BookingStatus)
        raise ValidationError(
            _("Unknown status {value!r}; choose one of: {names}.").format(value=value, names=names),
            field="status",
        ) from None


def _set_lines_active(session: Session, booking_id: int, active: bool) -> None:
    session.execute(
        update(BookingLine).where(col(BookingLine.booking_id) == booking_id).values(active=active)
    )
    session.execute(
        update(BookingResource)
        .where(col(BookingResource.booking_id) == booking_id)
        .values(active=active)
    )


def _change(
    session: Session, actor: Actor, booking: Booking, target: BookingStatus, reason: str
) -> None:
    current = BookingStatus(booking.status)
    if not may_change_status(current, target):
        raise Conflict(
            _("Booking #{id} is {current}; it cannot become {target}.").format(
                id=booking.id, current=_label(current), target=_label(target)
            )
        )
    booking.status = target.value
    booking.updated_at = utc_now()
    session.add(booking)
    if target in {BookingStatus.CANCELLED, BookingStatus.NO_SHOW}:
        _set_lines_active(session, booking.id or 0, False)
    record_event(
        session,
        actor,
        booking,
        "status",
        from_status=current.value,
        to_status=target.value,
        reason=reason,
    )
    audit.record(
        session,
        actor,
        "booking.status",
        "booking",
        booking.id,
        before={"status": current.value},
        after={"status": target.value, "reason": reason},
    )


def set_status(
    uow: UnitOfWork, actor: Actor, booking_id: int, status: str, reason: str = ""
) -> BookingView:
    """Move a booking along booked → confirmed → arrived → in service. Cancelling, a
    no-show and finishing have their own rules (``cancel``, ``mark_no_show``, ``finish``)."""
    require(actor, "bookings.book")
    target = _parse_status(status)
    if target is BookingStatus.CANCELLED:
        return cancel(uow, actor, booking_id, reason)
    if target is BookingStatus.NO_SHOW:
        return mark_no_show(uow, actor, booking_id, reason)
    if target is BookingStatus.DONE:
        raise ValidationError(
            _("A booking is done when its checkout starts: use finish (F2 from the screen)."),
            field="status",
        )
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        _change(session, actor, booking, target, reason)
        return booking_view(session, booking, actor)


def cancel(uow: UnitOfWork, actor: Actor, booking_id: int, reason: str = "") -> BookingView:
    """Cancel a booking. Inside the shop's cut-off it is a late cancel: the deposit is
    forfeited if the shop says so, otherwise it is given back by the tender it came in."""
    require(actor, "bookings.book")
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        rules = load_rules(session)
        now = utc_now()
        late = is_late_cancel(booking.starts_at, now, rules.cutoff_hours)
        _change(session, actor, booking, BookingStatus.CANCELLED, reason)
        booking.late_cancel = late
        session.add(booking)
        if booking.deposit_held_cents:
            kind = "forfeited" if late and rules.forfeit_late_cancel else "returned"
            _release_deposit(session, actor, booking, kind)
        if booking.ends_at > now:
            from salon_tui.services.booking_waitlist import offer_freed_time

            offer_freed_time(session, booking)
        return booking_view(session, booking, actor)


def mark_no_show(uow: UnitOfWork, actor: Actor, booking_id: int, reason: str = "") -> BookingView:
    """The client did not come: only once the booking's time has started. The deposit is
    forfeited if the shop says so; the member's no-show count goes up."""
    require(actor, "bookings.book")
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        if utc_now() < booking.starts_at:
            raise Conflict(
                _("Booking #{id} has not started yet; a no-show is marked after its time.").format(
                    id=booking.id
                )
            )
        _change(session, actor, booking, BookingStatus.NO_SHOW, reason)
        rules = load_rules(session)
        if booking.deposit_held_cents:
            _release_deposit(
                session, actor, booking, "forfeited" if rules.forfeit_no_show else "returned"
            )
        return booking_view(session, booking, actor)


def move(
    uow: UnitOfWork,
    actor: Actor,
    booking_id: int,
    new_start: datetime,
    *,
    staff_id: int | None = None,
    reason: str = "",
) -> BookingView:
    """Move a booking to another time (and stylist), checking it like a new booking.
    A booking that is done, cancelled or a no-show stays where it was."""
    require(actor, "bookings.book")
    if new_start.tzinfo is None:
        raise ValidationError(_("A booking time needs its timezone."), field="start")
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        if BookingStatus(booking.status) in CLOSED or booking.status == "in_service":
            raise Conflict(
                _("Booking #{id} is {status}; it cannot be moved.").format(
                    id=booking.id, status=_label(booking.status)
                )
            )
        lines = session.exec(
            select(BookingLine)
            .where(col(BookingLine.booking_id) == booking_id)
            .order_by(col(BookingLine.position))
        ).all()
        requests = [
            LineRequest(
                line.service_id,
                staff_id if staff_id is not None else line.staff_id,
                line.duration_min,
            )
            for line in lines
        ]
        proposal, _needs = place_or_refuse(session, requests, new_start, exclude_booking=booking_id)
        zone = load_shop_settings(session).timezone
        old_start = booking.starts_at
        old_staff = sorted({line.staff_id for line in lines})
        session.execute(
            delete(BookingResource).where(col(BookingResource.booking_id) == booking_id)
        )
        for line, part in zip(lines, proposal.parts, strict=True):
            line.starts_at = part.span.start
            line.ends_at = part.span.end
            if staff_id is not None and line.staff_id != staff_id:
                line.requested = True
            line.staff_id = part.staff_id
            session.add(line)
            for resource_id in part.resource_ids:
                session.add(
                    BookingResource(
                        line_id=line.id or 0,
                        booking_id=booking_id,
                        resource_id=resource_id,
                        starts_at=part.span.start,
                        ends_at=part.span.end,
                    )
                )
        booking.starts_at = proposal.start
        booking.ends_at = proposal.end
        booking.business_day = business_date(proposal.start, zone)
        booking.updated_at = utc_now()
        session.add(booking)
        detail = f"{shop_time(old_start, zone):%Y-%m-%d %H:%M} → {shop_time(proposal.start, zone):%Y-%m-%d %H:%M}"
        record_event(session, actor, booking, "moved", detail=detail, reason=reason)
        audit.record(
            session,
            actor,
            "booking.move",
            "booking",
            booking_id,
            before={"start": old_start.isoformat(), "stylists": old_staff},
            after={
                "start": proposal.start.isoformat(),
                "stylists": sorted({part.staff_id for part in proposal.parts}),
            },
        )
        session.flush()
        return booking_view(session, booking, actor)


def edit_note(uow: UnitOfWork, actor: Actor, booking_id: int, note: str) -> BookingView:
    """Change a booking's note (not once it is done)."""
    require(actor, "bookings.book")
    from salon_tui.services.bookings import _clean_note

    cleaned = _clean_note(note)
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        if booking.status == BookingStatus.DONE.value:
            raise Conflict(_("Booking #{id} is done; it cannot change.").format(id=booking.id))
        before = booking.note
        booking.note = cleaned
        booking.updated_at = utc_now()
        session.add(booking)
        record_event(session, actor, booking, "edited", detail=f"{before} → {cleaned}")
        audit.record(
            session,
            actor,
            "booking.edit",
            "booking",
            booking_id,
            before={"note": before},
            after={"note": cleaned},
        )
        return booking_view(session, booking, actor)


# --- deposits --------------------------------------------------------------------------


def _deposit_row(
    session: Session,
    actor: Actor,
    booking: Booking,
    kind: str,
    amount_cents: int,
    *,
    tender: str = "",
    reference: str = "",
    sale_id: int | None = None,
    drawer_id: int | None = None,
) -> None:
    """Append to the deposit ledger and move the cached balance, never below zero."""
    assert booking.id is not None
    if amount_cents < 0:
        result = session.execute(
            update(Booking)
            .where(col(Booking.id) == booking.id, col(Booking.deposit_held_cents) >= -amount_cents)
            .values(deposit_held_cents=Booking.deposit_held_cents + amount_cents)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(
                _("Booking #{id} does not hold that much deposit.").format(id=booking.id)
            )
    else:
        session.execute(
            update(Booking)
            .where(col(Booking.id) == booking.id)
            .values(deposit_held_cents=Booking.deposit_held_cents + amount_cents)
        )
    session.refresh(booking)
    zone = load_shop_settings(session).timezone
    now = utc_now()
    session.add(
        BookingDeposit(
            booking_id=booking.id,
            kind=kind,
            amount_cents=amount_cents,
            tender=tender,
            reference=reference,
            sale_id=sale_id,
            drawer_session_id=drawer_id,
            business_day=business_date(now, zone),
            staff_id=actor.staff_id,
            at=now,
        )
    )
    record_event(
        session,
        actor,
        booking,
        "deposit",
        detail=f"{_(DEPOSIT_KINDS[kind])} {amount_cents}",
    )
    session.flush()


def take_deposit(
    session: Session,
    actor: Actor,
    booking: Booking,
    amount_cents: int,
    tender: str,
    reference: str = "",
) -> None:
    """Record a deposit paid now by ``tender``; cash goes into the open drawer."""
    from salon_tui.services import drawer
    from salon_tui.services.tenders import tender_table

    if not 0 < amount_cents <= DEPOSIT_MAX_CENTS:
        raise ValidationError(
            _("A deposit is more than zero and at most 100,000."), field="deposit"
        )
    tenders = {code: t for code, t in tender_table().items() if code != DEPOSIT_TENDER}
    try:
        (part,) = settle(
            amount_cents, [PaymentIn(tender, amount_cents, reference=reference)], tenders
        )
    except PaymentProblem as problem:
        raise ValidationError(str(problem), field="deposit") from None
    drawer_id = None
    if tenders[part.tender].is_cash:
        drawer_id = drawer.require_open_id(session)
        drawer.add_movement(
            session,
            drawer_id,
            actor,
            "deposit",
            amount_cents,
            note=_("Deposit for booking #{id}").format(id=booking.id),
        )
    _deposit_row(
        session,
        actor,
        booking,
        "taken",
        amount_cents,
        tender=part.tender,
        reference=part.reference,
        drawer_id=drawer_id,
    )


def add_deposit(
    uow: UnitOfWork,
    actor: Actor,
    booking_id: int,
    amount_cents: int,
    tender: str,
    reference: str = "",
) -> BookingView:
    """Take (more) deposit for an open booking."""
    require(actor, "bookings.book")
    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        if BookingStatus(booking.status) in CLOSED:
            raise Conflict(
                _("Booking #{id} is {status}; it takes no deposit.").format(
                    id=booking.id, status=_label(booking.status)
                )
            )
        take_deposit(session, actor, booking, amount_cents, tender, reference)
        audit.record(
            session,
            actor,
            "booking.deposit",
            "booking",
            booking_id,
            after={"amount_cents": amount_cents, "tender": tender},
        )
        return booking_view(session, booking, actor)


def _release_deposit(session: Session, actor: Actor, booking: Booking, kind: str) -> None:
    """Give the whole held deposit back (by the tenders it came in) or forfeit it."""
    from salon_tui.services import drawer

    held = booking.deposit_held_cents
    if kind == "forfeited":
        _deposit_row(session, actor, booking, "forfeited", -held)
        return
    taken = session.exec(
        select(BookingDeposit.tender, func.sum(BookingDeposit.amount_cents))
        .where(col(BookingDeposit.booking_id) == booking.id, col(BookingDeposit.kind) == "taken")
        .group_by(col(BookingDeposit.tender))
    ).all()
    remaining = held
    for tender, amount in sorted(taken, key=lambda row: row[0] != "cash"):
        part = min(int(amount), remaining)
        if part <= 0:
            continue
        drawer_id = None
        if tender == "cash":
            drawer_id = drawer.require_open_id(session)
            drawer.add_movement(
                session,
                drawer_id,
                actor,
                "deposit",
                -part,
                note=_("Deposit back for booking #{id}").format(id=booking.id),
            )
        _deposit_row(session, actor, booking, "returned", -part, tender=tender, drawer_id=drawer_id)
        remaining -= part


def use_deposit_for_sale(session: Session, actor: Actor, sale_id: int, amount_cents: int) -> None:
    """The "Booking deposit" tender: spend the deposit of the booking behind this sale."""
    booking = session.exec(
        select(Booking).where(col(Booking.sale_id) == sale_id).with_for_update()
    ).first()
    if booking is None:
        raise ValidationError(
            _("This sale did not come from a booking; it has no deposit to use."),
            field="tender",
        )
    if amount_cents > booking.deposit_held_cents:
        raise ValidationError(
            _("The booking holds a deposit of {held}; that is all it can pay.").format(
                held=booking.deposit_held_cents / 100
            ),
            field="amount",
        )
    _deposit_row(session, actor, booking, "applied", -amount_cents, sale_id=sale_id)


def deposit_for_sale(uow: UnitOfWork, sale_id: int) -> int:
    """The deposit still held by the booking this sale came from (0 if none)."""
    with uow.read() as session:
        held = session.exec(
            select(Booking.deposit_held_cents).where(col(Booking.sale_id) == sale_id)
        ).first()
        return int(held or 0)


def check_deposit_ledger(session: Session) -> list[str]:
    """Every booking's held deposit equals the sum of its deposit ledger, never below 0."""
    sums = dict(
        session.exec(
            select(BookingDeposit.booking_id, func.sum(BookingDeposit.amount_cents)).group_by(
                col(BookingDeposit.booking_id)
            )
        ).all()
    )
    problems = []
    held_rows = session.exec(
        select(Booking.id, Booking.deposit_held_cents).where(
            (col(Booking.deposit_held_cents) != 0) | col(Booking.id).in_(list(sums))
        )
    ).all()
    for booking_id, held in held_rows:
        total = int(sums.get(booking_id or 0, 0) or 0)
        if held != total or held < 0:
            problems.append(
                _("booking {id}: holds {held} but its deposit ledger adds up to {total}").format(
                    id=booking_id, held=held, total=total
                )
            )
    return problems


# --- finishing into checkout -------------------------------------------------------------


def finish(uow: UnitOfWork, actor: Actor, booking_id: int) -> tuple[BookingView, int]:
    """Done: start the checkout cart with the member, each service at its menu price with
    its stylist (requested or not, for commission). Returns the booking and the sale id;
    the held deposit is paid with the "Booking deposit" tender."""
    require(actor, "bookings.book")
    require(actor, "sales.sell")
    from salon_tui.services import sales

    with uow.transaction() as session:
        booking = load_booking(session, booking_id, lock=True)
        if booking.status in {BookingStatus.ARRIVED.value}:
            _change(session, actor, booking, BookingStatus.IN_SERVICE, "")
        if booking.status != BookingStatus.IN_SERVICE.value:
            raise Conflict(
                _(
                    "Booking #{id} is {status}; only a client who is here can be checked out."
                ).format(id=booking.id, status=_label(booking.status))
            )
        cart = sales.open_sale(
            uow,
            actor,
            member_id=booking.member_id,
            member_label="" if booking.member_id else booking.client_name,
        )
        lines = session.exec(
            select(BookingLine, Service)
            .join(Service, col(Service.id) == col(BookingLine.service_id))
            .where(col(BookingLine.booking_id) == booking_id)
            .order_by(col(BookingLine.position))
        ).all()
        for line, service in lines:
            sales.add_line(
                uow,
                actor,
                cart.sale_id,
                kind="service",
                description=service_label(service),
                unit_cents=service.price_cents,
                item_id=service.id,
                item_code=service.code,
                category=service.commission_category,
                staff=[sales.StaffShare(line.staff_id, requested=line.requested)],
            )
        _change(session, actor, booking, BookingStatus.DONE, "")
        _end_early(session, booking)
        booking.sale_id = cart.sale_id
        session.add(booking)
        session.flush()
        return booking_view(session, booking, actor), cart.sale_id


def _end_early(session: Session, booking: Booking) -> None:
    """A booking finished before its planned end frees the rest of its time (the
    stylist can take the next client; utilisation counts what was used)."""
    now = utc_now().replace(second=0, microsecond=0)
    if not booking.starts_at < now < booking.ends_at:
        return
    for line in session.exec(select(BookingLine).where(col(BookingLine.booking_id) == booking.id)):
        if line.ends_at <= now:
            continue
        line.ends_at = max(line.starts_at, now)
        line.duration_min = int((line.ends_at - line.starts_at).total_seconds() // 60)
        session.add(line)
        session.execute(
            update(BookingResource)
            .where(col(BookingResource.line_id) == line.id)
            .values(ends_at=line.ends_at)
        )
    booking.ends_at = now
    session.add(booking)
