"""`salon report coupons` on a small exact dataset: every figure known by hand."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import coupons, loyalty_checkout, members, refunds, reports
from salon_tui.services.reports import ReportRequest
from salon_tui.services.sale_payment import pay_sale
from tests.services.test_loyalty import desk, sale_for, stylist  # noqa: F401  (fixtures)

NOV = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_issued_used_restored_cancelled_and_expired_coupons_and_their_sales(
    uow: UnitOfWork,
    owner: Actor,
    desk: Actor,  # noqa: F811
    stylist: Actor,  # noqa: F811
    clock: time_machine.Coordinates,
) -> None:
    li = members.add_member(uow, owner, name="李莉").id
    wang = members.add_member(uow, owner, name="王五").id
    man_jian = coupons.add_template(uow, owner, name="满300减50", kind="amount_off",
                                    amount_cents=5_000, min_spend_cents=30_000,
                                    valid_days=30).id  # fmt: skip
    short = coupons.add_template(uow, owner, name="三日券", kind="voucher",
                                 amount_cents=1_000, valid_days=3).id  # fmt: skip
    used = coupons.issue(uow, desk, man_jian, li)
    refunded = coupons.issue(uow, desk, man_jian, wang)
    cancelled = coupons.issue(uow, desk, man_jian, li)
    coupons.issue(uow, desk, short, wang)  # valid 22–24 Nov, never used: expires in November
    last_sale = 0
    for member, coupon in ((li, used), (wang, refunded)):
        last_sale = sale_for(uow, desk, stylist, member, (18_000, 18_000))
        loyalty_checkout.apply_coupon(uow, desk, last_sale, coupon.code)
        pay_sale(uow, desk, last_sale, [PaymentIn("cash", 31_000)])
    refunds.refund_sale(uow, owner, last_sale, key="r1", reason="unhappy")
    coupons.void_coupon(uow, owner, cancelled.code, "issued twice")
    plain = sale_for(uow, desk, stylist, None, (12_800,))
    pay_sale(uow, desk, plain, [PaymentIn("cash", 12_800)])
    clock.shift(timedelta(days=10))

    result = reports.run_report(uow, owner, "coupons", ReportRequest(period=NOV))
    by_coupon, by_campaign, with_sales = result.sections
    assert by_coupon.rows == [
        {"name": "满300减50", "issued": 3, "used": 1, "expired": 0, "voided": 1,
         "discount": 5_000},  # the refunded sale's coupon came back, and its 50 off
        {"name": "三日券", "issued": 1, "used": 0, "expired": 1, "voided": 0, "discount": 0},
    ]  # fmt: skip
    assert by_campaign.rows == [
        {"name": "Issued by hand", "issued": 4, "used": 1, "expired": 1, "voided": 1,
         "discount": 5_000},
    ]  # fmt: skip
    assert with_sales.rows[0] == {
        "item": "With a coupon",
        "sales": 2,
        "revenue": 62_000,
        "share": 6_666,
    }
    assert with_sales.rows[1]["sales"] == 3


def test_a_month_without_coupons_is_an_empty_report(uow: UnitOfWork, owner: Actor) -> None:
    result = reports.run_report(uow, owner, "coupons", ReportRequest(period=NOV))
    assert [section.rows for section in result.sections[:2]] == [[], []]
    assert result.sections[2].rows[0]["sales"] == 0
