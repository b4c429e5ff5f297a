"""Demo loyalty: the points rule, coupon templates, members' points and coupons from the
demo's sales history, and a few gift cards sold and partly spent today.

Points come from the members' paid demo sales (1 point per ¥1 × the level multiplier),
a few redemptions for gifts, then an expiry run, all bulk-inserted; coupons and gift
cards go through the services so their ledgers are exactly what the desk would make.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import col

from salon_tui.data.models import (
    CouponTemplate,
    Member,
    MemberLevel,
    PointsAccount,
    PointsEntry,
    Sale,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.points import EntryKind, expiry_date, points_earned
from salon_tui.domain.tenders import PaymentIn

GIFTS = ("护发精油小样 Hair oil sample", "品牌帆布袋 Tote bag", "头皮护理体验 Scalp care trial")


def seed_loyalty(uow: UnitOfWork, context: Any) -> dict[str, int]:
    from salon_tui.services import coupons, points

    rng = context.rng
    owner = context.owner
    rules = points.set_rules(
        uow, owner, spend_per_point_cents=100, value_per_100_cents=100, expiry_years=1
    )
    man_jian = coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    )
    birthday = coupons.add_template(
        uow,
        owner,
        name="生日八折 Birthday 20% off",
        kind="percent",
        percent_bp=2_000,
        scope="services",
        valid_days=14,
    )
    voucher = coupons.add_template(
        uow,
        owner,
        name="50元代金券 ¥50 voucher",
        kind="voucher",
        amount_cents=5_000,
        valid_days=60,
        stackable=True,
    )
    free_wash = coupons.add_template(
        uow,
        owner,
        name="免费洗吹 Free wash & blow-dry",
        kind="free_item",
        scope="services",
        scope_items=["W01"],
        valid_days=30,
    )
    coupons.set_settings(
        uow, owner, birthday_template_id=birthday.id, referral_template_id=voucher.id
    )
    earned_entries, accounts = _points_from_history(uow, context, rules)
    redeemed = _redemptions(uow, context, accounts)
    expired = points.expire_points(uow, owner, context.today).points
    issued = _coupons(uow, context, [man_jian.id, voucher.id, free_wash.id])
    birthdays = coupons.issue_birthdays(uow, owner, today=context.today).issued
    gift_cards_sold = _gift_cards(uow, context)
    del rng
    return {
        "points entries": earned_entries + redeemed,
        "points expired": expired,
        "coupons": issued + birthdays,
        "gift cards": gift_cards_sold,
    }


def _points_from_history(uow: UnitOfWork, context: Any, rules: Any) -> tuple[int, dict[int, int]]:
    zone = ZoneInfo("Asia/Shanghai")
    with uow.read() as session:
        multipliers = {
            int(member_id): int(pct or 100)
            for member_id, pct in session.execute(
                select(col(Member.id), col(MemberLevel.points_multiplier_pct)).outerjoin(
                    MemberLevel, col(MemberLevel.id) == col(Member.level_id)
                )
            )
        }
        sales = session.execute(
            select(
                col(Sale.id),
                col(Sale.member_id),
                col(Sale.total_cents),
                col(Sale.tips_cents),
                col(Sale.paid_at),
                col(Sale.business_day),
                col(Sale.number),
            )
            .where(col(Sale.member_id).is_not(None), col(Sale.status) == "paid")
            .order_by(col(Sale.id))
        ).all()
    rows: list[dict[str, Any]] = []
    balances: dict[int, int] = defaultdict(int)
    for sale_id, member_id, total, tips, paid_at, day, number in sales:
        basis = int(total) - int(tips or 0)
        earned = points_earned(basis, multipliers.get(int(member_id), 100), rules)
        if earned <= 0:
            continue
        balances[int(member_id)] += earned
        rows.append(
            {
                "member_id": int(member_id),
                "kind": EntryKind.EARN,
                "points": earned,
                "expires_on": expiry_date(day, rules),
                "amount_cents": basis,
                "sale_id": int(sale_id),
                "refund_id": None,
                "reason": number or "",
                "staff_id": None,
                "at": paid_at or datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC),
            }
        )
    with uow.transaction() as session:
        for start in range(0, len(rows), 5_000):
            session.execute(insert(PointsEntry), rows[start : start + 5_000])
        accounts = [
            {"member_id": member_id, "balance": held, "updated_at": datetime.now(UTC)}
            for member_id, held in balances.items()
        ]
        for start in range(0, len(accounts), 5_000):
            session.execute(insert(PointsAccount), accounts[start : start + 5_000])
    return len(rows), dict(balances)


def _redemptions(uow: UnitOfWork, context: Any, balances: dict[int, int]) -> int:
    """A few members traded points for a gift (through the service: never below zero)."""
    from salon_tui.services import points

    rich = sorted(member for member, held in balances.items() if held >= 800)
    chosen = context.rng.sample(rich, min(len(rich), 25))
    for member_id in chosen:
        gift = context.rng.choice(GIFTS)
        points.adjust(uow, context.owner, member_id, -500, f"兑换礼品 {gift}")
    return len(chosen)


def _coupons(uow: UnitOfWork, context: Any, template_ids: list[int]) -> int:
    from salon_tui.services import coupons

    with uow.read() as session:
        member_ids = [
            int(m)
            for m in session.execute(
                select(col(Member.id))
                .where(col(Member.status) == "active")
                .order_by(col(Member.id))
            ).scalars()
        ]
        templates = {
            t.id: t
            for t in session.execute(
                select(CouponTemplate).where(col(CouponTemplate.id).in_(template_ids))
            ).scalars()
        }
    count = min(len(member_ids) // 8, 1_500)
    chosen = context.rng.sample(member_ids, count) if count else []
    with uow.transaction() as session:
        for member_id in chosen:
            template = templates[context.rng.choice(template_ids)]
            issued_on = context.today - timedelta(days=context.rng.randint(0, 40))
            coupons.issue_in_session(
                session, context.owner, template, member_id, "manual", today=issued_on
            )
    return len(chosen)


def _gift_cards(uow: UnitOfWork, context: Any) -> int:
    """Six cards sold today (WeChat, Alipay, bank card); three partly spent on sales, and
    what was left on the bank card one paid back at the desk (bought for a client who
    moved away)."""
    from salon_tui.services import gift_cards, sales
    from salon_tui.services.sale_payment import pay_sale

    owner = context.owner
    sold = []
    for index, (value, tender) in enumerate(
        [
            (50_000, "wechat"),
            (100_000, "alipay"),
            (20_000, "bank_card"),
            (50_000, "wechat"),
            (30_000, "alipay"),
            (100_000, "bank_card"),
        ]
    ):
        reference = "" if tender == "bank_card" else f"42000{context.rng.randint(10**9, 10**10)}"
        sold.append(
            gift_cards.sell(
                uow,
                owner,
                value,
                tender,
                key=f"demo-gift-{index}",
                reference=reference,
                print_receipt=False,
                note=context.rng.choice(
                    ["生日礼物 birthday present", "公司福利 staff gift", "闺蜜 for a friend"]
                ),
            )
        )
    stylist = context.staff_ids.get("kevin")
    for card, price in zip(sold[:3], (16_800, 38_800, 9_800), strict=True):
        cart = sales.open_sale(uow, owner)
        sales.add_line(
            uow,
            owner,
            cart.sale_id,
            kind="service",
            description="剪发造型 Cut & style",
            unit_cents=price,
            item_code="C01",
            category="剪发",
            staff=[sales.StaffShare(stylist)] if stylist else [],
        )
        pay_sale(
            uow,
            owner,
            cart.sale_id,
            [PaymentIn("gift_card", min(price, card.value_cents), reference=card.code)],
            print_receipt=False,
        )
    # Refunded by the desk (李娜 Nina) with the manager's PIN on the spot (陈静 Jing): the
    # audit names both.
    desk_id, manager_id = context.staff_ids.get("desk"), context.staff_ids.get("manager")
    refunder, approval = owner, None
    if desk_id and manager_id:
        from salon_tui.domain.actor import Actor
        from salon_tui.domain.permissions import Role
        from salon_tui.services.sales import Approval

        refunder = Actor(desk_id, "李娜 Nina", Role.FRONT_DESK)
        approval = Approval(manager_id, "陈静 Jing")
    gift_cards.refund_card(
        uow,
        refunder,
        sold[2].code,
        "bank_card",
        "客人搬家 client moved away",
        f"POS{context.rng.randint(10**5, 10**6)}",
        key="demo-gift-refund",
        approval=approval,
    )
    return len(sold)
