"""The demo's stored value follows the real top-up rules: a 充2000送500升金卡 top-up makes
the member 金卡 with a level history entry, and every level history reads as a chain."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta

from sqlmodel import col, select

from salon_tui.data.models import (
    Member,
    MemberLevel,
    MemberLevelChange,
    StoredValueEntry,
    TopUpPromotion,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.services import database
from salon_tui.services.demo import DemoOptions, build_demo


def test_demo_members_with_a_gold_top_up_are_gold_with_the_top_up_in_their_history(
    uow: UnitOfWork,
) -> None:
    summary = build_demo(uow, DemoOptions(members=240, months=6, seed=11))
    assert summary.counts["levels raised by top-ups"] > 0
    with uow.read() as session:
        reasons = session.exec(
            select(MemberLevelChange.reason).where(col(MemberLevelChange.reason).like("充值 ¥%"))
        ).all()
    assert reasons  # in the demo shop's language
    problems = {result.name: result.problems for result in database.check(uow)}
    assert all(not found for found in problems.values()), problems
    with uow.read() as session:
        gold = session.exec(select(MemberLevel).where(col(MemberLevel.name) == "金卡会员")).one()
        promotion = session.exec(
            select(TopUpPromotion).where(col(TopUpPromotion.upgrade_level_id) == gold.id)
        ).one()
        gold_top_ups = session.exec(
            select(StoredValueEntry).where(
                col(StoredValueEntry.kind) == "top_up",
                col(StoredValueEntry.promotion_id) == promotion.id,
            )
        ).all()
        assert gold_top_ups
        levels = {member.id: member.level_id for member in session.exec(select(Member))}
        changes = defaultdict(list)
        for change in session.exec(
            select(MemberLevelChange).order_by(col(MemberLevelChange.at), col(MemberLevelChange.id))
        ):
            changes[change.member_id].append(change)
        for entry in gold_top_ups:
            assert levels[entry.member_id] == gold.id
            linked = [
                change for change in changes[entry.member_id] if change.id == entry.level_change_id
            ]
            if linked:  # the top-up that made the member gold
                assert linked[0].to_level_id == gold.id
                assert abs(linked[0].at - entry.created_at) < timedelta(seconds=5)
                assert linked[0].reason.startswith(("充值 ¥", "Top-up of"))
            else:  # gold already, by an earlier change
                assert any(
                    change.to_level_id == gold.id and change.at <= entry.created_at
                    for change in changes[entry.member_id]
                )
        for member_id, history in changes.items():
            for before, after in itertools.pairwise(history):
                assert after.from_level_id == before.to_level_id, member_id
            assert history[-1].to_level_id == levels[member_id], member_id
