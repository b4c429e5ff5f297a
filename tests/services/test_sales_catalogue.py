"""The catalogue at checkout: items found by code, barcode or pinyin; stock moves with
the sale and comes back with the refund, in the same transaction."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict
from salon_tui.services import inventory, products, refunds, sale_catalog, sales
from salon_tui.services.sale_payment import pay_sale
from tests.services.catalog_helpers import SHAMPOO_EAN, make_product, make_service


def test_a_scan_finds_the_product_and_a_code_finds_the_service(
    uow: UnitOfWork, owner: Actor, clock: object
) -> None:
    make_product(uow, owner)
    make_service(uow, owner, "S001")
    (product,) = sale_catalog.find_items(uow, owner, SHAMPOO_EAN)
    assert (product.kind, product.unit_cents, product.code) == ("product", 16_800, "SH01")
    (service,) = sale_catalog.find_items(uow, owner, "S001")
    assert (service.kind, service.unit_cents, service.category) == ("service", 12_800, "剪发")
    assert sale_catalog.find_items(uow, owner, "nothing like it") == []


def test_selling_a_product_takes_stock_out_and_a_refund_puts_it_back(
    uow: UnitOfWork, owner: Actor, clock: object
) -> None:
    view = make_product(uow, owner)
    inventory.receive(uow, owner, view.id, 5)
    (choice,) = sale_catalog.find_items(uow, owner, SHAMPOO_EAN)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind=choice.kind,
        description=choice.description,
        unit_cents=choice.unit_cents,
        qty=2,
        item_id=choice.item_id,
        item_code=choice.code,
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("bank_card", cart.total_cents)])
    assert products.get_product(uow, view.id).on_hand == 3
    refunds.refund_sale(
        uow, owner, cart.sale_id, key="back", reason="unopened", lines={cart.lines[0].id: 1}
    )
    assert products.get_product(uow, view.id).on_hand == 4


def test_a_product_out_of_stock_refuses_the_whole_sale(
    uow: UnitOfWork, owner: Actor, clock: object
) -> None:
    view = make_product(uow, owner)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="product",
        description=view.name,
        unit_cents=view.retail_price_cents,
        item_id=view.id,
    )
    with pytest.raises(Conflict):
        pay_sale(uow, owner, cart.sale_id, [PaymentIn("bank_card", cart.total_cents)])
    assert sales.get_cart(uow, owner, cart.sale_id).status == "open"
    assert products.get_product(uow, view.id).on_hand == 0
