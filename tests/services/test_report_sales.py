"""`sales`: every figure on a small set of sales worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Bucket, Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import PermissionDenied
from salon_tui.services import refunds, reports, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

D22, D23 = date(2026, 11, 22), date(2026, 11, 23)


def run(uow: UnitOfWork, actor: Actor, start: date, end: date, bucket=Bucket.DAY):
    request = reports.ReportRequest(period=Period(start, end), bucket=bucket)
    return reports.run_report(uow, actor, "sales", request)


def rows(result, key: str) -> list[dict]:
    return list(next(s for s in result.sections if s.key == key).rows)


def line(uow, actor, sale_id, kind, description, unit, category, stylist=None, qty=1):
    staff = [StaffShare(stylist.staff_id)] if stylist else []
    return sales.add_line(
        uow,
        actor,
        sale_id,
        kind=kind,
        description=description,
        unit_cents=unit,
        qty=qty,
        category=category,
        staff=staff,
    )


@pytest.fixture
def shop_days(clock, uow: UnitOfWork, owner: Actor, make_actor) -> Actor:
    """22 Nov: A = haircut 128 + 2 × shampoo 99 by card; B = colour 380 less 10 %
    with a 20 tip by WeChat. 23 Nov: C = haircut 128 by Alipay; one shampoo of A
    refunded. Also a voided sale and a parked one, which never count."""
    desk = make_actor(Role.FRONT_DESK, "Nina")
    tony = make_actor(Role.STYLIST, "Tony")
    a = sales.open_sale(uow, desk).sale_id
    line(uow, desk, a, "service", "Haircut 剪发", 12_800, "hair", tony)
    cart = line(uow, desk, a, "product", "Shampoo 洗发水", 9_900, "retail", qty=2)
    shampoo = cart.lines[-1].id
    pay_sale(uow, desk, a, [PaymentIn("bank_card", 32_600)])
    b = sales.open_sale(uow, desk).sale_id
    cart = line(uow, desk, b, "service", "Colour 染发", 38_000, "colour", tony)
    sales.discount_line(uow, desk, b, cart.lines[0].id, percent_bp=1_000, reason="regular")
    sales.set_tip(uow, desk, b, tony.staff_id or 0, 2_000)
    pay_sale(uow, desk, b, [PaymentIn("wechat", 36_200, reference="4200001")])
    voided = sales.open_sale(uow, desk).sale_id
    line(uow, desk, voided, "service", "Haircut 剪发", 12_800, "hair", tony)
    sales.void_sale(uow, desk, voided, "client left")
    parked = sales.open_sale(uow, desk).sale_id
    line(uow, desk, parked, "service", "Haircut 剪发", 12_800, "hair", tony)
    sales.park_sale(uow, desk, parked, "waiting")
    clock.shift(timedelta(days=1))
    c = sales.open_sale(uow, desk).sale_id
    line(uow, desk, c, "service", "Haircut 剪发", 12_800, "hair", tony)
    pay_sale(uow, desk, c, [PaymentIn("alipay", 12_800, reference="2088001")])
    refunds.refund_sale(uow, owner, a, key="r1", reason="allergic", lines={shampoo: 1})
    return owner


def test_the_summary_adds_up_by_hand(uow: UnitOfWork, shop_days: Actor) -> None:
    result = run(uow, shop_days, D22, D23)
    now, before = rows(result, "summary")
    assert now == {
        "period": "2026-11-22 – 2026-11-23",
        "sales": 3,
        "revenue": 79_600,
        "average": 26_533,
        "discounts": 3_800,
        "rounding": 0,
        "refunds": 9_900,
        "net": 69_700,
        "tips": 2_000,
        "change": None,  # nothing the two days before
    }
    assert (before["period"], before["sales"], before["net"]) == ("2026-11-20 – 2026-11-21", 0, 0)


def test_days_ways_of_paying_and_categories(uow: UnitOfWork, shop_days: Actor) -> None:
    result = run(uow, shop_days, D22, D23)
    assert rows(result, "over_time") == [
        {"from": D22, "sales": 2, "revenue": 66_800, "refunds": 0, "net": 66_800},
        {"from": D23, "sales": 1, "revenue": 12_800, "refunds": 9_900, "net": 2_900},
    ]
    assert rows(result, "by_tender") == [
        {"tender": "WeChat Pay", "payments": 1, "taken": 36_200, "refunded": 0, "net": 36_200},
        {"tender": "Bank card", "payments": 1, "taken": 32_600, "refunded": 9_900, "net": 22_700},
        {"tender": "Alipay", "payments": 1, "taken": 12_800, "refunded": 0, "net": 12_800},
    ]
    assert rows(result, "by_category") == [
        {"kind": "Service", "category": "colour", "qty": 1, "revenue": 34_200, "refunds": 0,
         "net": 34_200},
        {"kind": "Service", "category": "hair", "qty": 2, "revenue": 25_600, "refunds": 0,
         "net": 25_600},
        {"kind": "Product", "category": "retail", "qty": 2, "revenue": 19_800, "refunds": 9_900,
         "net": 9_900},
    ]  # fmt: skip
    assert rows(result, "top_services") == [
        {"item": "Colour 染发", "qty": 1, "revenue": 34_200},
        {"item": "Haircut 剪发", "qty": 2, "revenue": 25_600},
    ]
    assert rows(result, "top_products") == [{"item": "Shampoo 洗发水", "qty": 2, "revenue": 19_800}]
    assert rows(result, "discounts") == [{"source": "Manual discount", "lines": 1, "amount": 3_800}]


def test_the_figures_agree_with_each_other(uow: UnitOfWork, shop_days: Actor) -> None:
    result = run(uow, shop_days, D22, D23)
    (now, _before) = rows(result, "summary")
    assert sum(r["revenue"] for r in rows(result, "over_time")) == now["revenue"]
    assert sum(r["net"] for r in rows(result, "by_category")) == now["net"]
    # money by way of paying = revenue + tips − refunds (these refunds paid back no tips)
    assert sum(r["net"] for r in rows(result, "by_tender")) == now["net"] + now["tips"]


def test_a_refund_counts_on_its_own_day_against_the_day_before(
    uow: UnitOfWork, shop_days: Actor
) -> None:
    result = run(uow, shop_days, D23, D23)
    now, before = rows(result, "summary")
    assert (now["sales"], now["revenue"], now["refunds"], now["net"]) == (1, 12_800, 9_900, 2_900)
    assert before["net"] == 66_800
    assert now["change"] == (2_900 - 66_800) * 10_000 // 66_800
    # sold on the 22nd, refunded on the 23rd: the category shows the refund alone
    assert {"kind": "Product", "category": "retail", "qty": 0, "revenue": 0, "refunds": 9_900,
            "net": -9_900} in rows(result, "by_category")  # fmt: skip


def test_an_empty_period_and_the_permission(uow: UnitOfWork, shop_days: Actor, make_actor) -> None:
    result = run(uow, shop_days, date(2026, 1, 1), date(2026, 1, 31), Bucket.WEEK)
    assert rows(result, "summary")[0]["sales"] == 0
    assert all(r["net"] == 0 for r in rows(result, "over_time"))
    assert rows(result, "by_tender") == [] and rows(result, "top_services") == []
    with pytest.raises(PermissionDenied):
        run(uow, make_actor(Role.FRONT_DESK), D22, D23)


def test_the_home_glance_uses_the_same_sums(uow: UnitOfWork, shop_days: Actor, make_actor) -> None:
    from salon_tui.services import report_sales

    glance = report_sales.glance(uow, shop_days, D23)
    assert (glance.today.sales, glance.today.net_cents) == (1, 2_900)
    assert (glance.yesterday.net_cents, glance.day_before.net_cents) == (66_800, 0)
    assert glance.yesterday_change_bp is None  # nothing to compare with
    assert (glance.month.net_cents, glance.month_change_bp) == (69_700, None)
    later = report_sales.glance(uow, shop_days, date(2026, 11, 24))
    assert later.yesterday_change_bp == (2_900 - 66_800) * 10_000 // 66_800
    with pytest.raises(PermissionDenied):
        report_sales.glance(uow, make_actor(Role.STYLIST), D23)


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 15)),
    ],
)
def test_same_days_last_month(today: date, start: date, end: date) -> None:
    from salon_tui.services.report_sales import same_days_last_month

    assert same_days_last_month(today) == Period(start, end)
