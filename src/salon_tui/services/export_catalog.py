"""Export kinds of the catalogue: services, products and the stock ledger.

The services and products sheets use the same column names the imports read, so a
shop's catalogue goes out and comes back in unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from salon_tui.domain.clock import shop_time
from salon_tui.domain.money import to_decimal
from salon_tui.i18n import N_
from salon_tui.services import catalog, products, settings, stock_levels
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register


def _service_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    currency = settings.get_shop_settings(request.uow).currency
    for service in catalog.list_services(request.uow, include_inactive=True):
        yield [
            service.code,
            service.name,
            service.name_en,
            service.category_name,
            to_decimal(service.price_cents, currency),
            service.duration_min,
            service.processing_min,
            ", ".join(
                f"{level}={to_decimal(price, currency)}" for level, price in service.level_prices
            ),
            ", ".join(service.resources),
            service.needs_patch_test,
            ", ".join(f"{item.sku}={item.quantity}" for item in service.recipe),
            service.active,
        ]


register(
    ExportKind(
        name="services",
        title=N_("Services"),
        permission="catalog.view",
        columns=(
            ExportColumn(N_("code"), N_("The service's code on the menu.")),
            ExportColumn(N_("name"), N_("Its name on the menu.")),
            ExportColumn(N_("name_en"), N_("Its English name.")),
            ExportColumn(N_("category"), N_("The menu category.")),
            ExportColumn(N_("price"), N_("Base price in the shop's currency.")),
            ExportColumn(N_("duration_min"), N_("Minutes it takes, processing included.")),
            ExportColumn(N_("processing_min"), N_("Minutes the stylist is free (colour).")),
            ExportColumn(N_("level_prices"), N_("Prices by stylist level, LEVEL=PRICE.")),
            ExportColumn(N_("resources"), N_("Chair, basin, room or bed it needs.")),
            ExportColumn(N_("patch_test"), N_("True when a valid patch test is needed.")),
            ExportColumn(N_("recipe"), N_("Back-bar use per service, PRODUCT=QUANTITY.")),
            ExportColumn(N_("active"), N_("False once retired; history keeps it.")),
        ),
        rows=_service_rows,
    )
)


def _product_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    currency = settings.get_shop_settings(request.uow).currency
    for product in products.list_products(request.uow, include_inactive=True):
        yield [
            product.sku,
            product.barcode or "",
            product.name,
            product.name_en,
            product.brand,
            product.category,
            product.supplier_name,
            to_decimal(product.retail_price_cents, currency),
            to_decimal(product.cost_cents, currency),
            product.unit,
            product.size,
            product.use.value,
            product.min_stock,
            product.max_stock,
            product.on_hand,
            product.active,
        ]


register(
    ExportKind(
        name="products",
        title=N_("Products"),
        permission="inventory.report",
        columns=(
            ExportColumn(N_("sku"), N_("The shop's code for the product.")),
            ExportColumn(N_("barcode"), N_("EAN-13/UPC barcode or the shop's own code.")),
            ExportColumn(N_("name"), N_("Its name.")),
            ExportColumn(N_("name_en"), N_("Its English name.")),
            ExportColumn(N_("brand"), N_("Brand.")),
            ExportColumn(N_("category"), N_("Product category.")),
            ExportColumn(N_("supplier"), N_("Supplier name.")),
            ExportColumn(N_("price"), N_("Retail price in the shop's currency.")),
            ExportColumn(N_("cost"), N_("Moving average cost of one unit.")),
            ExportColumn(N_("unit"), N_("The unit stock is counted in.")),
            ExportColumn(N_("size"), N_("Size of one unit.")),
            ExportColumn(N_("use"), N_("retail, professional (back-bar) or both.")),
            ExportColumn(N_("min_stock"), N_("Minimum stock (reorder point).")),
            ExportColumn(N_("max_stock"), N_("Maximum stock (order up to).")),
            ExportColumn(N_("on_hand"), N_("Units on hand now (sum of the ledger).")),
            ExportColumn(N_("active"), N_("False once retired; history keeps it.")),
        ),
        rows=_product_rows,
    )
)


def _movement_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    shop = settings.get_shop_settings(request.uow)
    for move in stock_levels.history(
        request.uow,
        request.actor,
        since=request.period.start,
        until=request.period.end,
        timezone=shop.timezone,
    ):
        yield [
            move.id,
            shop_time(move.at, shop.timezone).replace(tzinfo=None),
            move.sku,
            move.product_name,
            move.kind.value,
            move.quantity,
            to_decimal(move.unit_cost_cents, shop.currency),
            move.on_hand_after,
            move.went_negative,
            move.reason,
            move.reference,
            move.note,
        ]


register(
    ExportKind(
        name="stock",
        title=N_("Stock ledger"),
        permission="inventory.report",
        columns=(
            ExportColumn(N_("ID"), N_("The movement's number; the ledger is never edited.")),
            ExportColumn(N_("When"), N_("Shop time of the movement.")),
            ExportColumn(N_("sku"), N_("The shop's code for the product.")),
            ExportColumn(N_("name"), N_("Its name.")),
            ExportColumn(
                N_("kind"),
                N_("receive, sale, sale_return, service_use, adjust, count, transfer, opening."),
            ),
            ExportColumn(N_("quantity"), N_("Units in (+) or out (-).")),
            ExportColumn(N_("unit_cost"), N_("Cost of one unit for this movement.")),
            ExportColumn(N_("on_hand_after"), N_("Units on hand after it.")),
            ExportColumn(N_("went_negative"), N_("True when it took stock below zero.")),
            ExportColumn(N_("reason"), N_("Why stock was adjusted.")),
            ExportColumn(N_("reference"), N_("The sale, order or stocktake it belongs to.")),
            ExportColumn(N_("note"), N_("A note kept with the movement.")),
        ),
        rows=_movement_rows,
    )
)
