"""Knowing that the app is open on a database, so a restore never pulls it from under
a cashier.

The running app holds a shared ``flock`` on a file beside the database; a restore asks
for an exclusive one without waiting and refuses when it cannot have it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".app-lock")


class AppPresence:
    """Held by a running app for as long as it is open."""

    def __init__(self, database: Path) -> None:
        self._descriptor = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._descriptor, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._descriptor >= 0:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = -1


@contextmanager
def no_app_open(database: Path) -> Iterator[bool]:
    """Yields True (holding the lock) when no app is open on ``database``, else False."""
    path = lock_path(database)
    if not path.parent.exists():
        yield True
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def exclusive_run(lock_file: Path) -> Iterator[bool]:
    """Yields True while holding ``lock_file`` exclusively, False if another run holds it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
