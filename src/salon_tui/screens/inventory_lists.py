"""The Products, Services and Low stock tabs of the Stock area: search, list, add, edit,
retire. Typing or scanning into the search box filters as you go; a scanned barcode no
product has opens the product form with it filled in."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from salon_tui.domain.barcodes import is_gtin, lookup_forms
from salon_tui.domain.money import format_money
from salon_tui.errors import SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import call_service, show_error
from salon_tui.screens.modals.catalog_forms import ProductForm
from salon_tui.screens.modals.service_form import ServiceForm

__all__ = ["LowStockPane", "ProductsPane", "ServicesPane"]


class ListPane(Vertical):
    """A search box over a table of rows; subclasses load and show their rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", N_("Add")),
        Binding("ctrl+e", "edit", N_("Edit")),
        Binding("ctrl+r", "toggle_active", N_("Retire/Activate")),
    ]
    HINT = ""
    PLACEHOLDER = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Any] = []

    @property
    def salon(self) -> Any:
        return self.app

    def money(self, amount_minor: int) -> str:
        shop = self.salon.shop
        return format_money(amount_minor, shop.currency, shop.locale)

    def compose(self) -> ComposeResult:
        yield Static(_(self.HINT), classes="hint")
        yield Input(placeholder=_(self.PLACEHOLDER), classes="list-search")
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="list-table")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*[_(column) for column in self.COLUMNS])
        self.reload()

    @property
    def query_text(self) -> str:
        return self.query_one(".list-search", Input).value.strip()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit_search()

    def submit_search(self) -> None:
        self.query_one(DataTable).focus()

    def take_scan(self, code: str) -> None:
        """A scan searches the list, then acts as Enter in the search box."""
        search = self.query_one(".list-search", Input)
        with search.prevent(Input.Changed):
            search.value = code
        query = self.query_text

        def shown(rows: list[Any]) -> None:
            self.show(rows)
            self.submit_search()

        call_service(self, lambda: self.load(query), shown)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def reload(self, keep_id: int | None = None) -> None:
        query = self.query_text
        call_service(self, lambda: self.load(query), lambda rows: self.show(rows, keep_id))

    def load(self, query: str) -> list[Any]:
        raise NotImplementedError

    def cells(self, row: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    def show(self, rows: list[Any], keep_id: int | None = None) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(*self.cells(row), key=str(row.id))
        if keep_id is not None:
            index = next((i for i, row in enumerate(rows) if row.id == keep_id), 0)
            table.move_cursor(row=index)

    def selected(self) -> Any | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def changed(self, message: str, row_id: int) -> None:
        self.app.notify(message)
        self.reload(keep_id=row_id)

    def action_add(self) -> None:
        raise NotImplementedError

    def action_edit(self) -> None:
        raise NotImplementedError

    def action_toggle_active(self) -> None:
        raise NotImplementedError


class ProductsPane(ListPane):
    HINT = N_("Search by barcode, code, name, brand or pinyin. Ctrl+N adds, Enter edits.")
    PLACEHOLDER = N_("Scan or type to search")
    COLUMNS = (
        N_("Code"),
        N_("Barcode"),
        N_("Item name"),
        N_("Brand"),
        N_("Use"),
        N_("Price"),
        N_("On hand"),
        N_("Min"),
        N_("Status"),
    )

    def load(self, query: str) -> list[Any]:
        from salon_tui.services import products

        return products.list_products(self.salon.uow, query=query, include_inactive=True)

    def cells(self, row: Any) -> tuple[Any, ...]:
        from salon_tui.domain.inventory import PRODUCT_USE_LABELS

        on_hand = f"[b red]{row.on_hand}[/]" if row.is_low or row.on_hand < 0 else str(row.on_hand)
        return (
            row.sku,
            row.barcode or "",
            row.name,
            row.brand,
            _(PRODUCT_USE_LABELS[row.use]),
            self.money(row.retail_price_cents) if row.is_retail else "",
            on_hand,
            row.min_stock,
            _("in use") if row.active else _("retired"),
        )

    def submit_search(self) -> None:
        text = self.query_text
        known = {form for row in self.rows for form in (row.barcode, row.sku) if form}
        if text and is_gtin(text.replace(" ", "")) and not known & set(lookup_forms(text)):
            from salon_tui.services.products import ProductDraft

            self.open_form(None, ProductDraft(sku="", name="", barcode=text), focus="sku")
            return
        self.query_one(DataTable).focus()

    def open_form(
        self, product_id: int | None, draft: Any, message: str = "", focus: str = ""
    ) -> None:
        from salon_tui.services import products

        uow, actor = self.salon.uow, self.salon.session_actor

        def save(result: Any) -> None:
            if result is None:
                return

            def refused(error: SalonError) -> None:
                self.open_form(product_id, result, error.message, getattr(error, "field", "") or "")

            if product_id is None:
                call_service(
                    self,
                    lambda: products.add_product(uow, actor, result),
                    lambda view: self.changed(
                        _("Added {code} {name}.").format(code=view.sku, name=view.name), view.id
                    ),
                    failed=refused,
                )
            else:
                call_service(
                    self,
                    lambda: products.update_product(uow, actor, product_id, result),
                    lambda view: self.changed(
                        _("Saved {code} {name}.").format(code=view.sku, name=view.name), view.id
                    ),
                    failed=refused,
                )

        known_fields = {f.key for f in ProductForm.FIELDS}
        self.app.push_screen(
            ProductForm(
                self.salon.shop.currency, draft, message, focus if focus in known_fields else ""
            ),
            save,
        )

    def action_add(self) -> None:
        self.open_form(None, None)

    def action_edit(self) -> None:
        product = self.selected()
        if product is None:
            return
        from salon_tui.services.products import current_product_draft

        self.open_form(product.id, current_product_draft(product))

    def action_toggle_active(self) -> None:
        product = self.selected()
        if product is None:
            return
        from salon_tui.services import products

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: products.set_product_active(uow, actor, product.id, not product.active),
            lambda view: self.changed(
                (
                    _("{code} {name} is retired.")
                    if not view.active
                    else _("{code} {name} is active again.")
                ).format(code=view.sku, name=view.name),
                view.id,
            ),
        )


