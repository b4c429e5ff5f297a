"""Settings: a menu of sections. Each area that lands adds its section to ``SECTIONS``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid
    description: str  # msgid
    permission: str
    screen: str  # "module:Class"

    def build(self) -> Screen[Any]:
        module_name, class_name = self.screen.split(":")
        screen_class: type[Screen[Any]] = getattr(importlib.import_module(module_name), class_name)
        return screen_class()


SECTIONS: tuple[Section, ...] = (
    Section(
        "shop",
        N_("Shop"),
        N_("Name, address, currency, rounding, receipt footer, language, timezone, idle lock"),
        "settings.shop",
        "salon_tui.screens.settings_shop:ShopSettingsScreen",
    ),
    Section(
        "staff",
        N_("Staff"),
        N_("Add staff, set roles, reset PINs, deactivate"),
        "staff.manage",
        "salon_tui.screens.settings_staff:StaffSettingsScreen",
    ),
    Section(
        "schedule",
        N_("Schedule"),
        N_("Opening hours, shifts and days off, skills, resources, holidays, booking rules"),
        "bookings.schedule",
        "salon_tui.screens.settings_schedule:ScheduleSettingsScreen",
    ),
    Section(
        "printer",
        N_("Printer"),
        N_("Receipt printer, paper, Chinese, cash drawer; test page; print jobs and reprints"),
        "printer.setup",
        "salon_tui.screens.settings_printer:PrinterSettingsScreen",
    ),
    Section(
        "scanner",
        N_("Scanner"),
        N_("Barcode scanner, its timing and end key; try a scan"),
        "printer.setup",
        "salon_tui.screens.settings_scanner:ScannerSettingsScreen",
    ),
    Section(
        "levels",
        N_("Levels"),
        N_("Member levels: discounts, points multiplier, upgrade rules"),
        "member.levels",
        "salon_tui.screens.settings_levels:LevelSettingsScreen",
    ),
    Section(
        "catalog",
        N_("Catalogue"),
        N_("Menu categories; whether a sale may take stock below zero"),
        "catalog.manage",
        "salon_tui.screens.settings_catalog:CatalogSettingsScreen",
    ),
    Section(
        "import",
        N_("Import"),
        N_("Members, services, products or staff from an old system's Excel or CSV"),
        "member.import",
        "salon_tui.screens.settings_import:ImportScreen",
    ),
    Section(
        "alerts",
        N_("Alerts"),
        N_("Which sales, refunds, top-ups, discounts and hand-made changes are flagged"),
        "alerts.settings",
        "salon_tui.screens.settings_alerts:AlertSettingsScreen",
    ),
    Section(
        "checkout",
        N_("Checkout"),
        N_("Discount limit without a manager's PIN; ratings after paying; birthday discount"),
        "settings.shop",
        "salon_tui.screens.settings_checkout:CheckoutSettingsScreen",
    ),
)


class SettingsScreen(SalonScreen):
    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings"))
        with Vertical(id="settings-menu"):
            yield Static(_("Choose a section and press Enter."), classes="hint")
            actor = self.salon.actor
            yield OptionList(
                *[
                    Option(f"[b]{_(section.title)}[/b]\n  {_(section.description)}", id=section.key)
                    for section in SECTIONS
                    if actor is not None and actor.can(section.permission)
                ],
                id="settings-sections",
            )
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#settings-sections", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        section = next(section for section in SECTIONS if section.key == event.option.id)
        self.app.push_screen(section.build())
