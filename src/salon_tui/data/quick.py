"""Small reads that must not wait for SQLAlchemy: what the first screen needs.

Only for SQLite files, through the standard library, read-only. Anything else returns
None and the caller learns the value once the database is open.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def read_setting(database: Path, key: str) -> object | None:
    """The value of one shop setting, or None when the file or key is missing."""
    if not database.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute("SELECT value_json FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return json.loads(row[0]) if row else None
