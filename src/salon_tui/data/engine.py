"""The engine factory: one place that knows SQLite from PostgreSQL.

SQLite opens with WAL, synchronous=FULL, foreign_keys=ON and a 10 s busy timeout; a
writing transaction starts with ``BEGIN IMMEDIATE`` so two terminals queue instead of
failing halfway, and a reading one with plain ``BEGIN``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from salon_tui.errors import DatabaseBusy, DatabaseCorrupt, DatabaseError
from salon_tui.i18n import _

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "salon_write"


def is_sqlite_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() not in {"wal", "memory"}:
            raise DatabaseError(
                _("The database could not switch to WAL mode (got {mode}).").format(mode=mode[0])
            )
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    # Straight on the driver: through ``exec_driver_sql`` this one statement cost more
    # than the rest of a short transaction. A driver error still reaches the caller as
    # SQLAlchemy's (an OperationalError "database is locked" after the busy timeout).
    statement = "BEGIN IMMEDIATE" if connection._execution_options.get(WRITE_OPTION) else "BEGIN"
    try:
        connection.connection.dbapi_connection.execute(statement)
    except Exception as error:
        connection._handle_dbapi_exception(error, statement, (), None, None)


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with the pragmas and transaction style described above."""
    if is_sqlite_url(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_pre_ping=False,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def translate_database_error(error: BaseException, url: str) -> DatabaseError:
    """Turn a driver error into a message a person can act on."""
    text = str(getattr(error, "orig", error)).lower()
    where = str(sqlite_path(url) or make_url(url).render_as_string(hide_password=True))
    if "file is not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(
            _(
                "The database at {where} is damaged or is not a salon_tui database. "
                "Nothing was changed. Restore the last good copy with `salon backup restore FILE`."
            ).format(where=where)
        )
    if "readonly" in text or "read-only" in text or "unable to open database file" in text:
        return DatabaseError(
            _(
                "The database at {where} cannot be written: check that the folder exists "
                "and that this user may write to it."
            ).format(where=where)
        )
    if "disk is full" in text or "no space" in text:
        return DatabaseError(
            _("The disk is full: nothing was saved. Free some space and try again.")
        )
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy(_("The database is busy with another terminal; try again in a moment."))
    if isinstance(error, OperationalError | DBAPIError) and "connect" in text:
        return DatabaseError(
            _("Cannot reach the database at {where}: {detail}").format(where=where, detail=text)
        )
    return DatabaseError(_("The database refused the operation: {detail}").format(detail=text))
