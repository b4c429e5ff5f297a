"""Logs: a rotating file in the user log folder, never personal data.

Log what happened to which record by id (staff #3, sale 20261122-0042), never names,
phones or PINs.
"""

from __future__ import annotations

import logging
import logging.handlers

from salon_tui import paths

LOG_FILE_NAME = "salon.log"


def configure_logging(level: int = logging.INFO) -> None:
    """Send the program's logs to ``<log dir>/salon.log`` (1 MB × 5 files)."""
    root = logging.getLogger("salon_tui")
    folder = paths.log_dir()
    for existing in list(root.handlers):
        if getattr(existing, "salon_handler", None) == str(folder):
            return
        if getattr(existing, "salon_handler", None):
            root.removeHandler(existing)  # SALON_HOME changed (tests): follow it
            existing.close()
    try:
        paths.make_private_dir(folder)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE_NAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.salon_handler = str(folder)  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
