"""Pick a segment (Ctrl+F on Members): a rule with its parameter, or a saved segment; the
Members list then shows its members. Typing a name keeps the rule as a saved segment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.member_search import MemberHit


@dataclass(frozen=True)
class SegmentShown:
    """What the Members list shows for a segment."""

    title: str
    hits: tuple[MemberHit, ...]
    limit: int


def segment_choices(saved: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) for the segment picker: the rules, then the saved segments."""
    from salon_tui.services.member_segments import SEGMENT_RULES

    choices = [(_(rule.title), rule.name) for rule in SEGMENT_RULES.values()]
    choices += [(f"{name} ({spec})", name) for name, spec in saved.items()]
    return choices


class SegmentModal(SalonModal[SegmentShown]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "show", N_("Show"), priority=True),
    ]

    def __init__(self, saved: dict[str, str]) -> None:
        super().__init__()
        self.saved = saved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog member-dialog"):
            yield Static(_("Members by segment"), classes="dialog-title")
            yield Label(_("Segment"))
            yield Select(segment_choices(self.saved), id="segment-rule", prompt="—")
            yield Label(_("Parameter"), id="segment-parameter-label")
            yield Input(id="segment-parameter", max_length=60, disabled=True)
            yield Label(_("Save under a name (empty: do not save)"))
            yield Input(id="segment-name", max_length=40)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Show"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#segment-rule", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        from salon_tui.services.member_segments import SEGMENT_RULES

        rule = SEGMENT_RULES.get(event.value) if isinstance(event.value, str) else None
        parameter = self.query_one("#segment-parameter", Input)
        parameter.disabled = rule is None or not rule.parameter
        parameter.placeholder = _(rule.parameter) if rule is not None and rule.parameter else ""
        if not parameter.disabled:
            parameter.focus()

    def spec(self) -> tuple[str, str]:
        """The spec typed (``rule:parameter`` or a saved name) and its title."""
        chosen = self.query_one("#segment-rule", Select).value
        if not isinstance(chosen, str):
            return "", ""
        from salon_tui.services.member_segments import SEGMENT_RULES

        rule = SEGMENT_RULES.get(chosen)
        if rule is None:
            return chosen, chosen
        parameter = " ".join(self.query_one("#segment-parameter", Input).value.split())
        if rule.parameter and parameter:
            return f"{rule.name}:{parameter}", f"{_(rule.title)}: {parameter}"
        return rule.name, _(rule.title)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_show()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_show()
        else:
            self.dismiss(None)

    def action_show(self) -> None:
        from salon_tui.services.member_segments import LIST_LIMIT, list_members, save_segment

        spec, title = self.spec()
        if not spec:
            self.show_problem_text(_("Choose a segment first."))
            return
        name = " ".join(self.query_one("#segment-name", Input).value.split())
        uow, actor = self.salon.uow, self.salon.session_actor

        def show() -> SegmentShown:
            if name:
                save_segment(uow, actor, name, spec)
            hits = list_members(uow, actor, segment=name or spec)
            return SegmentShown(name or title, tuple(hits), LIST_LIMIT)

        call_service(self.app, show, self.dismiss, failed=self.show_problem)

    def show_problem(self, error: SalonError) -> None:
        self.show_problem_text(error.message)

    def show_problem_text(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(text))
        message.add_class("-error")

    def action_cancel(self) -> None:
        self.dismiss(None)
