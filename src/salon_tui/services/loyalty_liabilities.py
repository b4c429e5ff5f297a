"""Loyalty's lines in the liabilities report: points at their redemption value, unused
vouchers at face value, and gift cards sold, spent, expired and outstanding."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Coupon, CouponEvent, CouponTemplate, GiftCardEntry, PointsEntry
from salon_tui.domain.coupons import CouponKind
from salon_tui.domain.points import EntryKind, points_value_cents
from salon_tui.i18n import _
from salon_tui.services import points
from salon_tui.services.liabilities import LIABILITY_SOURCES, Liability


def points_liability(session: Session, end: datetime, _day: date) -> list[Liability]:
    rules = points.load_rules(session)
    by_kind = {
        kind: int(total or 0)
        for kind, total in session.exec(
            select(PointsEntry.kind, func.sum(PointsEntry.points))
            .where(col(PointsEntry.at) < end)
            .group_by(col(PointsEntry.kind))
        )
    }
    held = sum(by_kind.values())
    holders = session.exec(
        select(func.count()).select_from(
            select(PointsEntry.member_id)
            .where(col(PointsEntry.at) < end)
            .group_by(col(PointsEntry.member_id))
            .having(func.sum(PointsEntry.points) > 0)
            .subquery()
        )
    ).one()
    # Redemptions (at checkout net of refunds giving points back, into stored value, for
    # rewards) and expiry go out; everything else (earned net of reversals, promotions
    # net of undos, adjustments) came in.
    redeemed = -sum(
        by_kind.get(kind, 0)
        for kind in (
            EntryKind.REDEEM,
            EntryKind.REDEEM_RETURNED,
            EntryKind.TO_STORED_VALUE,
            EntryKind.REWARD,
        )
    )
    expired = -by_kind.get(EntryKind.EXPIRE, 0)
    issued = held + redeemed + expired

    def value(count: int) -> int:
        return points_value_cents(count, rules)

    return (
        [
            Liability(
                "points",
                _("Points (at redemption value)"),
                issued_cents=value(issued),
                redeemed_cents=value(issued) - value(expired) - value(held),  # exact to the fen
                refunded_cents=0,
                expired_cents=value(expired),
                outstanding_cents=value(held),
                holders=int(holders),
            )
        ]
        if issued or held
        else []
    )


def voucher_liability(session: Session, end: datetime, day: date) -> list[Liability]:
    rows = session.exec(
        select(col(Coupon.id), col(Coupon.valid_to), col(CouponTemplate.amount_cents))
        .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
        .where(col(CouponTemplate.kind) == CouponKind.VOUCHER.value, col(Coupon.issued_at) < end)
    ).all()
    if not rows:
        return []
    last: dict[int, str] = {}
    for coupon_id, kind in session.exec(
        select(CouponEvent.coupon_id, CouponEvent.kind)
        .where(col(CouponEvent.at) < end, col(CouponEvent.coupon_id).in_([r[0] for r in rows]))
        .order_by(col(CouponEvent.id))
    ):
        last[int(coupon_id)] = kind
    issued = used = voided = expired = outstanding = holders = 0
    for voucher_id, valid_to, face in rows:
        amount = int(face or 0)
        issued += amount
        state = last.get(int(voucher_id or 0), "issue")
        if state == "use":
            used += amount
        elif state == "void":
            voided += amount
        elif valid_to is not None and valid_to < day:
            expired += amount
        else:
            outstanding += amount
            holders += 1
    return [
        Liability(
            "vouchers",
            _("Vouchers (代金券) unused"),
            issued_cents=issued,
            redeemed_cents=used,
            refunded_cents=voided,
            expired_cents=expired,
            outstanding_cents=outstanding,
            holders=holders,
        )
    ]


def gift_card_liability(session: Session, end: datetime, _day: date) -> list[Liability]:
    by_kind = {
        kind: int(total or 0)
        for kind, total in session.exec(
            select(GiftCardEntry.kind, func.sum(GiftCardEntry.amount_cents))
            .where(col(GiftCardEntry.at) < end)
            .group_by(col(GiftCardEntry.kind))
        )
    }
    if not by_kind:
        return []
    from salon_tui.services.gift_cards import totals

    cards = totals(session, end)
    return [
        Liability(
            "gift_cards",
            _("Gift cards"),
            issued_cents=cards.sold_cents,
            redeemed_cents=cards.spent_cents,
            refunded_cents=cards.paid_back_cents,
            expired_cents=cards.expired_cents,
            outstanding_cents=cards.outstanding_cents,
            holders=cards.cards_outstanding,
        )
    ]


LIABILITY_SOURCES.extend([points_liability, voucher_liability, gift_card_liability])
