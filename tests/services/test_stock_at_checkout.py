"""Checkout and the stock ledger: a sold product leaves the shelf in the sale's
transaction, a refund puts it back, a sold service uses its recipe."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.inventory import MovementKind
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import inventory, products, refunds, sales, stock_levels
from salon_tui.services.inventory import OutOfStock
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.services.catalog_helpers import COLOUR_EAN, make_product, make_service


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.FRONT_DESK, "Nina Desk")


def sell_product(uow: UnitOfWork, desk: Actor, product: products.ProductView, qty: int) -> int:
    cart = sales.open_sale(uow, desk)
    sales.add_line(
        uow,
        desk,
        cart.sale_id,
        kind="product",
        description=product.name,
        unit_cents=product.retail_price_cents,
        qty=qty,
        item_id=product.id,
        item_code=product.sku,
    )
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("bank_card", product.retail_price_cents * qty)])
    return cart.sale_id


def test_a_paid_product_sale_takes_stock_out_and_a_refund_puts_it_back(
    uow: UnitOfWork, owner: Actor, desk: Actor
) -> None:
    shampoo = make_product(uow, owner)
    inventory.receive(uow, owner, shampoo.id, 5)
    sale_id = sell_product(uow, desk, shampoo, 2)
    assert products.get_product(uow, shampoo.id).on_hand == 3
    moves = stock_levels.history(uow, owner, kinds=[MovementKind.SALE])
    assert [(m.quantity, m.reference) for m in moves] == [(-2, f"sale:{sale_id}")]
    refunds.refund_sale(uow, owner, sale_id, key="refund-1", reason="过敏", lines=None)
    assert products.get_product(uow, shampoo.id).on_hand == 5


def test_selling_more_than_in_stock_is_refused_and_nothing_is_paid(
    uow: UnitOfWork, owner: Actor, desk: Actor
) -> None:
    shampoo = make_product(uow, owner)
    inventory.receive(uow, owner, shampoo.id, 1)
    with pytest.raises(OutOfStock, match="Only 1 of 丝蛋白洗发水"):
        sell_product(uow, desk, shampoo, 2)
    assert products.get_product(uow, shampoo.id).on_hand == 1
    assert stock_levels.history(uow, owner, kinds=[MovementKind.SALE]) == []


def test_a_sold_colour_service_uses_its_recipe(uow: UnitOfWork, owner: Actor, desk: Actor) -> None:
    colour = make_product(
        uow, owner, "CL01", barcode=COLOUR_EAN, name="染膏", use="professional", price=0, unit="g"
    )
    inventory.receive(uow, owner, colour.id, 300)
    service = make_service(uow, owner, "S006", name="染发", recipe={colour.id: 60})
    assert owner.staff_id is not None
    cart = sales.open_sale(uow, desk)
    sales.add_line(
        uow,
        desk,
        cart.sale_id,
        kind="service",
        description=service.name,
        unit_cents=service.price_cents,
        item_id=service.id,
        item_code=service.code,
        staff=[StaffShare(owner.staff_id)],
    )
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("bank_card", service.price_cents)])
    assert products.get_product(uow, colour.id).on_hand == 240
