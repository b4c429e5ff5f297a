"""How F5 Stock looks: the products, services and orders tabs and the order dialogs, in
English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor
from tests.tui.test_inventory import seed_catalogue
from tests.tui.test_purchase_orders import seed_orders

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("tab", ["products", "services", "orders"])
def test_stock_tabs(snap_compare, locale: str, tab: str) -> None:
    seed_catalogue()
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "owner")
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.action_tab(tab)
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("dialog", ["draft", "receive"])
def test_order_dialogs(snap_compare, locale: str, dialog: str) -> None:
    seed_orders()
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "manager")
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.action_tab("orders")
        await settle(pilot)
        if dialog == "draft":
            await pilot.press("ctrl+g")
            await settle(pilot)
            await pilot.press("enter")
        else:
            await pilot.press("ctrl+r")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_service_form_with_stylists_and_recipe(snap_compare, locale: str) -> None:
    seed_recipe()
    i18n.install(locale)

    async def opened(pilot) -> None:
        await log_in(pilot, "manager")
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.action_tab("services")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#recipe").focus()
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=opened)


def seed_recipe() -> None:
    """C01 done by Tony only, using 60 g of colour and 90 ml of developer."""
    from dataclasses import replace

    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import catalog, database, products, staff
    from tests.tui.test_service_form import seed_back_bar

    seed_back_bar()
    uow = database.open_shop_database()
    try:
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        service = catalog.find_service(uow, "C01")
        recipe = {
            products.find_product(uow, sku).id: qty for sku, qty in (("LC01", 60), ("LD01", 90))
        }
        catalog.update_service(
            uow,
            owner,
            service.id,
            replace(
                catalog.current_draft(service),
                stylist_ids=(staff.find_staff(uow, "Tony 张伟").id,),
                recipe=recipe,
            ),
        )
    finally:
        uow.dispose()
