"""The evdev scanner reader: find the scanner, grab it, decode in a thread, survive replugs.

``grab()`` makes the scanner exclusive, so its keys never reach the terminal (or a
focused widget's bindings). The thread waits on the device with a timeout (no busy
loop); an unplugged device (``OSError`` 19) is dropped with its partial scan, and the
reader looks for it again every ``poll_seconds`` — by its by-id link, vendor:product or
name, never by ``eventN``, which changes on every replug. evdev is imported only here
and only when the reader starts: the rest of salon_tui runs without it.
"""

from __future__ import annotations

import errno
import logging
import select
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from salon_tui.config import ScannerConfig
from salon_tui.scanning.decoder import Scan, ScanDecoder

logger = logging.getLogger(__name__)

BY_ID_DIR = Path("/dev/input/by-id")
SCANNER_WORDS = ("barcode", "bar code", "scanner", "scan", "honeywell", "symbol", "zebra",
                 "datalogic", "newland", "opticon", "metrologic", "imager")  # fmt: skip
# USB vendors that make scanners: Symbol/Zebra, Honeywell (Metrologic, Hand Held), Datalogic,
# Newland, Opticon.
SCANNER_VENDORS = frozenset({"05e0", "0c2e", "0536", "05f9", "1eab", "065a"})
WAIT_SECONDS = 0.5


class ReaderState(StrEnum):
    OFF = "off"
    NO_EVDEV = "no_evdev"
    NOT_FOUND = "not_found"
    NO_PERMISSION = "no_permission"
    BUSY = "busy"
    CONNECTED = "connected"
    UNPLUGGED = "unplugged"


@dataclass(frozen=True)
class DeviceInfo:
    path: str  # what we open: the by-id link when there is one
    event_path: str
    name: str
    vendor_product: str  # "05e0:1200"

    @property
    def looks_like_scanner(self) -> bool:
        text = f"{self.name} {self.path}".lower()
        return self.vendor_product[:4] in SCANNER_VENDORS or any(
            word in text for word in SCANNER_WORDS
        )


@dataclass(frozen=True)
class ScannerStatus:
    state: ReaderState
    device: str = ""
    detail: str = ""


class OpenDevice(Protocol):
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def wait_readable(self, timeout: float) -> bool: ...
    def read(self) -> Iterable[Any]: ...
    def close(self) -> None: ...


class DeviceBackend(Protocol):
    def list_devices(self) -> list[DeviceInfo]: ...
    def open(self, info: DeviceInfo) -> OpenDevice: ...


class EvdevDevice:
    def __init__(self, device: Any) -> None:
        self.device = device

    def grab(self) -> None:
        self.device.grab()

    def ungrab(self) -> None:
        self.device.ungrab()

    def wait_readable(self, timeout: float) -> bool:
        readable, _, _ = select.select([self.device.fd], [], [], timeout)
        return bool(readable)

    def read(self) -> Iterable[Any]:
        try:
            return list(self.device.read())
        except BlockingIOError:
            return []

    def close(self) -> None:
        self.device.close()


class EvdevBackend:
    """The real input devices, through python-evdev (Linux, optional extra ``scanner``)."""

    def __init__(self) -> None:
        import evdev

        self.evdev = evdev

    def list_devices(self) -> list[DeviceInfo]:
        by_event: dict[str, str] = {}
        if BY_ID_DIR.is_dir():
            for link in sorted(BY_ID_DIR.iterdir()):
                if link.name.endswith("-event-kbd"):
                    by_event[str(link.resolve())] = str(link)
        found = []
        for event_path in self.evdev.list_devices():
            try:
                device = self.evdev.InputDevice(event_path)
            except OSError:
                continue
            try:
                capabilities = device.capabilities().get(self.evdev.ecodes.EV_KEY, [])
                if self.evdev.ecodes.KEY_ENTER not in capabilities:
                    continue  # not a keyboard: mice, power buttons …
                found.append(
                    DeviceInfo(
                        path=by_event.get(event_path, event_path),
                        event_path=event_path,
                        name=device.name,
                        vendor_product=f"{device.info.vendor:04x}:{device.info.product:04x}",
                    )
                )
            finally:
                device.close()
        return found

    def open(self, info: DeviceInfo) -> OpenDevice:
        return EvdevDevice(self.evdev.InputDevice(str(Path(info.path).resolve())))


