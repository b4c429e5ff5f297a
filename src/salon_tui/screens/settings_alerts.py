"""Settings → Alerts: the owner's rules for flagging unusual activity (0 or empty = off)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.domain.alerts import AlertRules

AMOUNT_FIELDS = (
    ("sale_above_cents", N_("Flag a sale above (amount; 0 = off)")),
    ("top_up_above_cents", N_("Flag a top-up above (amount; 0 = off)")),
    ("refund_above_cents", N_("Flag a refund above (amount; 0 = off)")),
)


class AlertSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Alerts"))
        with VerticalScroll(id="alert-form", classes="form"):
            yield Static(
                _("Flags appear on managers' home screens and go into the audit."),
                classes="hint",
            )
            for name, label in AMOUNT_FIELDS:
                yield Label(_(label))
                yield Input(id=name)
            yield Label(_("Flag manual discounts above this percent of a sale (0 = off)"))
            yield Input(id="manual_discount_above_bp", max_length=5)
            yield Label(_("Flag one card paying this many sales (0 = off) …"))
            yield Input(id="card_uses", type="integer", max_length=3)
            yield Label(_("… within this many minutes"))
            yield Input(id="card_window_minutes", type="integer", max_length=4)
            yield Checkbox(_("Flag money moved outside opening hours"), id="outside_hours")
            yield Checkbox(
                _("Flag points, packages and cards changed by hand"), id="manual_balance_changes"
            )
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Back"), id="close")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        from salon_tui.services import alerts

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(self, lambda: alerts.get_rules(uow, actor), self.fill)

    def _plain(self, cents: int) -> str:
        from salon_tui.domain.money import format_money

        if not cents:
            return "0"
        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        return format_money(cents, currency, "en", symbol=False)

    def fill(self, rules: AlertRules) -> None:
        for name, _label in AMOUNT_FIELDS:
            self.query_one(f"#{name}", Input).value = self._plain(getattr(rules, name))
        self.query_one(
            "#manual_discount_above_bp", Input
        ).value = f"{rules.manual_discount_above_bp / 100:g}"
        self.query_one("#card_uses", Input).value = str(rules.card_uses)
        self.query_one("#card_window_minutes", Input).value = str(rules.card_window_minutes)
        self.query_one("#outside_hours", Checkbox).value = rules.outside_hours
        self.query_one("#manual_balance_changes", Checkbox).value = rules.manual_balance_changes
        self.query_one("#sale_above_cents", Input).focus()

    def _changes(self) -> dict[str, Any]:
        from salon_tui.domain.money import parse_amount

        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        changes: dict[str, Any] = {}
        for name, _label in AMOUNT_FIELDS:
            text = self.query_one(f"#{name}", Input).value.strip() or "0"
            try:
                changes[name] = parse_amount(text, currency)
            except ValueError as error:
                raise ValidationError(str(error), field=name) from None
        percent = self.query_one("#manual_discount_above_bp", Input).value.strip()
        percent = percent.removesuffix("%").strip() or "0"
        try:
            changes["manual_discount_above_bp"] = round(float(percent) * 100)
        except ValueError:
            raise ValidationError(
                _("The discount alert is a percent from 0 (off) to 99."),
                field="manual_discount_above_bp",
            ) from None
        for name in ("card_uses", "card_window_minutes"):
            text = self.query_one(f"#{name}", Input).value.strip() or "0"
            if not text.isdigit():
                raise ValidationError(_("Give a whole number."), field=name)
            changes[name] = int(text)
        changes["outside_hours"] = self.query_one("#outside_hours", Checkbox).value
        changes["manual_balance_changes"] = self.query_one(
            "#manual_balance_changes", Checkbox
        ).value
        return changes

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "close":
            self.action_close()

    def action_save(self) -> None:
        from salon_tui.services import alerts

        try:
            changes = self._changes()
        except ValidationError as error:
            self._refused(error)
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: alerts.update_rules(uow, actor, **changes),
            self._saved,
            failed=self._refused,
            exclusive=True,
        )

    def _saved(self, rules: AlertRules) -> None:
        self._message(_("Saved."), error=False)
        self.notify(_("Alert rules saved."))

    def _refused(self, error: SalonError) -> None:
        self._message(error.message, error=True)
        field = getattr(error, "field", None)
        if field:
            matches = self.query(f"#{field}")
            if matches:
                matches.first().focus()

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def action_close(self) -> None:
        self.app.pop_screen()
