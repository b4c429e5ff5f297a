"""Bookings: find free slots, book (one or several services, a stylist each or "any"),
refuse double bookings, recurring series, and the day's list.

Two terminals cannot both win a slot: ``book`` and ``move`` lock the rows of the
stylists and resources involved (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already lets one writer in at a time), then read the clashes
afresh inside the same transaction before inserting. Statuses, cancellations and
deposits are in ``services.booking_status``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Booking,
    BookingEvent,
    BookingLine,
    BookingResource,
    Member,
    Resource,
    Service,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import (
    MINUTE,
    BookingStatus,
    ResourceUnit,
    ServiceNeed,
    SlotProposal,
    Span,
    StylistDay,
    find_free_slots,
    place_at,
    recurrence_days,
)
from salon_tui.domain.clock import business_date, shop_time, utc_now
from salon_tui.domain.members import normalise_phone
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _, normalise_locale
from salon_tui.services import audit
from salon_tui.services.booking_views import (  # the booking API in one place
    BookingLineView as BookingLineView,
)
from salon_tui.services.booking_views import (
    BookingView as BookingView,
)
from salon_tui.services.booking_views import (
    DayView as DayView,
)
from salon_tui.services.booking_views import (
    EventView as EventView,
)
from salon_tui.services.booking_views import (
    TodayGlance as TodayGlance,
)
from salon_tui.services.booking_views import (
    booking_history as booking_history,
)
from salon_tui.services.booking_views import (
    booking_view as booking_view,
)
from salon_tui.services.booking_views import (
    booking_views as booking_views,
)
from salon_tui.services.booking_views import (
    client_warnings as client_warnings,
)
from salon_tui.services.booking_views import (
    day_view as day_view,
)
from salon_tui.services.booking_views import (
    get_booking as get_booking,
)
from salon_tui.services.booking_views import (
    load_booking as load_booking,
)
from salon_tui.services.booking_views import (
    member_bookings as member_bookings,
)
from salon_tui.services.booking_views import (
    no_show_count as no_show_count,
)
from salon_tui.services.booking_views import (
    service_label as service_label,
)
from salon_tui.services.booking_views import (
    today_glance as today_glance,
)
from salon_tui.services.permissions import require
from salon_tui.services.schedule import (
    WeekPlan,
    day_window,
    load_rules,
    load_week_plan,
    skilled_stylists,
    working_day,
)
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import terminal_store

NOTE_MAX = 200
MINUTES_MAX = 12 * 60
SEARCH_DAYS = 14


@dataclass(frozen=True)
class LineRequest:
    """One service to book: its stylist (None = any who can), its minutes (None = menu)."""

    service_id: int
    staff_id: int | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class SlotLine:
    service_id: int
    service_name: str
    staff_id: int
    staff_name: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SlotView:
    starts_at: datetime
    ends_at: datetime
    lines: tuple[SlotLine, ...]

    def text(self, timezone: str) -> str:
        from salon_tui.services.schedule import WEEKDAY_NAMES

        local = shop_time(self.starts_at, timezone)
        stylists = " → ".join(dict.fromkeys(line.staff_name for line in self.lines))
        weekday = _(WEEKDAY_NAMES[local.weekday()])
        return f"{local:%m-%d} {weekday} {local:%H:%M} {stylists}"


@dataclass(frozen=True)
class SeriesPlan:
    """A recurring booking checked occurrence by occurrence."""

    free: tuple[datetime, ...]
    blocked: tuple[tuple[datetime, str], ...]
    booked: tuple[BookingView, ...] = field(default=())


# --- reading the day -----------------------------------------------------------------------


def _service(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None or not service.active:
        raise NotFound(_("There is no active service #{id}.").format(id=service_id))
    return service


def _busy_spans(
    session: Session, window: Span, exclude_booking: int | None = None
) -> list[tuple[int, datetime, datetime]]:
    """(staff id, start, end) of every line holding time in ``window``."""
    query = select(BookingLine.staff_id, BookingLine.starts_at, BookingLine.ends_at).where(
        col(BookingLine.active).is_(True),
        col(BookingLine.starts_at) < window.end,
        col(BookingLine.ends_at) > window.start,
    )
    if exclude_booking is not None:
        query = query.where(col(BookingLine.booking_id) != exclude_booking)
    return [(staff_id, start, end) for staff_id, start, end in session.exec(query)]


def _busy_lines(
    session: Session, window: Span, exclude_booking: int | None = None
) -> list[BookingLine]:
    query = select(BookingLine).where(
        col(BookingLine.active).is_(True),
        col(BookingLine.starts_at) < window.end,
        col(BookingLine.ends_at) > window.start,
    )
    if exclude_booking is not None:
        query = query.where(col(BookingLine.booking_id) != exclude_booking)
    return list(session.exec(query))


def _busy_resource_spans(
    session: Session, window: Span, exclude_booking: int | None = None
) -> list[tuple[int, datetime, datetime]]:
    query = select(
        BookingResource.resource_id, BookingResource.starts_at, BookingResource.ends_at
    ).where(
        col(BookingResource.active).is_(True),
        col(BookingResource.starts_at) < window.end,
        col(BookingResource.ends_at) > window.start,
    )
    if exclude_booking is not None:
        query = query.where(col(BookingResource.booking_id) != exclude_booking)
    return [(resource_id, start, end) for resource_id, start, end in session.exec(query)]


@dataclass(frozen=True)
class DayState:
    stylists: tuple[StylistDay, ...]
    resources: tuple[ResourceUnit, ...]
    names: dict[int, str]


def _active_resources(session: Session) -> list[tuple[int, str]]:
    return [
        (resource_id or 0, kind)
        for resource_id, kind in session.exec(
            select(Resource.id, Resource.kind).where(col(Resource.active).is_(True))
        )
    ]


def day_state(
    session: Session,
    day: date,
    timezone: str,
    exclude_booking: int | None = None,
    *,
    plan: WeekPlan | None = None,
    resources: Sequence[tuple[int, str]] | None = None,
) -> DayState:
    """The finder's input for one business day: who works when, what is taken. A search
    over several days passes the ``plan`` and ``resources`` it read once."""
    working = working_day(session, day, timezone, plan)
    window = day_window(day, timezone)
    busy: dict[int, list[Span]] = {}
    for staff_id, start, end in _busy_spans(session, window, exclude_booking):
        busy.setdefault(staff_id, []).append(Span(start, end))
    held: dict[int, list[Span]] = {}
    for resource_id, start, end in _busy_resource_spans(session, window, exclude_booking):
        held.setdefault(resource_id, []).append(Span(start, end))
    units = tuple(
        ResourceUnit(resource_id, kind, tuple(held.get(resource_id, ())))
        for resource_id, kind in (
            resources if resources is not None else _active_resources(session)
        )
    )
    stylists = tuple(
        StylistDay(staff_id, spans, tuple(busy.get(staff_id, ())))
        for staff_id, spans in working.stylists.items()
    )
    return DayState(stylists, units, working.names)


def _needs(
    session: Session, requests: Sequence[LineRequest], working_ids: Sequence[int]
) -> list[ServiceNeed]:
    if not requests:
        raise ValidationError(_("Choose at least one service."), field="services")
    skills = skilled_stylists(session, [request.service_id for request in requests])
    needs = []
    for request in requests:
        service = _service(session, request.service_id)
        minutes = request.minutes if request.minutes is not None else service.duration_min
        if not 5 <= minutes <= MINUTES_MAX:
            raise ValidationError(_("A service takes 5 minutes to 12 hours."), field="minutes")
        allowed = skills[request.service_id] or frozenset(working_ids)
        if request.staff_id is not None:
            staff = session.get(Staff, request.staff_id)
            if staff is None or not staff.active:
                raise NotFound(
                    _("There is no active staff member #{id}.").format(id=request.staff_id)
                )
            if skills[request.service_id] and request.staff_id not in skills[request.service_id]:
                raise ValidationError(
                    _("{stylist} does not do {service}; choose someone who does.").format(
                        stylist=staff.name, service=service_label(service)
                    ),
                    field="stylist",
                )
            allowed = frozenset({request.staff_id})
        kinds = tuple(kind for kind in service.resources.split(",") if kind)
        needs.append(ServiceNeed(service.id or 0, minutes, allowed, kinds))
    return needs


def _all_staff_ids(session: Session) -> list[int]:
    return [
        staff_id
        for staff_id in session.exec(select(Staff.id).where(col(Staff.active).is_(True)))
        if staff_id is not None
    ]


def _slot_views(session: Session, proposals: Sequence[SlotProposal]) -> list[SlotView]:
    service_ids = {part.service_id for p in proposals for part in p.parts}
    staff_ids = {part.staff_id for p in proposals for part in p.parts}
    services = {
        row.id: service_label(row)
        for row in session.exec(select(Service).where(col(Service.id).in_(service_ids)))
    }
    names = dict(
        session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(staff_ids))).all()
    )
    return [
        SlotView(
            proposal.start,
            proposal.end,
            tuple(
                SlotLine(
                    part.service_id,
                    services.get(part.service_id, ""),
                    part.staff_id,
                    names.get(part.staff_id, ""),
                    part.span.start,
                    part.span.end,
                )
                for part in proposal.parts
            ),
        )
        for proposal in proposals
    ]


def free_slots_in(
    session: Session,
    requests: Sequence[LineRequest],
    after: datetime,
    *,
    days: int = SEARCH_DAYS,
    limit: int = 5,
    exclude_booking: int | None = None,
) -> list[SlotView]:
    settings = load_shop_settings(session)
    rules = load_rules(session)
    plan = load_week_plan(session)
    resources = _active_resources(session)
    needs = _needs(session, requests, sorted(plan.staff))
    first_day = business_date(after, settings.timezone)
    found: list[SlotProposal] = []
    step = rules.slot_minutes * MINUTE
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        state = day_state(
            session, day, settings.timezone, exclude_booking, plan=plan, resources=resources
        )
        window = day_window(day, settings.timezone)
        if after > window.start:
            # Round up to the slot grid of the day.
            steps = -((window.start - after) // step)
            window = Span(window.start + steps * step, window.end)
        found += find_free_slots(
            needs,
            state.stylists,
            state.resources,
            window,
            rules.slot_minutes,
            limit=limit - len(found),
        )
        if len(found) >= limit:
            break
    return _slot_views(session, found)


def find_slots(
    uow: UnitOfWork,
    actor: Actor,
    requests: Sequence[LineRequest],
    *,
    after: datetime | None = None,
    days: int = SEARCH_DAYS,
    limit: int = 5,
) -> list[SlotView]:
    """The next free starts that fit every service in sequence: skills, shifts and
    breaks, the shop's hours and holidays, bookings and resources."""
    require(actor, "bookings.view")
    with uow.read() as session:
        return free_slots_in(session, requests, after or utc_now(), days=days, limit=limit)


