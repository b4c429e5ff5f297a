"""Expenses paid outside the drawer: record, list, reverse. The P&L adds them to the
expenses paid from the drawer (services/drawer.record_expense), by category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from salon_tui.data.models.expenses import Expense
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.periods import Period
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit, settings
from salon_tui.services.drawer import AMOUNT_MAX_CENTS, EXPENSE_CATEGORIES
from salon_tui.services.permissions import require
from salon_tui.services.stores import terminal_store

# Paid from the drawer or not, the same categories, plus those that never come out of it.
CATEGORIES: dict[str, str] = {
    "rent": N_("Rent"),
    "wages": N_("Wages"),
    "utilities": N_("Water, power and internet"),
    "stock": N_("Stock from suppliers"),
    "marketing": N_("Marketing"),
    **EXPENSE_CATEGORIES,
}


@dataclass(frozen=True)
class ExpenseView:
    id: int
    business_day: date
    category: str
    category_label: str
    amount_cents: int
    note: str
    reverses_id: int | None
    reversed: bool


def _view(row: Expense, reversed_ids: set[int]) -> ExpenseView:
    assert row.id is not None
    return ExpenseView(
        id=row.id,
        business_day=row.business_day,
        category=row.category,
        category_label=_(CATEGORIES.get(row.category, row.category)),
        amount_cents=row.amount_cents,
        note=row.note,
        reverses_id=row.reverses_id,
        reversed=row.id in reversed_ids,
    )


def _clean_note(note: str) -> str:
    cleaned = " ".join(note.split())
    if len(cleaned) > 200:
        raise ValidationError(_("That is too long: at most 200 characters."), field="note")
    return cleaned


def add_expense(
    uow: UnitOfWork,
    actor: Actor,
    category: str,
    amount_cents: int,
    note: str = "",
    day: date | None = None,
) -> ExpenseView:
    """Record an expense paid outside the drawer, on ``day`` (today by default)."""
    require(actor, "expenses.manage")
    if category not in CATEGORIES:
        raise ValidationError(
            _("Unknown expense category {category!r}; choose one of: {names}.").format(
                category=category, names=", ".join(CATEGORIES)
            ),
            field="category",
        )
    if not 0 < amount_cents <= AMOUNT_MAX_CENTS:
        raise ValidationError(_("The amount must be more than zero."), field="amount")
    cleaned = _clean_note(note)
    with uow.transaction() as session:
        today = business_date(utc_now(), settings.load_shop_settings(session).timezone)
        when = day or today
        if when > today:
            raise ValidationError(
                _("{day} is in the future: record an expense once it is paid.").format(day=when),
                field="date",
            )
        row = Expense(
            store_id=terminal_store(session).id,
            business_day=when,
            category=category,
            amount_cents=amount_cents,
            note=cleaned,
            staff_id=actor.staff_id or 0,
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "expense.add",
            "expense",
            row.id,
            after={"day": when.isoformat(), "category": category, "amount_cents": amount_cents},
        )
        return _view(row, set())


def reverse_expense(uow: UnitOfWork, actor: Actor, expense_id: int, reason: str) -> ExpenseView:
    """Cancel an expense recorded by mistake with a reversing entry dated today."""
    require(actor, "expenses.manage")
    cleaned = _clean_note(reason)
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    with uow.transaction() as session:
        original = session.get(Expense, expense_id)
        if original is None:
            raise NotFound(_("There is no expense #{id}.").format(id=expense_id))
        if original.reverses_id is not None:
            raise Conflict(_("Expense #{id} is itself a reversal.").format(id=expense_id))
        if session.exec(select(Expense).where(col(Expense.reverses_id) == expense_id)).first():
            raise Conflict(_("Expense #{id} is already reversed.").format(id=expense_id))
        today = business_date(utc_now(), settings.load_shop_settings(session).timezone)
        row = Expense(
            store_id=original.store_id,
            business_day=today,
            category=original.category,
            amount_cents=-original.amount_cents,
            note=cleaned,
            reverses_id=expense_id,
            staff_id=actor.staff_id or 0,
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "expense.reverse",
            "expense",
            expense_id,
            after={"reversal_id": row.id, "reason": cleaned},
        )
        return _view(row, set())


def list_expenses(uow: UnitOfWork, actor: Actor, period: Period) -> list[ExpenseView]:
    require(actor, "expenses.manage")
    with uow.read() as session:
        rows = session.exec(
            select(Expense)
            .where(
                col(Expense.business_day) >= period.start, col(Expense.business_day) <= period.end
            )
            .order_by(col(Expense.business_day), col(Expense.id))
        ).all()
        reversed_ids = {
            int(value)
            for value in session.exec(
                select(Expense.reverses_id).where(col(Expense.reverses_id).is_not(None))
            ).all()
            if value is not None
        }
        return [_view(row, reversed_ids) for row in rows]
