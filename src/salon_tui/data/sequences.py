"""Gap-free numbers per series and business day, taken inside the caller's transaction.

The counter row is locked (``FOR UPDATE`` on PostgreSQL; SQLite's writing transaction
already holds the database lock), so two terminals never get the same number, and a
rolled-back transaction gives its number back.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from salon_tui.data.models import NumberSequence


def _insert_if_missing(session: Session, series: str, day: date) -> None:
    values = {"series": series, "business_day": day, "last_value": 0}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(NumberSequence).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(NumberSequence).values(**values).on_conflict_do_nothing())


def next_number(session: Session, series: str, day: date) -> int:
    """The next number of ``series`` on ``day`` (1, 2, 3 …)."""
    _insert_if_missing(session, series, day)
    current = session.exec(
        select(NumberSequence.last_value)
        .where(col(NumberSequence.series) == series, col(NumberSequence.business_day) == day)
        .with_for_update()
    ).one()
    session.execute(
        update(NumberSequence)
        .where(col(NumberSequence.series) == series, col(NumberSequence.business_day) == day)
        .values(last_value=current + 1)
    )
    return int(current) + 1