# --- booking -------------------------------------------------------------------------------


def _lock(session: Session, staff_ids: Sequence[int], resource_kinds: Sequence[str]) -> None:
    """Take the row locks that serialise bookings of these stylists and resources."""
    if staff_ids:
        session.exec(
            select(Staff.id)
            .where(col(Staff.id).in_(sorted(set(staff_ids))))
            .order_by(col(Staff.id))
            .with_for_update()
        ).all()
    if resource_kinds:
        session.exec(
            select(Resource.id)
            .where(col(Resource.kind).in_(sorted(set(resource_kinds))))
            .order_by(col(Resource.id))
            .with_for_update()
        ).all()


def _clash_text(
    session: Session,
    needs: Sequence[ServiceNeed],
    start: datetime,
    timezone: str,
    exclude_booking: int | None,
) -> str:
    """Why a start does not fit: the bookings in the way, or the hours it falls outside."""
    day = business_date(start, timezone)
    working = working_day(session, day, timezone)
    reasons: list[str] = []
    cursor = start
    for need in needs:
        wanted = Span(cursor, cursor + need.minutes * MINUTE)
        cursor = wanted.end
        if len(need.stylist_ids) != 1:
            continue
        (staff_id,) = need.stylist_ids
        staff = session.get(Staff, staff_id)
        name = staff.name if staff else str(staff_id)
        if not any(span.contains(wanted) for span in working.stylists.get(staff_id, ())):
            reasons.append(
                _("{stylist} is not working then (shop hours, shift or break)").format(stylist=name)
            )
            continue
        for line in _busy_lines(session, wanted, exclude_booking):
            if line.staff_id != staff_id:
                continue
            booking = session.get(Booking, line.booking_id)
            assert booking is not None
            reasons.append(
                _("{stylist} already has #{id} {client} {start}–{end}").format(
                    stylist=name,
                    id=booking.id,
                    client=booking.client_name,
                    start=f"{shop_time(line.starts_at, timezone):%H:%M}",
                    end=f"{shop_time(line.ends_at, timezone):%H:%M}",
                )
            )
    if not reasons:
        for need in needs:
            for kind in need.resource_kinds:
                reasons.append(_("no free {kind} then").format(kind=_(kind)))
        if not reasons:
            reasons.append(_("nobody who does these services is free then"))
    return "; ".join(dict.fromkeys(reasons))


