"""Report periods: a day, a range, a month; the period before it; buckets by day, week, month."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from salon_tui.domain.dates import parse_date
from salon_tui.i18n import _


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """Whole shop days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                _("The period ends ({end}) before it starts ({start}).").format(
                    end=self.end, start=self.start
                )
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same length (a whole month for a whole month)."""
        if (
            self.start.day == 1
            and self.end == _month_end(self.end)
            and self.start.month == self.end.month
        ):
            last = self.start - timedelta(days=1)
            return Period(last.replace(day=1), last)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        return (
            self.start.isoformat()
            if self.start == self.end
            else f"{self.start.isoformat()} – {self.end.isoformat()}"
        )


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> Period:
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(_("{text!r} is not a month (use YYYY-MM).").format(text=text))
    first = date(int(match.group(1)), int(match.group(2)), 1)
    return Period(first, _month_end(first))


def resolve_period(
    *,
    day: str | None = None,
    start: str | None = None,
    end: str | None = None,
    month: str | None = None,
    today: date,
) -> Period:
    """``--date`` | ``--from/--to`` | ``--month``, one way at a time; today when none."""
    given = [
        name
        for name, value in (("--date", day), ("--from/--to", start or end), ("--month", month))
        if value
    ]
    if len(given) > 1:
        raise ValueError(_("Give one of {options}, not several.").format(options=", ".join(given)))
    if day:
        single = parse_date(day)
        return Period(single, single)
    if month:
        return parse_month(month)
    if start or end:
        first = parse_date(start) if start else parse_date(end or "")
        last = parse_date(end) if end else today
        return Period(first, last)
    return Period(today, today)


def bucket_start(day: date, bucket: Bucket) -> date:
    if bucket is Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    if bucket is Bucket.MONTH:
        return day.replace(day=1)
    return day


def buckets(period: Period, bucket: Bucket) -> list[date]:
    """The first day of every bucket that the period touches, in order."""
    starts: list[date] = []
    day = period.start
    while day <= period.end:
        first = bucket_start(day, bucket)
        if not starts or starts[-1] != first:
            starts.append(first)
        day += timedelta(days=1)
    return starts
