"""A package (次卡) at F2 Checkout: the member's card is scanned, the service line is
priced with a package use that says where it came from, Ctrl+U declines it and takes
it back, and a sale the package covers in full is confirmed with Enter."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from textual.widgets import Input, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import Sale
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.checkout import CheckoutScreen
from salon_tui.screens.modals.checkout_pay import PaymentModal
from salon_tui.services import cards, catalog, categories, database, members, packages, staff
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def seed_member_with_package() -> int:
    """王芳 (card V100000) holds 洗吹10次卡 for the W01 wash; the package's id."""
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    categories.add_category(uow, owner, "洗护", "Wash")
    catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="W01", name="洗吹造型", category="洗护", price_cents=5_800, duration_min=30
        ),
    )
    packages.add_template(uow, owner, "洗吹10次卡", 48_000, 180, [("W01", 10)])
    member = members.add_member(uow, owner, name="王芳", phone="13800138000").id
    cards.issue_card(uow, owner, member, "V100000")
    sold = packages.sell_package(uow, owner, member, "洗吹10次卡", "wechat", "4200000009")
    uow.dispose()
    return sold.id


def uses_left(package_id: int) -> int:
    uow = database.open_shop_database()
    try:
        found = staff.find_staff(uow, PEOPLE["owner"][0])
        owner = Actor(found.id, found.name, Role.OWNER)
        return packages.get_package(uow, owner, package_id).uses_left
    finally:
        uow.dispose()


async def type_entry(pilot, text: str) -> None:
    entry = pilot.app.screen.query_one("#checkout-entry", Input)
    entry.value = text
    entry.focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_a_package_visit_is_priced_declined_taken_back_and_paid_at_checkout() -> None:
    package_id = seed_member_with_package()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        await type_entry(pilot, "V100000")  # the member's card
        await type_entry(pilot, "W01")
        await pilot.press("enter")  # who did it: the first stylist offered
        await settle(pilot)
        assert screen.cart is not None and screen.cart.total_cents == 0
        detail = str(screen.query_one("#line-detail", Static).render())
        assert "Package use" in detail and "洗吹10次卡 · 9 left" in detail

        await pilot.press("ctrl+u")
        await settle(pilot)
        assert screen.cart.total_cents == 5_800
        assert str(screen.query_one("#line-detail", Static).render()) == ""
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert screen.cart.total_cents == 0

        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentModal)
        assert "Nothing to pay" in str(modal.query_one("#pay-parts", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    assert uses_left(package_id) == 9
    uow = database.open_shop_database()
    with uow.read() as session:
        (sale,) = session.exec(select(Sale).where(col(Sale.status) == "paid")).all()
    uow.dispose()
    assert (sale.total_cents, sale.discount_cents) == (0, 5_800)
