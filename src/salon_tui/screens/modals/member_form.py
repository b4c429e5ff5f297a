"""The member form: add a member, or edit one. The service checks everything; its message
shows in the form, next to the field it names, and the form stays open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from salon_tui.errors import Conflict, SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.members import MemberView

TEXT_FIELDS = ("name", "phone", "birthday", "tags", "source", "referrer", "notes", "preferences")


class MemberFormModal(SalonModal["MemberView"]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
    ]

    def __init__(self, member: MemberView | None) -> None:
        super().__init__()
        self.member = member
        self.original: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        from salon_tui.domain.members import GENDERS

        member = self.member
        title = (
            _("New member") if member is None else _("Edit {name}").format(name=shown(member.name))
        )
        # The fields scroll; the title, the message and the buttons stay in view, so a
        # refusal is read next to Save however far down the form the cursor is.
        with Vertical(classes="dialog member-dialog member-form"):
            yield Static(title, classes="dialog-title")
            with VerticalScroll(id="member-fields", classes="form-fields"):
                labels = {
                    "name": _("Name"),
                    "phone": _("Phone"),
                    "birthday": _("Birthday (YYYY-MM-DD, or MM-DD)"),
                    "tags": _("Tags (comma separated)"),
                    "source": _("Source"),
                    "referrer": _("Referred by (card, phone or #member id)"),
                    "notes": _("Notes"),
                    "preferences": _("Preferences"),
                }
                for field in TEXT_FIELDS[:3]:
                    yield Label(labels[field])
                    yield Input(id=field, max_length=200)
                yield Label(_("Gender"))
                yield Select(
                    [(_(label), key) for key, label in GENDERS.items()], id="gender", prompt="—"
                )
                yield Label(_("Level"))
                yield Select([], id="level", prompt="—")
                yield Label(_("Preferred stylist"))
                yield Select([], id="preferred_stylist", prompt="—")
                for field in TEXT_FIELDS[3:]:
                    yield Label(labels[field])
                    yield Input(id=field, max_length=400)
                yield Checkbox(_("Accepts marketing SMS"), id="consent_sms")
                yield Checkbox(_("Accepts marketing email"), id="consent_email")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                if member is None or not member.is_archived:
                    yield Button(_("Save"), variant="primary", id="ok")
                if member is not None and member.is_archived:
                    yield Button(_("Restore"), variant="primary", id="restore")
                elif member is not None:
                    yield Button(_("Archive"), variant="warning", id="archive")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        from salon_tui.services.member_levels import list_levels

        member = self.member
        if member is not None:
            values = {
                "name": member.name,
                "phone": member.phone if member.contact_visible else "",
                "birthday": member.birthday,
                "tags": ", ".join(member.tags),
                "source": member.source,
                "referrer": f"#{member.referrer_id}" if member.referrer_id else "",
                "notes": member.notes,
                "preferences": member.preferences,
            }
            for field, value in values.items():
                self.query_one(f"#{field}", Input).value = value
            if not member.contact_visible:
                self.query_one("#phone", Input).disabled = True
                self.query_one("#birthday", Input).disabled = True
            if member.gender:
                self.query_one("#gender", Select).value = member.gender
            self.query_one("#consent_sms", Checkbox).value = member.consent_sms
            self.query_one("#consent_email", Checkbox).value = member.consent_email
            self.original = self.collect()
        self.query_one("#name", Input).focus()
        if member is not None and member.is_archived:
            self.show_message(_("{name} is archived: restore the member before editing."))
        uow, actor = self.salon.uow, self.salon.session_actor

        def load() -> tuple[list[Any], list[Any]]:
            from salon_tui.services.staff import list_staff

            return list_levels(uow, actor), list_staff(uow)

        call_service(self, load, self.show_choices)

    def show_choices(self, loaded: tuple[list[Any], list[Any]]) -> None:
        levels, people = loaded
        select = self.query_one("#level", Select)
        select.set_options([(shown(level.name), level.name) for level in levels])
        if self.member is not None and self.member.level:
            select.value = self.member.level
            self.original["level"] = self.member.level
        stylists = self.query_one("#preferred_stylist", Select)
        stylists.set_options([(shown(person.name), person.name) for person in people])
        if self.member is not None and self.member.preferred_stylist:
            stylists.value = self.member.preferred_stylist
        self.original["preferred_stylist"] = self.collect()["preferred_stylist"]

    def show_message(self, template: str) -> None:
        assert self.member is not None
        message = self.query_one("#form-message", Static)
        message.update(template.format(name=shown(self.member.name)))
        message.add_class("-error")

    def collect(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            field: self.query_one(f"#{field}", Input).value
            for field in TEXT_FIELDS
            if not self.query_one(f"#{field}", Input).disabled
        }
        gender = self.query_one("#gender", Select).value
        values["gender"] = gender if isinstance(gender, str) else ""
        level = self.query_one("#level", Select).value
        if isinstance(level, str):
            values["level"] = level
        stylist = self.query_one("#preferred_stylist", Select).value
        values["preferred_stylist"] = stylist if isinstance(stylist, str) else ""
        values["consent_sms"] = self.query_one("#consent_sms", Checkbox).value
        values["consent_email"] = self.query_one("#consent_email", Checkbox).value
        return values

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_save()
        elif event.button.id in ("archive", "restore"):
            self.archive_or_restore(event.button.id)
        else:
            self.dismiss(None)

    def archive_or_restore(self, what: str) -> None:
        from salon_tui.services import members

        member = self.member
        assert member is not None
        uow, actor = self.salon.uow, self.salon.session_actor
        change = members.archive_member if what == "archive" else members.restore_member
        call_service(
            self.app,
            lambda: change(uow, actor, member.id),
            self.dismiss,
            failed=self.show_problem,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from salon_tui.services import members

        if self.member is not None and self.member.is_archived:
            self.show_message(_("{name} is archived: restore the member before editing."))
            return
        values = self.collect()
        uow, actor = self.salon.uow, self.salon.session_actor
        member = self.member
        if member is None:
            call_service(
                self.app,
                lambda: members.add_member(uow, actor, **values),
                self.dismiss,
                failed=self.show_problem,
            )
            return
        changes = {key: value for key, value in values.items() if self.original.get(key) != value}
        if not changes:
            self.dismiss(None)
            return
        call_service(
            self.app,
            lambda: members.edit_member(uow, actor, member.id, **changes),
            self.dismiss,
            failed=self.show_problem,
        )

    def show_problem(self, error: SalonError) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(error.message))
        message.add_class("-error")
        field = error.field if isinstance(error, ValidationError | Conflict) else None
        if field:
            target = self.query(f"#{field}")
            if target:
                target.first().focus()
