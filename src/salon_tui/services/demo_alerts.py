"""The demo's alerts: the shop's rules, and two things staff did today that they flag.

Both go through the real services, so the flags are what the rules make of them: the
front desk takes a top-up above the alert limit, and the manager adds points by hand;
the owner has already looked at the points and dismissed that flag with a note. The
opening-hours rule is switched on last, whatever the hour the demo is built at.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from salon_tui.data.models import AlertFlag, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role


def seed_alerts(uow: UnitOfWork, context: Any) -> dict[str, int]:
    from salon_tui.services import alerts, points, stored_value

    staff = context.staff_ids
    desk = Actor(staff["desk"], "李娜 Nina", Role.FRONT_DESK)
    manager = Actor(staff["manager"], "陈静 Jing", Role.MANAGER)
    rules = alerts.get_rules(uow, context.owner)
    with uow.read() as session:
        member_ids = list(
            session.exec(
                select(Member.id)
                .where(col(Member.status) == "active")
                .order_by(col(Member.id))
                .limit(40)
            )
        )
    if len(member_ids) < 2:
        alerts.update_rules(uow, context.owner, sale_above_cents=300_000, outside_hours=True)
        return {"alert flags": 0}
    big, birthday = context.rng.sample(member_ids, 2)
    stored_value.top_up(
        uow,
        desk,
        big,
        rules.top_up_above_cents + 200_000,
        "wechat",
        reference="4200001839202611",
        note="年卡充值",
    )
    points.adjust(uow, manager, birthday, 300, "生日当天未到店，补送生日积分")
    with uow.read() as session:
        points_flag = session.exec(
            select(AlertFlag.id).where(col(AlertFlag.action) == "points.adjust")
        ).first()
    if points_flag is not None:
        alerts.dismiss(uow, context.owner, points_flag, "已核对：生日活动补送，符合规定")
    # Set up: from now on desk money outside opening hours is flagged (see demo.py).
    alerts.update_rules(uow, context.owner, sale_above_cents=300_000, outside_hours=True)
    with uow.read() as session:
        count = len(session.exec(select(AlertFlag.id)).all())
    return {"alert flags": count}
