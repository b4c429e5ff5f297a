"""What the desk sees of bookings: the booking with its lines, resources and warnings
(allergy, patch test due, unpaid deposit, no-shows), its history, the day and today's
glance. A day's bookings are read in a handful of queries, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from salon_tui.data.models import (
    Allergy,
    Booking,
    BookingEvent,
    BookingLine,
    BookingResource,
    PatchTest,
    Resource,
    Service,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import HOLDING, STATUS_LABELS, BookingStatus, Span
from salon_tui.domain.clock import utc_now
from salon_tui.errors import NotFound
from salon_tui.i18n import _
from salon_tui.services.permissions import require
from salon_tui.services.schedule import load_rules, working_day
from salon_tui.services.settings import load_shop_settings, read_setting


@dataclass(frozen=True)
class BookingLineView:
    id: int
    service_id: int
    service_code: str
    service_name: str
    staff_id: int
    staff_name: str
    requested: bool
    starts_at: datetime
    ends_at: datetime
    resources: tuple[str, ...]
    price_cents: int
    needs_patch_test: bool


@dataclass(frozen=True)
class BookingView:
    id: int
    member_id: int | None
    client_name: str
    phone: str  # local digits, masked without member.contact
    language: str
    status: str
    source: str
    starts_at: datetime
    ends_at: datetime
    business_day: date
    note: str
    series_id: int | None
    deposit_held_cents: int
    late_cancel: bool
    sale_id: int | None
    lines: tuple[BookingLineView, ...]
    warnings: tuple[str, ...] = ()
    no_shows: int = 0

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[BookingStatus(self.status)])

    @property
    def services_text(self) -> str:
        return " + ".join(line.service_name for line in self.lines)

    @property
    def stylist_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(line.staff_id for line in self.lines))


def service_label(service: Service) -> str:
    from salon_tui.i18n import current_locale

    if not current_locale().startswith("zh") and service.name_en:
        return service.name_en
    return service.name


def load_booking(session: Session, booking_id: int, *, lock: bool = False) -> Booking:
    query = select(Booking).where(col(Booking.id) == booking_id)
    if lock:
        query = query.with_for_update()
    booking = session.exec(query).first()
    if booking is None:
        raise NotFound(_("There is no booking #{id}.").format(id=booking_id))
    return booking


def no_show_count(session: Session, member_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Booking)
            .where(
                col(Booking.member_id) == member_id,
                col(Booking.status) == BookingStatus.NO_SHOW.value,
            )
        ).one()
    )


def _patch_category(service: Service | None) -> str:
    from salon_tui.services.member_safety import patch_test_category

    return patch_test_category(service)


def booking_views(
    session: Session, rows: Sequence[Booking], actor: Actor, *, with_warnings: bool = True
) -> list[BookingView]:
    """The views of several bookings, each table read once for all of them."""
    from salon_tui.domain.members import calling_code
    from salon_tui.services.member_safety import patch_test_days
    from salon_tui.services.member_search import phone_for
    from salon_tui.services.members import shop_region

    ids = [row.id for row in rows if row.id is not None]
    if not ids:
        return []
    lines: dict[int, list[tuple[BookingLine, Service, Staff]]] = defaultdict(list)
    for line, service, staff in session.exec(
        select(BookingLine, Service, Staff)
        .join(Service, col(Service.id) == col(BookingLine.service_id))
        .join(Staff, col(Staff.id) == col(BookingLine.staff_id))
        .where(col(BookingLine.booking_id).in_(ids))
        .order_by(col(BookingLine.booking_id), col(BookingLine.position))
    ):
        lines[line.booking_id].append((line, service, staff))
    resources: dict[int, list[str]] = defaultdict(list)
    for line_id, name in session.exec(
        select(BookingResource.line_id, Resource.name)
        .join(Resource, col(Resource.id) == col(BookingResource.resource_id))
        .where(col(BookingResource.booking_id).in_(ids))
    ):
        resources[line_id].append(name)
    own_code = calling_code(shop_region(session))
    show_contact = actor.can("member.contact")
    member_ids = sorted({row.member_id for row in rows if row.member_id is not None})
    allergies: dict[int, list[str]] = defaultdict(list)
    no_shows: dict[int, int] = {}
    tests: dict[int, list[PatchTest]] = defaultdict(list)
    threshold = 0
    if with_warnings:
        threshold = int(read_setting(session, "bookings.deposit_from_cents", 0) or 0)
        if member_ids:
            for member_id, substance in session.exec(
                select(Allergy.member_id, Allergy.substance).where(
                    col(Allergy.member_id).in_(member_ids), col(Allergy.removed_at).is_(None)
                )
            ):
                allergies[member_id].append(substance)
            no_shows = {
                int(member_id): int(count)
                for member_id, count in session.exec(
                    select(Booking.member_id, func.count())
                    .where(
                        col(Booking.member_id).in_(member_ids),
                        col(Booking.status) == BookingStatus.NO_SHOW.value,
                    )
                    .group_by(col(Booking.member_id))
                )
                if member_id is not None
            }
            for test in session.exec(
                select(PatchTest).where(col(PatchTest.member_id).in_(member_ids))
            ):
                tests[test.member_id].append(test)
    validity: dict[str, int] = {}

    def patch_valid(member_id: int | None, category: str, on: date) -> bool:
        if member_id is None:
            return False
        same = [t for t in tests.get(member_id, []) if t.category == category]
        latest = max(same, key=lambda t: (t.tested_on, t.id or 0), default=None)
        if latest is None or latest.result != "pass":
            return False
        if category not in validity:
            validity[category] = patch_test_days(session, category)
        return on <= latest.tested_on + timedelta(days=validity[category])

    views = []
    for row in rows:
        assert row.id is not None
        line_views = tuple(
            BookingLineView(
                line.id or 0,
                service.id or 0,
                service.code,
                service_label(service),
                staff.id or 0,
                staff.name,
                line.requested,
                line.starts_at,
                line.ends_at,
                tuple(resources.get(line.id or 0, ())),
                service.price_cents,
                service.needs_patch_test,
            )
            for line, service, staff in lines.get(row.id, [])
        )
        warnings: list[str] = []
        member_no_shows = 0
        if with_warnings:
            if row.member_id is not None and allergies.get(row.member_id):
                warnings.append(
                    _("Allergy: {what}").format(what=", ".join(allergies[row.member_id]))
                )
            if any(
                not patch_valid(row.member_id, _patch_category(service), row.business_day)
                for _line, service, _staff in lines.get(row.id, [])
                if service.needs_patch_test
            ):
                warnings.append(_("Patch test due"))
            member_no_shows = no_shows.get(row.member_id or 0, 0)
            if member_no_shows:
                warnings.append(_("{count} no-shows").format(count=member_no_shows))
            booked_total = sum(line.price_cents for line in line_views)
            if (
                threshold > 0
                and row.deposit_held_cents == 0
                and row.status in {BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value}
                and booked_total >= threshold
            ):
                warnings.append(_("Deposit unpaid"))
        views.append(
            BookingView(
                id=row.id,
                member_id=row.member_id,
                client_name=row.client_name,
                phone=phone_for(row.client_phone or None, own_code, show_contact),
                language=row.language,
                status=row.status,
                source=row.source,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                business_day=row.business_day,
                note=row.note,
                series_id=row.series_id,
                deposit_held_cents=row.deposit_held_cents,
                late_cancel=row.late_cancel,
                sale_id=row.sale_id,
                lines=line_views,
                warnings=tuple(warnings),
                no_shows=member_no_shows,
            )
        )
    return views


def booking_view(
    session: Session, booking: Booking, actor: Actor, *, with_warnings: bool = True
) -> BookingView:
    return booking_views(session, [booking], actor, with_warnings=with_warnings)[0]


def get_booking(uow: UnitOfWork, actor: Actor, booking_id: int) -> BookingView:
    require(actor, "bookings.view")
    with uow.read() as session:
        return booking_view(session, load_booking(session, booking_id), actor)


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    from_status: str
    to_status: str
    detail: str
    reason: str
    staff_name: str


def booking_history(uow: UnitOfWork, actor: Actor, booking_id: int) -> list[EventView]:
    """Everything that happened to a booking, oldest first: who, when, why."""
    require(actor, "bookings.view")
    with uow.read() as session:
        load_booking(session, booking_id)
        rows = session.exec(
            select(BookingEvent)
            .where(col(BookingEvent.booking_id) == booking_id)
            .order_by(col(BookingEvent.at), col(BookingEvent.id))
        ).all()
        return [
            EventView(r.at, r.kind, r.from_status, r.to_status, r.detail, r.reason, r.staff_name)
            for r in rows
        ]


@dataclass(frozen=True)
class DayView:
    day: date
    timezone: str
    slot_minutes: int
    opening: tuple[datetime, datetime] | None
    stylists: tuple[tuple[int, str, tuple[Span, ...]], ...]  # id, name, working spans
    bookings: tuple[BookingView, ...]


def day_view(uow: UnitOfWork, actor: Actor, day: date, *, include_closed: bool = True) -> DayView:
    """One business day: who works (columns), when, and every booking with warnings."""
    require(actor, "bookings.view")
    with uow.read() as session:
        settings = load_shop_settings(session)
        rules = load_rules(session)
        working = working_day(session, day, settings.timezone)
        query = select(Booking).where(col(Booking.business_day) == day)
        if not include_closed:
            query = query.where(col(Booking.status).in_([s.value for s in HOLDING]))
        rows = session.exec(query.order_by(col(Booking.starts_at), col(Booking.id))).all()
        bookings = tuple(booking_views(session, rows, actor))
        on_duty = dict(working.names)
        for booking in bookings:
            for line in booking.lines:
                on_duty.setdefault(line.staff_id, line.staff_name)
        opening = None
        if working.shop is not None:
            from salon_tui.domain.bookings import local_span

            span = local_span(day, working.shop.start, working.shop.end, settings.timezone)
            opening = (span.start, span.end)
        return DayView(
            day,
            settings.timezone,
            rules.slot_minutes,
            opening,
            tuple(
                (staff_id, name, working.stylists.get(staff_id, ()))
                for staff_id, name in sorted(on_duty.items())
            ),
            bookings,
        )


def member_bookings(uow: UnitOfWork, actor: Actor, member_id: int) -> list[BookingView]:
    require(actor, "bookings.view")
    with uow.read() as session:
        rows = session.exec(
            select(Booking)
            .where(col(Booking.member_id) == member_id)
            .order_by(col(Booking.starts_at).desc())
        ).all()
        return booking_views(session, rows, actor, with_warnings=False)


def client_warnings(uow: UnitOfWork, actor: Actor, member_id: int) -> tuple[str, ...]:
    """What the desk should know when booking this member: allergies and no-shows."""
    from salon_tui.data.models import Allergy

    require(actor, "bookings.view")
    with uow.read() as session:
        warnings = []
        allergies = session.exec(
            select(Allergy.substance).where(
                col(Allergy.member_id) == member_id, col(Allergy.removed_at).is_(None)
            )
        ).all()
        if allergies:
            warnings.append(_("Allergy: {what}").format(what=", ".join(allergies)))
        no_shows = no_show_count(session, member_id)
        if no_shows:
            warnings.append(_("{count} no-shows").format(count=no_shows))
        return tuple(warnings)


@dataclass(frozen=True)
class TodayGlance:
    booked: int
    done: int
    waiting: int
    next_up: tuple[BookingView, ...]


def today_glance(uow: UnitOfWork, actor: Actor, day: date, *, shown: int = 4) -> TodayGlance:
    """Home's panel: today's bookings, those done, walk-ins waiting, who comes next."""
    from salon_tui.data.models import WalkIn

    require(actor, "bookings.view")
    now = utc_now()
    with uow.read() as session:
        rows = session.exec(
            select(Booking)
            .where(col(Booking.business_day) == day)
            .order_by(col(Booking.starts_at), col(Booking.id))
        ).all()
        waiting = session.exec(
            select(func.count())
            .select_from(WalkIn)
            .where(col(WalkIn.business_day) == day, col(WalkIn.status) == "waiting")
        ).one()
        upcoming = [
            row
            for row in rows
            if row.status in {BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value}
            and row.ends_at > now
        ][:shown]
        return TodayGlance(
            booked=sum(1 for row in rows if row.status in {s.value for s in HOLDING}),
            done=sum(1 for row in rows if row.status == BookingStatus.DONE.value),
            waiting=int(waiting),
            next_up=tuple(booking_views(session, upcoming, actor)),
        )
