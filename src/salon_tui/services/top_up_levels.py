"""The level a top-up gave, taken back when the top-up is undone.

A top-up that moved the member up (a promotion tier promising a level, or a level's own
"top-up at least" rule) remembers that level change. Undoing the top-up puts the member
back to the level they held before it, with the reason in the level history, unless
something else since then justifies the level: a later level change (by hand, by
spending), another top-up that still stands and reaches the level or its promotion
promises it, or the member's cumulative spend.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, func, select

from salon_tui.data.models import (
    Member,
    MemberLevel,
    MemberLevelChange,
    StoredValueEntry,
    TopUpPromotion,
)
from salon_tui.domain.actor import Actor
from salon_tui.domain.members import LevelRule, MemberStanding, level_for
from salon_tui.i18n import _


def level_after_top_up(
    levels: Mapping[int | None, MemberLevel],
    current_level_id: int | None,
    amount_cents: int,
    promised_level_id: int | None,
) -> int | None:
    """The level a top-up of ``amount_cents`` moves a member up to: the highest level
    whose own "top-up at least" rule it meets, or the level its promotion promises when
    that is higher. None when the member stays (a top-up never moves anyone down).
    ``levels`` are the active levels by id."""
    rules = [
        LevelRule(
            level.id,
            level.rank,
            level.upgrade_spend_cents,
            level.upgrade_top_up_cents,
            level.upgrade_points,
            can_drop=False,
        )
        for level in levels.values()
        if level.id is not None
    ]
    current = next((rule for rule in rules if rule.id == current_level_id), None)
    best = level_for(rules, current, MemberStanding(largest_top_up_cents=amount_cents))
    target = best.id if best is not None else None
    if promised_level_id is not None and promised_level_id in levels:
        promised_rank = levels[promised_level_id].rank
        if target is None or promised_rank > levels[target].rank:
            target = promised_level_id
    if target is None or target == current_level_id:
        return None
    if current is not None and levels[target].rank <= current.rank:
        return None
    return target


def remember_level_change(session: Session, entry: StoredValueEntry) -> None:
    """Link the top-up to the level change just recorded for its member."""
    change_id = session.exec(
        select(func.max(MemberLevelChange.id)).where(
            col(MemberLevelChange.member_id) == entry.member_id
        )
    ).one()
    entry.level_change_id = change_id
    session.add(entry)
    session.flush()


def _standing_top_ups(session: Session, member_id: int, undone_id: int) -> list[StoredValueEntry]:
    """The member's top-ups that still stand, the one being undone left out."""
    reversed_ids = select(StoredValueEntry.reverses_id).where(
        col(StoredValueEntry.member_id) == member_id,
        col(StoredValueEntry.reverses_id).is_not(None),
    )
    return list(
        session.exec(
            select(StoredValueEntry).where(
                col(StoredValueEntry.member_id) == member_id,
                col(StoredValueEntry.kind) == "top_up",
                col(StoredValueEntry.id) != undone_id,
                col(StoredValueEntry.id).not_in(reversed_ids),
            )
        )
    )


def put_level_back(session: Session, actor: Actor, top_up: StoredValueEntry) -> str:
    """Inside the undo's transaction: the level the member goes back to ("" when the
    level stays)."""
    if top_up.level_change_id is None:
        return ""
    change = session.get(MemberLevelChange, top_up.level_change_id)
    member = session.get(Member, top_up.member_id)
    if change is None or member is None or member.level_id != change.to_level_id:
        return ""
    later = session.exec(
        select(MemberLevelChange.id).where(
            col(MemberLevelChange.member_id) == member.id,
            col(MemberLevelChange.id) > change.id,
        )
    ).first()
    if later is not None:
        return ""  # the level was decided again since: it is no longer the top-up's
    from salon_tui.services.member_levels import record_level_change
    from salon_tui.services.member_upgrades import cumulative_spend

    levels = {level.id: level for level in session.exec(select(MemberLevel)) if level.active}
    rules = [
        LevelRule(
            level.id,
            level.rank,
            level.upgrade_spend_cents,
            level.upgrade_top_up_cents,
            None,
            can_drop=False,
        )
        for level in levels.values()
        if level.id is not None
    ]
    before = next((rule for rule in rules if rule.id == change.from_level_id), None)
    others = _standing_top_ups(session, member.id or 0, top_up.id or 0)
    standing = MemberStanding(
        spend_cents=cumulative_spend(session, member.id or 0),
        largest_top_up_cents=max((entry.principal_cents for entry in others), default=0),
    )
    best = level_for(rules, before, standing)
    target = best.id if best is not None else change.from_level_id
    promotion_ids = {entry.promotion_id for entry in others if entry.promotion_id is not None}
    for promotion in session.exec(
        select(TopUpPromotion).where(col(TopUpPromotion.id).in_(promotion_ids))
    ):
        promised = promotion.upgrade_level_id
        if promised in levels and (
            target not in levels or levels[promised].rank > levels[target].rank
        ):
            target = promised
    current = levels.get(member.level_id) if member.level_id is not None else None
    if target == member.level_id or (
        current is not None and target in levels and levels[target].rank >= current.rank
    ):
        return ""
    record_level_change(
        session, actor, member, target, _("Top-up #{id} undone").format(id=top_up.id)
    )
    return levels[target].name if target in levels else _("no level")
