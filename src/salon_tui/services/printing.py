"""The print queue: commit first, print after, never lose a receipt, never print it twice.

Checkout (and cards, refunds, day close) call ``enqueue_receipt`` inside their own
transaction: the job commits with the sale. The printer thread (``PrintWorker``) sends
queued jobs afterwards. A printer that is off, unplugged or busy leaves the job queued
(nothing reached the paper, so it is sent again later, by itself); a job that broke off
part-way becomes *failed* and waits for a person to retry or cancel it. Reprints are
new jobs marked "重印 REPRINT".
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from salon_tui.config import PrinterConfig
from salon_tui.data.bulk import insert_row
from salon_tui.data.models import PrintJob
from salon_tui.data.moment import session_now
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.errors import Conflict, NotFound, PrinterError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.printing import escpos
from salon_tui.printing.layout import Element, ReceiptLayout, labels_for, preview
from salon_tui.printing.receipt import Receipt, receipt_from_json
from salon_tui.printing.testpage import lay_out_test_page
from salon_tui.printing.text import HanziMode
from salon_tui.printing.transports import (
    PrinterInterrupted,
    PrinterStatus,
    PrinterUnavailable,
    Transport,
    profile_for,
    transport_for,
)
from salon_tui.services import audit
from salon_tui.services.permissions import require

logger = logging.getLogger(__name__)

QUEUED, SENDING, PRINTED, FAILED, CANCELLED = "queued", "sending", "printed", "failed", "cancelled"
STATUS_LABELS = {
    QUEUED: N_("waiting"),
    SENDING: N_("sending"),
    PRINTED: N_("printed"),
    FAILED: N_("failed"),
    CANCELLED: N_("cancelled"),
}
DRAWER_KIND = "drawer"
REASON_MAX = 120


@dataclass(frozen=True)
class PrintJobView:
    id: int
    kind: str
    title: str
    status: str
    attempts: int
    last_error: str
    printed_to: str
    open_drawer: bool
    reprint_of: int | None
    created_by_name: str
    created_at: datetime
    printed_at: datetime | None

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class QueueState:
    """What the status bar shows: jobs waiting, jobs needing a person, the last problem."""

    waiting: int
    failed: int
    last_error: str
    last_printed_id: int | None = None


def job_view(job: PrintJob) -> PrintJobView:
    assert job.id is not None
    return PrintJobView(
        id=job.id,
        kind=job.kind,
        title=job.title,
        status=job.status,
        attempts=job.attempts,
        last_error=job.last_error,
        printed_to=job.printed_to,
        open_drawer=job.open_drawer,
        reprint_of=job.reprint_of,
        created_by_name=job.created_by_name,
        created_at=job.created_at,
        printed_at=job.printed_at,
    )


def receipt_title(receipt: Receipt) -> str:
    return f"{labels_for(receipt.language)[receipt.kind.value]} {receipt.number}"[:120]


def _add_job(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    title: str,
    document_json: str,
    open_drawer: bool,
    reprint_of: int | None = None,
) -> PrintJobView:
    """Queue one job inside the caller's transaction (a plain insert: the job is not read
    back as an object)."""
    now = session_now(session)
    values: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "document_json": document_json,
        "open_drawer": open_drawer,
        "reprint_of": reprint_of,
        "status": QUEUED,
        "attempts": 0,
        "last_error": "",
        "printed_to": "",
        "created_by_id": actor.staff_id,
        "created_by_name": actor.name[:60],
        "created_at": now,
        "updated_at": now,
        "printed_at": None,
    }
    job_id = insert_row(session, PrintJob, **values)
    assert job_id is not None
    del values["document_json"], values["updated_at"], values["created_by_id"]
    return PrintJobView(id=job_id, **values)


def enqueue_receipt(
    uow: UnitOfWork, actor: Actor, receipt: Receipt, *, open_drawer: bool | None = None
) -> PrintJobView:
    """Queue a receipt; call it inside the sale's transaction so both commit together.

    The drawer opens for cash unless ``open_drawer`` says otherwise.
    """
    require(actor, "printer.print")
    with uow.transaction() as session:
        job = _add_job(
            session,
            actor,
            kind=receipt.kind.value,
            title=receipt_title(receipt),
            document_json=receipt.to_json(),
            open_drawer=receipt.opens_drawer if open_drawer is None else open_drawer,
        )
        return job


def open_drawer(uow: UnitOfWork, actor: Actor, reason: str) -> PrintJobView:
    """Open the cash drawer without a sale ("no sale"): needs a reason, and is audited."""
    require(actor, "printer.drawer")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why the drawer is opened without a sale."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=REASON_MAX),
            field="reason",
        )
    with uow.transaction() as session:
        job = _add_job(
            session,
            actor,
            kind=DRAWER_KIND,
            title=_("Drawer opened: {reason}").format(reason=reason)[:120],
            document_json=json.dumps({"reason": reason}, ensure_ascii=False),
            open_drawer=True,
        )
        audit.record(
            session, actor, "printer.drawer_open", "print_job", job.id, after={"reason": reason}
        )
        return job


def _load(session: Session, job_id: int) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(_("There is no print job #{id}.").format(id=job_id))
    return job


def reprint(uow: UnitOfWork, actor: Actor, job_id: int) -> PrintJobView:
    """Print a receipt again, marked "重印 REPRINT"; never opens the drawer."""
    require(actor, "printer.jobs")
    with uow.transaction() as session:
        original = _load(session, job_id)
        if original.kind == DRAWER_KIND:
            raise Conflict(_("A drawer opening has nothing to reprint."))
        job = _add_job(
            session,
            actor,
            kind=original.kind,
            title=original.title,
            document_json=original.document_json,
            open_drawer=False,
            reprint_of=original.reprint_of or original.id,
        )
        audit.record(
            session, actor, "printer.reprint", "print_job", job.id, after={"of": original.id}
        )
        return job


def retry(uow: UnitOfWork, actor: Actor, job_id: int) -> PrintJobView:
    """Send a failed job again (a person checked the paper: part of it may have printed)."""
    require(actor, "printer.jobs")
    with uow.transaction() as session:
        job = _load(session, job_id)
        if job.status != FAILED:
            raise Conflict(
                _("Job #{id} is {status}; only failed jobs are retried.").format(
                    id=job_id, status=_(STATUS_LABELS[job.status])
                )
            )
        job.status = QUEUED
        job.updated_at = utc_now()
        session.add(job)
        audit.record(
            session,
            actor,
            "printer.retry",
            "print_job",
            job.id,
            before={"status": FAILED},
            after={"status": QUEUED},
        )
        return job_view(job)


def cancel(uow: UnitOfWork, actor: Actor, job_id: int) -> PrintJobView:
    """Give up on a waiting or failed job; the sale stays as it is."""
    require(actor, "printer.jobs")
    with uow.transaction() as session:
        job = _load(session, job_id)
        if job.status not in (QUEUED, FAILED):
            raise Conflict(
                _("Job #{id} is {status}; only waiting or failed jobs can be cancelled.").format(
                    id=job_id, status=_(STATUS_LABELS[job.status])
                )
            )
        before = job.status
        job.status = CANCELLED
        job.updated_at = utc_now()
        session.add(job)
        audit.record(
            session,
            actor,
            "printer.cancel",
            "print_job",
            job.id,
            before={"status": before},
            after={"status": CANCELLED},
        )
        return job_view(job)


def list_jobs(uow: UnitOfWork, *, limit: int = 30, status: str | None = None) -> list[PrintJobView]:
    """The newest jobs first."""
    query = select(PrintJob).order_by(col(PrintJob.id).desc()).limit(limit)
    if status is not None:
        query = query.where(col(PrintJob.status) == status)
    with uow.read() as session:
        return [job_view(job) for job in session.exec(query)]


def get_job(uow: UnitOfWork, job_id: int) -> PrintJobView:
    with uow.read() as session:
        return job_view(_load(session, job_id))


def queue_state(uow: UnitOfWork) -> QueueState:
    with uow.read() as session:
        counts = dict(
            session.exec(
                select(PrintJob.status, func.count())
                .where(col(PrintJob.status).in_([QUEUED, SENDING, FAILED]))
                .group_by(col(PrintJob.status))
            ).all()
        )
        last = session.exec(
            select(PrintJob.last_error)
            .where(col(PrintJob.status).in_([QUEUED, FAILED]), col(PrintJob.last_error) != "")
            .order_by(col(PrintJob.updated_at).desc())
            .limit(1)
        ).first()
        last_printed = session.exec(
            select(func.max(PrintJob.id)).where(col(PrintJob.status) == PRINTED)
        ).one()
    return QueueState(
        waiting=counts.get(QUEUED, 0) + counts.get(SENDING, 0),
        failed=counts.get(FAILED, 0),
        last_error=last or "",
        last_printed_id=last_printed,
    )


def recover_interrupted(uow: UnitOfWork) -> int:
    """Jobs left *sending* by a crash may be on paper: a person decides (never resent)."""
    with uow.transaction() as session:
        result = session.execute(
            update(PrintJob)
            .where(col(PrintJob.status) == SENDING)
            .values(
                status=FAILED,
                last_error=_(
                    "The program stopped while sending: check the paper, then retry or cancel."
                ),
                updated_at=utc_now(),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


TEST_PAGE_KIND = "test_page"


def _elements(
    kind: str, document_json: str, config: PrinterConfig, *, reprint: bool
) -> list[Element]:
    mode = HanziMode(config.hanzi)
    if kind == TEST_PAGE_KIND:
        data = json.loads(document_json)
        return lay_out_test_page(
            data["shop_name"],
            config.columns,
            mode,
            when=datetime.fromisoformat(data["when"]),
            timezone=data["timezone"],
            settings=printer_summary(config),
        )
    receipt = receipt_from_json(document_json)
    return ReceiptLayout(config.columns, mode).lay_out(receipt, reprint=reprint)


def render_document(
    kind: str, document_json: str, config: PrinterConfig, *, reprint: bool, open_drawer: bool
) -> bytes:
    """The ESC/POS bytes of a stored job for this machine's printer."""
    kick = open_drawer and config.drawer
    if kind == DRAWER_KIND:
        return escpos.drawer_only() if kick else escpos.INIT
    elements = _elements(kind, document_json, config, reprint=reprint)
    return escpos.render(elements, profile_for(config), open_drawer=kick)


