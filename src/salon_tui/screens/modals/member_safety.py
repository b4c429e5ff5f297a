"""The safety dialog: record an allergy, a patch test or a formula for a member."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.members import MemberView

KINDS = {
    "allergy": (N_("Allergy"), N_("What they react to"), N_("Reaction")),
    "patch_test": (N_("Patch test"), N_("Product tested"), N_("Result: pass or fail")),
    "formula": (N_("Formula"), N_("Products and amounts"), N_("Developer")),
}


class SafetyModal(SalonModal[str]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, member: MemberView) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                _("Safety record for {name}").format(name=shown(self.member.name)),
                classes="dialog-title",
            )
            yield Select(
                [(_(title), key) for key, (title, _what, _detail) in KINDS.items()],
                value="allergy",
                allow_blank=False,
                id="kind",
            )
            yield Label(_(KINDS["allergy"][1]), id="what-label")
            yield Input(id="what", max_length=300)
            yield Label(_(KINDS["allergy"][2]), id="detail-label")
            yield Input(id="detail", max_length=200)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#what", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        kind = str(event.value)
        if kind in KINDS:
            self.query_one("#what-label", Label).update(_(KINDS[kind][1]))
            self.query_one("#detail-label", Label).update(_(KINDS[kind][2]))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.save()
        else:
            self.dismiss(None)

    def save(self) -> None:
        from salon_tui.services import member_safety
        from salon_tui.services.members import shop_today

        kind = str(self.query_one("#kind", Select).value)
        what = self.query_one("#what", Input).value
        detail = self.query_one("#detail", Input).value.strip()
        uow, actor, member_id = self.salon.uow, self.salon.session_actor, self.member.id
        call: Any
        if kind == "allergy":

            def call() -> str:
                member_safety.add_allergy(uow, actor, member_id, what, detail)
                return _("Allergy recorded: {substance}.").format(substance=what.strip())

        elif kind == "patch_test":

            def call() -> str:
                with uow.read() as session:
                    today = shop_today(session)
                test = member_safety.add_patch_test(
                    uow, actor, member_id, today, what, detail.lower()
                )
                return _("Patch test recorded; valid until {day}.").format(day=test.valid_until)

        else:

            def call() -> str:
                with uow.read() as session:
                    today = shop_today(session)
                member_safety.add_formula(uow, actor, member_id, today, what, developer=detail)
                return _("Formula recorded.")

        call_service(self.app, call, self.dismiss, failed=self.show_problem)

    def show_problem(self, error: SalonError) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(error.message))
        message.add_class("-error")
