"""Getting bytes to a printer: a folder, a device file, USB, serial or the network.

Every transport has a write timeout (python-escpos's ``Usb`` has none by default and a
write can hang for ever). A failure raises ``PrinterUnavailable`` when nothing reached
the printer (safe to send again) and ``PrinterInterrupted`` when some bytes may have
(a person decides whether to print again). python-escpos loads only when a job is sent.

Before a job, printers that can talk back are asked how they are (``DLE EOT``, see
``printing.status``): out of paper, cover open or offline → nothing is sent, the job
waits in the queue and the status bar says why.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from salon_tui.config import PrinterConfig
from salon_tui.errors import PrinterError
from salon_tui.i18n import _
from salon_tui.printing import status as printer_status
from salon_tui.printing.escpos import PrinterProfile
from salon_tui.printing.status import ANSWER_SECONDS, Condition, Exchange
from salon_tui.printing.text import HanziMode


class PrinterUnavailable(PrinterError):
    """Nothing was sent: the printer is off, unplugged, busy or unreachable."""


class PrinterInterrupted(PrinterError):
    """The job broke off part-way: part of it may be on paper."""


@dataclass(frozen=True)
class PrinterStatus:
    ready: bool
    message: str


def _refuse_unless_ready(condition: Condition | None, name: str) -> None:
    """Nothing is sent to a printer that says it cannot print; the job waits."""
    if condition is not None and (problem := condition.problem()):
        raise PrinterUnavailable(_("{printer}: {problem}").format(printer=name, problem=problem))


def _status_of(condition: Condition | None, name: str) -> PrinterStatus:
    if condition is None:
        return PrinterStatus(
            True,
            _("Ready on {name} (the printer does not report paper or cover).").format(name=name),
        )
    if problem := condition.problem():
        return PrinterStatus(False, _("{printer}: {problem}").format(printer=name, problem=problem))
    message = _("Ready on {name}").format(name=name)
    if warning := condition.warning():
        message = f"{message}. {warning}"
    return PrinterStatus(True, message)


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

    def _ask(self) -> Condition | None:
        """The printer's condition through the device file (usblp passes answers back);
        None for a plain file or a printer that does not answer."""
        try:
            if not stat.S_ISCHR(self.path.stat().st_mode):
                return None
            descriptor = os.open(self.path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            return None  # write-only access, or gone: send() says which
        try:
            return printer_status.ask(lambda query: _exchange_fd(descriptor, query))
        finally:
            os.close(descriptor)

    def send(self, payload: bytes, name: str) -> str:
        _refuse_unless_ready(self._ask(), str(self.path))
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
        return _status_of(self._ask(), str(self.path))


def _exchange_fd(descriptor: int, query: bytes) -> bytes:
    """One query written to an open device, and what it answers within the wait."""
    try:
        os.write(descriptor, query)
    except OSError:
        return b""
    deadline = time.monotonic() + ANSWER_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([descriptor], [], [], remaining)
        if not readable:
            return b""
        try:
            return os.read(descriptor, 16)
        except BlockingIOError:
            continue
        except OSError:
            return b""
    return b""


class EscposTransport:
    """python-escpos's ``Network``, ``Usb`` and ``Serial`` printers, opened per job."""

    def __init__(
        self,
        label: str,
        factory: Any,
        exchange_for: Callable[[Any], Exchange] | None = None,
    ) -> None:
        self.label = label
        self.factory = factory
        self.exchange_for = exchange_for

    def _ask(self, printer: Any) -> Condition | None:
        if self.exchange_for is None:
            return None
        try:
            return printer_status.ask(self.exchange_for(printer))
        except Exception:
            return None  # a printer that cannot answer is treated as one that does not

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
            _refuse_unless_ready(self._ask(printer), self.label)
        except PrinterUnavailable:
            with _quietly():
                printer.close()
            raise
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
        try:
            return _status_of(self._ask(printer), self.label)
        finally:
            with _quietly():
                printer.close()


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


# Status queries go to the open python-escpos printer's own connection with a short
# timeout: its ``query_status`` would wait the whole write timeout for a silent printer.


def _network_exchange(printer: Any) -> Exchange:
    connection: socket.socket = printer.device

    def exchange(query: bytes) -> bytes:
        previous = connection.gettimeout()
        connection.settimeout(ANSWER_SECONDS)
        try:
            connection.sendall(query)
            return connection.recv(16)
        except TimeoutError:
            return b""
        finally:
            connection.settimeout(previous)

    return exchange


def _usb_exchange(printer: Any) -> Exchange:
    def exchange(query: bytes) -> bytes:
        printer.device.write(printer.out_ep, query, int(ANSWER_SECONDS * 1000))
        try:
            return bytes(printer.device.read(printer.in_ep, 16, int(ANSWER_SECONDS * 1000)))
        except Exception:  # usb.core.USBTimeoutError: no answer
            return b""

    return exchange


def _serial_exchange(printer: Any) -> Exchange:
    def exchange(query: bytes) -> bytes:
        previous = printer.device.timeout
        printer.device.timeout = ANSWER_SECONDS
        try:
            printer.device.write(query)
            return bytes(printer.device.read(1))
        finally:
            printer.device.timeout = previous

    return exchange


def network_transport(host: str, port: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Network

        return Network(host, port=port, timeout=timeout_seconds)

    return EscposTransport(f"{host}:{port}", build, _network_exchange)


def usb_transport(vendor_id: int, product_id: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Usb

        # pyusb counts the write timeout in milliseconds.
        return Usb(vendor_id, product_id, timeout=int(timeout_seconds * 1000))

    return EscposTransport(f"USB {vendor_id:04x}:{product_id:04x}", build, _usb_exchange)


def serial_transport(device: str, baudrate: int, timeout_seconds: float) -> EscposTransport:
    def build() -> Any:
        from escpos.printer import Serial

        return Serial(devfile=device, baudrate=baudrate, timeout=timeout_seconds)

    return EscposTransport(f"{device} @ {baudrate}", build, _serial_exchange)


def profile_for(config: PrinterConfig) -> PrinterProfile:
    return PrinterProfile(
        columns=config.columns,
        hanzi=HanziMode(config.hanzi),
        cutter=config.cutter,
        native_codes=config.native_codes,
        font=config.font,
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
