"""The services and products import kinds: a menu and a product list from another
system, with Chinese or English headers (``Desc``, ``Cate``, ``On Hand`` …).

Categories and suppliers named in the file are created when missing. A code already
here is left as it is (``--update`` changes it), so importing the same file twice adds
nothing. A product's on-hand becomes its opening stock movement at its cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import Product, Service
from salon_tui.domain.actor import Actor
from salon_tui.domain.barcodes import normalise_barcode
from salon_tui.domain.catalog import clean_code
from salon_tui.domain.inventory import MovementKind, ProductUse
from salon_tui.domain.money import parse_amount
from salon_tui.domain.tabular import Column, cell_text
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import catalog, products
from salon_tui.services.categories import create_category, find_category_row
from salon_tui.services.imports import (
    ImportKind,
    ImportOptions,
    RowContext,
    RowProblems,
    problem,
    register,
)
from salon_tui.services.inventory import post_movement
from salon_tui.services.suppliers import create_supplier, find_supplier_row

DEFAULT_DURATION = 60
TRUE_WORDS = {"true", "yes", "y", "1", "是", "启用", "在用", "有效", "active"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "停用", "无效", "inactive", "retired"}

SERVICE_COLUMNS = (
    Column("code", ("编码", "项目编码", "项目编号", "编号", "代码"), required=True),
    Column("name", ("名称", "项目名称", "项目", "服务", "desc", "description", "service")),
    Column("name_en", ("英文名", "英文名称", "english name", "english")),
    Column("category", ("分类", "类别", "项目分类", "cate", "type")),
    Column("price", ("价格", "售价", "单价", "标准价", "price (yuan)")),
    Column("duration_min", ("时长", "分钟", "时长分钟", "duration", "minutes", "mins")),
    Column("active", ("启用", "状态", "isactive", "is active", "status")),
)

PRODUCT_COLUMNS = (
    Column("sku", ("编码", "货号", "产品编码", "商品编码", "code", "item code"), required=True),
    Column("barcode", ("条码", "条形码", "国际条码", "ean", "upc", "gtin")),
    Column("name", ("名称", "产品名称", "商品名称", "品名", "description", "product")),
    Column("name_en", ("英文名", "英文名称", "english name")),
    Column("brand", ("品牌",)),
    Column("category", ("分类", "类别", "产品分类")),
    Column("supplier", ("供应商", "供货商", "vendor")),
    Column("price", ("零售价", "售价", "价格", "retail price", "retail")),
    Column("cost", ("成本", "进价", "成本价", "unit cost")),
    Column("unit", ("单位",)),
    Column("size", ("规格", "容量", "package size")),
    Column("use", ("用途", "类型", "usage")),
    Column("min_stock", ("最低库存", "安全库存", "最小库存", "minimum", "min", "reorder point")),
    Column("max_stock", ("最高库存", "最大库存", "maximum", "max")),
    Column("on_hand", ("库存", "现有库存", "库存数量", "数量", "on hand", "stock", "qty")),
    Column("active", ("启用", "状态", "isactive", "is active", "status")),
)


def _flag(context_row: int, column: str, value: Any, found: list[Any]) -> bool:
    text = cell_text(value).casefold()
    if not text or text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    found.append(
        problem(
            context_row,
            column,
            text,
            "bad_flag",
            _("Write yes or no, not {value!r}.").format(value=text),
        )
    )
    return True


def _money(row: int, column: str, value: Any, currency: str, found: list[Any]) -> int:
    text = cell_text(value)
    if not text:
        return 0
    try:
        amount = parse_amount(text, currency)
    except ValueError as error:
        found.append(problem(row, column, text, "bad_amount", str(error)))
        return 0
    if amount < 0:
        found.append(
            problem(row, column, text, "negative_amount", _("A price cannot be negative."))
        )
    return amount


def _whole(row: int, column: str, value: Any, found: list[Any], default: int = 0) -> int:
    text = cell_text(value)
    if not text:
        return default
    try:
        number = int(float(text))
    except ValueError:
        number = -1
    if number < 0 or float(text) != number:
        found.append(
            problem(
                row,
                column,
                text,
                "bad_number",
                _("{value!r} is not a whole number.").format(value=text),
            )
        )
        return default
    return number


def _code(row: int, column: str, value: Any, found: list[Any], limit: int) -> str:
    text = cell_text(value)
    try:
        return clean_code(text, column, limit)
    except ValidationError as error:
        found.append(
            problem(row, column, text, "missing_code" if not text else "bad_code", error.message)
        )
        return ""


# --- services ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    row: int
    draft: catalog.ServiceDraft
    active: bool


def read_service_row(context: RowContext, row: int, values: dict[str, Any]) -> ServiceRow:
    found: list[Any] = []
    code = _code(row, "code", values.get("code"), found, 20)
    name = cell_text(values.get("name"))
    if not name:
        found.append(problem(row, "name", "", "missing_name", _("A name is needed.")))
    price = _money(row, "price", values.get("price"), context.shop.currency, found)
    duration = _whole(row, "duration_min", values.get("duration_min"), found, DEFAULT_DURATION)
    if duration == 0 or duration > catalog.DURATION_LIMIT:
        found.append(
            problem(
                row,
                "duration_min",
                duration,
                "bad_duration",
                _("A duration is 1 to {limit} minutes.").format(limit=catalog.DURATION_LIMIT),
            )
        )
    category = cell_text(values.get("category")) or _("Other")
    active = _flag(row, "active", values.get("active"), found)
    if code:
        earlier = context.first_row_with("code", code, row)
        if earlier is not None:
            found.append(
                problem(
                    row, "code", code, "dup_code", _("Same code as row {row}.").format(row=earlier)
                )
            )
    if found:
        raise RowProblems(found)
    draft = catalog.ServiceDraft(
        code=code,
        name=name,
        name_en=cell_text(values.get("name_en")),
        category=category,
        price_cents=price,
        duration_min=duration,
    )
    return ServiceRow(row, draft, active)


def _row_refused(row: int, error: SalonError) -> SalonError:
    return ValidationError(_("Row {row}: {message}").format(row=row, message=error.message))


def write_services(
    session: Session, actor: Actor, slices: Iterable[list[ServiceRow]], options: ImportOptions
) -> dict[str, int]:
    added = updated = unchanged = categories = 0
    for record in chain.from_iterable(slices):
        draft = record.draft
        if find_category_row(session, draft.category) is None:
            create_category(session, actor, draft.category)
            categories += 1
        existing = session.exec(select(Service).where(col(Service.code) == draft.code)).first()
        try:
            if existing is None:
                created = catalog.create_service(session, actor, draft)
                if not record.active:
                    created.active = False
                    session.add(created)
                added += 1
            elif options.update:
                catalog.replace_service(session, actor, existing, draft)
                updated += 1
            else:
                unchanged += 1
        except SalonError as error:
            raise _row_refused(record.row, error) from error
    return {"added": added, "updated": updated, "unchanged": unchanged, "categories": categories}


register(
    ImportKind(
        name="services",
        title=N_("Services"),
        permission="catalog.manage",
        columns=SERVICE_COLUMNS,
        read_row=read_service_row,
        write=write_services,
    )
)


# --- products ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    row: int
    draft: products.ProductDraft
    on_hand: int
    active: bool


def read_product_row(context: RowContext, row: int, values: dict[str, Any]) -> ProductRow:
    found: list[Any] = []
    sku = _code(row, "sku", values.get("sku"), found, products.SKU_MAX)
    name = cell_text(values.get("name"))
    if not name:
        found.append(problem(row, "name", "", "missing_name", _("A name is needed.")))
    barcode = cell_text(values.get("barcode"))
    if barcode:
        try:
            barcode = normalise_barcode(barcode)
        except ValueError as error:
            found.append(problem(row, "barcode", barcode, "bad_barcode", str(error)))
    currency = context.shop.currency
    price = _money(row, "price", values.get("price"), currency, found)
    cost = _money(row, "cost", values.get("cost"), currency, found)
    use_text = cell_text(values.get("use"))
    use = ProductUse.RETAIL
    if use_text:
        try:
            use = products.parse_use(use_text)
        except ValidationError as error:
            found.append(problem(row, "use", use_text, "bad_use", error.message))
    if (
        use is not ProductUse.PROFESSIONAL
        and price == 0
        and not any(p.column == "price" for p in found)
    ):
        found.append(
            problem(
                row,
                "price",
                cell_text(values.get("price")),
                "missing_price",
                _("A retail product needs a retail price more than zero."),
            )
        )
    min_stock = _whole(row, "min_stock", values.get("min_stock"), found)
    max_stock = _whole(row, "max_stock", values.get("max_stock"), found)
    if max_stock and max_stock < min_stock:
        # Old systems often keep a maximum of 0 or below the minimum: order up to the minimum.
        max_stock = 0
    on_hand_text = cell_text(values.get("on_hand"))
    on_hand = 0
    if on_hand_text:
        try:
            on_hand = int(float(on_hand_text))
        except ValueError:
            found.append(
                problem(
                    row,
                    "on_hand",
                    on_hand_text,
                    "bad_number",
                    _("{value!r} is not a whole number.").format(value=on_hand_text),
                )
            )
    active = _flag(row, "active", values.get("active"), found)
    if sku:
        earlier = context.first_row_with("sku", sku, row)
        if earlier is not None:
            found.append(
                problem(
                    row, "sku", sku, "dup_code", _("Same code as row {row}.").format(row=earlier)
                )
            )
    if barcode and not any(p.column == "barcode" for p in found):
        earlier = context.first_row_with("barcode", barcode, row)
        if earlier is not None:
            found.append(
                problem(
                    row,
                    "barcode",
                    barcode,
                    "dup_barcode",
                    _("Same barcode as row {row}.").format(row=earlier),
                )
            )
    if found:
        raise RowProblems(found)
    draft = products.ProductDraft(
        sku=sku,
        name=name,
        retail_price_cents=price,
        barcode=barcode,
        name_en=cell_text(values.get("name_en")),
        brand=cell_text(values.get("brand")),
        category=cell_text(values.get("category")),
        supplier=cell_text(values.get("supplier")),
        unit=cell_text(values.get("unit")),
        size=cell_text(values.get("size")),
        use=use,
        min_stock=min_stock,
        max_stock=max_stock,
        cost_cents=cost,
    )
    return ProductRow(row, draft, on_hand, active)


def write_products(
    session: Session, actor: Actor, slices: Iterable[list[ProductRow]], options: ImportOptions
) -> dict[str, int]:
    added = updated = unchanged = suppliers = opening = 0
    for record in chain.from_iterable(slices):
        draft = record.draft
        if draft.supplier and find_supplier_row(session, draft.supplier) is None:
            create_supplier(session, actor, draft.supplier)
            suppliers += 1
        existing = session.exec(select(Product).where(col(Product.sku) == draft.sku)).first()
        try:
            if existing is None:
                created = products.create_product(session, actor, draft)
                assert created.id is not None
                if record.on_hand:
                    post_movement(
                        session,
                        actor,
                        created.id,
                        MovementKind.OPENING if record.on_hand > 0 else MovementKind.ADJUST,
                        record.on_hand,
                        unit_cost_cents=draft.cost_cents,
                        reference="import",
                        reason="" if record.on_hand > 0 else "correction",
                        allow_negative=True,
                    )
                    opening += 1
                if not record.active:
                    created.active = False
                    session.add(created)
                added += 1
            elif options.update:
                products.replace_product(session, actor, existing, draft)
                updated += 1
            else:
                unchanged += 1
        except SalonError as error:
            raise _row_refused(record.row, error) from error
    return {
        "added": added,
        "updated": updated,
        "unchanged": unchanged,
        "suppliers": suppliers,
        "opening_stock": opening,
    }


register(
    ImportKind(
        name="products",
        title=N_("Products"),
        permission="catalog.manage",
        columns=PRODUCT_COLUMNS,
        read_row=read_product_row,
        write=write_products,
    )
)
