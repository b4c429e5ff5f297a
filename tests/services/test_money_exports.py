"""The sales and payments export kinds on a small set of sales worked out by hand
(the same days as the sales report's test), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import exports, refunds, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

D22, D23 = date(2026, 11, 22), date(2026, 11, 23)


def rows(uow: UnitOfWork, actor: Actor, kind: str, start=None, end=None) -> list[Sequence[Any]]:
    exports._load_kinds()
    request = exports.ExportRequest(uow, actor, exports.Period(start, end), {})
    return list(exports.KINDS[kind].rows(request))


def column(kind: str, header: str) -> int:
    exports._load_kinds()
    return [c.header for c in exports.KINDS[kind].columns].index(header)


@pytest.fixture
def shop_days(clock, uow: UnitOfWork, owner: Actor, make_actor) -> Actor:
    """22 Nov: A = haircut 128 (Tony) + 2 × shampoo 99 by bank card; B = colour 380 less
    10 % with a 20 tip by WeChat. 23 Nov: C = haircut 128 by Alipay; one shampoo of A
    refunded. A voided sale never counts."""
    desk = make_actor(Role.FRONT_DESK, "Nina")
    tony = make_actor(Role.STYLIST, "Tony")

    def line(sale_id, kind, description, unit, category, stylist=None, qty=1):
        staff = [StaffShare(stylist.staff_id)] if stylist else []
        return sales.add_line(
            uow,
            desk,
            sale_id,
            kind=kind,
            description=description,
            unit_cents=unit,
            qty=qty,
            category=category,
            staff=staff,
        )

    a = sales.open_sale(uow, desk).sale_id
    line(a, "service", "Haircut 剪发", 12_800, "hair", tony)
    shampoo = line(a, "product", "Shampoo 洗发水", 9_900, "retail", qty=2).lines[-1].id
    pay_sale(uow, desk, a, [PaymentIn("bank_card", 32_600)])
    b = sales.open_sale(uow, desk).sale_id
    cart = line(b, "service", "Colour 染发", 38_000, "colour", tony)
    sales.discount_line(uow, desk, b, cart.lines[0].id, percent_bp=1_000, reason="regular")
    sales.set_tip(uow, desk, b, tony.staff_id or 0, 2_000)
    pay_sale(uow, desk, b, [PaymentIn("wechat", 36_200, reference="4200001")])
    voided = sales.open_sale(uow, desk).sale_id
    line(voided, "service", "Haircut 剪发", 12_800, "hair", tony)
    sales.void_sale(uow, desk, voided, "client left")
    clock.shift(timedelta(days=1))
    c = sales.open_sale(uow, desk).sale_id
    line(c, "service", "Haircut 剪发", 12_800, "hair", tony)
    pay_sale(uow, desk, c, [PaymentIn("alipay", 12_800, reference="2088001")])
    refunds.refund_sale(uow, owner, a, key="r1", reason="allergic", lines={shampoo: 1})
    return owner


def test_sale_lines_show_each_line_with_its_discounts_and_refunds_as_negative_lines(
    uow: UnitOfWork, shop_days: Actor
) -> None:
    found = rows(uow, shop_days, "sales", D22, D23)
    picked = [
        (
            row[column("sales", "Status")],
            row[column("sales", "Description")],
            row[column("sales", "Stylists")],
            row[column("sales", "Qty")],
            row[column("sales", "Discounts by source")],
            row[column("sales", "Line total")],
        )
        for row in found
    ]
    assert picked == [
        ("paid", "Haircut 剪发", "Tony", 1, "", Decimal("128.00")),
        ("paid", "Shampoo 洗发水", "", 2, "", Decimal("198.00")),
        ("paid", "Colour 染发", "Tony", 1, "Manual discount 38.00", Decimal("342.00")),
        ("paid", "Haircut 剪发", "Tony", 1, "", Decimal("128.00")),
        ("refund", "Shampoo 洗发水", "", -1, "allergic", Decimal("-99.00")),
    ]
    # The sales report's net revenue for the two days is 697.00.
    assert sum(row[column("sales", "Line total")] for row in found) == Decimal("697.00")
    assert {row[column("sales", "Business day")] for row in found} == {D22, D23}


def test_the_period_keeps_a_refund_on_the_day_it_was_made(
    uow: UnitOfWork, shop_days: Actor
) -> None:
    first_day = rows(uow, shop_days, "sales", D22, D22)
    assert [row[column("sales", "Status")] for row in first_day] == ["paid"] * 3
    second_day = rows(uow, shop_days, "sales", D23, D23)
    assert [row[column("sales", "Status")] for row in second_day] == ["paid", "refund"]


def test_payments_show_each_method_with_its_reference_and_money_paid_back(
    uow: UnitOfWork, shop_days: Actor
) -> None:
    found = rows(uow, shop_days, "payments", D22, D23)
    picked = [
        (
            row[column("payments", "Method code")],
            row[column("payments", "Amount")],
            row[column("payments", "Reference")],
            bool(row[column("payments", "Refund number")]),
        )
        for row in found
    ]
    assert sorted(picked, key=str) == sorted(
        [
            ("bank_card", Decimal("326.00"), "", False),
            ("wechat", Decimal("362.00"), "4200001", False),
            ("alipay", Decimal("128.00"), "2088001", False),
            ("bank_card", Decimal("-99.00"), "", True),
        ],
        key=str,
    )
    # Net revenue 697 + the 20 tip: what the ways of paying took, net.
    assert sum(row[column("payments", "Amount")] for row in found) == Decimal("717.00")
