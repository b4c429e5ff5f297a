"""The stock ledger: movements, the cached on-hand, average cost, negative stock."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.inventory import MovementKind
from salon_tui.domain.permissions import Role
from salon_tui.errors import PermissionDenied, ValidationError
from salon_tui.services import audit, database, inventory, products, stock_levels
from salon_tui.services.inventory import OutOfStock
from tests.services.catalog_helpers import COLOUR_EAN, make_product, make_service


def test_receiving_stock_raises_on_hand_and_averages_the_cost(
    uow: UnitOfWork, owner: Actor
) -> None:
    product = make_product(uow, owner, cost=0)
    inventory.receive(uow, owner, product.id, 10, unit_cost_cents=7000)
    inventory.receive(uow, owner, product.id, 5, unit_cost_cents=8500)
    stored = products.get_product(uow, product.id)
    assert stored.on_hand == 15
    assert stored.cost_cents == 7500  # (10 × 70 + 5 × 85) / 15
    moves = stock_levels.history(uow, owner, product_id=product.id)
    assert [(m.kind, m.quantity, m.on_hand_after) for m in moves] == [
        (MovementKind.RECEIVE, 10, 10),
        (MovementKind.RECEIVE, 5, 15),
    ]
    assert audit.list_entries(uow, owner)[-1].action == "inventory.receive"


def test_a_double_submitted_receipt_books_the_stock_once(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    first = inventory.receive(uow, owner, product.id, 6, idempotency_key="dialog-1")
    second = inventory.receive(uow, owner, product.id, 6, idempotency_key="dialog-1")
    assert first == second
    assert products.get_product(uow, product.id).on_hand == 6


def test_a_sale_cannot_take_the_last_bottle_twice(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    inventory.receive(uow, owner, product.id, 1)
    with uow.transaction() as session:
        inventory.record_sale(session, owner, [(product.id, 1)], "sale:1")
    with pytest.raises(OutOfStock, match="Only 0 of 丝蛋白洗发水"), uow.transaction() as session:
        inventory.record_sale(session, owner, [(product.id, 1)], "sale:2")
    assert products.get_product(uow, product.id).on_hand == 0
    assert len(stock_levels.history(uow, owner, product_id=product.id)) == 2


def test_checkout_is_told_about_shortfalls_before_payment(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    inventory.receive(uow, owner, product.id, 2)
    shortfalls = inventory.check_stock(uow, {product.id: 3})
    assert [(s.name, s.on_hand, s.wanted) for s in shortfalls] == [("丝蛋白洗发水", 2, 3)]
    assert inventory.check_stock(uow, {product.id: 2}) == []


def test_when_the_shop_allows_it_a_sale_goes_negative_and_is_flagged(
    uow: UnitOfWork, owner: Actor
) -> None:
    product = make_product(uow, owner)
    inventory.set_negative_stock_allowed(uow, owner, True)
    assert inventory.check_stock(uow, {product.id: 3}) == []
    with uow.transaction() as session:
        (move,) = inventory.record_sale(session, owner, [(product.id, 2)], "sale:9")
    assert (move.on_hand_after, move.went_negative) == (-2, True)
    assert stock_value_negative(uow, owner) == 1


def stock_value_negative(uow: UnitOfWork, owner: Actor) -> int:
    return stock_levels.stock_value(uow, owner).negative


def test_a_returned_sale_puts_stock_back(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    with uow.transaction() as session:
        inventory.record_sale(session, owner, [(product.id, -1)], "sale:3")
    assert products.get_product(uow, product.id).on_hand == 1


def test_adjustments_need_a_reason_and_never_go_below_zero(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    inventory.receive(uow, owner, product.id, 3)
    moved = inventory.adjust(uow, owner, product.id, -1, "damaged", note="瓶子摔破")
    assert (moved.reason, moved.on_hand_after) == ("damaged", 2)
    with pytest.raises(ValidationError, match="Unknown reason"):
        inventory.adjust(uow, owner, product.id, -1, "lost in space")
    with pytest.raises(OutOfStock):
        inventory.adjust(uow, owner, product.id, -3, "expired")
    assert products.get_product(uow, product.id).on_hand == 2


def test_front_desk_receives_but_only_managers_adjust(uow: UnitOfWork, make_actor, owner) -> None:
    product = make_product(uow, owner)
    desk: Actor = make_actor(Role.FRONT_DESK)
    inventory.receive(uow, desk, product.id, 2)
    with pytest.raises(PermissionDenied):
        inventory.adjust(uow, desk, product.id, -1, "damaged")
    assert products.get_product(uow, product.id).on_hand == 2


def test_a_service_uses_back_bar_stock_by_its_recipe(uow: UnitOfWork, owner: Actor) -> None:
    colour = make_product(
        uow, owner, "CL01", barcode=COLOUR_EAN, name="染膏", use="professional", price=0, unit="g"
    )
    inventory.receive(uow, owner, colour.id, 500, unit_cost_cents=50)
    service = make_service(uow, owner, "S006", name="染发", recipe={colour.id: 60})
    inventory.use_in_service(uow, owner, service.id)
    inventory.use_in_service(uow, owner, service.id, amounts={colour.id: 90})
    assert products.get_product(uow, colour.id).on_hand == 350
    uses = stock_levels.history(uow, owner, kinds=[MovementKind.SERVICE_USE])
    assert [(m.quantity, m.reference) for m in uses] == [
        (-60, "service:S006"),
        (-90, "service:S006"),
    ]


def test_transfers_say_where_the_stock_went(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    inventory.receive(uow, owner, product.id, 5)
    with pytest.raises(ValidationError, match="where"):
        inventory.transfer(uow, owner, product.id, 2, outgoing=True)
    inventory.transfer(uow, owner, product.id, 2, outgoing=True, note="徐汇分店")
    assert products.get_product(uow, product.id).on_hand == 3


def test_low_stock_suggests_a_quantity_up_to_the_maximum(uow: UnitOfWork, owner: Actor) -> None:
    low = make_product(uow, owner, min_stock=3, max_stock=12)
    inventory.receive(uow, owner, low.id, 2)
    fine = make_product(uow, owner, "SH02", barcode="", min_stock=1)
    inventory.receive(uow, owner, fine.id, 5)
    lines = stock_levels.low_stock(uow, owner)
    assert [(line.product.sku, line.suggested) for line in lines] == [("SH01", 10)]


def test_stock_value_counts_cost_and_retail(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner, price=16800)
    inventory.receive(uow, owner, product.id, 4, unit_cost_cents=7000)
    value = stock_levels.stock_value(uow, owner)
    assert (value.units, value.cost_cents, value.retail_cents) == (4, 28000, 67200)


def test_the_ledger_check_finds_a_cache_that_drifted(uow: UnitOfWork, owner: Actor) -> None:
    product = make_product(uow, owner)
    inventory.receive(uow, owner, product.id, 4)
    assert all(result.ok for result in database.check(uow))
    from sqlalchemy import text

    with uow.transaction() as session:
        session.exec(text("UPDATE product SET on_hand = 9"))  # type: ignore[call-overload]
    problems = [r for r in database.check(uow) if not r.ok]
    assert [r.name for r in problems] == ["Stock ledger"]
    assert "on hand 9 but its movements add up to 4" in problems[0].problems[0]


operations = st.lists(
    st.tuples(
        st.sampled_from(["receive", "sell", "adjust", "use"]),
        st.integers(min_value=1, max_value=20),
        st.integers(min_value=0, max_value=20000),
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_on_hand_always_equals_the_sum_of_movements_and_cost_stays_positive(
    uow: UnitOfWork, owner: Actor, steps: list[tuple[str, int, int]]
) -> None:
    product = make_product(uow, owner, f"H{len(products.list_products(uow))}", barcode="")
    for operation, quantity, cost in steps:
        try:
            if operation == "receive":
                inventory.receive(uow, owner, product.id, quantity, unit_cost_cents=cost)
            elif operation == "adjust":
                inventory.adjust(uow, owner, product.id, -quantity, "correction")
            elif operation == "use":
                with uow.transaction() as session:
                    inventory.record_service_use(
                        session, owner, 0, "service:X", {product.id: quantity}
                    )
            else:
                with uow.transaction() as session:
                    inventory.record_sale(session, owner, [(product.id, quantity)], "sale:x")
        except OutOfStock:
            pass
        stored = products.get_product(uow, product.id)
        moves = stock_levels.history(uow, owner, product_id=product.id)
        assert stored.on_hand == sum(m.quantity for m in moves)
        assert stored.cost_cents >= 0
    with uow.read() as session:
        assert stock_levels.check_stock_ledger(session) == []
