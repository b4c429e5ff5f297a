"""The catalogue at checkout: finding services and products, and stock that moves with
a sale or a refund (inside its transaction).

``sale_catalog.ITEM_FINDERS`` and ``sale_items.ON_SOLD/ON_RETURNED`` reach these through
small wrappers, so that the catalogue loads only when a sale needs it.
"""

from __future__ import annotations

from sqlmodel import Session

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.sales import LineKind
from salon_tui.errors import ValidationError
from salon_tui.i18n import current_locale
from salon_tui.services.sale_catalog import ItemChoice
from salon_tui.services.sale_items import ItemMovement

FUZZY_LIMIT = 6


def find_catalogue_items(
    uow: UnitOfWork, actor: Actor, text: str, member_id: int | None
) -> list[ItemChoice]:
    """An exact code, barcode or name first; otherwise services and retail products whose
    code, name or pinyin contain ``text``."""
    from salon_tui.domain.inventory import ProductUse
    from salon_tui.services import catalog, products

    locale = current_locale()
    with uow.read() as session:
        service = catalog.find_service_row(session, text)
        if service is not None and service.active:
            return [
                _service_choice(view, locale) for view in catalog._service_views(session, [service])
            ]
        product = products.find_product_row(session, text)
        if product is not None and product.active:
            return [
                _product_choice(view, locale) for view in products.product_views(session, [product])
            ]
    found: list[ItemChoice] = []
    try:
        found += [
            _service_choice(view, locale)
            for view in catalog.list_services(uow, query=text, limit=FUZZY_LIMIT)
        ]
    except ValidationError:
        pass  # not a code (spaces in it); the name search below still runs
    try:
        found += [
            _product_choice(view, locale)
            for view in products.list_products(
                uow, query=text, use=ProductUse.RETAIL, limit=FUZZY_LIMIT
            )
        ]
    except ValidationError:
        pass
    return found


def _service_choice(view: object, locale: str) -> ItemChoice:
    from salon_tui.services.catalog import ServiceView

    assert isinstance(view, ServiceView)
    usual = view.stylist_ids[0] if len(view.stylist_ids) == 1 else None
    return ItemChoice(
        LineKind.SERVICE,
        view.id,
        view.code,
        view.label(locale),
        view.commission_category or view.category_name,
        view.price_cents,
        usual,
    )


def _product_choice(view: object, locale: str) -> ItemChoice:
    from salon_tui.services.products import ProductView

    assert isinstance(view, ProductView)
    return ItemChoice(
        LineKind.PRODUCT,
        view.id,
        view.sku,
        view.label(locale),
        view.category,
        view.retail_price_cents,
    )


def take_product_out(session: Session, actor: Actor, movement: ItemMovement) -> None:
    """A sold product leaves the shelf (refused when the shop does not allow negative stock)."""
    from salon_tui.services.inventory import record_sale

    if movement.item_id is not None:
        record_sale(session, actor, [(movement.item_id, movement.qty)], f"sale:{movement.sale_id}")


def put_product_back(session: Session, actor: Actor, movement: ItemMovement) -> None:
    """A refunded product goes back on the shelf."""
    from salon_tui.services.inventory import record_sale

    if movement.item_id is not None:
        record_sale(
            session, actor, [(movement.item_id, -movement.qty)], f"refund:{movement.refund_id}"
        )


def use_service_recipe(session: Session, actor: Actor, movement: ItemMovement) -> None:
    """A service performed takes its back-bar products out, by its recipe."""
    from salon_tui.services.inventory import record_service_use

    if movement.item_id is not None:
        for _ in range(movement.qty):
            record_service_use(session, actor, movement.item_id, f"sale:{movement.sale_id}")
