"""The shop's schedule: opening hours, slot size, booking rules, each stylist's shifts
(weekly pattern plus exceptions, breaks, days off), skills, resources and public holidays.

Opening hours and rules are settings under ``bookings.``; shifts, exceptions and
resources are tables. ``day_schedule`` puts one business day together for the finder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from salon_tui.data.models import (
    Booking,
    BookingLine,
    Resource,
    Service,
    ServiceStylist,
    ShiftException,
    Staff,
    StaffShift,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import (
    DEFAULT_SLOT_MINUTES,
    SLOT_SIZES,
    DayHours,
    Span,
    working_spans,
)
from salon_tui.domain.clock import day_bounds_utc, utc_now
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _, current_locale
from salon_tui.services import audit
from salon_tui.services.catalog import RESOURCE_LABELS, RESOURCES
from salon_tui.services.permissions import require
from salon_tui.services.settings import (
    SHOP_PREFIX,
    derived,
    read_setting,
    settings_under,
    write_setting,
)

PREFIX = "bookings."
WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
DEFAULT_HOURS = {str(day): ["10:00", "21:00"] for day in range(7)}
RESOURCE_KINDS = (*RESOURCES, "station")
RESOURCE_KIND_LABELS = {**RESOURCE_LABELS, "station": N_("nail station")}


@dataclass(frozen=True)
class BookingRules:
    slot_minutes: int = DEFAULT_SLOT_MINUTES
    cutoff_hours: int = 24
    forfeit_late_cancel: bool = True
    forfeit_no_show: bool = True
    requested_costs_turn: bool = False
    soon_minutes: int = 30
    holidays_open: bool = True
    # Bookings worth this much (minor units) or more warn until a deposit is taken; 0: never.
    deposit_from_cents: int = 0


RULE_LIMITS = {"cutoff_hours": (0, 168), "soon_minutes": (0, 240)}
DEPOSIT_FROM_LIMIT_CENTS = 100_000_00


def load_rules(session: Session) -> BookingRules:
    """The booking rules, from the ``bookings.`` settings."""
    stored = settings_under(session, PREFIX)
    return BookingRules(
        **{
            name: value
            for name, value in stored.items()
            if name in BookingRules.__dataclass_fields__
        }
    )


def get_rules(uow: UnitOfWork) -> BookingRules:
    with uow.read() as session:
        return load_rules(session)


def set_rules(uow: UnitOfWork, actor: Actor, **changes: Any) -> BookingRules:
    """Change slot size, cancellation cut-off, deposit forfeits, rotation and holiday rules."""
    require(actor, "bookings.schedule")
    unknown = set(changes) - set(BookingRules.__dataclass_fields__)
    if unknown:
        raise ValidationError(
            _("Unknown setting: {names}").format(names=", ".join(sorted(unknown)))
        )
    if "slot_minutes" in changes and changes["slot_minutes"] not in SLOT_SIZES:
        raise ValidationError(
            _("The slot size is one of {sizes} minutes.").format(
                sizes=", ".join(str(size) for size in SLOT_SIZES)
            ),
            field="slot_minutes",
        )
    deposit_from = changes.get("deposit_from_cents")
    if deposit_from is not None and (
        isinstance(deposit_from, bool)
        or not isinstance(deposit_from, int)
        or not 0 <= deposit_from <= DEPOSIT_FROM_LIMIT_CENTS
    ):
        raise ValidationError(
            _("The deposit warning starts at an amount between 0 (never) and {limit}.").format(
                limit=DEPOSIT_FROM_LIMIT_CENTS // 100
            ),
            field="deposit_from_cents",
        )
    for name, (low, high) in RULE_LIMITS.items():
        if name in changes and not low <= int(changes[name]) <= high:
            raise ValidationError(
                _("{name} is between {low} and {high}.").format(name=name, low=low, high=high),
                field=name,
            )
    with uow.transaction() as session:
        before = load_rules(session)
        for name, value in changes.items():
            write_setting(session, PREFIX + name, value)
        after = load_rules(session)
        audit.record(
            session,
            actor,
            "bookings.rules",
            "shop",
            "bookings",
            before=before.__dict__,
            after=after.__dict__,
        )
        return after


# --- opening hours ---------------------------------------------------------------------


def parse_clock(text: str, field: str = "time") -> time:
    """``9:30`` or ``09:30`` (24-hour clock)."""
    try:
        hours, minutes = text.strip().replace("：", ":").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(
            _("{text!r} is not a time of day (use HH:MM, 24-hour).").format(text=text),
            field=field,
        ) from None


def parse_moment(text: str, timezone: str) -> datetime:
    """``2026-11-23 15:00`` (or ``2026-11-23T15:00``) on the shop's clock."""
    from zoneinfo import ZoneInfo

    from salon_tui.domain.dates import parse_date

    cleaned = text.strip().replace("T", " ")
    day_text, _sep, clock_text = cleaned.partition(" ")
    try:
        day = parse_date(day_text)
    except ValueError as error:
        raise ValidationError(str(error), field="start") from None
    if not clock_text.strip():
        raise ValidationError(_("Give a date and a time, e.g. 2026-11-23 15:00."), field="start")
    return datetime.combine(day, parse_clock(clock_text, "start"), tzinfo=ZoneInfo(timezone))


