"""A real "database or disk is full" (SQLITE_FULL) under SQLite, without root or a small
filesystem.

SQLite refuses to grow a database past ``PRAGMA max_page_count`` pages with the very
error a full disk gives. A commit grows the file only when its rows do not fit in the
free room of the pages they go to; with 512-byte pages, a sale's audit entry alone spills
into new overflow pages, so every pay needs room the "disk" does not have.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

NO_LIMIT = 1_073_741_823  # SQLite's default max_page_count
SMALL_PAGE = 512


class Disk:
    """Whether the disk under every SQLite database of this process is full now."""

    def __init__(self) -> None:
        self.full = False

    def limit_on_begin(self, connection: Any) -> None:
        if connection.dialect.name != "sqlite":
            return
        limit = NO_LIMIT
        if self.full:
            limit = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())
        connection.exec_driver_sql(f"PRAGMA max_page_count = {limit}")


def rewrite_with_small_pages(database: Path) -> None:
    """Rewrite ``database`` (closed by every engine first) with 512-byte pages."""
    with closing(sqlite3.connect(database, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute(f"PRAGMA page_size = {SMALL_PAGE}")
        connection.execute("VACUUM")
        connection.execute("PRAGMA journal_mode = WAL")
        assert connection.execute("PRAGMA page_size").fetchone()[0] == SMALL_PAGE


@contextmanager
def a_disk_that_fills(database: Path) -> Iterator[Disk]:
    """``database`` on a disk the test fills (``disk.full = True``) and frees again:
    every transaction that begins meanwhile, on any engine, may not grow the file."""
    rewrite_with_small_pages(database)
    disk = Disk()
    event.listen(Engine, "begin", disk.limit_on_begin)
    try:
        yield disk
    finally:
        event.remove(Engine, "begin", disk.limit_on_begin)
