"""Levels that follow what a member does, applied inside checkout's transactions.

After a paid sale a member whose standing reaches a higher level's rule moves up to it:
cumulative spend (paid sales less refunds, tips left out), points earned on sales (less
those a refund took back; redeeming or expiring points does not lower it) or the
largest top-up that still stands. A sale never moves anyone down: a level reached by a
top-up or by hand is not lost because spending alone would not reach it.

After a refund a member drops when their level is set to drop ("levels can drop" in
Settings → Levels) and the refund is what takes them below it: they met one of its rules
before the refund and meet none after. They go to the highest level they still reach.

Every change keeps its reason in the level history. Registered in checkout's
``sale_hooks`` plugins (after points are earned or taken back).
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from salon_tui.data.models import (
    Member,
    MemberLevel,
    PointsEntry,
    RefundLine,
    Sale,
    SaleLine,
    StoredValueEntry,
)
from salon_tui.domain.actor import Actor
from salon_tui.domain.members import (
    LevelRule,
    MemberStanding,
    level_after_refund,
    level_for,
)
from salon_tui.domain.points import EntryKind
from salon_tui.domain.sales import CARD_KINDS, COUNTED_STATUSES
from salon_tui.i18n import _
from salon_tui.services import sale_hooks
from salon_tui.services.member_levels import record_level_change
from salon_tui.services.stored_value import shop_money

# The points entries the "upgrade at points" rule counts: earned on sales, less what a
# refund took back.
EARNED_KINDS = (EntryKind.EARN, EntryKind.EARN_REVERSED)


def cumulative_spend(session: Session, member_id: int) -> int:
    """What the member has paid for goods and services, less what was refunded (tips,
    top-ups, packages and gift cards sold on their sales left out)."""
    paid = session.exec(
        select(func.coalesce(func.sum(SaleLine.net_cents), 0))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(
            col(Sale.member_id) == member_id,
            col(Sale.status).in_(COUNTED_STATUSES),
            col(SaleLine.kind).not_in(CARD_KINDS),
        )
    ).one()
    refunded = session.exec(
        select(func.coalesce(func.sum(RefundLine.amount_cents), 0))
        .join(SaleLine, col(SaleLine.id) == col(RefundLine.sale_line_id))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(col(Sale.member_id) == member_id, col(SaleLine.kind).not_in(CARD_KINDS))
    ).one()
    return int(paid) - int(refunded)


def points_earned(session: Session, member_id: int) -> int:
    """Points the member earned on sales, less those refunds took back."""
    earned = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.member_id) == member_id, col(PointsEntry.kind).in_(EARNED_KINDS)
        )
    ).one()
    return int(earned)


def largest_top_up(session: Session, member_id: int) -> int:
    """The principal of the member's largest top-up that was not undone."""
    undone = select(StoredValueEntry.reverses_id).where(
        col(StoredValueEntry.member_id) == member_id,
        col(StoredValueEntry.reverses_id).is_not(None),
    )
    largest = session.exec(
        select(func.coalesce(func.max(StoredValueEntry.principal_cents), 0)).where(
            col(StoredValueEntry.member_id) == member_id,
            col(StoredValueEntry.kind) == "top_up",
            col(StoredValueEntry.id).not_in(undone),
        )
    ).one()
    return int(largest)


def member_standing(session: Session, member_id: int, rules: list[LevelRule]) -> MemberStanding:
    """What the level rules look at for this member, now (only what some rule uses: a
    sale pays for no query a shop's levels never read)."""
    return MemberStanding(
        spend_cents=cumulative_spend(session, member_id)
        if any(rule.upgrade_spend_cents is not None for rule in rules)
        else 0,
        largest_top_up_cents=largest_top_up(session, member_id)
        if any(rule.upgrade_top_up_cents is not None for rule in rules)
        else 0,
        points=points_earned(session, member_id)
        if any(rule.upgrade_points is not None for rule in rules)
        else 0,
    )


def level_rules(session: Session) -> list[LevelRule]:
    """The active levels' rules, as the shop set them."""
    return [
        LevelRule(
            level.id,
            level.rank,
            level.upgrade_spend_cents,
            level.upgrade_top_up_cents,
            level.upgrade_points,
            can_drop=level.can_drop,
        )
        for level in session.exec(select(MemberLevel).where(col(MemberLevel.active)))
        if level.id is not None
    ]


def _reached_because(session: Session, level: LevelRule, standing: MemberStanding) -> str:
    """The reason a rule-made upgrade gives: the first of the level's rules that is met."""
    if level.upgrade_spend_cents is not None and standing.spend_cents >= level.upgrade_spend_cents:
        return _("Cumulative spend {amount}").format(
            amount=shop_money(session, standing.spend_cents)
        )
    if level.upgrade_points is not None and standing.points >= level.upgrade_points:
        return _("Points earned {points}").format(points=f"{standing.points:,}")
    return _("Top-up of {amount}").format(amount=shop_money(session, standing.largest_top_up_cents))


def _active_member(session: Session, member_id: int | None) -> Member | None:
    if member_id is None:
        return None
    member = session.get(Member, member_id)
    if member is None or member.status != "active":
        return None
    return member


def upgrade_after_sale(session: Session, actor: Actor, paid: sale_hooks.SalePaid) -> None:
    member = _active_member(session, paid.sale.member_id)
    if member is None or member.id is None:
        return
    rules = level_rules(session)
    current = next((rule for rule in rules if rule.id == member.level_id), None)
    standing = member_standing(session, member.id, rules)
    # Up only: a sale never takes a level away, whatever the level's "can drop".
    best = level_for(rules, current, standing)
    if best is None or best.id == member.level_id:
        return
    if current is not None and best.rank <= current.rank:
        return
    record_level_change(session, actor, member, best.id, _reached_because(session, best, standing))


def drop_after_refund(session: Session, actor: Actor, refunded: sale_hooks.SaleRefunded) -> None:
    member = _active_member(session, refunded.sale.member_id)
    if member is None or member.id is None:
        return
    rules = level_rules(session)
    current = next((rule for rule in rules if rule.id == member.level_id), None)
    if current is None or not current.can_drop:
        return
    after = member_standing(session, member.id, rules)
    refund = refunded.refund
    points_taken = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.refund_id) == refund.id,
            col(PointsEntry.kind) == EntryKind.EARN_REVERSED,
        )
    ).one()
    before = MemberStanding(
        spend_cents=after.spend_cents + refund.amount_cents - refund.tips_cents,
        largest_top_up_cents=after.largest_top_up_cents,
        points=after.points - int(points_taken),
    )
    target = level_after_refund(rules, current, before, after)
    if target is None:
        return
    left = session.get(MemberLevel, current.id)
    reason = _("Refund {number}: spend {amount} and points {points} no longer reach {level}")
    record_level_change(
        session,
        actor,
        member,
        target.id,
        reason.format(
            number=refund.number,
            amount=shop_money(session, after.spend_cents),
            points=f"{after.points:,}",
            level=left.name if left is not None else "",
        ),
    )


sale_hooks.SALE_PAID.append(upgrade_after_sale)
sale_hooks.SALE_REFUNDED.append(drop_after_refund)
