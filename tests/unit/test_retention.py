"""Which backups the rotation keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain.retention import Retention, backups_to_keep

START = datetime(2026, 1, 1, 2, 30, tzinfo=UTC)


def nightly(days: int) -> list[datetime]:
    return [START + timedelta(days=day) for day in range(days)]


def test_a_year_of_nightly_backups_keeps_seven_days_four_weeks_twelve_months() -> None:
    kept = backups_to_keep(nightly(365), Retention(7, 4, 12))
    newest = START + timedelta(days=364)
    assert newest in kept
    assert all(newest - timedelta(days=d) in kept for d in range(7))
    assert len(kept) <= 7 + 4 + 12
    months = {(moment.year, moment.month) for moment in kept}
    assert len(months) == 12


def test_two_runs_on_one_day_keep_only_the_later_one_of_that_day() -> None:
    morning, evening = START, START + timedelta(hours=12)
    kept = backups_to_keep([morning, evening, START - timedelta(days=1)], Retention(7, 0, 0))
    assert evening in kept and morning not in kept


@given(
    st.lists(
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
        min_size=1,
        max_size=60,
    ),
    st.integers(0, 10),
    st.integers(0, 6),
    st.integers(0, 14),
)
def test_the_newest_is_always_kept_and_the_count_is_bounded(
    moments: list[datetime], daily: int, weekly: int, monthly: int
) -> None:
    aware = [moment.replace(tzinfo=UTC) for moment in moments]
    kept = backups_to_keep(aware, Retention(daily, weekly, monthly))
    assert max(aware) in kept
    assert kept <= set(aware)
    assert len(kept) <= max(1, daily + weekly + monthly) + 1
