"""The keys listed under the Members and Cards results: at 120 and 80 columns, in English
and 简体中文, a key is always on the same line as what it does."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from salon_tui import i18n
from salon_tui.app import SalonApp
from salon_tui.widgets.key_list import KeyList, lay_out
from tests.tui.conftest import log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def shown_lines(keys: KeyList) -> list[str]:
    """The widget's lines as drawn (its blank padding line left out)."""
    width, height = keys.outer_size
    strips = keys.render_lines(Region(0, 0, width, height))
    return [text for strip in strips if (text := strip.text.rstrip())]


def test_lines_break_only_between_items() -> None:
    items = [("Ctrl+N", "New member"), ("Ctrl+E", "Edit"), ("Ctrl+F", "Segments")]
    assert lay_out(items, 40) == [items[:2], items[2:]]
    assert lay_out(items, 200) == [items]
    assert lay_out(items, 5) == [[item] for item in items]  # each alone, even if too wide


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("columns", [120, 80])
@pytest.mark.parametrize(("area_key", "keys_id"), [("f3", "#members-keys"), ("f7", "#cards-keys")])
async def test_no_key_is_parted_from_its_label(
    locale: str, columns: int, area_key: str, keys_id: str
) -> None:
    i18n.install(locale)
    app = SalonApp()
    async with app.run_test(size=(columns, 40)) as pilot:
        await log_in(pilot, "owner")
        await pilot.press(area_key)
        await settle(pilot)
        keys = app.screen.query_one(keys_id, KeyList)
        lines = shown_lines(keys)
        assert len(lines) >= 2  # it does wrap at these widths
        for key, label in keys.items:
            assert any(f"{key} {label}" in line for line in lines), (key, label, lines)
        assert all(cell_width(line) <= keys.size.width for line in lines)
        assert len(lines) == len(lay_out(keys.items, keys.size.width))  # none folded


def cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)
