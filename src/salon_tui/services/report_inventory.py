"""`salon report inventory`: stock on hand and its value, what to reorder, movements in
the period by kind and by product, slow movers and stocktake variances.

On-hand, value and the reorder list are as of now; movements, slow movers and
variances cover the chosen period (shop days). Money is in minor units.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, func, select

from salon_tui.data.models import Product, StockCount, StockCountLine, StockMovement
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, day_bounds_utc
from salon_tui.domain.inventory import MOVEMENT_LABELS, PRODUCT_USE_LABELS, MovementKind, ProductUse
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.reports import (
    Chart,
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)
from salon_tui.services.stock_levels import low_stock

OUTFLOW = (MovementKind.SALE.value, MovementKind.SERVICE_USE.value)


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    start, _unused = day_bounds_utc(period.start, shop.timezone)
    _unused, end = day_bounds_utc(period.end, shop.timezone)
    in_period = (col(StockMovement.at) >= start, col(StockMovement.at) < end)
    with uow.read() as session:
        products = session.exec(
            select(Product)
            .where(col(Product.active).is_(True))
            .order_by(col(Product.brand), col(Product.name))
        ).all()
        by_kind = session.exec(
            select(
                col(StockMovement.kind),
                func.count(),
                func.sum(StockMovement.quantity),
                func.sum(col(StockMovement.quantity) * col(StockMovement.unit_cost_cents)),
            )
            .where(*in_period)
            .group_by(col(StockMovement.kind))
        ).all()
        per_product = session.exec(
            select(
                col(StockMovement.product_id),
                col(StockMovement.kind),
                func.sum(StockMovement.quantity),
            )
            .where(*in_period)
            .group_by(col(StockMovement.product_id), col(StockMovement.kind))
        ).all()
        last_out = dict(
            session.exec(
                select(col(StockMovement.product_id), func.max(StockMovement.at))
                .where(col(StockMovement.kind).in_(OUTFLOW))
                .group_by(col(StockMovement.product_id))
            ).all()
        )
        counts = session.exec(
            select(StockCount)
            .where(
                col(StockCount.status) == "posted",
                col(StockCount.posted_at) >= start,
                col(StockCount.posted_at) < end,
            )
            .order_by(col(StockCount.id))
        ).all()
        count_lines = session.exec(
            select(StockCountLine).where(
                col(StockCountLine.count_id).in_([c.id for c in counts]),
                col(StockCountLine.counted).is_not(None),
            )
        ).all()

    on_hand = Section(
        "on_hand",
        _("Stock on hand"),
        (
            ReportColumn("sku", _("Code"), Kind.TEXT),
            ReportColumn("name", _("Item name"), Kind.TEXT),
            ReportColumn("brand", _("Brand"), Kind.TEXT),
            ReportColumn("use", _("Use"), Kind.TEXT),
            ReportColumn("on_hand", _("On hand"), Kind.INT),
            ReportColumn("min_stock", _("Min"), Kind.INT),
            ReportColumn("cost", _("Average cost"), Kind.MONEY),
            ReportColumn("value_cost", _("Value at cost"), Kind.MONEY),
            ReportColumn("value_retail", _("Value at retail"), Kind.MONEY),
        ),
        [
            {
                "sku": p.sku,
                "name": p.name,
                "brand": p.brand,
                "use": _(PRODUCT_USE_LABELS[ProductUse(p.use)]),
                "on_hand": p.on_hand,
                "min_stock": p.min_stock,
                "cost": p.cost_cents,
                "value_cost": max(p.on_hand, 0) * p.cost_cents,
                "value_retail": max(p.on_hand, 0) * p.retail_price_cents
                if p.use != ProductUse.PROFESSIONAL.value
                else 0,
            }
            for p in products
        ],
    )
    reorder = Section(
        "reorder",
        _("Low stock: reorder"),
        (
            ReportColumn("sku", _("Code"), Kind.TEXT),
            ReportColumn("name", _("Item name"), Kind.TEXT),
            ReportColumn("supplier", _("Supplier"), Kind.TEXT),
            ReportColumn("on_hand", _("On hand"), Kind.INT),
            ReportColumn("min_stock", _("Min"), Kind.INT),
            ReportColumn("max_stock", _("Max"), Kind.INT),
            ReportColumn("recent_out", _("Sold/used"), Kind.INT),
            ReportColumn("suggested", _("Order"), Kind.INT),
        ),
        [
            {
                "sku": line.product.sku,
                "name": line.product.name,
                "supplier": line.product.supplier_name,
                "on_hand": line.product.on_hand,
                "min_stock": line.product.min_stock,
                "max_stock": line.product.max_stock,
                "recent_out": line.recent_out,
                "suggested": line.suggested,
            }
            for line in low_stock(uow, actor)
        ],
    )
    movements = Section(
        "movements",
        _("Movements by kind"),
        (
            ReportColumn("kind", _("What"), Kind.TEXT),
            ReportColumn("entries", _("Entries"), Kind.INT),
            ReportColumn("units", _("Units"), Kind.INT),
            ReportColumn("value", _("Value at cost"), Kind.MONEY),
        ),
        [
            {
                "kind": _(MOVEMENT_LABELS[MovementKind(kind)]),
                "entries": int(entries),
                "units": int(units or 0),
                "value": int(value or 0),
            }
            for kind, entries, units, value in sorted(by_kind, key=lambda row: str(row[0]))
        ],
        chart=Chart("bar", "kind", ("units",), _("Units moved by kind")),
    )
    flows: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for product_id, kind, units in per_product:
        bucket = (
            "received"
            if kind in (MovementKind.RECEIVE.value, MovementKind.OPENING.value)
            else "sold"
            if kind in (MovementKind.SALE.value, MovementKind.SALE_RETURN.value)
            else "used"
            if kind == MovementKind.SERVICE_USE.value
            else "adjusted"
        )
        flows[product_id][bucket] += int(units or 0)
    by_product = Section(
        "by_product",
        _("Movements by product"),
        (
            ReportColumn("sku", _("Code"), Kind.TEXT),
            ReportColumn("name", _("Item name"), Kind.TEXT),
            ReportColumn("received", _("Received"), Kind.INT),
            ReportColumn("sold", _("Sold"), Kind.INT),
            ReportColumn("used", _("Used"), Kind.INT),
            ReportColumn("adjusted", _("Adjusted"), Kind.INT),
            ReportColumn("on_hand", _("On hand"), Kind.INT),
        ),
        [
            {
                "sku": p.sku,
                "name": p.name,
                "received": flows[p.id]["received"],
                "sold": -flows[p.id]["sold"],
                "used": -flows[p.id]["used"],
                "adjusted": flows[p.id]["adjusted"],
                "on_hand": p.on_hand,
            }
            for p in products
            if p.id in flows
        ],
    )
    moved = {
        product_id
        for product_id, kind, units in per_product
        if kind in OUTFLOW and int(units or 0) != 0
    }
    slow = Section(
        "slow_movers",
        _("Slow movers: in stock, not sold or used in the period"),
        (
            ReportColumn("sku", _("Code"), Kind.TEXT),
            ReportColumn("name", _("Item name"), Kind.TEXT),
            ReportColumn("on_hand", _("On hand"), Kind.INT),
            ReportColumn("value_cost", _("Value at cost"), Kind.MONEY),
            ReportColumn("last_out", _("Last sold or used"), Kind.DATE),
        ),
        sorted(
            (
                {
                    "sku": p.sku,
                    "name": p.name,
                    "on_hand": p.on_hand,
                    "value_cost": p.on_hand * p.cost_cents,
                    "last_out": business_date(last_out[p.id], shop.timezone)
                    if p.id in last_out
                    else None,
                }
                for p in products
                if p.on_hand > 0 and p.id not in moved
            ),
            key=lambda row: -int(row["value_cost"]),
        ),
    )
    lines_by_count: dict[int, list[StockCountLine]] = defaultdict(list)
    for line in count_lines:
        lines_by_count[line.count_id].append(line)
    variance = Section(
        "variance",
        _("Stocktake variances"),
        (
            ReportColumn("count", _("Stocktake"), Kind.INT),
            ReportColumn("posted", _("Posted"), Kind.DATE),
            ReportColumn("counted", _("Counted"), Kind.INT),
            ReportColumn("units", _("Variance"), Kind.INT),
            ReportColumn("value", _("Value at cost"), Kind.MONEY),
        ),
        [
            {
                "count": c.id,
                "posted": business_date(c.posted_at, shop.timezone) if c.posted_at else None,
                "counted": len(lines_by_count[c.id or 0]),
                "units": sum(
                    (line.counted or 0) - (line.expected or 0) for line in lines_by_count[c.id or 0]
                ),
                "value": sum(
                    ((line.counted or 0) - (line.expected or 0)) * line.unit_cost_cents
                    for line in lines_by_count[c.id or 0]
                ),
            }
            for c in counts
        ],
    )
    total_cost = sum(int(row["value_cost"]) for row in on_hand.rows)
    total_retail = sum(int(row["value_retail"]) for row in on_hand.rows)
    from salon_tui.domain.money import format_money

    notes = [
        _("Stock value now: {cost} at cost, {retail} at retail; {low} products to reorder.").format(
            cost=format_money(total_cost, shop.currency, shop.locale),
            retail=format_money(total_retail, shop.currency, shop.locale),
            low=len(reorder.rows),
        )
    ]
    return ReportResult(
        name="inventory",
        title=_("Inventory"),
        period=period,
        currency=shop.currency,
        sections=(on_hand, reorder, movements, by_product, slow, variance),
        notes=notes,
    )


register(
    ReportSpec(
        name="inventory",
        title=N_("Inventory"),
        description=N_(
            "Stock on hand and value, reorder list, movements, slow movers, stocktake variances."
        ),
        permission="inventory.report",
        build=build,
        chain_wide_because=N_("stock is counted for the whole chain"),
    )
)
