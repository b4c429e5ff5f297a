"""A member's timeline (Ctrl+Y on Members): every profile change, level change with its
reason, card, safety record, visit, booking, points and coupon, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.member_timeline import TimelineEvent
    from salon_tui.services.members import MemberView


class TimelineModal(SalonModal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(self, member: MemberView) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog member-wide-dialog"):
            yield Static(
                _("Timeline of {name}").format(name=shown(self.member.name)),
                classes="dialog-title",
            )
            yield Static(_("Loading…"), id="timeline-count")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="buttons"):
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        from salon_tui.services.member_timeline import member_timeline
        from salon_tui.services.settings import get_shop_settings

        table = self.query_one("#timeline", DataTable)
        table.add_columns(_("When"), _("By"), _("What happened"))
        table.focus()
        uow, actor, member_id = self.salon.uow, self.salon.session_actor, self.member.id

        def load() -> tuple[list[TimelineEvent], str]:
            return member_timeline(uow, actor, member_id), get_shop_settings(uow).timezone

        call_service(self, load, self.show_events)

    def show_events(self, loaded: tuple[list[TimelineEvent], str]) -> None:
        from salon_tui.domain.clock import shop_time

        events, zone = loaded
        table = self.query_one("#timeline", DataTable)
        for event in events:
            table.add_row(
                shop_time(event.at, zone).strftime("%Y-%m-%d %H:%M"),
                shown(event.staff),
                shown(event.text),
            )
        self.query_one("#timeline-count", Static).update(
            _("{count} entries, newest first.").format(count=len(events))
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
