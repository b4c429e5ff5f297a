"""Printed codes scan (zbarimg reads the raster images we send) and every transport
delivers the exact bytes, or says clearly why it could not."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

import pytest

from salon_tui.config import PrinterConfig
from salon_tui.printing.escpos import PrinterProfile, barcode_bytes, qr_bytes
from salon_tui.printing.transports import (
    DeviceTransport,
    EscposTransport,
    FolderTransport,
    PrinterInterrupted,
    PrinterUnavailable,
    network_transport,
    transport_for,
)
from tests.peers import need
from tests.printing.escpos_reader import raster_to_png, read

IMAGES = PrinterProfile(columns=32, native_codes=False)


def zbar(path: Path) -> str:
    result = subprocess.run(
        [need("zbarimg"), "--quiet", "--raw", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize(
    "data", ["S20261122-0001", "M00012345", "https://salon-tui.example/r/8f3a"]
)
def test_a_qr_code_printed_as_an_image_scans_back(tmp_path: Path, data: str) -> None:
    rasters = read(qr_bytes(data, IMAGES)).named("GS v 0")
    assert len(rasters) == 1
    raster_to_png(rasters[0], str(tmp_path / "qr.png"))
    assert zbar(tmp_path / "qr.png") == data


@pytest.mark.slow
def test_a_code128_barcode_printed_as_an_image_scans_back_without_the_b_prefix(
    tmp_path: Path,
) -> None:
    rasters = read(barcode_bytes("S20261122-0001", IMAGES)).named("GS v 0")
    assert len(rasters) == 1
    x_bytes = rasters[0].args[0] + 256 * rasters[0].args[1]
    assert x_bytes * 8 <= 384  # fits 58 mm paper
    raster_to_png(rasters[0], str(tmp_path / "barcode.png"))
    assert zbar(tmp_path / "barcode.png") == "S20261122-0001"


def test_a_native_barcode_is_code128_function_b() -> None:
    page = read(barcode_bytes("S20261122-0001", PrinterProfile()))
    [barcode] = page.named("GS k")
    assert barcode.args == bytes([73]) and barcode.data == b"{BS20261122-0001"


class Sink:
    """A loopback TCP printer on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(65536):
                self.received += chunk

    def close(self) -> bytes:
        self.thread.join(5)
        self.server.close()
        return bytes(self.received)


def test_the_network_transport_delivers_the_exact_bytes_to_port_9100_style_sinks() -> None:
    sink = Sink()
    payload = b"\x1b@\x1c&" + "测试 test\n".encode("gbk") * 500
    where = network_transport("127.0.0.1", sink.port, 2.0).send(payload, "job-000001")
    # A sink that never answers the status question (DLE EOT 1) gets the job after it.
    assert sink.close() == b"\x10\x04\x01" + payload
    assert where == f"127.0.0.1:{sink.port}"


def test_an_unreachable_network_printer_is_unavailable_and_nothing_was_sent() -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with pytest.raises(PrinterUnavailable, match=f"127.0.0.1:{port}"):
        network_transport("127.0.0.1", port, 1.0).send(b"x", "job")
    status = transport_for(PrinterConfig(connection="network", host="127.0.0.1", port=port)).check()
    assert not status.ready


def test_the_folder_printer_writes_one_file_per_job(tmp_path: Path) -> None:
    transport = FolderTransport(tmp_path / "printer-out")
    where = transport.send(b"\x1b@hello\n", "job-000007")
    assert Path(where) == tmp_path / "printer-out" / "job-000007.bin"
    assert Path(where).read_bytes() == b"\x1b@hello\n"
    assert transport.check().ready


def test_a_folder_that_cannot_be_written_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PrinterUnavailable, match="Cannot write"):
        FolderTransport(blocker / "out").send(b"x", "job")


def test_the_device_transport_writes_to_a_device_file(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    DeviceTransport(device, 2.0).send(b"\x1b@receipt\n", "job")
    assert device.read_bytes() == b"\x1b@receipt\n"


def test_an_unplugged_device_printer_says_so(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="plugged in"):
        DeviceTransport(tmp_path / "missing-lp0", 2.0).send(b"x", "job")
    assert not DeviceTransport(tmp_path / "missing-lp0", 2.0).check().ready


class FakeUsbError(Exception):
    """Stands in for usb.core.USBError (pyusb's errors carry errno and text)."""


def test_a_busy_usb_printer_is_unavailable() -> None:
    class Busy:
        def open(self) -> None:
            raise FakeUsbError("[Errno 16] Resource busy")

    with pytest.raises(PrinterUnavailable, match="Resource busy"):
        EscposTransport("USB 0416:5011", Busy).send(b"x", "job")


def test_a_usb_write_timeout_midway_is_an_interruption() -> None:
    closed: list[bool] = []

    class TimesOut:
        def open(self) -> None:
            pass

        def _raw(self, payload: bytes) -> None:
            raise FakeUsbError("[Errno 110] Operation timed out")

        def close(self) -> None:
            closed.append(True)

    with pytest.raises(PrinterInterrupted, match="timed out"):
        EscposTransport("USB 0416:5011", TimesOut).send(b"x", "job")
    assert closed == [True]


def test_no_printer_configured_is_refused_with_what_to_do() -> None:
    with pytest.raises(PrinterUnavailable, match="salon printer setup"):
        transport_for(PrinterConfig())
