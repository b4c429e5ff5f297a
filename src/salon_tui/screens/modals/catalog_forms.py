"""The catalogue forms: a base for them and the product form (the service form is in
``service_form``). They check what can be checked here (amounts, whole numbers) and hand
back a draft; the service checks the rest, and when it refuses the screen opens the form
again with the same values and its message."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from salon_tui.domain.inventory import PRODUCT_USE_LABELS, ProductUse
from salon_tui.domain.money import parse_amount, to_decimal
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal
from salon_tui.services.products import ProductDraft


class FormProblem(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class FormField:
    key: str
    label: str  # msgid
    max_length: int = 80


class CatalogForm(SalonModal[Any]):
    """A scrolling form of inputs with a message line and Save / Cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]
    TITLE_TEXT = ""
    FIELDS: ClassVar[tuple[FormField, ...]] = ()

    def __init__(
        self, currency: str, values: dict[str, str], message: str = "", focus: str = ""
    ) -> None:
        super().__init__()
        self.currency = currency
        self.values = values
        self.message = message
        self.first_focus = focus

    def extra_fields(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog catalog-form"):
            yield Static(_(self.TITLE_TEXT), classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                for form_field in self.FIELDS:
                    yield Label(_(form_field.label))
                    yield Input(
                        self.values.get(form_field.key, ""),
                        id=form_field.key,
                        max_length=form_field.max_length,
                    )
                yield from self.extra_fields()
            yield Static(self.message, id="form-message", classes="-error" if self.message else "")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        target = self.first_focus or self.FIELDS[0].key
        self.query_one(f"#{target}").focus()

    def text(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value.strip()

    def money(self, key: str, label: str, *, blank: int = 0) -> int:
        text = self.text(key)
        if not text:
            return blank
        try:
            return parse_amount(text, self.currency)
        except ValueError as error:
            raise FormProblem(f"{_(label)}: {error}", key) from None

    def whole(self, key: str, label: str) -> int:
        text = self.text(key)
        if not text:
            return 0
        try:
            return int(text)
        except ValueError:
            raise FormProblem(
                _("{field}: {value!r} is not a whole number.").format(field=_(label), value=text),
                key,
            ) from None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        keys = [form_field.key for form_field in self.FIELDS]
        if event.input.id in keys[:-1]:
            self.query_one(f"#{keys[keys.index(event.input.id) + 1]}").focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.submit()
        elif event.button.id == "cancel":
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        try:
            result = self.build()
        except FormProblem as problem:
            message = self.query_one("#form-message", Static)
            message.update(problem.message)
            message.add_class("-error")
            self.query_one(f"#{problem.field}").focus()
            return
        self.dismiss(result)

    def build(self) -> Any:
        raise NotImplementedError


def money_text(amount_minor: int, currency: str) -> str:
    return str(to_decimal(amount_minor, currency)) if amount_minor else ""


class ProductForm(CatalogForm):
    """Add or edit a product. Scanning a barcode into the first field fills it."""

    TITLE_TEXT = N_("Product")
    FIELDS = (
        FormField("barcode", N_("Barcode (scan it here)"), 32),
        FormField("sku", N_("Code"), 32),
        FormField("name", N_("Item name"), 80),
        FormField("name_en", N_("English name"), 100),
        FormField("brand", N_("Brand"), 40),
        FormField("category", N_("Category"), 40),
        FormField("supplier", N_("Supplier"), 80),
        FormField("unit", N_("Unit"), 12),
        FormField("size", N_("Size"), 20),
        FormField("price", N_("Retail price"), 16),
        FormField("cost", N_("Unit cost before the first delivery."), 16),
        FormField("min_stock", N_("Minimum stock"), 9),
        FormField("max_stock", N_("Maximum stock"), 9),
    )

    def __init__(
        self,
        currency: str,
        draft: ProductDraft | None = None,
        message: str = "",
        focus: str = "",
    ) -> None:
        self.draft = draft or ProductDraft(sku="", name="")
        super().__init__(currency, self.as_values(self.draft, currency), message, focus)

    @staticmethod
    def as_values(draft: ProductDraft, currency: str) -> dict[str, str]:
        return {
            "barcode": draft.barcode,
            "sku": draft.sku,
            "name": draft.name,
            "name_en": draft.name_en,
            "brand": draft.brand,
            "category": draft.category,
            "supplier": draft.supplier,
            "unit": draft.unit,
            "size": draft.size,
            "price": money_text(draft.retail_price_cents, currency),
            "cost": money_text(draft.cost_cents, currency),
            "min_stock": str(draft.min_stock or ""),
            "max_stock": str(draft.max_stock or ""),
        }

    def extra_fields(self) -> ComposeResult:
        yield Label(_("Use"))
        yield Select(
            [(_(PRODUCT_USE_LABELS[use]), use) for use in ProductUse],
            value=ProductUse(self.draft.use),
            allow_blank=False,
            id="use",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "barcode" and not self.text("sku"):
            # A scanned barcode doubles as the code until the shop gives its own.
            self.query_one("#sku", Input).value = self.text("barcode")
        super().on_input_submitted(event)

    def build(self) -> ProductDraft:
        use = self.query_one("#use", Select).value
        return replace(
            self.draft,
            barcode=self.text("barcode"),
            sku=self.text("sku"),
            name=self.text("name"),
            name_en=self.text("name_en"),
            brand=self.text("brand"),
            category=self.text("category"),
            supplier=self.text("supplier"),
            unit=self.text("unit"),
            size=self.text("size"),
            retail_price_cents=self.money("price", N_("Retail price")),
            cost_cents=self.money("cost", N_("Average cost")),
            min_stock=self.whole("min_stock", N_("Minimum stock")),
            max_stock=self.whole("max_stock", N_("Maximum stock")),
            use=use if isinstance(use, ProductUse) else ProductUse.RETAIL,
        )
