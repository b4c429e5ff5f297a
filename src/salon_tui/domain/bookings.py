"""Booking rules that need no database: working time, free slots, statuses, recurrences
and the walk-in rotation.

Every span is half-open (``start <= t < end``) and made of aware datetimes, so the
finder works the same in any timezone; the service layer turns the shop's wall-clock
hours into these spans for one business day at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from salon_tui.i18n import N_

MINUTE = timedelta(minutes=1)
SLOT_SIZES = (5, 10, 15, 20, 30, 60)
DEFAULT_SLOT_MINUTES = 15


@dataclass(frozen=True, order=True)
class Span:
    start: datetime
    end: datetime

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) / MINUTE)


# --- working time --------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    """Wall-clock opening (or shift) hours of one day, with an optional break."""

    start: time
    end: time
    break_start: time | None = None
    break_end: time | None = None

    def is_valid(self) -> bool:
        if not self.start < self.end:
            return False
        if (self.break_start is None) != (self.break_end is None):
            return False
        if self.break_start is not None and self.break_end is not None:
            return self.start <= self.break_start < self.break_end <= self.end
        return True


def local_span(day: date, start: time, end: time, timezone: str) -> Span:
    zone = ZoneInfo(timezone)
    return Span(datetime.combine(day, start, tzinfo=zone), datetime.combine(day, end, tzinfo=zone))


def subtract(spans: Iterable[Span], holes: Iterable[Span]) -> list[Span]:
    """``spans`` with every part covered by ``holes`` removed (sorted, non-empty pieces)."""
    pieces = sorted(spans)
    for hole in sorted(holes):
        cut: list[Span] = []
        for piece in pieces:
            if not piece.overlaps(hole):
                cut.append(piece)
                continue
            if piece.start < hole.start:
                cut.append(Span(piece.start, hole.start))
            if hole.end < piece.end:
                cut.append(Span(hole.end, piece.end))
        pieces = cut
    return pieces


def intersect(first: Iterable[Span], second: Iterable[Span]) -> list[Span]:
    out = []
    for a in first:
        for b in second:
            start, end = max(a.start, b.start), min(a.end, b.end)
            if start < end:
                out.append(Span(start, end))
    return sorted(out)


def working_spans(
    day: date, shop: DayHours | None, shift: DayHours | None, timezone: str
) -> list[Span]:
    """When a stylist can take clients on ``day``: their shift inside the shop's hours,
    minus both breaks. ``None`` for either means closed / day off."""
    if shop is None or shift is None:
        return []
    spans = intersect(
        [local_span(day, shop.start, shop.end, timezone)],
        [local_span(day, shift.start, shift.end, timezone)],
    )
    holes = [
        local_span(day, hours.break_start, hours.break_end, timezone)
        for hours in (shop, shift)
        if hours.break_start is not None and hours.break_end is not None
    ]
    return subtract(spans, holes)


# --- the free-slot finder ------------------------------------------------------------


@dataclass(frozen=True)
class StylistDay:
    staff_id: int
    working: tuple[Span, ...]
    busy: tuple[Span, ...] = ()


@dataclass(frozen=True)
class ResourceUnit:
    resource_id: int
    kind: str
    busy: tuple[Span, ...] = ()


@dataclass(frozen=True)
class ServiceNeed:
    """One service of a booking: how long, who may do it, what it occupies."""

    service_id: int
    minutes: int
    stylist_ids: frozenset[int]  # the allowed stylists (skill, and the client's choice)
    resource_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlacedService:
    service_id: int
    staff_id: int
    span: Span
    resource_ids: tuple[int, ...]


@dataclass(frozen=True)
class SlotProposal:
    start: datetime
    end: datetime
    parts: tuple[PlacedService, ...]


@lru_cache(maxsize=256)
def _in_order(stylist_ids: frozenset[int]) -> tuple[int, ...]:
    return tuple(sorted(stylist_ids))


def _is_free(busy: Sequence[Span], wanted: Span) -> bool:
    return not any(span.overlaps(wanted) for span in busy)


def _place_resources(
    kinds: Sequence[str], units_by_kind: Mapping[str, Sequence[ResourceUnit]], wanted: Span
) -> tuple[int, ...] | None:
    chosen: list[int] = []
    for kind in kinds:
        units = units_by_kind.get(kind)
        if not units:
            continue  # the shop keeps no count of this kind of resource
        free = next((unit for unit in units if _is_free(unit.busy, wanted)), None)
        if free is None:
            return None
        chosen.append(free.resource_id)
    return tuple(chosen)


def place_at(
    start: datetime,
    needs: Sequence[ServiceNeed],
    stylists: Mapping[int, StylistDay],
    units_by_kind: Mapping[str, Sequence[ResourceUnit]],
) -> SlotProposal | None:
    """The services one after another from ``start``, each with the first allowed
    stylist who works then and is free, and a free unit of each resource; or None."""
    parts: list[PlacedService] = []
    cursor = start
    for need in needs:
        wanted = Span(cursor, cursor + need.minutes * MINUTE)
        placed = None
        begin, end = wanted.start, wanted.end
        for staff_id in _in_order(need.stylist_ids):
            stylist = stylists.get(staff_id)
            if stylist is None:
                continue
            # The finder's innermost loop: span.contains / span.overlaps written out.
            for span in stylist.working:
                if span.start <= begin and end <= span.end:
                    break
            else:
                continue  # not working then
            busy = False
            for span in stylist.busy:
                if span.start < end and begin < span.end:
                    busy = True
                    break
            if busy:
                continue
            resources = _place_resources(need.resource_kinds, units_by_kind, wanted)
            if resources is None:
                return None
            placed = PlacedService(need.service_id, staff_id, wanted, resources)
            break
        if placed is None:
            return None
        parts.append(placed)
        cursor = wanted.end
    if not parts:
        return None
    return SlotProposal(start, cursor, tuple(parts))


def find_free_slots(
    needs: Sequence[ServiceNeed],
    stylists: Sequence[StylistDay],
    resources: Sequence[ResourceUnit],
    window: Span,
    slot_minutes: int,
    *,
    limit: int | None = 5,
) -> list[SlotProposal]:
    """The first ``limit`` starts (on the slot grid from ``window.start``) where every
    service fits in sequence: an allowed stylist on shift and free, the resources free.

    Never proposes a time overlapping a booking, a break or a closed hour; with
    ``limit=None`` it returns every grid start that fits.
    """
    if not needs or slot_minutes <= 0:
        return []
    by_id = {stylist.staff_id: stylist for stylist in stylists}
    units_by_kind: dict[str, list[ResourceUnit]] = {}
    for unit in sorted(resources, key=lambda unit: unit.resource_id):
        units_by_kind.setdefault(unit.kind, []).append(unit)
    total = sum(need.minutes for need in needs) * MINUTE
    allowed = set().union(*(need.stylist_ids for need in needs))
    earliest = min(
        (span.start for sid in allowed if sid in by_id for span in by_id[sid].working),
        default=None,
    )
    found: list[SlotProposal] = []
    step = slot_minutes * MINUTE
    start = window.start
    if earliest is not None and earliest > start:
        start += ((earliest - start) // step) * step
    while start + total <= window.end:
        proposal = place_at(start, needs, by_id, units_by_kind)
        if proposal is not None:
            found.append(proposal)
            if limit is not None and len(found) >= limit:
                break
        start += step
    return found


# --- statuses --------------------------------------------------------------------------


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    IN_SERVICE = "in_service"
    DONE = "done"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


STATUS_LABELS: dict[BookingStatus, str] = {
    BookingStatus.BOOKED: N_("booked"),
    BookingStatus.CONFIRMED: N_("confirmed"),
    BookingStatus.ARRIVED: N_("arrived"),
    BookingStatus.IN_SERVICE: N_("in service"),
    BookingStatus.DONE: N_("done"),
    BookingStatus.CANCELLED: N_("cancelled"),
    BookingStatus.NO_SHOW: N_("no-show"),
}

# Where a booking may go from each status.
TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.BOOKED: frozenset(
        {
            BookingStatus.CONFIRMED,
            BookingStatus.ARRIVED,
            BookingStatus.CANCELLED,
            BookingStatus.NO_SHOW,
        }
    ),
    BookingStatus.CONFIRMED: frozenset(
        {BookingStatus.ARRIVED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}
    ),
    BookingStatus.ARRIVED: frozenset({BookingStatus.IN_SERVICE, BookingStatus.CANCELLED}),
    BookingStatus.IN_SERVICE: frozenset({BookingStatus.DONE}),
    BookingStatus.DONE: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
}

# Statuses that hold a stylist's (and a resource's) time.
HOLDING = frozenset(
    {
        BookingStatus.BOOKED,
        BookingStatus.CONFIRMED,
        BookingStatus.ARRIVED,
        BookingStatus.IN_SERVICE,
        BookingStatus.DONE,
    }
)
CLOSED = frozenset({BookingStatus.DONE, BookingStatus.CANCELLED, BookingStatus.NO_SHOW})


def may_change_status(current: BookingStatus, target: BookingStatus) -> bool:
    return target in TRANSITIONS[current]


def is_late_cancel(starts_at: datetime, now: datetime, cutoff_hours: int) -> bool:
    """A cancellation closer to the start than the shop's cut-off (or after it)."""
    return starts_at - now < timedelta(hours=cutoff_hours)


