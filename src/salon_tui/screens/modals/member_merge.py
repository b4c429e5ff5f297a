"""Merge a duplicate into the member shown (Ctrl+G on Members; owners and managers).

Find the other record with the same search as the Members screen, pick it, read what
will happen, then Merge: its cards, stored value, packages, points, coupons, bookings,
sales and history move to the member shown, and the other record is archived.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.member_merge import MergeResult
    from salon_tui.services.member_search import MemberHit, SearchResult
    from salon_tui.services.members import MemberView


class MergeModal(SalonModal[str]):
    """Dismisses with what happened (for a notification), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, keep: MemberView) -> None:
        super().__init__()
        self.keep = keep
        self.hits: dict[int, MemberHit] = {}
        self.chosen: MemberHit | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog member-wide-dialog"):
            yield Static(
                _("Merge a duplicate into {name} #{id}").format(
                    name=shown(self.keep.name), id=self.keep.id
                ),
                classes="dialog-title",
            )
            yield Static(
                _(
                    "Find the other record of the same person and press Enter on it. "
                    "Everything of it moves here and it is archived."
                )
            )
            yield Input(
                placeholder=_("Card, phone, last 4 digits, name or pinyin"), id="merge-search"
            )
            yield DataTable(id="merge-results", cursor_type="row", zebra_stripes=True)
            yield Static("", id="merge-question", classes="dialog-question")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Merge"), variant="error", id="merge", disabled=True)
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#merge-results", DataTable)
        table.add_columns("#", _("Name"), _("Phone"), _("Level"), _("Card"))
        self.query_one("#merge-search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        from salon_tui.services.member_search import search_members

        uow, actor, query = self.salon.uow, self.salon.session_actor, event.value
        call_service(
            self,
            lambda: search_members(uow, actor, query),
            self.show_results,
            group="merge-search",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.query_one("#merge-results", DataTable).focus()

    def show_results(self, result: SearchResult) -> None:
        if result.query != self.query_one("#merge-search", Input).value:
            return  # an older keystroke's answer
        self.hits = {hit.id: hit for hit in result.hits if hit.id != self.keep.id}
        table = self.query_one("#merge-results", DataTable)
        table.clear()
        for hit in self.hits.values():
            table.add_row(
                str(hit.id),
                shown(hit.name),
                hit.phone,
                shown(hit.level),
                hit.card_number,
                key=str(hit.id),
            )
        message = self.query_one("#form-message", Static)
        message.update(shown(result.notice))
        message.set_class(bool(result.notice), "-error")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:
            return
        self.chosen = self.hits.get(int(event.row_key.value))
        if self.chosen is None:
            return
        self.query_one("#merge-question", Static).update(
            _(
                "Move everything of {other} #{other_id} to {name} #{id} "
                "and archive {other} #{other_id}?"
            ).format(
                other=shown(self.chosen.name),
                other_id=self.chosen.id,
                name=shown(self.keep.name),
                id=self.keep.id,
            )
        )
        button = self.query_one("#merge", Button)
        button.disabled = False
        button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "merge" or self.chosen is None:
            self.dismiss(None)
            return
        from salon_tui.services.member_merge import merge_members

        uow, actor = self.salon.uow, self.salon.session_actor
        keep_id, drop_id = self.keep.id, self.chosen.id
        call_service(
            self.app,
            lambda: merge_members(uow, actor, keep_id, drop_id),
            self.merged,
            failed=self.show_problem,
        )

    def merged(self, result: MergeResult) -> None:
        self.dismiss(
            _("#{merged} merged into {name} #{kept}.").format(
                merged=result.merged_id, name=result.kept_name, kept=result.kept_id
            )
        )

    def show_problem(self, error: SalonError) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(error.message))
        message.add_class("-error")

    def action_cancel(self) -> None:
        self.dismiss(None)
