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
