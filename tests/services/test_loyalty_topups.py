"""Top-up promotions that give points and a coupon, and their undo."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict
from salon_tui.services import coupons, members, points, stored_value, top_up_promotions


@pytest.fixture
def member_id(uow: UnitOfWork, owner: Actor, clock: object) -> int:
    return members.add_member(uow, owner, name="李莉").id


@pytest.fixture
def promotion(uow: UnitOfWork, owner: Actor) -> None:
    coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    )
    top_up_promotions.add_promotion(
        uow,
        owner,
        "充1000送200",
        100_000,
        bonus_cents=20_000,
        points=300,
        coupon_template="满300减50",
    )


@pytest.mark.usefixtures("promotion")
def test_a_top_up_reaching_a_tier_gives_its_points_and_coupon_once(
    uow: UnitOfWork, owner: Actor, member_id: int
) -> None:
    done = stored_value.top_up(uow, owner, member_id, 100_000, "bank_card", "POS-1", key="t1")
    again = stored_value.top_up(uow, owner, member_id, 100_000, "bank_card", "POS-1", key="t1")
    assert again.entry_id == done.entry_id
    assert any("300 points" in text for text in done.rewards)
    assert points.get_balance(uow, owner, member_id).points == 300
    (coupon,) = coupons.list_coupons(uow, owner, member_id=member_id)
    assert (coupon.origin, coupon.template_name) == ("top_up", "满300减50")


@pytest.mark.usefixtures("promotion")
def test_undoing_the_top_up_takes_the_points_and_the_coupon_back(
    uow: UnitOfWork, owner: Actor, member_id: int
) -> None:
    done = stored_value.top_up(uow, owner, member_id, 100_000, "bank_card", "POS-1", key="t1")
    stored_value.undo_top_up(uow, owner, done.entry_id, "typed the wrong amount")
    assert points.get_balance(uow, owner, member_id).points == 0
    (coupon,) = coupons.list_coupons(uow, owner, member_id=member_id)
    assert coupon.state == "void"


@pytest.mark.usefixtures("promotion")
def test_an_undo_is_refused_when_the_promotions_points_were_spent(
    uow: UnitOfWork, owner: Actor, member_id: int
) -> None:
    done = stored_value.top_up(uow, owner, member_id, 100_000, "bank_card", "POS-1", key="t1")
    points.adjust(uow, owner, member_id, -100, "redeemed a gift")
    with pytest.raises(Conflict, match="already spent"):
        stored_value.undo_top_up(uow, owner, done.entry_id, "wrong amount")
    assert points.get_balance(uow, owner, member_id).points == 200
