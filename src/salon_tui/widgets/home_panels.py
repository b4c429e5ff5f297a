"""Panels on the home screen. Each area adds a row to ``HOME_PANELS``.

A panel loads its figures through services in a worker, and shows only what the
logged-in role may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.i18n import N_, _, ngettext
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.worker import call_service


def _call(widget: Widget, call: Callable[[], Any], done: Callable[[Any], None]) -> None:
    call_service(widget, call, done, group="home-panel")


class Panel(Widget):
    DEFAULT_CSS = """
    Panel {
        height: auto;
        border: round $primary;
        padding: 0 1;
    }
    Panel > .panel-title { text-style: bold; }
    """
    TITLE = ""

    def compose(self) -> ComposeResult:
        yield Static(_(self.TITLE), classes="panel-title")
        yield Static(_("Loading…"), classes="panel-body")

    def show(self, text: str) -> None:
        self.query_one(".panel-body", Static).update(text)


class StaffPanel(Panel):
    """Who works here, and whose account is waiting or locked (managers reset PINs)."""

    TITLE = N_("Staff")

    def on_mount(self) -> None:
        from salon_tui.services import staff

        uow = self.app.uow  # type: ignore[attr-defined]
        _call(self, lambda: staff.list_staff(uow), self._loaded)

    def _loaded(self, people: list[Any]) -> None:
        now = utc_now()
        lines = [
            ngettext(
                "{count} person on the team", "{count} people on the team", len(people)
            ).format(count=len(people))
        ]
        locked = [person.name for person in people if person.hard_locked or person.is_waiting(now)]
        if locked:
            lines.append(_("Locked out: {names}").format(names=shown(", ".join(locked))))
        self.show("\n".join(lines))


class ActivityPanel(Panel):
    """How many audited actions and failed logins today."""

    TITLE = N_("Today's activity")

    def on_mount(self) -> None:
        from salon_tui.services import audit

        app: Any = self.app
        uow, actor, shop = app.uow, app.actor, app.shop
        today = business_date(utc_now(), shop.timezone)
        _call(self, lambda: audit.day_summary(uow, actor, today, shop.timezone), self._loaded)

    def _loaded(self, summary: Any) -> None:
        lines = [_("{count} audited actions today").format(count=summary.actions)]
        if summary.failed_logins:
            lines.append(_("{count} wrong PINs today").format(count=summary.failed_logins))
        self.show("\n".join(lines))


class BackupPanel(Panel):
    """Last night's backup: when, and whether it worked."""

    TITLE = N_("Backups")

    def on_mount(self) -> None:
        from salon_tui.services import backup

        _call(self, backup.read_status, self._loaded)

    def _loaded(self, status: Any) -> None:
        app: Any = self.app
        if status is None:
            self.show(_("No backup yet. Set up nightly backups: salon backup schedule --install"))
            return
        from salon_tui.domain.clock import shop_time

        when = shop_time(status.finished_at, app.shop.timezone).strftime("%Y-%m-%d %H:%M")
        if status.ok:
            self.show(_("Last backup {when}: ok").format(when=when))
        else:
            from rich.markup import escape

            failed = _("[b red]Last backup FAILED[/] {when}: {message}")
            self.show(failed.format(when=when, message=escape(status.message)))


class MembersPanel(Panel):
    """How many members, who joined today, whose birthday is this week."""

    TITLE = N_("Members")

    def on_mount(self) -> None:
        from salon_tui.services.member_segments import members_at_a_glance

        app: Any = self.app
        uow, actor = app.uow, app.actor
        _call(self, lambda: members_at_a_glance(uow, actor), self._loaded)

    def _loaded(self, glance: Any) -> None:
        from rich.markup import escape

        lines = [
            _("{count} members").format(count=glance.active),
            _("{count} joined today").format(count=glance.joined_today),
            _("{count} birthdays in the next 7 days").format(count=glance.birthdays_this_week),
        ]
        if glance.birthday_names:
            lines.append("🎂 " + escape("、".join(glance.birthday_names)))
        self.show("\n".join(lines))


