"""The birthday window: the day, the week around it, or the birth month."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain.members import Birthday


def test_the_day_the_week_and_the_month_around_a_birthday() -> None:
    born = Birthday(11, 25)
    assert born.window_around(date(2026, 11, 25), "day") == (date(2026, 11, 25),) * 2
    assert born.window_around(date(2026, 11, 24), "day") is None
    assert born.window_around(date(2026, 11, 22), "week") == (
        date(2026, 11, 22),
        date(2026, 11, 28),
    )
    assert born.window_around(date(2026, 11, 21), "week") is None
    assert born.window_around(date(2026, 11, 1), "month") == (date(2026, 11, 1), date(2026, 11, 30))
    assert born.window_around(date(2026, 12, 1), "month") is None


def test_a_week_crosses_the_new_year_and_29_february_falls_on_the_28th() -> None:
    assert Birthday(12, 31).window_around(date(2027, 1, 2), "week") == (
        date(2026, 12, 28),
        date(2027, 1, 3),
    )
    assert Birthday(1, 1).window_around(date(2026, 12, 29), "week") == (
        date(2026, 12, 29),
        date(2027, 1, 4),
    )
    assert Birthday(2, 29).window_around(date(2027, 2, 28), "day") == (date(2027, 2, 28),) * 2
    assert Birthday(2, 29).window_around(date(2028, 2, 29), "day") == (date(2028, 2, 29),) * 2
    with pytest.raises(ValueError):
        Birthday(3, 1).window_around(date(2026, 3, 1), "year")


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(["day", "week", "month"]),
)
def test_a_window_always_holds_today_and_a_birthday(
    today: date, month: int, day: int, window: str
) -> None:
    try:
        date(2000, month, day)
    except ValueError:
        return
    born = Birthday(month, day)
    found = born.window_around(today, window)
    if found is None:
        return
    start, end = found
    assert start <= today <= end
    assert (end - start) <= timedelta(days=30)
    assert any(start <= born.on(year) <= end for year in (start.year, end.year))
