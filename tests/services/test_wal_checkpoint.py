"""The WAL is copied back into the database file by a thread of its own shortly after a
writing transaction commits (data/checkpoint.py), not inside a later commit."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import settings

THREAD = "salon-wal-checkpoint"


def _checkpointers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD]


def _in_database_file(path: Path, copy: Path, key: str) -> bool:
    """Whether the database file alone (no -wal beside it) holds setting ``key``."""
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    try:
        found = connection.execute("SELECT 1 FROM setting WHERE key = ?", (key,)).fetchone()
    finally:
        connection.close()
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            leftover.unlink(missing_ok=True)
    return found is not None


def test_a_commit_reaches_the_database_file_without_waiting_for_the_next_one(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    if uow.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's WAL")
    path = Path(str(uow.engine.url.database))
    # No commit of this process checkpoints by itself: SQLite's own check would only
    # run past 1,000 pages anyway, far more than this test writes.
    event.listen(
        uow.engine, "connect", lambda raw, _record: raw.execute("PRAGMA wal_autocheckpoint = 0")
    )
    uow.engine.dispose()
    with uow.transaction() as session:
        settings.write_setting(session, "test.checkpointed", True)
    deadline = time.monotonic() + 10
    while not _in_database_file(path, tmp_path / "copy.db", "test.checkpointed"):
        assert time.monotonic() < deadline, "the WAL was not checkpointed"
        time.sleep(0.05)
    with uow.read() as session:
        assert settings.read_setting(session, "test.checkpointed") is True


def test_dispose_stops_the_checkpointing_thread(database_url: str, owner: Actor) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's WAL")
    before = len(_checkpointers())
    unit = UnitOfWork(database_url)
    with unit.transaction() as session:
        settings.write_setting(session, "test.key", 1)
    assert len(_checkpointers()) == before + 1
    unit.dispose()
    assert len(_checkpointers()) == before
