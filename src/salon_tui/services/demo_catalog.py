"""The demo shop's catalogue: a bilingual menu with prices by stylist level, retail and
back-bar products with real-looking EAN-13 barcodes, suppliers, purchase orders
received over the months, back-bar use by recipe, and a posted stocktake with variance.

Run after the shop and staff seeder; leaves the service and product ids in
``context.made`` ("services": code → id, "products": sku → id) for later seeders.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from salon_tui.data.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    StockCount,
    StockCountLine,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.barcodes import gtin_check_digit
from salon_tui.domain.inventory import MovementKind
from salon_tui.services.catalog import ServiceDraft, create_service
from salon_tui.services.categories import create_category
from salon_tui.services.inventory import post_movement
from salon_tui.services.products import ProductDraft, create_product
from salon_tui.services.suppliers import create_supplier

LEVELS = ("总监", "资深发型师", "发型师")

CATEGORIES = (
    ("剪发", "Cuts"),
    ("洗护", "Wash & style"),
    ("烫染", "Perm & colour"),
    ("护理", "Treatments"),
    ("美甲", "Nails"),
    ("美睫", "Lashes"),
    ("美容", "Facials"),
    ("按摩", "Massage"),
)

# code, name, English, category, base price (yuan), minutes, processing, level prices
# (director, senior; the base price is a stylist's), resources, patch test
# fmt: off
SERVICES: tuple[tuple[Any, ...], ...] = (
    ('C01', '洗剪吹', 'Wash, cut & blow-dry', '剪发', 128, 60, 0, (268, 188), 'chair,basin', False),
    ('C02', '精剪', 'Precision cut', '剪发', 98, 45, 0, (228, 158), 'chair', False),
    ('C03', '男士剪发', "Men's cut", '剪发', 68, 30, 0, (168, 98), 'chair', False),
    ('C04', '儿童剪发', "Children's cut (under 12)", '剪发', 58, 30, 0, (), 'chair', False),
    ('C05', '刘海修剪', 'Fringe trim', '剪发', 30, 15, 0, (), 'chair', False),
    ('W01', '洗吹造型', 'Wash & blow-dry', '洗护', 58, 30, 0, (), 'chair,basin', False),
    ('W02', '洗发', 'Shampoo only', '洗护', 38, 20, 0, (), 'basin', False),
    ('W03', '盘发造型', 'Up-do', '洗护', 288, 60, 0, (488, 368), 'chair', False),
    ('P01', '冷烫', 'Cold perm', '烫染', 488, 150, 40, (888, 668), 'chair,basin', False),
    ('P02', '数码热烫', 'Digital perm', '烫染', 688, 180, 45, (1280, 888), 'chair,basin', False),
    ('P03', '离子烫', 'Straightening (rebonding)', '烫染', 788, 180, 40, (1380, 988), 'chair,basin', False),
    ('D01', '染发（短发）', 'Colour, short hair', '烫染', 388, 120, 35, (688, 488), 'chair,basin', True),
    ('D02', '染发（长发）', 'Colour, long hair', '烫染', 588, 150, 40, (988, 728), 'chair,basin', True),
    ('D03', '挑染', 'Highlights', '烫染', 488, 150, 40, (888, 628), 'chair,basin', True),
    ('D04', '补染发根', 'Root touch-up', '烫染', 268, 90, 30, (468, 338), 'chair,basin', True),
    ('T01', '头皮护理', 'Scalp treatment', '护理', 268, 60, 15, (), 'basin', False),
    ('T02', '深层修护', 'Deep repair treatment', '护理', 328, 60, 20, (), 'basin', False),
    ('T03', '卡诗黑钻护理', 'Kérastase Chronologiste ritual', '护理', 598, 75, 20, (), 'basin', False),
    ('N01', '基础美甲', 'Manicure', '美甲', 128, 45, 0, (), 'chair', False),
    ('N02', '光疗甲', 'Gel manicure', '美甲', 198, 75, 0, (), 'chair', False),
    ('N03', '法式美甲', 'French gel manicure', '美甲', 258, 90, 0, (), 'chair', False),
    ('N04', '卸甲', 'Gel removal', '美甲', 48, 20, 0, (), 'chair', False),
    ('N05', '足部护理', 'Pedicure', '美甲', 188, 60, 0, (), 'chair', False),
    ('L01', '单根嫁接睫毛', 'Classic lash extensions', '美睫', 298, 90, 0, (), 'bed', True),
    ('L02', '浓密款嫁接', 'Volume lash extensions', '美睫', 398, 120, 0, (), 'bed', True),
    ('L03', '睫毛补种', 'Lash refill', '美睫', 168, 60, 0, (), 'bed', False),
    ('F01', '深层清洁面部', 'Deep-cleansing facial', '美容', 298, 60, 0, (), 'room,bed', False),
    ('F02', '补水面部护理', 'Hydrating facial', '美容', 368, 75, 0, (), 'room,bed', False),
    ('M01', '肩颈按摩', 'Neck & shoulder massage', '按摩', 128, 30, 0, (), 'room', False),
    ('M02', '头部按摩', 'Head massage', '按摩', 98, 30, 0, (), 'chair', False),
)
# fmt: on

SUPPLIERS = (
    ("欧莱雅专业 L'Oréal Professionnel", "周经理", "021-6288 3300", 5),
    ("施华蔻专业 Schwarzkopf", "陈小姐", "021-5211 8600", 7),
    ("资生堂专业 Shiseido Professional", "林先生", "021-6390 2288", 10),
    ("上海甲艺美甲用品 Nail supplies", "王女士", "138 1777 2288", 3),
    ("杭州睫美耗材 Lash supplies", "赵先生", "139 5716 8800", 4),
)

# sku, name, English, brand, category, supplier (index), unit, size, retail, cost,
# use, min, max, GS1 prefix for the barcode
# fmt: off
PRODUCTS: tuple[tuple[Any, ...], ...] = (
    ('KR01', '卡诗白金赋活洗发水', 'Kérastase Chronologiste shampoo', '卡诗', '洗护', 0, '瓶', '250ml', 398, 205, 'retail', 4, 12, '3474636'),
    ('KR02', '卡诗白金赋活发膜', 'Kérastase Chronologiste masque', '卡诗', '护理', 0, '罐', '200ml', 568, 298, 'retail', 3, 8, '3474636'),
    ('KR03', '卡诗元气姜洗发水', 'Kérastase Specifique shampoo', '卡诗', '洗护', 0, '瓶', '250ml', 328, 168, 'retail', 4, 12, '3474636'),
    ('KR04', '卡诗双重菁纯护发油', 'Kérastase Elixir Ultime oil', '卡诗', '护理', 0, '瓶', '100ml', 458, 238, 'retail', 3, 10, '3474636'),
    ('LP01', '欧莱雅丝漾洗发水', "L'Oréal Pro Vitamino shampoo", '欧莱雅', '洗护', 0, '瓶', '300ml', 168, 72, 'retail', 6, 18, '3474630'),
    ('LP02', '欧莱雅丝漾护发素', "L'Oréal Pro Vitamino conditioner", '欧莱雅', '洗护', 0, '瓶', '200ml', 158, 68, 'retail', 6, 18, '3474630'),
    ('LP03', '欧莱雅纤韧洗发水', "L'Oréal Pro Inforcer shampoo", '欧莱雅', '洗护', 0, '瓶', '300ml', 168, 72, 'retail', 4, 12, '3474630'),
    ('LP04', '欧莱雅洗发水院装', "L'Oréal Pro shampoo, back-bar", '欧莱雅', '洗护', 0, 'ml', '1500ml', 0, 0.12, 'professional', 3000, 9000, '3474630'),
    ('LC01', '欧莱雅染膏 5.0 浅棕', "L'Oréal Majirel 5.0 light brown", '欧莱雅', '染膏', 0, 'g', '50g', 0, 1.1, 'professional', 300, 1000, '3474630'),
    ('LC02', '欧莱雅染膏 6.34 金铜', "L'Oréal Majirel 6.34 golden copper", '欧莱雅', '染膏', 0, 'g', '50g', 0, 1.1, 'professional', 300, 1000, '3474630'),
    ('LC03', '欧莱雅染膏 7.1 灰金', "L'Oréal Majirel 7.1 ash blonde", '欧莱雅', '染膏', 0, 'g', '50g', 0, 1.1, 'professional', 300, 1000, '3474630'),
    ('LC04', '欧莱雅染膏 4.0 深棕', "L'Oréal Majirel 4.0 brown", '欧莱雅', '染膏', 0, 'g', '50g', 0, 1.1, 'professional', 300, 1000, '3474630'),
    ('LD01', '欧莱雅双氧乳 6%', "L'Oréal Oxydant 6% developer", '欧莱雅', '染膏', 0, 'ml', '1000ml', 0, 0.09, 'professional', 2000, 6000, '3474630'),
    ('LD02', '欧莱雅双氧乳 9%', "L'Oréal Oxydant 9% developer", '欧莱雅', '染膏', 0, 'ml', '1000ml', 0, 0.09, 'professional', 1000, 4000, '3474630'),
    ('LB01', '欧莱雅漂粉', "L'Oréal Blond Studio lightener", '欧莱雅', '染膏', 0, 'g', '500g', 0, 0.36, 'professional', 500, 2000, '3474630'),
    ('SW01', '施华蔻保湿洗发水', 'Schwarzkopf BC Moisture shampoo', '施华蔻', '洗护', 1, '瓶', '250ml', 158, 66, 'retail', 6, 18, '4045787'),
    ('SW02', '施华蔻修护发膜', 'Schwarzkopf BC Repair treatment', '施华蔻', '护理', 1, '罐', '200ml', 198, 88, 'retail', 4, 12, '4045787'),
    ('SW03', '施华蔻定型喷雾', 'Schwarzkopf Osis+ hairspray', '施华蔻', '造型', 1, '瓶', '300ml', 138, 58, 'retail', 6, 18, '4045787'),
    ('SW04', '施华蔻发蜡', 'Schwarzkopf Osis+ wax', '施华蔻', '造型', 1, '罐', '50ml', 128, 52, 'retail', 6, 18, '4045787'),
    ('SW05', '施华蔻烫发水', 'Schwarzkopf Strait perm lotion', '施华蔻', '烫发', 1, 'ml', '400ml', 0, 0.22, 'professional', 1200, 4000, '4045787'),
    ('SW06', '施华蔻中和剂', 'Schwarzkopf perm neutraliser', '施华蔻', '烫发', 1, 'ml', '400ml', 0, 0.15, 'professional', 1200, 4000, '4045787'),
    ('SW07', '施华蔻染膏 6-0', 'Schwarzkopf Igora 6-0 dark blonde', '施华蔻', '染膏', 1, 'g', '60g', 0, 0.95, 'professional', 240, 900, '4045787'),
    ('SW08', '施华蔻染膏 8-11', 'Schwarzkopf Igora 8-11 light ash', '施华蔻', '染膏', 1, 'g', '60g', 0, 0.95, 'professional', 240, 900, '4045787'),
    ('SS01', '资生堂芯护理道洗发水', 'Shiseido Sublimic shampoo', '资生堂', '洗护', 2, '瓶', '250ml', 288, 140, 'retail', 3, 10, '4909978'),
    ('SS02', '资生堂芯护理道发膜', 'Shiseido Sublimic mask', '资生堂', '护理', 2, '罐', '200g', 368, 178, 'retail', 3, 10, '4909978'),
    ('SS03', '资生堂头皮精华', 'Shiseido scalp serum', '资生堂', '护理', 2, '瓶', '100ml', 428, 205, 'both', 3, 8, '4909978'),
    ('SS04', '资生堂护理剂院装', 'Shiseido Sublimic treatment, back-bar', '资生堂', '护理', 2, 'g', '1800g', 0, 0.28, 'professional', 1000, 3600, '4909978'),
    ('SS05', '资生堂烫后护理', 'Shiseido after-perm care', '资生堂', '烫发', 2, '瓶', '150ml', 198, 92, 'retail', 3, 10, '4909978'),
    ('NL01', '光疗甲油胶 红色', 'Gel polish, red', '甲艺', '美甲', 3, '瓶', '15ml', 68, 18, 'both', 6, 20, '6920731'),
    ('NL02', '光疗甲油胶 裸色', 'Gel polish, nude', '甲艺', '美甲', 3, '瓶', '15ml', 68, 18, 'both', 6, 20, '6920731'),
    ('NL03', '光疗甲油胶 法式白', 'Gel polish, French white', '甲艺', '美甲', 3, '瓶', '15ml', 68, 18, 'both', 6, 20, '6920731'),
    ('NL04', '底胶', 'Base coat', '甲艺', '美甲', 3, '瓶', '15ml', 0, 16, 'professional', 4, 12, '6920731'),
    ('NL05', '免洗封层', 'No-wipe top coat', '甲艺', '美甲', 3, '瓶', '15ml', 0, 16, 'professional', 4, 12, '6920731'),
    ('NL06', '卸甲水', 'Gel remover', '甲艺', '美甲', 3, 'ml', '500ml', 0, 0.06, 'professional', 500, 2000, '6920731'),
    ('NL07', '指缘营养油', 'Cuticle oil', '甲艺', '美甲', 3, '支', '10ml', 48, 12, 'retail', 6, 20, '6920731'),
    ('EL01', '嫁接睫毛 0.07 C 翘', 'Lash extensions 0.07 C curl', '睫美', '美睫', 4, '盒', '12 rows', 0, 38, 'professional', 6, 20, '6938712'),
    ('EL02', '嫁接睫毛 0.05 D 翘', 'Lash extensions 0.05 D curl', '睫美', '美睫', 4, '盒', '12 rows', 0, 42, 'professional', 6, 20, '6938712'),
    ('EL03', '睫毛胶水', 'Lash adhesive', '睫美', '美睫', 4, '瓶', '5ml', 0, 45, 'professional', 3, 10, '6938712'),
    ('EL04', '睫毛滋养液', 'Lash serum', '睫美', '美睫', 4, '支', '3ml', 168, 48, 'retail', 4, 12, '6938712'),
    ('EL05', '睫毛清洁慕斯', 'Lash cleansing foam', '睫美', '美睫', 4, '瓶', '50ml', 88, 26, 'retail', 4, 12, '6938712'),
    ('GF01', '丝语定制梳子', 'Silk Hair wooden comb', '丝语', '周边', -1, '把', '', 58, 15, 'retail', 5, 30, ''),
    ('GF02', '丝语旅行装套装', 'Silk Hair travel kit', '丝语', '周边', -1, '套', '3×50ml', 128, 46, 'retail', 5, 20, ''),
)
# fmt: on

# What one performance of a service uses: service code → (sku, quantity)
RECIPES = {
    "D01": (("LC01", 60), ("LD01", 90)),
    "D02": (("LC02", 120), ("LD01", 180)),
    "D03": (("LB01", 40), ("LD02", 80), ("LC03", 30)),
    "D04": (("LC04", 40), ("LD01", 60)),
    "P01": (("SW05", 80), ("SW06", 80)),
    "P02": (("SW05", 100), ("SW06", 100)),
    "T01": (("SS03", 1),),
    "T02": (("SS04", 40),),
    "W01": (("LP04", 15),),
    "C01": (("LP04", 15),),
    "N02": (("NL04", 1), ("NL05", 1)),
    "L01": (("EL01", 1), ("EL03", 1)),
    "L02": (("EL02", 1), ("EL03", 1)),
}
# Roughly how many times a month the demo shop performs these.
MONTHLY_USES = {
    "D01": 10,
    "D02": 6,
    "D03": 4,
    "D04": 6,
    "P01": 5,
    "P02": 4,
    "T01": 3,
    "T02": 10,
    "W01": 60,
    "C01": 80,
    "N02": 12,
    "L01": 6,
    "L02": 4,
}


def _barcode(prefix: str, index: int) -> str | None:
    """A real-looking EAN-13: the brand's GS1 prefix, an item number, the check digit."""
    if not prefix:
        return None
    body = f"{prefix}{index:05d}"[:12]
    return body + gtin_check_digit(body)


