"""The demo shop's bookings: opening hours, shifts with breaks and days off, skills,
resources, a public holiday the shop closes on, four weeks of past bookings (done,
no-shows, late and early cancels, walk-ins), today and the coming week booked, a few
deposits, and today's walk-in queue with its rotation board.

Bookings are placed with the same pure finder the desk uses (so none overlaps) and
bulk-inserted with SQLAlchemy Core: a few hundred rows, well under a second.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from salon_tui.data.models import (
    Booking,
    BookingDeposit,
    BookingEvent,
    BookingLine,
    BookingResource,
    Member,
    RotationTurn,
    WalkIn,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.bookings import (
    MINUTE,
    BookingStatus,
    ResourceUnit,
    ServiceNeed,
    Span,
    StylistDay,
    place_at,
)
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.services import schedule
from salon_tui.services.stores import terminal_store

PAST_DAYS = 28
FUTURE_DAYS = 7
# (staff key, weekdays working 0 = Monday, hours with a break)
SHIFTS = (
    ("tony", (1, 2, 3, 4, 5, 6), "10:00-20:00/13:00-14:00"),
    ("kevin", (0, 1, 2, 3, 4, 5), "10:00-21:00/14:00-15:00"),
    ("amy", (0, 2, 3, 4, 5, 6), "11:00-20:00/14:00-15:00"),
)
HAIR = (
    "C01",
    "C02",
    "C03",
    "C04",
    "C05",
    "W01",
    "W02",
    "W03",
    "P01",
    "P02",
    "P03",
    "D01",
    "D02",
    "D03",
    "D04",
    "T01",
    "T02",
    "T03",
    "M02",
)
BEAUTY = ("N01", "N02", "N03", "N04", "N05", "L01", "L02", "L03", "F01", "F02", "M01")
SKILLS = {"tony": HAIR, "kevin": HAIR, "amy": BEAUTY}
RESOURCES = (
    ("椅位 1", "chair"),
    ("椅位 2", "chair"),
    ("椅位 3", "chair"),
    ("椅位 4", "chair"),
    ("洗头床 1", "basin"),
    ("洗头床 2", "basin"),
    ("美容室", "room"),
    ("美睫床", "bed"),
)
# How often each service is booked (the rest of the menu now and then).
POPULAR = {
    "C01": 9,
    "C02": 5,
    "C03": 6,
    "W01": 4,
    "D01": 3,
    "D02": 2,
    "D04": 3,
    "P02": 2,
    "T01": 2,
    "N01": 3,
    "N02": 4,
    "L01": 2,
    "L03": 2,
    "F02": 1,
}
NOTES = (
    "老客户，喜欢安静",
    "要求 Tony 剪短一点",
    "第一次来",
    "带孩子一起",
    "",
    "",
    "",
    "",
    "想试试新颜色 wants a new colour",
    "",
)
NEW_CLIENTS = (
    ("陈小姐", "13661234567"),
    ("Mr. Lee", "13917775678"),
    ("王先生", "13501236789"),
    ("周女士", "18612340987"),
    ("Anna", "13800001234"),
)


def seed_bookings(uow: UnitOfWork, context: Any) -> dict[str, int]:
    owner = context.owner
    rng = context.rng
    staff = context.staff_ids
    services: dict[str, int] = context.made.get("services", {})
    schedule.set_shop_hours(uow, owner, range(7), "10:00-21:00")
    for key, weekdays, hours in SHIFTS:
        schedule.set_shift(uow, owner, staff[key], weekdays, hours)
    # Tony is at a training day next Thursday.
    thursday = context.today + timedelta(days=(3 - context.today.weekday()) % 7 or 7)
    schedule.set_day(uow, owner, staff["tony"], thursday, "off", "培训 training")
    for key, codes in SKILLS.items():
        for code in codes:
            if code in services:
                schedule.set_skill(uow, owner, staff[key], services[code], True)
    for name, kind in RESOURCES:
        schedule.add_resource(uow, owner, name, kind)
    holidays = [h for h in schedule.list_holidays(uow, context.today.year + 1)]
    if holidays:
        schedule.decide_holiday(uow, owner, holidays[0].day, False)
    # Colours and perms (¥500 and up) want a deposit: the grid warns until one is paid.
    schedule.set_rules(uow, owner, cutoff_hours=24, deposit_from_cents=50_000)
    counts = _bookings(uow, context, rng, staff, services)
    counts["on the waitlist"] = _waitlist(uow, context, staff, services)
    return counts


def _waitlist(
    uow: UnitOfWork, context: Any, staff: dict[str, int], services: dict[str, int]
) -> int:
    """A regular waits for Tony's next afternoon; a client waiting for today is offered
    the time of a booking cancelled this morning (the screen shows it to the desk)."""
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import booking_status, booking_waitlist
    from salon_tui.services.settings import load_shop_settings

    owner = context.owner
    joined = 0
    with uow.read() as session:
        zone = load_shop_settings(session).timezone
        member = session.exec(
            select(Member).where(col(Member.status) == "active").order_by(col(Member.id))
        ).first()
        later = session.exec(
            select(Booking)
            .where(
                col(Booking.business_day) == context.today,
                col(Booking.status).in_(
                    [BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value]
                ),
                col(Booking.deposit_held_cents) == 0,
                col(Booking.source) == "booking",
                col(Booking.starts_at) >= utc_now() + timedelta(hours=1),
            )
            .order_by(col(Booking.starts_at))
        ).first()
        later_line = (
            session.exec(select(BookingLine).where(col(BookingLine.booking_id) == later.id)).first()
            if later is not None
            else None
        )
    tony_days = next(weekdays for key, weekdays, _hours in SHIFTS if key == "tony")
    wanted = next(
        context.today + timedelta(days=offset)
        for offset in range(1, 8)
        if (context.today + timedelta(days=offset)).weekday() in tony_days
        and (context.today + timedelta(days=offset)).weekday() != 3  # his training day
    )
    if member is not None and "D01" in services:
        booking_waitlist.join(
            uow,
            owner,
            wanted,
            services["D01"],
            staff_id=staff["tony"],
            member_id=member.id,
            window_start=time(14),
            window_end=time(18),
            note="想约 Tony 下午染发 wants Tony in the afternoon",
        )
        joined += 1
    if later is not None and later_line is not None:
        start = shop_time(later.starts_at, zone).time()
        booking_waitlist.join(
            uow,
            owner,
            context.today,
            later_line.service_id,
            client_name="刘女士",
            phone="13916665432",
            window_start=time(max(start.hour - 1, 0)),
            window_end=time(min(start.hour + 3, 23)),
            note="今天满了，有空位请电话 call if a slot frees",
        )
        booking_status.cancel(uow, owner, later.id or 0, "客人改期 rescheduled")
        joined += 1
    return joined


def _bookings(
    uow: UnitOfWork, context: Any, rng: Any, staff: dict[str, int], services: dict[str, int]
) -> dict[str, int]:
    from salon_tui.data.models import Resource, Service
    from salon_tui.services.bookings import service_label  # noqa: F401
    from salon_tui.services.schedule import skilled_stylists, working_day
    from salon_tui.services.settings import load_shop_settings

    now = utc_now().replace(second=0, microsecond=0)
    with uow.read() as session:
        zone = load_shop_settings(session).timezone
        menu = {
            row.id: row
            for row in session.exec(select(Service).where(col(Service.active)))
            if row.id is not None
        }
        skills = skilled_stylists(session, list(menu))
        units = [(row.id or 0, row.kind) for row in session.exec(select(Resource))]
        members = [
            (int(row[0]), str(row[1]), row[2])
            for row in session.execute(
                select(col(Member.id), col(Member.name), col(Member.phone))
                .where(col(Member.status) == "active")
                .limit(5_000)
            )
        ]
        days = [
            context.today + timedelta(days=offset) for offset in range(-PAST_DAYS, FUTURE_DAYS + 1)
        ]
        working = {day: working_day(session, day, zone) for day in days}
        next_id = {
            "booking": _max(session, Booking.id) + 1,
            "line": _max(session, BookingLine.id) + 1,
        }
    weights = [(services[code], weight) for code, weight in POPULAR.items() if code in services]
    pool = [service_id for service_id, weight in weights for _ in range(weight)]
    pool += [service_id for service_id in menu if rng.random() < 0.3]
    rows: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("booking", "line", "resource", "event", "deposit", "walk_in", "turn")
    }
    owner_id = context.owner.staff_id
    turns: dict[int, int] = {}
    for day in days:
        day_working = working[day]
        if not day_working.stylists:
            continue
        busy: dict[int, list[Span]] = {sid: [] for sid in day_working.stylists}
        held: dict[int, list[Span]] = {rid: [] for rid, _kind in units}
        weekend = day.weekday() >= 5
        wanted = rng.randint(14, 22) if weekend else rng.randint(8, 15)
        if day == context.today:
            wanted += 4
        opening = min(span.start for spans in day_working.stylists.values() for span in spans)
        for _attempt in range(wanted * 3):
            if wanted <= 0:
                break
            service_id = rng.choice(pool)
            service = menu[service_id]
            allowed = skills.get(service_id) or frozenset(day_working.stylists)
            allowed = frozenset(sid for sid in allowed if sid in day_working.stylists)
            if not allowed:
                continue
            start = opening + timedelta(minutes=15 * rng.randint(0, 40))
            need = ServiceNeed(
                service_id,
                service.duration_min,
                allowed,
                tuple(k for k in service.resources.split(",") if k),
            )
            stylists = {
                sid: StylistDay(sid, day_working.stylists[sid], tuple(busy[sid])) for sid in allowed
            }
            by_kind: dict[str, list[ResourceUnit]] = {}
            for rid, kind in units:
                by_kind.setdefault(kind, []).append(ResourceUnit(rid, kind, tuple(held[rid])))
            proposal = place_at(start, [need], stylists, by_kind)
            if proposal is None:
                continue
            wanted -= 1
            part = proposal.parts[0]
            busy[part.staff_id].append(part.span)
            for rid in part.resource_ids:
                held[rid].append(part.span)
            _add_booking(
                rows, next_id, rng, context, day, now, part, members, owner_id, turns, zone
            )
    _walk_ins(rows, context, rng, services, staff, now, turns)
    with uow.transaction() as session:
        store_id = terminal_store(session).id
        for row in rows["booking"]:
            row["store_id"] = store_id
        for model, key in (
            (Booking, "booking"),
            (BookingLine, "line"),
            (BookingResource, "resource"),
            (BookingEvent, "event"),
            (BookingDeposit, "deposit"),
            (WalkIn, "walk_in"),
            (RotationTurn, "turn"),
        ):
            if rows[key]:
                session.execute(insert(model), rows[key])
    return {
        "bookings": len(rows["booking"]),
        "walk-ins waiting": sum(1 for row in rows["walk_in"] if row["status"] == "waiting"),
    }


def _max(session: Any, column: Any) -> int:
    from sqlalchemy import func

    return int(session.execute(select(func.coalesce(func.max(column), 0))).scalar_one())


def _status(rng: Any, start: datetime, end: datetime, now: datetime) -> tuple[str, bool]:
    """A believable status for a booking at this time; (status, late cancel)."""
    roll = rng.random()
    if end <= now:
        if roll < 0.05:
            return BookingStatus.NO_SHOW.value, False
        if roll < 0.09:
            return BookingStatus.CANCELLED.value, True
        if roll < 0.13:
            return BookingStatus.CANCELLED.value, False
        return BookingStatus.DONE.value, False
    if start <= now:
        return (
            BookingStatus.IN_SERVICE.value if roll < 0.7 else BookingStatus.ARRIVED.value,
            False,
        )
    if roll < 0.04:
        return BookingStatus.CANCELLED.value, False
    if start - now < timedelta(hours=30) or roll < 0.35:
        return BookingStatus.CONFIRMED.value, False
    return BookingStatus.BOOKED.value, False


def _add_booking(
    rows: dict[str, list[dict[str, Any]]],
    next_id: dict[str, int],
    rng: Any,
    context: Any,
    day: date,
    now: datetime,
    part: Any,
    members: list[tuple[int, str, Any]],
    owner_id: int,
    turns: dict[int, int],
    zone: str,
) -> None:
    booking_id = next_id["booking"]
    line_id = next_id["line"]
    next_id["booking"] += 1
    next_id["line"] += 1
    start, end = part.span.start, part.span.end
    status, late = _status(rng, start, end, now)
    walk_in = end <= now + timedelta(hours=2) and start <= now and rng.random() < 0.15
    if members and rng.random() < 0.75:
        member_id, name, phone = rng.choice(members)
    else:
        member_id = None
        name, phone = rng.choice(NEW_CLIENTS)
        phone = "+86" + phone
    created = start - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
    if walk_in:
        created = start
        turns[part.staff_id] = turns.get(part.staff_id, 0) + (1 if day == context.today else 0)
    created = min(created, now)
    active = status not in {BookingStatus.CANCELLED.value, BookingStatus.NO_SHOW.value}
    rows["booking"].append(
        {
            "id": booking_id,
            "member_id": member_id,
            "client_name": name,
            "client_phone": phone or "",
            "language": "en" if name in {"Mr. Lee", "Anna"} else "zh_CN",
            "status": status,
            "source": "walk_in" if walk_in else "booking",
            "starts_at": start,
            "ends_at": end,
            "business_day": day,
            "note": "" if walk_in else rng.choice(NOTES),
            "series_id": None,
            "late_cancel": late,
            "deposit_held_cents": 0,
            "sale_id": None,
            "created_by": owner_id,
            "created_at": created,
            "updated_at": created,
        }
    )
    rows["line"].append(
        {
            "id": line_id,
            "booking_id": booking_id,
            "position": 0,
            "service_id": part.service_id,
            "staff_id": part.staff_id,
            "requested": not walk_in and rng.random() < 0.55,
            "duration_min": part.span.minutes,
            "starts_at": start,
            "ends_at": end,
            "active": active,
        }
    )
    for resource_id in part.resource_ids:
        rows["resource"].append(
            {
                "line_id": line_id,
                "booking_id": booking_id,
                "resource_id": resource_id,
                "starts_at": start,
                "ends_at": end,
                "active": active,
            }
        )
    rows["event"].append(
        {
            "booking_id": booking_id,
            "kind": "created",
            "from_status": "",
            "to_status": "booked",
            "detail": "",
            "reason": "",
            "staff_id": owner_id,
            "staff_name": context.owner.name,
            "at": created,
        }
    )
    if status != BookingStatus.BOOKED.value:
        reason = {"cancelled": "客人有事 client busy", "no_show": "电话未接 no answer"}.get(
            status, ""
        )
        at = min(start if status != "cancelled" else created + timedelta(hours=1), now)
        rows["event"].append(
            {
                "booking_id": booking_id,
                "kind": "status",
                "from_status": "booked",
                "to_status": status,
                "detail": "",
                "reason": reason,
                "staff_id": owner_id,
                "staff_name": context.owner.name,
                "at": at,
            }
        )
    if status in {"booked", "confirmed"} and rng.random() < 0.12:
        amount = rng.choice((5_000, 10_000, 20_000))
        rows["booking"][-1]["deposit_held_cents"] = amount
        rows["deposit"].append(
            {
                "booking_id": booking_id,
                "kind": "taken",
                "amount_cents": amount,
                "tender": "wechat",
                "reference": f"WX{booking_id:08d}",
                "sale_id": None,
                "drawer_session_id": None,
                "business_day": business_date(created, zone),
                "staff_id": owner_id,
                "at": created,
            }
        )


def _walk_ins(
    rows: dict[str, list[dict[str, Any]]],
    context: Any,
    rng: Any,
    services: dict[str, int],
    staff: dict[str, int],
    now: datetime,
    turns: dict[int, int],
) -> None:
    for (name, code), minutes in zip(
        (("路人 刘先生", "C03"), ("张阿姨", "W01"), ("Linda", "N01")), (25, 12, 4), strict=True
    ):
        if code not in services:
            continue
        rows["walk_in"].append(
            {
                "business_day": context.today,
                "client_name": name,
                "member_id": None,
                "service_id": services[code],
                "requested_staff_id": staff["kevin"] if name == "张阿姨" else None,
                "status": "waiting",
                "staff_id": None,
                "by_rotation": False,
                "booking_id": None,
                "joined_at": now - minutes * MINUTE,
                "served_at": None,
            }
        )
    for staff_id, count in turns.items():
        if count:
            rows["turn"].append(
                {
                    "business_day": context.today,
                    "staff_id": staff_id,
                    "turns": count,
                    "last_turn_at": now - timedelta(minutes=rng.randint(20, 200)),
                }
            )
