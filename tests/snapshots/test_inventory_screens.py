"""How F5 Stock looks: the products and services tabs, in English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor
from tests.tui.test_inventory import seed_catalogue

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("tab", ["products", "services"])
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
