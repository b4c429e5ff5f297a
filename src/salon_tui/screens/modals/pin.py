"""PIN dialogs: a new PIN typed twice, and changing your own PIN."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from salon_tui.domain.actor import Actor
from salon_tui.domain.lockout import normalise_pin, pin_problem
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service


class NewPinModal(SalonModal[str]):
    """Ask for a PIN twice; dismisses with the PIN, or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield from self.extra_fields()
            yield Label(_("New PIN (4–8 digits)"))
            yield Input(password=True, id="pin", max_length=8)
            yield Label(_("The same PIN again"))
            yield Input(password=True, id="pin-again", max_length=8)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def extra_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def checked_pin(self) -> str | None:
        pin = normalise_pin(self.query_one("#pin", Input).value)
        again = normalise_pin(self.query_one("#pin-again", Input).value)
        problem = pin_problem(pin)
        if problem is None and pin != again:
            problem = _("The two PINs differ.")
        if problem:
            self.show_problem(problem)
            self.query_one("#pin", Input).focus()
            return None
        return pin

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")

    def submit(self) -> None:
        pin = self.checked_pin()
        if pin is not None:
            self.dismiss(pin)


class ChangeOwnPinModal(NewPinModal):
    """Change your own PIN: the current one first."""

    def __init__(self, actor: Actor) -> None:
        super().__init__(_("Change my PIN"))
        self.actor = actor

    def extra_fields(self) -> ComposeResult:
        yield Label(_("Current PIN"))
        yield Input(password=True, id="current-pin", max_length=8)

    def submit(self) -> None:
        pin = self.checked_pin()
        if pin is None:
            return
        from salon_tui.services import auth, staff

        current = self.query_one("#current-pin", Input).value
        uow = self.salon.uow
        actor = self.actor
        assert actor.staff_id is not None
        staff_id = actor.staff_id

        def change() -> object:
            confirmed = auth.login(uow, current, staff_id=staff_id)
            return staff.reset_pin(uow, confirmed, staff_id, pin)

        call_service(self, change, self._changed, failed=self._refused, exclusive=True)

    def _changed(self, _result: object) -> None:
        self.notify(_("Your PIN is changed."))
        self.dismiss(None)

    def _refused(self, error: SalonError) -> None:
        self.show_problem(error.message)
