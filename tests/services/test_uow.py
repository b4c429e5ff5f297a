"""Transactions: one per action, nested services join, failures leave no trace."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import staff
from salon_tui.services.idempotency import run_once


def test_a_service_inside_another_transaction_joins_it(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(RuntimeError), uow.transaction():
        staff.add_staff(uow, owner, "Joined", Role.STYLIST, "1234")
        raise RuntimeError("the outer action fails after the inner service ran")
    assert "Joined" not in {person.name for person in staff.list_staff(uow)}


def test_writing_inside_a_read_is_refused(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(RuntimeError), uow.read():
        staff.add_staff(uow, owner, "Sneaky", Role.STYLIST, "1234")


def test_the_same_idempotency_key_acts_once(uow: UnitOfWork, owner: Actor) -> None:
    calls = []

    def body(session):
        calls.append(1)
        added = staff.add_staff(uow, owner, f"Hire {len(calls)}", Role.STYLIST, "1234")
        return added.id

    first = run_once(uow, "key-1", "test.hire", body, lambda i: {"id": i}, lambda d: d["id"])
    second = run_once(uow, "key-1", "test.hire", body, lambda i: {"id": i}, lambda d: d["id"])
    assert first == second
    assert len(calls) == 1
    assert len([p for p in staff.list_staff(uow) if p.name.startswith("Hire")]) == 1


def test_a_transaction_on_another_thread_meanwhile_gets_its_own_connection(
    uow: UnitOfWork, owner: Actor
) -> None:
    """On SQLite a unit of work keeps a connection for each kind of transaction; a
    second one at the same time (another thread's) takes one from the pool."""
    import threading

    seen: list[int] = []
    with uow.read() as session:
        outer = session.connection().connection.dbapi_connection

        def other() -> None:
            with uow.read() as inner:
                assert inner.connection().connection.dbapi_connection is not outer
                seen.append(len(staff.list_staff(uow)))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=30)
    assert seen == [len(staff.list_staff(uow))]


def test_after_a_failed_transaction_the_next_one_works(uow: UnitOfWork, owner: Actor) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), uow.transaction() as session:
        session.execute(text("INSERT INTO staff (id) VALUES (NULL)"))  # NOT NULL columns
    with pytest.raises(RuntimeError), uow.transaction():
        staff.add_staff(uow, owner, "Rolled back", Role.STYLIST, "1234")
        raise RuntimeError("the action fails")
    added = staff.add_staff(uow, owner, "After", Role.STYLIST, "1234")
    names = {person.name for person in staff.list_staff(uow)}
    assert added.name in names
    assert "Rolled back" not in names


def test_a_disposed_unit_of_work_opens_afresh(database_url: str, owner: Actor) -> None:
    other = UnitOfWork(database_url)
    try:
        before = len(staff.list_staff(other))
        other.engine.dispose()  # a new pool: the kept connections are taken again
        assert len(staff.list_staff(other)) == before
    finally:
        other.dispose()
