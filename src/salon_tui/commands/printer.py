"""`salon printer …`: set up this computer's receipt printer, test it, see and fix jobs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork

app = new_app(_("Receipt printer and cash drawer: setup, test page, status, print jobs."))

PAPER_COLUMNS = {58: 32, 80: 48}


def _shop_details() -> tuple[str, str]:
    """The shop's name and timezone when a shop exists here (a test page works without)."""
    from salon_tui.errors import SalonError

    try:
        uow = open_database()
    except SalonError:
        return "salon_tui", "UTC"
    from salon_tui.services import shop

    settings = shop.require_shop(uow)
    uow.dispose()
    return settings.name, settings.timezone


@app.command("setup", help=_("Choose this computer's printer and paper; writes config.toml."))
def setup_command(
    connection: Annotated[
        str | None,
        typer.Option(
            "--connection", help=_("folder, device, usb, network, serial, or none (no printer).")
        ),
    ] = None,
    folder: Annotated[
        str | None, typer.Option("--folder", help=_("Folder for the file printer."))
    ] = None,
    device: Annotated[
        str | None,
        typer.Option("--device", help=_("Device file: /dev/usb/lp0 or a serial port.")),
    ] = None,
    host: Annotated[str | None, typer.Option("--host", help=_("Network printer address."))] = None,
    port: Annotated[int | None, typer.Option("--port", help=_("Network port (9100)."))] = None,
    usb_id: Annotated[
        str | None, typer.Option("--usb-id", help=_("USB vendor:product in hex (see lsusb)."))
    ] = None,
    baudrate: Annotated[int | None, typer.Option("--baudrate", help=_("Serial speed."))] = None,
    paper: Annotated[
        int | None, typer.Option("--paper", help=_("Paper width in mm: 58 or 80."))
    ] = None,
    columns: Annotated[
        int | None, typer.Option("--columns", help=_("Characters per line: 32, 42 or 48."))
    ] = None,
    chinese: Annotated[
        str | None,
        typer.Option(
            "--chinese",
            help=_(
                "gbk (the printer has a Chinese font); without one: pinyin, or image "
                "(Chinese drawn as pictures with a font from this computer)."
            ),
        ),
    ] = None,
    font: Annotated[
        str | None,
        typer.Option(
            "--font",
            help=_("With --chinese image: the font file to draw Chinese with (default: found)."),
        ),
    ] = None,
    cutter: Annotated[
        bool | None, typer.Option("--cutter/--no-cutter", help=_("The printer cuts the paper."))
    ] = None,
    drawer: Annotated[
        bool | None,
        typer.Option("--drawer/--no-drawer", help=_("A cash drawer is plugged into it.")),
    ] = None,
    native_codes: Annotated[
        bool | None,
        typer.Option(
            "--printer-codes/--image-codes",
            help=_("QR codes and barcodes drawn by the printer, or sent as images."),
        ),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help=_("Seconds before a job counts as failed."))
    ] = None,
) -> None:
    from salon_tui import config as machine
    from salon_tui.printing.access import printer_access_steps

    current = machine.load_config()
    if paper is not None:
        if paper not in PAPER_COLUMNS:
            raise UsageProblem(_("--paper is 58 or 80."))
        columns = columns or PAPER_COLUMNS[paper]
    changes: dict[str, Any] = {
        "connection": connection,
        "folder": folder,
        "device": device,
        "host": host,
        "port": port,
        "usb_id": usb_id,
        "baudrate": baudrate,
        "columns": columns,
        "hanzi": chinese,
        "font": font,
        "cutter": cutter,
        "drawer": drawer,
        "native_codes": native_codes,
        "timeout_seconds": timeout,
    }
    printer = replace(current.printer, **{k: v for k, v in changes.items() if v is not None})
    path = machine.save_config(replace(current, printer=printer))
    saved = machine.load_config(path).printer
    typer.echo(_("Saved to {path}: {printer}").format(path=path, printer=saved.describe()))
    for line in printer_access_steps(saved):
        typer.echo(f"  {line}")
    if saved.enabled:
        typer.echo(_("Next: salon printer test"))


@app.command("test", help=_("Print a test page now: both languages, width ruler, QR, barcode."))
def test_command(
    drawer: Annotated[bool, typer.Option("--drawer", help=_("Also open the cash drawer."))] = False,
) -> None:
    from salon_tui import config as machine
    from salon_tui.services import printing

    printer = machine.load_config().printer
    name, timezone = _shop_details()
    where = printing.print_test_page(printer, name, timezone, open_drawer=drawer)
    typer.echo(_("Test page sent to {where}.").format(where=where))


@app.command("status", help=_("Is the printer reachable, and what waits in the print queue."))
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui import config as machine
    from salon_tui.errors import SalonError
    from salon_tui.services import printing

    printer = machine.load_config().printer
    status = printing.printer_status(printer)
    state = None
    try:
        uow = open_database()
        state = printing.queue_state(uow)
        uow.dispose()
    except SalonError:
        pass
    if as_json:
        print_json(
            {
                "printer": printer.describe(),
                "ready": status.ready,
                "message": status.message,
                "columns": printer.columns,
                "waiting": state.waiting if state else None,
                "failed": state.failed if state else None,
            }
        )
    else:
        typer.echo(_("Printer: {printer}").format(printer=printer.describe()))
        typer.echo(
            (_("Ready: {message}") if status.ready else _("Not ready: {message}")).format(
                message=status.message
            )
        )
        if state is not None:
            typer.echo(
                _("Jobs waiting: {waiting}, failed: {failed}").format(
                    waiting=state.waiting, failed=state.failed
                )
            )
            if state.last_error:
                typer.echo(_("Last problem: {error}").format(error=state.last_error))
    if not status.ready:
        raise typer.Exit(1)


