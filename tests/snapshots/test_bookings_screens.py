"""How the Bookings screen looks: the day grid at 80×24 and 120×36, in English and
简体中文 (Chinese names take two cells a character and the columns stay in line).
Regenerate with ``pytest tests/snapshots --snapshot-update`` and read the diff."""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.bookings_shop import booked_shop  # noqa: F401
from tests.tui.conftest import log_in, settle, steady_cursor

pytestmark = pytest.mark.usefixtures("booked_shop")


async def _grid(pilot) -> None:
    await log_in(pilot, "desk")
    await pilot.press("f4")
    await settle(pilot)
    steady_cursor(pilot.app)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_bookings_day_grid(snap_compare, locale: str, size: tuple[int, int]) -> None:
    i18n.install(locale)
    assert snap_compare(SalonApp(), terminal_size=size, run_before=_grid)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_bookings_new_booking_dialog(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _grid(pilot)
        await pilot.press("n")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)
