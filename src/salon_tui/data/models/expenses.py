"""Shop expenses paid outside the cash drawer (rent, wages, bank transfers to suppliers).

Append-only: a mistake is put right by a reversing entry (``reverses_id``), never by an
edit. Expenses paid from the drawer live with the drawer's movements.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Expense(SQLModel, table=True):
    __tablename__ = "expense"
    __table_args__ = (
        Index("ix_expense_day", "business_day", "category"),
        Index("ux_expense_reverses", "reverses_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    business_day: date
    category: str = Field(max_length=40)
    amount_cents: int  # positive; a reversal is negative
    note: str = Field(default="", max_length=200)
    reverses_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("expense.id"), nullable=True)
    )
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
