"""`salon report bookings`: bookings by hour of day and weekday, no-show and late-cancel
rates, utilisation per stylist (booked minutes / shift minutes), walk-ins vs bookings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from salon_tui.data.models import Booking, BookingLine, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import BookingStatus
from salon_tui.domain.clock import shop_time
from salon_tui.domain.periods import Period
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.reports import (
    Chart,
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)
from salon_tui.services.schedule import WEEKDAY_NAMES, working_day

SHIFT_DAYS_LIMIT = 400


def _rate(part: int, whole: int) -> int:
    """Basis points, rounded half up."""
    return (part * 10_000 + whole // 2) // whole if whole else 0


@dataclass(frozen=True)
class StylistTime:
    """Minutes booked (bookings kept, not cancelled or no-shows) and minutes on shift per
    stylist in a period; ``note`` says when a long period counted shifts only in part."""

    booked: Counter[int]
    shift: Counter[int]
    note: str = ""

    def utilisation_bp(self, staff_id: int) -> int | None:
        """Booked over shift minutes (basis points); None without a shift."""
        shift = self.shift[staff_id]
        return _rate(self.booked[staff_id], shift) if shift else None


def booked_and_shift_minutes(
    session: Session, period: Period, timezone: str, store: int | None = None
) -> StylistTime:
    """What utilisation is made of, for the bookings and the staff report alike.

    With ``store``, booked minutes are that store's bookings; shifts are a person's, not a
    store's, so shift minutes stay whole and only people booked in the store are kept."""
    kept = [
        status.value
        for status in BookingStatus
        if status not in {BookingStatus.CANCELLED, BookingStatus.NO_SHOW}
    ]
    booked: Counter[int] = Counter()
    query = (
        select(BookingLine.staff_id, BookingLine.duration_min)
        .join(Booking, col(Booking.id) == col(BookingLine.booking_id))
        .where(
            col(Booking.business_day) >= period.start,
            col(Booking.business_day) <= period.end,
            col(Booking.status).in_(kept),
        )
    )
    if store is not None:
        query = query.where(col(Booking.store_id) == store)
    for staff_id, minutes in session.exec(query).all():
        booked[staff_id] += minutes
    shift: Counter[int] = Counter()
    day = period.start
    counted = 0
    while day <= period.end and counted < SHIFT_DAYS_LIMIT:
        for staff_id, spans in working_day(session, day, timezone).stylists.items():
            shift[staff_id] += sum(span.minutes for span in spans)
        day += timedelta(days=1)
        counted += 1
    note = ""
    if day <= period.end:
        note = _("Shift minutes count the first {days} days only.").format(days=SHIFT_DAYS_LIMIT)
    if store is not None:
        shift = Counter({staff_id: shift[staff_id] for staff_id in booked})
        store_note = _(
            "Shifts belong to people, not stores: shift minutes are each person's whole "
            "shifts, for the people booked in this store."
        )
        note = f"{note} {store_note}".strip()
    return StylistTime(booked, shift, note)


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    store = request.store_id
    query = select(
        col(Booking.starts_at),
        col(Booking.status),
        col(Booking.source),
        col(Booking.late_cancel),
    ).where(col(Booking.business_day) >= period.start, col(Booking.business_day) <= period.end)
    if store is not None:
        query = query.where(col(Booking.store_id) == store)
    with uow.read() as session:
        rows = session.exec(query).all()
        time = booked_and_shift_minutes(session, period, shop.timezone, store)
        booked_minutes, shift_minutes = time.booked, time.shift
        names = {
            staff_id: name
            for staff_id, name in session.exec(select(Staff.id, Staff.name))
            if staff_id is not None
        }

    by_hour: Counter[int] = Counter()
    by_weekday: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    late = 0
    for starts_at, status, source, late_cancel in rows:
        local = shop_time(starts_at, shop.timezone)
        by_hour[local.hour] += 1
        by_weekday[local.weekday()] += 1
        statuses[status] += 1
        sources[source] += 1
        late += 1 if late_cancel else 0
    total = len(rows)

    count = ReportColumn("bookings", _("Bookings"), Kind.INT)
    hour_section = Section(
        "by_hour",
        _("By hour of day"),
        (ReportColumn("hour", _("Hour")), count),
        [{"hour": f"{hour:02d}:00", "bookings": by_hour[hour]} for hour in sorted(by_hour)],
        Chart("bar", "hour", ("bookings",), _("Bookings by hour")),
    )
    weekday_section = Section(
        "by_weekday",
        _("By weekday"),
        (ReportColumn("weekday", _("Weekday")), count),
        [{"weekday": _(WEEKDAY_NAMES[day]), "bookings": by_weekday[day]} for day in range(7)],
        Chart("bar", "weekday", ("bookings",)),
    )
    outcome_section = Section(
        "outcomes",
        _("Outcomes"),
        (
            ReportColumn("measure", _("Measure")),
            ReportColumn("count", _("Count"), Kind.INT),
            ReportColumn("rate", _("Share"), Kind.PERCENT),
        ),
        [
            {"measure": _("All bookings"), "count": total, "rate": _rate(total, total)},
            {
                "measure": _("Done"),
                "count": statuses["done"],
                "rate": _rate(statuses["done"], total),
            },
            {
                "measure": _("No-shows"),
                "count": statuses["no_show"],
                "rate": _rate(statuses["no_show"], total),
            },
            {
                "measure": _("Cancelled"),
                "count": statuses["cancelled"],
                "rate": _rate(statuses["cancelled"], total),
            },
            {"measure": _("Late cancels"), "count": late, "rate": _rate(late, total)},
            {
                "measure": _("Booked ahead"),
                "count": sources["booking"],
                "rate": _rate(sources["booking"], total),
            },
            {
                "measure": _("Walk-ins"),
                "count": sources["walk_in"],
                "rate": _rate(sources["walk_in"], total),
            },
        ],
    )
    stylists = sorted(set(shift_minutes) | set(booked_minutes), key=lambda sid: names.get(sid, ""))
    utilisation_section = Section(
        "utilisation",
        _("Utilisation per stylist"),
        (
            ReportColumn("stylist", _("Stylist")),
            ReportColumn("booked_minutes", _("Booked minutes"), Kind.INT),
            ReportColumn("shift_minutes", _("Shift minutes"), Kind.INT),
            ReportColumn("utilisation", _("Utilisation"), Kind.PERCENT),
        ),
        [
            {
                "stylist": names.get(staff_id, str(staff_id)),
                "booked_minutes": booked_minutes[staff_id],
                "shift_minutes": shift_minutes[staff_id],
                "utilisation": _rate(booked_minutes[staff_id], shift_minutes[staff_id]),
            }
            for staff_id in stylists
        ],
        Chart("bar", "stylist", ("utilisation",)),
    )
    notes = [time.note] if time.note else []
    return ReportResult(
        name="bookings",
        title=_("Bookings"),
        period=period,
        currency=shop.currency,
        sections=(outcome_section, hour_section, weekday_section, utilisation_section),
        notes=notes,
    )


register(
    ReportSpec(
        name="bookings",
        title=N_("Bookings"),
        description=N_("Bookings by hour and weekday, no-shows, late cancels, utilisation."),
        permission="reports.bookings",
        build=build,
        by_store=True,
    )
)
