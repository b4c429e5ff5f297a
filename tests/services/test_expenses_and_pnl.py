"""Expenses outside the drawer, and the P&L that adds them up with sales and commission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, Expense
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import commission, drawer, expenses, refunds, reports, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

D22 = date(2026, 11, 22)


def count_expenses(uow: UnitOfWork) -> int:
    with uow.read() as session:
        return len(session.exec(select(Expense)).all())


def test_an_expense_is_recorded_audited_and_reversed_once(
    clock, uow: UnitOfWork, owner: Actor
) -> None:
    added = expenses.add_expense(uow, owner, "rent", 800_000, "  November   rent ", D22)
    assert (added.category_label, added.amount_cents, added.note) == (
        "Rent",
        800_000,
        "November rent",
    )
    reversal = expenses.reverse_expense(uow, owner, added.id, "paid twice")
    assert (reversal.amount_cents, reversal.reverses_id) == (-800_000, added.id)
    with pytest.raises(Conflict, match="already reversed"):
        expenses.reverse_expense(uow, owner, added.id, "again")
    with pytest.raises(Conflict, match="itself a reversal"):
        expenses.reverse_expense(uow, owner, reversal.id, "again")
    listed = expenses.list_expenses(uow, owner, Period(D22, D22))
    assert [(e.id, e.reversed) for e in listed] == [(added.id, True), (reversal.id, False)]
    with uow.read() as session:
        actions = session.exec(
            select(AuditEntry.action).where(col(AuditEntry.entity) == "expense")
        ).all()
    assert actions == ["expense.add", "expense.reverse"]


@pytest.mark.parametrize(
    ("category", "amount", "day", "message"),
    [
        ("rentt", 100, None, "Unknown expense category"),
        ("rent", 0, None, "more than zero"),
        ("rent", -100, None, "more than zero"),
        ("rent", 100, date(2026, 11, 23), "in the future"),
    ],
)
def test_bad_expenses_are_refused_and_nothing_is_written(
    clock, uow: UnitOfWork, owner: Actor, category, amount, day, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        expenses.add_expense(uow, owner, category, amount, "", day)
    assert count_expenses(uow) == 0


def test_only_managers_record_expenses(clock, uow: UnitOfWork, owner: Actor, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        expenses.add_expense(uow, make_actor(Role.FRONT_DESK), "rent", 100)
    with pytest.raises(NotFound):
        expenses.reverse_expense(uow, owner, 999, "x")
    assert count_expenses(uow) == 0


@pytest.fixture
def month(clock, uow: UnitOfWork, owner: Actor, make_actor) -> Actor:
    """22 Nov: a 100 cut (10 % commission) and 2 × 25 conditioner, paid by card; 3 of
    supplies paid from the drawer; 8,000 rent recorded. 23 Nov: one conditioner back."""
    desk = make_actor(Role.FRONT_DESK, "Nina")
    tony = make_actor(Role.STYLIST, "Tony")
    commission.add_rule(uow, owner, name="cuts", method="percent", rate_bp=1_000,
                        line_kind="service")  # fmt: skip
    drawer.open_drawer(uow, desk, 50_000)
    sale_id = sales.open_sale(uow, desk).sale_id
    sales.add_line(uow, desk, sale_id, kind="service", description="Cut", unit_cents=10_000,
                   category="hair", staff=[StaffShare(tony.staff_id or 0)])  # fmt: skip
    cart = sales.add_line(uow, desk, sale_id, kind="product", description="Conditioner",
                          unit_cents=2_500, qty=2, category="retail")  # fmt: skip
    pay_sale(uow, desk, sale_id, [PaymentIn("bank_card", 15_000)])
    drawer.record_expense(uow, desk, "supplies", 300, "towels")
    expenses.add_expense(uow, owner, "rent", 800_000, "November rent")
    clock.shift(timedelta(days=1))
    refunds.refund_sale(uow, owner, sale_id, key="r", reason="x", lines={cart.lines[-1].id: 1})
    return owner


def test_the_pnl_adds_up_by_hand(uow: UnitOfWork, month: Actor) -> None:
    request = reports.ReportRequest(period=Period(D22, D22 + timedelta(days=1)))
    (section,) = reports.run_report(uow, month, "pnl", request).sections
    lines = {row["item"]: row["amount"] for row in section.rows}
    assert lines == {
        "Service": 10_000,
        "Product": 2_500,
        "Income": 12_500,
        "Expense: Rent": 800_000,
        "Expense: Supplies": 300,
        "Expense: commission": 1_000,
        "Expenses": 801_300,
        "Profit": 12_500 - 801_300,
    }
    assert all(row["before"] == 0 for row in section.rows)


def test_only_the_owner_reads_the_pnl(uow: UnitOfWork, month: Actor, make_actor) -> None:
    request = reports.ReportRequest(period=Period(D22, D22))
    with pytest.raises(PermissionDenied):
        reports.run_report(uow, make_actor(Role.MANAGER), "pnl", request)
