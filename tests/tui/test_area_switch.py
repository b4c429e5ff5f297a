"""Opening an area builds its screen without reparsing the app's whole stylesheet (about
35 ms a time on the desk's F2; Textual did it twice on the first visit, once more on
the first return)."""

from __future__ import annotations

from typing import Any

import pytest

from salon_tui.app import SalonApp
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


async def test_f2_and_back_build_checkout_without_reparsing_the_css() -> None:
    from salon_tui.screens.checkout import CheckoutScreen

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        reparsed: list[Any] = []
        reparse = app.stylesheet.reparse

        def counted() -> None:
            reparsed.append(type(app.screen).__name__)
            reparse()

        app.stylesheet.reparse = counted  # type: ignore[method-assign]
        for key in ("f2", "f1", "f2"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen) and app.screen.cart is not None
        assert reparsed == []


async def test_checkout_is_built_behind_home_and_opens_its_sale_when_shown() -> None:
    from sqlmodel import select

    from salon_tui.data.models import Sale
    from salon_tui.screens.checkout import CheckoutScreen
    from salon_tui.screens.home import HomeScreen
    from salon_tui.services import database

    def sales() -> list[Sale]:
        uow = database.open_shop_database()
        try:
            with uow.read() as session:
                return list(session.exec(select(Sale)).all())
        finally:
            uow.dispose()

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        (built,) = [s for s in app._screen_stacks.get("checkout", []) if s.is_mounted]
        assert isinstance(built, CheckoutScreen) and built.cart is None
        assert sales() == []  # nothing opened behind home
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is built and built.cart is not None
        (opened,) = sales()
        assert (opened.id, opened.status) == (built.cart.sale_id, "open")
