"""Report periods as owners type them."""

from __future__ import annotations

from datetime import date

import pytest

from salon_tui.domain.periods import Bucket, Period, buckets, parse_month, resolve_period

TODAY = date(2026, 11, 22)


def test_no_option_means_today() -> None:
    assert resolve_period(today=TODAY) == Period(TODAY, TODAY)


def test_a_month_is_every_day_of_it() -> None:
    assert resolve_period(month="2024-02", today=TODAY) == Period(
        date(2024, 2, 1), date(2024, 2, 29)
    )


def test_from_without_to_runs_to_today() -> None:
    assert resolve_period(start="2026-11-01", today=TODAY) == Period(date(2026, 11, 1), TODAY)


@pytest.mark.parametrize(
    "arguments",
    [
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"month": "2026-13"},
        {"day": "2026/02/30"},
        {"day": "2026-11-01", "month": "2026-11"},
    ],
)
def test_impossible_periods_are_refused(arguments: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        resolve_period(today=TODAY, **arguments)


def test_the_period_before_a_month_is_the_whole_previous_month() -> None:
    assert parse_month("2026-03").previous() == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert Period(date(2026, 11, 10), date(2026, 11, 16)).previous() == Period(
        date(2026, 11, 3), date(2026, 11, 9)
    )


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    assert buckets(period, Bucket.WEEK)[:2] == [date(2026, 10, 26), date(2026, 11, 2)]
    assert buckets(period, Bucket.MONTH) == [date(2026, 11, 1)]
    assert len(buckets(period, Bucket.DAY)) == 30