# --- recurring bookings ----------------------------------------------------------------

RECURRENCE_LIMIT = 104


def recurrence_days(
    first: date, every_weeks: int, *, until: date | None = None, times: int | None = None
) -> list[date]:
    """The days of a series every ``every_weeks`` weeks from ``first`` (included), up to
    ``until`` (included) or ``times`` occurrences, at most ``RECURRENCE_LIMIT``."""
    if every_weeks < 1:
        raise ValueError("every_weeks must be at least 1")
    if (until is None) == (times is None):
        raise ValueError("give either until or times")
    days: list[date] = []
    day = first
    while len(days) < RECURRENCE_LIMIT:
        if until is not None and day > until:
            break
        if times is not None and len(days) >= times:
            break
        days.append(day)
        day += timedelta(weeks=every_weeks)
    return days


# --- the walk-in rotation (轮牌) -------------------------------------------------------


@dataclass(frozen=True)
class RotationSeat:
    staff_id: int
    position: int  # the shop's order of the board
    turns: int  # turns taken today
    last_turn_at: datetime | None


def next_in_rotation(seats: Sequence[RotationSeat], eligible: Iterable[int]) -> int | None:
    """Round-robin: among the eligible stylists, the one with the fewest turns today;
    ties go to whoever waited longest since their last turn, then to the board's order."""
    allowed = set(eligible)
    candidates = [seat for seat in seats if seat.staff_id in allowed]
    if not candidates:
        return None

    def key(seat: RotationSeat) -> tuple[int, int, float, int]:
        waited = seat.last_turn_at.timestamp() if seat.last_turn_at else 0.0
        return (seat.turns, 0 if seat.last_turn_at is None else 1, waited, seat.position)

    return min(candidates, key=key).staff_id