def parse_weekdays(text: str) -> list[int]:
    """``1-5`` or ``6,7`` (1 = Monday) → ``[0, 1, 2, 3, 4]`` / ``[5, 6]``."""
    days: set[int] = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        try:
            if "-" in part:
                low, high = (int(value) for value in part.split("-"))
                days.update(range(low, high + 1))
            elif part:
                days.add(int(part))
        except ValueError:
            raise ValidationError(
                _("{text!r} is not like 1-5 or 6,7 (weekdays, 1 = Monday).").format(text=text),
                field="days",
            ) from None
    if not days or not all(1 <= day <= 7 for day in days):
        raise ValidationError(_("A weekday is 1 (Monday) to 7 (Sunday)."), field="days")
    return sorted(day - 1 for day in days)


def parse_hours(text: str) -> DayHours | None:
    """``10:00-21:00``, with an optional break ``10:00-21:00/13:00-14:00``; ``off`` or
    ``closed`` for none."""
    cleaned = text.strip().lower().replace("–", "-").replace("—", "-")
    if cleaned in {"off", "closed", "-", "休息"}:
        return None
    main, _sep, pause = cleaned.partition("/")
    try:
        start_text, end_text = main.split("-")
    except ValueError:
        raise ValidationError(
            _("{text!r}: give hours as HH:MM-HH:MM, or 'off'.").format(text=text), field="hours"
        ) from None
    break_start = break_end = None
    if pause:
        try:
            pause_start, pause_end = pause.split("-")
        except ValueError:
            raise ValidationError(
                _("{text!r}: give the break as HH:MM-HH:MM.").format(text=text), field="hours"
            ) from None
        break_start, break_end = parse_clock(pause_start), parse_clock(pause_end)
    hours = DayHours(parse_clock(start_text), parse_clock(end_text), break_start, break_end)
    if not hours.is_valid():
        raise ValidationError(
            _("{text!r}: the end comes after the start, and a break inside the hours.").format(
                text=text
            ),
            field="hours",
        )
    return hours


def hours_text(hours: DayHours | None) -> str:
    if hours is None:
        return _("closed")
    text = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    if hours.break_start is not None and hours.break_end is not None:
        text += f"/{hours.break_start:%H:%M}-{hours.break_end:%H:%M}"
    return text


def _stored_hours(session: Session) -> dict[str, Any]:
    stored = read_setting(session, PREFIX + "hours", DEFAULT_HOURS)
    return dict(stored)


def shop_hours(session: Session) -> list[DayHours | None]:
    """Opening hours for Monday … Sunday (None = closed that weekday)."""
    return list(derived(session, "shop_hours", _work_out_shop_hours))


