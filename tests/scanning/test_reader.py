"""The reader thread with scripted devices: unplug mid-scan, replug under a new event
number, a scanner another program holds (EBUSY), no permission, no evdev at all."""

from __future__ import annotations

import errno
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from salon_tui.config import ScannerConfig
from salon_tui.scanning.decoder import Scan
from salon_tui.scanning.reader import (
    DeviceInfo,
    ReaderState,
    ScannerReader,
    ScannerStatus,
    choose_device,
)
from salon_tui.scanning.recording import read_recording

RECORDINGS = Path(__file__).parent.parent / "data" / "scanner"
BY_ID = "/dev/input/by-id/usb-Symbol_Bar_Code_Scanner-event-kbd"
KEYBOARD = DeviceInfo(
    "/dev/input/by-id/usb-Logitech_Keyboard-event-kbd",
    "/dev/input/event3",
    "Logitech USB Keyboard",
    "046d:c31c",
)


class ScriptedDevice:
    def __init__(
        self,
        batches: list[list[Any]],
        then: BaseException | None,
        grab_error: OSError | None = None,
    ) -> None:
        self.batches = list(batches)
        self.then = then
        self.grab_error = grab_error
        self.grabbed = False
        self.grabs = 0
        self.closed = False

    def grab(self) -> None:
        if self.grab_error is not None:
            raise self.grab_error
        self.grabbed = True
        self.grabs += 1

    def ungrab(self) -> None:
        self.grabbed = False

    def wait_readable(self, timeout: float) -> bool:
        if self.batches or self.then is not None:
            return True
        time.sleep(min(timeout, 0.01))
        return False

    def read(self) -> Iterable[Any]:
        if self.batches:
            return self.batches.pop(0)
        if self.then is not None:
            raise self.then
        return []

    def close(self) -> None:
        self.closed = True


class ScriptedBackend:
    """Each entry of ``plan``: what list_devices shows, and the device opened from it."""

    def __init__(
        self, plan: list[tuple[list[DeviceInfo], ScriptedDevice | BaseException | None]]
    ) -> None:
        self.plan = plan
        self.listings = 0
        self.opened: list[str] = []
        self.devices: list[ScriptedDevice] = []
        self._current: ScriptedDevice | BaseException | None = None

    def list_devices(self) -> list[DeviceInfo]:
        self.listings += 1
        if self.plan:
            devices, self._current = self.plan.pop(0)
            return devices
        return []

    def open(self, info: DeviceInfo) -> ScriptedDevice:
        self.opened.append(info.event_path)
        current = self._current
        if isinstance(current, BaseException):
            raise current
        assert current is not None
        self.devices.append(current)
        return current


def scanner(event_path: str) -> DeviceInfo:
    return DeviceInfo(BY_ID, event_path, "Zebra Technologies Symbol Bar Code Scanner", "05e0:1200")


def run_reader(
    backend: ScriptedBackend, config: ScannerConfig, until: Any, timeout: float = 5.0
) -> tuple[list[Scan], list[ScannerStatus]]:
    scans: list[Scan] = []
    statuses: list[ScannerStatus] = []
    done = threading.Event()

    def on_scan(scan: Scan) -> None:
        scans.append(scan)
        if until(scans, statuses):
            done.set()

    def on_status(status: ScannerStatus) -> None:
        statuses.append(status)
        if until(scans, statuses):
            done.set()

    reader = ScannerReader(config, on_scan, on_status, backend=backend, poll_seconds=0.02)
    reader.start()
    try:
        assert done.wait(timeout), statuses
    finally:
        reader.stop()
    return scans, statuses


def test_unplug_mid_scan_drops_the_partial_and_a_replug_under_a_new_event_number_reads_again() -> (
    None
):
    unplug = read_recording(RECORDINGS / "unplug_mid_scan.evtest").events
    card = read_recording(RECORDINGS / "member_card_enter.evtest").events
    first = ScriptedDevice([unplug], OSError(errno.ENODEV, "No such device"))
    second = ScriptedDevice([card], None)
    backend = ScriptedBackend(
        [
            ([scanner("/dev/input/event5")], first),
            ([], None),
            ([scanner("/dev/input/event9")], second),
        ]
    )
    scans, statuses = run_reader(
        backend, ScannerConfig(device="05e0:1200"), lambda scans, _: bool(scans)
    )
    assert [scan.code for scan in scans] == ["M00012345"]  # never "M0001M00012345"
    assert backend.opened == ["/dev/input/event5", "/dev/input/event9"]
    assert [status.state for status in statuses] == [
        ReaderState.CONNECTED,
        ReaderState.UNPLUGGED,
        ReaderState.CONNECTED,
    ]
    assert first.closed and not first.grabbed
    assert second.grabs == 1 and not second.grabbed  # grabbed while read, released on stop


def test_a_scanner_another_program_grabbed_is_reported_busy_then_used_when_free() -> None:
    busy = ScriptedDevice([], None, grab_error=OSError(errno.EBUSY, "Device or resource busy"))
    card = read_recording(RECORDINGS / "member_card_enter.evtest").events
    free = ScriptedDevice([card], None)
    backend = ScriptedBackend(
        [([scanner("/dev/input/event5")], busy), ([scanner("/dev/input/event5")], free)]
    )
    scans, statuses = run_reader(backend, ScannerConfig(), lambda scans, _: bool(scans))
    assert statuses[0].state is ReaderState.BUSY
    assert busy.closed
    assert [scan.code for scan in scans] == ["M00012345"]


def test_no_permission_on_the_device_is_reported_with_the_device() -> None:
    backend = ScriptedBackend(
        [([scanner("/dev/input/event5")], PermissionError(errno.EACCES, "Permission denied"))]
    )
    _, statuses = run_reader(backend, ScannerConfig(), lambda _, statuses: bool(statuses))
    assert statuses[0] == ScannerStatus(
        ReaderState.NO_PERMISSION, "Zebra Technologies Symbol Bar Code Scanner", BY_ID
    )


def test_without_a_scanner_the_reader_polls_slowly_instead_of_spinning() -> None:
    backend = ScriptedBackend([])
    scans: list[Scan] = []
    statuses: list[ScannerStatus] = []
    reader = ScannerReader(
        ScannerConfig(), scans.append, statuses.append, backend=backend, poll_seconds=0.1
    )
    reader.start()
    time.sleep(0.55)
    reader.stop()
    assert 3 <= backend.listings <= 8
    assert [status.state for status in statuses] == [ReaderState.NOT_FOUND]


def test_a_plain_keyboard_is_never_picked_and_grabbed_by_auto_detection() -> None:
    assert choose_device([KEYBOARD], "") is None
    assert choose_device([KEYBOARD, scanner("/dev/input/event7")], "") == scanner(
        "/dev/input/event7"
    )
    assert choose_device([KEYBOARD], "046d:c31c") == KEYBOARD  # unless named on purpose
    assert choose_device([scanner("/dev/input/event7")], BY_ID) == scanner("/dev/input/event7")
    assert choose_device([scanner("/dev/input/event7")], "symbol bar code") == scanner(
        "/dev/input/event7"
    )


def test_without_evdev_the_reader_says_so_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "evdev", None)  # import evdev → ImportError
    statuses: list[ScannerStatus] = []
    reader = ScannerReader(ScannerConfig(), lambda scan: None, statuses.append, poll_seconds=0.01)
    reader.start()
    reader.stop()
    assert statuses == [ScannerStatus(ReaderState.NO_EVDEV)]