def preview_receipt(receipt: Receipt, config: PrinterConfig, *, reprint: bool = False) -> list[str]:
    """The receipt as the paper will show it, one string per line (for screens)."""
    return preview(
        _elements(receipt.kind.value, receipt.to_json(), config, reprint=reprint),
        config.columns,
        HanziMode(config.hanzi),
    )


def preview_job(uow: UnitOfWork, job_id: int, config: PrinterConfig) -> list[str]:
    with uow.read() as session:
        job = _load(session, job_id)
    if job.kind == DRAWER_KIND:
        return [job.title]
    elements = _elements(job.kind, job.document_json, config, reprint=job.reprint_of is not None)
    return preview(elements, config.columns, HanziMode(config.hanzi))


def printer_summary(config: PrinterConfig) -> list[str]:
    """The settings printed on the test page (ASCII: readable on any printer)."""
    return [
        f"connection: {config.connection} ({config.describe()})",
        f"columns: {config.columns}  chinese: {config.hanzi}",
        f"cutter: {'yes' if config.cutter else 'no'}  drawer: {'yes' if config.drawer else 'no'}",
        f"codes: {'printer' if config.native_codes else 'images'}  timeout: {config.timeout_seconds}s",
    ]


def enqueue_test_page(
    uow: UnitOfWork, actor: Actor, shop_name: str, timezone: str, *, open_drawer: bool = False
) -> PrintJobView:
    """Queue a test page (it shows in the job list like any receipt)."""
    require(actor, "printer.setup")
    document = json.dumps(
        {"shop_name": shop_name, "when": utc_now().isoformat(), "timezone": timezone},
        ensure_ascii=False,
    )
    with uow.transaction() as session:
        job = _add_job(
            session,
            actor,
            kind=TEST_PAGE_KIND,
            title=_("Test page"),
            document_json=document,
            open_drawer=open_drawer,
        )
        return job