def _work_out_shop_hours(session: Session) -> tuple[DayHours | None, ...]:
    stored = _stored_hours(session)
    week: list[DayHours | None] = []
    for weekday in range(7):
        value = stored.get(str(weekday))
        if not value:
            week.append(None)
            continue
        week.append(DayHours(parse_clock(value[0]), parse_clock(value[1])))
    return tuple(week)


def get_shop_hours(uow: UnitOfWork) -> list[DayHours | None]:
    with uow.read() as session:
        return shop_hours(session)


def set_shop_hours(
    uow: UnitOfWork, actor: Actor, weekdays: Sequence[int], hours_spec: str
) -> list[BookingSummary]:
    """Open (or close) the shop on some weekdays; returns future bookings now stranded."""
    require(actor, "bookings.schedule")
    hours = parse_hours(hours_spec)
    if hours is not None and hours.break_start is not None:
        raise ValidationError(
            _("The shop's hours take no break; give stylists breaks in their shifts."),
            field="hours",
        )
    with uow.transaction() as session:
        stored = _stored_hours(session)
        before = dict(stored)
        for weekday in weekdays:
            stored[str(weekday)] = (
                [f"{hours.start:%H:%M}", f"{hours.end:%H:%M}"] if hours is not None else None
            )
        write_setting(session, PREFIX + "hours", stored)
        audit.record(session, actor, "bookings.hours", "shop", "hours", before=before, after=stored)
        return stranded_bookings(session)


# --- holidays ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayView:
    day: date
    name: str
    open: bool
    decided: bool  # the shop chose for this day (else the rule for holidays applies)


def holiday_country(session: Session) -> str:
    return str(read_setting(session, SHOP_PREFIX + "country", "CN"))


def _holiday_names(country: str, year: int) -> dict[date, str]:
    return _holidays_of(country, year, "zh_CN" if current_locale().startswith("zh") else "en_US")


@lru_cache(maxsize=64)
def _holidays_of(country: str, year: int, language: str) -> dict[date, str]:
    """A country's public holidays of a year (the ``holidays`` package; computed once)."""
    import holidays

    try:
        found = holidays.country_holidays(country, years=year, language=language)
    except NotImplementedError:
        return {}
    return dict(found.items())


def _decisions(session: Session) -> dict[str, bool]:
    return dict(read_setting(session, PREFIX + "holiday_decisions", {}))


def holidays_in(session: Session, year: int) -> list[HolidayView]:
    rules = load_rules(session)
    decisions = _decisions(session)
    return [
        HolidayView(
            day,
            name,
            decisions.get(day.isoformat(), rules.holidays_open),
            day.isoformat() in decisions,
        )
        for day, name in sorted(_holiday_names(holiday_country(session), year).items())
    ]


def list_holidays(uow: UnitOfWork, year: int) -> list[HolidayView]:
    with uow.read() as session:
        return holidays_in(session, year)


def decide_holiday(uow: UnitOfWork, actor: Actor, day: date, open_: bool) -> list[BookingSummary]:
    """Open or close the shop on a public holiday; returns future bookings now stranded."""
    require(actor, "bookings.schedule")
    with uow.transaction() as session:
        if day not in _holiday_names(holiday_country(session), day.year):
            raise ValidationError(
                _("{day} is not a public holiday here; change a stylist's day instead.").format(
                    day=day.isoformat()
                ),
                field="day",
            )
        decisions = _decisions(session)
        before = decisions.get(day.isoformat())
        decisions[day.isoformat()] = open_
        write_setting(session, PREFIX + "holiday_decisions", decisions)
        audit.record(
            session,
            actor,
            "bookings.holiday",
            "shop",
            day.isoformat(),
            before={"open": before},
            after={"open": open_},
        )
        return stranded_bookings(session)


