"""One small form for every prepaid action (top up, undo, close, sell, use, transfer).

A form is a list of fields (text or choice); Enter or OK runs the action in a worker and
the dialog closes with a sentence saying what happened, or stays open with the refusal
under the fields. ``hint`` redraws a line as the fields change (the promotion a top-up
will reach, what a closing refunds). The idempotency key of the action is made when the
dialog opens, so a double Enter acts once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service


@dataclass(frozen=True)
class FormField:
    key: str
    label: str  # translated already
    choices: Sequence[tuple[str, str]] = ()  # (label, value); empty: a text field
    value: str = ""
    max_length: int = 80
    placeholder: str = ""
    password: bool = False  # a PIN: typed unseen, cleared when the action is refused


@dataclass
class PrepaidForm:
    title: str
    fields: Sequence[FormField]
    # values → the sentence to show when done; runs in a worker, may raise SalonError.
    submit: Callable[[dict[str, str], str], str]
    hint: Callable[[dict[str, str]], str] | None = None
    intro: str = ""
    ok_label: str = field(default_factory=lambda: _("OK"))


class PrepaidFormModal(SalonModal[str]):
    """Dismisses with what happened (for a notification), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, form: PrepaidForm) -> None:
        super().__init__()
        self.form = form
        self.key = str(uuid.uuid4())
        self.busy = False

    def compose(self) -> ComposeResult:
        # Scrolls when the fields are taller than the terminal (a refund with a manager's
        # PIN): the field in focus and the buttons stay reachable.
        with VerticalScroll(classes="dialog form", id="prepaid-form"):
            yield Static(self.form.title, classes="dialog-title")
            if self.form.intro:
                yield Static(self.form.intro, id="form-intro")
            for item in self.form.fields:
                yield Label(item.label)
                if item.choices:
                    yield Select(
                        list(item.choices),
                        value=item.value or item.choices[0][1],
                        allow_blank=False,
                        id=f"field-{item.key}",
                    )
                else:
                    yield Input(
                        value=item.value,
                        placeholder=item.placeholder,
                        max_length=item.max_length,
                        password=item.password,
                        id=f"field-{item.key}",
                    )
            yield Static("", id="form-hint", classes="hint")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(self.form.ok_label, variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        first = next(iter(self.query(Input)), None)
        if first is not None:
            first.focus(scroll_visible=False)
        self.update_hint()

    def values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in self.form.fields:
            if item.choices:
                value = self.query_one(f"#field-{item.key}", Select).value
                found[item.key] = "" if value is Select.NULL else str(value)
            else:
                found[item.key] = self.query_one(f"#field-{item.key}", Input).value.strip()
        return found

    def update_hint(self) -> None:
        if self.form.hint is not None:
            try:
                text = self.form.hint(self.values())
            except (SalonError, ValueError):
                text = ""
            self.query_one("#form-hint", Static).update(text)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.update_hint()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.update_hint()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.save()
        else:
            self.dismiss(None)

    def save(self) -> None:
        if self.busy:
            return
        self.busy = True
        values, key = self.values(), self.key
        call_service(
            self.app, lambda: self.form.submit(values, key), self.dismiss, failed=self.show_problem
        )

    def show_problem(self, error: SalonError) -> None:
        self.busy = False
        for item in self.form.fields:
            if item.password:
                self.query_one(f"#field-{item.key}", Input).value = ""
        message = self.query_one("#form-message", Static)
        message.update(error.message)
        message.add_class("-error")
