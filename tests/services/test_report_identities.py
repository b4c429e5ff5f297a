"""Numbers agree: on the demo shop, the same figure is the same in every report, the Z
report and the ledgers (issue #9: report totals equal the sum of their sales)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from salon_tui.data.models import (
    BookingDeposit,
    GiftCard,
    MemberPackage,
    Payment,
    Sale,
    StoredValueEntry,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.periods import Period
from salon_tui.services import database, reports, settings
from salon_tui.services.demo import DemoOptions, build_demo
from salon_tui.services.report_sales import paid_in
from salon_tui.services.reports import ReportRequest
from salon_tui.services.sales_reports import day_summary


def section(result: Any, key: str) -> list[dict[str, Any]]:
    return next(s.rows for s in result.sections if s.key == key)


def total(rows: list[dict[str, Any]], key: str) -> int:
    return sum(int(row[key] or 0) for row in rows)


def test_every_report_tells_the_same_story_on_the_demo_shop(uow: UnitOfWork, owner: Actor) -> None:
    build_demo(uow, DemoOptions(members=120, months=2, seed=5))
    today = business_date(utc_now(), settings.get_shop_settings(uow).timezone)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    for period in (
        Period(last_month_end.replace(day=1), last_month_end),  # a whole month
        Period(today - timedelta(days=6), today),  # the last week, today included
    ):
        request = ReportRequest(period=period)
        sales = reports.run_report(uow, owner, "sales", request)
        daily = reports.run_report(uow, owner, "daily", request)
        summary = section(sales, "summary")[0]
        assert summary["sales"] > 0
        # The sales report's total is the sum of its days, categories and ways of paying.
        over_time = section(sales, "over_time")
        assert total(over_time, "sales") == summary["sales"]
        assert total(over_time, "revenue") == summary["revenue"]
        assert total(over_time, "refunds") == summary["refunds"]
        assert total(section(sales, "by_category"), "revenue") == summary["revenue"]
        tenders_net = total(section(sales, "by_tender"), "net")
        assert tenders_net == total(section(daily, "tenders"), "net")
        # … and of the sales themselves, and of the payments the drawer and terminals took.
        with uow.read() as session:
            count, revenue, tips = session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(col(Sale.total_cents) - col(Sale.tips_cents)), 0),
                    func.coalesce(func.sum(col(Sale.tips_cents)), 0),
                ).where(*paid_in(period))
            ).one()
            taken = session.execute(
                select(func.coalesce(func.sum(col(Payment.amount_cents)), 0)).where(
                    col(Payment.business_day) >= period.start,
                    col(Payment.business_day) <= period.end,
                )
            ).scalar_one()
            # … the top-ups, undos and closings the Cards desk took or paid back …
            taken += session.execute(
                select(func.coalesce(func.sum(col(StoredValueEntry.principal_cents)), 0)).where(
                    col(StoredValueEntry.business_day) >= period.start,
                    col(StoredValueEntry.business_day) <= period.end,
                    col(StoredValueEntry.kind).in_(("top_up", "reversal", "close")),
                    col(StoredValueEntry.sale_id).is_(None),
                )
            ).scalar_one()
            # … the packages sold and refunded there, gift cards sold outside a sale …
            in_period = (period.start, period.end)
            for package in session.execute(select(MemberPackage)).scalars():
                if package.sale_id is None and package.method not in ("", "import", "sale"):
                    taken += (
                        package.price_cents
                        if in_period[0] <= package.sold_on <= in_period[1]
                        else 0
                    )
                if package.refund_method not in ("", "sale") and package.refunded_on is not None:
                    taken -= (
                        package.refunded_cents
                        if in_period[0] <= package.refunded_on <= in_period[1]
                        else 0
                    )
            taken += session.execute(
                select(func.coalesce(func.sum(col(GiftCard.value_cents)), 0)).where(
                    col(GiftCard.business_day) >= period.start,
                    col(GiftCard.business_day) <= period.end,
                    col(GiftCard.tender) != "sale",
                )
            ).scalar_one()
            # … what was left on a gift card paid back at the desk …
            taken -= session.execute(
                select(func.coalesce(func.sum(col(GiftCard.refunded_cents)), 0)).where(
                    col(GiftCard.refunded_on) >= period.start,
                    col(GiftCard.refunded_on) <= period.end,
                    col(GiftCard.refund_method) != "",
                )
            ).scalar_one()
            # … and booking deposits taken and given back.
            taken += session.execute(
                select(func.coalesce(func.sum(col(BookingDeposit.amount_cents)), 0)).where(
                    col(BookingDeposit.business_day) >= period.start,
                    col(BookingDeposit.business_day) <= period.end,
                    col(BookingDeposit.kind).in_(("taken", "returned")),
                )
            ).scalar_one()
        assert (summary["sales"], summary["revenue"], summary["tips"]) == (count, revenue, tips)
        assert tenders_net == taken
        # The Z report of the period is the sum of each day's Z report.
        whole = day_summary(uow, owner, period.start, period.end)
        days = [
            day_summary(uow, owner, period.start + timedelta(days=n))
            for n in range((period.end - period.start).days + 1)
        ]
        assert whole.sales_count == sum(d.sales_count for d in days) == summary["sales"]
        assert whole.total_cents == sum(d.total_cents for d in days) == revenue + tips
        assert whole.net_takings_cents == sum(d.net_takings_cents for d in days) == taken
        assert whole.net_takings_cents == (
            whole.total_cents - whole.refunds_cents + whole.outside_net_cents
        )
        # Commission: the staff report, the Z report and the commission statement agree.
        staff = reports.run_report(uow, owner, "staff", request)
        commission = reports.run_report(uow, owner, "commission", request)
        assert total(section(staff, "by_person"), "commission") == sum(
            person.commission_cents for person in whole.staff
        )
        assert total(commission.sections[0].rows, "commission") == total(
            section(staff, "by_person"), "commission"
        )
    # What the shop owes: every cached balance equals its ledger, and the liabilities
    # report's outstanding is what was issued less what was redeemed, refunded, expired.
    problems = {check.name: check.problems for check in database.check(uow)}
    assert all(not found for found in problems.values()), problems
    all_time = Period(today - timedelta(days=120), today)
    for row in section(reports.run_report(uow, owner, "liabilities", ReportRequest(all_time)),
                       "liabilities"):  # fmt: skip
        assert row["outstanding"] == (
            row["issued"] - row["redeemed"] - row["refunded"] - row["expired"]
        ), row
