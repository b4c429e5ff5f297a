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


# The member's last paid sales that say what their usual services are.
USUAL_SALES = 20
USUAL_LIMIT = 5


def usual_services(uow: UnitOfWork, member_id: int) -> list[ItemChoice]:
    """The services the member had most often on their last 20 paid sales (the latest
    first on a tie), at today's menu price, each with the person who last did it for them
    while that person still works here. Inactive services are left out."""
    with uow.read() as session:
        return usual_services_in(session, member_id, current_locale())


def usual_services_in(session: Session, member_id: int, locale: str) -> list[ItemChoice]:
    from collections import Counter
    from dataclasses import replace

    from sqlmodel import col, select

    from salon_tui.data.models import Sale, SaleLine, SaleLineStaff, Service, Staff
    from salon_tui.domain.sales import COUNTED_STATUSES
    from salon_tui.services.catalog import _service_views

    recent = (
        select(col(Sale.id), col(Sale.paid_at))
        .where(col(Sale.member_id) == member_id, col(Sale.status).in_(COUNTED_STATUSES))
        .order_by(col(Sale.paid_at).desc(), col(Sale.id).desc())
        .limit(USUAL_SALES)
        .subquery()
    )
    lines = session.exec(
        select(col(SaleLine.id), col(SaleLine.item_id), col(SaleLine.item_code))
        .join(recent, recent.c.id == col(SaleLine.sale_id))
        .where(col(SaleLine.kind) == LineKind.SERVICE.value)
        .order_by(recent.c.paid_at.desc(), recent.c.id.desc(), col(SaleLine.position))
    ).all()
    # Lines written by the till name their service by id; history imported from another
    # system (and the demo's) by code only.
    ids = {item_id for _line, item_id, _code in lines if item_id is not None}
    codes = {code for _line, item_id, code in lines if item_id is None and code}
    if not ids and not codes:
        return []
    services = session.exec(
        select(Service).where(
            col(Service.active).is_(True),
            col(Service.id).in_(ids) | col(Service.code).in_(codes),
        )
    ).all()
    by_id = {service.id: service for service in services}
    by_code = {service.code: service for service in services}
    counts: Counter[int] = Counter()
    latest_line: dict[int, int] = {}  # lines come newest first
    for line_id, item_id, code in lines:
        service = by_id.get(item_id) if item_id is not None else by_code.get(code)
        if service is None or service.id is None or line_id is None:
            continue
        counts[service.id] += 1
        latest_line.setdefault(service.id, line_id)
    who: dict[int, tuple[int, str]] = {}
    for line_id, staff_id, name in session.exec(
        select(col(SaleLineStaff.line_id), col(SaleLineStaff.staff_id), col(Staff.name))
        .join(Staff, col(Staff.id) == col(SaleLineStaff.staff_id))
        .where(
            col(SaleLineStaff.line_id).in_(list(latest_line.values())),
            col(Staff.active).is_(True),
        )
        .order_by(col(SaleLineStaff.share_bp), col(SaleLineStaff.id).desc())
    ):
        who[line_id] = (staff_id, name)  # the largest share comes last and stays
    # Most often first; on a tie, the one had most recently (first seen: lines come
    # newest first, and most_common keeps that order among equals).
    chosen = [service_id for service_id, _count in counts.most_common(USUAL_LIMIT)]
    views = {view.id: view for view in _service_views(session, [by_id[i] for i in chosen])}
    found = []
    for service_id in chosen:
        choice = _service_choice(views[service_id], locale)
        stylist = who.get(latest_line[service_id])
        if stylist is not None:
            choice = replace(choice, usual_staff_id=stylist[0], usual_staff_name=stylist[1])
        found.append(choice)
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
