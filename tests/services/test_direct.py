"""``data.direct``: statements compiled once and run on the driver's cursor behave as
SQLAlchemy's ``execute`` does — the same values back, the same column defaults, the same
exceptions, and the statement events still fire (statement-count tests rely on them)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, event, exc, select, update
from sqlmodel import col

from salon_tui.data import direct
from salon_tui.data.models import IdempotencyRecord, NumberSequence, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor

_RECORDS = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_STAFF = Staff.__table__  # type: ignore[attr-defined]
_RECORD = select(_RECORDS.c.key, _RECORDS.c.action, _RECORDS.c.created_at).where(
    _RECORDS.c.key == bindparam("key")
)
_STAFF_ROW = select(_STAFF.c.id, _STAFF.c.name, _STAFF.c.active, _STAFF.c.created_at).where(
    _STAFF.c.id == bindparam("staff_id")
)


def test_values_go_in_and_come_back_as_sqlalchemy_converts_them(
    uow: UnitOfWork, owner: Actor
) -> None:
    at = datetime(2026, 11, 22, 2, 0, 5, 123456, tzinfo=UTC)
    with uow.transaction() as session:
        direct.insert_row(
            session, _RECORDS, {"key": "k1", "action": "t", "result_json": "{}", "created_at": at}
        )
        # The same row read through SQLAlchemy and directly: equal values, equal types.
        through_sqlalchemy = session.connection().execute(_RECORD, {"key": "k1"}).one()
        directly = direct.run(session, _RECORD, {"key": "k1"}).first()
        assert directly == tuple(through_sqlalchemy)
        assert directly is not None and directly[2] == at
        staff_id = owner.staff_id
        expected = tuple(session.connection().execute(_STAFF_ROW, {"staff_id": staff_id}).one())
        found = direct.run(session, _STAFF_ROW, {"staff_id": staff_id}).first()
        assert found == expected
        assert found is not None and found[2] is True  # a bool, not SQLite's 1


def test_an_insert_fills_the_columns_it_does_not_give_from_their_defaults(
    uow: UnitOfWork, owner: Actor
) -> None:
    sequences = NumberSequence.__table__  # type: ignore[attr-defined]
    with uow.transaction() as session:
        direct.insert_row(session, sequences, {"series": "t", "business_day": date(2026, 1, 2)})
        stored = session.connection().execute(select(sequences.c.last_value)).scalar_one()
    assert stored == 0  # the column's declared default


def test_a_driver_error_is_sqlalchemys_and_the_transaction_rolls_back(
    uow: UnitOfWork, owner: Actor
) -> None:
    row = {"key": "dup", "action": "t", "result_json": "{}", "created_at": datetime.now(UTC)}
    with uow.transaction() as session:
        direct.insert_row(session, _RECORDS, row)
    with pytest.raises(exc.IntegrityError), uow.transaction() as session:
        direct.insert_row(session, _RECORDS, {**row, "key": "other"})
        direct.insert_row(session, _RECORDS, row)  # the key is taken
    with uow.read() as session:
        keys = direct.run(session, select(_RECORDS.c.key).order_by(_RECORDS.c.key)).scalars()
    assert keys == ["dup"]  # nothing of the failed transaction stayed


def test_statement_listeners_see_every_statement(uow: UnitOfWork, owner: Actor) -> None:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(uow.engine, "before_cursor_execute", count)
    rename = update(_STAFF).where(_STAFF.c.id == bindparam("staff_id")).values(name="Olive")
    with uow.transaction() as session:
        direct.run(session, rename, {"staff_id": owner.staff_id})
        direct.run_many(session, rename, [{"staff_id": owner.staff_id}] * 2)
        assert direct.run(session, _STAFF_ROW, {"staff_id": owner.staff_id}).rows[0][1] == "Olive"
    assert [text.split()[0] for text in seen] == ["UPDATE", "UPDATE", "SELECT"]


def test_a_statement_compiled_per_call_is_refused() -> None:
    from sqlalchemy.dialects import sqlite

    expanding = select(_STAFF.c.id).where(col(_STAFF.c.id).in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        direct.prepare(expanding, sqlite.dialect())
