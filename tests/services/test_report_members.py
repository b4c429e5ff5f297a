"""`members`: visits, segments, churn risk, top spenders, birthdays and referrals by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import PermissionDenied
from salon_tui.services import members, reports, sales
from salon_tui.services.report_members import Visits, churn_risk, segment_of
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

END = date(2026, 11, 22)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def rows(result, key: str) -> list[dict]:
    return list(next(s for s in result.sections if s.key == key).rows)


@pytest.fixture
def history(clock, uow: UnitOfWork, owner: Actor, make_actor) -> Actor:
    """Alice comes every 30 days (8 visits, last on 20 Nov); Bob came every 14 days until
    12 Apr; Dan came once on 1 Jun; Cara, whom Alice brought, joined and came on 10 Nov.
    A walk-in on 21 Nov has no member."""
    clock.move_to(at(date(2026, 2, 1)))
    desk = make_actor(Role.FRONT_DESK, "Nina")
    tony = make_actor(Role.STYLIST, "Tony")
    alice = members.add_member(uow, desk, name="王丽 Alice").id
    bob = members.add_member(uow, desk, name="Bob 周").id
    dan = members.add_member(uow, desk, name="Dan 孙").id
    visits = [(date(2026, 3, day), bob, 5_000) for day in (1, 15, 29)]
    visits += [(date(2026, 4, 12), bob, 5_000)]
    visits += [(date(2026, 6, 1), dan, 8_000)]
    alice_days = [date(2026, 5, 1), date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 30)]
    alice_days += [date(2026, 8, 29), date(2026, 9, 28), date(2026, 10, 28), date(2026, 11, 20)]
    visits += [(day, alice, 10_000) for day in alice_days]
    visits += [(date(2026, 11, 10), "cara", 20_000), (date(2026, 11, 21), None, 30_000)]
    for day, member_id, amount in sorted(visits, key=lambda visit: visit[0]):
        clock.move_to(at(day))
        if member_id == "cara":
            member_id = members.add_member(
                uow, desk, name="Cara 钱", birthday="1990-11-15", referrer=alice
            ).id
        sale_id = sales.open_sale(uow, desk, member_id=member_id).sale_id
        sales.add_line(
            uow, desk, sale_id, kind="service", description="Cut", unit_cents=amount,
            category="hair", staff=[StaffShare(tony.staff_id or 0)],
        )  # fmt: skip
        pay_sale(uow, desk, sale_id, [PaymentIn("bank_card", amount)])
    clock.move_to(at(END))
    return owner


def run(uow: UnitOfWork, actor: Actor, start: date, end: date):
    request = reports.ReportRequest(period=Period(start, end))
    return reports.run_report(uow, actor, "members", request)


def test_who_came_who_came_back_and_who_is_away(uow: UnitOfWork, history: Actor) -> None:
    result = run(uow, history, date(2026, 11, 1), END)
    assert rows(result, "summary") == [
        {
            "members": 4,
            "new": 1,
            "visiting": 2,
            "first_visit": 1,
            "returning": 1,
            "dormant": 2,  # Bob (224 days) and Dan (174)
            "revenue": 30_000,
        }
    ]
    segments = {
        row["segment"]: (row["members"], row["revenue"]) for row in rows(result, "segments")
    }
    assert segments == {
        "Champions: recent and frequent": (1, 80_000),
        "Loyal: frequent, away 6 to 13 weeks": (0, 0),
        "New or occasional, recent": (1, 20_000),
        "Regular": (0, 0),
        "At risk: were frequent, 90+ days away": (1, 20_000),
        "Hibernating: few visits, 90+ days away": (1, 8_000),
    }
    assert rows(result, "churn_risk") == [
        {
            "name": "Bob 周",
            "level": rows(result, "churn_risk")[0]["level"],
            "last_visit": date(2026, 4, 12),
            "usual_days": 14,
            "days_away": 224,
            "revenue": 20_000,
        }
    ]
    assert [(r["name"], r["visits"], r["revenue"]) for r in rows(result, "top_spenders")] == [
        ("Cara 钱", 1, 20_000),
        ("王丽 Alice", 1, 10_000),
    ]
    assert [(r["date"], r["name"], r["age"]) for r in rows(result, "birthdays")] == [
        (date(2026, 11, 15), "Cara 钱", 36)
    ]
    assert rows(result, "referrals") == [{"name": "王丽 Alice", "brought": 1, "revenue": 20_000}]


def test_a_quiet_period_is_zeros_and_lists_nobody(uow: UnitOfWork, history: Actor) -> None:
    result = run(uow, history, date(2026, 1, 1), date(2026, 1, 31))
    (summary,) = rows(result, "summary")
    assert (summary["new"], summary["visiting"], summary["revenue"]) == (0, 0, 0)
    assert rows(result, "top_spenders") == [] and rows(result, "referrals") == []


def test_only_managers_read_it(uow: UnitOfWork, history: Actor, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        run(uow, make_actor(Role.FRONT_DESK), date(2026, 11, 1), END)


@pytest.mark.parametrize(
    ("count", "first", "last", "segment", "risk"),
    [
        (6, date(2026, 6, 1), date(2026, 11, 1), "champions", False),
        (6, date(2026, 3, 1), date(2026, 9, 1), "loyal", True),  # every 36 days, 82 away
        (2, date(2026, 10, 1), date(2026, 11, 10), "new", False),
        (3, date(2026, 8, 1), date(2026, 10, 1), "regular", False),
        (3, date(2026, 5, 1), date(2026, 6, 1), "at_risk", True),
        (1, date(2026, 5, 1), date(2026, 5, 1), "hibernating", False),
    ],
)
def test_segments_and_churn_rules(count, first, last, segment, risk) -> None:
    visits = Visits(count, 1_000, first, last)
    assert segment_of(visits, END) == segment
    assert churn_risk(visits, END) is risk
