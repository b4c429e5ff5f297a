"""How F5 Stock looks: the products, services and orders tabs and the order dialogs, in
English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor
from tests.tui.test_inventory import seed_catalogue
from tests.tui.test_purchase_orders import seed_orders

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("tab", ["products", "services", "orders"])
def test_stock_tabs(snap_compare, locale: str, tab: str) -> None:
    seed_catalogue()
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "owner")
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.action_tab(tab)
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("dialog", ["draft", "receive"])
def test_order_dialogs(snap_compare, locale: str, dialog: str) -> None:
    seed_orders()
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "manager")
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.action_tab("orders")
        await settle(pilot)
        if dialog == "draft":
            await pilot.press("ctrl+g")
            await settle(pilot)
            await pilot.press("enter")
        else:
            await pilot.press("ctrl+r")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)