def shop_hours_on(session: Session, day: date, plan: WeekPlan | None = None) -> DayHours | None:
    """The shop's hours on ``day``: its weekday's hours, unless a holiday it closes on."""
    if plan is not None:
        closed = day in _holiday_names(plan.country, day.year) and not plan.decisions.get(
            day.isoformat(), plan.holidays_open
        )
        return None if closed else plan.shop_week[day.weekday()]
    names = _holiday_names(holiday_country(session), day.year)
    if day in names:
        decision = _decisions(session).get(day.isoformat(), load_rules(session).holidays_open)
        if not decision:
            return None
    return shop_hours(session)[day.weekday()]


# --- shifts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftView:
    staff_id: int
    staff_name: str
    week: tuple[DayHours | None, ...]


@dataclass(frozen=True)
class ExceptionView:
    staff_id: int
    staff_name: str
    day: date
    hours: DayHours | None
    note: str


def _staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise NotFound(_("There is no active staff member #{id}.").format(id=staff_id))
    return staff


def _hours_of(row: StaffShift | ShiftException) -> DayHours | None:
    if isinstance(row, ShiftException) and row.off:
        return None
    assert row.start is not None and row.end is not None
    return DayHours(row.start, row.end, row.break_start, row.break_end)


def list_shifts(uow: UnitOfWork) -> list[ShiftView]:
    """Every active staff member's weekly pattern (those without one show as all off)."""
    with uow.read() as session:
        staff = session.exec(
            select(Staff).where(col(Staff.active).is_(True)).order_by(col(Staff.id))
        ).all()
        rows = session.exec(select(StaffShift)).all()
        by_staff: dict[int, list[DayHours | None]] = {}
        for row in rows:
            by_staff.setdefault(row.staff_id, [None] * 7)[row.weekday] = _hours_of(row)
        return [
            ShiftView(person.id or 0, person.name, tuple(by_staff.get(person.id or 0, [None] * 7)))
            for person in staff
            if person.id in by_staff
        ]


def set_shift(
    uow: UnitOfWork, actor: Actor, staff_id: int, weekdays: Sequence[int], hours_spec: str
) -> list[BookingSummary]:
    """Set a stylist's weekly hours on some weekdays (``off`` for days off); returns the
    future bookings the change strands."""
    require(actor, "bookings.schedule")
    hours = parse_hours(hours_spec)
    with uow.transaction() as session:
        person = _staff(session, staff_id)
        for weekday in weekdays:
            if not 0 <= weekday <= 6:
                raise ValidationError(_("A weekday is 1 (Monday) to 7 (Sunday)."), field="day")
            session.exec(
                delete(StaffShift).where(
                    col(StaffShift.staff_id) == staff_id, col(StaffShift.weekday) == weekday
                )
            )
            if hours is not None:
                session.add(
                    StaffShift(
                        staff_id=staff_id,
                        weekday=weekday,
                        start=hours.start,
                        end=hours.end,
                        break_start=hours.break_start,
                        break_end=hours.break_end,
                    )
                )
        session.flush()
        audit.record(
            session,
            actor,
            "bookings.shift",
            "staff",
            staff_id,
            after={"name": person.name, "weekdays": list(weekdays), "hours": hours_text(hours)},
        )
        return stranded_bookings(session, staff_id=staff_id)


def set_day(
    uow: UnitOfWork, actor: Actor, staff_id: int, day: date, hours_spec: str, note: str = ""
) -> list[BookingSummary]:
    """One day unlike the pattern: other hours, or ``off``. ``pattern`` removes the exception."""
    require(actor, "bookings.schedule")
    with uow.transaction() as session:
        person = _staff(session, staff_id)
        session.exec(
            delete(ShiftException).where(
                col(ShiftException.staff_id) == staff_id, col(ShiftException.day) == day
            )
        )
        if hours_spec.strip().lower() != "pattern":
            hours = parse_hours(hours_spec)
            session.add(
                ShiftException(
                    staff_id=staff_id,
                    day=day,
                    off=hours is None,
                    start=hours.start if hours else None,
                    end=hours.end if hours else None,
                    break_start=hours.break_start if hours else None,
                    break_end=hours.break_end if hours else None,
                    note=note.strip()[:200],
                )
            )
        session.flush()
        audit.record(
            session,
            actor,
            "bookings.shift_day",
            "staff",
            staff_id,
            after={"name": person.name, "day": day.isoformat(), "hours": hours_spec},
        )
        return stranded_bookings(session, staff_id=staff_id)


