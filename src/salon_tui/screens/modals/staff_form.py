"""Staff dialogs: a new account, and a role change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from salon_tui.domain.lockout import normalise_pin, pin_problem
from salon_tui.domain.permissions import ROLE_LABELS, Role, may_assign_role
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal
from salon_tui.services.staff import StaffView


@dataclass(frozen=True)
class NewStaff:
    name: str
    role: Role
    pin: str


def _role_choices(acting_role: Role | None) -> list[tuple[str, Role]]:
    return [
        (_(ROLE_LABELS[role]), role)
        for role in Role
        if acting_role is not None and may_assign_role(acting_role, role)
    ]


class AddStaffModal(SalonModal[NewStaff]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        actor = self.salon.actor
        choices = _role_choices(actor.role if actor else None)
        with Vertical(classes="dialog"):
            yield Static(_("Add staff"), classes="dialog-title")
            yield Label(_("Name"))
            yield Input(id="name", max_length=40)
            yield Label(_("Role"))
            yield Select(
                choices,
                value=Role.STYLIST if choices else Select.NULL,
                allow_blank=False,
                id="role",
            )
            yield Label(_("First PIN (4–8 digits)"))
            yield Input(password=True, id="pin", max_length=8)
            yield Label(_("The same PIN again"))
            yield Input(password=True, id="pin-again", max_length=8)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Add"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["name", "pin", "pin-again"]
        if event.input.id in order[:-1]:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _problem(self, text: str, focus: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")
        self.query_one(f"#{focus}").focus()

    def submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        pin = normalise_pin(self.query_one("#pin", Input).value)
        again = normalise_pin(self.query_one("#pin-again", Input).value)
        role = self.query_one("#role", Select).value
        if not name:
            self._problem(_("A name is needed."), "name")
            return
        problem = pin_problem(pin)
        if problem:
            self._problem(problem, "pin")
            return
        if pin != again:
            self._problem(_("The two PINs differ."), "pin-again")
            return
        if not isinstance(role, Role):
            self._problem(_("Choose a role."), "role")
            return
        self.dismiss(NewStaff(name=name, role=role, pin=pin))


class RoleModal(SalonModal[Role]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, person: StaffView) -> None:
        super().__init__()
        self.person = person

    def compose(self) -> ComposeResult:
        actor = self.salon.actor
        choices = _role_choices(actor.role if actor else None)
        current = (
            self.person.role
            if any(role == self.person.role for _label, role in choices)
            else Select.NULL
        )
        with Vertical(classes="dialog"):
            yield Static(_("Role of {name}").format(name=self.person.name), classes="dialog-title")
            yield Select(choices, value=current, allow_blank=current is Select.NULL, id="role")
            with Horizontal(classes="buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "ok":
            self.dismiss(None)
            return
        role = self.query_one("#role", Select).value
        self.dismiss(role if isinstance(role, Role) else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
