"""Gap-free numbers per series and business day, taken inside the caller's transaction.

One statement takes the next number: an insert of the day's first number that, when the
day's counter row exists, adds one to it instead and returns the result. On PostgreSQL
the conflicting update locks the counter row until the transaction ends; SQLite's writing
transaction already holds the database lock. So two terminals never get the same number,
and a rolled-back transaction gives its number back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session

from salon_tui.data import direct
from salon_tui.data.models import NumberSequence

_TAKE_NEXT: dict[str, Any] = {}


def _take_next(dialect: str) -> Any:
    """The statement for ``dialect``, built once (building it cost as much as running it)."""
    statement = _TAKE_NEXT.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        table: Any = NumberSequence.__table__  # type: ignore[attr-defined]
        statement = _TAKE_NEXT[dialect] = (
            insert(table)
            .values(series=bindparam("series"), business_day=bindparam("day"), last_value=1)
            .on_conflict_do_update(
                index_elements=[table.c.series, table.c.business_day],
                set_={"last_value": table.c.last_value + 1},
            )
            .returning(table.c.last_value)
        )
    return statement


def next_number(session: Session, series: str, day: date) -> int:
    """The next number of ``series`` on ``day`` (1, 2, 3 …)."""
    statement = _take_next(session.get_bind().dialect.name)
    return int(direct.run(session, statement, {"series": series, "day": day}).scalar())
