"""A sale and its lines read as plain rows, for the paths a cashier waits on.

Adding a line and paying read the sale and its lines on every key press; loading them as
ORM objects cost more than the rest of the statements together. ``SaleRow`` and
``LineRow`` hold the same columns as ``Sale`` and ``SaleLine``, read with one plain
SELECT each. Whatever only reads a sale or its lines (price rules, the hooks run when a
sale is paid, the receipt) takes a ``StoredSale`` / ``StoredLine``: the ORM object or the
plain row, alike. A plain row is not watched by the session: who changes one writes the
change with ``bulk.update_rows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session

from salon_tui.data import direct
from salon_tui.data.models import Sale, SaleLine


class StoredSale(Protocol):
    """The columns of a ``sale`` row, as an ORM object or a ``SaleRow`` has them."""

    id: int | None
    idempotency_key: str
    status: str
    store_id: int
    number: str | None
    business_day: date | None
    day_seq: int | None
    member_id: int | None
    member_label: str
    park_label: str
    note: str
    sale_discount_cents: int
    sale_discount_bp: int
    sale_discount_reason: str
    sale_discount_approved_by: int | None
    subtotal_cents: int
    discount_cents: int
    rounding_cents: int
    tips_cents: int
    total_cents: int
    opened_by: int
    opened_at: datetime
    paid_by: int | None
    paid_at: datetime | None
    closed_at: datetime | None
    void_reason: str


class StoredLine(Protocol):
    """The columns of a ``sale_line`` row, as an ORM object or a ``LineRow`` has them."""

    id: int | None
    sale_id: int
    position: int
    kind: str
    item_id: int | None
    item_code: str
    description: str
    category: str
    qty: int
    list_unit_cents: int
    unit_cents: int
    override_reason: str
    override_approved_by: int | None
    manual_discount_cents: int
    manual_discount_bp: int
    manual_discount_reason: str
    manual_discount_approved_by: int | None
    note: str
    gross_cents: int
    discount_cents: int
    net_cents: int


@dataclass(slots=True)
class SaleRow:
    id: int | None
    idempotency_key: str
    status: str
    store_id: int
    number: str | None
    business_day: date | None
    day_seq: int | None
    member_id: int | None
    member_label: str
    park_label: str
    note: str
    sale_discount_cents: int
    sale_discount_bp: int
    sale_discount_reason: str
    sale_discount_approved_by: int | None
    subtotal_cents: int
    discount_cents: int
    rounding_cents: int
    tips_cents: int
    total_cents: int
    opened_by: int
    opened_at: datetime
    paid_by: int | None
    paid_at: datetime | None
    closed_at: datetime | None
    void_reason: str


@dataclass(slots=True)
class LineRow:
    id: int | None
    sale_id: int
    position: int
    kind: str
    item_id: int | None
    item_code: str
    description: str
    category: str
    qty: int
    list_unit_cents: int
    unit_cents: int
    override_reason: str
    override_approved_by: int | None
    manual_discount_cents: int
    manual_discount_bp: int
    manual_discount_reason: str
    manual_discount_approved_by: int | None
    note: str
    gross_cents: int
    discount_cents: int
    net_cents: int


_SALE_TABLE: Any = Sale.__table__  # type: ignore[attr-defined]
_LINE_TABLE: Any = SaleLine.__table__  # type: ignore[attr-defined]
# Built once (building a statement costs as much as running it on SQLite); the columns
# in the order of the dataclasses' fields.
_SALE_ROW: Select[Any] = select(*(_SALE_TABLE.c[name] for name in SaleRow.__slots__)).where(
    _SALE_TABLE.c.id == bindparam("sale_id")
)
_SALE_ROW_LOCKED = _SALE_ROW.with_for_update()
_LINE_ROWS: Select[Any] = (
    select(*(_LINE_TABLE.c[name] for name in LineRow.__slots__))
    .where(_LINE_TABLE.c.sale_id == bindparam("sale_id"))
    .order_by(_LINE_TABLE.c.position, _LINE_TABLE.c.id)
)


def sale_row(session: Session, sale_id: int, *, lock: bool = False) -> SaleRow | None:
    """The sale as a plain row (``lock``: FOR UPDATE, on engines that have it)."""
    statement = _SALE_ROW_LOCKED if lock else _SALE_ROW
    found = direct.run(session, statement, {"sale_id": sale_id}).first()
    return None if found is None else SaleRow(*found)


def line_rows(session: Session, sale_id: int) -> list[LineRow]:
    """The sale's lines as plain rows, in the order they were added."""
    return [LineRow(*row) for row in direct.run(session, _LINE_ROWS, {"sale_id": sale_id}).rows]
