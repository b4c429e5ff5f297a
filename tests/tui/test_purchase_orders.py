"""F5 Stock → Orders through the screens: a manager drafts an order from the low-stock
suggestions, changes and removes lines, approves, exports and sends it; a delivery is
received in two parts, the second more than ordered and kept only with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Input, OptionList

from salon_tui import paths
from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.inventory import InventoryScreen
from salon_tui.screens.modals.order_forms import (
    OrderDraftModal,
    ReceiveOrderModal,
    SupplierPickModal,
)
from salon_tui.services import database, products, purchasing, staff, stock_levels
from salon_tui.services.purchasing import OrderStatus
from salon_tui.widgets.devices import Scanned
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_inventory import open_stock, seed_catalogue

pytestmark = pytest.mark.usefixtures("shop_on_disk")

COLOUR_EAN = "4006381333931"


def seed_orders() -> None:
    """The F5 catalogue (LP01 shampoo low, PO00001 sent for 10) and a low colour tube."""
    seed_catalogue()
    uow = database.open_shop_database()
    try:
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        products.add_product(
            uow,
            owner,
            products.ProductDraft(
                sku="LC01",
                name="染膏 5.0 浅棕",
                barcode=COLOUR_EAN,
                cost_cents=110,
                unit="g",
                use="professional",
                supplier="欧莱雅专业",
                min_stock=300,
                max_stock=1000,
            ),
        )
    finally:
        uow.dispose()


def stored_order(order_id: int) -> purchasing.OrderView:
    uow = database.open_shop_database()
    try:
        return purchasing.get_order(uow, order_id)
    finally:
        uow.dispose()


async def open_orders(pilot) -> InventoryScreen:  # type: ignore[no-untyped-def]
    screen = await open_stock(pilot, "orders")
    assert pilot.app.focused is screen.query_one("#orders-table", DataTable)
    return screen


async def test_a_manager_drafts_from_low_stock_edits_approves_exports_and_sends() -> None:
    seed_orders()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        screen = await open_orders(pilot)
        assert screen.query_one("#orders-table", DataTable).row_count == 1
        await pilot.press("ctrl+g")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, SupplierPickModal)
        options = picker.query_one(OptionList)
        assert "2 to reorder" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        draft = app.screen
        assert isinstance(draft, OrderDraftModal)
        # Suggested: the shampoo up to its maximum (12 − 2), the colour to 1000 g.
        assert [(line.sku, line.quantity, line.unit_cost_cents) for line in draft.lines] == [
            ("LP01", 10, 7000),
            ("LC01", 1000, 110),
        ]
        # Scan the shampoo again: its line opens for a change of quantity and cost.
        await pilot.press(*"6920202888883", "enter")
        await settle(pilot)
        assert app.focused is draft.query_one("#po-qty", Input)
        assert draft.query_one("#po-cost", Input).value == "70.00"
        await pilot.press("backspace", "backspace", "6", "tab")
        draft.query_one("#po-cost", Input).value = "65"
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is draft.query_one("#po-code", Input)
        # Remove the colour line from the table.
        lines = draft.query_one("#po-lines", DataTable)
        lines.focus()
        lines.move_cursor(row=1)
        await pilot.press("delete")
        await settle(pilot)
        assert [(line.sku, line.quantity, line.unit_cost_cents) for line in draft.lines] == [
            ("LP01", 6, 6500)
        ]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
        assert stored_order(2).status is OrderStatus.DRAFT
        # Approve (with the confirmation), export the sheet, mark it sent.
        assert screen.query_one("#orders-table", DataTable).cursor_row == 0
        await pilot.press("ctrl+a")
        await settle(pilot)
        await pilot.click("#confirm")
        await settle(pilot)
        assert stored_order(2).status is OrderStatus.APPROVED
        await pilot.press("ctrl+x")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
    order = stored_order(2)
    assert order.status is OrderStatus.SENT
    assert [(line.sku, line.quantity_ordered, line.unit_cost_cents) for line in order.lines] == [
        ("LP01", 6, 6500)
    ]
    sheet = Path(paths.data_dir()) / "exports" / "PO00002.xlsx"
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[1][0] == "LP01" and rows[1][4] == 6


async def test_a_new_order_refuses_to_save_without_lines_and_keeps_the_dialog_open() -> None:
    seed_orders()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await open_orders(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        draft = app.screen
        assert isinstance(draft, OrderDraftModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is draft
        assert "at least one product" in str(draft.query_one("#form-message").content)
        # Typing part of a name finds the product; a quantity of 0 is refused.
        await pilot.press(*"染膏", "enter")
        await settle(pilot)
        await pilot.press("backspace", "0", "enter")
        await settle(pilot)
        assert "positive quantity" in str(draft.query_one("#form-message").content)
        await pilot.press("backspace", "5", "0", "0", "enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
    assert [(line.sku, line.quantity_ordered) for line in stored_order(2).lines] == [("LC01", 500)]


async def test_the_front_desk_cannot_approve_an_order() -> None:
    seed_orders()
    uow = database.open_shop_database()
    try:
        desk_view = staff.find_staff(uow, "李娜 Nina")
        desk = Actor(desk_view.id, desk_view.name, Role.FRONT_DESK)
        colour = products.find_product(uow, "LC01")
        purchasing.create_order(uow, desk, "欧莱雅专业", [(colour.id, 500, None)])
    finally:
        uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "desk")
        await open_orders(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        await pilot.click("#confirm")
        await settle(pilot)
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert errors and "not allowed" in errors[-1].casefold()
    assert stored_order(2).status is OrderStatus.DRAFT


async def test_a_delivery_in_two_parts_and_more_than_ordered_needs_a_reason() -> None:
    seed_orders()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        screen = await open_orders(pilot)
        await pilot.press("enter")  # PO00001 is sent: Enter receives
        await settle(pilot)
        receive = app.screen
        assert isinstance(receive, ReceiveOrderModal)
        assert receive.query_one("#got-0", Input).value == "10"
        receive.query_one("#got-0", Input).value = "4"
        receive.query_one("#cost-0", Input).value = "68"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
        assert stored_order(1).status is OrderStatus.PARTIAL
        assert "4" in str(screen.query_one("#order-lines", DataTable).get_row_at(0))
        await pilot.press("ctrl+r")
        await settle(pilot)
        receive = app.screen
        assert isinstance(receive, ReceiveOrderModal)
        assert receive.query_one("#got-0", Input).value == "6"
        # A scan puts the cursor on its line's quantity.
        receive.query_one("#over-reason", Input).focus()
        receive.post_message(Scanned("6920202888883", "scanner"))
        await settle(pilot)
        assert app.focused is receive.query_one("#got-0", Input)
        receive.query_one("#got-0", Input).value = "7"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is receive
        assert "More than ordered" in str(receive.query_one("#form-message").content)
        assert app.focused is receive.query_one("#over-reason", Input)
        assert stored_order(1).status is OrderStatus.PARTIAL
        await pilot.press(*"gift", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
    order = stored_order(1)
    assert order.status is OrderStatus.RECEIVED
    assert order.lines[0].quantity_received == 11
    uow = database.open_shop_database()
    try:
        shampoo = products.find_product(uow, "LP01")
        assert shampoo.on_hand == 2 + 4 + 7
        owner = Actor(1, "王芳", Role.OWNER)
        moves = stock_levels.history(uow, owner, product_id=shampoo.id)
        assert [(m.quantity, m.unit_cost_cents, m.note) for m in moves[-2:]] == [
            (4, 6800, ""),
            (7, 6500, "gift"),
        ]
    finally:
        uow.dispose()
