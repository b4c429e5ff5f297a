"""After paying: the client rates each stylist of the visit, 1–5 stars and a comment.

Asked only when the shop turns it on (Settings → Checkout). Keys 1–5 (or ←/→) set the
stars, the comment is optional, Enter saves and moves to the next stylist; Esc skips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.ratings import RatingTarget


class StarPicker(Static, can_focus=True):
    """Five stars; 1–5 or the arrows choose, Enter goes on to the comment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"set({n})", str(n), show=False) for n in range(1, 6)],
        Binding("left", "step(-1)", show=False),
        Binding("right", "step(1)", show=False),
        Binding("enter", "next", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.stars = 0

    def on_mount(self) -> None:
        self.paint()

    def paint(self) -> None:
        from salon_tui.services.ratings import stars_text

        shown = stars_text(self.stars) if self.stars else "☆☆☆☆☆"
        self.update(f"[b]{shown}[/b]  " + _("(press 1–5)"))

    def action_set(self, stars: int) -> None:
        self.stars = stars
        self.paint()
        self.screen.query_one("#rating-comment", Input).focus()

    def action_step(self, step: int) -> None:
        self.stars = min(5, max(1, self.stars + step))
        self.paint()

    def action_next(self) -> None:
        self.screen.query_one("#rating-comment", Input).focus()


class RatingModal(SalonModal[int]):
    """Dismisses with how many ratings were recorded."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "skip", N_("Skip"))]

    def __init__(self, sale_id: int, number: str, targets: list[RatingTarget]) -> None:
        super().__init__()
        self.sale_id = sale_id
        self.number = number
        self.targets = targets
        self.index = 0
        self.recorded = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static("", id="rating-title", classes="dialog-title")
            yield StarPicker(id="rating-stars")
            yield Label(_("Comment (optional)"))
            yield Input(id="rating-comment", max_length=200)
            yield Static(_("1–5 stars · Enter save · Esc skip"), classes="hint", id="rating-hint")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        self.show_target()

    def show_target(self) -> None:
        target = self.targets[self.index]
        self.query_one("#rating-title", Static).update(
            _("How was {name}? (sale {number})").format(
                name=shown(target.staff_name), number=self.number
            )
        )
        picker = self.query_one(StarPicker)
        picker.stars = 0
        picker.paint()
        self.query_one("#rating-comment", Input).value = ""
        self.query_one("#form-message", Static).update("")
        picker.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from salon_tui.services import ratings

        stars = self.query_one(StarPicker).stars
        if not stars:
            self.problem(_("Choose 1 to 5 stars first."))
            self.query_one(StarPicker).focus()
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        sale_id, staff_id = self.sale_id, self.targets[self.index].staff_id
        comment = event.value
        call_service(
            self,
            lambda: ratings.rate(uow, actor, sale_id, staff_id, stars, comment),
            self.saved,
            failed=lambda error: self.problem(error.message),
            exclusive=True,
        )

    def problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")

    def saved(self, _view: Any) -> None:
        self.recorded += 1
        self.action_skip()

    def action_skip(self) -> None:
        self.index += 1
        if self.index >= len(self.targets):
            self.dismiss(self.recorded)
        else:
            self.show_target()
