"""Stores of a chain: one store looks as before; several number apart and keep drawers apart."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from salon_tui import config as machine
from salon_tui.data import schema
from salon_tui.data.models import AuditEntry, Booking, DrawerSession, Expense, Payment, Refund, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import drawer, expenses, refunds, sales, stores
from tests.services.store_helpers import make_two_stores, sell_at


@pytest.fixture
def stylist(make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.STYLIST, "Tony")


def test_a_new_shop_has_one_store_named_after_it(uow: UnitOfWork, owner: Actor) -> None:
    (only,) = stores.list_stores(uow)
    assert (only.code, only.name, only.active) == ("MAIN", "Test Salon", True)
    with uow.read() as session:
        terminal = stores.terminal_store(session)
    assert (terminal.id, terminal.coded_numbers) == (only.id, False)


def test_with_one_store_numbers_read_as_before_and_rows_carry_the_store(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    (only,) = stores.list_stores(uow)
    first = sell_at(uow, owner, "MAIN", stylist, 10_000)
    second = sell_at(uow, owner, "MAIN", stylist, 10_000)
    assert (first.number, second.number) == ("20261122-0001", "20261122-0002")
    refund = refunds.refund_sale(uow, owner, first.sale_id, key="r1", reason="unhappy")
    assert refund.number == "R20261122-0001"
    with uow.read() as session:
        assert {row.store_id for row in session.exec(select(Sale)).all()} == {only.id}
        assert {row.store_id for row in session.exec(select(Payment)).all()} == {only.id}
        assert session.exec(select(Refund.store_id)).all() == [only.id]


def test_two_stores_number_apart_and_never_clash(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    make_two_stores(uow, owner)
    numbers = [
        sell_at(uow, owner, code, stylist, 10_000).number for code in ("JA", "XH", "JA", "XH")
    ]
    assert numbers == [
        "JA-20261122-0001",
        "XH-20261122-0001",
        "JA-20261122-0002",
        "XH-20261122-0002",
    ]
    ja_sale = sell_at(uow, owner, "JA", stylist, 5_000)
    stores.use_store(uow, "XH")
    # A refund belongs to the store that gives the money back.
    refund = refunds.refund_sale(uow, owner, ja_sale.sale_id, key="r1", reason="wrong colour")
    assert refund.number == "XH-R20261122-0001"
    by_code = {view.code: view.id for view in stores.list_stores(uow)}
    with uow.read() as session:
        sale_row = session.get(Sale, ja_sale.sale_id)
        refund_row = session.exec(select(Refund)).one()
        refund_payment = session.exec(
            select(Payment).where(col(Payment.refund_id) == refund_row.id)
        ).one()
    assert sale_row is not None and sale_row.store_id == by_code["JA"]
    assert refund_row.store_id == refund_payment.store_id == by_code["XH"]


def test_several_stores_and_none_chosen_is_refused_with_the_codes(
    uow: UnitOfWork, owner: Actor
) -> None:
    make_two_stores(uow, owner)
    with pytest.raises(stores.StoreNotChosen, match=r"several stores \(JA, XH\).*salon store use"):
        sales.open_sale(uow, owner)
    with pytest.raises(stores.StoreNotChosen):
        stores.check_terminal_store(uow)
    with uow.read() as session:
        assert session.exec(select(Sale)).all() == []


def test_a_configured_store_that_is_closed_or_unknown_is_refused(
    uow: UnitOfWork, owner: Actor
) -> None:
    make_two_stores(uow, owner)
    stores.use_store(uow, "XH")
    stores.edit_store(uow, owner, "XH", active=False)
    with pytest.raises(stores.StoreNotChosen, match="XH, which is not an open store"):
        stores.check_terminal_store(uow)
    with pytest.raises(Conflict, match="closed"):
        stores.use_store(uow, "XH")
    with pytest.raises(NotFound, match="The stores are: JA, XH"):
        stores.use_store(uow, "PD")
    assert machine.load_config().store.code == "XH"


def test_each_store_has_its_own_drawer_and_expenses(uow: UnitOfWork, owner: Actor) -> None:
    make_two_stores(uow, owner)
    stores.use_store(uow, "JA")
    drawer.open_drawer(uow, owner, 50_000)
    expenses.add_expense(uow, owner, "rent", 800_000)
    stores.use_store(uow, "XH")
    assert drawer.current_drawer(uow, owner) is None
    drawer.open_drawer(uow, owner, 20_000)
    current = drawer.current_drawer(uow, owner)
    assert current is not None and current.total_of("float") == 20_000
    by_code = {view.code: view.id for view in stores.list_stores(uow)}
    with uow.read() as session:
        drawers = session.exec(select(DrawerSession).order_by(col(DrawerSession.id))).all()
        expense = session.exec(select(Expense)).one()
    assert [row.store_id for row in drawers] == [by_code["JA"], by_code["XH"]]
    assert expense.store_id == by_code["JA"]


def test_add_and_edit_check_their_input_and_are_audited(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(ValidationError, match="1 to 5 letters"):
        stores.add_store(uow, owner, "TOO-LONG", "x")
    with pytest.raises(ValidationError, match="name"):
        stores.add_store(uow, owner, "XH", "  ")
    stores.edit_store(uow, owner, "main", new_code="ja")
    added = stores.add_store(uow, owner, " xh ", "徐汇店", phone="021-5555 0101")
    assert (added.code, added.phone) == ("XH", "021-5555 0101")
    with pytest.raises(Conflict, match="already exists"):
        stores.add_store(uow, owner, "XH", "again")
    with pytest.raises(Conflict, match="cannot change once the shop has several"):
        stores.edit_store(uow, owner, "XH", new_code="XH2")
    stores.edit_store(uow, owner, "JA", active=False)
    with pytest.raises(Conflict, match="only open store"):
        stores.edit_store(uow, owner, "XH", active=False)
    with uow.read() as session:
        actions = session.exec(
            select(AuditEntry.action).where(col(AuditEntry.action).startswith("stores."))
        ).all()
    assert actions == ["stores.edit", "stores.add", "stores.edit"]


def test_only_the_owner_manages_stores(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor]
) -> None:
    manager = make_actor(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        stores.add_store(uow, manager, "XH", "徐汇店")
    with pytest.raises(PermissionDenied):
        stores.edit_store(uow, manager, "MAIN", name="x")
    assert [view.code for view in stores.list_stores(uow)] == ["MAIN"]


def test_bookings_belong_to_the_store_that_made_them(
    uow: UnitOfWork, owner: Actor, clock: object
) -> None:
    from salon_tui.services import bookings
    from salon_tui.services.bookings import LineRequest
    from tests.services.booking_helpers import at, make_shop

    shop = make_shop(uow, owner)
    make_two_stores(uow, owner)
    stores.use_store(uow, "XH")
    booked = bookings.book(
        uow,
        owner,
        [LineRequest(shop.cut, shop.tony.staff_id)],
        at("2026-11-22", "12:00"),
        client_name="张三",
    )
    with uow.read() as session:
        booking = session.get(Booking, booked.id)
    assert booking is not None
    assert booking.store_id == stores.get_store(uow, "XH").id


def test_the_upgrade_gives_existing_rows_the_shops_store_and_continues_its_numbers(
    tmp_path: Path,
) -> None:
    """A database from before stores: one store named after the shop, numbers go on."""
    from alembic import command

    path = tmp_path / "old.db"
    uow = UnitOfWork(f"sqlite:///{path}")
    with uow.engine.begin() as connection:
        command.upgrade(schema._alembic_config(connection), "prepaid_0003")
    uow.dispose()
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            INSERT INTO setting VALUES ('shop.name', '"丽发沙龙"'), ('shop.phone', '"021-1"');
            INSERT INTO staff (id, name, name_key, role, pin_hash, active, failed_logins,
                               hard_locked, created_at, updated_at)
                VALUES (1, 'O', 'o', 'owner', 'x', 1, 0, 0, '2026-11-22 01:00:00.000000',
                        '2026-11-22 01:00:00.000000');
            INSERT INTO sale (id, idempotency_key, status, number, business_day, day_seq,
                member_label, park_label, note, sale_discount_cents, sale_discount_bp,
                sale_discount_reason, subtotal_cents, discount_cents, rounding_cents,
                tips_cents, total_cents, opened_by, opened_at, void_reason)
                VALUES (1, 'k1', 'paid', '20261122-0007', '2026-11-22', 7, '', '', '', 0, 0,
                        '', 100, 0, 0, 0, 100, 1, '2026-11-22 01:00:00.000000', '');
            INSERT INTO number_sequence VALUES ('sale', '2026-11-22', 7);
            """
        )
    uow = UnitOfWork(f"sqlite:///{path}")
    schema.upgrade(uow, tmp_path / "copies")
    (only,) = stores.list_stores(uow)
    assert (only.code, only.name, only.phone) == ("MAIN", "丽发沙龙", "021-1")
    from datetime import date

    from salon_tui.data.sequences import next_number

    with uow.transaction() as session:
        assert session.get(Sale, 1).store_id == only.id  # type: ignore[union-attr]
        store = stores.terminal_store(session)
        assert store.number(
            date(2026, 11, 22), next_number(session, store.series("sale"), date(2026, 11, 22))
        ) == ("20261122-0008")
    uow.dispose()


def test_receipts_of_a_chain_head_with_their_stores_details(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    from salon_tui.services import sale_receipts

    single = sell_at(uow, owner, "MAIN", stylist, 10_000)
    make_two_stores(uow, owner)
    stores.edit_store(uow, owner, "XH", phone="021-5555 0101")
    chained = sell_at(uow, owner, "XH", stylist, 10_000)
    with uow.read() as session:
        before = sale_receipts.sale_receipt(session, single.sale_id).shop
        after = sale_receipts.sale_receipt(session, chained.sale_id).shop
    # The first sale was made at the one store, now 静安店 JA: its reprint says so.
    assert before.name == "静安店"
    assert (after.name, after.address, after.phone) == (
        "徐汇店",
        "徐汇区天钥桥路 1 号",
        "021-5555 0101",
    )


def test_a_single_store_receipt_keeps_the_shops_name(
    uow: UnitOfWork, owner: Actor, stylist: Actor
) -> None:
    from salon_tui.services import sale_receipts

    paid = sell_at(uow, owner, "MAIN", stylist, 10_000)
    with uow.read() as session:
        assert sale_receipts.sale_receipt(session, paid.sale_id).shop.name == "Test Salon"
