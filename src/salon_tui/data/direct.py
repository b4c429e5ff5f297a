"""Statements run straight on the driver's cursor, for the paths a cashier waits on.

Adding a line and paying a sale send 10 and 25 small statements. Through SQLAlchemy's
``Connection.execute`` each costs 30-80 µs of Python (an execution context, parameter
processing, a result object, events) around 2-5 µs of SQLite; that was half of what a
payment cost. Here a Core statement is compiled ONCE per dialect (and, for an INSERT,
per set of columns given) into its SQL text, the order of its parameters and the type
conversions SQLAlchemy would apply; each run then converts the parameters, runs the SQL
on the session's own DBAPI connection, in its transaction, and converts the row values.

What stays as SQLAlchemy does it:

- the same SQL text and the same conversions (an aware timestamp becomes naive UTC text
  on SQLite and comes back as a datetime; a bool an int and back);
- a column's Python-side default fills a column an INSERT does not give;
- a driver error goes through SQLAlchemy's own handling (``_handle_dbapi_exception``):
  the caller gets ``IntegrityError``, ``OperationalError`` … as from ``execute``, and a
  lost PostgreSQL connection is invalidated;
- the ``before_cursor_execute`` / ``after_cursor_execute`` events fire (with no
  execution context), so a listener that counts statements still sees every one (the
  listeners are looked up when the transaction's first statement runs).

Only plain statements belong here: no expanding ``IN`` parameters (compiled per call by
SQLAlchemy), no ORM entities. ``prepare`` refuses what it cannot run exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Table, insert
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session

_HANDLE = "salon.direct"
Converter = Callable[[Any], Any] | None


@dataclass
class Prepared:
    """One statement compiled for one dialect, with its conversions."""

    sql: str
    # The parameters' names in the driver's order, and the conversions: (position,
    # conversion) for the parameters that have one.
    names: tuple[str, ...]
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...]
    # The names the driver knows them by (PostgreSQL's named parameters, escaped).
    driver_names: tuple[str, ...]
    # Values known when the statement was compiled (a literal, a LIMIT, a column default).
    fixed: dict[str, Any]
    # Column defaults that are called for each row (a zero-argument default factory).
    generated: tuple[tuple[str, Callable[[Any], Any]], ...]
    positional: bool
    returns_rows: bool
    result_types: tuple[Any, ...]
    # Row conversions, worked out from the first result's cursor description: (column
    # position, conversion) for the columns that need one (None when none does).
    converters: tuple[tuple[int, Callable[[Any], Any]], ...] | None = field(default=None)
    described: bool = False

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if self.fixed or self.generated:
            merged = {**self.fixed, **values}
            for name, make in self.generated:
                if name not in values:
                    merged[name] = make(None)
            values = merged
        ordered = [values[name] for name in self.names]
        for position, convert in self.conversions:
            value = ordered[position]
            if value is not None:
                ordered[position] = convert(value)
        if self.positional:
            return tuple(ordered)
        return dict(zip(self.driver_names, ordered, strict=True))


_PREPARED: dict[tuple[Any, ...], Prepared] = {}


def prepare(statement: ClauseElement, dialect: Dialect, columns: Sequence[str] = ()) -> Prepared:
    """Compile ``statement`` for ``dialect`` once (``columns``: an INSERT's given columns)."""
    key = (statement, dialect.name, dialect.driver, tuple(columns))
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = _PREPARED[key] = _compile(statement, dialect, tuple(columns))
    return prepared


def _compile(statement: ClauseElement, dialect: Dialect, columns: tuple[str, ...]) -> Prepared:
    compiled = statement.compile(dialect=dialect, column_keys=list(columns) or None)
    assert isinstance(compiled, SQLCompiler)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("an expanding or literal-execute parameter cannot be prepared once")
    escaped: Mapping[str, str] = compiled.escaped_bind_names or {}
    processors = compiled._bind_processors
    fixed: dict[str, Any] = {}
    for bind, name in compiled.bind_names.items():
        if not bind.required and bind.callable is None:
            fixed[name] = bind.effective_value
    generated: list[tuple[str, Callable[[Any], Any]]] = []
    for column in compiled.insert_prefetch:
        default = column.default
        if default is None:  # a column SQLAlchemy sends NULL for
            fixed[column.key] = None
        elif default.is_scalar:
            fixed[column.key] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            generated.append((column.key, default.arg))  # type: ignore[attr-defined]
        else:
            raise ValueError(f"the default of {column} cannot be prepared once")
    if compiled.update_prefetch:
        raise ValueError("an UPDATE with a Python-side onupdate cannot be prepared once")

    names = compiled.positiontup if compiled.positional else list(compiled.bind_names.values())
    assert names is not None
    conversions = tuple(
        (position, convert)
        for position, name in enumerate(names)
        if callable(convert := processors.get(name))
    )
    result_types = tuple(entry[3] for entry in (compiled._result_columns or ()))
    return Prepared(
        sql=compiled.string,
        names=tuple(names),
        conversions=conversions,
        driver_names=tuple(escaped.get(name, name) for name in names),
        fixed=fixed,
        generated=tuple(generated),
        positional=compiled.positional,
        returns_rows=bool(compiled.effective_returning)
        or not (compiled.isinsert or compiled.isupdate or compiled.isdelete),
        result_types=result_types,
    )


@dataclass(frozen=True)
class _Handle:
    # The session's own transaction when the handle was found (None for a connection
    # given by ``attach`` before the session began anything).
    transaction: Any
    connection: Connection
    raw: Any
    # The statement listeners, looked up once per transaction (a listener added while
    # a transaction is open sees the statements of the next one).
    before: tuple[Callable[..., Any], ...]
    after: Any


def _make_handle(transaction: Any, connection: Connection) -> _Handle:
    raw = connection.connection.dbapi_connection
    before: tuple[Callable[..., Any], ...] = ()
    after = None
    # The engine has listeners of its own (connect, begin): look for these two.
    if connection._has_events or connection.engine._has_events:
        dispatch = connection.dispatch
        before = tuple(dispatch.before_cursor_execute)
        if dispatch.after_cursor_execute:
            after = dispatch.after_cursor_execute
    return _Handle(transaction, connection, raw, before, after)


def attach(session: Session, connection: Connection) -> None:
    """Run this session's statements on ``connection``, whose transaction the session
    joins (``data.uow``'s kept connections): no need to ask the session for it, which
    would begin the session's own bookkeeping for a transaction it does not run."""
    session.info[_HANDLE] = _make_handle(None, connection)


def _handle(session: Session) -> _Handle:
    """The session's connection and its driver connection, found once per transaction."""
    found: _Handle | None = session.info.get(_HANDLE)
    # The session's innermost transaction: the one found with the handle while no flush
    # runs (a flush's own is nested; the handle is then found again, alike).
    if found is not None and found.transaction is session._transaction:
        return found
    connection = session.connection()
    found = _make_handle(session._transaction, connection)
    session.info[_HANDLE] = found
    return found


@dataclass(frozen=True, slots=True)
class Ran:
    rows: list[tuple[Any, ...]]
    rowcount: int
    lastrowid: int | None

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalars(self) -> list[Any]:
        return [row[0] for row in self.rows]


def run(
    session: Session,
    statement: ClauseElement,
    values: Mapping[str, Any] | None = None,
    *,
    columns: Sequence[str] = (),
) -> Ran:
    """Run one statement in the session's transaction; its rows, converted."""
    handle = _handle(session)
    connection = handle.connection
    prepared = prepare(statement, connection.dialect, columns)
    parameters = prepared.parameters(values or {})
    return _execute(handle, prepared, parameters, many=False)


def run_many(
    session: Session,
    statement: ClauseElement,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str] = (),
) -> None:
    """Run one statement for each of ``rows`` (the driver's executemany)."""
    if not rows:
        return
    handle = _handle(session)
    prepared = prepare(statement, handle.connection.dialect, columns)
    if prepared.returns_rows:
        for row in rows:  # RETURNING (PostgreSQL's INSERT): one row at a time
            _execute(handle, prepared, prepared.parameters(row), many=False)
        return
    _execute(handle, prepared, [prepared.parameters(row) for row in rows], many=True)


