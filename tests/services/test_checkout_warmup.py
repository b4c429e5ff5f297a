"""The checkout warm-up the app runs while the login screen waits: it reads, never writes,
and the sale after it is an ordinary one."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import audit, drawer, sales, staff
from salon_tui.services.checkout_warmup import warm_up
from salon_tui.services.sale_payment import pay_sale


def test_the_warm_up_reads_and_writes_nothing(
    uow: UnitOfWork, owner: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(uow.engine, "before_cursor_execute", seen)
    with caplog.at_level(logging.DEBUG, logger="salon_tui.services.checkout_warmup"):
        warm_up(uow)
    event.remove(uow.engine, "before_cursor_execute", seen)
    assert "stopped early" not in caplog.text
    assert statements and set(statements) == {"SELECT"}


def test_a_sale_after_the_warm_up_is_paid_as_usual(uow: UnitOfWork, owner: Actor) -> None:
    warm_up(uow)
    person = staff.add_staff(uow, owner, "Tony", Role.STYLIST, "1234")
    drawer.open_drawer(uow, owner, 10_000)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="Cut",
        unit_cents=8_800,
        staff=[sales.StaffShare(person.id)],
    )
    paid = pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", 8_800, tendered_cents=10_000)])
    assert paid.total_cents == 8_800
    assert paid.change_cents == 1_200
    assert audit.verify_chain(uow).ok


def test_the_warm_up_never_fails(uow: UnitOfWork, caplog: pytest.LogCaptureFixture) -> None:
    broken = UnitOfWork("sqlite:////nonexistent/folder/salon.db")
    try:
        with caplog.at_level(logging.DEBUG, logger="salon_tui.services.checkout_warmup"):
            warm_up(broken)  # nothing to open: said in the log, not raised
        assert "stopped early" in caplog.text
    finally:
        broken.dispose()
