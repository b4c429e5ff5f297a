"""`salon product …` and `salon supplier …`: products with barcodes, and who supplies them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._catalog import money, parse_money, shop_currency
from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.services.products import ProductView

app = new_app(_("Products: list, show, add, edit and retire; barcodes are checked."))
supplier_app = new_app(_("Suppliers: list and add, with their lead time."))

BarcodeOption = Annotated[
    str | None, typer.Option("--barcode", help=_("EAN-13/UPC (check digit verified) or own code."))
]
PriceOption = Annotated[str | None, typer.Option("--price", help=_("Retail price, e.g. 168."))]
CostOption = Annotated[
    str | None, typer.Option("--cost", help=_("Unit cost before the first delivery."))
]
NameEnOption = Annotated[str | None, typer.Option("--name-en", help=_("English name."))]
BrandOption = Annotated[str | None, typer.Option("--brand", help=_("Brand."))]
CategoryOption = Annotated[str | None, typer.Option("--category", help=_("Product category."))]
SupplierOption = Annotated[str | None, typer.Option("--supplier", help=_("Supplier name."))]
UnitOption = Annotated[
    str | None, typer.Option("--unit", help=_("The unit stock is counted in: 瓶, 支, g, ml …"))
]
SizeOption = Annotated[str | None, typer.Option("--size", help=_("Size of one unit, e.g. 500ml."))]
UseOption = Annotated[
    str | None, typer.Option("--use", help=_("retail, professional (back-bar) or both."))
]
MinOption = Annotated[int | None, typer.Option("--min", help=_("Minimum stock (reorder point)."))]
MaxOption = Annotated[int | None, typer.Option("--max", help=_("Maximum stock (order up to)."))]


def product_json(product: ProductView) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "barcode": product.barcode,
        "name": product.name,
        "name_en": product.name_en,
        "brand": product.brand,
        "category": product.category,
        "supplier": product.supplier_name,
        "unit": product.unit,
        "size": product.size,
        "retail_price_cents": product.retail_price_cents,
        "cost_cents": product.cost_cents,
        "use": product.use.value,
        "min_stock": product.min_stock,
        "max_stock": product.max_stock,
        "on_hand": product.on_hand,
        "active": product.active,
    }


@app.command("list", help=_("List products; search by barcode, code, name, brand or pinyin."))
def list_command(
    query: Annotated[str, typer.Argument(help=_("What to look for."))] = "",
    category: CategoryOption = None,
    low: Annotated[
        bool, typer.Option("--low", help=_("Only products at or under minimum."))
    ] = False,
    include_inactive: Annotated[
        bool, typer.Option("--all", help=_("Include retired products."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import products

    uow = open_database()
    found = products.list_products(
        uow, query=query, category=category, include_inactive=include_inactive, low_only=low
    )
    if as_json:
        print_json([product_json(p) for p in found])
        return
    print_table(
        [_("Code"), _("Barcode"), _("Item name"), _("Brand"), _("Price"), _("On hand"), _("Min")],
        [
            (
                p.sku,
                p.barcode or "",
                p.name,
                p.brand,
                money(uow, p.retail_price_cents) if p.is_retail else _("back-bar"),
                p.on_hand,
                p.min_stock,
            )
            for p in found
        ],
    )


@app.command("show", help=_("Show one product with its stock and last movements."))
def show_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Barcode, code or exact name."))],
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.inventory import PRODUCT_USE_LABELS
    from salon_tui.services import products

    uow = open_database()
    product = products.find_product(uow, code)
    if as_json:
        print_json(product_json(product))
        return
    print_table(
        [_("Field"), _("Value")],
        [
            (_("Code"), product.sku),
            (_("Barcode"), product.barcode or ""),
            (_("Item name"), product.name),
            (_("English name"), product.name_en),
            (_("Brand"), product.brand),
            (_("Category"), product.category),
            (_("Supplier"), product.supplier_name),
            (_("Unit"), f"{product.unit} {product.size}".strip()),
            (_("Use"), _(PRODUCT_USE_LABELS[product.use])),
            (_("Retail price"), money(uow, product.retail_price_cents)),
            (_("Average cost"), money(uow, product.cost_cents)),
            (_("On hand"), product.on_hand),
            (_("Minimum / maximum"), f"{product.min_stock} / {product.max_stock}"),
            (_("Stock value at cost"), money(uow, product.stock_value_cents)),
            (_("Status"), _("in use") if product.active else _("retired")),
        ],
    )


def _draft_changes(
    currency: str,
    *,
    barcode: str | None,
    price: str | None,
    name_en: str | None,
    brand: str | None,
    category: str | None,
    supplier: str | None,
    unit: str | None,
    size: str | None,
    use: str | None,
    min_stock: int | None,
    max_stock: int | None,
) -> dict[str, Any]:
    values = {
        "barcode": barcode,
        "retail_price_cents": parse_money(price, currency, "--price"),
        "name_en": name_en,
        "brand": brand,
        "category": category,
        "supplier": supplier,
        "unit": unit,
        "size": size,
        "use": use,
        "min_stock": min_stock,
        "max_stock": max_stock,
    }
    return {key: value for key, value in values.items() if value is not None}


@app.command("add", help=_("Add a product."))
def add_command(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help=_("The shop's code for it, e.g. SH01."))],
    name: Annotated[str, typer.Argument(help=_("Its name."))],
    barcode: BarcodeOption = None,
    price: PriceOption = None,
    cost: CostOption = None,
    name_en: NameEnOption = None,
    brand: BrandOption = None,
    category: CategoryOption = None,
    supplier: SupplierOption = None,
    unit: UnitOption = None,
    size: SizeOption = None,
    use: UseOption = None,
    min_stock: MinOption = None,
    max_stock: MaxOption = None,
) -> None:
    from salon_tui.services import products

    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency, _locale = shop_currency(uow)
    draft = products.ProductDraft(
        sku=sku,
        name=name,
        cost_cents=parse_money(cost, currency, "--cost") or 0,
        **_draft_changes(
            currency,
            barcode=barcode,
            price=price,
            name_en=name_en,
            brand=brand,
            category=category,
            supplier=supplier,
            unit=unit,
            size=size,
            use=use,
            min_stock=min_stock,
            max_stock=max_stock,
        ),
    )
    added = products.add_product(uow, actor, draft)
    typer.echo(_("Added {code} {name}.").format(code=added.sku, name=added.name))


@app.command("edit", help=_("Change a product; options not given stay as they are."))
def edit_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Barcode, code or exact name."))],
    new_sku: Annotated[str | None, typer.Option("--sku", help=_("A new code."))] = None,
    name: Annotated[str | None, typer.Option("--name", help=_("A new name."))] = None,
    barcode: BarcodeOption = None,
    price: PriceOption = None,
    name_en: NameEnOption = None,
    brand: BrandOption = None,
    category: CategoryOption = None,
    supplier: SupplierOption = None,
    unit: UnitOption = None,
    size: SizeOption = None,
    use: UseOption = None,
    min_stock: MinOption = None,
    max_stock: MaxOption = None,
) -> None:
    from dataclasses import replace

    from salon_tui.services import products

    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency, _locale = shop_currency(uow)
    product = products.find_product(uow, code)
    changes = _draft_changes(
        currency,
        barcode=barcode,
        price=price,
        name_en=name_en,
        brand=brand,
        category=category,
        supplier=supplier,
        unit=unit,
        size=size,
        use=use,
        min_stock=min_stock,
        max_stock=max_stock,
    )
    if new_sku is not None:
        changes["sku"] = new_sku
    if name is not None:
        changes["name"] = name
    if not changes:
        raise UsageProblem(_("Nothing to change: give at least one option."))
    changed = products.update_product(
        uow, actor, product.id, replace(products.current_product_draft(product), **changes)
    )
    typer.echo(_("Saved {code} {name}.").format(code=changed.sku, name=changed.name))


@app.command("retire", help=_("Retire a product: no longer sold or ordered; history stays."))
def retire_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Barcode, code or exact name."))],
) -> None:
    from salon_tui.services import products

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = products.set_product_active(uow, actor, products.find_product(uow, code).id, False)
    typer.echo(_("{code} {name} is retired.").format(code=changed.sku, name=changed.name))


@app.command("activate", help=_("Bring a retired product back."))
def activate_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Barcode, code or exact name."))],
) -> None:
    from salon_tui.services import products

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = products.set_product_active(uow, actor, products.find_product(uow, code).id, True)
    typer.echo(_("{code} {name} is active again.").format(code=changed.sku, name=changed.name))


@supplier_app.command("list", help=_("List suppliers."))
def supplier_list_command(
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import suppliers

    uow = open_database()
    found = suppliers.list_suppliers(uow, include_inactive=True)
    if as_json:
        print_json([s.__dict__ for s in found])
        return
    print_table(
        [_("Supplier"), _("Contact"), _("Phone"), _("Lead time (days)")],
        [(s.name, s.contact, s.phone, s.lead_time_days) for s in found],
    )


@supplier_app.command("add", help=_("Add a supplier."))
def supplier_add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The supplier's name."))],
    contact: Annotated[str, typer.Option("--contact", help=_("Who to talk to."))] = "",
    phone: Annotated[str, typer.Option("--phone", help=_("Their phone number."))] = "",
    lead_time: Annotated[
        int, typer.Option("--lead-time", help=_("Days from order to delivery."))
    ] = 7,
) -> None:
    from salon_tui.services import suppliers

    uow = open_database()
    actor = acting_staff(ctx, uow)
    added = suppliers.add_supplier(
        uow, actor, name, contact=contact, phone=phone, lead_time_days=lead_time
    )
    typer.echo(_("Added the supplier {name}.").format(name=added.name))
