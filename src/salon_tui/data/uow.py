"""The unit of work: one user action = one transaction.

``with uow.transaction() as session:`` opens a writing transaction (``BEGIN IMMEDIATE``
on SQLite) and commits when the block ends, or rolls back if it raises. A service
called inside another service's transaction on the same thread joins it instead of
opening its own, so checkout can call the card services and commit everything at once.
``uow.read()`` opens a reading transaction (no write lock) for queries.

On a SQLite file, a unit of work keeps one connection for writing and one for reading
checked out of the pool, and a transaction that finds its kind free runs on it: taking
a connection from the pool, wrapping it, beginning through the session and giving it
back cost ~70 µs of Python per transaction, a tenth of adding a line to a sale. A
transaction that finds it taken (another thread's) takes one from the pool as before;
one that fails gives its kept connection back, and the next one starts afresh.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from salon_tui.data import direct
from salon_tui.data.checkpoint import WalCheckpointer
from salon_tui.data.engine import (
    WRITE_OPTION,
    create_database_engine,
    is_sqlite_url,
    sqlite_path,
    translate_database_error,
)
from salon_tui.errors import SalonError

UOW_INFO = "salon.uow_info"


class _Kept:
    """One connection kept checked out for one kind of transaction (writing or reading)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.connection: Connection | None = None
        self.pool: Any = None
        # The session bound to ``connection``, used again by each transaction on it:
        # making one and closing it cost ~35 µs, a twentieth of adding a line to a sale.
        self.session: Session | None = None

    def connect(self) -> Connection:
        """The kept connection (a new one after a failure or after the pool was replaced,
        as ``engine.dispose()`` does)."""
        connection = self.connection
        if connection is None or connection.invalidated or self.pool is not self.engine.pool:
            self.release()
            self.pool = self.engine.pool
            connection = self.connection = self.engine.connect()
        return connection

    def session_for(self, connection: Connection, info: dict[str, Any]) -> Session:
        """The kept session, emptied for a new transaction on ``connection``."""
        session = self.session
        if session is None or session.bind is not connection:
            session = self.session = Session(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        session.info.clear()
        session.info[UOW_INFO] = info
        return session

    def release(self) -> None:
        """Give the kept connection back to the pool."""
        self.session = None
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: the pool forgets it
                connection.invalidate()


class UnitOfWork:
    """Holds the engine for one database and the current transaction of each thread."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or create_database_engine(url)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._local = threading.local()
        # What services keep for the life of this database handle (the terminal's store);
        # every session of this unit of work sees it as ``session.info[UOW_INFO]``.
        self.info: dict[str, Any] = {}
        # SQLite: the WAL is checkpointed off the committing thread (data/checkpoint.py).
        path = sqlite_path(url)
        self._checkpointer = WalCheckpointer(path) if path is not None else None
        if self._checkpointer is not None:
            weakref.finalize(self, self._checkpointer.close, wait=False)
        # SQLite files only: an in-memory database's pool gives each thread its own.
        self._kept: dict[bool, _Kept] = {}
        if path is not None:
            self._kept = {True: _Kept(self._write_engine), False: _Kept(self.engine)}
            weakref.finalize(self, _release_all, tuple(self._kept.values()))

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite_url(self.url)

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "session", None) is not None

    def current_session(self) -> Session:
        session: Session | None = getattr(self._local, "session", None)
        if session is None:
            raise RuntimeError("no transaction is open on this thread")
        return session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing transaction, or the one already open on this thread."""
        yield from self._open(write=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A reading transaction, or the one already open on this thread."""
        yield from self._open(write=False)

    def _open(self, *, write: bool) -> Iterator[Session]:
        outer: Session | None = getattr(self._local, "session", None)
        if outer is not None:
            if write and not getattr(self._local, "write", False):
                raise RuntimeError("cannot write inside a reading transaction")
            yield outer
            return
        kept = self._kept.get(write)
        if kept is not None and kept.lock.acquire(blocking=False):
            try:
                yield from self._open_kept(kept, write=write)
            finally:
                kept.lock.release()
            return
        session = Session(
            self._write_engine if write else self.engine,
            expire_on_commit=False,
            info={UOW_INFO: self.info},
        )
        self._local.session = session
        self._local.write = write
        try:
            try:
                session.begin()
                yield session
                if write:
                    session.commit()
                    if self._checkpointer is not None:
                        self._checkpointer.nudge()
                # A reading transaction ends at close(), which keeps loaded rows readable.
            except SalonError:
                session.rollback()
                raise
            except OperationalError as error:
                session.rollback()
                raise translate_database_error(error, self.url) from error
            except BaseException:
                session.rollback()
                raise
        finally:
            self._local.session = None
            self._local.write = False
            session.close()

    def _open_kept(self, kept: _Kept, *, write: bool) -> Iterator[Session]:
        """``_open`` on the kept connection: the transaction is begun and ended here,
        the session joins it (flushing what changed as objects before the commit)."""
        try:
            connection = kept.connect()
            transaction = connection.begin()
        except OperationalError as error:
            kept.release()
            raise translate_database_error(error, self.url) from error
        except BaseException:
            kept.release()
            raise
        session = kept.session_for(connection, self.info)
        direct.attach(session, connection)
        self._local.session = session
        self._local.write = write
        try:
            try:
                yield session
                if write:
                    session.flush()
                    transaction.commit()
                    if self._checkpointer is not None:
                        self._checkpointer.nudge()
                else:
                    transaction.rollback()
            except BaseException as error:
                try:
                    if connection.in_transaction():
                        transaction.rollback()
                except BaseException:
                    kept.release()
                    raise
                if not isinstance(error, SalonError):
                    kept.release()  # a database error may leave it unusable: start afresh
                if isinstance(error, OperationalError):
                    raise translate_database_error(error, self.url) from error
                raise
        finally:
            self._local.session = None
            self._local.write = False
            # Objects loaded stay readable, detached, as after ``_open``'s close; a
            # session that began nothing of its own and holds nothing has nothing to end.
            if session._transaction is not None or session.identity_map or session._new:
                session.close()

    def dispose(self) -> None:
        _release_all(tuple(self._kept.values()))
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()


def _release_all(kept: tuple[_Kept, ...]) -> None:
    for one in kept:
        # Not from under a transaction that another thread still runs on it (one that
        # outlasts the wait keeps it: the unit of work's finalizer gives it back later).
        if one.lock.acquire(timeout=2):
            try:
                one.release()
            finally:
                one.lock.release()