class SalesPanel(Panel):
    """The owner's morning: today so far, yesterday and this month against before."""

    TITLE = N_("Sales")

    def on_mount(self) -> None:
        from salon_tui.services import report_sales

        app: Any = self.app
        uow, actor, shop = app.uow, app.actor, app.shop
        today = business_date(utc_now(), shop.timezone)
        _call(self, lambda: report_sales.glance(uow, actor, today), self._loaded)

    def _loaded(self, glance: Any) -> None:
        from salon_tui.domain.money import format_money

        app: Any = self.app
        currency, locale = app.shop.currency, app.shop.locale

        def money(totals: Any) -> str:
            return format_money(totals.net_cents, currency, locale)

        def change(bp: int | None) -> str:
            if bp is None:
                return ""
            arrow = "[green]▲[/]" if bp >= 0 else "[red]▼[/]"
            return f" {arrow}{abs(bp) / 100:.0f}%"

        self.show(
            "\n".join(
                (
                    _("Today: {net} net, {count} sales").format(
                        net=money(glance.today), count=glance.today.sales
                    ),
                    _("Yesterday: {net}{change} vs the day before").format(
                        net=money(glance.yesterday), change=change(glance.yesterday_change_bp)
                    ),
                    _("This month: {net}{change} vs the same days last month").format(
                        net=money(glance.month), change=change(glance.month_change_bp)
                    ),
                )
            )
        )


class DevicesPanel(Panel):
    """The receipt printer and the scanner: ready, jobs waiting or failed, unplugged."""

    TITLE = N_("Printer and scanner")

    def on_mount(self) -> None:
        self.watch(self.app, "devices", self._show_devices)

    def _show_devices(self, devices: Any) -> None:
        from rich.markup import escape

        lines = []
        if devices.printer_enabled:
            lines.append(f"{devices.printer_line} — {escape(devices.printer_name)}")
            if devices.printer_problem:
                lines.append(f"[b red]{escape(devices.printer_problem)}[/]")
            if devices.failed:
                lines.append(_("Retry or cancel them in Settings → Printer."))
        else:
            lines.append(_("No printer set up: Settings → Printer, or salon printer setup."))
        scanner = devices.scanner_line
        if scanner:
            lines.append(f"{scanner} {escape(devices.scanner_device)}".rstrip())
        self.show("\n".join(lines))


class LowStockPanel(Panel):
    """What is at or under its minimum, for whoever orders (F5 Stock → Low stock)."""

    TITLE = N_("Low stock")
    SHOWN = 5

    def on_mount(self) -> None:
        from salon_tui.services import stock_levels

        app: Any = self.app
        uow, actor = app.uow, app.actor
        _call(self, lambda: stock_levels.low_stock(uow, actor), self._loaded)

    def _loaded(self, lines: list[Any]) -> None:
        if not lines:
            self.show(_("Every product is above its minimum."))
            return
        from rich.markup import escape

        shown = [
            _("{name}: {on_hand} left, order {quantity}").format(
                name=escape(line.product.name),
                on_hand=line.product.on_hand,
                quantity=line.suggested,
            )
            for line in lines[: self.SHOWN]
        ]
        if len(lines) > self.SHOWN:
            shown.append(_("… and {count} more (F5)").format(count=len(lines) - self.SHOWN))
        heading = ngettext(
            "[b]{count} product[/b] to reorder", "[b]{count} products[/b] to reorder", len(lines)
        ).format(count=len(lines))
        self.show("\n".join([heading, *shown]))


class AlertsPanel(Panel):
    """Open alert flags for a manager: how many, and the newest few."""

    TITLE = N_("Alerts")
    SHOWN = 3

    def on_mount(self) -> None:
        from salon_tui.services import alerts

        app: Any = self.app
        uow, actor = app.uow, app.actor
        _call(self, lambda: alerts.list_alerts(uow, actor, limit=self.SHOWN + 1), self._loaded)

    def _loaded(self, flags: list[Any]) -> None:
        from rich.markup import escape

        if not flags:
            self.show(_("No open alerts."))
            return
        more = len(flags) > self.SHOWN
        heading = (
            _("[b red]{count}+ open alerts[/]").format(count=self.SHOWN)
            if more
            else ngettext(
                "[b red]{count} open alert[/]", "[b red]{count} open alerts[/]", len(flags)
            ).format(count=len(flags))
        )
        lines = [heading]
        lines.extend(
            f"{escape(flag.label)}: {escape(flag.summary)}" for flag in flags[: self.SHOWN]
        )
        lines.append(_("Review them: Ctrl+P → Alerts"))
        self.show("\n".join(lines))


