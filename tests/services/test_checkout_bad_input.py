"""The issue's bad input at pay that other files do not cover: a coupon that stopped
being valid while the sale was parked, a stored-value payment above the member's
limit, and a database locked by another terminal at commit. Each is refused with a
clear message, nothing is written, and the sale is still there to pay again."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import Payment, Sale, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, DatabaseBusy, DatabaseError
from salon_tui.services import (
    coupons,
    drawer,
    loyalty_checkout,
    members,
    prepaid_settings,
    sales,
    stored_value,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.full_disk import a_disk_that_fills

CUT = 40_000


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    actor = make_actor(Role.FRONT_DESK, "Nina Desk")
    drawer.open_drawer(uow, actor, 50_000)
    return actor


@pytest.fixture
def member_id(uow: UnitOfWork, owner: Actor) -> int:
    return members.add_member(uow, owner, name="周洁").id


def cut_for(uow: UnitOfWork, actor: Actor, member_id: int | None) -> int:
    sale_id = sales.open_sale(uow, actor, member_id=member_id).sale_id
    sales.add_line(uow, actor, sale_id, kind="service", description="剪发", unit_cents=CUT,
                   staff=[StaffShare(actor.staff_id or 0)])  # fmt: skip
    return sale_id


def nothing_paid(uow: UnitOfWork, sale_id: int) -> None:
    with uow.read() as session:
        sale = session.get(Sale, sale_id)
        assert sale is not None and sale.status in ("open", "parked") and sale.number is None
        assert session.exec(select(func.count()).select_from(Payment)).one() == 0


def test_a_coupon_that_expired_while_the_sale_was_parked_is_not_charged_at_the_old_total(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, clock
) -> None:
    template = coupons.add_template(uow, owner, name="满300减50", kind="amount_off",
                                    amount_cents=5_000, min_spend_cents=30_000,
                                    valid_days=7)  # fmt: skip
    coupon = coupons.issue(uow, desk, template.id, member_id)
    sale_id = cut_for(uow, desk, member_id)
    seen = loyalty_checkout.apply_coupon(uow, desk, sale_id, coupon.code).total_cents
    assert seen == CUT - 5_000
    sales.park_sale(uow, desk, sale_id, "周洁 after the wash")
    clock.shift(timedelta(days=8))  # the coupon ends while the sale waits
    cart = sales.resume_sale(uow, desk, sale_id)
    assert cart.total_cents == CUT  # priced again: the coupon gives nothing now
    with pytest.raises(Conflict, match="total changed"):
        pay_sale(uow, desk, sale_id, [PaymentIn("cash", seen)], expected_total_cents=seen)
    nothing_paid(uow, sale_id)
    assert coupons.check_coupon(uow, desk, coupon.code).usable is False
    paid = pay_sale(uow, desk, sale_id, [PaymentIn("cash", CUT)], expected_total_cents=CUT)
    assert paid.total_cents == CUT


def test_stored_value_above_the_members_limit_for_one_sale_is_refused_at_pay(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    stored_value.top_up(uow, owner, member_id, 100_000, "wechat", "WX-1", print_receipt=False)
    prepaid_settings.update_prepaid_settings(uow, owner, limit_per_sale_cents=30_000)
    sale_id = cut_for(uow, desk, member_id)
    with pytest.raises(Conflict, match="of one sale"):
        pay_sale(uow, desk, sale_id, [PaymentIn("stored_value", CUT)])
    nothing_paid(uow, sale_id)
    with uow.read() as session:
        spent = session.exec(
            select(func.count())
            .select_from(StoredValueEntry)
            .where(col(StoredValueEntry.kind) == "spend")
        ).one()
    assert spent == 0
    pay_sale(uow, desk, sale_id,
             [PaymentIn("stored_value", 30_000), PaymentIn("cash", CUT - 30_000)])  # fmt: skip
    assert stored_value.get_balance(uow, owner, member_id).principal_cents == 70_000


def test_a_database_locked_by_another_terminal_at_pay_says_so_and_the_sale_can_be_paid_after(
    uow: UnitOfWork, desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    if uow.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL queues writers on row locks instead")
    from salon_tui.data import engine as engine_module

    sale_id = cut_for(uow, desk, None)
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    busy = UnitOfWork(str(uow.engine.url))  # a terminal that waits 0.2 s, not 10 s
    other = sqlite3.connect(str(uow.engine.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another terminal holds the write lock
        with pytest.raises(DatabaseBusy, match="busy with another terminal"):
            pay_sale(busy, desk, sale_id, [PaymentIn("cash", CUT)])
        other.execute("ROLLBACK")
        nothing_paid(busy, sale_id)
        paid = pay_sale(busy, desk, sale_id, [PaymentIn("cash", CUT)])  # the same key, again
        assert paid.total_cents == CUT
    finally:
        other.close()
        busy.dispose()
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Payment)).one() == 1


def written(uow: UnitOfWork) -> dict[str, int]:
    """How many rows each table a sale writes to holds."""
    from salon_tui.data.models import (
        AuditEntry,
        CommissionEntry,
        DrawerMovement,
        IdempotencyRecord,
        PrintJob,
        SaleLine,
        StockMovement,
    )

    tables = (Payment, StoredValueEntry, AuditEntry, CommissionEntry, DrawerMovement,
              IdempotencyRecord, PrintJob, SaleLine, StockMovement)  # fmt: skip
    with uow.read() as session:
        counts = {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in tables
        }
        counts["numbered sales"] = session.exec(
            select(func.count()).select_from(Sale).where(col(Sale.number).is_not(None))
        ).one()
    return counts


def test_a_full_disk_at_pay_says_so_writes_nothing_and_the_sale_pays_once_space_is_freed(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    if uow.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's page limit stands in for a full disk (PostgreSQL: the server's)")
    from salon_tui.services import inventory
    from tests.services.catalog_helpers import make_product

    sale_id = cut_for(uow, desk, member_id)
    shampoo = make_product(uow, owner)
    inventory.receive(uow, owner, shampoo.id, 5)
    sales.add_line(uow, desk, sale_id, kind="product", description=shampoo.name,
                   unit_cents=shampoo.retail_price_cents, item_id=shampoo.id,
                   item_code=shampoo.sku)  # fmt: skip
    cart = sales.get_cart(uow, desk, sale_id)
    uow.dispose()  # every connection closed, the WAL checkpointer's too
    with a_disk_that_fills(Path(str(uow.engine.url.database))) as disk:
        before = written(uow)
        disk.full = True
        with pytest.raises(DatabaseError) as refused:
            pay_sale(uow, desk, sale_id, [PaymentIn("cash", cart.total_cents)])
        assert "database or disk is full" in str(refused.value.__cause__)  # SQLITE_FULL
        assert str(refused.value) == (
            "The disk is full: nothing was saved. Free some space and try again."
        )
        disk.full = False
        assert written(uow) == before  # no number, ledger, stock move, audit, payment, job
        nothing_paid(uow, sale_id)
        assert sales.get_cart(uow, desk, sale_id) == cart  # still in the cart to retry
        paid = pay_sale(uow, desk, sale_id, [PaymentIn("cash", cart.total_cents)])
        assert paid.total_cents == cart.total_cents and paid.number.endswith("-0001")
        after = written(uow)
    assert after["numbered sales"] == 1 and after["Payment"] == 1
    assert after["StockMovement"] == before["StockMovement"] + 1
    assert after["AuditEntry"] > before["AuditEntry"]
