"""Settings → Checkout: the desk's discount limit, ratings, and the birthday discount."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.checkout_settings import CheckoutSettings


class CheckoutSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Back")),
    ]

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Checkout"))
        with VerticalScroll(id="checkout-form", classes="form"):
            yield Label(_("Largest manual discount without a manager's PIN (percent)"))
            yield Input(id="discount_limit_bp", max_length=6)
            yield Checkbox(
                _("After paying, ask the client to rate each stylist (1–5 stars)"),
                id="ask_rating",
            )
            yield Label(_("Members' birthday discount (percent; 0 = none)"))
            yield Input(id="birthday_discount_bp", max_length=6)
            yield Label(_("When it applies"))
            yield Select(
                [
                    (_("on the birthday"), "day"),
                    (_("the week of the birthday (3 days either side)"), "week"),
                    (_("the birth month"), "month"),
                ],
                allow_blank=False,
                value="month",
                id="birthday_window",
            )
            yield Label(_("On"))
            yield Select(
                [(_("services"), "services"), (_("services and products"), "all")],
                allow_blank=False,
                value="services",
                id="birthday_scope",
            )
            yield Checkbox(_("Once per birthday"), id="birthday_once")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Back"), id="close")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        from salon_tui.services import checkout_settings

        uow = self.salon.uow
        call_service(self, lambda: checkout_settings.get_checkout_settings(uow), self.fill)

    def fill(self, current: CheckoutSettings) -> None:
        self.query_one("#discount_limit_bp", Input).value = f"{current.discount_limit_bp / 100:g}"
        self.query_one("#ask_rating", Checkbox).value = current.ask_rating
        self.query_one(
            "#birthday_discount_bp", Input
        ).value = f"{current.birthday_discount_bp / 100:g}"
        self.query_one("#birthday_window", Select).value = current.birthday_window
        self.query_one("#birthday_scope", Select).value = current.birthday_scope
        self.query_one("#birthday_once", Checkbox).value = current.birthday_once
        self.query_one("#discount_limit_bp", Input).focus()

    def _percent(self, field: str, problem: str) -> int:
        text = self.query_one(f"#{field}", Input).value.strip().removesuffix("%")
        try:
            return round(float(text.strip() or "0") * 100)
        except ValueError:
            raise ValidationError(problem, field=field) from None

    def _changes(self) -> dict[str, Any]:
        return {
            "discount_limit_bp": self._percent(
                "discount_limit_bp", _("The discount limit is a percent from 0 to 100.")
            ),
            "ask_rating": self.query_one("#ask_rating", Checkbox).value,
            "birthday_discount_bp": self._percent(
                "birthday_discount_bp",
                _("The birthday discount is a percent from 0 (none) to 100."),
            ),
            "birthday_window": str(self.query_one("#birthday_window", Select).value),
            "birthday_scope": str(self.query_one("#birthday_scope", Select).value),
            "birthday_once": self.query_one("#birthday_once", Checkbox).value,
        }

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "close":
            self.action_close()

    def action_save(self) -> None:
        from salon_tui.services import checkout_settings

        try:
            changes = self._changes()
        except ValidationError as error:
            self._refused(error)
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: checkout_settings.update_checkout_settings(uow, actor, **changes),
            self._saved,
            failed=self._refused,
            exclusive=True,
        )

    def _saved(self, _current: CheckoutSettings) -> None:
        self._message(_("Saved."), error=False)
        self.notify(_("Checkout settings saved."))

    def _refused(self, error: SalonError) -> None:
        self._message(error.message, error=True)
        field = getattr(error, "field", None) or "discount_limit_bp"
        matches = self.query(f"#{field}")
        if matches:
            matches.first().focus()

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def action_close(self) -> None:
        self.app.pop_screen()
