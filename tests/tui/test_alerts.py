"""Alerts through the screens: the home panel, review and dismiss, Settings → Alerts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, OptionList, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import AlertFlag
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.alerts import AlertsScreen, DismissAlertModal
from salon_tui.screens.settings_alerts import AlertSettingsScreen
from salon_tui.services import alerts, database, members, points, staff
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def owner_actor(uow) -> Actor:
    person = staff.find_staff(uow, PEOPLE["owner"][0])
    return Actor(person.id, person.name, Role.OWNER)


@pytest.fixture
def flagged(shop_on_disk: Path) -> None:
    """Another manager adjusted a member's points by hand: one open flag."""
    uow = database.open_shop_database()
    owner = owner_actor(uow)
    lily = staff.add_staff(uow, owner, "Lily 林", Role.MANAGER, "7777")
    member = members.add_member(uow, owner, name="张三", phone="13800138000")
    points.adjust(uow, Actor(lily.id, lily.name, Role.MANAGER), member.id, 800, "补录旧卡积分")
    uow.dispose()


def stored_flags() -> list[AlertFlag]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(select(AlertFlag)))
    finally:
        uow.dispose()


def screen_text(app: SalonApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.usefixtures("flagged")
async def test_a_manager_sees_the_flag_at_home_and_dismisses_it_with_a_note() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await settle(pilot)
        home_text = " ".join(str(s.render()) for s in app.screen.query(".panel-body"))
        assert "1 open alert" in home_text and "张三" in home_text
        app.push_screen(AlertsScreen())
        await settle(pilot)
        assert "1 open flag to review" in screen_text(app, "#alerts-summary")
        assert "+800 points" in screen_text(app, "#alerts-detail")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DismissAlertModal)
        await pilot.press("enter")  # no note: refused in the dialog
        await settle(pilot)
        assert "note is needed" in screen_text(app, "#form-message")
        assert stored_flags()[0].status == "open"
        app.screen.query_one("#alert-note", Input).value = "老会员换卡，已核对纸质记录"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertsScreen)
        assert "No open alerts" in screen_text(app, "#alerts-summary")
    (flag,) = stored_flags()
    assert (flag.status, flag.review_note) == ("dismissed", "老会员换卡，已核对纸质记录")


async def test_the_owner_changes_the_rules_in_settings_and_a_bad_amount_saves_nothing() -> None:
    uow = database.open_shop_database()
    before = alerts.get_rules(uow, owner_actor(uow))
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await pilot.press("f9")
        await settle(pilot)
        sections = app.screen.query_one("#settings-sections", OptionList)
        sections.highlighted = next(
            i
            for i in range(sections.option_count)
            if sections.get_option_at_index(i).id == "alerts"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AlertSettingsScreen)
        assert app.screen.query_one("#sale_above_cents", Input).value == "3,000.00"
        app.screen.query_one("#sale_above_cents", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "lots" in screen_text(app, "#form-message")
        app.screen.query_one("#sale_above_cents", Input).value = "5000"
        app.screen.query_one("#manual_discount_above_bp", Input).value = "40%"
        app.screen.query_one("#outside_hours", Checkbox).value = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in screen_text(app, "#form-message")
    uow = database.open_shop_database()
    after = alerts.get_rules(uow, owner_actor(uow))
    uow.dispose()
    assert (after.sale_above_cents, after.manual_discount_above_bp, after.outside_hours) == (
        500_000,
        4_000,
        False,
    )
    assert after.card_uses == before.card_uses


async def test_a_manager_does_not_see_the_rules_section() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await pilot.press("f9")
        await settle(pilot)
        sections = app.screen.query_one("#settings-sections", OptionList)
        ids = [sections.get_option_at_index(i).id for i in range(sections.option_count)]
        assert "alerts" not in ids and "shop" in ids