def list_exceptions(uow: UnitOfWork, start: date, end: date) -> list[ExceptionView]:
    with uow.read() as session:
        rows = session.exec(
            select(ShiftException, Staff.name)
            .join(Staff, col(Staff.id) == col(ShiftException.staff_id))
            .where(col(ShiftException.day) >= start, col(ShiftException.day) <= end)
            .order_by(col(ShiftException.day), col(ShiftException.staff_id))
        ).all()
        return [
            ExceptionView(row.staff_id, name, row.day, _hours_of(row), row.note)
            for row, name in rows
        ]


def shift_on(session: Session, staff_id: int, day: date) -> DayHours | None:
    exception = session.exec(
        select(ShiftException).where(
            col(ShiftException.staff_id) == staff_id, col(ShiftException.day) == day
        )
    ).first()
    if exception is not None:
        return _hours_of(exception)
    row = session.exec(
        select(StaffShift).where(
            col(StaffShift.staff_id) == staff_id, col(StaffShift.weekday) == day.weekday()
        )
    ).first()
    return _hours_of(row) if row is not None else None


@dataclass(frozen=True)
class WorkingDay:
    """Who works on a day and when they can take clients (UTC spans)."""

    day: date
    shop: DayHours | None
    stylists: dict[int, tuple[Span, ...]]  # staff id → working spans (breaks removed)
    names: dict[int, str]


@dataclass(frozen=True)
class WeekPlan:
    """What every day of a search shares, read once: the shop's week, the holiday rule,
    the active staff and their weekly patterns (exceptions are read per day)."""

    shop_week: tuple[DayHours | None, ...]
    country: str
    decisions: dict[str, bool]
    holidays_open: bool
    staff: dict[int, str]
    patterns: dict[tuple[int, int], DayHours]  # (staff id, weekday) → hours


def load_week_plan(session: Session) -> WeekPlan:
    staff = {
        staff_id: name
        for staff_id, name in session.exec(
            select(Staff.id, Staff.name).where(col(Staff.active).is_(True))
        )
        if staff_id is not None
    }
    patterns = {
        (staff_id, weekday): DayHours(start, end, break_start, break_end)
        for staff_id, weekday, start, end, break_start, break_end in session.execute(
            sa_select(
                col(StaffShift.staff_id),
                col(StaffShift.weekday),
                col(StaffShift.start),
                col(StaffShift.end),
                col(StaffShift.break_start),
                col(StaffShift.break_end),
            )
        )
    }
    return WeekPlan(
        tuple(shop_hours(session)),
        holiday_country(session),
        _decisions(session),
        load_rules(session).holidays_open,
        staff,
        patterns,
    )


def working_day(
    session: Session, day: date, timezone: str, plan: WeekPlan | None = None
) -> WorkingDay:
    """Everyone's working spans on ``day``: pattern or exception, inside the shop's hours.
    ``plan`` (``load_week_plan``) saves reading the week again for each day of a search."""
    shop = shop_hours_on(session, day, plan)
    patterns: dict[int, DayHours | None]
    if plan is not None:
        staff = plan.staff
        patterns = {
            staff_id: hours
            for (staff_id, weekday), hours in plan.patterns.items()
            if weekday == day.weekday()
        }
    else:
        staff = {
            staff_id: name
            for staff_id, name in session.exec(
                select(Staff.id, Staff.name).where(col(Staff.active).is_(True))
            )
            if staff_id is not None
        }
        patterns = {
            row.staff_id: _hours_of(row)
            for row in session.exec(
                select(StaffShift).where(col(StaffShift.weekday) == day.weekday())
            )
        }
    exceptions = {
        row.staff_id: row
        for row in session.exec(select(ShiftException).where(col(ShiftException.day) == day))
    }
    stylists: dict[int, tuple[Span, ...]] = {}
    for staff_id in sorted(staff):
        if staff_id in exceptions:
            hours = _hours_of(exceptions[staff_id])
        elif staff_id in patterns:
            hours = patterns[staff_id]
        else:
            continue
        spans = working_spans(day, shop, hours, timezone)
        if spans:
            stylists[staff_id] = tuple(spans)
    return WorkingDay(day, shop, stylists, {sid: staff[sid] for sid in stylists})


