"""The stored value tender: checkout pays from the sale's member's balance inside the
sale's transaction, and a refund gives it back to the sides it came from."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from salon_tui.data.models import Payment, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, ValidationError
from salon_tui.services import (
    database,
    members,
    refunds,
    sale_receipts,
    sales,
    stored_value,
    tenders,
    top_up_promotions,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


def open_cut(uow: UnitOfWork, owner: Actor, member_id: int | None, cents: int = 30_000) -> int:
    cart = sales.open_sale(uow, owner, member_id=member_id)
    sales.add_line(uow, owner, cart.sale_id, kind="service", description="剪发",
                   unit_cents=cents, staff=[StaffShare(owner.staff_id)])  # fmt: skip
    return cart.sale_id


def test_stored_value_is_a_tender_only_for_members(uow: UnitOfWork, owner: Actor) -> None:
    offered = {t.code: t for t in tenders.list_tenders()}
    assert offered["stored_value"].needs_member


def test_paying_and_refunding_by_stored_value(uow: UnitOfWork, owner: Actor, clock) -> None:
    member = members.add_member(uow, owner, name="周洁").id
    top_up_promotions.add_promotion(uow, owner, "送", 50_000, bonus_cents=10_000)
    stored_value.top_up(uow, owner, member, 50_000, "wechat", "WX")
    sale_id = open_cut(uow, owner, member)
    cart_total = sales.get_cart(uow, owner, sale_id).total_cents
    paid = pay_sale(uow, owner, sale_id, [PaymentIn("stored_value", cart_total)],
                    print_receipt=False)  # fmt: skip
    assert paid.total_cents == cart_total
    balance = stored_value.get_balance(uow, owner, member)
    assert balance.total_cents == 60_000 - cart_total
    assert balance.bonus_cents == 0  # bonus first (the shop's default)
    with uow.read() as session:
        block = sale_receipts.sale_receipt(session, sale_id).member
    assert block is not None and block.name == "周洁"
    assert (block.stored_value_before_cents, block.stored_value_after_cents) == (
        60_000,
        60_000 - cart_total,
    )
    refunds.refund_sale(uow, owner, sale_id, key="r1", reason="unhappy")
    after = stored_value.get_balance(uow, owner, member)
    assert (after.principal_cents, after.bonus_cents) == (50_000, 10_000)
    assert all(result.ok for result in database.check(uow))


def test_a_short_balance_refuses_the_whole_sale(uow: UnitOfWork, owner: Actor, clock) -> None:
    member = members.add_member(uow, owner, name="周洁").id
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX")
    sale_id = open_cut(uow, owner, member)
    total = sales.get_cart(uow, owner, sale_id).total_cents
    with pytest.raises(Conflict, match="only"):
        pay_sale(uow, owner, sale_id, [PaymentIn("stored_value", total)], print_receipt=False)
    with uow.read() as session:
        assert session.get(Sale, sale_id).status == "open"  # type: ignore[union-attr]
        assert session.exec(select(Payment).where(col(Payment.sale_id) == sale_id)).all() == []
    assert stored_value.get_balance(uow, owner, member).total_cents == 10_000
    split = pay_sale(uow, owner, sale_id,
                     [PaymentIn("stored_value", 10_000), PaymentIn("wechat", total - 10_000, reference="WX2")],
                     print_receipt=False)  # fmt: skip
    assert [part.tender for part in split.payments] == ["stored_value", "wechat"]
    assert stored_value.get_balance(uow, owner, member).total_cents == 0


def test_stored_value_without_a_member_is_refused(uow: UnitOfWork, owner: Actor, clock) -> None:
    sale_id = open_cut(uow, owner, None)
    total = sales.get_cart(uow, owner, sale_id).total_cents
    with pytest.raises(ValidationError, match="needs a member"):
        pay_sale(uow, owner, sale_id, [PaymentIn("stored_value", total)], print_receipt=False)
