"""`activity`: the audit log counted by shop day, person and action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Bucket, Period
from salon_tui.domain.permissions import Role
from salon_tui.errors import LoginRefused, PermissionDenied
from salon_tui.services import auth, reports, staff


def run(uow: UnitOfWork, actor: Actor, start: date, end: date, bucket=Bucket.DAY):
    request = reports.ReportRequest(period=Period(start, end), bucket=bucket)
    return reports.run_report(uow, actor, "activity", request)


def section(result, key: str):
    return next(s for s in result.sections if s.key == key)


@pytest.fixture
def two_days(clock, uow: UnitOfWork, owner: Actor) -> Actor:
    """22 Nov (Shanghai): shop set up, one hire, one wrong PIN, one login.
    23 Nov: another hire. 24 Nov 00:30 Shanghai (23 Nov 16:30 UTC): a login."""
    staff.add_staff(uow, owner, "Amy", Role.STYLIST, "1234")
    with pytest.raises(LoginRefused):
        auth.login(uow, "9999", name="Amy")
    auth.login(uow, "1234", name="Amy")
    clock.shift(timedelta(days=1))
    staff.add_staff(uow, owner, "Ben", Role.STYLIST, "1234")
    clock.shift(timedelta(hours=14, minutes=30))  # 16:30 UTC = 00:30 next day in Shanghai
    auth.login(uow, "1234", name="Ben")
    return owner


def test_entries_fall_on_the_shop_days_they_happened(uow: UnitOfWork, two_days: Actor) -> None:
    result = run(uow, two_days, date(2026, 11, 22), date(2026, 11, 24))
    rows = {row["from"]: row for row in section(result, "over_time").rows}
    assert list(rows) == [date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24)]
    # 22nd: shop.init, staff.add (owner), staff.add (Amy) = 3 changes; 1 wrong PIN; 1 login
    assert rows[date(2026, 11, 22)] | {} == {
        "from": date(2026, 11, 22),
        "actions": 5,
        "changes": 3,
        "logins": 1,
        "wrong_pins": 1,
    }
    assert (rows[date(2026, 11, 23)]["changes"], rows[date(2026, 11, 23)]["logins"]) == (1, 0)
    assert (rows[date(2026, 11, 24)]["changes"], rows[date(2026, 11, 24)]["logins"]) == (0, 1)


def test_a_period_counts_only_its_own_days(uow: UnitOfWork, two_days: Actor) -> None:
    result = run(uow, two_days, date(2026, 11, 23), date(2026, 11, 23))
    assert [row["actions"] for row in section(result, "over_time").rows] == [1]
    people = {row["staff"]: row["actions"] for row in section(result, "by_person").rows}
    assert people == {two_days.name: 1}
    assert section(result, "by_action").rows == [{"action": "staff.add", "count": 1}]


def test_weeks_group_days_and_people_are_ranked(uow: UnitOfWork, two_days: Actor) -> None:
    result = run(uow, two_days, date(2026, 11, 16), date(2026, 11, 29), Bucket.WEEK)
    over_time = section(result, "over_time").rows
    # 22 Nov is a Sunday: its week starts on the 16th; the 23rd and 24th are the next week
    assert [(row["from"], row["actions"]) for row in over_time] == [
        (date(2026, 11, 16), 5),
        (date(2026, 11, 23), 2),
    ]
    people = section(result, "by_person").rows
    assert [row["actions"] for row in people] == sorted(
        (row["actions"] for row in people), reverse=True
    )
    assert sum(row["actions"] for row in people) == 7


def test_an_empty_period_is_a_report_of_zeros_not_an_error(
    uow: UnitOfWork, two_days: Actor
) -> None:
    result = run(uow, two_days, date(2025, 1, 1), date(2025, 1, 3))
    assert [row["actions"] for row in section(result, "over_time").rows] == [0, 0, 0]
    assert section(result, "by_person").rows == []


def test_front_desk_may_not_read_the_activity_report(
    uow: UnitOfWork, two_days: Actor, make_actor
) -> None:
    desk = make_actor(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        run(uow, desk, date(2026, 11, 22), date(2026, 11, 22))
    assert "activity" not in [spec.name for spec in reports.list_reports(desk)]
    # the desk still has its own day close (Z report), so the Reports screen is not empty
    assert "daily" in [spec.name for spec in reports.list_reports(desk)]
    assert reports.has_reports(two_days) is True
