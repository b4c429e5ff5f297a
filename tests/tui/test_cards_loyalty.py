"""Loyalty on the Cards screen (F7): points and coupons panels, adjusting points (a
manager) and giving a coupon; a front desk is not offered the adjustment."""

from __future__ import annotations

import pytest

from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import coupons, database, points, staff
from tests.tui.conftest import PEOPLE, SIZE, settle
from tests.tui.test_cards import fill, open_cards, panel, seed_prepaid_shop

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def seed_loyalty(member_id: int) -> None:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    points.adjust(uow, owner, member_id, 800, "welcome")
    template = coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    )
    coupons.issue(uow, owner, template.id, member_id)
    coupons.add_template(
        uow, owner, name="代金券20", kind="voucher", amount_cents=2_000, valid_days=30
    )
    uow.dispose()


async def test_a_manager_sees_points_and_coupons_adjusts_points_and_gives_a_coupon() -> None:
    member = seed_prepaid_shop()
    seed_loyalty(member)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "manager")
        assert "800" in panel(screen, "points")
        assert "满300减50" in panel(screen, "coupons")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await fill(pilot, points="-300", reason="兑换礼品 hair oil")
        await pilot.press("enter")
        await settle(pilot)
        assert "500" in panel(screen, "points")
        await pilot.press("ctrl+y")
        await settle(pilot)
        templates = coupons.list_templates(database.open_shop_database(), Actor(1, "x", Role.OWNER))
        voucher = next(t for t in templates if t.name == "代金券20")
        await fill(pilot, template=str(voucher.id))
        await pilot.click("#ok")
        await settle(pilot)
        assert "代金券20" in panel(screen, "coupons")
    uow = database.open_shop_database()
    owner = Actor(1, "王芳", Role.OWNER)
    assert points.get_balance(uow, owner, member).points == 500
    assert len(coupons.list_coupons(uow, owner, member_id=member)) == 2
    uow.dispose()


async def test_the_front_desk_sees_points_but_cannot_adjust_them() -> None:
    member = seed_prepaid_shop()
    seed_loyalty(member)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "desk")
        assert "800" in panel(screen, "points")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert pilot.app.screen is screen
    uow = database.open_shop_database()
    assert points.get_balance(uow, Actor(1, "x", Role.OWNER), member).points == 800
    uow.dispose()


async def test_the_desk_turns_points_into_stored_value_and_redeems_a_coupon_reward() -> None:
    from salon_tui.services import points_redeem, stored_value

    member = seed_prepaid_shop()
    seed_loyalty(member)
    uow = database.open_shop_database()
    owner = Actor(1, "王芳", Role.OWNER)
    points_redeem.set_reward(uow, owner, "coupon", "代金券20", 200)
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "desk")
        await pilot.press("ctrl+o")
        await settle(pilot)
        await fill(pilot, points="500")
        assert "CN¥5.00" in str(pilot.app.screen.query_one("#form-hint").render())
        await pilot.click("#ok")
        await settle(pilot)
        assert "300" in panel(screen, "points")
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        assert "100" in panel(screen, "points")
        assert "代金券20" in panel(screen, "coupons")
    uow = database.open_shop_database()
    balance = stored_value.get_balance(uow, owner, member)
    assert (balance.principal_cents, balance.bonus_cents) == (0, 500)
    assert points.get_balance(uow, owner, member).points == 100
    uow.dispose()