def _refuse_with_suggestions(
    session: Session,
    requests: Sequence[LineRequest],
    needs: Sequence[ServiceNeed],
    start: datetime,
    timezone: str,
    exclude_booking: int | None = None,
) -> Conflict:
    clash = _clash_text(session, needs, start, timezone, exclude_booking)
    window_start = max(start - timedelta(hours=2), utc_now())
    slots = free_slots_in(
        session, requests, window_start, days=7, limit=3, exclude_booking=exclude_booking
    )
    nearest = ", ".join(slot.text(timezone) for slot in slots) or _("none in the next week")
    return Conflict(
        _("That time is taken: {clash}. Nearest free: {nearest}.").format(
            clash=clash, nearest=nearest
        ),
        title=_("Double booking"),
    )


def _client(
    session: Session, member_id: int | None, name: str, phone: str
) -> tuple[int | None, str, str]:
    if member_id is not None:
        member = session.get(Member, member_id)
        if member is None or member.status != "active":
            raise NotFound(_("There is no active member #{id}.").format(id=member_id))
        return member_id, member.name, member.phone or ""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError(_("Give the client's name, or choose a member."), field="client")
    if len(cleaned) > 60:
        raise ValidationError(_("A name has at most 60 characters."), field="client")
    e164 = ""
    if phone.strip():
        from salon_tui.services.members import shop_region

        try:
            e164 = normalise_phone(phone, shop_region(session))
        except ValueError as error:
            raise ValidationError(str(error), field="phone") from None
        holder = session.exec(
            select(Member).where(col(Member.phone) == e164, col(Member.status) == "active")
        ).first()
        if holder is not None:
            return holder.id, holder.name, e164
    return None, cleaned, e164


