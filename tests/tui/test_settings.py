"""Settings → Shop and Settings → Staff through the screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static

from salon_tui.app import SalonApp
from salon_tui.screens.home import HomeScreen
from salon_tui.screens.modals.staff_form import AddStaffModal
from salon_tui.screens.settings_shop import ShopSettingsScreen
from salon_tui.screens.settings_staff import StaffSettingsScreen
from salon_tui.services import database, settings, staff
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def reopened_settings() -> settings.ShopSettings:
    uow = database.open_shop_database()
    try:
        return settings.get_shop_settings(uow)
    finally:
        uow.dispose()


async def open_section(pilot, index: int) -> None:
    await pilot.press("f9")
    await settle(pilot)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_a_manager_changes_the_shop_address_and_it_is_stored() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await open_section(pilot, 0)
        assert isinstance(app.screen, ShopSettingsScreen)
        address = app.screen.query_one("#address", Input)
        address.value = "上海市静安区南京西路1266号"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(app.screen.query_one("#form-message", Static).content)
    assert reopened_settings().address == "上海市静安区南京西路1266号"


async def test_a_bad_currency_is_refused_on_screen_and_nothing_is_stored() -> None:
    before = reopened_settings()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_section(pilot, 0)
        app.screen.query_one("#currency", Input).value = "XYZ"
        app.screen.query_one("#address", Input).value = "changed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(app.screen.query_one("#form-message", Static).content)
        assert "not a currency code" in message
        assert app.focused is app.screen.query_one("#currency", Input)
    assert reopened_settings() == before


async def test_switching_the_language_redraws_the_app_in_chinese() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_section(pilot, 0)
        app.screen.query_one("#locale", Select).value = "zh_CN"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "你好" in str(app.screen.query_one("#home-today", Static).content)
    assert reopened_settings().locale == "zh_CN"


async def test_adding_staff_through_the_dialog() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await open_section(pilot, 1)
        assert isinstance(app.screen, StaffSettingsScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddStaffModal)
        await pilot.press(*"Kevin", "enter", *"2468", "enter", *"2468", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffSettingsScreen)
        table = app.screen.query_one("#staff-table", DataTable)
        assert "Kevin" in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    uow = database.open_shop_database()
    assert staff.find_staff(uow, "kevin").role.value == "stylist"
    uow.dispose()


async def test_the_add_dialog_refuses_mismatched_pins_and_adds_nobody(shop_on_disk: Path) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_section(pilot, 1)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Kevin", "enter", *"2468", "enter", *"2469", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddStaffModal)
        assert "differ" in str(app.screen.query_one("#form-message", Static).content)
    uow = database.open_shop_database()
    assert "Kevin" not in {person.name for person in staff.list_staff(uow)}
    uow.dispose()


async def test_a_stylist_cannot_open_settings() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "stylist")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
