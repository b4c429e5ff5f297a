"""The login screen: pick who you are, type your PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.staff import StaffView


class LoginScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back_to_list", N_("Choose someone else"), show=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static("salon_tui", id="login-shop")
            yield Static("", id="login-date")
            yield Label(_("Who are you?"), id="login-who-label")
            yield OptionList(id="login-staff")
            yield Label(_("PIN"), id="login-pin-label")
            yield Input(password=True, id="login-pin", max_length=8, placeholder="••••")
            yield Static(_("Opening the shop…"), id="login-message")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#login-staff", OptionList).focus()
        self.watch(self.app, "shop", self._shop_loaded)
        self.watch(self.app, "database_problem", self._database_failed)

    def _shop_loaded(self, shop: Any) -> None:
        if shop is None:
            return
        self.query_one("#login-shop", Static).update(shop.name)
        today = shop_time(utc_now(), shop.timezone)
        self.query_one("#login-date", Static).update(today.strftime("%Y-%m-%d %H:%M"))
        self.load_staff()

    def _database_failed(self, problem: str) -> None:
        if problem:
            message = self.query_one("#login-message", Static)
            message.update(problem)
            message.add_class("-error")

    def load_staff(self) -> None:
        from salon_tui.services import staff

        uow = self.salon.uow
        call_service(self, lambda: staff.list_staff(uow), self._show_staff, group="login")

    def _show_staff(self, people: list[StaffView]) -> None:
        options = self.query_one("#login-staff", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(f"{shown(person.name)}  ·  {person.role_label}", id=str(person.id))
                for person in people
            ]
        )
        if people:
            options.highlighted = 0
        self._set_message(_("Choose your name, press Enter, then type your PIN."))

    def _set_message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#login-message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#login-pin", Input).focus()

    def on_key(self, event: Any) -> None:
        # Digits typed anywhere but the PIN field (the list, or just after Enter while
        # focus moves) go into the PIN: the PIN field itself consumes its own keys.
        options = self.query_one("#login-staff", OptionList)
        character = getattr(event, "character", None)
        if character and character.isdigit() and options.highlighted is not None:
            pin = self.query_one("#login-pin", Input)
            pin.focus()
            pin.insert_text_at_cursor(character)
            event.stop()

    def action_back_to_list(self) -> None:
        self.query_one("#login-pin", Input).value = ""
        self.query_one("#login-staff", OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "login-pin":
            return
        options = self.query_one("#login-staff", OptionList)
        if options.highlighted is None or self.salon.uow is None:
            return
        option = options.get_option_at_index(options.highlighted)
        staff_id = int(option.id or 0)
        pin = event.value
        event.input.value = ""
        from salon_tui.services import auth

        uow = self.salon.uow
        self._set_message(_("Checking…"))
        call_service(
            self,
            lambda: auth.login(uow, pin, staff_id=staff_id),
            self.salon.start_session,
            failed=self._refused,
            group="login",
            exclusive=True,
        )

    def _refused(self, error: SalonError) -> None:
        self._set_message(error.message, error=True)
        self.query_one("#login-pin", Input).focus()

    def reset(self) -> None:
        """Back from a session: empty PIN, fresh list."""
        self.query_one("#login-pin", Input).value = ""
        self._set_message("")
        self.query_one("#login-staff", OptionList).focus()
        if self.salon.uow is not None:
            self.load_staff()
