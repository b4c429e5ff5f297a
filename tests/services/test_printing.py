"""The print queue: commit first, print after; a printer that is off never loses or
doubles a receipt; reprints are marked; drawer openings without a sale are audited."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from salon_tui.config import PrinterConfig
from salon_tui.data.models import PrintJob
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.printing.layout import REPRINT_MARK
from salon_tui.printing.transports import PrinterInterrupted, PrinterStatus, PrinterUnavailable
from salon_tui.services import audit, printing
from tests.printing import samples
from tests.printing.escpos_reader import read


class FlakyPrinter:
    """A transport that is off, breaks mid-job, or prints: what tests switch between."""

    def __init__(self) -> None:
        self.mode = "off"
        self.printed: list[bytes] = []

    def send(self, payload: bytes, name: str) -> str:
        if self.mode == "off":
            raise PrinterUnavailable("The printer 192.0.2.7:9100 is not there")
        if self.mode == "jam":
            raise PrinterInterrupted("The printer stopped during the job: out of paper")
        self.printed.append(payload)
        return "fake printer"

    def check(self) -> PrinterStatus:
        return PrinterStatus(self.mode == "on", self.mode)


def folder_config(tmp_path: Path, **changes: object) -> PrinterConfig:
    return PrinterConfig(connection="folder", folder=str(tmp_path / "printer-out"), **changes)  # type: ignore[arg-type]


def test_a_job_queued_inside_a_sale_that_rolls_back_is_not_kept(
    uow: UnitOfWork, owner: Actor
) -> None:
    with pytest.raises(RuntimeError), uow.transaction():
        printing.enqueue_receipt(uow, owner, samples.sale())
        raise RuntimeError("the sale failed")
    assert printing.list_jobs(uow) == []


def test_a_queued_receipt_is_printed_to_the_file_printer(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    assert (job.status, job.open_drawer, job.title) == ("queued", True, "销售小票 S20261122-0001")
    [sent] = printing.send_pending(uow, folder_config(tmp_path, columns=32))
    assert sent.status == "printed" and sent.attempts == 1
    written = tmp_path / "printer-out" / f"job-{job.id:06d}.bin"
    assert sent.printed_to == str(written)
    page = read(written.read_bytes())
    assert "合计                    ￥305.00" in page.text_lines
    assert len(page.named("ESC p")) == 1
    assert printing.send_pending(uow, folder_config(tmp_path)) == []  # nothing prints twice


def test_a_printer_that_is_off_keeps_the_job_waiting_then_prints_it_once(
    uow: UnitOfWork, owner: Actor
) -> None:
    printer = FlakyPrinter()
    config = PrinterConfig(connection="network", host="192.0.2.7")
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    for _ in range(3):
        assert printing.send_pending(uow, config, printer) == []
    waiting = printing.get_job(uow, job.id)
    assert (waiting.status, waiting.attempts) == ("queued", 3)
    assert "not there" in waiting.last_error
    state = printing.queue_state(uow)
    assert (state.waiting, state.failed) == (1, 0) and "not there" in state.last_error
    printer.mode = "on"
    [printed] = printing.send_pending(uow, config, printer)
    assert printed.status == "printed" and printed.last_error == ""
    assert len(printer.printed) == 1
    assert printing.send_pending(uow, config, printer) == []
    assert len(printer.printed) == 1
    assert printing.queue_state(uow) == printing.QueueState(0, 0, "", job.id)


def test_a_job_that_breaks_off_waits_for_a_person_and_is_not_resent_by_itself(
    uow: UnitOfWork, owner: Actor
) -> None:
    printer = FlakyPrinter()
    printer.mode = "jam"
    config = PrinterConfig(connection="network", host="192.0.2.7")
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    [failed] = printing.send_pending(uow, config, printer)
    assert failed.status == "failed" and "out of paper" in failed.last_error
    printer.mode = "on"
    assert printing.send_pending(uow, config, printer) == []
    assert printing.queue_state(uow).failed == 1
    printing.retry(uow, owner, job.id)
    [printed] = printing.send_pending(uow, config, printer)
    assert printed.id == job.id and printed.status == "printed" and printed.attempts == 2
    assert [entry.action for entry in audit.list_entries(uow, owner)][-1] == "printer.retry"


def test_only_failed_jobs_are_retried_and_printed_ones_are_not_cancelled(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    job = printing.enqueue_receipt(uow, owner, samples.top_up())
    with pytest.raises(Conflict, match="only failed jobs"):
        printing.retry(uow, owner, job.id)
    printing.send_pending(uow, folder_config(tmp_path))
    with pytest.raises(Conflict, match="only waiting or failed"):
        printing.cancel(uow, owner, job.id)


def test_a_reprint_is_a_new_job_marked_reprint_without_a_drawer_kick(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    config = folder_config(tmp_path)
    original = printing.enqueue_receipt(uow, owner, samples.sale())
    printing.send_pending(uow, config)
    again = printing.reprint(uow, owner, original.id)
    assert again.id != original.id and again.reprint_of == original.id and not again.open_drawer
    printing.send_pending(uow, config)
    page = read((tmp_path / "printer-out" / f"job-{again.id:06d}.bin").read_bytes())
    assert page.text_lines.count(REPRINT_MARK) == 2
    assert page.named("ESC p") == []
    # A reprint of a reprint still points at the first print.
    assert printing.reprint(uow, owner, again.id).reprint_of == original.id


def test_cancelling_a_waiting_job_stops_it_printing(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    job = printing.enqueue_receipt(uow, owner, samples.refund())
    cancelled = printing.cancel(uow, owner, job.id)
    assert cancelled.status == "cancelled"
    assert printing.send_pending(uow, folder_config(tmp_path)) == []
    last = audit.list_entries(uow, owner)[-1]
    assert (last.action, last.before, last.after) == (
        "printer.cancel",
        {"status": "queued"},
        {"status": "cancelled"},
    )


def test_jobs_left_sending_by_a_crash_become_failed_never_resent(
    uow: UnitOfWork, owner: Actor
) -> None:
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    with uow.transaction() as session:
        row = session.get(PrintJob, job.id)
        assert row is not None
        row.status = "sending"
        session.add(row)
    assert printing.recover_interrupted(uow) == 1
    recovered = printing.get_job(uow, job.id)
    assert recovered.status == "failed" and "check the paper" in recovered.last_error


def test_opening_the_drawer_without_a_sale_needs_a_reason_and_is_audited(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="Say why"):
        printing.open_drawer(uow, owner, "   ")
    assert printing.list_jobs(uow) == []
    job = printing.open_drawer(uow, owner, "change for the float")
    last = audit.list_entries(uow, owner)[-1]
    assert (last.action, last.after) == ("printer.drawer_open", {"reason": "change for the float"})
    printing.send_pending(uow, folder_config(tmp_path))
    payload = (tmp_path / "printer-out" / f"job-{job.id:06d}.bin").read_bytes()
    assert payload == b"\x1b@\x1bp\x00\x19\xfa"
    with pytest.raises(Conflict):
        printing.reprint(uow, owner, job.id)


def test_no_drawer_kick_when_the_printer_has_no_drawer(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    printing.send_pending(uow, folder_config(tmp_path, drawer=False))
    page = read((tmp_path / "printer-out" / f"job-{job.id:06d}.bin").read_bytes())
    assert page.named("ESC p") == []


def test_a_stylist_cannot_open_the_drawer_or_reprint(
    uow: UnitOfWork, owner: Actor, make_actor
) -> None:  # type: ignore[no-untyped-def]
    stylist = make_actor(Role.STYLIST)
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    with pytest.raises(PermissionDenied):
        printing.open_drawer(uow, stylist, "float")
    with pytest.raises(PermissionDenied):
        printing.reprint(uow, stylist, job.id)


def test_the_test_page_goes_straight_to_the_printer(tmp_path: Path) -> None:
    config = folder_config(tmp_path, columns=32)
    where = printing.print_test_page(config, "丝语美发", "Asia/Shanghai")
    page = read(Path(where).read_bytes())
    assert "12345678901234567890123456789012" in page.text_lines
    assert "汉字" * 8 in page.text_lines
    assert any("connection: folder" in line for line in page.text_lines)
    assert page.named("ESC p") == []
    with_drawer = read(
        printing.test_page_bytes(config, "丝语美发", "Asia/Shanghai", open_drawer=True)
    )
    assert len(with_drawer.named("ESC p")) == 1


def test_the_printer_thread_prints_when_woken(
    uow: UnitOfWork, owner: Actor, tmp_path: Path
) -> None:
    config = folder_config(tmp_path)
    states: list[printing.QueueState] = []
    seen = threading.Event()

    def on_state(state: printing.QueueState, _config: PrinterConfig) -> None:
        states.append(state)
        if state.waiting == 0 and list((tmp_path / "printer-out").glob("*.bin")):
            seen.set()

    worker = printing.PrintWorker(uow, lambda: config, on_state, poll_seconds=30)
    job = printing.enqueue_receipt(uow, owner, samples.sale())
    worker.start()
    worker.wake()
    try:
        assert seen.wait(10)
    finally:
        worker.stop()
    assert printing.get_job(uow, job.id).status == "printed"
