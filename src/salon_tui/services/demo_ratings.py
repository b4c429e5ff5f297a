"""The demo's ratings: clients rated their stylist on about a third of the last 90 days'
visits, mostly 4 and 5 stars, a few lower with a reason; checkout asks for ratings, and
members get 10 % off services once in their birth month."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import col

from salon_tui.data.models import Sale, SaleLine, SaleLineStaff, SaleRating
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.sales import COUNTED_STATUSES, LineKind

COMMENTS = {
    5: ["很满意", "剪得很好看", "Great cut, thank you!", "手法专业", "下次还找他", ""],
    4: ["不错", "Nice, a bit slow", "满意", ""],
    3: ["一般", "等太久了", "Colour a little darker than asked"],
    2: ["不太满意，颜色不均匀", "Too short at the back"],
}
WEIGHTS = ((5, 62), (4, 26), (3, 8), (2, 4))


def seed_ratings(uow: UnitOfWork, context: Any) -> dict[str, int]:
    from salon_tui.services import checkout_settings

    checkout_settings.update_checkout_settings(
        uow,
        context.owner,
        ask_rating=True,
        birthday_discount_bp=1_000,  # 生日当月服务九折, once
        birthday_window="month",
    )
    since = context.today - timedelta(days=90)
    with uow.read() as session:
        rows = session.execute(
            select(
                col(Sale.id),
                col(Sale.member_id),
                col(Sale.business_day),
                col(Sale.paid_at),
                col(SaleLineStaff.staff_id),
            )
            .join(SaleLine, col(SaleLine.sale_id) == col(Sale.id))
            .join(SaleLineStaff, col(SaleLineStaff.line_id) == col(SaleLine.id))
            .where(
                col(Sale.status).in_(COUNTED_STATUSES),
                col(Sale.business_day) >= since,
                col(SaleLine.kind) == LineKind.SERVICE.value,
            )
            .order_by(col(Sale.id))
        ).all()
    rng = context.rng
    stars_pool = [stars for stars, weight in WEIGHTS for _ in range(weight)]
    seen: set[tuple[int, int]] = set()
    ratings: list[dict[str, Any]] = []
    desk = context.staff_ids.get("desk", context.owner.staff_id)
    for sale_id, member_id, day, paid_at, staff_id in rows:
        if (sale_id, staff_id) in seen or paid_at is None or rng.random() > 0.33:
            continue
        seen.add((sale_id, staff_id))
        stars = rng.choice(stars_pool)
        ratings.append(
            {
                "sale_id": sale_id,
                "staff_id": staff_id,
                "member_id": member_id,
                "business_day": day,
                "stars": stars,
                "comment": rng.choice(COMMENTS[stars]),
                "recorded_by": desk,
                "recorded_at": paid_at + timedelta(minutes=1),
                "withdraw_reason": "",
            }
        )
    with uow.transaction() as session:
        for start in range(0, len(ratings), 5_000):
            session.execute(insert(SaleRating), ratings[start : start + 5_000])
    return {"ratings": len(ratings)}
