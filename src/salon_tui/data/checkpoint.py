"""SQLite's WAL copied back into the database file on a thread of its own.

In WAL mode a commit appends pages to the ``-wal`` file; they are copied back into the
database file by a checkpoint. By default SQLite checkpoints inside the commit that
takes the WAL past 1,000 pages: that commit then copies up to 4 MB and waits for the
database file's fsync. On the benchmark shop that was one payment or line in 25 taking
10-20 ms instead of 2-5 ms: the slow tail of checkout was the checkpoint.

Here a thread with its own connection runs a PASSIVE checkpoint shortly after each
writing transaction commits. A passive checkpoint takes no lock a writer or a reader
waits for; it copies what it can and leaves the rest for the next one. SQLite's own
check after each commit stays as a safety net: when this thread has kept up, the pages
are already copied and that check finds nothing to do. Nothing here decides what is
committed: a crash at any moment leaves the database as SQLite's WAL recovery says.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

# At most one checkpoint per this many seconds: while commits come in a burst (an
# import, a busy till), the pages of several commits are copied at once.
MIN_INTERVAL_S = 0.1


class WalCheckpointer:
    """A daemon thread that checkpoints the SQLite database at ``path`` when nudged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """A writing transaction committed: checkpoint soon (starts the thread once)."""
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="salon-wal-checkpoint", daemon=True
                    )
                    self._thread.start()
        self._wake.set()

    def close(self, *, wait: bool = True) -> None:
        """Stop the thread and close its connection (``wait``: until it has, after the
        checkpoint it may be running)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0
            )
        except sqlite3.Error:
            return  # the database is gone or unreadable: the commits' own check remains
        try:
            while not self._stop.is_set():
                self._wake.wait()
                if self._stop.is_set():
                    break
                self._wake.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    pass  # busy or gone: the next nudge (or SQLite's own check) tries again
                self._stop.wait(MIN_INTERVAL_S)
        finally:
            connection.close()
