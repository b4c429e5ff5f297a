"""Levels follow what a member does: up by cumulative spend or points earned after a sale,
down after a refund only when the level can drop and the refund takes them below it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import drawer, refunds, sales
from salon_tui.services.member_levels import level_history, list_levels, update_level
from salon_tui.services.members import add_member, get_member
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def stylist(make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.STYLIST, "Tony 张伟")


def sell(uow: UnitOfWork, owner: Actor, stylist: Actor, member_id: int, cents: int) -> int:
    assert stylist.staff_id is not None
    cart = sales.open_sale(uow, owner, member_id=member_id)
    priced = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="烫染 Perm and colour",
        unit_cents=cents,
        staff=[StaffShare(stylist.staff_id)],
    )
    due = priced.total_cents  # the level's discount may take some off
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("wechat", due, reference="WX-UP")])
    return cart.sale_id


def set_level(uow: UnitOfWork, owner: Actor, name: str, **changes: object) -> None:
    level = next(level for level in list_levels(uow, owner) if level.name == name)
    update_level(uow, owner, level.id, **changes)


def history_of(uow: UnitOfWork, member_id: int) -> list[tuple[str, str, str]]:
    with uow.read() as session:
        return [(h.from_level, h.to_level, h.reason) for h in level_history(session, member_id)]


def test_cumulative_spend_moves_a_member_up_once_the_rule_is_reached(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    # A new shop: 普通会员, 银卡会员 (spend ¥3,000), 金卡会员 (spend ¥10,000).
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    assert member.level == "普通会员"
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 200_000)
    sell(uow, owner, stylist, member.id, 99_900)
    assert get_member(uow, owner, member.id).level == "普通会员"  # ¥2,999: not yet
    sell(uow, owner, stylist, member.id, 100)
    assert get_member(uow, owner, member.id).level == "银卡会员"
    with uow.read() as session:
        history = level_history(session, member.id)
    assert [(h.from_level, h.to_level) for h in history] == [("普通会员", "银卡会员")]
    assert "3,000.00" in history[0].reason


def test_a_higher_level_given_by_hand_is_never_lowered_by_spending(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    from salon_tui.services.members import edit_member

    member = add_member(uow, owner, name="李娜", phone="13900139000")
    edit_member(uow, owner, member.id, level="金卡会员")
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 350_000)
    assert get_member(uow, owner, member.id).level == "金卡会员"  # never down


def test_points_earned_move_a_member_up_when_the_level_has_a_points_rule(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    # 银卡会员 at 1,000 points (1 point per ¥1 at 普通会员's 100 %); no spend rule.
    set_level(uow, owner, "银卡会员", upgrade_spend_cents=None, upgrade_points=1_000)
    member = add_member(uow, owner, name="张三", phone="13700137000")
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 99_900)
    assert get_member(uow, owner, member.id).level == "普通会员"  # 999 points
    sell(uow, owner, stylist, member.id, 100)
    assert get_member(uow, owner, member.id).level == "银卡会员"
    assert history_of(uow, member.id) == [("普通会员", "银卡会员", "Points earned 1,000")]


def test_a_refund_drops_a_level_that_can_drop_and_says_why(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    set_level(uow, owner, "银卡会员", can_drop=True)
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 100_000)
    big = sell(uow, owner, stylist, member.id, 200_000)
    assert get_member(uow, owner, member.id).level == "银卡会员"
    done = refunds.refund_sale(uow, owner, big, key="r-big", reason="不满意 unhappy")
    assert get_member(uow, owner, member.id).level == "普通会员"
    history = history_of(uow, member.id)
    assert [(before, after) for before, after, _reason in history] == [
        ("普通会员", "银卡会员"),
        ("银卡会员", "普通会员"),
    ]
    assert done.number in history[-1][2]
    assert "1,000.00" in history[-1][2]
    assert "银卡会员" in history[-1][2]


def test_a_refund_keeps_the_level_when_the_shop_does_not_let_levels_drop(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 100_000)
    big = sell(uow, owner, stylist, member.id, 200_000)
    refunds.refund_sale(uow, owner, big, key="r-big", reason="unhappy")
    assert get_member(uow, owner, member.id).level == "银卡会员"
    assert len(history_of(uow, member.id)) == 1


def test_a_refund_drops_only_as_far_as_the_member_still_reaches(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    set_level(uow, owner, "金卡会员", can_drop=True)
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    drawer.open_drawer(uow, owner, 10_000)
    sell(uow, owner, stylist, member.id, 400_000)
    big = sell(uow, owner, stylist, member.id, 700_000)
    assert get_member(uow, owner, member.id).level == "金卡会员"
    refunds.refund_sale(uow, owner, big, key="r-big", reason="unhappy")
    assert get_member(uow, owner, member.id).level == "银卡会员"  # ¥4,000 still ≥ ¥3,000


def test_a_refund_never_takes_away_a_level_given_by_hand(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    from salon_tui.services.members import edit_member

    set_level(uow, owner, "金卡会员", can_drop=True)
    member = add_member(uow, owner, name="李娜", phone="13900139000")
    edit_member(uow, owner, member.id, level="金卡会员")
    drawer.open_drawer(uow, owner, 10_000)
    sale_id = sell(uow, owner, stylist, member.id, 50_000)
    refunds.refund_sale(uow, owner, sale_id, key="r-hand", reason="unhappy")
    assert get_member(uow, owner, member.id).level == "金卡会员"
