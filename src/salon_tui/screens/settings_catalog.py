"""Settings → Catalogue: the menu's categories (add, rename, retire) and whether a sale
may take stock below zero."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static, Switch

from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader


class CategoryModal(SalonModal[tuple[str, str]]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, name: str = "", name_en: str = "") -> None:
        super().__init__()
        self.initial = (name, name_en)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Menu category"), classes="dialog-title")
            yield Label(_("Item name"))
            yield Input(self.initial[0], id="category-name", max_length=40)
            yield Label(_("English name"))
            yield Input(self.initial[1], id="category-name-en", max_length=60)
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#category-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "category-name":
            self.query_one("#category-name-en", Input).focus()
        else:
            self.save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.save()
        else:
            self.dismiss(None)

    def save(self) -> None:
        self.dismiss(
            (
                self.query_one("#category-name", Input).value,
                self.query_one("#category-name-en", Input).value,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class CatalogSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add")),
        Binding("e", "edit", N_("Edit")),
        Binding("d", "toggle_active", N_("Retire/Activate")),
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.categories: list[Any] = []

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Catalogue"))
        with Vertical(id="catalog-settings"):
            with Horizontal(classes="switch-row"):
                yield Switch(id="allow-negative")
                yield Static(
                    _("Let a sale take stock below zero (flagged); otherwise it is refused."),
                    classes="switch-label",
                )
            yield Static(
                _("Menu categories, in menu order. Services are edited in F5 Stock."),
                classes="hint",
            )
            yield DataTable(id="category-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#category-table", DataTable)
        table.add_columns(_("Item name"), _("English name"), _("Status"))
        table.focus()
        from salon_tui.services import inventory

        uow = self.salon.uow
        call_service(self, lambda: inventory.get_negative_stock_allowed(uow), self._show_switch)
        self.reload()

    def _show_switch(self, allowed: bool) -> None:
        switch = self.query_one("#allow-negative", Switch)
        with switch.prevent(Switch.Changed):
            switch.value = allowed

    def on_switch_changed(self, event: Switch.Changed) -> None:
        from salon_tui.services import inventory

        uow, actor, allowed = self.salon.uow, self.salon.session_actor, event.value
        call_service(
            self,
            lambda: inventory.set_negative_stock_allowed(uow, actor, allowed),
            lambda now: self.notify(
                _("Sales may now take stock below zero (flagged).")
                if now
                else _("Sales are now refused when stock would go below zero.")
            ),
        )

    def reload(self, keep_id: int | None = None) -> None:
        from salon_tui.services import categories

        uow = self.salon.uow
        call_service(
            self,
            lambda: categories.list_categories(uow, include_inactive=True),
            lambda rows: self._show(rows, keep_id),
        )

    def _show(self, rows: list[Any], keep_id: int | None) -> None:
        self.categories = rows
        table = self.query_one("#category-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                row.name, row.name_en, _("in use") if row.active else _("retired"), key=str(row.id)
            )
        if keep_id is not None:
            table.move_cursor(row=next((i for i, r in enumerate(rows) if r.id == keep_id), 0))

    def selected(self) -> Any | None:
        table = self.query_one("#category-table", DataTable)
        if not self.categories or table.cursor_row is None:
            return None
        return self.categories[min(table.cursor_row, len(self.categories) - 1)]

    def action_add(self) -> None:
        from salon_tui.services import categories

        uow, actor = self.salon.uow, self.salon.session_actor

        def add(values: tuple[str, str] | None) -> None:
            if values is None:
                return
            call_service(
                self,
                lambda: categories.add_category(uow, actor, values[0], values[1]),
                lambda row: self._changed(
                    _("Added the category {name}.").format(name=row.name), row.id
                ),
            )

        self.app.push_screen(CategoryModal(), add)

    def action_edit(self) -> None:
        category = self.selected()
        if category is None:
            return
        from salon_tui.services import categories

        uow, actor = self.salon.uow, self.salon.session_actor

        def save(values: tuple[str, str] | None) -> None:
            if values is None:
                return
            call_service(
                self,
                lambda: categories.update_category(
                    uow, actor, category.id, name=values[0], name_en=values[1]
                ),
                lambda row: self._changed(_("Saved {name}.").format(name=row.name), row.id),
            )

        self.app.push_screen(CategoryModal(category.name, category.name_en), save)

    def action_toggle_active(self) -> None:
        category = self.selected()
        if category is None:
            return
        from salon_tui.services import categories

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: categories.update_category(uow, actor, category.id, active=not category.active),
            lambda row: self._changed(
                (
                    _("{name} is retired.") if not row.active else _("{name} is active again.")
                ).format(name=row.name),
                row.id,
            ),
        )

    def _changed(self, message: str, row_id: int) -> None:
        self.notify(message)
        self.reload(keep_id=row_id)

    def action_close(self) -> None:
        self.app.pop_screen()
