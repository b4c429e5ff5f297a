"""The demo's points, coupons and gift cards come from believable history and check."""

from __future__ import annotations

import json

from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, CouponTemplate, GiftCard, PointsAccount
from salon_tui.data.uow import UnitOfWork
from salon_tui.services import database
from salon_tui.services.demo import DemoOptions, build_demo


def test_demo_members_hold_points_and_coupons_and_gift_cards_are_partly_spent(
    uow: UnitOfWork,
) -> None:
    summary = build_demo(uow, DemoOptions(members=80, months=2, seed=5))
    assert summary.counts["points entries"] > 100
    assert summary.counts["coupons"] >= 10
    assert summary.counts["gift cards"] == 6
    problems = {result.name: result.problems for result in database.check(uow)}
    assert all(not found for found in problems.values()), problems
    with uow.read() as session:
        balances = session.exec(select(PointsAccount.balance)).all()
        assert len(balances) > 40 and min(balances) >= 0
        kinds = {t.kind for t in session.exec(select(CouponTemplate)).all()}
        assert kinds == {"percent", "amount_off", "voucher", "free_item"}
        cards = session.exec(select(GiftCard)).all()
        spent = [c for c in cards if 0 < c.balance_cents < c.value_cents]
        assert len(spent) == 2
        (refunded,) = [c for c in cards if c.refund_method]
        assert (refunded.refund_method, refunded.balance_cents) == ("bank_card", 0)
        assert refunded.refunded_cents == refunded.value_cents - 9_800  # spent on a cut
        (audited,) = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "giftcard.refund")
        ).all()
        assert audited.staff_name == "李娜 Nina"
        assert json.loads(audited.after or "{}")["approved_by"] == "陈静 Jing"