def record_event(
    session: Session,
    actor: Actor,
    booking: Booking,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    detail: str = "",
    reason: str = "",
) -> None:
    session.add(
        BookingEvent(
            booking_id=booking.id or 0,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            detail=detail[:400],
            reason=reason.strip()[:200],
            staff_id=actor.staff_id,
            staff_name=actor.name[:60],
            at=utc_now(),
        )
    )


def _insert(
    session: Session,
    actor: Actor,
    proposal: SlotProposal,
    requests: Sequence[LineRequest],
    *,
    member_id: int | None,
    client_name: str,
    phone: str,
    language: str,
    note: str,
    timezone: str,
    status: BookingStatus = BookingStatus.BOOKED,
    source: str = "booking",
    series_id: int | None = None,
) -> Booking:
    assert actor.staff_id is not None
    now = utc_now()
    booking = Booking(
        member_id=member_id,
        client_name=client_name,
        client_phone=phone,
        language=language,
        status=status.value,
        store_id=terminal_store(session).id,
        source=source,
        starts_at=proposal.start,
        ends_at=proposal.end,
        business_day=business_date(proposal.start, timezone),
        note=note,
        series_id=series_id,
        created_by=actor.staff_id,
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    session.flush()
    assert booking.id is not None
    for position, (part, request) in enumerate(zip(proposal.parts, requests, strict=True)):
        line = BookingLine(
            booking_id=booking.id,
            position=position,
            service_id=part.service_id,
            staff_id=part.staff_id,
            requested=request.staff_id is not None,
            duration_min=part.span.minutes,
            starts_at=part.span.start,
            ends_at=part.span.end,
        )
        session.add(line)
        session.flush()
        for resource_id in part.resource_ids:
            session.add(
                BookingResource(
                    line_id=line.id or 0,
                    booking_id=booking.id,
                    resource_id=resource_id,
                    starts_at=part.span.start,
                    ends_at=part.span.end,
                )
            )
    record_event(session, actor, booking, "created", to_status=status.value, detail=note)
    session.flush()
    return booking


def _clean_note(note: str) -> str:
    cleaned = " ".join(note.split())
    if len(cleaned) > NOTE_MAX:
        raise ValidationError(
            _("A note has at most {limit} characters.").format(limit=NOTE_MAX), field="note"
        )
    return cleaned


def _language(session: Session, language: str | None) -> str:
    if language:
        return normalise_locale(language)
    return load_shop_settings(session).locale


def place_or_refuse(
    session: Session,
    requests: Sequence[LineRequest],
    start: datetime,
    *,
    exclude_booking: int | None = None,
) -> tuple[SlotProposal, list[ServiceNeed]]:
    """Lock, read the day afresh and place the services at ``start``; or refuse with the
    clash and the nearest free slots."""
    settings = load_shop_settings(session)
    working_ids = _all_staff_ids(session)
    needs = _needs(session, requests, working_ids)
    _lock(
        session,
        sorted(set().union(*(need.stylist_ids for need in needs))),
        [kind for need in needs for kind in need.resource_kinds],
    )
    day = business_date(start, settings.timezone)
    state = day_state(session, day, settings.timezone, exclude_booking)
    units: dict[str, list[ResourceUnit]] = {}
    for unit in sorted(state.resources, key=lambda unit: unit.resource_id):
        units.setdefault(unit.kind, []).append(unit)
    proposal = place_at(start, needs, {s.staff_id: s for s in state.stylists}, units)
    if proposal is None:
        raise _refuse_with_suggestions(
            session, requests, needs, start, settings.timezone, exclude_booking
        )
    return proposal, needs


def book(
    uow: UnitOfWork,
    actor: Actor,
    requests: Sequence[LineRequest],
    start: datetime,
    *,
    member_id: int | None = None,
    client_name: str = "",
    phone: str = "",
    note: str = "",
    language: str | None = None,
    deposit_cents: int = 0,
    deposit_tender: str = "cash",
    deposit_reference: str = "",
    waitlist_id: int | None = None,
) -> BookingView:
    """Book a member (or a new client by name and phone) at ``start``.

    Refused with the clash and the nearest free slots when a stylist or resource is
    taken or the time is outside the shop's hours or a shift. A deposit is recorded as
    money held for the booking (cash goes into the open drawer). ``waitlist_id`` closes
    that waitlist entry in the same transaction.
    """
    require(actor, "bookings.book")
    if start.tzinfo is None:
        raise ValidationError(_("A booking time needs its timezone."), field="start")
    cleaned_note = _clean_note(note)
    with uow.transaction() as session:
        member, name, e164 = _client(session, member_id, client_name, phone)
        proposal, _needs_used = place_or_refuse(session, requests, start)
        settings = load_shop_settings(session)
        booking = _insert(
            session,
            actor,
            proposal,
            requests,
            member_id=member,
            client_name=name,
            phone=e164,
            language=_language(session, language),
            note=cleaned_note,
            timezone=settings.timezone,
        )
        if deposit_cents:
            from salon_tui.services.booking_status import take_deposit

            take_deposit(session, actor, booking, deposit_cents, deposit_tender, deposit_reference)
        if waitlist_id is not None:
            from salon_tui.services.booking_waitlist import fulfil

            fulfil(session, actor, waitlist_id, booking)
        audit.record(
            session,
            actor,
            "booking.add",
            "booking",
            booking.id,
            after={
                "client": name,
                "member_id": member,
                "start": proposal.start.isoformat(),
                "services": [part.service_id for part in proposal.parts],
                "stylists": [part.staff_id for part in proposal.parts],
                "deposit_cents": deposit_cents,
            },
        )
        return booking_view(session, booking, actor)


def plan_series(
    uow: UnitOfWork,
    actor: Actor,
    requests: Sequence[LineRequest],
    first_start: datetime,
    every_weeks: int,
    *,
    until: date | None = None,
    times: int | None = None,
) -> SeriesPlan:
    """Check every occurrence of a recurring booking; books nothing."""
    require(actor, "bookings.book")
    with uow.read() as session:
        return _plan(session, requests, first_start, every_weeks, until, times)


def _occurrences(
    session: Session,
    first_start: datetime,
    every_weeks: int,
    until: date | None,
    times: int | None,
) -> list[datetime]:
    zone = load_shop_settings(session).timezone
    local = shop_time(first_start, zone)
    try:
        days = recurrence_days(local.date(), every_weeks, until=until, times=times)
    except ValueError:
        raise ValidationError(
            _("A series repeats every 1 or more weeks, until a date or a number of times."),
            field="repeat",
        ) from None
    from zoneinfo import ZoneInfo

    clock = time(local.hour, local.minute)
    return [datetime.combine(day, clock, tzinfo=ZoneInfo(zone)) for day in days]


def _plan(
    session: Session,
    requests: Sequence[LineRequest],
    first_start: datetime,
    every_weeks: int,
    until: date | None,
    times: int | None,
) -> SeriesPlan:
    zone = load_shop_settings(session).timezone
    needs = _needs(session, requests, _all_staff_ids(session))
    free: list[datetime] = []
    blocked: list[tuple[datetime, str]] = []
    states: dict[date, DayState] = {}
    for start in _occurrences(session, first_start, every_weeks, until, times):
        day = start.date()
        if day not in states:
            states[day] = day_state(session, day, zone)
        state = states[day]
        units: dict[str, list[ResourceUnit]] = {}
        for unit in sorted(state.resources, key=lambda unit: unit.resource_id):
            units.setdefault(unit.kind, []).append(unit)
        if start < utc_now():
            blocked.append((start, _("in the past")))
        elif place_at(start, needs, {s.staff_id: s for s in state.stylists}, units) is None:
            blocked.append((start, _clash_text(session, needs, start, zone, None)))
        else:
            free.append(start)
    return SeriesPlan(tuple(free), tuple(blocked))


def book_series(
    uow: UnitOfWork,
    actor: Actor,
    requests: Sequence[LineRequest],
    first_start: datetime,
    every_weeks: int,
    *,
    until: date | None = None,
    times: int | None = None,
    member_id: int | None = None,
    client_name: str = "",
    phone: str = "",
    note: str = "",
    language: str | None = None,
    book_the_rest: bool = False,
) -> SeriesPlan:
    """Book a recurring series in one transaction. When some occurrences are blocked,
    nothing is booked unless ``book_the_rest`` (the person confirmed) — then the free
    ones are."""
    require(actor, "bookings.book")
    cleaned_note = _clean_note(note)
    with uow.transaction() as session:
        plan = _plan(session, requests, first_start, every_weeks, until, times)
        if not plan.free:
            raise Conflict(_("No occurrence of this series is free; nothing was booked."))
        if plan.blocked and not book_the_rest:
            return plan
        member, name, e164 = _client(session, member_id, client_name, phone)
        zone = load_shop_settings(session).timezone
        language_code = _language(session, language)
        booked: list[BookingView] = []
        series_id: int | None = None
        for start in plan.free:
            proposal, _unused = place_or_refuse(session, requests, start)
            booking = _insert(
                session,
                actor,
                proposal,
                requests,
                member_id=member,
                client_name=name,
                phone=e164,
                language=language_code,
                note=cleaned_note,
                timezone=zone,
                series_id=series_id,
            )
            if series_id is None:
                series_id = booking.id
                booking.series_id = series_id
                session.add(booking)
            booked.append(booking_view(session, booking, actor))
        audit.record(
            session,
            actor,
            "booking.series",
            "booking",
            series_id,
            after={
                "client": name,
                "every_weeks": every_weeks,
                "booked": len(plan.free),
                "skipped": [start.isoformat() for start, _reason in plan.blocked],
            },
        )
        return SeriesPlan(plan.free, plan.blocked, tuple(booked))


# --- views ---------------------------------------------------------------------------------
