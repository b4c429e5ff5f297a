"""Consistent copies of a live SQLite database, through SQLite's backup API only.

Copying the file while a terminal writes can catch it half-way; the backup API
cannot. Used before migrations and by backups.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def looks_like_sqlite(path: Path) -> bool:
    """True for an empty file or one that starts with SQLite's header."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    return header in (b"", SQLITE_HEADER)


def copy_database(source: Path, destination: Path, *, pages_per_step: int = 1024) -> Path:
    """Copy ``source`` to ``destination`` with the backup API; readable by the owner only."""
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = destination.with_name(destination.name + ".partial")
    temporary.unlink(missing_ok=True)
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        target_connection = sqlite3.connect(temporary)
        try:
            source_connection.backup(target_connection, pages=pages_per_step)
        finally:
            target_connection.close()
    finally:
        source_connection.close()
    temporary.chmod(0o600)
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    temporary.replace(destination)
    return destination
