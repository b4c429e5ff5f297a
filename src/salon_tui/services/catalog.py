"""The service menu: categories and services with prices by stylist level, durations,
processing gaps, resources, patch tests, who may do them and their usage recipes.

Codes are unique; a retired service stays in history and cannot be sold or booked.
Areas that hold future uses of a service (bookings) register a check in
``RETIRE_CHECKS`` so that retiring it lists them instead of leaving them dangling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, delete, or_, select

from salon_tui.data.models import (
    Product,
    Service,
    ServiceCategory,
    ServiceLevelPrice,
    ServiceRecipe,
    ServiceStylist,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.catalog import (
    check_price,
    check_quantity,
    clean_code,
    clean_text,
    search_text,
    text_key,
)
from salon_tui.domain.clock import utc_now
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.categories import find_category_row
from salon_tui.services.permissions import require

RESOURCES = ("chair", "basin", "room", "bed")
RESOURCE_LABELS = {
    "chair": N_("chair"),
    "basin": N_("basin"),
    "room": N_("room"),
    "bed": N_("bed"),
}
DURATION_LIMIT = 12 * 60

# (session, service_id) → descriptions of future uses that stop a retirement.
RetireCheck = Callable[[Session, int], list[str]]


def _future_bookings(session: Session, service_id: int) -> list[str]:
    from salon_tui.services.booking_links import future_bookings_of_service

    return future_bookings_of_service(session, service_id)


RETIRE_CHECKS: list[RetireCheck] = [_future_bookings]


@dataclass(frozen=True)
class RecipeItem:
    product_id: int
    sku: str
    product_name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class ServiceView:
    id: int
    code: str
    name: str
    name_en: str
    category_id: int
    category_name: str
    price_cents: int
    duration_min: int
    processing_min: int
    resources: tuple[str, ...]
    needs_patch_test: bool
    commission_category: str
    active: bool
    level_prices: tuple[tuple[str, int], ...] = ()
    stylist_ids: tuple[int, ...] = ()
    recipe: tuple[RecipeItem, ...] = ()

    def price_for_level(self, level: str | None) -> int:
        """The price when a stylist of ``level`` performs it (the base price otherwise)."""
        if level:
            for name, price in self.level_prices:
                if text_key(name) == text_key(level):
                    return price
        return self.price_cents

    def label(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name


@dataclass(frozen=True)
class ServiceDraft:
    """What the service form and `salon service add` send; every field checked here."""

    code: str
    name: str
    category: str
    price_cents: int
    duration_min: int
    name_en: str = ""
    processing_min: int = 0
    resources: Sequence[str] = ()
    needs_patch_test: bool = False
    commission_category: str = ""
    level_prices: dict[str, int] = field(default_factory=dict)
    stylist_ids: Sequence[int] = ()
    recipe: dict[int, int] = field(default_factory=dict)


# --- services ---------------------------------------------------------------------------


def _service_views(session: Session, rows: Sequence[Service]) -> list[ServiceView]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    categories = {c.id: c.name for c in session.exec(select(ServiceCategory))}
    prices: dict[int, list[tuple[str, int]]] = {}
    for price in session.exec(
        select(ServiceLevelPrice)
        .where(col(ServiceLevelPrice.service_id).in_(ids))
        .order_by(col(ServiceLevelPrice.price_cents).desc())
    ):
        prices.setdefault(price.service_id, []).append((price.level, price.price_cents))
    stylists: dict[int, list[int]] = {}
    for link in session.exec(select(ServiceStylist).where(col(ServiceStylist.service_id).in_(ids))):
        stylists.setdefault(link.service_id, []).append(link.staff_id)
    recipes: dict[int, list[RecipeItem]] = {}
    for recipe, product in session.exec(
        select(ServiceRecipe, Product)
        .join(Product, col(Product.id) == col(ServiceRecipe.product_id))
        .where(col(ServiceRecipe.service_id).in_(ids))
        .order_by(col(ServiceRecipe.id))
    ):
        assert product.id is not None
        recipes.setdefault(recipe.service_id, []).append(
            RecipeItem(product.id, product.sku, product.name, product.unit, recipe.quantity)
        )
    views = []
    for row in rows:
        assert row.id is not None
        views.append(
            ServiceView(
                id=row.id,
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                category_id=row.category_id,
                category_name=categories.get(row.category_id, ""),
                price_cents=row.price_cents,
                duration_min=row.duration_min,
                processing_min=row.processing_min,
                resources=tuple(r for r in row.resources.split(",") if r),
                needs_patch_test=row.needs_patch_test,
                commission_category=row.commission_category,
                active=row.active,
                level_prices=tuple(prices.get(row.id, ())),
                stylist_ids=tuple(sorted(stylists.get(row.id, ()))),
                recipe=tuple(recipes.get(row.id, ())),
            )
        )
    return views


def like_pattern(query: str) -> str:
    escaped = text_key(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_services(
    uow: UnitOfWork,
    *,
    query: str = "",
    category_id: int | None = None,
    include_inactive: bool = False,
    limit: int | None = None,
) -> list[ServiceView]:
    """Services in menu order; ``query`` matches code, names or pinyin (jianfa, jf)."""
    statement = select(Service).join(
        ServiceCategory, col(ServiceCategory.id) == col(Service.category_id)
    )
    if not include_inactive:
        statement = statement.where(col(Service.active).is_(True))
    if category_id is not None:
        statement = statement.where(col(Service.category_id) == category_id)
    if query.strip():
        statement = statement.where(
            or_(
                col(Service.code) == clean_code(query),
                col(Service.search_text).like(like_pattern(query), escape="\\"),
            )
        )
    statement = statement.order_by(
        col(ServiceCategory.sort_order), col(Service.code), col(Service.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    with uow.read() as session:
        return _service_views(session, session.exec(statement).all())


def get_service(uow: UnitOfWork, service_id: int) -> ServiceView:
    with uow.read() as session:
        return _service_views(session, [_load(session, service_id)])[0]


def find_service(uow: UnitOfWork, code_or_name: str) -> ServiceView:
    """The service with this code, or the only one whose name matches exactly."""
    with uow.read() as session:
        row = find_service_row(session, code_or_name)
        if row is None:
            raise NotFound(_("There is no service {code}.").format(code=code_or_name))
        return _service_views(session, [row])[0]


def find_service_row(session: Session, code_or_name: str) -> Service | None:
    text = code_or_name.strip()
    if not text:
        return None
    try:
        code = clean_code(text)
    except ValidationError:
        code = ""
    row = session.exec(select(Service).where(col(Service.code) == code)).first() if code else None
    if row is None:
        matches = session.exec(
            select(Service).where(or_(col(Service.name) == text, col(Service.name_en) == text))
        ).all()
        row = matches[0] if len(matches) == 1 else None
    return row


def _load(session: Session, service_id: int) -> Service:
    row = session.get(Service, service_id)
    if row is None:
        raise NotFound(_("There is no service #{id}.").format(id=service_id))
    return row


@dataclass(frozen=True)
class _CleanService:
    code: str
    name: str
    name_en: str
    category_id: int
    price_cents: int
    duration_min: int
    processing_min: int
    resources: str
    needs_patch_test: bool
    commission_category: str
    level_prices: dict[str, int]
    stylist_ids: tuple[int, ...]
    recipe: dict[int, int]


def _clean_draft(session: Session, draft: ServiceDraft) -> _CleanService:
    code = clean_code(draft.code)
    name = clean_text(draft.name, "name", N_("Item name"), 60, required=True)
    name_en = clean_text(draft.name_en, "name_en", N_("English name"), 80)
    category = find_category_row(session, draft.category) if draft.category.strip() else None
    if category is None:
        raise ValidationError(
            _("There is no category {name!r}; add it under Settings → Services first.").format(
                name=draft.category
            ),
            field="category",
        )
    assert category.id is not None
    price = check_price(draft.price_cents, allow_zero=True)
    duration = check_quantity(
        draft.duration_min, "duration", N_("Duration"), allow_zero=False, limit=DURATION_LIMIT
    )
    processing = check_quantity(draft.processing_min, "processing", N_("Processing time"))
    if processing >= duration:
        raise ValidationError(
            _("The processing time must be shorter than the whole service."), field="processing"
        )
    resources = []
    for resource in draft.resources:
        word = resource.strip().lower()
        if word and word not in RESOURCES:
            raise ValidationError(
                _("Unknown resource {value!r}; choose from: {names}.").format(
                    value=resource, names=", ".join(RESOURCES)
                ),
                field="resources",
            )
        if word and word not in resources:
            resources.append(word)
    levels: dict[str, int] = {}
    for level, level_price in draft.level_prices.items():
        level_name = clean_text(level, "level", N_("Stylist level"), 30, required=True)
        levels[level_name] = check_price(level_price, "level_price")
    stylist_ids = tuple(sorted(set(draft.stylist_ids)))
    for staff_id in stylist_ids:
        if session.get(Staff, staff_id) is None:
            raise ValidationError(
                _("There is no staff member #{id}.").format(id=staff_id), field="stylists"
            )
    recipe: dict[int, int] = {}
    for product_id, quantity in draft.recipe.items():
        product = session.get(Product, product_id)
        if product is None:
            raise ValidationError(
                _("There is no product #{id}.").format(id=product_id), field="recipe"
            )
        recipe[product_id] = check_quantity(
            quantity, "recipe", N_("Quantity used"), allow_zero=False, limit=100_000
        )
    return _CleanService(
        code=code,
        name=name,
        name_en=name_en,
        category_id=category.id,
        price_cents=price,
        duration_min=duration,
        processing_min=processing,
        resources=",".join(resources),
        needs_patch_test=draft.needs_patch_test,
        commission_category=clean_text(
            draft.commission_category, "commission_category", N_("Commission category"), 30
        ),
        level_prices=levels,
        stylist_ids=stylist_ids,
        recipe=recipe,
    )


def _snapshot(clean: _CleanService) -> dict[str, Any]:
    return {
        "code": clean.code,
        "name": clean.name,
        "name_en": clean.name_en,
        "category_id": clean.category_id,
        "price_cents": clean.price_cents,
        "duration_min": clean.duration_min,
        "processing_min": clean.processing_min,
        "resources": clean.resources,
        "needs_patch_test": clean.needs_patch_test,
        "commission_category": clean.commission_category,
        "level_prices": clean.level_prices,
        "stylist_ids": list(clean.stylist_ids),
        "recipe": {str(k): v for k, v in clean.recipe.items()},
    }


def _check_code_free(session: Session, code: str, service_id: int | None) -> None:
    other = session.exec(select(Service).where(col(Service.code) == code)).first()
    if other is not None and other.id != service_id:
        raise Conflict(
            _("The code {code} is already used by {name}.").format(code=code, name=other.name),
        )


def _write_children(session: Session, service_id: int, clean: _CleanService) -> None:
    session.exec(delete(ServiceLevelPrice).where(col(ServiceLevelPrice.service_id) == service_id))
    session.exec(delete(ServiceStylist).where(col(ServiceStylist.service_id) == service_id))
    session.exec(delete(ServiceRecipe).where(col(ServiceRecipe.service_id) == service_id))
    for level, price in clean.level_prices.items():
        session.add(ServiceLevelPrice(service_id=service_id, level=level, price_cents=price))
    for staff_id in clean.stylist_ids:
        session.add(ServiceStylist(service_id=service_id, staff_id=staff_id))
    for product_id, quantity in clean.recipe.items():
        session.add(ServiceRecipe(service_id=service_id, product_id=product_id, quantity=quantity))
    session.flush()


def _apply(row: Service, clean: _CleanService) -> None:
    row.code = clean.code
    row.name = clean.name
    row.name_en = clean.name_en
    row.category_id = clean.category_id
    row.price_cents = clean.price_cents
    row.duration_min = clean.duration_min
    row.processing_min = clean.processing_min
    row.resources = clean.resources
    row.needs_patch_test = clean.needs_patch_test
    row.commission_category = clean.commission_category
    row.search_text = search_text(clean.code, clean.name, clean.name_en)
    row.updated_at = utc_now()


def create_service(session: Session, actor: Actor, draft: ServiceDraft) -> Service:
    """Insert a service inside the caller's transaction (imports and the demo use it)."""
    clean = _clean_draft(session, draft)
    _check_code_free(session, clean.code, None)
    now = utc_now()
    row = Service(
        code=clean.code,
        name=clean.name,
        category_id=clean.category_id,
        price_cents=0,
        duration_min=1,
        created_at=now,
        updated_at=now,
    )
    _apply(row, clean)
    session.add(row)
    session.flush()
    assert row.id is not None
    _write_children(session, row.id, clean)
    audit.record(session, actor, "catalog.service_add", "service", row.id, after=_snapshot(clean))
    return row