def _cents(yuan: float) -> int:
    return round(yuan * 100)


def seed_catalogue(uow: UnitOfWork, context: Any) -> dict[str, int]:
    owner = context.owner
    rng = context.rng
    today = context.today
    months = max(1, context.options.months)
    with uow.transaction() as session:
        for position, (name, english) in enumerate(CATEGORIES):
            create_category(session, owner, name, english, sort_order=(position + 1) * 10)
        supplier_names = []
        supplier_ids = []
        for name, contact, phone, lead in SUPPLIERS:
            supplier = create_supplier(
                session, owner, name, contact=contact, phone=phone, lead_time_days=lead
            )
            assert supplier.id is not None
            supplier_names.append(name)
            supplier_ids.append(supplier.id)
        product_ids: dict[str, int] = {}
        product_rows: dict[str, tuple[Any, ...]] = {}
        for index, row in enumerate(PRODUCTS):
            sku, name, english, brand, category, supplier, unit, size = row[:8]
            retail, cost, use, low, high, prefix = row[8:]
            created = create_product(
                session,
                owner,
                ProductDraft(
                    sku=sku,
                    name=name,
                    name_en=english,
                    brand=brand,
                    category=category,
                    supplier=supplier_names[supplier] if supplier >= 0 else "",
                    unit=unit,
                    size=size,
                    retail_price_cents=_cents(retail),
                    cost_cents=0,
                    use=use,
                    min_stock=low,
                    max_stock=high,
                    barcode=_barcode(prefix, 10000 + index * 37) or "",
                ),
            )
            assert created.id is not None
            product_ids[sku] = created.id
            product_rows[sku] = row
        service_ids: dict[str, int] = {}
        for (
            code,
            name,
            english,
            category,
            price,
            minutes,
            processing,
            levels,
            resources,
            patch,
        ) in SERVICES:
            level_prices = dict(zip(LEVELS, (_cents(p) for p in levels), strict=False))
            if levels:
                level_prices[LEVELS[-1]] = _cents(price)
            created_service = create_service(
                session,
                owner,
                ServiceDraft(
                    code=code,
                    name=name,
                    name_en=english,
                    category=category,
                    price_cents=_cents(price),
                    duration_min=minutes,
                    processing_min=processing,
                    resources=resources.split(","),
                    needs_patch_test=patch,
                    commission_category=category,
                    level_prices=level_prices,
                    recipe={product_ids[sku]: qty for sku, qty in RECIPES.get(code, ())},
                ),
            )
            assert created_service.id is not None
            service_ids[code] = created_service.id

        # Each month: order what is at or under its minimum (back-bar: plus the month's
        # use) from each supplier, receive it in one or two deliveries at a cost that
        # drifts a little, then use back-bar stock by recipe through the month.
        from salon_tui.data.models import Product

        demand: dict[str, int] = {}
        for code, per_month in MONTHLY_USES.items():
            for sku, qty in RECIPES.get(code, ()):
                demand[sku] = demand.get(sku, 0) + per_month * qty
        start = today - timedelta(days=30 * months)
        orders = movements = 0
        by_supplier: dict[int, list[str]] = {}
        for sku, row in product_rows.items():
            by_supplier.setdefault(row[5], []).append(sku)
        for month in range(months):
            ordered_on = start + timedelta(days=30 * month + 1)
            moment = datetime.combine(ordered_on, time(2, 30), tzinfo=UTC)
            for supplier_index, skus in by_supplier.items():
                lines = []
                for sku in skus:
                    row = product_rows[sku]
                    product = session.get(Product, product_ids[sku])
                    assert product is not None
                    need = demand.get(sku, 0)
                    if product.on_hand - need > row[11] and month > 0:
                        continue
                    quantity = max(row[12] + need - product.on_hand, 1)
                    cost = _cents(row[9] * (1 + rng.uniform(-0.04, 0.06)))
                    lines.append((sku, quantity, max(cost, 1)))
                if not lines:
                    continue
                order: PurchaseOrder | None = None
                if supplier_index >= 0:
                    order = PurchaseOrder(
                        supplier_id=supplier_ids[supplier_index],
                        status="received",
                        note="",
                        created_by=owner.staff_id,
                        approved_by=owner.staff_id,
                        created_at=moment,
                        updated_at=moment + timedelta(days=7),
                    )
                    session.add(order)
                    session.flush()
                    orders += 1
                for sku, quantity, cost in lines:
                    first = quantity if rng.random() < 0.8 else quantity // 2
                    parts = [first, quantity - first] if 0 < first < quantity else [quantity]
                    for part_index, part in enumerate(parts):
                        post_movement(
                            session,
                            owner,
                            product_ids[sku],
                            MovementKind.RECEIVE,
                            part,
                            unit_cost_cents=cost,
                            reference=f"po:{order.id}" if order else "",
                            at=moment + timedelta(days=3 + part_index * 4),
                        )
                        movements += 1
                    if order is not None:
                        assert order.id is not None
                        session.add(
                            PurchaseOrderLine(
                                order_id=order.id,
                                product_id=product_ids[sku],
                                quantity_ordered=quantity,
                                quantity_received=quantity,
                                unit_cost_cents=cost,
                            )
                        )
            for day in range(8, 30, 4):
                used_on = datetime.combine(ordered_on + timedelta(days=day), time(9, 0), tzinfo=UTC)
                if used_on.date() >= today:
                    break
                for code, per_month in MONTHLY_USES.items():
                    times = max(0, round(per_month / 6 + rng.uniform(-1, 1)))
                    if times == 0:
                        continue
                    for sku, qty in RECIPES.get(code, ()):
                        post_movement(
                            session,
                            owner,
                            product_ids[sku],
                            MovementKind.SERVICE_USE,
                            -qty * times,
                            reference=f"service:{code}",
                            allow_negative=True,
                            at=used_on,
                        )
                        movements += 1
        # Retail that left the shelf without a sale: a damaged bottle, samples given away.
        for sku in ("KR01", "SW03", "LP01"):
            post_movement(
                session,
                owner,
                product_ids[sku],
                MovementKind.ADJUST,
                -1,
                reason="damaged" if sku != "LP01" else "gift",
                note="运输破损" if sku != "LP01" else "新客试用装",
                allow_negative=True,
                at=datetime.combine(today - timedelta(days=12), time(5, 0), tzinfo=UTC),
            )
            movements += 1
        # Last week's stocktake of the retail shelf, posted with a small variance.
        counted_at = datetime.combine(today - timedelta(days=7), time(12, 0), tzinfo=UTC)
        count = StockCount(
            status="posted",
            category="洗护",
            started_by=owner.staff_id,
            posted_by=owner.staff_id,
            started_at=counted_at,
            posted_at=counted_at + timedelta(hours=1),
        )
        session.add(count)
        session.flush()
        assert count.id is not None
        for sku, row in product_rows.items():
            if row[4] != "洗护" or row[10] == "professional":
                continue
            product = session.get(Product, product_ids[sku])
            assert product is not None
            variance = rng.choice((0, 0, 0, -1, -1, 1))
            session.add(
                StockCountLine(
                    count_id=count.id,
                    product_id=product_ids[sku],
                    counted=product.on_hand + variance,
                    expected=product.on_hand,
                    unit_cost_cents=product.cost_cents,
                )
            )
            if variance:
                post_movement(
                    session,
                    owner,
                    product_ids[sku],
                    MovementKind.COUNT,
                    variance,
                    reference=f"count:{count.id}",
                    allow_negative=True,
                    at=counted_at + timedelta(hours=1),
                )
                movements += 1
        # Two products run low, so the home screen and the reorder list have work.
        for sku in ("KR02", "NL02"):
            product = session.get(Product, product_ids[sku])
            assert product is not None
            surplus = product.on_hand - max(product.min_stock - 1, 0)
            if surplus > 0:
                post_movement(
                    session,
                    owner,
                    product_ids[sku],
                    MovementKind.TRANSFER_OUT,
                    -surplus,
                    note="调往徐汇分店 to the Xuhui branch",
                    at=datetime.combine(today - timedelta(days=2), time(3, 0), tzinfo=UTC),
                )
                movements += 1
        # An order approved and sent to Schwarzkopf four days ago waits for its delivery
        # (F5 → Orders: Enter receives it).
        sent_at = datetime.combine(today - timedelta(days=4), time(2, 0), tzinfo=UTC)
        waiting = PurchaseOrder(
            supplier_id=supplier_ids[1],
            status="sent",
            note="周五前送到 please deliver by Friday",
            created_by=owner.staff_id,
            approved_by=owner.staff_id,
            created_at=sent_at,
            updated_at=sent_at + timedelta(hours=2),
        )
        session.add(waiting)
        session.flush()
        assert waiting.id is not None
        orders += 1
        for sku, quantity in (("SW01", 12), ("SW03", 12), ("SW07", 600)):
            product = session.get(Product, product_ids[sku])
            assert product is not None
            session.add(
                PurchaseOrderLine(
                    order_id=waiting.id,
                    product_id=product_ids[sku],
                    quantity_ordered=quantity,
                    quantity_received=0,
                    unit_cost_cents=product.cost_cents,
                )
            )
    context.made["services"] = service_ids
    context.made["products"] = product_ids
    return {
        "services": len(service_ids),
        "products": len(product_ids),
        "purchase orders": orders,
        "stock movements": movements,
    }