def test_page_bytes(
    config: PrinterConfig, shop_name: str, timezone: str, *, open_drawer: bool = False
) -> bytes:
    document = json.dumps(
        {"shop_name": shop_name, "when": utc_now().isoformat(), "timezone": timezone}
    )
    return render_document(TEST_PAGE_KIND, document, config, reprint=False, open_drawer=open_drawer)


def print_test_page(
    config: PrinterConfig,
    shop_name: str,
    timezone: str,
    *,
    open_drawer: bool = False,
    transport: Transport | None = None,
) -> str:
    """Send a test page straight to the printer (no queue): where it went, or PrinterError."""
    payload = test_page_bytes(config, shop_name, timezone, open_drawer=open_drawer)
    target = transport or transport_for(config)
    return target.send(payload, f"test-{utc_now().strftime('%Y%m%dT%H%M%S')}")


def printer_status(config: PrinterConfig, transport: Transport | None = None) -> PrinterStatus:
    if not config.enabled:
        return PrinterStatus(False, _("No printer is set up on this computer."))
    return (transport or transport_for(config)).check()


def _claim_next(uow: UnitOfWork) -> PrintJob | None:
    with uow.transaction() as session:
        job = session.exec(
            select(PrintJob)
            .where(col(PrintJob.status) == QUEUED)
            .order_by(col(PrintJob.id))
            .limit(1)
        ).first()
        if job is None:
            return None
        claimed = session.execute(
            update(PrintJob)
            .where(col(PrintJob.id) == job.id, col(PrintJob.status) == QUEUED)
            .values(status=SENDING, attempts=PrintJob.attempts + 1, updated_at=utc_now())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another till's thread took it
        session.refresh(job)
        return job


def _finish(uow: UnitOfWork, job_id: int, **values: Any) -> PrintJobView:
    with uow.transaction() as session:
        job = _load(session, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        job.updated_at = utc_now()
        session.add(job)
        return job_view(job)


def send_next(
    uow: UnitOfWork, config: PrinterConfig, transport: Transport | None = None
) -> PrintJobView | None:
    """Send the oldest queued job; None when nothing waits.

    Raises ``PrinterUnavailable`` (job back in the queue, untouched) when the printer
    cannot be reached, so the caller stops and tries again later.
    """
    job = _claim_next(uow)
    if job is None:
        return None
    assert job.id is not None
    try:
        payload = render_document(
            job.kind,
            job.document_json,
            config,
            reprint=job.reprint_of is not None,
            open_drawer=job.open_drawer,
        )
        target = transport or transport_for(config)
        where = target.send(payload, f"job-{job.id:06d}")
    except PrinterUnavailable as error:
        _finish(uow, job.id, status=QUEUED, last_error=error.message[:400])
        raise
    except PrinterInterrupted as error:
        return _finish(uow, job.id, status=FAILED, last_error=error.message[:400])
    except Exception as error:
        logger.exception("print job %s could not be rendered or sent", job.id)
        return _finish(
            uow,
            job.id,
            status=FAILED,
            last_error=(_("Could not print: {reason}").format(reason=error))[:400],
        )
    return _finish(
        uow, job.id, status=PRINTED, last_error="", printed_to=where[:300], printed_at=utc_now()
    )


def send_pending(
    uow: UnitOfWork, config: PrinterConfig, transport: Transport | None = None
) -> list[PrintJobView]:
    """Send queued jobs until none is left or the printer cannot be reached."""
    sent: list[PrintJobView] = []
    while True:
        try:
            job = send_next(uow, config, transport)
        except PrinterError:
            return sent
        if job is None:
            return sent
        sent.append(job)


class PrintWorker:
    """The printer thread: sends queued jobs now when woken, and every few seconds."""

    def __init__(
        self,
        uow: UnitOfWork,
        load_config: Callable[[], PrinterConfig],
        on_state: Callable[[QueueState, PrinterConfig], None],
        *,
        poll_seconds: float = 5.0,
    ) -> None:
        self.uow = uow
        self.load_config = load_config
        self.on_state = on_state
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="salon-printer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            recover_interrupted(self.uow)
        except Exception:
            logger.exception("could not recover interrupted print jobs")
        while not self._stop.is_set():
            try:
                config = self.load_config()
                if config.enabled:
                    send_pending(self.uow, config)
                self.on_state(queue_state(self.uow), config)
            except Exception:
                logger.exception("the printer thread hit an error")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
