"""How the login and home screens look, in English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_login_screen(snap_compare, locale: str, size: tuple[int, int]) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_home_screen_for_the_owner(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def logged_in(pilot) -> None:
        await log_in(pilot, "owner")
        await settle(pilot)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=logged_in)


def test_lock_screen(snap_compare) -> None:
    async def locked(pilot) -> None:
        await log_in(pilot, "desk")
        await pilot.press("ctrl+l")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=locked)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_staff_settings(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def staff_list(pilot) -> None:
        await log_in(pilot, "owner")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=staff_list)
