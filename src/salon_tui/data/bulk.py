"""Writing many rows in one transaction (an import of 100,000 members) quickly.

Two things the engines differ on, hidden here: SQLite's page cache is small (2 MB) by
default, so a long transaction that grows several indexes at once keeps evicting and
re-reading their pages; and plain rows can go straight to the driver's executemany,
without SQLAlchemy's per-row parameter processing, in the driver's own parameter style.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Dialect, Table, Update, bindparam, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from salon_tui.data import direct

BULK_PAGE_CACHE_KIB = 65_536  # 64 MB: the indexes an import grows stay in memory


@contextmanager
def roomy_page_cache(session: Session, kib: int = BULK_PAGE_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache on this session's connection while the block runs.

    The previous size is put back afterwards (the connection returns to the pool). On
    PostgreSQL, whose server manages its own buffers, nothing changes.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    # The driver's own connection: it stays usable after the session rolls back.
    raw = connection.connection.dbapi_connection
    assert raw is not None
    previous = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = {-abs(int(kib))}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(previous)}")


@contextmanager
def indexes_built_after(session: Session, table: Table) -> Iterator[None]:
    """Fill an empty SQLite ``table`` with its plain indexes built once at the end.

    Growing an index row by row costs a B-tree insert per row; building it from the
    filled table is one sort. Only when the table is empty (nothing to search in the
    meantime, in this transaction or any other: a reader sees the last commit) and only
    its non-unique indexes, so every constraint is still checked as rows go in. The
    indexes are dropped and created inside the caller's transaction: if the block
    raises, the rollback puts them back as they were. On PostgreSQL nothing changes.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    quote = connection.dialect.identifier_preparer.quote
    empty = connection.exec_driver_sql(
        f"SELECT NOT EXISTS (SELECT 1 FROM {quote(table.name)})"  # noqa: S608
    ).scalar()
    plain = sorted(
        (index for index in table.indexes if not index.unique), key=lambda i: str(i.name)
    )
    if not empty or not plain:
        yield
        return
    for index in plain:
        index.drop(connection)
    yield
    for index in plain:
        index.create(connection)


def driver_value(session: Session, column: Column[Any]) -> Callable[[Any], Any]:
    """The conversion SQLAlchemy applies to ``column``'s values for this dialect (an
    aware timestamp becomes naive UTC, text on SQLite), or one that changes nothing."""
    convert = _conversion(session.connection().dialect, column)
    return convert if convert is not None else _unchanged


def _conversion(dialect: Dialect, column: Column[Any]) -> Callable[[Any], Any] | None:
    """SQLAlchemy's conversion of ``column``'s values for ``dialect`` (None: none)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _unchanged(value: Any) -> Any:
    return value


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    converted: bool = False,
    same: Mapping[str, Any] | None = None,
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) with the driver's executemany.

    Each value goes through its column type's conversion for this dialect (an aware
    timestamp becomes naive UTC text on SQLite, a bool an int …), as SQLAlchemy would
    do, but only for the columns that have one, without building a dict per row.
    ``converted``: the caller gives every value as the driver takes it already (through
    ``driver_value``, or plain text, numbers, bools and None).

    ``same``: columns whose value is the same in every row, given once (None, a bool, a
    number or text, as the driver takes it). On SQLite they are written into the
    statement, so the driver binds only what differs from row to row; PostgreSQL's COPY
    sends them with each row.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if same and dialect.name != "sqlite":
        fixed = tuple(same.values())
        columns = [*columns, *same]
        rows = [(*row, *fixed) for row in rows]
        same = None
    conversions = [
        (position, convert)
        for position, name in enumerate(columns)
        if not converted and (convert := _conversion(dialect, table.c[name])) is not None
    ]
    if conversions:
        # A conversion depends on the value alone, and imports repeat values a great
        # deal (the same "now", the same joining days): each is converted once.
        known: list[dict[Any, Any]] = [{} for _conversion in conversions]
        done: list[tuple[Any, ...]] = []
        for row in rows:
            values = list(row)
            for (position, convert), seen in zip(conversions, known, strict=True):
                value = values[position]
                key = (value.__class__, value)  # 1 and True are equal, not alike
                if key not in seen:
                    seen[key] = convert(value)
                values[position] = seen[key]
            done.append(tuple(values))
        rows = done
    if same:
        if not converted:
            same = {
                name: value if value is None or convert is None else convert(value)
                for name, value in same.items()
                for convert in [_conversion(dialect, table.c[name])]
            }
        _insert_with_literals(connection, table, columns, rows, same)
        return
    quote = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        _copy_rows(
            connection,
            f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN",
            rows,
        )
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    # Names come from our own table metadata, quoted by the dialect; values are parameters.
    statement = "INSERT INTO {table} ({columns}) VALUES ({markers})".format(  # noqa: S608
        table=quote(table.name),
        columns=", ".join(quote(name) for name in columns),
        markers=", ".join([marker] * len(columns)),
    )
    connection.exec_driver_sql(statement, [tuple(row) for row in rows])


def _insert_with_literals(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    same: Mapping[str, Any],
) -> None:
    """SQLite: ``rows`` bound, the ``same`` values written into the statement."""
    quote = connection.dialect.identifier_preparer.quote
    names = [*columns, *same]
    markers = ["?"] * len(columns) + [_sqlite_literal(value) for value in same.values()]
    # Names come from our own table metadata, quoted by the dialect; the literals are
    # None, numbers or quoted text (see ``_sqlite_literal``); the rest are parameters.
    statement = "INSERT INTO {table} ({columns}) VALUES ({markers})".format(  # noqa: S608
        table=quote(table.name),
        columns=", ".join(quote(name) for name in names),
        markers=", ".join(markers),
    )
    connection.exec_driver_sql(statement, rows if isinstance(rows, list) else list(rows))


def _sqlite_literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"not a plain value for a statement: {value!r}")


def _copy_rows(connection: Connection, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL's COPY … FROM STDIN on the connection's own transaction.

    The same constraints hold as for INSERT; a driver error becomes SQLAlchemy's (an
    IntegrityError for a unique or foreign key), as it would from an executemany.
    """
    import psycopg

    raw: Any = connection.connection.dbapi_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error