def choose_device(devices: list[DeviceInfo], wanted: str) -> DeviceInfo | None:
    """The configured scanner among ``devices``: a path, vendor:product, a name, or auto."""
    wanted = wanted.strip()
    if not wanted:
        return next((device for device in devices if device.looks_like_scanner), None)
    lowered = wanted.lower()
    for device in devices:
        if wanted.startswith("/") and wanted in (device.path, device.event_path):
            return device
        if lowered == device.vendor_product:
            return device
        if not wanted.startswith("/") and lowered in device.name.lower():
            return device
    return None


class ScannerReader:
    """Reads one scanner in a thread; ``on_scan`` and ``on_status`` run on that thread."""

    def __init__(
        self,
        config: ScannerConfig,
        on_scan: Callable[[Scan], None],
        on_status: Callable[[ScannerStatus], None],
        *,
        backend: DeviceBackend | None = None,
        poll_seconds: float = 2.0,
    ) -> None:
        self.config = config
        self.on_scan = on_scan
        self.on_status = on_status
        self.backend = backend
        self.poll_seconds = poll_seconds
        self.decoder = ScanDecoder(
            max_gap_ms=config.max_gap_ms,
            min_length=config.min_length,
            terminators=config.terminators,
        )
        self.status = ScannerStatus(ReaderState.OFF)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="salon-scanner", daemon=True)

    def handle_events(self, events: Iterable[Any]) -> list[Scan]:
        """Feed evdev events (or recorded ones with the same attributes) to the decoder."""
        scans = []
        for event in events:
            scan = self.decoder.feed_raw(event.type, event.code, event.value, event.timestamp())
            if scan is not None:
                scans.append(scan)
                self.on_scan(scan)
        return scans

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _set_status(self, state: ReaderState, device: str = "", detail: str = "") -> None:
        status = ScannerStatus(state, device, detail)
        if status != self.status:
            self.status = status
            self.on_status(status)

    def _run(self) -> None:
        if self.backend is None:
            try:
                self.backend = EvdevBackend()
            except ImportError:
                self._set_status(ReaderState.NO_EVDEV)
                return
        while not self._stop.is_set():
            try:
                self._find_and_read(self.backend)
            except Exception as error:  # never let the thread die silently
                logger.exception("scanner reader error")
                self._set_status(ReaderState.NOT_FOUND, detail=str(error))
            self._stop.wait(self.poll_seconds)

    def _find_and_read(self, backend: DeviceBackend) -> None:
        info = choose_device(backend.list_devices(), self.config.device)
        if info is None:
            if self.status.state is not ReaderState.UNPLUGGED:
                self._set_status(ReaderState.NOT_FOUND, detail=self.config.device)
            return
        try:
            device = backend.open(info)
        except PermissionError:
            self._set_status(ReaderState.NO_PERMISSION, info.name, info.path)
            return
        except OSError as error:
            self._set_status(ReaderState.NOT_FOUND, info.name, str(error))
            return
        grabbed = False
        try:
            if self.config.grab:
                try:
                    device.grab()
                    grabbed = True
                except OSError as error:
                    if error.errno == errno.EBUSY:
                        self._set_status(ReaderState.BUSY, info.name, info.path)
                        return
                    raise
            self.decoder.reset()
            self._set_status(ReaderState.CONNECTED, info.name, info.path)
            self._read(device)
        except OSError as error:
            # errno 19 (ENODEV): unplugged. The partial scan goes with it.
            self.decoder.reset()
            self._set_status(ReaderState.UNPLUGGED, info.name, str(error))
        finally:
            if grabbed:
                try:
                    device.ungrab()
                except OSError:
                    pass
            try:
                device.close()
            except OSError:
                pass

    def _read(self, device: OpenDevice) -> None:
        while not self._stop.is_set():
            if device.wait_readable(WAIT_SECONDS):
                self.handle_events(device.read())