@app.command("jobs", help=_("The latest print jobs, newest first."))
def jobs_command(
    status: Annotated[
        str | None,
        typer.Option("--status", help=_("Only: queued, printed, failed or cancelled.")),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=_("How many jobs."))] = 20,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import printing

    if status is not None and status not in printing.STATUS_LABELS:
        raise UsageProblem(
            _("--status is one of: {names}.").format(names=", ".join(printing.STATUS_LABELS))
        )
    uow = open_database()
    jobs = printing.list_jobs(uow, limit=limit, status=status)
    if as_json:
        print_json(
            [
                {
                    "id": job.id,
                    "title": job.title,
                    "status": job.status,
                    "attempts": job.attempts,
                    "error": job.last_error,
                    "reprint_of": job.reprint_of,
                    "created_at": job.created_at.isoformat(),
                }
                for job in jobs
            ]
        )
        return
    print_table(
        [_("Job"), _("What"), _("Status"), _("Tries"), _("Problem")],
        [(job.id, job.title, job.status_label, job.attempts, job.last_error) for job in jobs],
    )


def _send_now(uow: UnitOfWork) -> None:
    """The CLI has no printer thread: send what waits, and say what happened."""
    from salon_tui import config as machine
    from salon_tui.services import printing

    printer = machine.load_config().printer
    if not printer.enabled:
        typer.echo(_("No printer is set up on this computer; the job waits in the queue."))
        return
    sent = printing.send_pending(uow, printer)
    for job in sent:
        typer.echo(f"#{job.id} {job.title}: {job.status_label} {job.last_error}".rstrip())
    state = printing.queue_state(uow)
    if state.waiting:
        typer.echo(
            _("{count} job(s) still waiting: {error}").format(
                count=state.waiting, error=state.last_error
            )
        )


@app.command("send", help=_("Send the jobs waiting in the queue now."))
def send_command() -> None:
    uow = open_database()
    _send_now(uow)


@app.command("retry", help=_("Send a failed job again (check the paper first)."))
def retry_command(
    ctx: typer.Context, job: Annotated[int, typer.Argument(help=_("The job number."))]
) -> None:
    from salon_tui.services import printing

    uow = open_database()
    printing.retry(uow, acting_staff(ctx, uow), job)
    _send_now(uow)


@app.command("reprint", help=_("Print a receipt again, marked REPRINT (no drawer kick)."))
def reprint_command(
    ctx: typer.Context, job: Annotated[int, typer.Argument(help=_("The job number."))]
) -> None:
    from salon_tui.services import printing

    uow = open_database()
    again = printing.reprint(uow, acting_staff(ctx, uow), job)
    typer.echo(_("Reprint queued as job #{id}.").format(id=again.id))
    _send_now(uow)


@app.command("cancel", help=_("Give up on a waiting or failed job; the sale is not touched."))
def cancel_command(
    ctx: typer.Context, job: Annotated[int, typer.Argument(help=_("The job number."))]
) -> None:
    from salon_tui.services import printing

    uow = open_database()
    cancelled = printing.cancel(uow, acting_staff(ctx, uow), job)
    typer.echo(_("Job #{id} cancelled.").format(id=cancelled.id))


@app.command("drawer", help=_("Open the cash drawer without a sale (needs a reason; audited)."))
def drawer_command(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help=_("Why the drawer is opened."))],
) -> None:
    from salon_tui.services import printing

    uow = open_database()
    job = printing.open_drawer(uow, acting_staff(ctx, uow), reason)
    typer.echo(_("Drawer opening queued as job #{id}.").format(id=job.id))
    _send_now(uow)


@app.command(
    "receipt",
    help=_(
        "Print a receipt again by its number: a paid sale, a top-up (T…) or a gift card "
        "(G…); no drawer kick."
    ),
)
def receipt_command(
    ctx: typer.Context,
    number: Annotated[
        str,
        typer.Argument(
            help=_("The sale number (20261122-0001), top-up (T000123) or gift card (G000045).")
        ),
    ],
) -> None:
    from salon_tui.services import printing, receipts

    uow = open_database()
    actor = acting_staff(ctx, uow)
    receipt = receipts.receipt_by_number(uow, actor, number)
    job = printing.enqueue_receipt(uow, actor, receipt, open_drawer=False)
    typer.echo(_("Receipt {number} queued as job #{id}.").format(number=receipt.number, id=job.id))
    _send_now(uow)


@app.command("preview", help=_("Show a job's receipt as text, at this printer's paper width."))
def preview_command(
    job: Annotated[int, typer.Argument(help=_("The job number."))],
) -> None:
    from salon_tui import config as machine
    from salon_tui.services import printing

    uow = open_database()
    printer = machine.load_config().printer
    for line in printing.preview_job(uow, job, printer):
        typer.echo(line)
