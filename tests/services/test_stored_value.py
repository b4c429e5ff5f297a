"""Stored value: top-ups with promotions, undo, closing, spending order, limits, checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import DrawerMovement, IdempotencyRecord, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import (
    audit,
    cards,
    database,
    drawer,
    member_merge,
    member_timeline,
    members,
    prepaid_settings,
    stored_value,
    top_up_promotions,
)


@pytest.fixture
def member(uow: UnitOfWork, owner: Actor, clock) -> int:
    return members.add_member(uow, owner, name="王芳", phone="13800138000").id


def ledger_sums(uow: UnitOfWork, member_id: int) -> tuple[int, int]:
    with uow.read() as session:
        principal, bonus = session.exec(
            select(
                func.coalesce(func.sum(StoredValueEntry.principal_cents), 0),
                func.coalesce(func.sum(StoredValueEntry.bonus_cents), 0),
            ).where(col(StoredValueEntry.member_id) == member_id)
        ).one()
    return int(principal), int(bonus)


def test_top_up_with_promotion_adds_bonus_and_upgrades_the_level(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    top_up_promotions.add_promotion(uow, owner, "充1000送200", 100_000, bonus_cents=20_000)
    top_up_promotions.add_promotion(
        uow, owner, "充2000送500升金卡", 200_000, bonus_cents=50_000, upgrade_level="金卡会员"
    )
    small = stored_value.top_up(uow, owner, member, 50_000, "wechat", "WX001")
    assert (small.bonus_cents, small.promotion) == (0, "")
    done = stored_value.top_up(uow, owner, member, 200_000, "alipay", "ALI42", "生日")
    assert done.promotion == "充2000送500升金卡" and done.bonus_cents == 50_000
    assert done.new_level == "金卡会员"
    balance = stored_value.get_balance(uow, owner, member)
    assert (balance.principal_cents, balance.bonus_cents) == (250_000, 50_000)
    assert ledger_sums(uow, member) == (250_000, 50_000)
    assert members.get_member(uow, owner, member).level == "金卡会员"
    assert database.check(uow)[-2].ok


def test_a_top_up_reaching_a_levels_own_rule_upgrades_without_a_promotion(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    done = stored_value.top_up(uow, owner, member, 200_000, "bank_card", "POS-1")
    assert done.new_level == "银卡会员"


def test_bad_amounts_are_refused_and_change_nothing(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    for amount in (0, -100, 5_000_001):
        with pytest.raises(ValidationError):
            stored_value.top_up(uow, owner, member, amount, "wechat", "WX")
    with pytest.raises(ValidationError, match="reference"):
        stored_value.top_up(uow, owner, member, 10_000, "wechat", "")
    with pytest.raises(ValidationError, match="Unknown payment method"):
        stored_value.top_up(uow, owner, member, 10_000, "bitcoin", "x")
    assert stored_value.get_balance(uow, owner, member).status == "none"
    assert ledger_sums(uow, member) == (0, 0)


def test_the_shop_maximum_is_a_setting(uow: UnitOfWork, owner: Actor, member: int) -> None:
    prepaid_settings.update_prepaid_settings(uow, owner, max_amount_cents=100_000)
    with pytest.raises(ValidationError, match="more than the shop accepts"):
        stored_value.top_up(uow, owner, member, 100_001, "wechat", "WX")
    assert stored_value.top_up(uow, owner, member, 100_000, "wechat", "WX").amount_cents == 100_000


def test_a_double_enter_tops_up_once(uow: UnitOfWork, owner: Actor, member: int) -> None:
    first = stored_value.top_up(uow, owner, member, 30_000, "wechat", "WX1", key="dialog-1")
    again = stored_value.top_up(uow, owner, member, 30_000, "wechat", "WX1", key="dialog-1")
    assert again == first
    assert stored_value.get_balance(uow, owner, member).principal_cents == 30_000
    with uow.read() as session:
        assert session.get(IdempotencyRecord, "dialog-1") is not None


def test_cash_top_up_goes_into_the_open_drawer(uow: UnitOfWork, owner: Actor, member: int) -> None:
    with pytest.raises(Conflict, match="drawer is not open"):
        stored_value.top_up(uow, owner, member, 10_000, "cash")
    drawer.open_drawer(uow, owner, 0)
    stored_value.top_up(uow, owner, member, 10_000, "cash")
    with uow.read() as session:
        kinds = session.exec(select(DrawerMovement.kind, DrawerMovement.amount_cents)).all()
    assert ("prepaid", 10_000) in kinds


def test_undo_is_for_managers_on_the_same_day_with_a_reason(
    uow: UnitOfWork, owner: Actor, member: int, make_actor: Callable[..., Actor], clock
) -> None:
    top_up_promotions.add_promotion(uow, owner, "充1000送200", 100_000, bonus_cents=20_000)
    desk = make_actor(Role.FRONT_DESK)
    done = stored_value.top_up(uow, desk, member, 100_000, "wechat", "WX9")
    with pytest.raises(PermissionDenied):
        stored_value.undo_top_up(uow, desk, done.entry_id, "typo")
    with pytest.raises(ValidationError, match="reason"):
        stored_value.undo_top_up(uow, owner, done.entry_id, "  ")
    undone = stored_value.undo_top_up(uow, owner, done.entry_id, "wrong member")
    assert (undone.principal_after_cents, undone.bonus_after_cents) == (0, 0)
    with pytest.raises(Conflict, match="already undone"):
        stored_value.undo_top_up(uow, owner, done.entry_id, "again")
    later = stored_value.top_up(uow, desk, member, 10_000, "wechat", "WX10")
    clock.shift(timedelta(days=1))
    with pytest.raises(Conflict, match="only a top-up of today"):
        stored_value.undo_top_up(uow, owner, later.entry_id, "late")
    assert ledger_sums(uow, member) == (10_000, 0)
    actions = [entry.action for entry in audit.list_entries(uow, owner, limit=50)]
    assert "prepaid.undo_top_up" in actions


def test_a_spent_top_up_cannot_be_undone(uow: UnitOfWork, owner: Actor, member: int) -> None:
    done = stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    with uow.transaction() as session:
        stored_value.spend_in(session, owner, member, 5_000)
    with pytest.raises(Conflict, match="already been spent"):
        stored_value.undo_top_up(uow, owner, done.entry_id, "oops")
    assert stored_value.get_balance(uow, owner, member).principal_cents == 5_000


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("bonus_first", (1_000, 2_000)),
        ("principal_first", (3_000, 0)),
        ("proportional", (2_500, 500)),
    ],
)
def test_the_spending_order_decides_which_side_pays(
    uow: UnitOfWork, owner: Actor, member: int, order: str, expected: tuple[int, int]
) -> None:
    top_up_promotions.add_promotion(uow, owner, "送", 10_000, bonus_cents=2_000)
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    prepaid_settings.update_prepaid_settings(uow, owner, spend_order=order)
    with uow.transaction() as session:
        split = stored_value.spend_in(session, owner, member, 3_000)
    assert (split.principal_cents, split.bonus_cents) == expected
    assert ledger_sums(uow, member) == (10_000 - expected[0], 2_000 - expected[1])


def test_spending_more_than_the_balance_or_the_limits_is_refused(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    with pytest.raises(Conflict, match="only"), uow.transaction() as session:
        stored_value.spend_in(session, owner, member, 10_001)
    prepaid_settings.update_prepaid_settings(
        uow, owner, limit_per_sale_cents=4_000, limit_per_day_cents=6_000
    )
    with pytest.raises(Conflict, match="of one sale"), uow.transaction() as session:
        stored_value.spend_in(session, owner, member, 4_001)
    with uow.transaction() as session:
        stored_value.spend_in(session, owner, member, 4_000)
    with pytest.raises(Conflict, match="a day"), uow.transaction() as session:
        stored_value.spend_in(session, owner, member, 2_001)
    assert ledger_sums(uow, member) == (6_000, 0)


def test_closing_refunds_principal_and_forfeits_the_bonus(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    top_up_promotions.add_promotion(uow, owner, "送", 10_000, bonus_cents=2_000)
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    card = cards.issue_card(uow, owner, member)
    with pytest.raises(Conflict, match="still holds"):
        cards.close_card(uow, owner, card.number)
    closed = stored_value.close_stored_value(uow, owner, member, "alipay", "moving away", "AL1")
    assert (closed.refunded_cents, closed.forfeited_bonus_cents) == (10_000, 2_000)
    balance = stored_value.get_balance(uow, owner, member)
    assert (balance.status, balance.total_cents) == ("closed", 0)
    assert cards.close_card(uow, owner, card.number).status == "closed"
    with pytest.raises(Conflict, match="no open stored value"):
        stored_value.close_stored_value(uow, owner, member, "cash", "again")
    # a later top-up opens it again
    stored_value.top_up(uow, owner, member, 5_000, "wechat", "WX2")
    assert stored_value.get_balance(uow, owner, member).status == "open"


def test_the_ledger_check_finds_a_tampered_balance(
    uow: UnitOfWork, owner: Actor, member: int
) -> None:
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    assert all(result.ok for result in database.check(uow))
    with uow.transaction() as session:
        account = stored_value.account_for(session, member)
        assert account is not None
        account.principal_cents += 1
        session.add(account)
    problems = [r for r in database.check(uow) if not r.ok]
    assert [r.name for r in problems] == ["Stored value: balances = ledger"]


def test_merging_members_moves_the_balance(uow: UnitOfWork, owner: Actor, member: int) -> None:
    other = members.add_member(uow, owner, name="王芳芳").id
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    stored_value.top_up(uow, owner, other, 20_000, "wechat", "WX2")
    member_merge.merge_members(uow, owner, member, other)
    assert stored_value.get_balance(uow, owner, member).principal_cents == 30_000
    assert stored_value.get_balance(uow, owner, other).principal_cents == 0
    assert all(result.ok for result in database.check(uow))


def test_top_ups_show_on_the_member_timeline(uow: UnitOfWork, owner: Actor, member: int) -> None:
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    texts = [event.text for event in member_timeline.member_timeline(uow, owner, member)]
    assert any(text.startswith("Top-up") and "100.00" in text for text in texts)


def test_loyalty_reward_hooks_get_the_tier(uow: UnitOfWork, owner: Actor, member: int) -> None:
    top_up_promotions.add_promotion(uow, owner, "积分", 10_000, points=100, coupon_template="CUT50")
    seen: list[top_up_promotions.TopUpReward] = []

    def give(session, actor, reward):  # type: ignore[no-untyped-def]
        seen.append(reward)
        return [f"{reward.tier.points} points"]

    top_up_promotions.TOPUP_REWARDS.append(give)
    try:
        done = stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    finally:
        top_up_promotions.TOPUP_REWARDS.remove(give)
    assert "100 points" in done.rewards  # the loyalty area adds its own sentences
    assert seen[0].tier.coupon_template == "CUT50" and seen[0].member_id == member


def test_a_front_desk_cannot_change_promotions_or_close(
    uow: UnitOfWork, owner: Actor, member: int, make_actor: Callable[..., Actor]
) -> None:
    desk = make_actor(Role.FRONT_DESK)
    stylist = make_actor(Role.STYLIST)
    with pytest.raises(PermissionDenied):
        top_up_promotions.add_promotion(uow, desk, "x", 10_000, bonus_cents=1)
    with pytest.raises(PermissionDenied):
        stored_value.close_stored_value(uow, desk, member, "cash", "x")
    with pytest.raises(PermissionDenied):
        stored_value.top_up(uow, stylist, member, 10_000, "wechat", "WX")


def test_a_promotion_must_give_something_less_than_it_costs(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(ValidationError, match="gives something"):
        top_up_promotions.add_promotion(uow, owner, "nothing", 10_000)
    with pytest.raises(ValidationError, match="less than"):
        top_up_promotions.add_promotion(uow, owner, "too much", 10_000, bonus_cents=10_000)
    assert top_up_promotions.list_promotions(uow, owner) == []
