"""Loyalty's lines in the liabilities report add up to the fen."""

from __future__ import annotations

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import coupons, drawer, gift_cards, liabilities, members, points, sales
from salon_tui.services.members import shop_today
from salon_tui.services.sale_payment import pay_sale


def test_points_vouchers_and_gift_cards_are_owed_and_add_up(
    uow: UnitOfWork, owner: Actor, make_actor, clock: object
) -> None:
    stylist = make_actor(Role.STYLIST, "Tony")
    drawer.open_drawer(uow, owner, 10_000)
    member_id = members.add_member(uow, owner, name="李莉").id
    points.adjust(uow, owner, member_id, 2_000, "welcome")
    voucher = coupons.add_template(
        uow, owner, name="代金券50", kind="voucher", amount_cents=5_000, valid_days=30
    )
    coupons.issue(uow, owner, voucher.id, member_id)
    card = gift_cards.sell(uow, owner, 30_000, "cash", key="g")
    cart = sales.open_sale(uow, owner, member_id=member_id)
    sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="Cut",
        unit_cents=20_000,
        staff=[sales.StaffShare(stylist.staff_id)],
    )
    pay_sale(
        uow,
        owner,
        cart.sale_id,
        [PaymentIn("points", 500), PaymentIn("gift_card", 19_500, reference=card.code)],
    )
    with uow.read() as session:
        today = shop_today(session)
    lines = {line.key: line for line in liabilities.liabilities_at(uow, owner, today)}
    owed = lines["points"]
    assert owed.outstanding_cents == 2_000 - 500 + 195  # ¥195 by gift card earned 195
    assert owed.issued_cents == owed.redeemed_cents + owed.expired_cents + owed.outstanding_cents
    assert lines["vouchers"].outstanding_cents == 5_000 and lines["vouchers"].holders == 1
    cards = lines["gift_cards"]
    assert (cards.issued_cents, cards.redeemed_cents, cards.outstanding_cents) == (
        30_000,
        19_500,
        10_500,
    )
