"""The card dialog: issue a card, report it lost, or replace it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.members import MemberView


class CardModal(SalonModal[str]):
    """Dismisses with what happened (for a notification), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, member: MemberView) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        card = self.member.active_card
        lost = next((c for c in self.member.cards if c.status == "lost"), None)
        with Vertical(classes="dialog member-card-dialog"):
            yield Static(
                _("Card of {name}").format(name=shown(self.member.name)), classes="dialog-title"
            )
            if card is not None:
                yield Static(_("Active card: {number}").format(number=card.number))
            elif lost is not None:
                yield Static(_("Card {number} is reported lost.").format(number=lost.number))
            else:
                yield Static(_("No card yet."))
            yield Label(_("Card number printed on the new card (empty: the next number)"))
            yield Input(id="number", max_length=24)
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                if card is None and lost is None:
                    yield Button(_("Issue card"), variant="primary", id="issue")
                if card is not None:
                    yield Button(_("Report lost"), variant="error", id="lost")
                if card is not None or lost is not None:
                    yield Button(_("Replace"), variant="primary", id="replace")
                if card is not None:
                    yield Button(_("Close card"), variant="error", id="close")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        from salon_tui.services import cards

        uow, actor = self.salon.uow, self.salon.session_actor
        member_id = self.member.id
        number = self.query_one("#number", Input).value.strip() or None
        call: Any
        if event.button.id == "issue":

            def call() -> str:
                issued = cards.issue_card(uow, actor, member_id, number)
                return _("Card {number} issued.").format(number=issued.number)

        elif event.button.id == "lost":
            card = self.member.active_card
            assert card is not None

            def call() -> str:
                cards.report_lost(uow, actor, card.number)
                return _("Card {number} is blocked.").format(number=card.number)

        elif event.button.id == "replace":

            def call() -> str:
                new = cards.replace_card(uow, actor, member_id, number)
                return _("Card {old} replaced by {new}.").format(
                    old=new.replaced_number, new=new.number
                )

        elif event.button.id == "close":
            ending = self.member.active_card
            assert ending is not None

            def call() -> str:
                cards.close_card(uow, actor, ending.number)
                return _("Card {number} closed.").format(number=ending.number)

        else:
            self.dismiss(None)
            return
        call_service(self.app, call, self.dismiss, failed=self.show_problem)

    def show_problem(self, error: SalonError) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(error.message))
        message.add_class("-error")
