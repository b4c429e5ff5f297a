"""Settings → Shop: the shop's details, money rounding, language, timezone, idle lock."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar
from zoneinfo import available_timezones

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from salon_tui.domain.money import ROUNDING_MODE_LABELS, RoundingMode
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, SUPPORTED_LOCALES, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.services.settings import ShopSettings
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

ROUNDING_UNIT_LABELS = {
    1: N_("to the smallest unit (fen, cent)"),
    10: N_("to 10 (角, 10 cents)"),
    100: N_("to the whole unit (元, dollar)"),
}

TEXT_FIELDS = ("name", "address", "phone", "currency", "timezone", "country", "idle_lock_minutes")


def rounding_choices() -> list[tuple[str, str]]:
    choices = []
    for unit, unit_label in ROUNDING_UNIT_LABELS.items():
        modes = [RoundingMode.DOWN] if unit == 1 else list(RoundingMode)
        for mode in modes:
            label = (
                _(unit_label) if unit == 1 else f"{_(unit_label)}, {_(ROUNDING_MODE_LABELS[mode])}"
            )
            choices.append((label, f"{unit}:{mode.value}"))
    return choices


class ShopSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        shop: ShopSettings = self.salon.shop
        yield ShopHeader(N_("Settings → Shop"))
        with VerticalScroll(id="shop-form", classes="form"):
            yield from self._field(_("Shop name"), Input(shop.name, id="name"))
            yield from self._field(_("Address"), Input(shop.address, id="address"))
            yield from self._field(_("Phone"), Input(shop.phone, id="phone"))
            yield from self._field(
                _("Currency"),
                Input(
                    shop.currency,
                    id="currency",
                    max_length=3,
                    suggester=SuggestFromList(
                        [
                            "CNY",
                            "HKD",
                            "MOP",
                            "TWD",
                            "SGD",
                            "MYR",
                            "USD",
                            "EUR",
                            "GBP",
                            "CAD",
                            "AUD",
                            "JPY",
                        ],
                        case_sensitive=False,
                    ),
                ),
            )
            yield from self._field(
                _("Rounding of totals (抹零)"),
                Select(
                    rounding_choices(),
                    value=f"{shop.rounding_unit_minor}:{shop.rounding_mode}",
                    allow_blank=False,
                    id="rounding",
                ),
            )
            yield from self._field(
                _("Language"),
                Select(
                    [(label, code) for code, label in SUPPORTED_LOCALES.items()],
                    value=shop.locale,
                    allow_blank=False,
                    id="locale",
                ),
            )
            yield from self._field(
                _("Timezone"),
                Input(
                    shop.timezone,
                    id="timezone",
                    suggester=SuggestFromList(sorted(available_timezones()), case_sensitive=False),
                ),
            )
            yield from self._field(
                _("Country (for phones and holidays)"),
                Input(shop.country, id="country", max_length=2),
            )
            yield from self._field(
                _("Lock the screen after this many idle minutes"),
                Input(
                    str(shop.idle_lock_minutes),
                    id="idle_lock_minutes",
                    type="integer",
                    max_length=3,
                ),
            )
            yield Label(_("Receipt footer"))
            yield TextArea(shop.receipt_footer, id="receipt_footer", soft_wrap=True)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Back"), id="close")
        yield TranslatedFooter()

    @staticmethod
    def _field(label: str, widget: Any) -> ComposeResult:
        yield Label(label)
        yield widget

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "close":
            self.action_close()

    def action_close(self) -> None:
        self.app.pop_screen()

    def _changes(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS
        }
        minutes = values.pop("idle_lock_minutes").strip()
        if not minutes.isdigit():
            raise ValidationError(
                _("The idle lock is a whole number of minutes."), field="idle_lock_minutes"
            )
        values["idle_lock_minutes"] = int(minutes)
        unit, mode = str(self.query_one("#rounding", Select).value).split(":")
        values["rounding_unit_minor"] = int(unit)
        values["rounding_mode"] = mode
        values["locale"] = str(self.query_one("#locale", Select).value)
        values["receipt_footer"] = self.query_one("#receipt_footer", TextArea).text
        return values

    def action_save(self) -> None:
        from salon_tui.services import settings

        try:
            changes = self._changes()
        except ValidationError as error:
            self._refused(error)
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: settings.update_shop_settings(uow, actor, **changes),
            self._saved,
            failed=self._refused,
            exclusive=True,
        )

    async def _saved(self, updated: ShopSettings) -> None:
        language_changed = updated.locale != self.salon.shop.locale
        self.salon.refresh_shop(updated)
        self._message(_("Saved."), error=False)
        self.notify(_("Shop settings saved."))
        if language_changed:
            await self.salon.change_language(updated.locale)

    def _refused(self, error: SalonError) -> None:
        self._message(error.message, error=True)
        field = getattr(error, "field", None)
        if field:
            target = "rounding" if field == "rounding" else field
            matches = self.query(f"#{target}")
            if matches:
                matches.first().focus()

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def current_values(self) -> dict[str, Any]:
        return asdict(self.salon.shop)
