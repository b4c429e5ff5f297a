"""`salon service …`: the service menu — list, show, add, edit, retire, categories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._catalog import money, parse_count, parse_money, parse_pairs, shop_currency
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
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.services.catalog import ServiceView

app = new_app(_("The service menu: list, show, add, edit and retire services; categories."))

CategoryOption = Annotated[
    str | None, typer.Option("--category", help=_("Menu category (name in either language)."))
]
PriceOption = Annotated[str | None, typer.Option("--price", help=_("Base price, e.g. 128."))]
DurationOption = Annotated[
    int | None, typer.Option("--duration", help=_("Minutes the service takes."))
]
NameEnOption = Annotated[str | None, typer.Option("--name-en", help=_("English name."))]
ProcessingOption = Annotated[
    int | None,
    typer.Option("--processing", help=_("Minutes inside it when the stylist is free (colour).")),
]
ResourceOption = Annotated[
    list[str] | None,
    typer.Option("--resource", help=_("A resource it needs: chair, basin, room or bed (repeat).")),
]
PatchOption = Annotated[
    bool | None,
    typer.Option("--patch-test/--no-patch-test", help=_("Whether a valid patch test is needed.")),
]
LevelOption = Annotated[
    list[str] | None,
    typer.Option("--level-price", help=_("Price by stylist level: LEVEL=PRICE, e.g. 总监=188.")),
]
CommissionOption = Annotated[
    str | None, typer.Option("--commission-category", help=_("Commission category."))
]
StylistOption = Annotated[
    list[str] | None,
    typer.Option("--stylist", help=_("A staff member who can do it (repeat; none = anyone).")),
]
UsesOption = Annotated[
    list[str] | None,
    typer.Option("--uses", help=_("Back-bar use per service: PRODUCT=QUANTITY, e.g. CL01=60.")),
]


def service_json(service: ServiceView) -> dict[str, Any]:
    return {
        "id": service.id,
        "code": service.code,
        "name": service.name,
        "name_en": service.name_en,
        "category": service.category_name,
        "price_cents": service.price_cents,
        "level_prices": dict(service.level_prices),
        "duration_min": service.duration_min,
        "processing_min": service.processing_min,
        "resources": list(service.resources),
        "needs_patch_test": service.needs_patch_test,
        "commission_category": service.commission_category,
        "stylist_ids": list(service.stylist_ids),
        "recipe": [{"sku": item.sku, "quantity": item.quantity} for item in service.recipe],
        "active": service.active,
    }


@app.command("list", help=_("List the menu; search by code, name or pinyin."))
def list_command(
    query: Annotated[str, typer.Argument(help=_("Code, name or pinyin to look for."))] = "",
    category: CategoryOption = None,
    include_inactive: Annotated[
        bool, typer.Option("--all", help=_("Include retired services."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import catalog, categories

    uow = open_database()
    category_id = None
    if category:
        wanted = category.strip().casefold()
        found = [
            c
            for c in categories.list_categories(uow, include_inactive=True)
            if wanted in (c.name.casefold(), c.name_en.casefold())
        ]
        if not found:
            raise UsageProblem(_("There is no category {name!r}.").format(name=category))
        category_id = found[0].id
    services = catalog.list_services(
        uow, query=query, category_id=category_id, include_inactive=include_inactive
    )
    if as_json:
        print_json([service_json(s) for s in services])
        return
    print_table(
        [_("Code"), _("Item name"), _("Category"), _("Price"), _("Minutes"), _("Status")],
        [
            (
                s.code,
                f"{s.name} {s.name_en}".strip(),
                s.category_name,
                money(uow, s.price_cents),
                s.duration_min,
                _("in use") if s.active else _("retired"),
            )
            for s in services
        ],
    )


@app.command("show", help=_("Show one service with its level prices and usage recipe."))
def show_command(
    code: Annotated[str, typer.Argument(help=_("Service code or exact name."))],
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import catalog, staff

    uow = open_database()
    service = catalog.find_service(uow, code)
    if as_json:
        print_json(service_json(service))
        return
    names = {person.id: person.name for person in staff.list_staff(uow, include_inactive=True)}
    rows: list[tuple[str, Any]] = [
        (_("Code"), service.code),
        (_("Item name"), service.name),
        (_("English name"), service.name_en),
        (_("Category"), service.category_name),
        (_("Price"), money(uow, service.price_cents)),
        *[
            (_("Price for {level}").format(level=level), money(uow, price))
            for level, price in service.level_prices
        ],
        (_("Minutes"), service.duration_min),
        (_("Processing minutes"), service.processing_min),
        (_("Resources"), ", ".join(service.resources)),
        (_("Patch test"), _("needed") if service.needs_patch_test else _("not needed")),
        (_("Commission category"), service.commission_category),
        (
            _("Who can do it"),
            ", ".join(names.get(i, str(i)) for i in service.stylist_ids) or _("anyone"),
        ),
        *[
            (_("Uses"), f"{item.sku} {item.product_name}: {item.quantity} {item.unit}")
            for item in service.recipe
        ],
        (_("Status"), _("in use") if service.active else _("retired")),
    ]
    print_table([_("Field"), _("Value")], rows)


def _stylist_ids(uow: UnitOfWork, names: list[str]) -> list[int]:
    from salon_tui.services import staff

    return [staff.find_staff(uow, name).id for name in names]


def _recipe(uow: UnitOfWork, pairs: list[str]) -> dict[int, int]:
    from salon_tui.services import products

    return {
        products.find_product(uow, code).id: parse_count(quantity, "--uses")
        for code, quantity in parse_pairs(pairs, "--uses")
    }


def _levels(pairs: list[str], currency: str) -> dict[str, int]:
    levels = {}
    for level, price in parse_pairs(pairs, "--level-price"):
        amount = parse_money(price, currency, "--level-price")
        assert amount is not None
        levels[level] = amount
    return levels


@app.command("add", help=_("Add a service to the menu."))
def add_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("A unique code, e.g. S001."))],
    name: Annotated[str, typer.Argument(help=_("Its name on the menu."))],
    category: CategoryOption = None,
    price: PriceOption = None,
    duration: DurationOption = None,
    name_en: NameEnOption = None,
    processing: ProcessingOption = None,
    resource: ResourceOption = None,
    patch_test: PatchOption = None,
    level_price: LevelOption = None,
    commission_category: CommissionOption = None,
    stylist: StylistOption = None,
    uses: UsesOption = None,
) -> None:
    from salon_tui.services import catalog

    if category is None or price is None or duration is None:
        raise UsageProblem(_("A new service needs --category, --price and --duration."))
    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency, _locale = shop_currency(uow)
    draft = catalog.ServiceDraft(
        code=code,
        name=name,
        name_en=name_en or "",
        category=category,
        price_cents=parse_money(price, currency, "--price") or 0,
        duration_min=duration,
        processing_min=processing or 0,
        resources=resource or [],
        needs_patch_test=bool(patch_test),
        commission_category=commission_category or "",
        level_prices=_levels(level_price or [], currency),
        stylist_ids=_stylist_ids(uow, stylist or []),
        recipe=_recipe(uow, uses or []),
    )
    added = catalog.add_service(uow, actor, draft)
    typer.echo(_("Added {code} {name}.").format(code=added.code, name=added.name))


@app.command("edit", help=_("Change a service; options not given stay as they are."))
def edit_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Service code or exact name."))],
    new_code: Annotated[str | None, typer.Option("--code", help=_("A new code."))] = None,
    name: Annotated[str | None, typer.Option("--name", help=_("A new name."))] = None,
    category: CategoryOption = None,
    price: PriceOption = None,
    duration: DurationOption = None,
    name_en: NameEnOption = None,
    processing: ProcessingOption = None,
    resource: ResourceOption = None,
    patch_test: PatchOption = None,
    level_price: LevelOption = None,
    commission_category: CommissionOption = None,
    stylist: StylistOption = None,
    uses: UsesOption = None,
) -> None:
    from dataclasses import replace

    from salon_tui.services import catalog

    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency, _locale = shop_currency(uow)
    service = catalog.find_service(uow, code)
    changes: dict[str, Any] = {
        key: value
        for key, value in {
            "code": new_code,
            "name": name,
            "name_en": name_en,
            "category": category,
            "price_cents": parse_money(price, currency, "--price"),
            "duration_min": duration,
            "processing_min": processing,
            "resources": resource,
            "needs_patch_test": patch_test,
            "commission_category": commission_category,
            "level_prices": _levels(level_price, currency) if level_price else None,
            "stylist_ids": _stylist_ids(uow, stylist) if stylist else None,
            "recipe": _recipe(uow, uses) if uses else None,
        }.items()
        if value is not None
    }
    if not changes:
        raise UsageProblem(_("Nothing to change: give at least one option."))
    changed = catalog.update_service(
        uow, actor, service.id, replace(catalog.current_draft(service), **changes)
    )
    typer.echo(_("Saved {code} {name}.").format(code=changed.code, name=changed.name))


@app.command("retire", help=_("Retire a service: no longer sold or booked; history stays."))
def retire_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Service code or exact name."))],
) -> None:
    from salon_tui.services import catalog

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = catalog.set_service_active(uow, actor, catalog.find_service(uow, code).id, False)
    typer.echo(_("{code} {name} is retired.").format(code=changed.code, name=changed.name))


@app.command("activate", help=_("Put a retired service back on the menu."))
def activate_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Service code or exact name."))],
) -> None:
    from salon_tui.services import catalog

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = catalog.set_service_active(uow, actor, catalog.find_service(uow, code).id, True)
    typer.echo(
        _("{code} {name} is on the menu again.").format(code=changed.code, name=changed.name)
    )


@app.command("categories", help=_("List the menu categories."))
def categories_command(
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import categories

    uow = open_database()
    found = categories.list_categories(uow, include_inactive=True)
    if as_json:
        print_json([c.__dict__ for c in found])
        return
    print_table(
        [_("Item name"), _("English name"), _("Status")],
        [(c.name, c.name_en, _("in use") if c.active else _("retired")) for c in found],
    )


@app.command("add-category", help=_("Add a menu category."))
def add_category_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Its name, e.g. 烫染."))],
    name_en: NameEnOption = None,
) -> None:
    from salon_tui.services import categories

    uow = open_database()
    actor = acting_staff(ctx, uow)
    added = categories.add_category(uow, actor, name, name_en or "")
    typer.echo(_("Added the category {name}.").format(name=added.name))