def add_service(uow: UnitOfWork, actor: Actor, draft: ServiceDraft) -> ServiceView:
    """Add a service to the menu. Codes are unique; prices are not negative."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = create_service(session, actor, draft)
        return _service_views(session, [row])[0]


def current_draft(view: ServiceView) -> ServiceDraft:
    """A draft holding what is stored, for forms and edits that change a few fields."""
    return ServiceDraft(
        code=view.code,
        name=view.name,
        name_en=view.name_en,
        category=view.category_name,
        price_cents=view.price_cents,
        duration_min=view.duration_min,
        processing_min=view.processing_min,
        resources=view.resources,
        needs_patch_test=view.needs_patch_test,
        commission_category=view.commission_category,
        level_prices=dict(view.level_prices),
        stylist_ids=view.stylist_ids,
        recipe={item.product_id: item.quantity for item in view.recipe},
    )


def replace_service(session: Session, actor: Actor, row: Service, draft: ServiceDraft) -> Service:
    """Change a service inside the caller's transaction (imports with --update use it)."""
    assert row.id is not None
    before = _snapshot(_clean_draft(session, current_draft(_service_views(session, [row])[0])))
    clean = _clean_draft(session, draft)
    _check_code_free(session, clean.code, row.id)
    _apply(row, clean)
    session.add(row)
    session.flush()
    _write_children(session, row.id, clean)
    audit.record(
        session,
        actor,
        "catalog.service_edit",
        "service",
        row.id,
        before=before,
        after=_snapshot(clean),
    )
    return row


