"""Purchase orders through their states, deliveries in parts, and stocktakes posted once."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.inventory import MovementKind
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import (
    inventory,
    products,
    purchase_sheets,
    purchasing,
    stock_levels,
    stocktake,
)
from salon_tui.services.purchasing import Delivery, OrderStatus
from tests.services.catalog_helpers import COLOUR_EAN, SHAMPOO_EAN, make_product, make_supplier


def ordered(uow: UnitOfWork, owner: Actor, quantity: int = 10) -> tuple[int, int]:
    make_supplier(uow, owner)
    product = make_product(uow, owner, supplier="欧莱雅专业", cost=7000)
    order = purchasing.create_order(uow, owner, "欧莱雅专业", [(product.id, quantity, 6500)])
    purchasing.approve_order(uow, owner, order.id)
    purchasing.mark_sent(uow, owner, order.id)
    return order.id, product.id


def test_an_order_goes_from_draft_to_received_in_two_deliveries(
    uow: UnitOfWork, owner: Actor
) -> None:
    order_id, product_id = ordered(uow, owner)
    first = purchasing.receive_delivery(uow, owner, order_id, [Delivery(product_id, 4)])
    assert first.status is OrderStatus.PARTIAL
    assert first.lines[0].outstanding == 6
    second = purchasing.receive_delivery(uow, owner, order_id, [Delivery(product_id, 6, 6800)])
    assert second.status is OrderStatus.RECEIVED
    stored = products.get_product(uow, product_id)
    assert stored.on_hand == 10
    assert stored.cost_cents == 6680  # 4 × 65 + 6 × 68, over 10
    moves = stock_levels.history(uow, owner, product_id=product_id)
    assert {m.reference for m in moves} == {f"po:{order_id}"}
    assert purchasing.close_order(uow, owner, order_id).status is OrderStatus.CLOSED


def test_a_draft_cannot_be_received_and_only_managers_approve(
    uow: UnitOfWork, owner: Actor, make_actor
) -> None:
    make_supplier(uow, owner)
    product = make_product(uow, owner)
    desk: Actor = make_actor(Role.FRONT_DESK)
    order = purchasing.create_order(uow, desk, "欧莱雅专业", [(product.id, 3, None)])
    with pytest.raises(Conflict, match="is draft"):
        purchasing.receive_delivery(uow, owner, order.id, [Delivery(product.id, 3)])
    with pytest.raises(PermissionDenied):
        purchasing.approve_order(uow, desk, order.id)
    assert purchasing.get_order(uow, order.id).status is OrderStatus.DRAFT


def test_receiving_more_than_ordered_needs_a_reason(uow: UnitOfWork, owner: Actor) -> None:
    order_id, product_id = ordered(uow, owner, quantity=5)
    with pytest.raises(Conflict, match="More than ordered"):
        purchasing.receive_delivery(uow, owner, order_id, [Delivery(product_id, 6)])
    assert products.get_product(uow, product_id).on_hand == 0
    view = purchasing.receive_delivery(
        uow, owner, order_id, [Delivery(product_id, 6)], over_reason="供应商多送一瓶赠品"
    )
    assert view.status is OrderStatus.RECEIVED
    assert stock_levels.history(uow, owner)[-1].note == "供应商多送一瓶赠品"


def test_a_delivery_submitted_twice_is_booked_once(uow: UnitOfWork, owner: Actor) -> None:
    order_id, product_id = ordered(uow, owner)
    for _ in range(2):
        purchasing.receive_delivery(
            uow, owner, order_id, [Delivery(product_id, 4)], idempotency_key="delivery-1"
        )
    assert products.get_product(uow, product_id).on_hand == 4


def test_reorder_suggestions_group_low_products_by_supplier(uow: UnitOfWork, owner: Actor) -> None:
    make_supplier(uow, owner)
    make_product(uow, owner, supplier="欧莱雅专业", min_stock=2, max_stock=8)
    assert {
        k: [q for _p, q, _c in v] for k, v in purchasing.suggested_lines(uow, owner).items()
    } == {"欧莱雅专业": [8]}


def test_a_drafts_lines_are_replaced_until_it_is_approved(
    uow: UnitOfWork, owner: Actor, make_actor
) -> None:
    make_supplier(uow, owner)
    shampoo = make_product(uow, owner, cost=7000)
    colour = make_product(uow, owner, "LC01", barcode=COLOUR_EAN, name="染膏 5.0", cost=110)
    desk: Actor = make_actor(Role.FRONT_DESK)
    order = purchasing.create_order(uow, desk, "欧莱雅专业", [(shampoo.id, 3, None)])
    changed = purchasing.update_draft(
        uow, desk, order.id, [(colour.id, 500, None), (shampoo.id, 6, 6500)], note="月底前到"
    )
    assert [(line.sku, line.quantity_ordered, line.unit_cost_cents) for line in changed.lines] == [
        ("LC01", 500, 110),
        ("SH01", 6, 6500),
    ]
    assert changed.note == "月底前到"
    assert changed.total_cents == 500 * 110 + 6 * 6500
    with pytest.raises(ValidationError, match="at least one product"):
        purchasing.update_draft(uow, desk, order.id, [])
    with pytest.raises(ValidationError, match="twice"):
        purchasing.update_draft(uow, desk, order.id, [(colour.id, 1, None), (colour.id, 2, None)])
    assert len(purchasing.get_order(uow, order.id).lines) == 2
    purchasing.approve_order(uow, owner, order.id)
    with pytest.raises(Conflict, match="only a draft can be changed"):
        purchasing.update_draft(uow, owner, order.id, [(shampoo.id, 1, None)])
    assert purchasing.get_order(uow, order.id).total_cents == changed.total_cents


def test_an_order_sheet_lists_the_lines_for_the_supplier(
    uow: UnitOfWork, owner: Actor, tmp_path
) -> None:
    from openpyxl import load_workbook

    order_id, _product_id = ordered(uow, owner, quantity=4)
    target = purchase_sheets.write_order_sheet(uow, owner, order_id, tmp_path / "PO00001.xlsx")
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("SH01", SHAMPOO_EAN, "丝蛋白洗发水", "瓶", 4)
    with pytest.raises(ValidationError, match=".xlsx or .csv"):
        purchase_sheets.write_order_sheet(uow, owner, order_id, tmp_path / "PO.pdf")


def test_a_stocktake_posts_the_variance_once(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner, cost=7000)
    inventory.receive(uow, owner, product.id, 10, unit_cost_cents=7000)
    count = stocktake.start_count(uow, owner)
    stocktake.record_count(uow, owner, count.id, SHAMPOO_EAN, 1, add=True)
    stocktake.record_count(uow, owner, count.id, SHAMPOO_EAN, 7, add=True)
    open_view = stocktake.get_count(uow, count.id)
    assert (open_view.lines[0].counted, open_view.lines[0].variance) == (8, -2)
    posted = stocktake.post_count(uow, owner, count.id)
    assert posted.status == "posted"
    assert posted.variance_value_cents == -14000
    assert products.get_product(uow, product.id).on_hand == 8
    with pytest.raises(Conflict, match="already posted"):
        stocktake.post_count(uow, owner, count.id)
    counts = stock_levels.history(uow, owner, kinds=[MovementKind.COUNT])
    assert [(m.quantity, m.reference) for m in counts] == [(-2, f"count:{count.id}")]


def test_uncounted_products_keep_their_stock(uow: UnitOfWork, owner: Actor) -> None:
    counted = make_product(uow, owner)
    other = make_product(uow, owner, "SH02", barcode="")
    inventory.receive(uow, owner, other.id, 5)
    count = stocktake.start_count(uow, owner)
    stocktake.record_count(uow, owner, count.id, "SH01", 0)
    stocktake.post_count(uow, owner, count.id)
    assert products.get_product(uow, other.id).on_hand == 5
    assert products.get_product(uow, counted.id).on_hand == 0


def test_only_one_count_is_open_at_a_time_and_desk_cannot_post(
    uow: UnitOfWork, owner: Actor, make_actor
) -> None:
    make_product(uow, owner)
    desk: Actor = make_actor(Role.FRONT_DESK)
    count = stocktake.start_count(uow, desk)
    with pytest.raises(Conflict, match="still open"):
        stocktake.start_count(uow, owner)
    stocktake.record_count(uow, desk, count.id, "SH01", 3)
    with pytest.raises(PermissionDenied):
        stocktake.post_count(uow, desk, count.id)
    stocktake.cancel_count(uow, owner, count.id)
    assert stocktake.start_count(uow, owner).id != count.id
