"""The level form: name, discounts, points multiplier, upgrade rules, whether it can drop."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.member_levels import LevelView

# field id → (label msgid, scale from what is typed to what is stored, optional)
FIELDS: dict[str, tuple[str, int, bool]] = {
    "service_discount_bp": (N_("Service discount %"), 100, False),
    "product_discount_bp": (N_("Product discount %"), 100, False),
    "points_multiplier_pct": (N_("Points multiplier (1 = normal)"), 100, False),
    "upgrade_spend_cents": (N_("Upgrade at cumulative spend (yuan, empty: no)"), 100, True),
    "upgrade_top_up_cents": (N_("Upgrade at one top-up of (yuan, empty: no)"), 100, True),
    "upgrade_points": (N_("Upgrade at points (empty: no)"), 1, True),
}


NEW_LEVEL = {"service_discount_bp": 0, "product_discount_bp": 0, "points_multiplier_pct": 100}


def _shown(value: int | None, scale: int) -> str:
    return "" if value is None else f"{Decimal(value) / scale:g}"


class LevelFormModal(SalonModal["LevelView"]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save"), priority=True),
    ]

    def __init__(self, level: LevelView | None) -> None:
        super().__init__()
        self.level = level

    def compose(self) -> ComposeResult:
        level = self.level
        # The fields scroll; the message and the buttons stay in view.
        with Vertical(classes="dialog member-dialog member-form"):
            yield Static(
                _("New level") if level is None else shown(level.name), classes="dialog-title"
            )
            with VerticalScroll(classes="form-fields"):
                yield Label(_("Name"))
                yield Input(level.name if level else "", id="name", max_length=40)
                for field, (label, scale, _optional) in FIELDS.items():
                    yield Label(_(label))
                    value = getattr(level, field) if level else NEW_LEVEL.get(field)
                    yield Input(_shown(value, scale), id=field)
                yield Checkbox(
                    _("Members can drop back below this level"),
                    level.can_drop if level else False,
                    id="can_drop",
                )
                yield Checkbox(_("In use"), level.active if level else True, id="active")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_save()
        else:
            self.dismiss(None)

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.query_one("#name", Input).value}
        for field, (_label, scale, optional) in FIELDS.items():
            text = self.query_one(f"#{field}", Input).value.strip().replace(",", "")
            if not text and optional:
                values[field] = None
                continue
            try:
                values[field] = int(Decimal(text or "0") * scale)
            except InvalidOperation:
                raise ValidationError(
                    _("{text!r} is not a number.").format(text=text), field=field
                ) from None
        values["can_drop"] = self.query_one("#can_drop", Checkbox).value
        values["active"] = self.query_one("#active", Checkbox).value
        return values

    def action_save(self) -> None:
        from salon_tui.services import member_levels

        try:
            values = self._values()
        except ValidationError as error:
            self.show_problem(error)
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        level = self.level
        if level is None:
            call_service(
                self.app,
                lambda: member_levels.add_level(uow, actor, **values),
                self.dismiss,
                failed=self.show_problem,
            )
        else:
            call_service(
                self.app,
                lambda: member_levels.update_level(uow, actor, level.id, **values),
                self.dismiss,
                failed=self.show_problem,
            )

    def show_problem(self, error: SalonError) -> None:
        message = self.query_one("#form-message", Static)
        message.update(shown(error.message))
        message.add_class("-error")
        field = error.field if isinstance(error, ValidationError) else None
        if field and self.query(f"#{field}"):
            self.query_one(f"#{field}").focus()
