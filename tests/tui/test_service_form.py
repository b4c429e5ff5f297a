"""The service form through the screens: who can do a service, and its usage recipe
(what back-bar stock one performance uses), added by scan, code or name, changed,
removed and saved; bad amounts and half-entered lines are refused with the reason."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import DataTable, Input, SelectionList

from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.inventory import InventoryScreen
from salon_tui.screens.modals.service_form import ServiceForm
from salon_tui.services import catalog, database, products, staff
from salon_tui.widgets.devices import Scanned
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_inventory import open_stock, seed_catalogue

pytestmark = pytest.mark.usefixtures("shop_on_disk")

COLOUR_EAN = "4006381333931"


def seed_back_bar() -> None:
    """The F5 catalogue (service C01) and two back-bar products: colour and developer."""
    seed_catalogue()
    uow = database.open_shop_database()
    try:
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        for sku, name, barcode, unit in (
            ("LC01", "染膏 5.0 浅棕", COLOUR_EAN, "g"),
            ("LD01", "双氧乳 6%", "", "ml"),
        ):
            products.add_product(
                uow,
                owner,
                products.ProductDraft(
                    sku=sku, name=name, barcode=barcode, unit=unit, use="professional"
                ),
            )
    finally:
        uow.dispose()


def stored_c01() -> catalog.ServiceView:
    uow = database.open_shop_database()
    try:
        return catalog.find_service(uow, "C01")
    finally:
        uow.dispose()


def staff_id(name: str) -> int:
    uow = database.open_shop_database()
    try:
        return staff.find_staff(uow, name).id
    finally:
        uow.dispose()


async def open_c01(pilot) -> ServiceForm:  # type: ignore[no-untyped-def]
    await open_stock(pilot, "services")
    await pilot.press("enter", "enter")  # search box → table → the row
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ServiceForm)
    assert form.query_one("#code", Input).value == "C01"
    return form


async def test_the_form_sets_who_can_do_a_service_and_its_recipe() -> None:
    seed_back_bar()
    tony = staff_id("Tony 张伟")
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        form = await open_c01(pilot)
        stylists = form.query_one("#stylists", SelectionList)
        assert stylists.option_count == 4
        assert stylists.selected == []
        stylists.select(tony)
        # Colour by scan, developer by typing its code; amounts in the product's unit.
        form.query_one("#recipe", Input).focus()
        form.post_message(Scanned(COLOUR_EAN, "scanner"))
        await settle(pilot)
        assert app.focused is form.query_one("#recipe-qty", Input)
        assert "how much (g)" in str(form.query_one("#recipe-status").content)
        await pilot.press("6", "0", "enter")
        await settle(pilot)
        await pilot.press(*"LD01", "enter")
        await settle(pilot)
        await pilot.press("9", "0", "enter")
        await settle(pilot)
        # Enter on the colour line changes its amount; the shampoo added by mistake goes.
        await pilot.press(*"LP01", "enter")
        await settle(pilot)
        await pilot.press("1", "enter")
        await settle(pilot)
        table = form.query_one("#recipe-lines", DataTable)
        assert table.row_count == 3
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("backspace", "backspace", "5", "0", "enter")
        await settle(pilot)
        table.focus()
        table.move_cursor(row=2)
        await pilot.press("delete")
        await settle(pilot)
        assert [(line.sku, line.quantity) for line in form.recipe] == [
            ("LC01", 50),
            ("LD01", 90),
        ]
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, InventoryScreen)
    service = stored_c01()
    assert service.stylist_ids == (tony,)
    assert [(item.sku, item.quantity, item.unit) for item in service.recipe] == [
        ("LC01", 50, "g"),
        ("LD01", 90, "ml"),
    ]


async def test_the_form_shows_what_is_stored_and_refuses_half_entered_lines() -> None:
    seed_back_bar()
    tony, jing = staff_id("Tony 张伟"), staff_id("陈静 Jing")
    uow = database.open_shop_database()
    try:
        owner = Actor(staff_id("王芳"), "王芳", Role.OWNER)
        service = catalog.find_service(uow, "C01")
        colour = products.find_product(uow, "LC01")
        catalog.update_service(
            uow,
            owner,
            service.id,
            replace(
                catalog.current_draft(service), stylist_ids=(tony, jing), recipe={colour.id: 60}
            ),
        )
    finally:
        uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        form = await open_c01(pilot)
        assert sorted(form.query_one("#stylists", SelectionList).selected) == sorted([tony, jing])
        assert [(line.sku, line.quantity) for line in form.recipe] == [("LC01", 60)]
        message = form.query_one("#recipe-status")
        form.query_one("#recipe", Input).focus()
        await pilot.press(*"LD01", "enter")
        await settle(pilot)
        await pilot.press("x", "enter")
        await settle(pilot)
        assert "'x' is not a whole number" in str(message.content)
        await pilot.press("backspace", "0", "enter")
        await settle(pilot)
        assert "between 1 and" in str(message.content)
        recipe = form.query_one("#recipe", Input)
        recipe.value = ""
        recipe.focus()
        await pilot.press(*"nothing-like-this", "enter")
        await settle(pilot)
        assert "No product matches" in str(message.content)
        # The developer was looked up but never added: saving says so and stays open.
        form.query_one("#recipe", Input).value = "LD01"
        await pilot.click("#ok")
        await settle(pilot)
        assert app.screen is form
        assert "not in the recipe yet" in str(form.query_one("#form-message").content)
        assert app.focused is form.query_one("#recipe", Input)
    stored = stored_c01()
    assert [(item.sku, item.quantity) for item in stored.recipe] == [("LC01", 60)]
    assert stored.stylist_ids == tuple(sorted((tony, jing)))
