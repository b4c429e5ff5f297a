"""Settings → Levels: the membership levels with their discounts and upgrade rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.member_levels import LevelView


def _percent(basis_points: int) -> str:
    return f"{basis_points / 100:g}%"


def _yuan(minor: int | None) -> str:
    return "" if minor is None else f"{minor / 100:,.0f}"


class LevelSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add")),
        Binding("e", "edit", N_("Edit")),
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[LevelView] = []

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Levels"))
        with Vertical(id="levels-settings"):
            yield Static(
                _(
                    "Levels from the lowest up. A member moves up when any rule set on a "
                    "higher level is met (cumulative spend, one top-up, points)."
                ),
                classes="hint",
            )
            yield DataTable(id="levels-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#levels-table", DataTable)
        table.add_columns(
            _("Level"),
            _("Service discount"),
            _("Product discount"),
            _("Points ×"),
            _("Upgrade: spend"),
            _("Upgrade: top-up"),
            _("Upgrade: points"),
            _("Can drop"),
            _("Members"),
        )
        table.focus()
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        from salon_tui.services.member_levels import list_levels

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: list_levels(uow, actor, include_inactive=True),
            lambda levels: self.show(levels, keep_id),
        )

    def show(self, levels: list[LevelView], keep_id: int | None) -> None:
        self.levels = levels
        table = self.query_one("#levels-table", DataTable)
        table.clear()
        for level in levels:
            name = escape(level.name) + ("" if level.active else f" ({_('inactive')})")
            table.add_row(
                name,
                _percent(level.service_discount_bp),
                _percent(level.product_discount_bp),
                f"{level.points_multiplier_pct / 100:g}",
                _yuan(level.upgrade_spend_cents),
                _yuan(level.upgrade_top_up_cents),
                "" if level.upgrade_points is None else str(level.upgrade_points),
                _("yes") if level.can_drop else _("no"),
                str(level.members),
                key=str(level.id),
            )
        if keep_id is not None:
            index = next((i for i, level in enumerate(levels) if level.id == keep_id), 0)
            table.move_cursor(row=index)

    def selected(self) -> LevelView | None:
        table = self.query_one("#levels-table", DataTable)
        if not self.levels or table.cursor_row >= len(self.levels):
            return None
        return self.levels[table.cursor_row]

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        self._open_form(None)

    def action_edit(self) -> None:
        level = self.selected()
        if level is not None:
            self._open_form(level)

    def _open_form(self, level: LevelView | None) -> None:
        from salon_tui.screens.modals.level_form import LevelFormModal

        def saved(result: LevelView | None) -> None:
            if result is not None:
                self.notify(_("{name} saved.").format(name=escape(result.name)))
                self.reload(keep_id=result.id)

        self.app.push_screen(LevelFormModal(level), saved)