_INSERTS: dict[Table, Insert] = {}


def insert_row(session: Session, table: Table, values: Mapping[str, Any]) -> int | None:
    """Insert one row into ``table``; its generated id (None when the key is not one)."""
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table)
    ran = run(session, statement, values, columns=tuple(values))
    # PostgreSQL: INSERT … RETURNING the key; SQLite: the cursor's last row id.
    key = ran.rows[0][0] if ran.rows else ran.lastrowid
    return int(key) if isinstance(key, int) else None


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (the same columns in each) into ``table``."""
    if not rows:
        return
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table)
    run_many(session, statement, rows, columns=tuple(rows[0]))


def _execute(handle: _Handle, prepared: Prepared, parameters: Any, *, many: bool) -> Ran:
    connection = handle.connection
    sql = prepared.sql
    cursor = handle.raw.cursor()
    try:
        for listener in handle.before:
            sql, parameters = listener(connection, cursor, sql, parameters, None, many)
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        if handle.after is not None:
            handle.after(connection, cursor, sql, parameters, None, many)
        rows: list[tuple[Any, ...]] = []
        if prepared.returns_rows and cursor.description is not None:
            rows = cursor.fetchall()
            if not prepared.described:
                prepared.converters = _converters(connection.dialect, prepared, cursor)
                prepared.described = True
            converters = prepared.converters
            if converters is not None:
                rows = [_convert(row, converters) for row in rows]
        return Ran(rows, cursor.rowcount, getattr(cursor, "lastrowid", None))
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, parameters, cursor, None)
    finally:
        cursor.close()


def _convert(
    row: tuple[Any, ...], converters: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> tuple[Any, ...]:
    values = list(row)
    for position, convert in converters:
        values[position] = convert(values[position])
    return tuple(values)


def _converters(
    dialect: Dialect, prepared: Prepared, cursor: Any
) -> tuple[tuple[int, Callable[[Any], Any]], ...] | None:
    description = cursor.description
    types = prepared.result_types
    if len(types) != len(description):  # RETURNING a key only, or a bare statement
        return None
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for position, (type_, column) in enumerate(zip(types, description, strict=True)):
        convert: Converter = type_._cached_result_processor(dialect, column[1])
        if convert is not None:
            found.append((position, convert))
    return tuple(found) or None
