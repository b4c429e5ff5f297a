"""The areas of the app: what the home screen, function keys and command palette reach.

Only areas that exist are listed; each area that lands adds its row. ``screen`` is
an import path so that an area's module loads only when it is opened.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from salon_tui.domain.actor import Actor
from salon_tui.i18n import N_


@dataclass(frozen=True)
class Area:
    mode: str
    key: str
    title: str  # msgid, translated where shown
    description: str  # msgid
    permission: str
    screen: str  # "module:Class"
    # "module:function(actor) -> bool": shown only when there is something to show
    available: str | None = None

    def allowed_for(self, actor: Actor | None) -> bool:
        if actor is None or not actor.can(self.permission):
            return False
        if self.available is None:
            return True
        module_name, function_name = self.available.split(":")
        check: Callable[[Actor], bool] = getattr(
            importlib.import_module(module_name), function_name
        )
        return check(actor)

    def factory(self) -> Callable[[], Screen[Any]]:
        module_name, class_name = self.screen.split(":")

        def build() -> Screen[Any]:
            module = importlib.import_module(module_name)
            screen_class: type[Screen[Any]] = getattr(module, class_name)
            screen = screen_class()
            # Textual (8.2.8) reparses and reapplies every stylesheet of the app when a
            # mode's screen has an older CSS count than the app's — which a new screen
            # always has (-1): twice when the mode starts and once more on the first
            # return, about 35 ms each on the desk's F2. The count exists for screens
            # that were there before a theme change; a new screen is styled from the
            # current stylesheet when it mounts, so it starts up to date.
            screen._css_update_count = screen.app._css_update_count
            return screen

        return build


AREAS: tuple[Area, ...] = (
    Area(
        "home",
        "f1",
        N_("Home"),
        N_("Today's shop at a glance"),
        "home.view",
        "salon_tui.screens.home:HomeScreen",
    ),
    Area(
        "checkout",
        "f2",
        N_("Checkout"),
        N_("Sell, take payment, park, refund; the cash drawer and the day close"),
        "sales.sell",
        "salon_tui.screens.checkout:CheckoutScreen",
    ),
    Area(
        "members",
        "f3",
        N_("Members"),
        N_("Find anyone by card, phone or pinyin; profiles, cards, safety records"),
        "member.view",
        "salon_tui.screens.members:MembersScreen",
    ),
    Area(
        "bookings",
        "f4",
        N_("Bookings"),
        N_("The day by stylist, booking, moving, statuses, walk-ins and check-in"),
        "bookings.view",
        "salon_tui.screens.bookings:BookingsScreen",
    ),
    Area(
        "inventory",
        "f5",
        N_("Stock"),
        N_("Products, the service menu, receiving, stocktake and low stock"),
        "catalog.view",
        "salon_tui.screens.inventory:InventoryScreen",
    ),
    Area(
        "reports",
        "f6",
        N_("Reports"),
        N_("Sales, staff, members and stock over any period, with charts"),
        "reports.view",
        "salon_tui.screens.reports:ReportsScreen",
        available="salon_tui.services.reports:has_reports",
    ),
    Area(
        "cards",
        "f7",
        N_("Cards"),
        N_("Stored value, top-ups and packages of one member"),
        "prepaid.view",
        "salon_tui.screens.cards:CardsScreen",
    ),
    Area(
        "settings",
        "f9",
        N_("Settings"),
        N_("Shop details, staff and their roles"),
        "settings.shop",
        "salon_tui.screens.settings:SettingsScreen",
    ),
)


# Screens opened from the command palette (Ctrl+P) rather than by an F-key.
PALETTE_SCREENS: tuple[Area, ...] = (
    Area(
        "gift_cards",
        "",
        N_("Gift cards"),
        N_("Sell a gift card, or scan one to see its balance"),
        "giftcard.view",
        "salon_tui.screens.gift_cards:GiftCardScreen",
    ),
    Area(
        "alerts",
        "",
        N_("Alerts"),
        N_("Unusual activity flagged by the shop's rules: review and dismiss"),
        "alerts.view",
        "salon_tui.screens.alerts:AlertsScreen",
    ),
)


def area_for_mode(mode: str) -> Area | None:
    return next((area for area in AREAS if area.mode == mode), None)
