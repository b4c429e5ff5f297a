"""Top-up promotions that give points or a coupon (充1000送100积分 + 一张满减券).

The prepaid area applies the bonus and the level upgrade and calls ``TOPUP_REWARDS``
inside the top-up's transaction; this gives what the tier promises and says so in one
short sentence each. Undoing the top-up (``TOPUP_UNDOS``) takes them back, and is
refused when the points were already spent or the coupon already used.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from salon_tui.data.models import Coupon
from salon_tui.domain.actor import Actor
from salon_tui.domain.coupons import CouponState
from salon_tui.domain.points import EntryKind, expiry_date
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import _
from salon_tui.services import coupons, points
from salon_tui.services.members import shop_today
from salon_tui.services.top_up_promotions import TOPUP_REWARDS, TOPUP_UNDOS, TopUpReward


def _key(reward: TopUpReward) -> str:
    return f"top_up:{reward.entry_id}"


def give_top_up_rewards(session: Session, actor: Actor, reward: TopUpReward) -> list[str]:
    given: list[str] = []
    if reward.tier.points > 0:
        rules = points.load_rules(session)
        points.add_entry(
            session,
            actor,
            reward.member_id,
            EntryKind.PROMOTION,
            reward.tier.points,
            expires_on=expiry_date(shop_today(session), rules),
            reason=_key(reward),
        )
        given.append(_("{points} points").format(points=reward.tier.points))
    if reward.tier.coupon_template:
        try:
            template = coupons.template_named(session, reward.tier.coupon_template)
        except NotFound:
            # A promotion naming a coupon the shop does not have must not stop the top-up.
            given.append(
                _("no coupon: there is no coupon template {name}").format(
                    name=reward.tier.coupon_template
                )
            )
            return given
        if not template.active:
            given.append(_("no coupon: {name} is retired").format(name=template.name))
            return given
        coupon = coupons.issue_in_session(
            session, actor, template, reward.member_id, "top_up", issue_key=_key(reward)
        )
        if coupon is not None:
            given.append(_("coupon {name} ({code})").format(name=template.name, code=coupon.code))
    return given


def take_back_top_up_rewards(session: Session, actor: Actor, reward: TopUpReward) -> None:
    if reward.tier.points > 0:
        try:
            points.add_entry(
                session,
                actor,
                reward.member_id,
                EntryKind.PROMOTION_UNDONE,
                -reward.tier.points,
                reason=_key(reward),
            )
        except Conflict:
            raise Conflict(
                _(
                    "The promotion's {points} points were already spent: "
                    "the top-up cannot be undone."
                ).format(points=reward.tier.points)
            ) from None
    coupon = session.exec(select(Coupon).where(col(Coupon.issue_key) == _key(reward))).first()
    if coupon is None:
        return
    result = session.execute(
        update(Coupon)
        .where(col(Coupon.id) == coupon.id, col(Coupon.state) == CouponState.AVAILABLE.value)
        .values(state=CouponState.VOID.value)
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise Conflict(
            _(
                "The promotion's coupon {code} was already used: the top-up cannot be undone."
            ).format(code=coupon.code)
        )
    assert coupon.id is not None
    coupons.add_event(session, actor, coupon.id, "void", reason=_("top-up undone"))


TOPUP_REWARDS.append(give_top_up_rewards)
TOPUP_UNDOS.append(take_back_top_up_rewards)
