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
