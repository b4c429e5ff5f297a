"""The service form: code, names, category, price and prices by stylist level, minutes,
resources, patch test, who can do it, and the usage recipe (what back-bar stock one
performance uses, e.g. 60 g of colour and 90 ml of developer).

Stylists are ticked in a list (none ticked: anyone can do it). Recipe lines are added
like order lines: a product by scan, code or name and Enter, then the amount in the
product's unit and Enter; Enter on a line changes it, Delete removes it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, SelectionList, Static

from salon_tui.domain.money import parse_amount, to_decimal
from salon_tui.domain.permissions import ROLE_LABELS
from salon_tui.i18n import N_, _
from salon_tui.screens.base import call_service
from salon_tui.screens.modals.catalog_forms import CatalogForm, FormField, FormProblem, money_text
from salon_tui.services.catalog import ServiceDraft
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.safe_text import shown
from salon_tui.widgets.tables import fill_table

if TYPE_CHECKING:
    from salon_tui.services.products import ProductView

RECIPE_LIMIT = 100_000


def level_prices_text(levels: dict[str, int], currency: str) -> str:
    return ", ".join(f"{level}={to_decimal(price, currency)}" for level, price in levels.items())


@dataclass(frozen=True)
class RecipeLine:
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: int


class ServiceForm(CatalogForm):
    """Add or edit a service of the menu."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("delete", "remove_recipe_line", N_("Remove line"), show=False),
    ]
    TITLE_TEXT = N_("Service")
    FIELDS = (
        FormField("code", N_("Code"), 20),
        FormField("name", N_("Item name"), 60),
        FormField("name_en", N_("English name"), 80),
        FormField("category", N_("Category"), 40),
        FormField("price", N_("Price"), 16),
        FormField("duration", N_("Minutes"), 4),
        FormField("processing", N_("Processing minutes"), 4),
        FormField("levels", N_("Price by stylist level (总监=688, 发型师=488)"), 200),
        FormField("resources", N_("Resources (chair, basin, room, bed)"), 60),
    )

    def __init__(
        self,
        currency: str,
        draft: ServiceDraft | None = None,
        message: str = "",
        focus: str = "",
    ) -> None:
        self.draft = draft or ServiceDraft(
            code="", name="", category="", price_cents=0, duration_min=60
        )
        super().__init__(currency, self.as_values(self.draft, currency), message, focus)
        self.recipe: list[RecipeLine] = []
        self.recipe_product: ProductView | None = None

    @staticmethod
    def as_values(draft: ServiceDraft, currency: str) -> dict[str, str]:
        return {
            "code": draft.code,
            "name": draft.name,
            "name_en": draft.name_en,
            "category": draft.category,
            "price": money_text(draft.price_cents, currency),
            "duration": str(draft.duration_min or ""),
            "processing": str(draft.processing_min or ""),
            "levels": level_prices_text(draft.level_prices, currency),
            "resources": ", ".join(draft.resources),
        }

    def extra_fields(self) -> ComposeResult:
        yield Checkbox(_("Needs a valid patch test"), self.draft.needs_patch_test, id="patch")
        yield Label(_("Who can do it (none ticked: anyone)"))
        yield SelectionList[int](id="stylists")
        yield Label(
            _("Usage recipe: what one performance uses, in the product's unit (60 g, 90 ml)")
        )
        with Horizontal(classes="recipe-fields"):
            with Vertical():
                yield Input(
                    id="recipe", max_length=40, placeholder=_("Barcode, code or name, Enter")
                )
            with Vertical(classes="narrow"):
                yield Input(id="recipe-qty", max_length=7, placeholder=_("Amount, Enter"))
        yield Static("", id="recipe-status", classes="hint")
        yield DataTable(id="recipe-lines", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        # CatalogForm's on_mount (focus) runs too: Textual calls each class's handler.
        self.show_recipe()
        from salon_tui.services import products, staff

        uow = self.salon.uow
        recipe = dict(self.draft.recipe)

        def load() -> tuple[list[Any], list[RecipeLine]]:
            people = staff.list_staff(uow, include_inactive=True)
            lines = []
            for product_id, quantity in recipe.items():
                product = products.get_product(uow, product_id)
                lines.append(
                    RecipeLine(product.id, product.sku, product.name, product.unit, quantity)
                )
            return people, lines

        call_service(self, load, lambda loaded: self.loaded(*loaded))

    def loaded(self, people: list[Any], lines: list[RecipeLine]) -> None:
        chosen = set(self.draft.stylist_ids)
        stylists = self.query_one("#stylists", SelectionList)
        for person in people:
            if not person.active and person.id not in chosen:
                continue
            label = f"{shown(person.name)} · {_(ROLE_LABELS[person.role])}"
            if not person.active:
                label += " · " + _("has left")
            stylists.add_option((label, person.id, person.id in chosen))
        self.recipe = lines
        self.show_recipe()

    # --- the recipe --------------------------------------------------------------------

    def show_recipe(self) -> None:
        table = self.query_one("#recipe-lines", DataTable)
        fill_table(
            table,
            [_("Code"), _("Item name"), _("Amount used"), _("Unit")],
            [(line.sku, line.name, line.quantity, line.unit) for line in self.recipe],
            [str(line.product_id) for line in self.recipe],
        )
        table.display = bool(self.recipe)

    def recipe_say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#recipe-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        self.query_one("#recipe", Input).value = message.code
        self.find_recipe_product(message.code)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the recipe fields adds a line; elsewhere the form's own handler (which
        Textual runs after this one) moves on or saves."""
        if event.input.id not in ("recipe", "recipe-qty"):
            return
        event.stop()
        event.prevent_default()
        if event.input.id == "recipe-qty":
            self.take_recipe_line()
        elif event.value.strip():
            self.find_recipe_product(event.value)
        else:
            self.submit()

    def find_recipe_product(self, text: str) -> None:
        from salon_tui.screens.modals.order_forms import ProductPickModal
        from salon_tui.services import products

        uow = self.salon.uow

        def found(matches: list[ProductView]) -> None:
            if not matches:
                self.recipe_say(
                    _("No product matches {text!r}. Add it in the Products tab first.").format(
                        text=text.strip()
                    ),
                    error=True,
                )
                self.query_one("#recipe", Input).select_all()
                return
            if len(matches) == 1:
                self.recipe_chosen(matches[0])
                return
            self.app.push_screen(
                ProductPickModal(matches),
                lambda product: self.recipe_chosen(product) if product else None,
            )

        call_service(
            self,
            lambda: products.match_products(uow, text),
            found,
            failed=lambda error: self.recipe_say(error.message, error=True),
        )

    def recipe_chosen(self, product: ProductView) -> None:
        self.recipe_product = product
        self.query_one("#recipe", Input).value = product.sku
        existing = next((line for line in self.recipe if line.product_id == product.id), None)
        amount = self.query_one("#recipe-qty", Input)
        amount.value = str(existing.quantity) if existing else ""
        self.recipe_say(
            _("{code} {name}: how much ({unit}) does one performance use?").format(
                code=product.sku, name=product.name, unit=product.unit or _("units")
            )
        )
        amount.focus()
        amount.select_all()
        self.show_recipe_end()

    def take_recipe_line(self) -> None:
        product = self.recipe_product
        if product is None:
            self.recipe_say(_("Scan or type the product first."), error=True)
            self.query_one("#recipe", Input).focus()
            return
        text = self.query_one("#recipe-qty", Input).value.strip()
        try:
            quantity = int(text)
        except ValueError:
            self.recipe_say(
                _("{field}: {value!r} is not a whole number.").format(
                    field=_("Amount used"), value=text
                ),
                error=True,
            )
            return
        if not 0 < quantity <= RECIPE_LIMIT:
            self.recipe_say(
                _("The amount of {name} must be between 1 and {limit}.").format(
                    name=product.name, limit=RECIPE_LIMIT
                ),
                error=True,
            )
            return
        line = RecipeLine(product.id, product.sku, product.name, product.unit, quantity)
        index = next((i for i, old in enumerate(self.recipe) if old.product_id == product.id), None)
        if index is None:
            self.recipe.append(line)
        else:
            self.recipe[index] = line
        self.show_recipe()
        self.recipe_say(
            _("{name}: {quantity} {unit} per performance.").format(
                name=product.name, quantity=quantity, unit=product.unit
            )
        )
        self.recipe_product = None
        self.query_one("#recipe", Input).value = ""
        self.query_one("#recipe-qty", Input).value = ""
        self.query_one("#recipe", Input).focus()
        self.show_recipe_end()

    def show_recipe_end(self) -> None:
        """The recipe is the form's last part: scroll down so its lines show."""
        fields = self.query_one(".form-fields", VerticalScroll)
        self.call_after_refresh(fields.scroll_end, animate=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.recipe:
            return
        line = self.recipe[min(event.cursor_row, len(self.recipe) - 1)]
        self.query_one("#recipe", Input).value = line.sku
        self.find_recipe_product(line.sku)

    def action_remove_recipe_line(self) -> None:
        table = self.query_one("#recipe-lines", DataTable)
        if self.focused is not table or not self.recipe:
            return
        removed = self.recipe.pop(min(table.cursor_row, len(self.recipe) - 1))
        self.show_recipe()
        self.recipe_say(_("Removed {code} {name}.").format(code=removed.sku, name=removed.name))
        self.query_one("#recipe", Input).focus()
        self.show_recipe_end()

    # --- the draft ---------------------------------------------------------------------

    def build(self) -> ServiceDraft:
        levels: dict[str, int] = {}
        for part in self.text("levels").replace("，", ",").split(","):
            if not part.strip():
                continue
            level, equals, price = part.partition("=")
            if not equals:
                raise FormProblem(_("Write each level as LEVEL=PRICE, e.g. 总监=688."), "levels")
            try:
                levels[level.strip()] = parse_amount(price, self.currency)
            except ValueError as error:
                raise FormProblem(str(error), "levels") from None
        pending = self.text("recipe")
        if pending:
            raise FormProblem(
                _("{text!r} is not in the recipe yet: Enter adds it, or clear the field.").format(
                    text=pending
                ),
                "recipe",
            )
        return replace(
            self.draft,
            code=self.text("code"),
            name=self.text("name"),
            name_en=self.text("name_en"),
            category=self.text("category"),
            price_cents=self.money("price", N_("Price")),
            duration_min=self.whole("duration", N_("Minutes")),
            processing_min=self.whole("processing", N_("Processing minutes")),
            level_prices=levels,
            resources=[r.strip() for r in self.text("resources").split(",") if r.strip()],
            needs_patch_test=self.query_one("#patch", Checkbox).value,
            stylist_ids=tuple(self.query_one("#stylists", SelectionList).selected),
            recipe={line.product_id: line.quantity for line in self.recipe},
        )