class ServicesPane(ListPane):
    HINT = N_("Search by code, name or pinyin (jf finds 剪发). Ctrl+N adds, Enter edits.")
    PLACEHOLDER = N_("Type to search the menu")
    COLUMNS = (
        N_("Code"),
        N_("Item name"),
        N_("Category"),
        N_("Price"),
        N_("Level prices"),
        N_("Minutes"),
        N_("Status"),
    )

    def load(self, query: str) -> list[Any]:
        from salon_tui.services import catalog

        return catalog.list_services(self.salon.uow, query=query, include_inactive=True)

    def cells(self, row: Any) -> tuple[Any, ...]:
        return (
            row.code,
            f"{row.name} {row.name_en}".strip(),
            row.category_name,
            self.money(row.price_cents),
            ", ".join(f"{level} {self.money(price)}" for level, price in row.level_prices),
            row.duration_min,
            _("in use") if row.active else _("retired"),
        )

    def open_form(
        self, service_id: int | None, draft: Any, message: str = "", focus: str = ""
    ) -> None:
        from salon_tui.services import catalog

        uow, actor = self.salon.uow, self.salon.session_actor

        def save(result: Any) -> None:
            if result is None:
                return

            def refused(error: SalonError) -> None:
                self.open_form(service_id, result, error.message, getattr(error, "field", "") or "")

            call = (
                (lambda: catalog.add_service(uow, actor, result))
                if service_id is None
                else (lambda: catalog.update_service(uow, actor, service_id, result))
            )
            call_service(
                self,
                call,
                lambda view: self.changed(
                    _("Saved {code} {name}.").format(code=view.code, name=view.name), view.id
                ),
                failed=refused,
            )

        fields = {
            "code",
            "name",
            "name_en",
            "category",
            "price",
            "duration",
            "processing",
            "levels",
            "resources",
            "stylists",
            "recipe",
        }
        renamed = {"duration": "duration", "level_price": "levels", "processing": "processing"}
        target = renamed.get(focus, focus)
        self.app.push_screen(
            ServiceForm(
                self.salon.shop.currency, draft, message, target if target in fields else ""
            ),
            save,
        )

    def action_add(self) -> None:
        self.open_form(None, None)

    def action_edit(self) -> None:
        service = self.selected()
        if service is None:
            return
        from salon_tui.services.catalog import current_draft

        self.open_form(service.id, current_draft(service))

    def action_toggle_active(self) -> None:
        service = self.selected()
        if service is None:
            return
        from salon_tui.services import catalog

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: catalog.set_service_active(uow, actor, service.id, not service.active),
            lambda view: self.changed(
                (
                    _("{code} {name} is retired.")
                    if not view.active
                    else _("{code} {name} is on the menu again.")
                ).format(code=view.code, name=view.name),
                view.id,
            ),
            failed=lambda error: show_error(self, error),
        )


class LowStockPane(ListPane):
    BINDINGS: ClassVar[list[BindingType]] = []
    HINT = N_("Products at or under their minimum, with a quantity to order (last 4 weeks).")
    PLACEHOLDER = N_("Type to filter")
    COLUMNS = (
        N_("Code"),
        N_("Item name"),
        N_("Supplier"),
        N_("On hand"),
        N_("Min"),
        N_("Max"),
        N_("Sold/used"),
        N_("Order"),
    )

    def load(self, query: str) -> list[Any]:
        from salon_tui.services import stock_levels

        lines = stock_levels.low_stock(self.salon.uow, self.salon.session_actor)
        wanted = query.casefold()
        return [
            line
            for line in lines
            if not wanted or wanted in f"{line.product.sku} {line.product.name}".casefold()
        ]

    def show(self, rows: list[Any], keep_id: int | None = None) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for line in rows:
            table.add_row(*self.cells(line), key=str(line.product.id))

    def cells(self, row: Any) -> tuple[Any, ...]:
        product = row.product
        return (
            product.sku,
            product.name,
            product.supplier_name,
            product.on_hand,
            product.min_stock,
            product.max_stock or "",
            row.recent_out,
            row.suggested,
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()

    def action_add(self) -> None:
        return None

    def action_edit(self) -> None:
        return None

    def action_toggle_active(self) -> None:
        return None
