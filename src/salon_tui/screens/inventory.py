"""F5 Stock: products, services, receiving, stocktake, low stock and purchase orders, one
tab each."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import TabbedContent, TabPane

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen
from salon_tui.screens.inventory_desk import CountPane, ReceivePane
from salon_tui.screens.inventory_lists import LowStockPane, ProductsPane, ServicesPane
from salon_tui.screens.inventory_orders import OrdersPane
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

TABS = (
    ("products", N_("Products")),
    ("services", N_("Services")),
    ("receive", N_("Receive")),
    ("count", N_("Stocktake")),
    ("low", N_("Low stock")),
    ("orders", N_("Orders")),
)


class InventoryScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+right", "next_tab(1)", N_("Next tab"), priority=True),
        Binding("ctrl+left", "next_tab(-1)", N_("Previous tab"), show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Stock"))
        panes = {
            "products": ProductsPane(id="products-pane"),
            "services": ServicesPane(id="services-pane"),
            "receive": ReceivePane(id="receive-pane"),
            "count": CountPane(id="count-pane"),
            "low": LowStockPane(id="low-pane"),
            "orders": OrdersPane(id="orders-pane"),
        }
        with TabbedContent(id="inventory-tabs"):
            for key, title in TABS:
                with TabPane(_(title), id=f"tab-{key}"):
                    yield panes[key]
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#products-pane .list-search").focus()

    def action_next_tab(self, step: int) -> None:
        keys = [key for key, _title in TABS]
        current = self.query_one("#inventory-tabs", TabbedContent).active.removeprefix("tab-")
        self.action_tab(keys[(keys.index(current) + step) % len(keys)])

    def action_tab(self, key: str) -> None:
        self.query_one("#inventory-tabs", TabbedContent).active = f"tab-{key}"
        self.focus_tab(key)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        key = (event.pane.id or "").removeprefix("tab-")
        self.focus_tab(key)

    def focus_tab(self, key: str) -> None:
        target = {
            "products": "#products-pane .list-search",
            "services": "#services-pane .list-search",
            "receive": "#receive-code",
            "count": "#count-code",
            "low": "#low-pane .list-search",
            "orders": "#orders-table",
        }.get(key)
        if target:
            self.query_one(target).focus()
        if key == "low":
            self.query_one(LowStockPane).reload()
        if key == "count":
            self.query_one(CountPane).reload()
        if key == "orders":
            self.query_one(OrdersPane).reload()

    def on_scanned(self, message: Scanned) -> None:
        """A scan goes where the open tab takes a code: the search box of a list, the
        code field of Receive and Stocktake. The order dialogs take their own scans."""
        message.stop()
        key = self.query_one("#inventory-tabs", TabbedContent).active.removeprefix("tab-")
        if key == "receive":
            self.query_one(ReceivePane).take_scan(message.code)
        elif key == "count":
            self.query_one(CountPane).take_scan(message.code)
        elif key == "orders":
            self.notify(
                _("Open a draft (Enter) or draft a new order (Ctrl+N) to scan into it."),
                severity="warning",
            )
        else:
            pane = {"products": ProductsPane, "services": ServicesPane, "low": LowStockPane}[key]
            self.query_one(pane).take_scan(message.code)
