"""A visit a package covers pays the stylist: commission on the package use at the
package's per-use value (its price over its uses, to the fen). Coupons count what the
member pays: a 满减 threshold leaves out what a package covers."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from salon_tui.data.models import CommissionEntry, SaleAdjustment, SaleLineStaff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import ValidationError
from salon_tui.services import (
    commission,
    coupons,
    database,
    loyalty_checkout,
    package_checkout,
    packages,
    refunds,
)
from tests.services.catalog_helpers import make_service
from tests.services.test_package_checkout import CUT_CENTS, WASH_CENTS, open_sale_with, pay


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock: object) -> dict[str, int]:
    """洗吹 and 精剪 on the menu, a ¥580 package of 10 washes, two members."""
    from salon_tui.services import members

    wash = make_service(uow, owner, "S001", name="洗吹", price=WASH_CENTS)
    cut = make_service(uow, owner, "S002", name="精剪", price=CUT_CENTS)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    li = members.add_member(uow, owner, name="李娜").id
    zhao = members.add_member(uow, owner, name="赵敏").id
    return {"wash": wash.id, "cut": cut.id, "li": li, "zhao": zhao}


@pytest.fixture
def ten_percent(uow: UnitOfWork, owner: Actor) -> None:
    commission.add_rule(
        uow, owner, name="服务提成10%", method="percent", rate_bp=1_000, line_kind="service"
    )


def entries(uow: UnitOfWork, sale_id: int) -> list[CommissionEntry]:
    with uow.read() as session:
        return list(
            session.exec(
                select(CommissionEntry)
                .where(col(CommissionEntry.sale_id) == sale_id)
                .order_by(col(CommissionEntry.id))
            )
        )


@pytest.mark.usefixtures("ten_percent")
def test_a_wash_a_package_covers_earns_commission_at_the_packages_per_use_value(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")  # ¥580 / 10
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut")
    assert cart.lines[0].net_cents == 0
    pay(uow, owner, cart)
    wash, cut = entries(uow, cart.sale_id)
    assert (wash.basis_cents, wash.amount_cents) == (5_800, 580)
    assert (cut.basis_cents, cut.amount_cents) == (CUT_CENTS, CUT_CENTS // 10)
    with uow.read() as session:
        credited = session.exec(
            select(SaleLineStaff.basis_cents).where(col(SaleLineStaff.line_id) == cart.lines[0].id)
        ).all()
    assert credited == [0]  # the sales credited stay what was paid
    month = commission.month_bounds(wash.business_day)
    statement = commission.statement(uow, owner, owner.staff_id or 0, *month)
    assert statement.amount_cents == 580 + CUT_CENTS // 10


@pytest.mark.usefixtures("ten_percent")
def test_the_uses_of_a_package_add_up_to_its_price_to_the_fen(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.add_template(uow, owner, "洗吹3次", 10_000, 30, [("S001", 3)])
    packages.sell_package(uow, owner, shop["zhao"], "洗吹3次", "wechat", "WX2")
    bases = []
    for _visit in range(3):
        cart = open_sale_with(uow, owner, shop, shop["zhao"], "wash")
        assert cart.total_cents == 0
        pay(uow, owner, cart)
        bases += [entry.basis_cents for entry in entries(uow, cart.sale_id)]
    assert bases == [3_333, 3_333, 3_334]
    assert sum(bases) == 10_000


@pytest.mark.usefixtures("ten_percent")
def test_refunding_a_package_covered_wash_takes_its_commission_back(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash")
    pay(uow, owner, cart)
    refunds.refund_sale(uow, owner, cart.sale_id, key="r1", reason="洗错了")
    earned, reversed_ = entries(uow, cart.sale_id)
    assert (reversed_.kind, reversed_.basis_cents, reversed_.amount_cents) == (
        "reversal",
        -earned.basis_cents,
        -earned.amount_cents,
    )
    assert all(result.ok for result in database.check(uow))


@pytest.mark.usefixtures("ten_percent")
def test_a_declined_package_leaves_the_commission_on_what_was_paid(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash")
    declined = package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    pay(uow, owner, declined.cart)
    [entry] = entries(uow, cart.sale_id)
    assert (entry.basis_cents, entry.amount_cents) == (WASH_CENTS, WASH_CENTS // 10)


@pytest.fixture
def spend_300_get_50(uow: UnitOfWork, owner: Actor, shop) -> str:
    template = coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    )
    return coupons.issue(uow, owner, template.id, shop["li"]).code


def test_a_spend_threshold_counts_what_the_member_pays_not_what_a_package_covers(
    uow: UnitOfWork, owner: Actor, shop, spend_300_get_50: str
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    # ¥68 wash (package) + 2 × ¥128 cut = ¥324 at list price, ¥256 to pay: below ¥300.
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut", "cut")
    with pytest.raises(ValidationError, match="at least"):
        loyalty_checkout.apply_coupon(uow, owner, cart.sale_id, spend_300_get_50)
    # Charged in full (package declined), the wash counts: ¥324 reaches the threshold.
    package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    applied = loyalty_checkout.apply_coupon(uow, owner, cart.sale_id, spend_300_get_50)
    assert applied.total_cents == WASH_CENTS + 2 * CUT_CENTS - 5_000
    # Back on the package, the coupon is on the sale but no longer gives its discount.
    back = package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    assert back.cart.total_cents == 2 * CUT_CENTS
    [on_sale] = loyalty_checkout.coupons_on_sale(uow, owner, cart.sale_id)
    assert not on_sale.applies and "at least" in on_sale.reason


def test_an_amount_off_is_spread_over_what_is_paid_never_onto_a_package_covered_line(
    uow: UnitOfWork, owner: Actor, shop, spend_300_get_50: str
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut", "cut", "cut")
    applied = loyalty_checkout.apply_coupon(uow, owner, cart.sale_id, spend_300_get_50)
    assert applied.total_cents == 3 * CUT_CENTS - 5_000
    pay(uow, owner, applied)
    with uow.read() as session:
        on_wash = session.exec(
            select(SaleAdjustment.source).where(col(SaleAdjustment.line_id) == cart.lines[0].id)
        ).all()
    assert on_wash == ["package"]
