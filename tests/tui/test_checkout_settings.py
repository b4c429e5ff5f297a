"""Settings → Checkout through the screen: the discount limit and asking for ratings."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from salon_tui.app import SalonApp
from salon_tui.screens.settings_checkout import CheckoutSettingsScreen
from salon_tui.services import checkout_settings, database
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def stored() -> checkout_settings.CheckoutSettings:
    uow = database.open_shop_database()
    try:
        return checkout_settings.get_checkout_settings(uow)
    finally:
        uow.dispose()


async def test_a_manager_sets_the_discount_limit_and_turns_on_ratings() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await pilot.press("f9")
        await settle(pilot)
        sections = app.screen.query_one("#settings-sections", OptionList)
        sections.highlighted = next(
            i
            for i in range(sections.option_count)
            if sections.get_option_at_index(i).id == "checkout"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutSettingsScreen)
        limit = app.screen.query_one("#discount_limit_bp", Input)
        assert limit.value == "20"
        limit.value = "150"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(app.screen.query_one("#form-message", Static).render())
        assert "percent from 0 to 100" in message
        assert stored() == checkout_settings.CheckoutSettings()
        limit.value = "15"
        app.screen.query_one("#ask_rating", Checkbox).value = True
        app.screen.query_one("#birthday_discount_bp", Input).value = "10"
        app.screen.query_one("#birthday_window", Select).value = "week"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(app.screen.query_one("#form-message", Static).render())
    assert stored() == checkout_settings.CheckoutSettings(
        discount_limit_bp=1_500, ask_rating=True, birthday_discount_bp=1_000, birthday_window="week"
    )
