"""Sale history: find a sale by number, member or day; see it in full; refund it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonModal, SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.refunds import RefundDone
    from salon_tui.services.sales import Approval
    from salon_tui.services.sales_history import SaleDetail, SaleRow


def _money(node: Any, cents: int) -> str:
    from salon_tui.domain.money import format_money

    shop = node.app.shop
    return format_money(cents, shop.currency if shop else "CNY", current_locale())


class SaleHistoryScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back")),
        Binding("ctrl+f", "refund", N_("Refund"), priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SaleRow] = []
        self.detail: SaleDetail | None = None

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Checkout → Sale history"))
        with Vertical(id="history"):
            yield Input(
                placeholder=_("Sale number or member name; Enter searches"), id="history-search"
            )
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-detail")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_columns(
            _("Sale"), _("Time"), _("Member"), _("Total"), _("Refunded"), _("Cashier")
        )
        self.search("")
        table.focus()

    def search(self, text: str) -> None:
        from salon_tui.services import sales_history

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self, lambda: sales_history.list_sales(uow, actor, search=text, limit=200), self._listed
        )

    def _listed(self, rows: list[SaleRow]) -> None:
        from salon_tui.domain.clock import shop_time

        self.rows = rows
        table = self.query_one("#history-table", DataTable)
        table.clear()
        timezone = self.salon.shop.timezone if self.salon.shop else "UTC"
        for row in rows:
            table.add_row(
                row.number,
                shop_time(row.paid_at, timezone).strftime("%m-%d %H:%M"),
                shown(row.member_label) if row.member_label else _("Walk-in client"),
                _money(self, row.total_cents),
                _money(self, row.refunded_cents) if row.refunded_cents else "",
                row.cashier,
                key=row.number,
            )
        if not rows:
            self.query_one("#history-detail", Static).update(_("No sales found."))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)
        self.query_one("#history-table", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not 0 <= event.cursor_row < len(self.rows):
            return
        from salon_tui.services import sales_history

        uow, actor = self.salon.uow, self.salon.session_actor
        sale_id = self.rows[event.cursor_row].sale_id
        call_service(
            self,
            lambda: sales_history.get_sale(uow, actor, sale_id),
            self._show_detail,
            group="detail",
            exclusive=True,
        )

    def _show_detail(self, detail: SaleDetail) -> None:
        self.detail = detail
        lines = []
        for line in detail.lines:
            who = ", ".join(s.name for s in line.staff)
            refunded = (
                " · " + _("{qty} refunded").format(qty=line.refunded_qty)
                if line.refunded_qty
                else ""
            )
            lines.append(
                f"{line.description} ×{line.qty}  {_money(self, line.net_cents)}"
                + (f"  ({who})" if who else "")
                + refunded
            )
            for adjustment in line.adjustments:
                why = " · ".join(p for p in (adjustment.explanation, adjustment.reason) if p)
                lines.append(
                    f"   {adjustment.label} −{_money(self, adjustment.amount_cents)}"
                    + (f" ({why})" if why else "")
                )
        from salon_tui.services.tenders import tender_table

        tenders = tender_table()
        for payment in detail.payments:
            label = (
                _(tenders[payment.tender].label) if payment.tender in tenders else payment.tender
            )
            lines.append(
                f"{label} {_money(self, payment.amount_cents)}"
                + (f" {payment.reference}" if payment.reference else "")
                + (f" · {payment.refund_number}" if payment.refund_number else "")
            )
        self.query_one("#history-detail", Static).update("\n".join(lines))

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_refund(self) -> None:
        if self.detail is None:
            return
        from salon_tui.screens.modals.approval import may_start

        if not may_start(self.salon.session_actor, "sales.refund", "sales.sell"):
            self.notify(_("Only a manager can refund."), severity="error")
            return
        self.app.push_screen(RefundModal(self.detail), self._refunded)

    def _refunded(self, result: tuple[RefundDone, str] | None) -> None:
        if result is None:
            return
        done, approved_by = result
        text = _("Refund {number}: {amount} back.").format(
            number=done.number, amount=_money(self, done.total_cents)
        )
        if approved_by:
            text += " " + _("Approved by {name}.").format(name=approved_by)
        if done.counted_on_another_day:
            text += " " + _("The sale's day is closed: this refund counts today.")
        self.notify(text, title=_("Refunded"), timeout=10)
        search = self.query_one("#history-search", Input).value
        self.search(search)


class RefundModal(SalonModal[Any]):
    """Units to refund per line (all by default), the reason, and where the money goes.
    Someone at the desk who may not refund alone picks the manager who approves it and
    that manager enters their PIN here. Dismisses with the refund and who approved it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, detail: SaleDetail) -> None:
        super().__init__()
        self.detail = detail
        self.key = uuid.uuid4().hex  # made when the dialog opens: OK twice refunds once
        self.open_lines = [line for line in detail.lines if line.qty > line.refunded_qty]
        self.needs_approval = False
        self.approvers: list[Approval] = []

    def find_approvers(self) -> None:
        """Whether the person here needs a manager's PIN, and who may give it."""
        self.needs_approval = not self.salon.session_actor.can("sales.refund")
        if self.needs_approval:
            from salon_tui.services import approvals

            self.approvers = approvals.approvers(self.salon.uow, "sales.refund")

    def compose(self) -> ComposeResult:
        self.find_approvers()
        with VerticalScroll(classes="dialog form", id="refund-dialog"):
            yield Static(
                _("Refund sale {number}").format(number=self.detail.row.number),
                classes="dialog-title",
            )
            for line in self.open_lines:
                yield Label(
                    _("{item}: units to refund (of {left})").format(
                        item=line.description, left=line.qty - line.refunded_qty
                    )
                )
                yield Input(
                    str(line.qty - line.refunded_qty), id=f"refund-{line.id}", classes="refund-qty"
                )
            yield Label(_("Reason"))
            yield Input(id="refund-reason", max_length=200)
            yield Label(
                _("Back by ({methods}; empty = as paid)").format(
                    methods=", ".join(_(label) for label in self.money_tenders().values())
                )
            )
            yield Input(id="refund-tender")
            if self.approvers:
                yield Label(_("Manager who approves (you may not do this alone)"))
                yield Select(
                    [(person.name, person.staff_id) for person in self.approvers],
                    value=self.approvers[0].staff_id,
                    allow_blank=False,
                    id="refund-approver",
                )
                yield Label(_("Their PIN"))
                yield Input(id="refund-approver-pin", password=True, max_length=8)
            elif self.needs_approval:
                yield Static(_("Nobody here may approve this."), classes="-error")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Refund"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    @staticmethod
    def money_tenders() -> dict[str, str]:
        """The ways a refund may go back (code → msgid); the refund checks the amounts."""
        from salon_tui.services.tenders import list_tenders

        return {t.code: t.label for t in list_tenders() if t.refundable}

    def tender_typed(self, text: str) -> str | None:
        """The tender code for what the manager typed: its name in this language or in
        English, or its code; None when it names none."""
        wanted = " ".join(text.split()).casefold()
        for code, label in self.money_tenders().items():
            if wanted in (code.casefold(), label.casefold(), _(label).casefold()):
                return code
        return None

    def on_mount(self) -> None:
        if not self.open_lines:
            self.query_one("#form-message", Static).update(
                _("Everything on this sale was already refunded.")
            )
        self.query_one("#refund-reason", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "refund-reason":
            self.query_one("#refund-tender", Input).focus()
            return
        if event.input.id == "refund-tender" and self.approvers:
            self.query_one("#refund-approver-pin", Input).focus()
            return
        if event.input.id not in ("refund-tender", "refund-approver-pin"):
            self.query_one("#refund-reason", Input).focus()
            return
        self.submit()

    def submit(self) -> None:
        from salon_tui.services import refunds

        wanted: dict[int, int] = {}
        for line in self.open_lines:
            text = self.query_one(f"#refund-{line.id}", Input).value.strip() or "0"
            if not text.isdigit():
                self.show_problem(_("Units are whole numbers."))
                return
            if int(text):
                wanted[line.id] = int(text)
        reason = self.query_one("#refund-reason", Input).value
        typed = self.query_one("#refund-tender", Input).value.strip()
        tender = self.tender_typed(typed) if typed else None
        if typed and tender is None:
            self.show_problem(
                _("Back by one of: {methods}; or leave it empty to pay back as paid.").format(
                    methods=", ".join(_(label) for label in self.money_tenders().values())
                )
            )
            self.query_one("#refund-tender", Input).focus()
            return
        uow, actor, sale_id, key = (
            self.salon.uow,
            self.salon.session_actor,
            self.detail.row.sale_id,
            self.key,
        )
        approver_id, pin = self.approver_typed()
        if self.needs_approval and not pin:
            self.show_problem(_("The manager enters their PIN to approve this."))
            return

        def refund() -> tuple[RefundDone, str]:
            from salon_tui.services import approvals

            approval = (
                approvals.approve(uow, approver_id, pin, "sales.refund")
                if self.needs_approval and approver_id is not None
                else None
            )
            done = refunds.refund_sale(
                uow,
                actor,
                sale_id,
                key=key,
                reason=reason,
                lines=wanted,
                to_tender=tender,
                approval=approval,
            )
            return done, approval.name if approval else ""

        call_service(self, refund, self.dismiss, failed=self._refused, exclusive=True)

    def approver_typed(self) -> tuple[int | None, str]:
        """The approver picked and the PIN typed (None, "" when none is asked for)."""
        if not self.approvers:
            return None, ""
        chosen = self.query_one("#refund-approver", Select).value
        pin = self.query_one("#refund-approver-pin", Input).value
        return (int(chosen) if isinstance(chosen, int) else None), pin

    def _refused(self, error: SalonError) -> None:
        if self.approvers:
            self.query_one("#refund-approver-pin", Input).value = ""
        self.show_problem(error.message)

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")
