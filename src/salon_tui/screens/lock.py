"""The lock screen: covers everything until the same person types their PIN.

Anyone else uses "Switch staff", which ends the session and returns to the login screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from salon_tui.domain.actor import Actor
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.footer import TranslatedFooter


class LockScreen(SalonModal[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "switch_staff", N_("Switch staff"), priority=True),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__(id="lock")
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static(_("Locked"), id="lock-title")
            yield Label(_("{name}, type your PIN to go on.").format(name=self.actor.name))
            yield Input(password=True, id="lock-pin", max_length=8, placeholder="••••")
            yield Static("", id="lock-message")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#lock-pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from salon_tui.services import auth

        pin = event.value
        event.input.value = ""
        uow = self.salon.uow
        staff_id = self.actor.staff_id
        assert staff_id is not None
        call_service(
            self,
            lambda: auth.login(uow, pin, staff_id=staff_id),
            lambda _actor: self.dismiss(True),
            failed=self._refused,
            group="unlock",
            exclusive=True,
        )

    def _refused(self, error: SalonError) -> None:
        message = self.query_one("#lock-message", Static)
        message.update(error.message)
        message.add_class("-error")

    async def action_switch_staff(self) -> None:
        self.dismiss(False)
        await self.salon.end_session()