def update_service(
    uow: UnitOfWork, actor: Actor, service_id: int, draft: ServiceDraft
) -> ServiceView:
    """Change a service; its history keeps the prices it was sold at."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = replace_service(session, actor, _load(session, service_id), draft)
        return _service_views(session, [row])[0]


def set_service_active(uow: UnitOfWork, actor: Actor, service_id: int, active: bool) -> ServiceView:
    """Retire a service (it stays in history) or bring it back. Retiring refuses while
    future bookings use it, and names them."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = _load(session, service_id)
        if row.active == active:
            return _service_views(session, [row])[0]
        if not active:
            uses = [use for check in RETIRE_CHECKS for use in check(session, service_id)]
            if uses:
                raise Conflict(
                    _("{name} is still booked: {uses}. Move or cancel these first.").format(
                        name=row.name, uses="; ".join(uses[:10])
                    )
                )
        else:
            category = session.get(ServiceCategory, row.category_id)
            if category is not None and not category.active:
                category.active = True
                session.add(category)
        row.active = active
        row.updated_at = utc_now()
        session.add(row)
        audit.record(
            session,
            actor,
            "catalog.service_activate" if active else "catalog.service_retire",
            "service",
            row.id,
            before={"active": not active},
            after={"active": active},
        )
        return _service_views(session, [row])[0]
