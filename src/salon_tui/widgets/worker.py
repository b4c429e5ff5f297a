"""Calling services off the UI thread, for screens and widgets alike.

A service runs in a thread worker; its result (or its ``SalonError``) comes back to the
UI thread through ``call_from_thread``, where exactly one callback owns the change.
Unexpected exceptions are logged with their traceback and shown as a short message:
never a traceback on a cashier's screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode

from salon_tui import paths
from salon_tui.errors import SalonError
from salon_tui.i18n import _

logger = logging.getLogger("salon_tui.screens")
Result = TypeVar("Result")


def show_error(node: DOMNode, error: SalonError) -> None:
    # Plain text: a message may quote a name as typed, "[/]" and all.
    node.app.notify(error.message, title=_(error.title), severity="error", timeout=8, markup=False)


def show_unexpected(node: DOMNode) -> None:
    node.app.notify(
        _("Something went wrong and nothing was saved. Details are in {path}.").format(
            path=paths.log_dir() / "salon.log"
        ),
        title=_("Unexpected error"),
        severity="error",
        timeout=12,
    )


def call_service(
    node: DOMNode,
    call: Callable[[], Result],
    done: Callable[[Result], Any],
    *,
    failed: Callable[[SalonError], Any] | None = None,
    group: str = "service",
    exclusive: bool = False,
) -> None:
    """Run ``call`` in a thread; hand its result to ``done`` (or its error to ``failed``)."""

    def work() -> None:
        try:
            result = call()
        except SalonError as error:
            node.app.call_from_thread(failed or (lambda e: show_error(node, e)), error)
            return
        except Exception:
            logger.exception("service call failed")
            node.app.call_from_thread(show_unexpected, node)
            return
        node.app.call_from_thread(done, result)

    node.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
