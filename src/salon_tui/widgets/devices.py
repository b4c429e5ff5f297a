"""The front-desk hardware as the app sees it: the printer thread, the scanner, scans.

``DeviceHub`` is what screens (checkout, members, bookings) use:

- ``hub.print_receipt(receipt)`` queues a receipt (after the sale committed) and wakes
  the printer thread; checkout that queues inside its own transaction calls
  ``hub.wake_printer()`` after the commit instead;
- ``hub.open_drawer(reason)`` for a "no sale";
- every scan reaches the active screen as a ``Scanned`` message, whether it came from
  the grabbed evdev scanner or from a fast key burst typed by a keyboard-wedge scanner
  (those keys never reach a binding, and a text box they were typed into is left as it was).

Threads never touch widgets: they hand their news to the app with ``call_from_thread``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message
from textual.timer import Timer

from salon_tui.i18n import N_, _

if TYPE_CHECKING:
    from textual.widgets import Input

    from salon_tui.app import SalonApp
    from salon_tui.config import MachineConfig, PrinterConfig
    from salon_tui.printing.receipt import Receipt
    from salon_tui.scanning.burst import KeyBurst
    from salon_tui.scanning.decoder import Scan
    from salon_tui.scanning.reader import ScannerReader, ScannerStatus
    from salon_tui.services.printing import PrintJobView, PrintWorker, QueueState

logger = logging.getLogger("salon_tui.devices")

SCANNER_STATE_LABELS = {
    "connected": N_("scanner ready"),
    "unplugged": N_("scanner unplugged"),
    "busy": N_("scanner held by another program"),
    "no_permission": N_("no permission for the scanner"),
    "not_found": N_("scanner not found"),
}


# Areas open what a scan names (``services.scans.identify``) when they have a screen
# for it: kind ("member", "product" …) → (app, match) → nothing.
ScanOpener = Callable[["SalonApp", Any], None]
SCAN_OPENERS: dict[str, ScanOpener] = {}
SCAN_KIND_LABELS = {
    "member": N_("Member"),
    "product": N_("Product"),
    "gift_card": N_("Gift card"),
    "coupon": N_("Coupon"),
}


class Scanned(Message):
    """A barcode or QR code was scanned; the active screen decides what it means."""

    def __init__(self, code: str, source: str, terminator: str = "enter") -> None:
        super().__init__()
        self.code = code
        self.source = source  # "scanner" (evdev) or "keyboard" (burst)
        self.terminator = terminator


@dataclass(frozen=True)
class DeviceState:
    """What the header and the home panel show about the printer and the scanner."""

    printer_enabled: bool = False
    printer_name: str = ""
    waiting: int = 0
    failed: int = 0
    printer_problem: str = ""
    last_printed_id: int | None = None
    scanner_state: str = "off"
    scanner_device: str = ""
    scanner_named: bool = False  # a device is configured, so "not found" is news

    @property
    def printer_line(self) -> str:
        if not self.printer_enabled:
            return ""
        if self.failed:
            return _("printer: {count} failed").format(count=self.failed)
        if self.waiting:
            return _("printer: {count} waiting").format(count=self.waiting)
        return _("printer ready")

    @property
    def scanner_line(self) -> str:
        if self.scanner_state == "not_found" and not self.scanner_named:
            return ""
        label = SCANNER_STATE_LABELS.get(self.scanner_state)
        return _(label) if label else ""

    @property
    def needs_attention(self) -> bool:
        return bool(self.failed or self.printer_problem) or self.scanner_state in {
            "unplugged",
            "busy",
            "no_permission",
        }


class KeyboardScans:
    """Holds typed keys briefly to tell a keyboard-wedge scanner from a person.

    Keys of a burst that ends as a scan are dropped (the screen gets ``Scanned``);
    anything else is let through, in order, as if typed.

    A key typed after a pause into a text box goes in at once: holding it would make every
    keystroke of a person wait ``max_gap_ms`` (search-as-you-type would miss its 50 ms).
    Only the keys that follow it within the gap are held. Should they end as a scan, the
    box gets back the text and cursor it had before that first key, then the screen gets
    ``Scanned``, so a scan still types nothing anywhere.
    """

    def __init__(
        self,
        app: SalonApp,
        burst: KeyBurst[events.Key],
        deliver: Callable[[events.Key], Any],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.burst = burst
        self.deliver = deliver
        self.clock = clock
        self._timer: Timer | None = None
        # The box the first key of the burst went into, with its text and cursor before.
        self._typed_into: tuple[Input, str, int] | None = None

    @staticmethod
    def _typed_char(event: events.Key) -> str | None:
        char = event.character
        if char is None or len(char) != 1:
            return None
        if char.isprintable() or char in "\x1c\x1d\x1e":  # GS1 separators from QR codes
            return char
        return None

    async def intercept(self, event: events.Key) -> bool:
        """True when the key was held or taken as part of a scan (not to be handled now)."""
        now = self.clock()
        terminator = {"enter": "enter", "tab": "tab"}.get(event.key)
        if terminator is not None:
            code = self.burst.finish(terminator, now)
            if code is not None:
                self._cancel_timer()
                self._announce(Scanned(code, "keyboard", terminator))
                return True
            await self.release()
            return False
        char = self._typed_char(event)
        if char is None:
            await self.release()
            return False
        if not self.burst.continues(now):
            await self.release()
        if not self.burst.held:
            typed_into = self._focused_input()
            if typed_into is not None:
                self._typed_into = (typed_into, typed_into.value, typed_into.cursor_position)
                self.burst.hold(char, now, event, delivered=True)
                self._arm_timer()
                return False  # handled now, as typed
        self.burst.hold(char, now, event)
        self._arm_timer()
        return True

    def _focused_input(self) -> Input | None:
        from textual.widgets import Input

        focused = self.app.focused
        return focused if isinstance(focused, Input) else None

    def _announce(self, scanned: Scanned) -> None:
        """Post a scan, after taking its first key back out of the box it went into.

        The undo runs in the box's own queue, after the key it takes back, and the scan is
        posted only then: a screen that fills the box from the scan keeps what it put there.
        """
        typed_into, self._typed_into = self._typed_into, None
        if typed_into is None or not typed_into[0].is_attached:
            self.app.screen.post_message(scanned)
            return
        box, text, cursor = typed_into

        def take_back_then_announce() -> None:
            box.value = text
            box.cursor_position = cursor
            self.app.screen.post_message(scanned)

        box.call_later(take_back_then_announce)

    async def release(self) -> None:
        self._cancel_timer()
        self._typed_into = None
        for held in self.burst.release():
            await self.deliver(held)

    def _arm_timer(self) -> None:
        self._cancel_timer()
        self._timer = self.app.set_timer(self.burst.max_gap + 0.005, self._check)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    async def _check(self) -> None:
        self._timer = None
        if self.burst.due(self.clock()):
            await self.release()
        elif self.burst.held:
            self._arm_timer()


class DeviceHub:
    """Starts and stops the printer thread and the scanner reader for one app."""

    def __init__(self, app: SalonApp) -> None:
        self.app = app
        self.config: MachineConfig | None = None
        self.worker: PrintWorker | None = None
        self.reader: ScannerReader | None = None
        self.keyboard: KeyboardScans | None = None
        self.state = DeviceState()

    def load(self) -> MachineConfig:
        from salon_tui import config as machine
        from salon_tui.errors import SalonError

        try:
            self.config = machine.load_config()
        except SalonError as error:
            logger.warning("config.toml: %s", error.message)
            self.app.notify(error.message, title=_("Printer"), severity="warning")
            self.config = machine.MachineConfig()
        return self.config

    def start_keyboard_scans(self, deliver: Callable[[events.Key], Any]) -> None:
        """Burst detection in the app (no evdev needed); on unless config.toml says no."""
        from salon_tui.scanning.burst import KeyBurst

        config = self.config or self.load()
        scanner = config.scanner
        if not (scanner.enabled and scanner.keyboard_bursts):
            self.keyboard = None
            return
        terminators = tuple(name for name in scanner.terminators if name in {"enter", "tab"})
        burst: KeyBurst[events.Key] = KeyBurst(
            max_gap_ms=scanner.max_gap_ms,
            min_length=scanner.min_length,
            terminators=terminators or ("enter",),
        )
        self.keyboard = KeyboardScans(self.app, burst, deliver)

    def start(self, uow: Any) -> None:
        """The database is open: start the printer thread and the scanner reader."""
        from salon_tui.services.printing import PrintWorker

        config = self.config or self.load()
        self._publish(
            printer_enabled=config.printer.enabled,
            printer_name=config.printer.describe(),
            scanner_named=bool(config.scanner.device),
        )
        self.worker = PrintWorker(uow, self._printer_config, self._queue_changed)
        self.worker.start()
        if config.scanner.enabled:
            from salon_tui.scanning.reader import ScannerReader

            self.reader = ScannerReader(config.scanner, self._scanned, self._scanner_changed)
            self.reader.start()

    def restart(self, uow: Any) -> None:
        """Settings changed: start over with the config just loaded."""
        self.stop()
        self.start(uow)

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        if self.reader is not None:
            self.reader.stop()
            self.reader = None

    def wake_printer(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def print_receipt(self, receipt: Receipt) -> PrintJobView:
        """Queue a receipt for the logged-in cashier and send it (call from a worker)."""
        from salon_tui.services import printing

        job = printing.enqueue_receipt(self.app.uow, self.app.session_actor, receipt)
        self.wake_printer()
        return job

    def open_drawer(self, reason: str) -> PrintJobView:
        """A "no sale" drawer opening, audited (call from a worker)."""
        from salon_tui.services import printing

        job = printing.open_drawer(self.app.uow, self.app.session_actor, reason)
        self.wake_printer()
        return job

    # --- thread callbacks: hand over to the UI thread -----------------------------

    def _printer_config(self) -> PrinterConfig:
        from salon_tui.config import PrinterConfig

        return self.config.printer if self.config is not None else PrinterConfig()

    def _queue_changed(self, queue: QueueState, printer: PrinterConfig) -> None:
        self._from_thread(
            self._publish,
            printer_enabled=printer.enabled,
            printer_name=printer.describe(),
            waiting=queue.waiting,
            failed=queue.failed,
            printer_problem=queue.last_error if queue.waiting or queue.failed else "",
            last_printed_id=queue.last_printed_id,
        )

    def _scanner_changed(self, status: ScannerStatus) -> None:
        self._from_thread(
            self._publish, scanner_state=status.state.value, scanner_device=status.device
        )

    def _scanned(self, scan: Scan) -> None:
        def post() -> None:
            self.app.screen.post_message(Scanned(scan.code, "scanner", scan.terminator))

        self._from_thread(post)

    def _from_thread(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:
            pass  # the app is closing

    def _publish(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.app.devices = self.state