# --- skills ------------------------------------------------------------------------------


def skilled_stylists(session: Session, service_ids: Sequence[int]) -> dict[int, frozenset[int]]:
    """service id → the staff who may do it; an empty set means anyone may."""
    rows = session.exec(
        select(ServiceStylist.service_id, ServiceStylist.staff_id).where(
            col(ServiceStylist.service_id).in_(list(service_ids))
        )
    ).all()
    found: dict[int, set[int]] = {service_id: set() for service_id in service_ids}
    for service_id, staff_id in rows:
        found[service_id].add(staff_id)
    return {service_id: frozenset(ids) for service_id, ids in found.items()}


def set_skill(uow: UnitOfWork, actor: Actor, staff_id: int, service_id: int, can: bool) -> None:
    """Say whether a stylist does a service (a service nobody is listed for: anyone does)."""
    require(actor, "bookings.schedule")
    with uow.transaction() as session:
        person = _staff(session, staff_id)
        service = session.get(Service, service_id)
        if service is None:
            raise NotFound(_("There is no service #{id}.").format(id=service_id))
        existing = session.exec(
            select(ServiceStylist).where(
                col(ServiceStylist.service_id) == service_id,
                col(ServiceStylist.staff_id) == staff_id,
            )
        ).first()
        if can and existing is None:
            session.add(ServiceStylist(service_id=service_id, staff_id=staff_id))
        elif not can and existing is not None:
            session.delete(existing)
        else:
            return
        session.flush()
        audit.record(
            session,
            actor,
            "bookings.skill",
            "staff",
            staff_id,
            after={"name": person.name, "service": service.code, "can": can},
        )


@dataclass(frozen=True)
class SkillView:
    staff_id: int
    staff_name: str
    services: tuple[str, ...]  # codes


def list_skills(uow: UnitOfWork) -> list[SkillView]:
    with uow.read() as session:
        rows = session.exec(
            select(Staff.id, Staff.name, Service.code)
            .join(ServiceStylist, col(ServiceStylist.staff_id) == col(Staff.id))
            .join(Service, col(Service.id) == col(ServiceStylist.service_id))
            .order_by(col(Staff.id), col(Service.code))
        ).all()
    grouped: dict[tuple[int, str], list[str]] = {}
    for staff_id, name, code in rows:
        grouped.setdefault((staff_id or 0, name), []).append(code)
    return [SkillView(sid, name, tuple(codes)) for (sid, name), codes in grouped.items()]


# --- resources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceView:
    id: int
    name: str
    kind: str
    active: bool

    @property
    def kind_label(self) -> str:
        return _(RESOURCE_KIND_LABELS.get(self.kind, self.kind))


def list_resources(uow: UnitOfWork, *, include_inactive: bool = False) -> list[ResourceView]:
    query = select(Resource).order_by(col(Resource.kind), col(Resource.name))
    if not include_inactive:
        query = query.where(col(Resource.active).is_(True))
    with uow.read() as session:
        return [
            ResourceView(row.id or 0, row.name, row.kind, row.active) for row in session.exec(query)
        ]


