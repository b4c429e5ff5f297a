"""A member moves up a level when cumulative spend reaches the level's rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import drawer, sales
from salon_tui.services.member_levels import level_history
from salon_tui.services.members import add_member, get_member
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def stylist(make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.STYLIST, "Tony 张伟")


def sell(uow: UnitOfWork, owner: Actor, stylist: Actor, member_id: int, cents: int) -> None:
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
