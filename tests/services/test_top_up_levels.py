"""Undoing a top-up that moved the member up puts the level back, with the reason in the
level history, unless something else since then justifies the level."""

from __future__ import annotations

import pytest
from sqlmodel import select

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import members, stored_value, top_up_promotions
from salon_tui.services.member_levels import level_history


@pytest.fixture
def member(uow: UnitOfWork, owner: Actor, clock) -> int:
    top_up_promotions.add_promotion(
        uow, owner, "充2000送500升金卡", 200_000, bonus_cents=50_000, upgrade_level="金卡会员"
    )
    return members.add_member(uow, owner, name="王芳", phone="13800138000").id


def level_of(uow: UnitOfWork, owner: Actor, member: int) -> str:
    return members.get_member(uow, owner, member).level


def test_undoing_the_top_up_that_upgraded_puts_the_level_back(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    before = level_of(uow, owner, member)
    done = stored_value.top_up(uow, owner, member, 200_000, "alipay", "ALI42")
    assert done.new_level == "金卡会员" and level_of(uow, owner, member) == "金卡会员"
    undone = stored_value.undo_top_up(uow, owner, done.entry_id, "wrong amount typed")
    assert undone.level_back_to == before
    assert level_of(uow, owner, member) == before
    with uow.read() as session:
        last = level_history(session, member)[-1]
    assert (last.from_level, last.to_level) == ("金卡会员", before)
    assert last.reason == f"Top-up #{done.entry_id} undone"


def test_another_top_up_that_still_stands_keeps_the_level(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    first = stored_value.top_up(uow, owner, member, 200_000, "alipay", "ALI1")
    second = stored_value.top_up(uow, owner, member, 200_000, "alipay", "ALI2")
    assert (first.new_level, second.new_level) == ("金卡会员", "")
    undone = stored_value.undo_top_up(uow, owner, first.entry_id, "paid twice by mistake")
    assert undone.level_back_to == ""
    assert level_of(uow, owner, member) == "金卡会员"  # the second top-up's promise holds


def test_a_level_decided_again_since_is_left_alone(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    from salon_tui.data.models import Member, MemberLevel
    from salon_tui.services.member_levels import record_level_change

    done = stored_value.top_up(uow, owner, member, 200_000, "alipay", "ALI42")
    with uow.transaction() as session:
        row = session.get(Member, member)
        silver = session.exec(select(MemberLevel).where(MemberLevel.name == "银卡会员")).one()
        record_level_change(session, owner, row, silver.id, "manager's decision")
    undone = stored_value.undo_top_up(uow, owner, done.entry_id, "wrong amount typed")
    assert undone.level_back_to == ""
    assert level_of(uow, owner, member) == "银卡会员"


def test_a_top_up_that_did_not_change_the_level_leaves_it_on_undo(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    small = stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX1")
    before = level_of(uow, owner, member)
    assert stored_value.undo_top_up(uow, owner, small.entry_id, "typo").level_back_to == ""
    assert level_of(uow, owner, member) == before