def add_resource(uow: UnitOfWork, actor: Actor, name: str, kind: str) -> ResourceView:
    """A chair, basin, room, bed or nail station that services occupy one at a time."""
    require(actor, "bookings.schedule")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 40:
        raise ValidationError(_("A resource needs a name of 1–40 characters."), field="name")
    if kind not in RESOURCE_KINDS:
        raise ValidationError(
            _("Unknown kind {kind!r}; choose one of: {kinds}.").format(
                kind=kind, kinds=", ".join(RESOURCE_KINDS)
            ),
            field="kind",
        )
    with uow.transaction() as session:
        if session.exec(select(Resource).where(col(Resource.name) == cleaned)).first():
            raise Conflict(_("There is already a resource called {name}.").format(name=cleaned))
        row = Resource(name=cleaned, kind=kind)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "bookings.resource",
            "resource",
            row.id,
            after={"name": cleaned, "kind": kind},
        )
        return ResourceView(row.id or 0, row.name, row.kind, row.active)


def retire_resource(uow: UnitOfWork, actor: Actor, name: str) -> list[BookingSummary]:
    """Stop using a resource; refused while future bookings hold it (they are listed)."""
    from salon_tui.data.models import BookingResource

    require(actor, "bookings.schedule")
    with uow.transaction() as session:
        row = session.exec(select(Resource).where(col(Resource.name) == name.strip())).first()
        if row is None:
            raise NotFound(_("There is no resource called {name}.").format(name=name))
        held = session.exec(
            select(BookingResource.booking_id).where(
                col(BookingResource.resource_id) == row.id,
                col(BookingResource.active).is_(True),
                col(BookingResource.starts_at) >= utc_now(),
            )
        ).all()
        if held:
            summaries = _summaries(session, sorted(set(held)))
            raise Conflict(
                _("{name} is booked: {bookings}. Move these first.").format(
                    name=row.name, bookings="; ".join(s.text for s in summaries[:10])
                )
            )
        row.active = False
        session.add(row)
        audit.record(session, actor, "bookings.resource_retire", "resource", row.id)
        return []


# --- bookings a change strands -----------------------------------------------------------


@dataclass(frozen=True)
class BookingSummary:
    id: int
    starts_at: datetime
    client_name: str
    text: str


def _summaries(session: Session, booking_ids: Sequence[int]) -> list[BookingSummary]:
    from salon_tui.services.settings import load_shop_settings

    zone = load_shop_settings(session).timezone
    rows = session.exec(
        select(Booking)
        .where(col(Booking.id).in_(list(booking_ids)))
        .order_by(col(Booking.starts_at))
    ).all()
    from salon_tui.domain.clock import shop_time

    return [
        BookingSummary(
            row.id or 0,
            row.starts_at,
            row.client_name,
            f"#{row.id} {shop_time(row.starts_at, zone):%Y-%m-%d %H:%M} {row.client_name}",
        )
        for row in rows
    ]


def stranded_bookings(session: Session, staff_id: int | None = None) -> list[BookingSummary]:
    """Future active bookings whose lines no longer fit their stylist's working time."""
    from salon_tui.services.settings import load_shop_settings

    zone = load_shop_settings(session).timezone
    query = select(BookingLine).where(
        col(BookingLine.active).is_(True), col(BookingLine.starts_at) >= utc_now()
    )
    if staff_id is not None:
        query = query.where(col(BookingLine.staff_id) == staff_id)
    lines = session.exec(query).all()
    days: dict[date, WorkingDay] = {}
    stranded: set[int] = set()
    from salon_tui.domain.clock import business_date

    for line in lines:
        day = business_date(line.starts_at, zone)
        if day not in days:
            days[day] = working_day(session, day, zone)
        spans = days[day].stylists.get(line.staff_id, ())
        wanted = Span(line.starts_at, line.ends_at)
        if not any(span.contains(wanted) for span in spans):
            stranded.add(line.booking_id)
    return _summaries(session, sorted(stranded))


def day_window(day: date, timezone: str) -> Span:
    start, end = day_bounds_utc(day, timezone)
    return Span(start, end)
