"""The Z report (day close) on screen, and printed through the print queue."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader


class ZReportScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Back")),
        Binding("p", "print", N_("Print")),
        Binding("left", "day(-1)", N_("Day before")),
        Binding("right", "day(1)", N_("Day after")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: Any = None
        self.day: Any = None

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Checkout → Day close (Z report)"))
        with VerticalScroll(id="z-report"):
            yield Static(_("Loading…"), id="z-body")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        from salon_tui.domain.clock import business_date, utc_now

        self.day = business_date(utc_now(), self.salon.shop.timezone)
        self.load()

    def load(self) -> None:
        from salon_tui.domain.periods import Period
        from salon_tui.services import reports

        uow, actor, day = self.salon.uow, self.salon.session_actor, self.day
        call_service(
            self,
            lambda: reports.run_report(
                uow,
                actor,
                "daily",
                reports.ReportRequest(Period(day, day), store=reports.desk_store(uow)),
            ),
            self.show,
        )

    def show(self, result: Any) -> None:
        from salon_tui.domain.money import format_money

        self.result = result

        def cell(column: Any, value: Any) -> str:
            if value is None:
                return "—"
            if column.kind.value == "money":
                return format_money(value, result.currency, current_locale())
            return str(value)

        out = [f"[b]{result.title} · {self.day.isoformat()}[/b]", ""]
        for section in result.sections:
            out.append(f"[b]{section.title}[/b]")
            if not section.rows:
                out.append("  " + _("(nothing)"))
            for row in section.rows:
                out.append(
                    "  "
                    + " · ".join(f"{c.header}: {cell(c, row.get(c.key))}" for c in section.columns)
                )
            out.append("")
        out += [f"[i]{note}[/i]" for note in result.notes]
        self.query_one("#z-body", Static).update("\n".join(out))

    def action_day(self, step: int) -> None:
        from datetime import timedelta

        self.day = self.day + timedelta(days=step)
        self.load()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_print(self) -> None:
        if self.result is None:
            return
        from salon_tui.services import reports
        from salon_tui.services.sale_receipts import print_day_close

        uow, actor, day = self.salon.uow, self.salon.session_actor, self.day
        # Printed in the shop's receipt language, whatever this screen speaks.
        call_service(
            self,
            lambda: print_day_close(uow, actor, day, reports.desk_store(uow)),
            lambda _job: self.notify(_("The Z report is in the print queue.")),
        )
