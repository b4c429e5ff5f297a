"""Alerts: the flags the shop's rules raised, for a manager to review and dismiss.

Reached from the home screen's Alerts panel and the command palette (Ctrl+P → Alerts).
Dismissing asks for a note saying what was found; the note goes into the audit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from salon_tui.i18n import N_, _, ngettext
from salon_tui.screens.base import SalonModal, SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.alerts import AlertView


class AlertsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dismiss_flag", N_("Dismiss with a note")),
        Binding("a", "toggle_all", N_("Open / all")),
        Binding("escape", "back", N_("Back"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.flags: list[AlertView] = []

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Alerts"))
        with Vertical(id="alerts"):
            yield Static("", id="alerts-summary")
            yield DataTable(id="alerts-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="alerts-detail")
            yield Static(
                _("D dismiss the selected flag with a note · A open or all · Esc back"),
                classes="hint",
            )
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        from salon_tui.services import alerts

        uow, actor, show_all = self.salon.uow, self.salon.session_actor, self.show_all
        call_service(
            self, lambda: alerts.list_alerts(uow, actor, include_dismissed=show_all), self.show
        )

    def show(self, flags: list[AlertView]) -> None:
        from salon_tui.domain.clock import shop_time

        self.flags = flags
        zone = self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"
        table = self.query_one("#alerts-table", DataTable)
        table.clear(columns=True)
        table.add_columns(_("No."), _("When"), _("Alert"), _("By"), _("Status"))
        for flag in flags:
            table.add_row(
                str(flag.id),
                shop_time(flag.raised_at, zone).strftime("%m-%d %H:%M"),
                shown(flag.label),
                shown(flag.staff_name),
                _("not reviewed") if flag.is_open else _("dismissed"),
                key=str(flag.id),
            )
        open_flags = sum(1 for flag in flags if flag.is_open)
        summary = self.query_one("#alerts-summary", Static)
        if not flags:
            summary.update(_("No open alerts.") if not self.show_all else _("No alerts yet."))
        elif self.show_all:
            summary.update(
                _("{count} flags, {open} of them open.").format(count=len(flags), open=open_flags)
            )
        else:
            summary.update(
                ngettext(
                    "{count} open flag to review.", "{count} open flags to review.", open_flags
                ).format(count=open_flags)
            )
        self.show_detail(flags[0] if flags else None)
        if flags:
            table.focus()

    def selected(self) -> AlertView | None:
        table = self.query_one("#alerts-table", DataTable)
        if not self.flags or table.cursor_row < 0 or table.cursor_row >= len(self.flags):
            return None
        return self.flags[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(self.selected())

    def show_detail(self, flag: AlertView | None) -> None:
        detail = self.query_one("#alerts-detail", Static)
        if flag is None:
            detail.update("")
            return
        lines = [f"[b]{shown(flag.label)}[/b] · {shown(flag.summary)}"]
        lines.append(
            _("By {name}; audit entry #{seq}.").format(
                name=shown(flag.staff_name), seq=flag.audit_seq
            )
        )
        if not flag.is_open:
            lines.append(
                _("Dismissed by {name}: {note}").format(
                    name=flag.reviewed_by_name, note=flag.review_note
                )
            )
        detail.update("\n".join(lines))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_dismiss_flag()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    def action_dismiss_flag(self) -> None:
        flag = self.selected()
        if flag is None:
            return
        if not flag.is_open:
            self.notify(_("That flag was already reviewed."), severity="warning")
            return
        if not self.salon.session_actor.can("alerts.review"):
            self.notify(_("You are not allowed to review alerts."), severity="warning")
            return
        self.app.push_screen(DismissAlertModal(flag), self.dismissed)

    def dismissed(self, done: AlertView | None) -> None:
        if done is None:
            return
        self.notify(_("Alert #{id} dismissed.").format(id=done.id))
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


class DismissAlertModal(SalonModal["AlertView | None"]):
    """A note on what was found; the service dismisses the flag or says why not."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, flag: AlertView) -> None:
        super().__init__()
        self.flag = flag

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Dismiss alert #{id}").format(id=self.flag.id), classes="dialog-title")
            yield Static(self.flag.summary)
            yield Label(_("What did you find?"))
            yield Input(id="alert-note", max_length=200)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Dismiss"), variant="primary", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#alert-note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        from salon_tui.services import alerts

        uow, actor = self.salon.uow, self.salon.session_actor
        note, flag_id = self.query_one("#alert-note", Input).value, self.flag.id

        def failed(error: Any) -> None:
            message = self.query_one("#form-message", Static)
            message.update(error.message)
            message.add_class("-error")

        call_service(
            self,
            lambda: alerts.dismiss(uow, actor, flag_id, note),
            self.dismiss,
            failed=failed,
            exclusive=True,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
