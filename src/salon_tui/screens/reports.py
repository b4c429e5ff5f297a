"""Reports (F6): pick a report and a period with the keyboard; tables, charts, xlsx export.

Every report registered in ``services.reports`` that the person may run is listed; the
same report, period and grouping give the same figures as ``salon report NAME``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from salon_tui import paths
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.dates import parse_date
from salon_tui.domain.periods import Bucket, Period, parse_month
from salon_tui.errors import ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.services.reports import ReportResult, ReportSpec, ReportStore
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.report_view import ReportView
from salon_tui.widgets.shop_header import ShopHeader


def _month_before(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _year_back(today: date) -> date:
    """The first day of the month eleven months before this one: twelve whole months."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


# (key, label msgid, today → period)
PRESETS: tuple[tuple[str, str, Callable[[date], Period]], ...] = (
    ("today", N_("Today"), lambda today: Period(today, today)),
    (
        "yesterday",
        N_("Yesterday"),
        lambda today: Period(today - timedelta(days=1), today - timedelta(days=1)),
    ),
    (
        "this_week",
        N_("This week"),
        lambda today: Period(today - timedelta(days=today.weekday()), today),
    ),
    ("this_month", N_("This month"), lambda today: Period(today.replace(day=1), today)),
    (
        "last_month",
        N_("Last month"),
        lambda today: parse_month(_month_before(today).strftime("%Y-%m")),
    ),
    ("last_12_months", N_("Last 12 months"), lambda today: Period(_year_back(today), today)),
    ("this_year", N_("This year"), lambda today: Period(date(today.year, 1, 1), today)),
)
BUCKETS: tuple[tuple[Bucket, str], ...] = (
    (Bucket.DAY, N_("by day")),
    (Bucket.WEEK, N_("by week")),
    (Bucket.MONTH, N_("by month")),
)


def preset_period(key: str, today: date) -> Period:
    return next(build for name, _label, build in PRESETS if name == key)(today)


class ReportsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", N_("Show")),
        Binding("ctrl+e", "export", N_("Export xlsx")),
        Binding("escape", "focus_list", N_("Reports"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.specs: list[ReportSpec] = []
        self.result: ReportResult | None = None
        # The chain's stores by code; empty for a shop with one store (no picker then).
        self.stores: dict[str, ReportStore] = {}

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Reports"))
        with Horizontal(id="reports"):
            with Vertical(id="reports-side"):
                yield Label(_("Report"), classes="panel-title")
                yield OptionList(id="reports-list")
                yield Label(_("Period"), id="reports-period-label")
                yield Select(
                    [(_(label), key) for key, label, _build in PRESETS],
                    value="this_month",
                    allow_blank=False,
                    id="reports-preset",
                )
                yield Label(_("From"))
                yield Input(placeholder="YYYY-MM-DD", id="reports-from")
                yield Label(_("To"))
                yield Input(placeholder="YYYY-MM-DD", id="reports-to")
                yield Select(
                    [(_(label), bucket.value) for bucket, label in BUCKETS],
                    value=Bucket.DAY.value,
                    allow_blank=False,
                    id="reports-bucket",
                )
                yield Static(_("Enter shows the report · Ctrl+E saves it as xlsx"), classes="hint")
            with VerticalScroll(id="reports-body"):
                yield Static(_("Pick a report on the left and press Enter."), classes="hint")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        from salon_tui.services import reports

        self.specs = reports.list_reports(self.salon.actor)
        options = self.query_one("#reports-list", OptionList)
        for spec in self.specs:
            options.add_option(Option(f"{_(spec.title)}\n[dim]{_(spec.description)}[/dim]"))
        if self.specs:
            options.highlighted = 0
        options.focus()
        self._apply_preset("this_month")
        uow = self.salon.uow
        call_service(self, lambda: reports.chain_stores(uow), self._offer_stores)

    async def _offer_stores(self, found: list[ReportStore]) -> None:
        """A chain of several stores gets a store picker above the period."""
        if len(found) < 2:
            return
        self.stores = {store.code: store for store in found}
        choices = [(_("All stores"), "")] + [
            (f"{store.code} {store.name}".strip(), store.code) for store in found
        ]
        side = self.query_one("#reports-side", Vertical)
        before = side.query_one("#reports-period-label", Label)
        await side.mount(Label(_("Store")), before=before)
        await side.mount(
            Select(choices, value="", allow_blank=False, id="reports-store"), before=before
        )

    def chosen_store(self, spec: ReportSpec) -> ReportStore | None:
        """The store picked for a report that can cover one store; None for the chain."""
        if not self.stores or not spec.by_store:
            return None
        code = self.query_one("#reports-store", Select).value
        return self.stores.get(code) if isinstance(code, str) else None

    # --- the period ------------------------------------------------------------------

    def _today(self) -> date:
        shop = self.salon.shop
        return business_date(utc_now(), shop.timezone if shop else "UTC")

    def _apply_preset(self, key: str) -> None:
        period = preset_period(key, self._today())
        self.query_one("#reports-from", Input).value = period.start.isoformat()
        self.query_one("#reports-to", Input).value = period.end.isoformat()
        if period.days > 92:
            self.query_one("#reports-bucket", Select).value = Bucket.MONTH.value
        elif period.days > 31:
            self.query_one("#reports-bucket", Select).value = Bucket.WEEK.value
        else:
            self.query_one("#reports-bucket", Select).value = Bucket.DAY.value

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "reports-preset" and isinstance(event.value, str):
            self._apply_preset(event.value)
            if self.result is not None:
                self.action_run()
        elif event.select.id in {"reports-bucket", "reports-store"} and self.result is not None:
            self.action_run()

    def period(self) -> Period:
        """The period typed or chosen; a clear message when the dates do not make one."""
        start_text = self.query_one("#reports-from", Input).value
        end_text = self.query_one("#reports-to", Input).value
        try:
            start = parse_date(start_text)
        except ValueError as error:
            raise ValidationError(str(error), field="from") from None
        try:
            end = parse_date(end_text)
        except ValueError as error:
            raise ValidationError(str(error), field="to") from None
        try:
            return Period(start, end)
        except ValueError as error:
            raise ValidationError(str(error), field="to") from None

    # --- running -----------------------------------------------------------------------

    def selected_spec(self) -> ReportSpec | None:
        index = self.query_one("#reports-list", OptionList).highlighted
        if index is None or index >= len(self.specs):
            return None
        return self.specs[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_run()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        spec = self.selected_spec()
        if spec is None:
            return
        try:
            period = self.period()
        except ValidationError as error:
            self.notify(error.message, title=_(error.title), severity="error")
            return
        from salon_tui.services import reports

        bucket = Bucket(str(self.query_one("#reports-bucket", Select).value))
        request = reports.ReportRequest(
            period=period, bucket=bucket, today=self._today(), store=self.chosen_store(spec)
        )
        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: reports.run_report(uow, actor, spec.name, request),
            self._show,
            group="report",
            exclusive=True,
        )

    async def _show(self, result: ReportResult) -> None:
        self.result = result
        body = self.query_one("#reports-body", VerticalScroll)
        await body.remove_children()
        shop = self.salon.shop
        await body.mount(ReportView(result, shop.locale if shop else "en", id="report-view"))

    def action_focus_list(self) -> None:
        self.query_one("#reports-list", OptionList).focus()

    # --- export ------------------------------------------------------------------------

    def action_export(self) -> None:
        result = self.result
        if result is None:
            self.notify(_("Show a report first, then save it."), severity="warning")
            return
        from salon_tui.services import report_files

        folder = paths.data_dir() / "exports"
        span = f"{result.period.start}_{result.period.end}" if result.period else "all"
        store = f"_{result.store.code}" if result.store is not None else ""
        target = folder / f"{result.name}{store}_{span}.xlsx"

        def write() -> Path:
            paths.make_private_dir(folder)
            report_files.write_xlsx(result, target)
            return target

        call_service(
            self,
            write,
            lambda path: self.notify(_("Saved {path}.").format(path=path), timeout=10),
        )
