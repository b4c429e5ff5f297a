"""Appending rows without the ORM's unit of work, for the paths a cashier waits on.

Rows an action writes once and does not read back as objects in the same transaction
(payments, drawer movements, commission entries, price adjustments, idempotency records)
go in as one prepared INSERT each. Through the ORM, one such row costs an object, a flush
and its bookkeeping: paying a sale wrote about a dozen and spent more time there than in
SQLite. The column defaults declared on the models still apply (SQLModel puts them on
the columns), and the statement objects are built once, so SQLAlchemy's compiled cache
serves every later insert.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlmodel import Session, SQLModel

_INSERTS: dict[type[SQLModel], Insert] = {}


def _insert(model: type[SQLModel]) -> Insert:
    statement = _INSERTS.get(model)
    if statement is None:
        statement = _INSERTS[model] = insert(model.__table__)  # type: ignore[attr-defined]
    return statement


def insert_row(session: Session, model: type[SQLModel], **values: Any) -> int | None:
    """Insert one row of ``model`` now, inside the session's transaction; its new id
    (None for a table whose key is not generated)."""
    result = session.execute(_insert(model), values)
    key = result.inserted_primary_key  # type: ignore[attr-defined]
    return int(key[0]) if key and key[0] is not None and isinstance(key[0], int) else None


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert several rows of ``model`` at once (one executemany)."""
    if rows:
        session.execute(_insert(model), rows)