class DrawerPanel(Panel):
    """Today's sales, refunds and the cash drawer: what the desk needs at a glance."""

    TITLE = N_("Cash drawer")

    def on_mount(self) -> None:
        from salon_tui.services import sales_reports

        app: Any = self.app
        uow, actor, shop = app.uow, app.actor, app.shop
        today = business_date(utc_now(), shop.timezone)
        _call(self, lambda: sales_reports.desk_day_summary(uow, actor, today), self._loaded)

    def _loaded(self, summary: Any) -> None:
        from salon_tui.domain.money import format_money
        from salon_tui.i18n import current_locale

        def money(cents: int) -> str:
            return format_money(cents, summary.currency, current_locale())

        lines = [
            ngettext("{count} sale, {total}", "{count} sales, {total}", summary.sales_count).format(
                count=summary.sales_count, total=money(summary.total_cents)
            )
        ]
        if summary.refunds_count:
            lines.append(
                _("Refunds: {count}, {total}").format(
                    count=summary.refunds_count, total=money(summary.refunds_cents)
                )
            )
        if summary.top_ups.on_sales_count:
            # Those sold on sales are in the sales' total above too: say so, once.
            lines.append(
                _("Top-ups: {count}, {total} ({on_sales} on sales, in their total)").format(
                    count=summary.top_ups.count,
                    total=money(summary.top_ups.paid_cents),
                    on_sales=summary.top_ups.on_sales_count,
                )
            )
        elif summary.top_ups.count:
            lines.append(
                _("Top-ups: {count}, {total}").format(
                    count=summary.top_ups.count, total=money(summary.top_ups.paid_cents)
                )
            )
        open_drawers = [d for d in summary.drawers if d.status == "open"]
        if open_drawers:
            lines.append(
                _("Drawer open, should hold {amount}").format(
                    amount=money(open_drawers[-1].expected_cents)
                )
            )
        else:
            lines.append(_("Cash drawer closed"))
        self.show("\n".join(lines))


class BookingsPanel(Panel):
    """Today's bookings: how many, who comes next, and who is waiting."""

    TITLE = N_("Today's bookings")

    def on_mount(self) -> None:
        from salon_tui.services import bookings

        app: Any = self.app
        uow, actor, shop = app.uow, app.actor, app.shop
        today = business_date(utc_now(), shop.timezone)
        _call(self, lambda: bookings.today_glance(uow, actor, today), self._loaded)

    def _loaded(self, glance: Any) -> None:
        from rich.markup import escape

        from salon_tui.domain.clock import shop_time

        app: Any = self.app
        zone = app.shop.timezone
        lines = [
            _("{count} booked · {done} done · {waiting} walk-ins waiting").format(
                count=glance.booked, done=glance.done, waiting=glance.waiting
            )
        ]
        for booking in glance.next_up:
            stylists = ", ".join(dict.fromkeys(line.staff_name for line in booking.lines))
            warn = " ⚠" if booking.warnings else ""
            lines.append(
                escape(
                    f"{shop_time(booking.starts_at, zone):%H:%M} {booking.client_name} · "
                    f"{stylists}{warn}"
                )
            )
        if not glance.next_up:
            lines.append(_("Nobody else is booked today."))
        self.show("\n".join(lines))


@dataclass(frozen=True)
class HomePanel:
    widget: type[Panel]
    permission: str

    def allowed_for(self, actor: Actor | None) -> bool:
        return actor is not None and actor.can(self.permission)


HOME_PANELS: list[HomePanel] = [
    HomePanel(BookingsPanel, "bookings.view"),
    HomePanel(MembersPanel, "member.view"),
    HomePanel(SalesPanel, "reports.sales"),
    HomePanel(DrawerPanel, "reports.daily"),
    HomePanel(AlertsPanel, "alerts.view"),
    HomePanel(StaffPanel, "staff.manage"),
    HomePanel(ActivityPanel, "audit.view"),
    HomePanel(BackupPanel, "backup.view"),
    HomePanel(DevicesPanel, "printer.jobs"),
    HomePanel(LowStockPanel, "inventory.report"),
]
