"""Time, the way the shop sees it.

Timestamps are stored in UTC; the shop's timezone decides the business day. Every
"now" in the program comes from ``utc_now()`` so tests can move the clock
(time-machine patches it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, available_timezones


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_known_timezone(name: str) -> bool:
    return name in available_timezones()


def shop_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` (aware) as the shop's wall-clock time."""
    return moment.astimezone(ZoneInfo(timezone))


def business_date(moment: datetime, timezone: str) -> date:
    """The shop's calendar day that ``moment`` falls on."""
    return shop_time(moment, timezone).date()


def day_bounds_utc(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants where the shop's ``day`` starts and the next day starts."""
    from datetime import time, timedelta

    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
