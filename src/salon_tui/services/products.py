"""Products and suppliers: barcodes checked, codes unique, prices not negative.

Stock is not edited here: on-hand and the average cost move only through the stock
ledger (services.inventory).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, or_, select

from salon_tui.data.models import Product, Supplier
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.barcodes import lookup_forms, normalise_barcode
from salon_tui.domain.catalog import (
    check_price,
    check_quantity,
    clean_code,
    clean_text,
    search_text,
)
from salon_tui.domain.clock import utc_now
from salon_tui.domain.inventory import ProductUse
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.catalog import like_pattern
from salon_tui.services.permissions import require
from salon_tui.services.suppliers import find_supplier_row

SKU_MAX = 32
LEAD_TIME_LIMIT = 365


# --- products ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductView:
    id: int
    sku: str
    barcode: str | None
    name: str
    name_en: str
    brand: str
    category: str
    supplier_id: int | None
    supplier_name: str
    unit: str
    size: str
    retail_price_cents: int
    cost_cents: int
    use: ProductUse
    min_stock: int
    max_stock: int
    on_hand: int
    active: bool

    @property
    def is_low(self) -> bool:
        return self.active and self.on_hand <= self.min_stock and self.min_stock > 0

    @property
    def is_retail(self) -> bool:
        return self.use in (ProductUse.RETAIL, ProductUse.BOTH)

    @property
    def is_professional(self) -> bool:
        return self.use in (ProductUse.PROFESSIONAL, ProductUse.BOTH)

    @property
    def stock_value_cents(self) -> int:
        return max(self.on_hand, 0) * self.cost_cents

    def label(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name


@dataclass(frozen=True)
class ProductDraft:
    """What the product form and `salon product add` send; every field checked here."""

    sku: str
    name: str
    retail_price_cents: int = 0
    barcode: str = ""
    name_en: str = ""
    brand: str = ""
    category: str = ""
    supplier: str = ""
    unit: str = ""
    size: str = ""
    use: ProductUse | str = ProductUse.RETAIL
    min_stock: int = 0
    max_stock: int = 0
    # Only for a new product: the first cost before any delivery sets the average.
    cost_cents: int = 0


def product_view(row: Product, supplier_name: str = "") -> ProductView:
    assert row.id is not None
    return ProductView(
        id=row.id,
        sku=row.sku,
        barcode=row.barcode,
        name=row.name,
        name_en=row.name_en,
        brand=row.brand,
        category=row.category,
        supplier_id=row.supplier_id,
        supplier_name=supplier_name,
        unit=row.unit,
        size=row.size,
        retail_price_cents=row.retail_price_cents,
        cost_cents=row.cost_cents,
        use=ProductUse(row.use),
        min_stock=row.min_stock,
        max_stock=row.max_stock,
        on_hand=row.on_hand,
        active=row.active,
    )


def product_views(session: Session, rows: Sequence[Product]) -> list[ProductView]:
    suppliers = {s.id: s.name for s in session.exec(select(Supplier))} if rows else {}
    return [product_view(row, suppliers.get(row.supplier_id, "")) for row in rows]


def parse_use(value: ProductUse | str) -> ProductUse:
    words = {
        "retail": ProductUse.RETAIL,
        "零售": ProductUse.RETAIL,
        "professional": ProductUse.PROFESSIONAL,
        "back-bar": ProductUse.PROFESSIONAL,
        "backbar": ProductUse.PROFESSIONAL,
        "院用": ProductUse.PROFESSIONAL,
        "院装": ProductUse.PROFESSIONAL,
        "both": ProductUse.BOTH,
        "两用": ProductUse.BOTH,
    }
    found = words.get(str(value).strip().lower())
    if found is None:
        raise ValidationError(
            _("Use is retail, professional or both, not {value!r}.").format(value=value),
            field="use",
        )
    return found


def _clean_product(session: Session, draft: ProductDraft) -> dict[str, Any]:
    supplier_id = None
    if draft.supplier.strip():
        supplier = find_supplier_row(session, draft.supplier)
        if supplier is None:
            raise ValidationError(
                _("There is no supplier called {name}; add it first.").format(name=draft.supplier),
                field="supplier",
            )
        supplier_id = supplier.id
    barcode = None
    if draft.barcode.strip():
        try:
            barcode = normalise_barcode(draft.barcode)
        except ValueError as error:
            raise ValidationError(str(error), field="barcode") from None
    use = parse_use(draft.use)
    retail = check_price(draft.retail_price_cents, "retail_price", allow_zero=True)
    if use is not ProductUse.PROFESSIONAL and retail == 0:
        raise ValidationError(
            _("A retail product needs a retail price more than zero."), field="retail_price"
        )
    min_stock = check_quantity(draft.min_stock, "min_stock", N_("Minimum stock"))
    max_stock = check_quantity(draft.max_stock, "max_stock", N_("Maximum stock"))
    if max_stock and max_stock < min_stock:
        raise ValidationError(_("The maximum stock is below the minimum."), field="max_stock")
    name = clean_text(draft.name, "name", N_("Item name"), 80, required=True)
    name_en = clean_text(draft.name_en, "name_en", N_("English name"), 100)
    brand = clean_text(draft.brand, "brand", N_("Brand"), 40)
    sku = clean_code(draft.sku, "sku", SKU_MAX)
    return {
        "sku": sku,
        "barcode": barcode,
        "name": name,
        "name_en": name_en,
        "brand": brand,
        "category": clean_text(draft.category, "category", N_("Category"), 40),
        "supplier_id": supplier_id,
        "unit": clean_text(draft.unit, "unit", N_("Unit"), 12),
        "size": clean_text(draft.size, "size", N_("Size"), 20),
        "retail_price_cents": retail,
        "use": use.value,
        "min_stock": min_stock,
        "max_stock": max_stock,
        "search_text": search_text(sku, barcode or "", name, name_en, brand),
    }


def _check_unique(session: Session, values: dict[str, Any], product_id: int | None) -> None:
    other = session.exec(select(Product).where(col(Product.sku) == values["sku"])).first()
    if other is not None and other.id != product_id:
        raise Conflict(
            _("The code {code} is already used by {name}.").format(
                code=values["sku"], name=other.name
            )
        )
    if values["barcode"]:
        other = session.exec(
            select(Product).where(col(Product.barcode) == values["barcode"])
        ).first()
        if other is not None and other.id != product_id:
            raise Conflict(
                _("The barcode {code} is already on {name}.").format(
                    code=values["barcode"], name=other.name
                )
            )


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key != "search_text"}


def create_product(session: Session, actor: Actor, draft: ProductDraft) -> Product:
    """Insert a product inside the caller's transaction (imports and the demo use it)."""
    values = _clean_product(session, draft)
    _check_unique(session, values, None)
    cost = check_price(draft.cost_cents, "cost", allow_zero=True)
    now = utc_now()
    row = Product(**values, cost_cents=cost, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "inventory.product_add",
        "product",
        row.id,
        after={**_audited(values), "cost_cents": cost},
    )
    return row


