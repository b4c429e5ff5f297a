"""Home: today's shop at a glance, and the way to every area.

Each area adds its own panel to ``HOME_PANELS`` (today's sales, bookings, low stock …);
a panel is a widget class that loads its own figures.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Static

from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.home_panels import HOME_PANELS
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


class HomeScreen(SalonScreen):
    FOOTER_SHOWS_AREAS = True  # the footer lists F1 … F9 here (see widgets.footer)

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Home"))
        with VerticalScroll(id="home"):
            yield Static("", id="home-today")
            with Grid(id="home-panels"):
                for panel in HOME_PANELS:
                    if panel.allowed_for(self.salon.actor):
                        yield panel.widget()
            with Vertical(id="home-areas"):
                yield Static(_("Where to go"), classes="panel-title")
                for area in self.salon.allowed_areas():
                    yield Static(
                        f"[b]{area.key.upper():>4}[/b]  {_(area.title)} — {_(area.description)}"
                    )
                yield Static(_("[b]Ctrl+P[/b]  all commands    [b]Ctrl+L[/b]  lock"))
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "shop", self._show_today)

    def _show_today(self, shop: Any) -> None:
        if shop is None:
            return
        now = shop_time(utc_now(), shop.timezone)
        weekday = _(WEEKDAYS[now.weekday()])
        actor = self.salon.actor
        greeting = _("Hello, {name}.").format(name=shown(actor.name)) if actor else ""
        self.query_one("#home-today", Static).update(
            f"[b]{shown(shop.name)}[/b]   {now:%Y-%m-%d} {weekday}   {greeting}"
        )
