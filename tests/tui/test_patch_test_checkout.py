"""A colour for a member without a valid patch test at F2 Checkout: the line is marked,
the warning shows under the cart, F10 asks the cashier to confirm (Cancel leaves the
sale unpaid), and going ahead is audited with the sale."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import AuditEntry, Sale
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.checkout import CheckoutScreen
from salon_tui.screens.modals.checkout_pay import PaymentModal
from salon_tui.screens.modals.confirm import ConfirmModal
from salon_tui.services import (
    cards,
    catalog,
    categories,
    database,
    drawer,
    member_safety,
    members,
    staff,
)
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def seed(*, with_valid_test: bool = False) -> None:
    """D01 染发 needs a patch test; 周洁 (card V200000) had a colour test fail in October."""
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    categories.add_category(uow, owner, "烫染", "Colour")
    catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="D01",
            name="染发",
            name_en="Colour",
            category="烫染",
            price_cents=38_800,
            duration_min=120,
            needs_patch_test=True,
        ),
    )
    member = members.add_member(uow, owner, name="周洁", phone="13900139000").id
    cards.issue_card(uow, owner, member, "V200000")
    member_safety.add_patch_test(uow, owner, member, "2026-10-30", "欧莱雅", "fail")
    if with_valid_test:
        member_safety.add_patch_test(uow, owner, member, "2026-11-20", "欧莱雅", "pass")
    drawer.open_drawer(uow, owner, 50_000)
    uow.dispose()


def stored(query):
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(query).all())
    finally:
        uow.dispose()


async def type_entry(pilot, text: str) -> None:
    entry = pilot.app.screen.query_one("#checkout-entry", Input)
    entry.value = text
    entry.focus()
    await pilot.press("enter")
    await settle(pilot)


async def colour_in_the_cart(pilot, card: str | None) -> CheckoutScreen:
    await log_in(pilot, "desk")
    await pilot.press("f2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckoutScreen)
    if card:
        await type_entry(pilot, card)
        assert screen.cart is not None and screen.cart.member_id is not None
    await type_entry(pilot, "D01")
    await pilot.press("enter")  # who does it: the first stylist offered
    await settle(pilot)
    return screen


async def test_a_mark_that_arrives_late_widens_the_item_column(monkeypatch) -> None:
    """On a slow machine the warnings are read after the cart last drew its lines: the
    mark then widens the column instead of cutting the service's name ("⚠ Colo")."""
    import time

    from salon_tui.services import checkout_safety

    read = checkout_safety.cart_warnings

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return read(*args, **kwargs)

    monkeypatch.setattr(checkout_safety, "cart_warnings", slow)
    seed()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CheckoutScreen)
        await type_entry(pilot, "V200000")
        entry = screen.query_one("#checkout-entry", Input)
        entry.value = "D01"
        entry.focus()
        await pilot.press("enter")
        for _ in range(40):  # the line is in the cart, its warnings still being read
            if screen.cart is not None and screen.cart.lines:
                break
            await pilot.pause(0.05)
        await pilot.press("enter")  # who does it: the first stylist offered
        table = screen.query_one("#cart-table", DataTable)
        for _ in range(60):
            if screen.patch_marks and all(line.staff for line in screen.cart.lines):
                break
            await pilot.pause(0.1)
        await settle(pilot)
        label = table.get_cell_at((0, 0))
        assert str(label).startswith("⚠ Colour")
        assert table.columns[screen.item_column].content_width >= label.cell_len


async def test_a_member_without_a_valid_patch_test_is_warned_and_the_cashier_confirms() -> None:
    seed()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await colour_in_the_cart(pilot, "V200000")
        notice = str(screen.query_one("#patch-tests", Static).render())
        assert (
            "Colour needs a valid patch test: the colour patch test of 2026-10-30 failed" in notice
        )
        table = screen.query_one("#cart-table", DataTable)
        assert str(table.get_cell_at((0, 0))).startswith("⚠ Colour")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # not now
        await settle(pilot)
        assert app.screen is screen
        assert stored(select(Sale).where(col(Sale.status) == "paid")) == []
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # go ahead
        await settle(pilot)
        assert isinstance(app.screen, PaymentModal)
        await pilot.press("enter")  # cash, the exact amount
        await settle(pilot)
        assert app.screen is screen
    (sale,) = stored(select(Sale).where(col(Sale.status) == "paid"))
    (audited,) = stored(
        select(AuditEntry).where(col(AuditEntry.action) == "sale.patch_test_override")
    )
    assert audited.entity_id == str(sale.id) and audited.staff_name == PEOPLE["desk"][0]
    assert json.loads(audited.after)["reasons"] == ["colour:failed"]


async def test_a_walk_in_is_told_no_patch_test_is_on_file() -> None:
    seed()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await colour_in_the_cart(pilot, None)
        notice = str(screen.query_one("#patch-tests", Static).render())
        assert "walk-in: no patch test on file" in notice


async def test_a_valid_patch_test_goes_straight_to_payment() -> None:
    seed(with_valid_test=True)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await colour_in_the_cart(pilot, "V200000")
        assert not screen.query_one("#patch-tests", Static).display
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, PaymentModal)