def add_product(uow: UnitOfWork, actor: Actor, draft: ProductDraft) -> ProductView:
    """Add a product. Barcodes are checked (EAN/UPC check digit) and unique, as are codes."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        return product_views(session, [create_product(session, actor, draft)])[0]


def current_product_draft(view: ProductView) -> ProductDraft:
    return ProductDraft(
        sku=view.sku,
        name=view.name,
        retail_price_cents=view.retail_price_cents,
        barcode=view.barcode or "",
        name_en=view.name_en,
        brand=view.brand,
        category=view.category,
        supplier=view.supplier_name,
        unit=view.unit,
        size=view.size,
        use=view.use,
        min_stock=view.min_stock,
        max_stock=view.max_stock,
        cost_cents=view.cost_cents,
    )


def replace_product(session: Session, actor: Actor, row: Product, draft: ProductDraft) -> Product:
    """Change a product inside the caller's transaction (imports with --update use it)."""
    values = _clean_product(session, draft)
    before = {key: getattr(row, key) for key in _audited(values)}
    _check_unique(session, values, row.id)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utc_now()
    session.add(row)
    audit.record(
        session,
        actor,
        "inventory.product_edit",
        "product",
        row.id,
        before=before,
        after=_audited(values),
    )
    return row


def update_product(
    uow: UnitOfWork, actor: Actor, product_id: int, draft: ProductDraft
) -> ProductView:
    """Change a product's details (not its stock or average cost: the ledger owns those)."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = replace_product(session, actor, load_product(session, product_id), draft)
        return product_views(session, [row])[0]


def set_product_active(uow: UnitOfWork, actor: Actor, product_id: int, active: bool) -> ProductView:
    """Retire a product (no longer sold or ordered; its history stays) or bring it back."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = load_product(session, product_id)
        if row.active != active:
            row.active = active
            row.updated_at = utc_now()
            session.add(row)
            audit.record(
                session,
                actor,
                "inventory.product_activate" if active else "inventory.product_retire",
                "product",
                row.id,
                before={"active": not active},
                after={"active": active},
            )
        return product_views(session, [row])[0]


