"""Packages (次卡) at checkout: a member's package prices the service line it covers,
the use is taken when the sale is paid (once, even from two terminals), the cashier
may decline it, a package that stopped covering a parked sale is refused at pay, and a
refund gives the use back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, PackageUse, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, ValidationError
from salon_tui.services import (
    database,
    members,
    package_checkout,
    packages,
    refunds,
    sale_receipts,
    sales,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.services.catalog_helpers import make_service

WASH_CENTS = 6_800
CUT_CENTS = 12_800


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock) -> dict[str, int]:
    wash = make_service(uow, owner, "S001", name="洗吹", price=WASH_CENTS)
    cut = make_service(uow, owner, "S002", name="精剪", price=CUT_CENTS)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    packages.add_template(uow, owner, "体验2次", 10_000, 7, [("S001", 2)])
    li = members.add_member(uow, owner, name="李娜").id
    zhao = members.add_member(uow, owner, name="赵敏").id
    return {"wash": wash.id, "cut": cut.id, "li": li, "zhao": zhao}


def open_sale_with(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int], member: int | None, *items: str
) -> sales.CartView:
    cart = sales.open_sale(uow, owner, member_id=member)
    for item in items:
        sales.add_line(
            uow,
            owner,
            cart.sale_id,
            kind="service",
            description="洗吹" if item == "wash" else "精剪",
            unit_cents=WASH_CENTS if item == "wash" else CUT_CENTS,
            item_id=shop[item],
            item_code="S001" if item == "wash" else "S002",
            staff=[StaffShare(owner.staff_id)],
        )
    return sales.get_cart(uow, owner, cart.sale_id)


def pay(uow: UnitOfWork, owner: Actor, cart: sales.CartView) -> None:
    payments = [PaymentIn("wechat", cart.total_cents, reference="WX")] if cart.total_cents else []
    pay_sale(uow, owner, cart.sale_id, payments, print_receipt=False,
             expected_total_cents=cart.total_cents)  # fmt: skip


def package_line(cart: sales.CartView, index: int = 0) -> sales.AdjustmentView | None:
    found = [a for a in cart.lines[index].adjustments if a.source == "package"]
    return found[0] if found else None


def uses_left(uow: UnitOfWork, owner: Actor, package_id: int) -> int:
    return packages.get_package(uow, owner, package_id).uses_left


def test_a_members_package_prices_the_line_and_is_used_when_the_sale_is_paid(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    sold = packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut")
    adjustment = package_line(cart)
    assert adjustment is not None
    assert (adjustment.amount_cents, adjustment.label) == (WASH_CENTS, "Package use")
    assert adjustment.explanation == "洗吹10次 · 9 left"
    assert cart.lines[0].net_cents == 0 and package_line(cart, 1) is None
    assert cart.total_cents == CUT_CENTS
    assert uses_left(uow, owner, sold.id) == 10  # nothing is taken before the sale is paid

    pay(uow, owner, cart)
    assert uses_left(uow, owner, sold.id) == 9
    history = packages.package_history(uow, owner, sold.id)
    assert [(u.kind, u.uses, u.sale_id) for u in history][-1] == ("use", -1, cart.sale_id)
    with uow.read() as session:
        receipt = sale_receipts.sale_receipt(session, cart.sale_id)
        assert session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "package.use")
        ).first()
    assert receipt.member is not None
    assert [(p.name, p.used, p.left) for p in receipt.member.packages] == [("洗吹10次", 1, 9)]
    assert all(result.ok for result in database.check(uow))


def test_the_cashier_declines_the_package_for_a_line_and_takes_it_back(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    sold = packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash")
    declined = package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    assert not declined.applied and "charged in full" in declined.message
    assert package_line(declined.cart) is None and declined.cart.total_cents == WASH_CENTS
    back = package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    assert back.applied and back.cart.total_cents == 0
    again = package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    pay(uow, owner, again.cart)
    assert uses_left(uow, owner, sold.id) == 10  # a declined package keeps its uses
    with uow.read() as session:
        actions = session.exec(
            select(AuditEntry.action).where(col(AuditEntry.action).like("package.%"))
        ).all()
    assert actions.count("package.decline") == 2 and "package.accept" in actions


def test_declining_is_refused_where_no_package_covers_the_line(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "cut")
    with pytest.raises(ValidationError, match="No package of this member covers 精剪"):
        package_checkout.toggle_package(uow, owner, cart.sale_id, cart.lines[0].id)
    walk_in = open_sale_with(uow, owner, shop, None, "wash")
    assert package_line(walk_in) is None
    with pytest.raises(ValidationError, match="put the member on the sale"):
        package_checkout.toggle_package(uow, owner, walk_in.sale_id, walk_in.lines[0].id)


def test_only_the_members_own_valid_package_applies(
    uow: UnitOfWork, owner: Actor, shop, clock
) -> None:
    packages.sell_package(uow, owner, shop["zhao"], "洗吹10次", "wechat", "WX1")
    assert package_line(open_sale_with(uow, owner, shop, shop["li"], "wash")) is None
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    assert package_line(open_sale_with(uow, owner, shop, shop["li"], "wash")) is not None
    clock.shift(timedelta(days=7))  # the trial's 7 days are over
    assert package_line(open_sale_with(uow, owner, shop, shop["li"], "wash")) is None
    assert uses_left(uow, owner, trial.id) == 2


def test_the_package_expiring_first_is_used_and_lines_share_the_uses_left(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    long_one = packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    packages.use_package(uow, owner, trial.id, None, "visit")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "wash")
    first, second = package_line(cart, 0), package_line(cart, 1)
    assert first is not None and first.explanation == "体验2次 · 0 left"
    assert second is not None and second.explanation == "洗吹10次 · 9 left"
    pay(uow, owner, cart)
    assert (uses_left(uow, owner, trial.id), uses_left(uow, owner, long_one.id)) == (0, 9)


def test_a_line_of_two_takes_two_uses_when_the_package_holds_them(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    packages.use_package(uow, owner, trial.id, None, "visit")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash")
    cart = sales.set_qty(uow, owner, cart.sale_id, cart.lines[0].id, 2)
    adjustment = package_line(cart)
    assert adjustment is not None and adjustment.amount_cents == WASH_CENTS  # one use left
    assert cart.total_cents == WASH_CENTS
    pay(uow, owner, cart)
    assert uses_left(uow, owner, trial.id) == 0


def test_a_package_that_expired_while_the_sale_was_parked_is_refused_at_pay(
    uow: UnitOfWork, owner: Actor, shop, clock
) -> None:
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut")
    sales.park_sale(uow, owner, cart.sale_id, "李娜 afternoon")
    clock.shift(timedelta(days=7))
    resumed = sales.resume_sale(uow, owner, cart.sale_id)
    assert package_line(resumed) is None
    with pytest.raises(Conflict, match="expired on 2026-11-28 while the sale was parked"):
        pay(uow, owner, resumed)
    with uow.read() as session:
        assert session.get(Sale, cart.sale_id).status == "open"  # type: ignore[union-attr]
    declined = package_checkout.toggle_package(uow, owner, cart.sale_id, resumed.lines[0].id)
    pay(uow, owner, declined.cart)
    assert uses_left(uow, owner, trial.id) == 2


def test_a_package_used_up_while_parked_is_refused_and_a_valid_pin_pays(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    parked = open_sale_with(uow, owner, shop, shop["li"], "wash")
    sales.park_sale(uow, owner, parked.sale_id)
    other = open_sale_with(uow, owner, shop, shop["li"], "wash", "wash")
    pay(uow, owner, other)  # the other visit takes both uses
    resumed = sales.resume_sale(uow, owner, parked.sale_id)
    with pytest.raises(Conflict, match="No uses of 洗吹 are left on package 体验2次"):
        pay(uow, owner, resumed)
    assert uses_left(uow, owner, trial.id) == 0
    # A parked sale whose package still holds its use pays with it.
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX3")
    fine = open_sale_with(uow, owner, shop, shop["li"], "wash")
    sales.park_sale(uow, owner, fine.sale_id)
    pay(uow, owner, sales.resume_sale(uow, owner, fine.sale_id))
    assert all(result.ok for result in database.check(uow))


def test_the_last_use_taken_at_another_terminal_refuses_the_pay(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    trial = packages.sell_package(uow, owner, shop["li"], "体验2次", "wechat", "WX2")
    packages.use_package(uow, owner, trial.id, None, "visit")
    here = open_sale_with(uow, owner, shop, shop["li"], "wash")
    there = open_sale_with(uow, owner, shop, shop["li"], "wash")
    assert package_line(here) is not None and package_line(there) is not None
    pay(uow, owner, there)
    with pytest.raises(Conflict, match="total changed since the cart was shown"):
        pay(uow, owner, here)
    assert uses_left(uow, owner, trial.id) == 0
    pay(uow, owner, sales.get_cart(uow, owner, here.sale_id))  # charged in full now
    with uow.read() as session:
        taken = session.exec(select(PackageUse).where(col(PackageUse.package_id) == trial.id)).all()
    assert sum(row.uses for row in taken) == 0 and [r.kind for r in taken].count("use") == 2


def test_a_refund_gives_the_package_uses_back(uow: UnitOfWork, owner: Actor, shop) -> None:
    sold = packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash", "cut")
    cart = sales.set_qty(uow, owner, cart.sale_id, cart.lines[0].id, 2)
    pay(uow, owner, cart)
    assert uses_left(uow, owner, sold.id) == 8
    wash_line = cart.lines[0].id
    refunds.refund_sale(uow, owner, cart.sale_id, key="r1", reason="redo", lines={wash_line: 1})
    assert uses_left(uow, owner, sold.id) == 9
    refunds.refund_sale(uow, owner, cart.sale_id, key="r2", reason="all")
    assert uses_left(uow, owner, sold.id) == 10
    kinds = [u.kind for u in packages.package_history(uow, owner, sold.id)]
    assert kinds == ["sold", "use", "reversal", "reversal"]
    assert all(result.ok for result in database.check(uow))


def test_a_package_use_comes_off_before_the_level_discount(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    packages.sell_package(uow, owner, shop["li"], "洗吹10次", "wechat", "WX1")
    cart = open_sale_with(uow, owner, shop, shop["li"], "wash")
    cart = sales.discount_line(
        uow, owner, cart.sale_id, cart.lines[0].id, percent_bp=1_000, reason="friend"
    )
    assert [a.source for a in cart.lines[0].adjustments] == ["package"]
    assert cart.total_cents == 0
