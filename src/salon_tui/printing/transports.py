"""Getting bytes to a printer: a folder, a device file, USB, serial or the network.

Every transport has a write timeout (python-escpos's ``Usb`` has none by default and a
write can hang for ever). A failure raises ``PrinterUnavailable`` when nothing reached
the printer (safe to send again) and ``PrinterInterrupted`` when some bytes may have
(a person decides whether to print again). python-escpos loads only when a job is sent.
"""

from __future__ import annotations

import errno
import os
import select
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from salon_tui.config import PrinterConfig
from salon_tui.errors import PrinterError
from salon_tui.i18n import _
from salon_tui.printing.escpos import PrinterProfile
from salon_tui.printing.text import HanziMode


class PrinterUnavailable(PrinterError):
    """Nothing was sent: the printer is off, unplugged, busy or unreachable."""


class PrinterInterrupted(PrinterError):
    """The job broke off part-way: part of it may be on paper."""


@dataclass(frozen=True)
class PrinterStatus:
    ready: bool
    message: str


class Transport(Protocol):
    def send(self, payload: bytes, name: str) -> str:
        """Send one job; returns where it went (for the job record)."""

    def check(self) -> PrinterStatus:
        """Whether the printer can be reached now, without printing anything."""


class FolderTransport:
    """The "file printer": each job becomes a ``.bin`` file in a folder.

    For shops without a printer (and tests): the bytes are exactly what a printer would
    get; ``salon printer preview`` and any ESC/POS viewer can show them.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, payload: bytes, name: str) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{name}.bin"
            partial = target.with_suffix(".part")
            partial.write_bytes(payload)
            partial.replace(target)
        except OSError as error:
            raise PrinterUnavailable(
                _("Cannot write to the printer folder {path}: {reason}").format(
                    path=self.folder, reason=error.strerror or error
                )
            ) from error
        return str(target)

    def check(self) -> PrinterStatus:
        probe = self.folder if self.folder.exists() else self.folder.parent
        if os.access(probe, os.W_OK):
            return PrinterStatus(True, _("Writes receipts to {path}").format(path=self.folder))
        return PrinterStatus(False, _("Cannot write to {path}").format(path=self.folder))


class DeviceTransport:
    """A printer device file such as /dev/usb/lp0 (the kernel's usblp driver)."""

    def __init__(self, path: Path, timeout_seconds: float) -> None:
        self.path = path
        self.timeout_seconds = timeout_seconds

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError as error:
            raise PrinterUnavailable(_describe_os_error(error, str(self.path))) from error

    def send(self, payload: bytes, name: str) -> str:
        descriptor = self._open()
        written = 0
        deadline = time.monotonic() + self.timeout_seconds
        try:
            view = memoryview(payload)
            while written < len(payload):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                _, writable, _ = select.select([], [descriptor], [], remaining)
                if not writable:
                    continue
                try:
                    written += os.write(descriptor, view[written:])
                except BlockingIOError:
                    continue
        except (OSError, TimeoutError) as error:
            message = (
                _describe_os_error(error, str(self.path))
                if isinstance(error, OSError) and not isinstance(error, TimeoutError)
                else _("The printer {name} did not take the job within {seconds} s.").format(
                    name=self.path, seconds=self.timeout_seconds
                )
            )
            if written == 0:
                raise PrinterUnavailable(message) from error
            raise PrinterInterrupted(message) from error
        finally:
            os.close(descriptor)
        return str(self.path)

    def check(self) -> PrinterStatus:
        if not self.path.exists():
            return PrinterStatus(
                False,
                _("{path} does not exist: is the printer plugged in and on?").format(
                    path=self.path
                ),
            )
        if not os.access(self.path, os.W_OK):
            return PrinterStatus(
                False,
                _("No permission to write to {path}: add this user to the lp group.").format(
                    path=self.path
                ),
            )
        return PrinterStatus(True, _("Ready on {path}").format(path=self.path))


class EscposTransport:
    """python-escpos's ``Network``, ``Usb`` and ``Serial`` printers, opened per job."""

    def __init__(self, label: str, factory: Any) -> None:
        self.label = label
        self.factory = factory

    def _open(self) -> Any:
        try:
            printer = self.factory()
            printer.open()
        except Exception as error:
            raise PrinterUnavailable(
                _("Cannot reach the printer {name}: {reason}").format(
                    name=self.label, reason=_short_reason(error)
                )
            ) from error
        return printer

    def send(self, payload: bytes, name: str) -> str:
        printer = self._open()
        try:
            printer._raw(payload)
        except Exception as error:
            raise PrinterInterrupted(
                _("The printer {name} stopped during the job: {reason}").format(
                    name=self.label, reason=_short_reason(error)
                )
            ) from error
        finally:
            with _quietly():
                printer.close()
        return self.label

    def check(self) -> PrinterStatus:
        try:
            printer = self._open()
        except PrinterUnavailable as error:
            return PrinterStatus(False, error.message)
        with _quietly():
            printer.close()
        return PrinterStatus(True, _("Ready on {name}").format(name=self.label))


class _quietly:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def _short_reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:160] or type(error).__name__


def _describe_os_error(error: OSError, name: str) -> str:
    if error.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return _("The printer {name} is not there: is it plugged in and switched on?").format(
            name=name
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return _(
            "No permission to use {name}: add this user to the lp group (or a udev rule)."
        ).format(name=name)
    if error.errno == errno.EBUSY:
        return _("The printer {name} is busy (another program holds it).").format(name=name)
    return _("The printer {name} failed: {reason}").format(
        name=name, reason=error.strerror or error
    )


def network_transport(host: str, port: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Network

        return Network(host, port=port, timeout=timeout_seconds)

    return EscposTransport(f"{host}:{port}", build)


def usb_transport(vendor_id: int, product_id: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Usb

        # pyusb counts the write timeout in milliseconds.
        return Usb(vendor_id, product_id, timeout=int(timeout_seconds * 1000))

    return EscposTransport(f"USB {vendor_id:04x}:{product_id:04x}", build)


def serial_transport(device: str, baudrate: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Serial

        return Serial(devfile=device, baudrate=baudrate, timeout=timeout_seconds)

    return EscposTransport(f"{device} @ {baudrate}", build)


def profile_for(config: PrinterConfig) -> PrinterProfile:
    return PrinterProfile(
        columns=config.columns,
        hanzi=HanziMode(config.hanzi),
        cutter=config.cutter,
        native_codes=config.native_codes,
    )


def transport_for(config: PrinterConfig) -> Transport:
    """The transport the machine's config names; refuses when no printer is set up."""
    if config.connection == "folder":
        return FolderTransport(Path(config.folder).expanduser())
    if config.connection == "device":
        return DeviceTransport(Path(config.device), config.timeout_seconds)
    if config.connection == "network":
        return network_transport(config.host, config.port, config.timeout_seconds)
    if config.connection == "usb":
        vendor, product = config.usb_ids()
        return usb_transport(vendor, product, config.timeout_seconds)
    if config.connection == "serial":
        return serial_transport(config.device, config.baudrate, config.timeout_seconds)
    raise PrinterUnavailable(
        _(
            "No printer is set up on this computer: run `salon printer setup` or open Settings → Printer."
        )
    )
