"""Levels that follow spending: after a paid sale, a member whose cumulative spend (paid
sales less refunds, tips left out) reaches a higher level's upgrade rule moves up to
it, in the sale's own transaction, with the reason kept in the level history.

Never down here: a level reached by a top-up or by hand is not lost because spending
alone would not reach it. Registered in checkout's ``sale_hooks`` plugins.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Member, MemberLevel, Refund, Sale
from salon_tui.domain.actor import Actor
from salon_tui.domain.members import LevelRule, MemberStanding, level_for
from salon_tui.domain.sales import COUNTED_STATUSES
from salon_tui.i18n import _
from salon_tui.services import sale_hooks
from salon_tui.services.member_levels import record_level_change
from salon_tui.services.stored_value import shop_money


def cumulative_spend(session: Session, member_id: int) -> int:
    """What the member has paid for goods and services, less what was refunded."""
    paid = session.exec(
        select(func.coalesce(func.sum(Sale.total_cents - Sale.tips_cents), 0)).where(
            col(Sale.member_id) == member_id, col(Sale.status).in_(COUNTED_STATUSES)
        )
    ).one()
    refunded = session.exec(
        select(func.coalesce(func.sum(Refund.amount_cents - Refund.tips_cents), 0))
        .join(Sale, col(Sale.id) == col(Refund.sale_id))
        .where(col(Sale.member_id) == member_id)
    ).one()
    return int(paid) - int(refunded)


def upgrade_after_sale(session: Session, actor: Actor, paid: sale_hooks.SalePaid) -> None:
    member_id = paid.sale.member_id
    if member_id is None:
        return
    member = session.get(Member, member_id)
    if member is None or member.status != "active":
        return
    # Only the spend rule is looked at here (top-ups apply theirs when they happen).
    rules = [
        LevelRule(level.id, level.rank, level.upgrade_spend_cents, None, None, can_drop=False)
        for level in session.exec(select(MemberLevel).where(col(MemberLevel.active)))
        if level.id is not None
    ]
    current = next((rule for rule in rules if rule.id == member.level_id), None)
    spend = cumulative_spend(session, member_id)
    best = level_for(rules, current, MemberStanding(spend_cents=spend))
    if best is None or best.id == member.level_id:
        return
    if current is not None and best.rank <= current.rank:
        return
    record_level_change(
        session,
        actor,
        member,
        best.id,
        _("Cumulative spend {amount}").format(amount=shop_money(session, spend)),
    )


sale_hooks.SALE_PAID.append(upgrade_after_sale)
