"""Settings → Staff: add staff, set roles, reset PINs, deactivate and reactivate."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from salon_tui.domain.clock import utc_now
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.services.staff import StaffView
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader


class StaffSettingsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add")),
        Binding("r", "role", N_("Role")),
        Binding("p", "reset_pin", N_("Reset PIN")),
        Binding("d", "toggle_active", N_("Deactivate/Activate")),
        Binding("escape", "close", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: list[StaffView] = []

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Settings → Staff"))
        with Vertical(id="staff-settings"):
            yield Static(
                _("Everyone who can log in. Deactivated staff keep their history."), classes="hint"
            )
            yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.add_columns(_("Name"), _("Role"), _("Status"))
        table.focus()
        self.reload()

    def reload(self, keep_id: int | None = None) -> None:
        from salon_tui.services import staff

        uow = self.salon.uow
        call_service(
            self,
            lambda: staff.list_staff(uow, include_inactive=True),
            lambda people: self._show(people, keep_id),
        )

    def _show(self, people: list[StaffView], keep_id: int | None) -> None:
        self.people = people
        table = self.query_one("#staff-table", DataTable)
        table.clear()
        now = utc_now()
        for person in people:
            if person.hard_locked:
                status = _("locked: reset the PIN")
            elif person.is_waiting(now):
                status = _("waiting after wrong PINs")
            elif person.active:
                status = _("active")
            else:
                status = _("deactivated")
            table.add_row(person.name, person.role_label, status, key=str(person.id))
        if keep_id is not None:
            index = next((i for i, person in enumerate(people) if person.id == keep_id), 0)
            table.move_cursor(row=index)

    def selected(self) -> StaffView | None:
        table = self.query_one("#staff-table", DataTable)
        if not self.people or table.cursor_row is None or table.cursor_row >= len(self.people):
            return None
        return self.people[table.cursor_row]

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        from salon_tui.screens.modals.staff_form import AddStaffModal, NewStaff

        def add(new: NewStaff | None) -> None:
            if new is None:
                return
            from salon_tui.services import staff

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: staff.add_staff(uow, actor, new.name, new.role, new.pin),
                lambda added: self._changed(_("{name} added.").format(name=added.name), added.id),
            )

        self.app.push_screen(AddStaffModal(), add)

    def action_role(self) -> None:
        person = self.selected()
        if person is None:
            return
        from salon_tui.domain.permissions import Role
        from salon_tui.screens.modals.staff_form import RoleModal

        def change(role: Role | None) -> None:
            if role is None:
                return
            from salon_tui.services import staff

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: staff.set_role(uow, actor, person.id, role),
                lambda changed: self._changed(
                    _("{name} is now {role}.").format(name=changed.name, role=changed.role_label),
                    changed.id,
                ),
            )

        self.app.push_screen(RoleModal(person), change)

    def action_reset_pin(self) -> None:
        person = self.selected()
        if person is None:
            return
        from salon_tui.screens.modals.pin import NewPinModal

        def reset(pin: str | None) -> None:
            if pin is None:
                return
            from salon_tui.services import staff

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: staff.reset_pin(uow, actor, person.id, pin),
                lambda changed: self._changed(
                    _("New PIN set for {name}.").format(name=changed.name), changed.id
                ),
            )

        self.app.push_screen(NewPinModal(_("New PIN for {name}").format(name=person.name)), reset)

    def action_toggle_active(self) -> None:
        person = self.selected()
        if person is None:
            return
        from salon_tui.screens.modals.confirm import ConfirmModal

        if person.active:
            question = _(
                "Deactivate {name}? They can no longer log in; their history stays."
            ).format(name=person.name)
        else:
            question = _("Let {name} log in again?").format(name=person.name)

        def toggle(confirmed: bool | None) -> None:
            if not confirmed:
                return
            from salon_tui.services import staff

            uow, actor = self.salon.uow, self.salon.session_actor
            call_service(
                self,
                lambda: staff.set_active(uow, actor, person.id, not person.active),
                lambda changed: self._changed(
                    (
                        _("{name} deactivated.")
                        if not changed.active
                        else _("{name} can log in again.")
                    ).format(name=changed.name),
                    changed.id,
                ),
            )

        self.app.push_screen(ConfirmModal(question), toggle)

    def _changed(self, message: str, staff_id: int) -> None:
        self.notify(message)
        self.reload(keep_id=staff_id)
