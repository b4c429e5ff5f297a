"""Stocktake: start a count (every product or one category), record what is on the
shelves (scan + quantity, or a counted sheet), see the variance, and post it once as
stocktake movements (a manager). Products not counted keep their stock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import Product, StockCount, StockCountLine
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.inventory import MovementKind
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.inventory import QUANTITY_LIMIT, post_movement
from salon_tui.services.permissions import require
from salon_tui.services.products import find_product_row

STATUS_LABELS = {"open": N_("open"), "posted": N_("posted"), "cancelled": N_("cancelled")}


@dataclass(frozen=True)
class CountLineView:
    product_id: int
    sku: str
    barcode: str | None
    product_name: str
    unit: str
    expected: int  # on hand now while open; on hand when posted afterwards
    counted: int | None
    unit_cost_cents: int

    @property
    def variance(self) -> int:
        return 0 if self.counted is None else self.counted - self.expected

    @property
    def variance_value_cents(self) -> int:
        return self.variance * self.unit_cost_cents


@dataclass(frozen=True)
class CountView:
    id: int
    status: str
    category: str
    started_at: datetime
    posted_at: datetime | None
    lines: tuple[CountLineView, ...]

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def counted_lines(self) -> int:
        return sum(1 for line in self.lines if line.counted is not None)

    @property
    def variance_value_cents(self) -> int:
        return sum(line.variance_value_cents for line in self.lines)


def _view(session: Session, count: StockCount) -> CountView:
    assert count.id is not None
    lines = []
    for line, product in session.exec(
        select(StockCountLine, Product)
        .join(Product, col(Product.id) == col(StockCountLine.product_id))
        .where(col(StockCountLine.count_id) == count.id)
        .order_by(col(Product.brand), col(Product.name))
    ):
        posted = count.status != "open"
        lines.append(
            CountLineView(
                product_id=line.product_id,
                sku=product.sku,
                barcode=product.barcode,
                product_name=product.name,
                unit=product.unit,
                expected=(line.expected or 0) if posted else product.on_hand,
                counted=line.counted,
                unit_cost_cents=line.unit_cost_cents if posted else product.cost_cents,
            )
        )
    return CountView(
        count.id, count.status, count.category, count.started_at, count.posted_at, tuple(lines)
    )


def _load(session: Session, count_id: int) -> StockCount:
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound(_("There is no stocktake #{id}.").format(id=count_id))
    return count


def _open(session: Session, count_id: int) -> StockCount:
    count = _load(session, count_id)
    if count.status == "posted":
        raise Conflict(
            _("Stocktake #{id} was already posted; start a new one.").format(id=count_id)
        )
    if count.status != "open":
        raise Conflict(_("Stocktake #{id} was cancelled.").format(id=count_id))
    return count


def open_count_id(uow: UnitOfWork) -> int | None:
    with uow.read() as session:
        return session.exec(select(StockCount.id).where(col(StockCount.status) == "open")).first()


def start_count(uow: UnitOfWork, actor: Actor, *, category: str = "") -> CountView:
    """Open a count of every active product (or of one category). One count at a time."""
    require(actor, "inventory.count")
    with uow.transaction() as session:
        existing = session.exec(
            select(StockCount.id).where(col(StockCount.status) == "open")
        ).first()
        if existing is not None:
            raise Conflict(
                _("Stocktake #{id} is still open: post or cancel it first.").format(id=existing)
            )
        query = select(Product).where(col(Product.active).is_(True))
        if category.strip():
            query = query.where(col(Product.category) == category.strip())
        products = session.exec(query).all()
        if not products:
            raise ValidationError(
                _("No active products to count in {category}.").format(
                    category=category or _("the shop")
                ),
                field="category",
            )
        count = StockCount(
            status="open",
            category=category.strip(),
            started_by=actor.staff_id,
            started_at=utc_now(),
        )
        session.add(count)
        session.flush()
        assert count.id is not None
        for product in products:
            assert product.id is not None
            session.add(StockCountLine(count_id=count.id, product_id=product.id))
        session.flush()
        audit.record(
            session,
            actor,
            "inventory.count_start",
            "stock_count",
            count.id,
            after={"category": count.category, "products": len(products)},
        )
        return _view(session, count)


@dataclass(frozen=True)
class CountedLine:
    count_id: int
    product_id: int
    product_name: str
    counted: int
    expected: int


def record_count(
    uow: UnitOfWork,
    actor: Actor,
    count_id: int,
    code: str,
    quantity: int,
    *,
    add: bool = False,
) -> CountedLine:
    """Record what is on the shelf of the product a scan or code names. ``add`` adds to
    what was counted before (one scan per item); otherwise the quantity replaces it."""
    require(actor, "inventory.count")
    if quantity < 0 or quantity > QUANTITY_LIMIT:
        raise ValidationError(
            _("A counted quantity is a whole number from 0 to {limit}.").format(
                limit=QUANTITY_LIMIT
            ),
            field="quantity",
        )
    with uow.transaction() as session:
        count = _open(session, count_id)
        product = find_product_row(session, code)
        if product is None or product.id is None:
            raise NotFound(_("No product has the barcode or code {code}.").format(code=code))
        line = session.exec(
            select(StockCountLine).where(
                col(StockCountLine.count_id) == count_id,
                col(StockCountLine.product_id) == product.id,
            )
        ).first()
        if line is None:
            line = StockCountLine(count_id=count_id, product_id=product.id)
        before = line.counted
        line.counted = (line.counted or 0) + quantity if add else quantity
        session.add(line)
        session.flush()
        audit.record(
            session,
            actor,
            "inventory.count_record",
            "stock_count",
            count.id,
            before={"sku": product.sku, "counted": before},
            after={"sku": product.sku, "counted": line.counted},
        )
        return CountedLine(count_id, product.id, product.name, line.counted, product.on_hand)


def get_count(uow: UnitOfWork, count_id: int) -> CountView:
    with uow.read() as session:
        return _view(session, _load(session, count_id))


def list_counts(uow: UnitOfWork, actor: Actor) -> list[CountView]:
    require(actor, "inventory.view")
    with uow.read() as session:
        return [
            _view(session, count)
            for count in session.exec(select(StockCount).order_by(col(StockCount.id).desc()))
        ]


def post_count(
    uow: UnitOfWork, actor: Actor, count_id: int, *, idempotency_key: str | None = None
) -> CountView:
    """Post the variances of the counted lines as stocktake movements, once. A second
    post of the same count is refused."""
    require(actor, "inventory.count_post")

    def body(session: Session) -> CountView:
        count = _open(session, count_id)
        lines = session.exec(
            select(StockCountLine).where(col(StockCountLine.count_id) == count_id)
        ).all()
        if not any(line.counted is not None for line in lines):
            raise ValidationError(_("Nothing was counted yet."))
        moved: list[list[Any]] = []
        for line in lines:
            product = session.get(Product, line.product_id)
            assert product is not None
            line.expected = product.on_hand
            line.unit_cost_cents = product.cost_cents
            session.add(line)
            if line.counted is None or line.counted == product.on_hand:
                continue
            change = line.counted - product.on_hand
            post_movement(
                session,
                actor,
                line.product_id,
                MovementKind.COUNT,
                change,
                reference=f"count:{count_id}",
                allow_negative=True,
            )
            moved.append([product.sku, change])
        count.status = "posted"
        count.posted_by = actor.staff_id
        count.posted_at = utc_now()
        session.add(count)
        session.flush()
        view = _view(session, count)
        audit.record(
            session,
            actor,
            "inventory.count_post",
            "stock_count",
            count_id,
            before={"status": "open"},
            after={
                "status": "posted",
                "variances": moved,
                "variance_value_cents": view.variance_value_cents,
            },
        )
        return view

    if idempotency_key is None:
        with uow.transaction() as session:
            return body(session)
    return run_once(
        uow,
        idempotency_key,
        "inventory.count_post",
        body,
        lambda view: {"id": view.id},
        lambda data: get_count(uow, int(data["id"])),
    )


def cancel_count(uow: UnitOfWork, actor: Actor, count_id: int) -> CountView:
    """Abandon an open count; nothing moves."""
    require(actor, "inventory.count_post")
    with uow.transaction() as session:
        count = _open(session, count_id)
        count.status = "cancelled"
        session.add(count)
        audit.record(
            session,
            actor,
            "inventory.count_cancel",
            "stock_count",
            count_id,
            before={"status": "open"},
            after={"status": "cancelled"},
        )
        return _view(session, count)


def record_counts(
    uow: UnitOfWork, actor: Actor, count_id: int, counted: Sequence[tuple[str, int]]
) -> int:
    """Several counted lines at once (a sheet brought back); all or nothing."""
    require(actor, "inventory.count")
    with uow.transaction():
        for code, quantity in counted:
            record_count(uow, actor, count_id, code, quantity)
    return len(counted)
