"""F5 Stock through the screens: a product added by scanning its barcode, a delivery
received against a purchase order, and a stocktake counted and posted."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.inventory import InventoryScreen
from salon_tui.screens.modals.catalog_forms import ProductForm
from salon_tui.services import (
    catalog,
    categories,
    database,
    inventory,
    products,
    purchasing,
    staff,
    stocktake,
    suppliers,
)
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")

NEW_EAN = "6901234567892"


def seed_catalogue() -> None:
    uow = database.open_shop_database()
    try:
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        suppliers.add_supplier(uow, owner, "欧莱雅专业")
        shampoo = products.add_product(
            uow,
            owner,
            products.ProductDraft(
                sku="LP01",
                name="丝漾洗发水",
                barcode="6920202888883",
                retail_price_cents=16800,
                cost_cents=7000,
                supplier="欧莱雅专业",
                min_stock=3,
                max_stock=12,
            ),
        )
        inventory.receive(uow, owner, shampoo.id, 2)
        categories.add_category(uow, owner, "剪发", "Cuts")
        catalog.add_service(
            uow,
            owner,
            catalog.ServiceDraft(
                code="C01",
                name="洗剪吹",
                name_en="Wash, cut & blow-dry",
                category="剪发",
                price_cents=12800,
                duration_min=60,
                level_prices={"总监": 26800},
            ),
        )
        order = purchasing.create_order(uow, owner, "欧莱雅专业", [(shampoo.id, 10, 6500)])
        purchasing.approve_order(uow, owner, order.id)
        purchasing.mark_sent(uow, owner, order.id)
    finally:
        uow.dispose()


def reopened():  # type: ignore[no-untyped-def]
    return database.open_shop_database()


async def open_stock(pilot, tab: str) -> InventoryScreen:
    await pilot.press("f5")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InventoryScreen)
    screen.action_tab(tab)
    await settle(pilot)
    return screen


async def test_scanning_an_unknown_barcode_opens_a_new_product_with_it() -> None:
    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        screen = await open_stock(pilot, "products")
        search = screen.query_one("#products-pane .list-search", Input)
        search.focus()
        await pilot.press(*NEW_EAN, "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProductForm)
        assert form.query_one("#barcode", Input).value == NEW_EAN
        form.query_one("#sku", Input).value = "KR01"
        form.query_one("#name", Input).value = "卡诗洗发水"
        form.query_one("#price", Input).value = "398"
        form.query_one("#min_stock", Input).value = "2"
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
    uow = reopened()
    try:
        added = products.find_product(uow, NEW_EAN)
        assert (added.sku, added.name, added.retail_price_cents) == ("KR01", "卡诗洗发水", 39800)
    finally:
        uow.dispose()


async def test_a_wrong_check_digit_keeps_the_form_open_with_the_reason() -> None:
    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        screen = await open_stock(pilot, "products")
        screen.query_one("#products-pane").action_add()  # type: ignore[attr-defined]
        await settle(pilot)
        form = app.screen
        form.query_one("#barcode", Input).value = "6901234567891"
        form.query_one("#sku", Input).value = "X1"
        form.query_one("#name", Input).value = "错码"
        form.query_one("#price", Input).value = "10"
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, ProductForm)
        assert "check digit should be 2" in str(app.screen.query_one("#form-message").content)
    uow = reopened()
    try:
        assert [p.sku for p in products.list_products(uow)] == ["LP01"]
    finally:
        uow.dispose()


async def test_a_delivery_scanned_against_its_order_is_received() -> None:
    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        screen = await open_stock(pilot, "receive")
        screen.query_one("#receive-order", Input).value = "PO00001"
        screen.query_one("#receive-code", Input).focus()
        await pilot.press(*"6920202888883", "enter")
        await settle(pilot)
        assert app.focused is screen.query_one("#receive-qty", Input)
        await pilot.press("backspace", "1", "0", "enter")
        await settle(pilot)
        log = screen.query_one("#receive-log", DataTable)
        assert log.row_count == 1
        assert app.focused is screen.query_one("#receive-code", Input)
    uow = reopened()
    try:
        assert products.find_product(uow, "LP01").on_hand == 12
        assert purchasing.get_order(uow, 1).status is purchasing.OrderStatus.RECEIVED
    finally:
        uow.dispose()


async def test_a_stocktake_is_started_counted_by_scan_and_posted() -> None:
    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        screen = await open_stock(pilot, "count")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is screen.query_one("#count-code", Input)
        await pilot.press(*"6920202888883", "enter", "1", "enter")
        await settle(pilot)
        lines = screen.query_one("#count-lines", DataTable)
        assert lines.row_count == 1
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.click("#confirm")
        await settle(pilot)
    uow = reopened()
    try:
        assert products.find_product(uow, "LP01").on_hand == 1
        (count,) = stocktake.list_counts(uow, Actor(1, "x", Role.OWNER))
        assert count.status == "posted"
    finally:
        uow.dispose()


async def test_the_tabs_move_with_ctrl_arrows_and_low_stock_lists_the_shampoo() -> None:
    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await pilot.press("f5")
        await settle(pilot)
        for _ in range(4):
            await pilot.press("ctrl+right")
            await settle(pilot)
        screen = app.screen
        assert screen.query_one("#inventory-tabs", TabbedContent).active == "tab-low"
        low = screen.query_one("#low-pane DataTable", DataTable)
        assert low.row_count == 1


async def test_a_scanner_scan_reaches_the_open_tab() -> None:
    """A keyboard-wedge scanner's keys never reach a field: the scan comes as a message,
    and F5 hands it to the tab that takes codes."""
    from salon_tui.widgets.devices import Scanned

    seed_catalogue()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        screen = await open_stock(pilot, "receive")
        screen.post_message(Scanned("6920202888883", "scanner"))
        await settle(pilot)
        assert app.focused is screen.query_one("#receive-qty", Input)
        assert screen.query_one("#receive-code", Input).value == "6920202888883"
        screen.action_tab("products")
        await settle(pilot)
        screen.post_message(Scanned(NEW_EAN, "scanner"))
        await settle(pilot)
        assert isinstance(app.screen, ProductForm)
        assert app.screen.query_one("#barcode", Input).value == NEW_EAN
