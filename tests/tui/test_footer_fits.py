"""Every area's footer fits a 120-column terminal in both languages: no key is cut off
and the command palette key on the right stays whole. Keys that do not fit belong in the
screen's hint panel (they still work), not half-drawn in the footer."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from salon_tui import i18n
from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import database, drawer, staff
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")

AREA_KEYS = ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f9")


def _open_till() -> None:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    drawer.open_drawer(uow, Actor(found.id, found.name, Role.OWNER), 50_000)
    uow.dispose()


def _overflowing(app: SalonApp) -> list[str]:
    footer = app.screen.query_one(Footer)
    keys = [key for key in footer.query(FooterKey) if key.display]
    palette = [key for key in keys if key.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    return [
        f"{key.key_display} {key.description}"
        for key in keys
        if key not in palette and key.region.right > limit
    ]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
async def test_every_area_footer_fits_120_columns(locale: str) -> None:
    i18n.install(locale)
    _open_till()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        cut: dict[str, list[str]] = {}
        for key in AREA_KEYS:
            await pilot.press(key)
            await settle(pilot)
            if overflowing := _overflowing(app):
                cut[f"{key} {type(app.screen).__name__}"] = overflowing
        assert cut == {}


async def test_a_footer_recomposed_again_and_again_keeps_no_old_keys() -> None:
    """Textual binds each composed key to the footer's ``compact``; the binding outlived
    the key (the footer recomposes whenever the bindings change), so the heap grew all
    day."""
    _open_till()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        for _ in range(5):  # a dialog over checkout and back: the footer recomposes
            await pilot.press("ctrl+e")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        watchers = getattr(footer, "__watchers", {}).get("compact", [])
        assert [node for node, _callback in watchers if isinstance(node, FooterKey)] == []
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.compact or key.has_class("-compact") for key in keys)