def load_product(session: Session, product_id: int) -> Product:
    row = session.get(Product, product_id)
    if row is None:
        raise NotFound(_("There is no product #{id}.").format(id=product_id))
    return row


def get_product(uow: UnitOfWork, product_id: int) -> ProductView:
    with uow.read() as session:
        return product_views(session, [load_product(session, product_id)])[0]


def find_product_row(session: Session, code: str) -> Product | None:
    """The product a scan or a typed code names: barcode, then code (SKU), then exact name."""
    text = code.strip()
    if not text:
        return None
    forms = lookup_forms(text)
    row = session.exec(select(Product).where(col(Product.barcode).in_(forms))).first()
    if row is None:
        row = session.exec(select(Product).where(col(Product.sku).in_(forms))).first()
    if row is None:
        matches = session.exec(
            select(Product).where(or_(col(Product.name) == text, col(Product.name_en) == text))
        ).all()
        row = matches[0] if len(matches) == 1 else None
    return row


def find_product(uow: UnitOfWork, code: str) -> ProductView:
    """The product with this barcode, code or exact name; ``NotFound`` says what was tried."""
    with uow.read() as session:
        row = find_product_row(session, code)
        if row is None:
            raise NotFound(
                _("No product has the barcode or code {code}.").format(code=code.strip())
            )
        return product_views(session, [row])[0]


def match_products(uow: UnitOfWork, text: str, *, limit: int = 30) -> list[ProductView]:
    """What a typed or scanned entry names: the one product with that barcode, code or
    exact name, or else those whose barcode, code, names, brand or pinyin match."""
    try:
        return [find_product(uow, text)]
    except NotFound:
        return list_products(uow, query=text, limit=limit)


def list_products(
    uow: UnitOfWork,
    *,
    query: str = "",
    category: str | None = None,
    use: ProductUse | None = None,
    include_inactive: bool = False,
    low_only: bool = False,
    limit: int | None = None,
) -> list[ProductView]:
    """Products by brand and name; ``query`` matches barcode, code, names, brand or pinyin."""
    statement = select(Product)
    if not include_inactive:
        statement = statement.where(col(Product.active).is_(True))
    if category:
        statement = statement.where(col(Product.category) == category)
    if use is ProductUse.RETAIL:
        statement = statement.where(col(Product.use) != ProductUse.PROFESSIONAL.value)
    elif use is ProductUse.PROFESSIONAL:
        statement = statement.where(col(Product.use) != ProductUse.RETAIL.value)
    if low_only:
        statement = statement.where(
            col(Product.min_stock) > 0, col(Product.on_hand) <= col(Product.min_stock)
        )
    if query.strip():
        forms = lookup_forms(query)
        statement = statement.where(
            or_(
                col(Product.barcode).in_(forms),
                col(Product.sku).in_(forms),
                col(Product.search_text).like(like_pattern(query), escape="\\"),
            )
        )
    statement = statement.order_by(col(Product.brand), col(Product.name), col(Product.id))
    if limit is not None:
        statement = statement.limit(limit)
    with uow.read() as session:
        return product_views(session, session.exec(statement).all())


def with_changes(draft: ProductDraft, **changes: Any) -> ProductDraft:
    return replace(draft, **changes)
