"""The print queue as a table: retry, reprint, cancel and preview the selected job.

Settings → Printer shows it; checkout can show the same table for "reprint the last
receipt".
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from salon_tui.config import PrinterConfig
from salon_tui.domain.clock import shop_time
from salon_tui.i18n import N_, _
from salon_tui.widgets.worker import call_service


class PrintJobsTable(DataTable[str]):
    """The print queue with retry, reprint, cancel and preview on the selected job."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", N_("Retry")),
        Binding("p", "reprint", N_("Reprint")),
        Binding("x", "cancel_job", N_("Cancel job")),
        Binding("v", "preview", N_("Preview")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.jobs: list[Any] = []

    def on_mount(self) -> None:
        self.add_columns("#", _("What"), _("Status"), _("Time"), _("Problem"))

    @property
    def salon(self) -> Any:
        return self.app

    def reload(self) -> None:
        from salon_tui.services import printing

        uow = self.salon.uow
        if uow is None:
            return
        call_service(self, lambda: printing.list_jobs(uow, limit=50), self._show, group="jobs")

    def _show(self, jobs: list[Any]) -> None:
        keep = self.cursor_row
        self.jobs = jobs
        self.clear()
        zone = self.salon.shop.timezone if self.salon.shop else "UTC"
        for job in jobs:
            self.add_row(
                str(job.id),
                job.title,
                job.status_label,
                shop_time(job.created_at, zone).strftime("%m-%d %H:%M"),
                job.last_error,
                key=str(job.id),
            )
        if jobs:
            self.move_cursor(row=min(keep, len(jobs) - 1))

    def selected_job(self) -> Any:
        if not self.jobs or self.cursor_row >= len(self.jobs):
            return None
        return self.jobs[self.cursor_row]

    def _act(self, call: Any, done_message: str) -> None:
        job = self.selected_job()
        if job is None:
            return
        uow, actor = self.salon.uow, self.salon.session_actor

        def finished(result: Any) -> None:
            self.salon.hub.wake_printer()
            self.app.notify(done_message.format(id=result.id))
            self.reload()

        call_service(self, lambda: call(uow, actor, job.id), finished)

    def action_retry(self) -> None:
        from salon_tui.services import printing

        self._act(printing.retry, _("Job #{id} will be sent again."))

    def action_reprint(self) -> None:
        from salon_tui.services import printing

        self._act(printing.reprint, _("Reprint queued as job #{id}."))

    def action_cancel_job(self) -> None:
        from salon_tui.services import printing

        self._act(printing.cancel, _("Job #{id} cancelled."))

    def action_preview(self) -> None:
        from salon_tui.services import printing
        from salon_tui.widgets.receipt_preview import ReceiptPreviewModal

        job = self.selected_job()
        if job is None:
            return
        uow = self.salon.uow
        printer = self.salon.hub.config.printer if self.salon.hub.config else PrinterConfig()
        call_service(
            self,
            lambda: printing.preview_job(uow, job.id, printer),
            lambda lines: self.app.push_screen(
                ReceiptPreviewModal(job.title, lines, printer.columns)
            ),
        )
