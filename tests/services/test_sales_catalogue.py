"""The catalogue at checkout: items found by code, barcode or pinyin; stock moves with
the sale and comes back with the refund, in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict
from salon_tui.services import inventory, products, refunds, sale_catalog, sales
from salon_tui.services.sale_payment import pay_sale
from tests.services.catalog_helpers import SHAMPOO_EAN, make_product, make_service, sell_services


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


def test_a_members_usual_services_come_most_often_first_with_who_last_did_them(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object
) -> None:
    from salon_tui.domain.permissions import Role
    from salon_tui.services import catalog, members, staff
    from salon_tui.services.sales_catalog_link import usual_services

    tony, kevin = make_actor(Role.STYLIST, "Tony"), make_actor(Role.STYLIST, "Kevin")
    cut = make_service(uow, owner, "C01", price=12_800)
    wash = make_service(uow, owner, "W01", name="洗吹", price=5_800)
    colour = make_service(uow, owner, "D01", name="染发", price=38_800)
    regular = members.add_member(uow, owner, name="周华", phone="13800138001").id
    other = members.add_member(uow, owner, name="李雷", phone="13800138002").id
    assert usual_services(uow, regular) == []  # nothing bought yet
    sell_services(uow, owner, regular, [("D01", tony.staff_id)])
    sell_services(uow, owner, regular, [("C01", tony.staff_id), ("W01", kevin.staff_id)])
    sell_services(uow, owner, regular, [("C01", kevin.staff_id)])
    sell_services(uow, owner, other, [("W01", tony.staff_id), ("W01", tony.staff_id)])
    sell_services(uow, owner, None, [("W01", tony.staff_id)])  # a walk-in counts for no one
    found = usual_services(uow, regular)
    # The cut twice (Kevin last), then the wash and the colour once each, the wash had
    # more recently; today's menu price.
    assert [(c.code, c.usual_staff_name) for c in found] == [
        ("C01", "Kevin"),
        ("W01", "Kevin"),
        ("D01", "Tony"),
    ]
    assert (found[0].usual_staff_id, found[0].unit_cents) == (kevin.staff_id, 12_800)
    # A retired service is no longer offered; someone who left is not suggested.
    catalog.set_service_active(uow, owner, colour.id, False)
    staff.set_active(uow, owner, kevin.staff_id, False)
    found = usual_services(uow, regular)
    assert [c.code for c in found] == ["C01", "W01"]
    assert [c.usual_staff_id for c in found] == [None, None]
    assert cut.id == found[0].item_id and wash.id == found[1].item_id


def test_history_that_names_a_service_by_code_only_still_makes_it_usual(
    uow: UnitOfWork, owner: Actor, clock: object
) -> None:
    from salon_tui.services import members
    from salon_tui.services.sales_catalog_link import usual_services

    make_service(uow, owner, "C01", price=12_800)
    member = members.add_member(uow, owner, name="周华", phone="13800138001").id
    cart = sales.open_sale(uow, owner)
    sales.set_member(uow, owner, cart.sale_id, member)
    cart = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="洗剪吹 (imported)",
        unit_cents=9_900,
        item_code="C01",
        staff=[sales.StaffShare(owner.staff_id)],
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("alipay", cart.total_cents, reference="2088")])
    (found,) = usual_services(uow, member)
    assert (found.code, found.unit_cents, found.usual_staff_id) == ("C01", 12_800, owner.staff_id)
