"""Asking the printer how it is (DLE EOT) before a job: paper out, cover open, offline.

The simulated printers answer like the ESC/POS manuals say a real one does: one byte per
``DLE EOT n`` with bits 1 and 4 set and bits 0 and 7 clear. The network printer is a real
TCP socket on 127.0.0.1 and the device printer a real pseudo-terminal in raw mode (what
the kernel's usblp gives for /dev/usb/lp0 is a character device that reads back too).
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from salon_tui.config import PrinterConfig
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.printing.status import (
    ASK_OFFLINE_CAUSE,
    ASK_PAPER,
    ASK_PRINTER,
    Condition,
    ask,
)
from salon_tui.printing.transports import (
    DeviceTransport,
    PrinterUnavailable,
    network_transport,
    transport_for,
)
from salon_tui.services import printing
from tests.printing import samples

FIXED = 0b0001_0010  # bits 1 and 4 set in every answer


@dataclass
class State:
    offline: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_low: bool = False

    def answer(self, query: bytes) -> bytes:
        if query == ASK_PRINTER:
            stopped = self.offline or self.cover_open or self.paper_out
            return bytes([FIXED | (0b1000 if stopped else 0)])
        if query == ASK_OFFLINE_CAUSE:
            return bytes(
                [FIXED | (0b100 if self.cover_open else 0) | (0b10_0000 if self.paper_out else 0)]
            )
        if query == ASK_PAPER:
            return bytes(
                [FIXED | (0b1100 if self.paper_low else 0) | (0b110_0000 if self.paper_out else 0)]
            )
        return b""


def exchange_with(state: State) -> tuple[list[bytes], object]:
    asked: list[bytes] = []

    def exchange(query: bytes) -> bytes:
        asked.append(query)
        return state.answer(query)

    return asked, exchange


@pytest.mark.parametrize(
    ("state", "problem", "warning"),
    [
        (State(), "", ""),
        (State(paper_low=True), "", "nearly finished"),
        (State(paper_out=True), "out of paper", ""),
        (State(cover_open=True), "cover is open", ""),
        (State(offline=True), "offline", ""),
        (State(paper_out=True, cover_open=True), "out of paper", ""),
    ],
)
def test_the_answers_to_the_three_queries_say_what_is_wrong(
    state: State, problem: str, warning: str
) -> None:
    asked, exchange = exchange_with(state)
    condition = ask(exchange)  # type: ignore[arg-type]
    assert condition is not None
    assert (problem in condition.problem()) and (bool(problem) == bool(condition.problem()))
    assert (warning in condition.warning()) and (bool(warning) == bool(condition.warning()))
    # The offline cause is asked only when the printer says it is offline.
    stopped = state.offline or state.cover_open or state.paper_out
    assert asked == (
        [ASK_PRINTER, ASK_OFFLINE_CAUSE, ASK_PAPER] if stopped else [ASK_PRINTER, ASK_PAPER]
    )


def test_a_printer_that_does_not_answer_or_answers_noise_is_not_asked_further() -> None:
    for reply in (b"", b"\xff", b"A"):
        asked: list[bytes] = []

        def exchange(query: bytes, reply: bytes = reply, asked: list[bytes] = asked) -> bytes:
            asked.append(query)
            return reply

        assert ask(exchange) is None
        assert asked == [ASK_PRINTER]


def test_stale_bytes_before_the_answer_are_skipped() -> None:
    condition = ask(lambda query: b"\xff\x00" + State(paper_out=True).answer(query))
    assert condition == Condition(offline=True, paper_out=True)


class AnsweringPrinter:
    """A port-9100 printer on 127.0.0.1 that answers status queries and keeps the rest."""

    def __init__(self, state: State | None) -> None:
        self.state = state  # None: a printer that never answers
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                while chunk := connection.recv(65536):
                    self.received += chunk
                    if self.state is not None and chunk[:2] == b"\x10\x04":
                        connection.sendall(self.state.answer(chunk[:3]))

    def close(self) -> bytes:
        self.server.close()
        self.thread.join(5)
        return bytes(self.received)


def test_a_network_printer_out_of_paper_gets_nothing_and_the_job_can_wait() -> None:
    printer = AnsweringPrinter(State(paper_out=True))
    transport = network_transport("127.0.0.1", printer.port, 2.0)
    with pytest.raises(PrinterUnavailable, match="out of paper"):
        transport.send(b"\x1b@receipt\n", "job-000001")
    status = transport.check()
    assert not status.ready and "out of paper" in status.message
    time.sleep(0.1)
    received = bytes(printer.received)
    assert b"receipt" not in received  # only the questions reached it
    assert (
        received.replace(ASK_PRINTER, b"").replace(ASK_OFFLINE_CAUSE, b"").replace(ASK_PAPER, b"")
        == b""
    )
    assert printer.state is not None
    printer.state.paper_out = False
    printer.state.paper_low = True
    transport.send(b"\x1b@receipt\n", "job-000001")
    status = transport.check()
    assert status.ready and "nearly finished" in status.message
    assert printer.close().endswith(
        ASK_PRINTER + ASK_PAPER + b"\x1b@receipt\n" + ASK_PRINTER + ASK_PAPER
    )


def test_a_network_printer_that_never_answers_still_prints_after_a_short_wait() -> None:
    printer = AnsweringPrinter(None)
    started = time.monotonic()
    network_transport("127.0.0.1", printer.port, 5.0).send(b"\x1b@receipt\n", "job")
    assert time.monotonic() - started < 2.0  # the status wait, not the 5 s write timeout
    assert printer.close() == ASK_PRINTER + b"\x1b@receipt\n"
    status = transport_for(
        PrinterConfig(connection="network", host="127.0.0.1", port=AnsweringPrinter(None).port)
    ).check()
    assert status.ready and "does not report" in status.message


@pytest.fixture
def device_printer() -> Iterator[tuple[Path, State, bytearray]]:
    """A character-device printer: the slave side of a raw pseudo-terminal."""
    main, device = os.openpty()
    tty.setraw(device)
    state = State()
    received = bytearray()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            readable, _, _ = select.select([main], [], [], 0.05)
            if not readable:
                continue
            try:
                chunk = os.read(main, 4096)
            except OSError:
                return
            received.extend(chunk)
            for index in range(len(chunk) - 2):
                if chunk[index : index + 2] == b"\x10\x04":
                    os.write(main, state.answer(chunk[index : index + 3]))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield Path(os.ttyname(device)), state, received
    stop.set()
    thread.join(2)
    os.close(main)
    os.close(device)


def test_a_device_printer_reads_back_its_status(
    device_printer: tuple[Path, State, bytearray],
) -> None:
    path, state, received = device_printer
    transport = DeviceTransport(path, 2.0)
    state.cover_open = True
    with pytest.raises(PrinterUnavailable, match="cover is open"):
        transport.send(b"\x1b@receipt\n", "job")
    assert not transport.check().ready
    state.cover_open = False
    transport.send(b"\x1b@receipt\n", "job")
    time.sleep(0.2)
    assert bytes(received).count(b"\x1b@receipt\n") == 1
    assert transport.check().ready


def test_the_queue_keeps_a_job_while_the_printer_is_out_of_paper_and_prints_it_once_after(
    uow: UnitOfWork, owner: Actor
) -> None:
    printer = AnsweringPrinter(State(paper_out=True))
    config = PrinterConfig(connection="network", host="127.0.0.1", port=printer.port)
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    assert printing.send_pending(uow, config) == []
    waiting = printing.get_job(uow, job.id)
    assert waiting.status == "queued" and "out of paper" in waiting.last_error
    assert "out of paper" in printing.queue_state(uow).last_error
    assert printer.state is not None
    printer.state.paper_out = False
    [printed] = printing.send_pending(uow, config)
    assert printed.status == "printed"
    assert printing.send_pending(uow, config) == []
    assert printer.close().count("销售小票".encode("gbk")) == 1