# --- one row at a time, on the paths a cashier waits on ------------------------------
#
# Rows an action writes once and does not read back as objects in the same transaction
# (payments, drawer movements, commission entries, price adjustments, idempotency
# records) go in as one prepared INSERT each. Through the ORM, one such row costs an
# object, a flush and its bookkeeping: paying a sale wrote about a dozen and spent more
# time there than in SQLite. The column defaults declared on the models still apply
# (SQLModel puts them on the columns). Each statement is compiled once and run on the
# driver's cursor (``data.direct``).


def insert_row(session: Session, model: type[SQLModel], **values: Any) -> int | None:
    """Insert one row of ``model`` now, inside the session's transaction; its new id
    (None for a table whose key is not generated)."""
    return direct.insert_row(session, model.__table__, values)  # type: ignore[attr-defined]


def insert_dicts(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert a few rows of ``model`` given as dicts (one executemany)."""
    direct.insert_rows(session, model.__table__, rows)  # type: ignore[attr-defined]


# Rows an action loaded and changes in place (a sale and its lines when it is paid) are
# written the same way: one prepared UPDATE by id, and the new values set on the rows.
# An ORM object gets them as if loaded, so the commit has nothing left to flush (a flush
# costs more than the statement it sends); a plain row (``sale_rows``) takes them, and so
# does the same row if the session holds it as an object too.

_UPDATES: dict[tuple[Table, tuple[str, ...]], Update] = {}


def _update(table: Table, names: tuple[str, ...]) -> Update:
    key = (table, names)
    statement = _UPDATES.get(key)
    if statement is None:
        statement = _UPDATES[key] = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
    return statement


def update_rows(
    session: Session, model: type[SQLModel], changes: Sequence[tuple[Any, dict[str, Any]]]
) -> None:
    """Write each row's new values now: (row, {column: value}) pairs of ``model``'s table,
    the same columns for each (one executemany); the rows then hold the new values."""
    if not changes:
        return
    names = tuple(changes[0][1])
    parameters = [
        {"row_id": row.id, **{f"new_{name}": value for name, value in new.items()}}
        for row, new in changes
    ]
    statement = _update(model.__table__, names)  # type: ignore[attr-defined]
    if len(parameters) > 1:
        direct.run_many(session, statement, parameters)
    else:
        direct.run(session, statement, parameters[0])
    loaded_any = bool(session.identity_map)
    for row, new in changes:
        if hasattr(row, "_sa_instance_state"):
            loaded = row
        else:
            for name, value in new.items():
                setattr(row, name, value)
            # The same row loaded as an object in this session (a hook's ``get``) too.
            loaded = (
                session.identity_map.get(session.identity_key(model, row.id))
                if loaded_any
                else None
            )
        if loaded is not None:
            for name, value in new.items():
                set_committed_value(loaded, name, value)


def update_row(session: Session, model: type[SQLModel], row: Any, **values: Any) -> None:
    """Write one row's new ``values`` now (see ``update_rows``)."""
    update_rows(session, model, [(row, values)])
