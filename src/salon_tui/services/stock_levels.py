"""Reading the stock: movement history, low stock with reorder quantities, stock value,
and the ledger check that on-hand equals the sum of movements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Product, StockMovement
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import day_bounds_utc, utc_now
from salon_tui.domain.inventory import (
    MovementKind,
    reorder_quantity,
)
from salon_tui.i18n import _
from salon_tui.services.inventory import MovementView, movement_view
from salon_tui.services.permissions import require
from salon_tui.services.products import ProductView, product_views
from salon_tui.services.settings import read_setting

REORDER_WEEKS_KEY = "inventory.reorder_weeks"


# --- reading ------------------------------------------------------------------------------


def history(
    uow: UnitOfWork,
    actor: Actor,
    *,
    product_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    timezone: str = "UTC",
    kinds: Sequence[MovementKind] = (),
    limit: int | None = None,
) -> list[MovementView]:
    """Movements oldest first (the newest ``limit`` when given); days in the shop's zone."""
    require(actor, "inventory.view")
    statement = select(StockMovement, Product).join(
        Product, col(Product.id) == col(StockMovement.product_id)
    )
    if product_id is not None:
        statement = statement.where(col(StockMovement.product_id) == product_id)
    if since is not None:
        statement = statement.where(col(StockMovement.at) >= day_bounds_utc(since, timezone)[0])
    if until is not None:
        statement = statement.where(col(StockMovement.at) < day_bounds_utc(until, timezone)[1])
    if kinds:
        statement = statement.where(col(StockMovement.kind).in_([k.value for k in kinds]))
    if limit is not None:
        statement = statement.order_by(col(StockMovement.id).desc()).limit(limit)
    else:
        statement = statement.order_by(col(StockMovement.id))
    with uow.read() as session:
        views = [movement_view(row, product) for row, product in session.exec(statement)]
    if limit is not None:
        views.reverse()
    return views


@dataclass(frozen=True)
class ReorderLine:
    product: ProductView
    recent_out: int
    suggested: int


def recent_outflow(session: Session, weeks: int) -> dict[int, int]:
    """Units sold or used per product in the last ``weeks`` weeks."""
    since = utc_now() - timedelta(weeks=weeks)
    rows = session.exec(
        select(StockMovement.product_id, func.sum(StockMovement.quantity))
        .where(
            col(StockMovement.at) >= since,
            col(StockMovement.kind).in_([MovementKind.SALE.value, MovementKind.SERVICE_USE.value]),
        )
        .group_by(col(StockMovement.product_id))
    ).all()
    return {product_id: -int(total or 0) for product_id, total in rows}


def low_stock(uow: UnitOfWork, actor: Actor, *, weeks: int | None = None) -> list[ReorderLine]:
    """Active products at or under their minimum, with a quantity to order: up to the
    maximum, or the last ``weeks`` weeks of sales and use above the minimum."""
    require(actor, "inventory.view")
    with uow.read() as session:
        span = weeks or int(read_setting(session, REORDER_WEEKS_KEY, 4))
        rows = session.exec(
            select(Product)
            .where(
                col(Product.active).is_(True),
                col(Product.min_stock) > 0,
                col(Product.on_hand) <= col(Product.min_stock),
            )
            .order_by(col(Product.supplier_id), col(Product.brand), col(Product.name))
        ).all()
        outflow = recent_outflow(session, span)
        return [
            ReorderLine(
                view,
                outflow.get(view.id, 0),
                reorder_quantity(
                    view.on_hand, view.min_stock, view.max_stock, outflow.get(view.id, 0)
                ),
            )
            for view in product_views(session, rows)
        ]


@dataclass(frozen=True)
class StockValue:
    products: int
    units: int
    cost_cents: int
    retail_cents: int
    low: int
    negative: int


def stock_value(uow: UnitOfWork, actor: Actor) -> StockValue:
    """What the shelves hold: units, value at average cost and at retail price."""
    require(actor, "inventory.view")
    with uow.read() as session:
        rows = session.exec(select(Product).where(col(Product.active).is_(True))).all()
    positive = [row for row in rows if row.on_hand > 0]
    return StockValue(
        products=len(rows),
        units=sum(row.on_hand for row in positive),
        cost_cents=sum(row.on_hand * row.cost_cents for row in positive),
        retail_cents=sum(
            row.on_hand * row.retail_price_cents for row in positive if row.use != "professional"
        ),
        low=sum(1 for row in rows if row.min_stock > 0 and row.on_hand <= row.min_stock),
        negative=sum(1 for row in rows if row.on_hand < 0),
    )


# --- the ledger check -------------------------------------------------------------------


def check_stock_ledger(session: Session) -> list[str]:
    """Every product's on-hand equals the sum of its movements; no negative cost."""
    totals = dict(
        session.exec(
            select(StockMovement.product_id, func.sum(StockMovement.quantity)).group_by(
                col(StockMovement.product_id)
            )
        ).all()
    )
    problems = []
    for row in session.exec(select(Product).order_by(col(Product.id))):
        assert row.id is not None
        ledger = int(totals.get(row.id, 0) or 0)
        if ledger != row.on_hand:
            problems.append(
                _("{sku} {name}: on hand {on_hand} but its movements add up to {ledger}.").format(
                    sku=row.sku, name=row.name, on_hand=row.on_hand, ledger=ledger
                )
            )
        if row.cost_cents < 0:
            problems.append(
                _("{sku} {name}: negative average cost.").format(sku=row.sku, name=row.name)
            )
    return problems
