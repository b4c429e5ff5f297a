"""How F7 Cards looks with a member's stored value, packages and ledger, in English and
简体中文. Regenerate on purpose with ``pytest tests/snapshots --snapshot-update``."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor
from tests.tui.test_cards import seed_prepaid_shop

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_cards_screen_with_a_member(snap_compare, locale: str) -> None:
    seed_prepaid_shop(with_history=True)
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "manager")
        await pilot.press("f7")
        await settle(pilot)
        pilot.app.screen.query_one("#cards-search", Input).value = "V100000"
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)
