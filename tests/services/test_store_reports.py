"""Reports for one store of a chain: figures worked out by hand, and the stores add up
to the chain.

On Sunday 22 Nov, Tony cuts at both stores:
  JA-0001  cut 100.00 by card
  JA-0002  cut 200.00 + hair oil 50.00 by card
  XH-0001  cut 300.00 by card
  XH refunds JA-0001 in full (the money goes back at 徐汇店).
Expenses: JA rent 8,000.00, XH utilities 500.00.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.errors import NotFound, ValidationError
from salon_tui.services import expenses, refunds, reports, stores
from tests.services.store_helpers import make_two_stores, sell_at

DAY = date(2026, 11, 22)


@pytest.fixture
def chain(uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object) -> Actor:
    tony = make_actor(Role.STYLIST, "Tony")
    make_two_stores(uow, owner)
    first = sell_at(uow, owner, "JA", tony, 10_000)
    sell_at(uow, owner, "JA", tony, 20_000, product_cents=5_000)
    expenses.add_expense(uow, owner, "rent", 800_000)
    sell_at(uow, owner, "XH", tony, 30_000)
    refunds.refund_sale(uow, owner, first.sale_id, key="r1", reason="not happy")
    expenses.add_expense(uow, owner, "utilities", 50_000)
    return tony


def run(uow: UnitOfWork, actor: Actor, name: str, code: str | None) -> reports.ReportResult:
    request = reports.ReportRequest(
        period=Period(DAY, DAY), today=DAY, store=reports.report_store(uow, code)
    )
    return reports.run_report(uow, actor, name, request)


def rows(result: reports.ReportResult, key: str) -> list[dict[str, Any]]:
    return list(next(section for section in result.sections if section.key == key).rows)


def test_the_sales_report_covers_one_store_and_the_stores_add_up(
    uow: UnitOfWork, owner: Actor, chain: Actor
) -> None:
    figures = {}
    for code in ("JA", "XH", None):
        summary = rows(run(uow, owner, "sales", code), "summary")[0]
        figures[code] = (summary["sales"], summary["revenue"], summary["refunds"], summary["net"])
    assert figures == {
        "JA": (2, 35_000, 0, 35_000),
        "XH": (1, 30_000, 10_000, 20_000),
        None: (3, 65_000, 10_000, 55_000),
    }
    by_tender = {
        code: {row["tender"]: (row["taken"], row["refunded"]) for row in
               rows(run(uow, owner, "sales", code), "by_tender")}
        for code in ("JA", "XH", None)
    }  # fmt: skip
    assert by_tender["JA"] == {"Bank card": (35_000, 0)}
    assert by_tender["XH"] == {"Bank card": (30_000, 10_000)}
    assert by_tender[None] == {"Bank card": (65_000, 10_000)}


def test_the_day_close_of_one_store(uow: UnitOfWork, owner: Actor, chain: Actor) -> None:
    def summary(code: str | None) -> dict[str, Any]:
        return {row["item"]: row["amount"] for row in rows(run(uow, owner, "daily", code),
                                                           "summary")}  # fmt: skip

    ja, xh, whole = summary("JA"), summary("XH"), summary(None)
    assert (ja["Sales"], ja["Refunds"], ja["Net takings"]) == (35_000, 0, 35_000)
    assert (xh["Sales"], xh["Refunds"], xh["Net takings"]) == (30_000, 10_000, 20_000)
    for item in ("Sales", "Refunds", "Net takings", "Discounts", "Tips"):
        assert ja[item] + xh[item] == whole[item]


def test_profit_and_loss_of_one_store(uow: UnitOfWork, owner: Actor, chain: Actor) -> None:
    def pnl(code: str | None) -> dict[str, int]:
        return {row["item"]: row["amount"] for row in rows(run(uow, owner, "pnl", code), "pnl")}

    ja, xh, whole = pnl("JA"), pnl("XH"), pnl(None)
    assert (ja["Income"], ja["Expenses"], ja["Profit"]) == (35_000, 800_000, -765_000)
    assert (xh["Income"], xh["Expenses"], xh["Profit"]) == (-10_000 + 30_000, 50_000, -30_000)
    assert whole["Profit"] == ja["Profit"] + xh["Profit"] == -795_000


def test_the_staff_report_credits_each_store_its_own_lines(
    uow: UnitOfWork, owner: Actor, chain: Actor
) -> None:
    def tony(code: str | None) -> tuple[int, int]:
        (row,) = [r for r in rows(run(uow, owner, "staff", code), "by_person") if
                  r["name"] == "Tony"]  # fmt: skip
        return row["services"], row["service_revenue"]

    assert (tony("JA"), tony("XH"), tony(None)) == ((2, 30_000), (1, 30_000), (3, 60_000))


def test_a_chain_wide_report_refuses_one_store_and_says_why(
    uow: UnitOfWork, owner: Actor, chain: Actor
) -> None:
    for name, why in (
        ("members", "members are shared"),
        ("liabilities", "owed to members of the whole chain"),
        ("commission", "commission tiers"),
    ):
        with pytest.raises(ValidationError, match=f"whole chain.*{why}|{why}.*without --store"):
            run(uow, owner, name, "JA")
    assert run(uow, owner, "members", None).store is None


def test_an_unknown_store_is_refused_with_the_codes(uow: UnitOfWork, owner: Actor) -> None:
    make_two_stores(uow, owner)
    with pytest.raises(NotFound, match="The stores are: JA, XH"):
        reports.report_store(uow, "PD")


def test_the_json_says_which_store_it_covers(uow: UnitOfWork, owner: Actor, chain: Actor) -> None:
    assert run(uow, owner, "sales", "xh").to_json()["store"] == {"code": "XH", "name": "徐汇店"}
    assert run(uow, owner, "sales", None).to_json()["store"] is None


def test_with_one_store_asking_for_it_gives_the_chain_figures(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object
) -> None:
    tony = make_actor(Role.STYLIST, "Tony")
    sell_at(uow, owner, "MAIN", tony, 12_800)
    (only,) = stores.list_stores(uow)
    whole, main = run(uow, owner, "sales", None), run(uow, owner, "sales", only.code)
    assert rows(whole, "summary") == rows(main, "summary")
    assert main.heading.startswith("Sales  MAIN Test Salon")


def test_bookings_of_one_store(uow: UnitOfWork, owner: Actor, clock: object) -> None:
    from salon_tui.services import bookings
    from salon_tui.services.bookings import LineRequest
    from tests.services.booking_helpers import at, make_shop

    shop = make_shop(uow, owner)
    make_two_stores(uow, owner)
    for code, hour in (("JA", "11:00"), ("XH", "12:00"), ("XH", "15:00")):
        stores.use_store(uow, code)
        bookings.book(
            uow,
            owner,
            [LineRequest(shop.cut, shop.tony.staff_id)],
            at("2026-11-22", hour),
            client_name="张三",
        )

    def booked(code: str | None) -> tuple[int, int]:
        outcome = rows(run(uow, owner, "bookings", code), "outcomes")[0]["count"]
        minutes = sum(row["booked_minutes"] for row in rows(run(uow, owner, "bookings", code),
                                                             "utilisation"))  # fmt: skip
        return outcome, minutes

    assert (booked("JA"), booked("XH"), booked(None)) == ((1, 45), (2, 90), (3, 135))


def test_the_desks_day_close_is_its_own_store_in_a_chain(
    uow: UnitOfWork, owner: Actor, chain: Actor
) -> None:
    stores.use_store(uow, "XH")
    desk = reports.desk_store(uow)
    assert desk is not None and desk.code == "XH"
    request = reports.ReportRequest(period=Period(DAY, DAY), today=DAY, store=desk)
    summary = {row["item"]: row["amount"] for row in
               rows(reports.run_report(uow, owner, "daily", request), "summary")}  # fmt: skip
    assert summary["Sales"] == 30_000


def test_a_single_store_desk_closes_the_whole_shop(uow: UnitOfWork, owner: Actor) -> None:
    assert reports.desk_store(uow) is None


def test_the_home_panel_shows_the_desks_own_store(
    uow: UnitOfWork, owner: Actor, chain: Actor
) -> None:
    from salon_tui.services.sales_reports import desk_day_summary

    stores.use_store(uow, "JA")
    assert desk_day_summary(uow, owner, DAY).total_cents == 35_000
    stores.use_store(uow, "XH")
    assert desk_day_summary(uow, owner, DAY).total_cents == 30_000
