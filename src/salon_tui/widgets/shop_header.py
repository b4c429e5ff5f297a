"""The line at the top of every screen: shop, area, who is logged in, the shop's clock."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.domain.permissions import ROLE_LABELS
from salon_tui.i18n import _
from salon_tui.widgets.safe_text import shown


class ShopHeader(Horizontal):
    DEFAULT_CSS = """
    ShopHeader {
        height: 1;
        background: $primary-background;
        color: $text;
    }
    ShopHeader > Static { width: auto; padding: 0 1; }
    ShopHeader > #header-area { width: 1fr; text-style: bold; }
    ShopHeader > #header-devices { display: none; }
    ShopHeader > #header-devices.-shown { display: block; }
    ShopHeader > #header-devices.-attention { background: $error; color: $text; }
    """

    def __init__(self, area_title: str) -> None:
        super().__init__()
        self.area_title = area_title

    def compose(self) -> ComposeResult:
        yield Static("", id="header-shop")
        yield Static(_(self.area_title), id="header-area")
        yield Static("", id="header-devices")
        yield Static("", id="header-actor")
        yield Static("", id="header-clock")

    def on_mount(self) -> None:
        self.watch(self.app, "shop", self._show_shop)
        self.watch(self.app, "actor", self._show_actor)
        self.watch(self.app, "devices", self._show_devices)
        self.set_interval(15, self._tick)

    def _show_shop(self, shop: Any) -> None:
        self.query_one("#header-shop", Static).update(shown(shop.name) if shop else "salon_tui")
        self._tick()

    def _show_actor(self, actor: Any) -> None:
        text = f"{shown(actor.name)} · {_(ROLE_LABELS[actor.role])}" if actor and actor.role else ""
        self.query_one("#header-actor", Static).update(text)

    def _show_devices(self, devices: Any) -> None:
        parts = [part for part in (devices.printer_line, devices.scanner_line) if part]
        label = self.query_one("#header-devices", Static)
        label.update(" · ".join(parts))
        label.set_class(bool(parts), "-shown")
        label.set_class(devices.needs_attention, "-attention")

    def _tick(self) -> None:
        shop = getattr(self.app, "shop", None)
        zone = shop.timezone if shop else "UTC"
        self.query_one("#header-clock", Static).update(
            shop_time(utc_now(), zone).strftime("%Y-%m-%d %H:%M")
        )
