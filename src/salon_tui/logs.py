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
    if any(getattr(handler, "salon_handler", False) for handler in root.handlers):
        return
    try:
        folder = paths.make_private_dir(paths.log_dir())
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE_NAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.salon_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
