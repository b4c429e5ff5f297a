"""What a member's sale receipt says (issue #6 item 1): where each discount came from, the
member block (masked card and phone, level, points earned and held, coupons used), the
next booking, and every payment under its own name. The receipt printed when the sale is
paid, a reprint and ``salon printer receipt`` come from one builder and agree."""

from __future__ import annotations

import pytest

from salon_tui.config import PrinterConfig
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import (
    booking_status,
    bookings,
    coupons,
    drawer,
    loyalty_checkout,
    members,
    points,
    printing,
    receipts,
    sales,
)
from salon_tui.services.bookings import LineRequest
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.services.booking_helpers import at, make_shop

pytestmark = pytest.mark.usefixtures("clock")  # Sunday 2026-11-22 10:00 Shanghai


def test_a_member_sale_receipt_explains_discounts_and_the_member_block(
    uow: UnitOfWork, owner: Actor
) -> None:
    shop = make_shop(uow, owner)
    assert shop.tony.staff_id is not None
    member = members.add_member(uow, owner, name="李伟", phone="13800138000").id
    points.adjust(uow, owner, member, 1_200, "welcome")
    template = coupons.add_template(
        uow, owner, name="立减30", kind="voucher", amount_cents=3_000, valid_days=30
    )
    coupon = coupons.issue(uow, owner, template.id, member)
    bookings.book(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)],
                  at("2026-11-25", "15:00"), member_id=member)  # fmt: skip
    drawer.open_drawer(uow, shop.desk, 50_000)
    cart = sales.open_sale(uow, shop.desk, member_id=member)
    sales.add_line(uow, shop.desk, cart.sale_id, kind="service", description="精剪",
                   unit_cents=12_800, category="剪发", staff=[StaffShare(shop.tony.staff_id)])  # fmt: skip
    loyalty_checkout.apply_coupon(uow, shop.desk, cart.sale_id, coupon.code)
    paid = pay_sale(uow, shop.desk, cart.sale_id, [PaymentIn("cash", 9_800, tendered_cents=10_000)])

    receipt = receipts.sale_receipt(uow, shop.desk, paid.number)

    [line] = receipt.lines
    assert (line.discount_cents, line.amount_cents) == (3_000, 9_800)
    assert line.discount_source.startswith("优惠券") or line.discount_source.startswith("Coupon")
    assert "立减30" in line.discount_source
    assert receipt.member is not None
    assert receipt.member.phone_masked == "138****8000"
    earned = receipt.member.points_earned
    assert earned is not None and earned > 0
    assert receipt.member.points_balance == 1_200 + earned
    assert receipt.member.coupons_used == (f"立减30 {coupon.code}",)
    assert receipt.next_booking.startswith("11-25 15:00")
    assert "精剪 · Tony" in receipt.next_booking
    assert receipt.notes == ()  # the member block names the member already

    # The receipt queued when the sale was paid reads the same as a reprint built now.
    config = PrinterConfig(connection="folder", folder="/tmp/unused", columns=32)
    [job] = [j for j in printing.list_jobs(uow) if paid.number in j.title]
    assert printing.preview_job(uow, job.id, config) == printing.preview_receipt(receipt, config)


def test_a_booking_deposit_prints_under_its_own_name_and_opens_no_drawer(
    uow: UnitOfWork, owner: Actor
) -> None:
    shop = make_shop(uow, owner)
    assert shop.tony.staff_id is not None
    member = members.add_member(uow, owner, name="王芳").id
    drawer.open_drawer(uow, shop.desk, 50_000)  # the deposit was taken at the desk
    booked = bookings.book(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)],
                           at("2026-11-22", "10:00"), member_id=member, deposit_cents=5_000)  # fmt: skip
    booking_status.set_status(uow, owner, booked.id, "arrived")
    _done, sale_id = booking_status.finish(uow, owner, booked.id)
    rest = sales.get_cart(uow, owner, sale_id).total_cents - 5_000
    paid = pay_sale(
        uow,
        shop.desk,
        sale_id,
        [PaymentIn("deposit", 5_000), PaymentIn("wechat", rest, reference="wx9")],
    )
    receipt = receipts.sale_receipt(uow, shop.desk, paid.number)
    assert [(p.method, p.amount_cents) for p in receipt.payments] == [
        ("deposit", 5_000),
        ("wechat", rest),
    ]
    assert receipt.payments[0].label == "预约定金"  # the shop's language
    assert receipt.payments[1].label == ""  # the layout names WeChat Pay itself
    assert not receipt.opens_drawer  # no cash was taken
    assert receipt.tendered_cents is None and receipt.change_cents is None


def test_the_receipt_queued_at_pay_names_every_stylist_and_discount_like_a_reprint(
    uow: UnitOfWork, owner: Actor
) -> None:
    # Paying builds the receipt from what it holds (shares, adjustments, payments); a
    # reprint reads them back. Two people on a line, two discounts on it, a line with
    # none, a split payment: both read the same.
    shop = make_shop(uow, owner)
    assert shop.tony.staff_id is not None and shop.kevin.staff_id is not None
    drawer.open_drawer(uow, shop.desk, 50_000)
    cart = sales.open_sale(uow, shop.desk)
    shared = [StaffShare(shop.tony.staff_id, 6_000, requested=True),
              StaffShare(shop.kevin.staff_id, 4_000)]  # fmt: skip
    cart = sales.add_line(uow, shop.desk, cart.sale_id, kind="service", description="染发",
                          unit_cents=38_800, category="剪发", staff=shared)  # fmt: skip
    cart = sales.add_line(uow, shop.desk, cart.sale_id, kind="service", description="精剪",
                          unit_cents=12_800, category="剪发", staff=[StaffShare(shop.kevin.staff_id)])  # fmt: skip
    coloured = cart.lines[0].id
    sales.discount_line(uow, owner, cart.sale_id, coloured, amount_cents=3_800, reason="老客")
    cart = sales.discount_sale(uow, owner, cart.sale_id, percent_bp=1_000, reason="店庆")
    cash_cents = cart.total_cents - 20_000
    paid = pay_sale(
        uow,
        shop.desk,
        cart.sale_id,
        [
            PaymentIn("wechat", 20_000, reference="wx1"),
            PaymentIn("cash", cash_cents, tendered_cents=40_000),
        ],
    )

    receipt = receipts.sale_receipt(uow, shop.desk, paid.number)

    assert [line.stylist for line in receipt.lines] == ["Tony/Kevin", "Kevin"]
    sources = [line.discount_source for line in receipt.lines]
    assert " + " in sources[0]  # the manual discount and the sale's share of its own
    assert sources[1] and " + " not in sources[1]  # only the sale's discount
    assert [(p.method, p.amount_cents) for p in receipt.payments] == [
        ("wechat", 20_000),
        ("cash", cash_cents),
    ]
    assert receipt.tendered_cents == 40_000
    [job] = [j for j in printing.list_jobs(uow) if paid.number in j.title]
    config = PrinterConfig(connection="folder", folder="/tmp/unused", columns=32)
    assert printing.preview_job(uow, job.id, config) == printing.preview_receipt(receipt, config)
