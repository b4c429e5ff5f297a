"""The unit of work: one user action = one transaction.

``with uow.transaction() as session:`` opens a writing transaction (``BEGIN IMMEDIATE``
on SQLite) and commits when the block ends, or rolls back if it raises. A service
called inside another service's transaction on the same thread joins it instead of
opening its own, so checkout can call the card services and commit everything at once.
``uow.read()`` opens a reading transaction (no write lock) for queries.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

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

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        self.engine.dispose()
