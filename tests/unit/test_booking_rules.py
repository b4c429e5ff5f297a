"""The free-slot finder and the other pure booking rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from salon_tui.domain.bookings import (
    BookingStatus,
    DayHours,
    ResourceUnit,
    RotationSeat,
    ServiceNeed,
    Span,
    StylistDay,
    find_free_slots,
    is_late_cancel,
    may_change_status,
    next_in_rotation,
    recurrence_days,
    working_spans,
)

DAY = datetime(2026, 11, 23, tzinfo=UTC)
MIN = timedelta(minutes=1)


def minute(offset: int) -> datetime:
    return DAY + offset * MIN


spans_in_day = st.lists(
    st.tuples(st.integers(0, 1400), st.integers(5, 240)).map(
        lambda pair: Span(minute(pair[0]), minute(min(pair[0] + pair[1], 1440)))
    ),
    max_size=6,
)


@st.composite
def stylist_days(draw: st.DrawFn, staff_id: int) -> StylistDay:
    working = draw(spans_in_day)
    busy = draw(spans_in_day)
    return StylistDay(staff_id, tuple(sorted(working)), tuple(busy))


@st.composite
def scenes(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    stylists = [draw(stylist_days(staff_id)) for staff_id in (1, 2, 3)]
    units = [
        ResourceUnit(resource_id, "chair", tuple(draw(spans_in_day)))
        for resource_id in range(draw(st.integers(0, 2)))
    ]
    needs = [
        ServiceNeed(
            service_id,
            draw(st.sampled_from([15, 30, 45, 60, 90])),
            frozenset(draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1))),
            ("chair",) if draw(st.booleans()) else (),
        )
        for service_id in range(draw(st.integers(1, 3)))
    ]
    step = draw(st.sampled_from([5, 15, 30]))
    return stylists, units, needs, step


def _minutes(span: Span) -> set[int]:
    return set(range(int((span.start - DAY) / MIN), int((span.end - DAY) / MIN)))


def _brute_force_fits(start: int, stylists, units, needs) -> bool:  # type: ignore[no-untyped-def]
    """Minute by minute: some allowed stylist works every minute and has no booking in
    any of them, and a unit of each resource is free, for each service in turn."""
    cursor = start
    for need in needs:
        wanted = set(range(cursor, cursor + need.minutes))
        ok = False
        for stylist in stylists:
            if stylist.staff_id not in need.stylist_ids:
                continue
            contained = any(wanted <= _minutes(span) for span in stylist.working)
            clear = not any(wanted & _minutes(span) for span in stylist.busy)
            if contained and clear:
                ok = True
                break
        if ok and need.resource_kinds and units:
            ok = any(not any(wanted & _minutes(span) for span in unit.busy) for unit in units)
        if not ok:
            return False
        cursor += need.minutes
    return True


@settings(max_examples=150, deadline=None)
@given(scenes())
def test_no_proposed_slot_overlaps_a_booking_a_break_or_a_closed_hour(scene) -> None:  # type: ignore[no-untyped-def]
    stylists, units, needs, step = scene
    window = Span(DAY, DAY + timedelta(days=1))
    by_id = {stylist.staff_id: stylist for stylist in stylists}
    unit_by_id = {unit.resource_id: unit for unit in units}
    for proposal in find_free_slots(needs, stylists, units, window, step, limit=None):
        for part, need in zip(proposal.parts, needs, strict=True):
            stylist = by_id[part.staff_id]
            assert part.staff_id in need.stylist_ids
            assert part.span.minutes == need.minutes
            assert any(span.contains(part.span) for span in stylist.working)
            assert not any(span.overlaps(part.span) for span in stylist.busy)
            for resource_id in part.resource_ids:
                assert not any(span.overlaps(part.span) for span in unit_by_id[resource_id].busy)


@settings(max_examples=150, deadline=None)
@given(scenes())
def test_every_free_slot_of_the_right_length_on_the_grid_is_found(scene) -> None:  # type: ignore[no-untyped-def]
    stylists, units, needs, step = scene
    window = Span(DAY, DAY + timedelta(days=1))
    found = {
        int((proposal.start - DAY) / MIN)
        for proposal in find_free_slots(needs, stylists, units, window, step, limit=None)
    }
    total = sum(need.minutes for need in needs)
    expected = {
        start
        for start in range(0, 1440 - total + 1, step)
        if _brute_force_fits(start, stylists, units, needs)
    }
    assert found == expected


def test_the_finder_stops_at_the_limit_and_keeps_the_order() -> None:
    stylist = StylistDay(1, (Span(minute(600), minute(720)),))
    need = ServiceNeed(1, 30, frozenset({1}))
    found = find_free_slots([need], [stylist], [], Span(DAY, DAY + timedelta(days=1)), 15, limit=2)
    assert [p.start for p in found] == [minute(600), minute(615)]


def test_working_time_is_the_shift_inside_the_shop_hours_without_breaks() -> None:
    spans = working_spans(
        date(2026, 11, 23),
        DayHours(time(10), time(21)),
        DayHours(time(9), time(19), time(13), time(14)),
        "Asia/Shanghai",
    )
    assert [(s.start.astimezone(UTC).hour, s.end.astimezone(UTC).hour) for s in spans] == [
        (2, 5),
        (6, 11),
    ]
    assert working_spans(date(2026, 11, 23), None, DayHours(time(9), time(19)), "UTC") == []


def test_statuses_only_move_forward() -> None:
    assert may_change_status(BookingStatus.BOOKED, BookingStatus.CONFIRMED)
    assert may_change_status(BookingStatus.ARRIVED, BookingStatus.IN_SERVICE)
    assert not may_change_status(BookingStatus.DONE, BookingStatus.BOOKED)
    assert not may_change_status(BookingStatus.CANCELLED, BookingStatus.ARRIVED)
    assert not may_change_status(BookingStatus.BOOKED, BookingStatus.DONE)


def test_a_cancel_inside_the_cut_off_is_late() -> None:
    start = minute(600)
    assert is_late_cancel(start, start - timedelta(hours=23), 24)
    assert not is_late_cancel(start, start - timedelta(hours=25), 24)


def test_recurrences_count_weeks_and_keep_29_february() -> None:
    assert recurrence_days(date(2028, 2, 29), 52, times=2) == [date(2028, 2, 29), date(2029, 2, 27)]
    assert recurrence_days(date(2028, 2, 15), 2, until=date(2028, 3, 14)) == [
        date(2028, 2, 15),
        date(2028, 2, 29),
        date(2028, 3, 14),
    ]


def test_rotation_gives_the_turn_to_the_fewest_turns_then_the_longest_wait() -> None:
    seats = [
        RotationSeat(1, 0, 2, minute(600)),
        RotationSeat(2, 1, 1, minute(630)),
        RotationSeat(3, 2, 1, minute(610)),
    ]
    assert next_in_rotation(seats, {1, 2, 3}) == 3
    assert next_in_rotation(seats, {1, 2}) == 2
    assert next_in_rotation(seats, set()) is None
    fresh = [RotationSeat(5, 1, 0, None), RotationSeat(4, 0, 0, None)]
    assert next_in_rotation(fresh, {4, 5}) == 4


@given(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=30))
def test_rotation_is_fair_when_everyone_is_free(_draws: list[int]) -> None:
    turns = {1: 0, 2: 0, 3: 0}
    last: dict[int, datetime | None] = {1: None, 2: None, 3: None}
    for index in range(len(_draws)):
        seats = [RotationSeat(s, s, turns[s], last[s]) for s in turns]
        chosen = next_in_rotation(seats, {1, 2, 3})
        assert chosen is not None
        turns[chosen] += 1
        last[chosen] = minute(index)
        assert max(turns.values()) - min(turns.values()) <= 1
