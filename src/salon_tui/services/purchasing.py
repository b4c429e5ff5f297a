"""Purchase orders: draft → approved (manager) → sent → received in one or several
deliveries → closed. Deliveries post receive movements with their real costs, so the
average cost follows what the shop paid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, delete, select

from salon_tui.data.models import Product, PurchaseOrder, PurchaseOrderLine, Supplier
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.catalog import clean_text
from salon_tui.domain.clock import utc_now
from salon_tui.domain.inventory import MovementKind
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.inventory import QUANTITY_LIMIT, post_movement
from salon_tui.services.permissions import require
from salon_tui.services.suppliers import find_supplier_row

if TYPE_CHECKING:
    from salon_tui.services.stock_levels import ReorderLine


class OrderStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"
    PARTIAL = "partial"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    OrderStatus.DRAFT: N_("draft"),
    OrderStatus.APPROVED: N_("approved"),
    OrderStatus.SENT: N_("sent"),
    OrderStatus.PARTIAL: N_("partly received"),
    OrderStatus.RECEIVED: N_("received"),
    OrderStatus.CLOSED: N_("completed"),
    OrderStatus.CANCELLED: N_("cancelled"),
}
RECEIVABLE = (OrderStatus.APPROVED, OrderStatus.SENT, OrderStatus.PARTIAL)


class OverDelivery(Conflict):
    """More arrived than was ordered, and no reason was given for keeping it."""


@dataclass(frozen=True)
class OrderLineView:
    product_id: int
    sku: str
    barcode: str | None
    product_name: str
    unit: str
    quantity_ordered: int
    quantity_received: int
    unit_cost_cents: int

    @property
    def outstanding(self) -> int:
        return max(self.quantity_ordered - self.quantity_received, 0)


@dataclass(frozen=True)
class OrderView:
    id: int
    supplier_id: int
    supplier_name: str
    status: OrderStatus
    note: str
    created_at: datetime
    updated_at: datetime
    lines: tuple[OrderLineView, ...]

    @property
    def number(self) -> str:
        return f"PO{self.id:05d}"

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def total_cents(self) -> int:
        return sum(line.quantity_ordered * line.unit_cost_cents for line in self.lines)


def _view(session: Session, order: PurchaseOrder) -> OrderView:
    assert order.id is not None
    supplier = session.get(Supplier, order.supplier_id)
    lines = []
    for line, product in session.exec(
        select(PurchaseOrderLine, Product)
        .join(Product, col(Product.id) == col(PurchaseOrderLine.product_id))
        .where(col(PurchaseOrderLine.order_id) == order.id)
        .order_by(col(PurchaseOrderLine.id))
    ):
        lines.append(
            OrderLineView(
                line.product_id,
                product.sku,
                product.barcode,
                product.name,
                product.unit,
                line.quantity_ordered,
                line.quantity_received,
                line.unit_cost_cents,
            )
        )
    return OrderView(
        id=order.id,
        supplier_id=order.supplier_id,
        supplier_name=supplier.name if supplier else "",
        status=OrderStatus(order.status),
        note=order.note,
        created_at=order.created_at,
        updated_at=order.updated_at,
        lines=tuple(lines),
    )


def _load(session: Session, order_id: int) -> PurchaseOrder:
    order = session.get(PurchaseOrder, order_id)
    if order is None:
        raise NotFound(_("There is no purchase order #{id}.").format(id=order_id))
    return order


def _check_lines(session: Session, lines: Sequence[tuple[int, int, int | None]]) -> None:
    if not lines:
        raise ValidationError(_("An order needs at least one product."), field="lines")
    seen = set()
    for product_id, quantity, cost in lines:
        product = session.get(Product, product_id)
        if product is None:
            raise ValidationError(_("There is no product #{id}.").format(id=product_id))
        if product_id in seen:
            raise ValidationError(
                _("{name} is on the order twice.").format(name=product.name), field="lines"
            )
        seen.add(product_id)
        if quantity <= 0 or quantity > QUANTITY_LIMIT:
            raise ValidationError(
                _("Order a positive quantity of {name}.").format(name=product.name),
                field="quantity",
            )
        if cost is not None and cost < 0:
            raise ValidationError(_("A cost cannot be negative."), field="cost")


def _add_lines(
    session: Session, order_id: int, lines: Sequence[tuple[int, int, int | None]]
) -> None:
    for product_id, quantity, cost in lines:
        product = session.get(Product, product_id)
        assert product is not None
        session.add(
            PurchaseOrderLine(
                order_id=order_id,
                product_id=product_id,
                quantity_ordered=quantity,
                unit_cost_cents=product.cost_cents if cost is None else cost,
            )
        )
    session.flush()


def create_order(
    uow: UnitOfWork,
    actor: Actor,
    supplier: str,
    lines: Sequence[tuple[int, int, int | None]],
    *,
    note: str = "",
) -> OrderView:
    """A draft order: (product id, quantity, unit cost or None for the current cost)."""
    require(actor, "purchasing.draft")
    with uow.transaction() as session:
        supplier_row = find_supplier_row(session, supplier)
        if supplier_row is None or supplier_row.id is None:
            raise ValidationError(
                _("There is no supplier called {name}.").format(name=supplier), field="supplier"
            )
        _check_lines(session, lines)
        now = utc_now()
        order = PurchaseOrder(
            supplier_id=supplier_row.id,
            status=OrderStatus.DRAFT.value,
            note=clean_text(note, "note", N_("Note"), 200),
            created_by=actor.staff_id,
            created_at=now,
            updated_at=now,
        )
        session.add(order)
        session.flush()
        assert order.id is not None
        _add_lines(session, order.id, lines)
        view = _view(session, order)
        audit.record(
            session,
            actor,
            "purchasing.create",
            "purchase_order",
            order.id,
            after={
                "supplier": view.supplier_name,
                "lines": [[line.sku, line.quantity_ordered] for line in view.lines],
            },
        )
        return view


def update_draft(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    lines: Sequence[tuple[int, int, int | None]],
    *,
    note: str | None = None,
) -> OrderView:
    """Replace a draft's lines (and its note). Only a draft changes: once approved, the
    order is what the manager agreed to."""
    require(actor, "purchasing.draft")
    with uow.transaction() as session:
        order = _load(session, order_id)
        status = OrderStatus(order.status)
        if status is not OrderStatus.DRAFT:
            raise Conflict(
                _("Order PO{id:05d} is {status}; only a draft can be changed.").format(
                    id=order_id, status=_(STATUS_LABELS[status])
                )
            )
        _check_lines(session, lines)
        before = _view(session, order)
        session.exec(delete(PurchaseOrderLine).where(col(PurchaseOrderLine.order_id) == order_id))
        _add_lines(session, order_id, lines)
        if note is not None:
            order.note = clean_text(note, "note", N_("Note"), 200)
        order.updated_at = utc_now()
        session.add(order)
        session.flush()
        view = _view(session, order)
        audit.record(
            session,
            actor,
            "purchasing.edit",
            "purchase_order",
            order_id,
            before={
                "lines": [
                    [line.sku, line.quantity_ordered, line.unit_cost_cents] for line in before.lines
                ],
                "note": before.note,
            },
            after={
                "lines": [
                    [line.sku, line.quantity_ordered, line.unit_cost_cents] for line in view.lines
                ],
                "note": view.note,
            },
        )
        return view


def _move(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    permission: str,
    allowed_from: Sequence[OrderStatus],
    to: OrderStatus,
) -> OrderView:
    require(actor, permission)
    with uow.transaction() as session:
        order = _load(session, order_id)
        current = OrderStatus(order.status)
        if current not in allowed_from:
            raise Conflict(
                _("Order PO{id:05d} is {status}; it cannot become {target}.").format(
                    id=order_id, status=_(STATUS_LABELS[current]), target=_(STATUS_LABELS[to])
                )
            )
        order.status = to.value
        order.updated_at = utc_now()
        if to is OrderStatus.APPROVED:
            order.approved_by = actor.staff_id
        session.add(order)
        audit.record(
            session,
            actor,
            f"purchasing.{to.value}",
            "purchase_order",
            order_id,
            before={"status": current.value},
            after={"status": to.value},
        )
        return _view(session, order)


def approve_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderView:
    """A manager approves a draft; only then can it be sent and received."""
    return _move(
        uow, actor, order_id, "purchasing.approve", (OrderStatus.DRAFT,), OrderStatus.APPROVED
    )


def mark_sent(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderView:
    """The order went to the supplier (printed, or exported with `salon po export`)."""
    return _move(
        uow, actor, order_id, "purchasing.draft", (OrderStatus.APPROVED,), OrderStatus.SENT
    )


def close_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderView:
    """Close an order; what was not delivered will not come."""
    return _move(
        uow,
        actor,
        order_id,
        "purchasing.approve",
        (OrderStatus.PARTIAL, OrderStatus.RECEIVED, OrderStatus.SENT),
        OrderStatus.CLOSED,
    )


def cancel_order(uow: UnitOfWork, actor: Actor, order_id: int) -> OrderView:
    """Cancel an order nothing has been received on."""
    return _move(
        uow,
        actor,
        order_id,
        "purchasing.approve",
        (OrderStatus.DRAFT, OrderStatus.APPROVED, OrderStatus.SENT),
        OrderStatus.CANCELLED,
    )


@dataclass(frozen=True)
class Delivery:
    """What arrived of one product: quantity and, when it differs, the real unit cost."""

    product_id: int
    quantity: int
    unit_cost_cents: int | None = None


def receive_delivery(
    uow: UnitOfWork,
    actor: Actor,
    order_id: int,
    delivered: Sequence[Delivery],
    *,
    over_reason: str = "",
    idempotency_key: str | None = None,
) -> OrderView:
    """Book one delivery against an order. More than ordered is refused unless a reason
    is given (it is kept on the movement); the order becomes partly received or received."""
    require(actor, "inventory.receive")
    reason = clean_text(over_reason, "reason", N_("Reason"), 200)

    def body(session: Session) -> OrderView:
        order = _load(session, order_id)
        status = OrderStatus(order.status)
        if status not in RECEIVABLE:
            raise Conflict(
                _("Order PO{id:05d} is {status}; nothing can be received on it.").format(
                    id=order_id, status=_(STATUS_LABELS[status])
                )
            )
        lines = {
            line.product_id: line
            for line in session.exec(
                select(PurchaseOrderLine).where(col(PurchaseOrderLine.order_id) == order_id)
            )
        }
        if not delivered or all(item.quantity == 0 for item in delivered):
            raise ValidationError(_("Enter what arrived."), field="quantity")
        over: list[str] = []
        for item in delivered:
            line = lines.get(item.product_id)
            product = session.get(Product, item.product_id)
            if line is None or product is None:
                raise ValidationError(
                    _("Product #{id} is not on order PO{order:05d}.").format(
                        id=item.product_id, order=order_id
                    )
                )
            if item.quantity < 0:
                raise ValidationError(_("A delivered quantity cannot be negative."))
            if line.quantity_received + item.quantity > line.quantity_ordered:
                over.append(
                    _("{name}: {got} of {ordered}").format(
                        name=product.name,
                        got=line.quantity_received + item.quantity,
                        ordered=line.quantity_ordered,
                    )
                )
        if over and not reason:
            raise OverDelivery(
                _("More than ordered ({lines}). Give a reason to receive it anyway.").format(
                    lines="; ".join(over)
                )
            )
        received: list[list[Any]] = []
        for item in delivered:
            if item.quantity == 0:
                continue
            line = lines[item.product_id]
            cost = line.unit_cost_cents if item.unit_cost_cents is None else item.unit_cost_cents
            movement = post_movement(
                session,
                actor,
                item.product_id,
                MovementKind.RECEIVE,
                item.quantity,
                unit_cost_cents=cost,
                reference=f"po:{order_id}",
                note=reason if over else "",
            )
            line.quantity_received += item.quantity
            session.add(line)
            received.append([movement.sku, item.quantity, cost])
        complete = all(line.quantity_received >= line.quantity_ordered for line in lines.values())
        order.status = (OrderStatus.RECEIVED if complete else OrderStatus.PARTIAL).value
        order.updated_at = utc_now()
        session.add(order)
        session.flush()
        audit.record(
            session,
            actor,
            "purchasing.receive",
            "purchase_order",
            order_id,
            before={"status": status.value},
            after={"status": order.status, "received": received, "over_reason": reason},
        )
        return _view(session, order)

    if idempotency_key is None:
        with uow.transaction() as session:
            return body(session)
    return run_once(
        uow,
        idempotency_key,
        "purchasing.receive",
        body,
        lambda view: {"id": view.id},
        lambda data: get_order(uow, int(data["id"])),
    )


def get_order(uow: UnitOfWork, order_id: int) -> OrderView:
    with uow.read() as session:
        return _view(session, _load(session, order_id))


def list_orders(
    uow: UnitOfWork, actor: Actor, *, statuses: Sequence[OrderStatus] = ()
) -> list[OrderView]:
    """Orders newest first, optionally only in some states."""
    require(actor, "inventory.view")
    query = select(PurchaseOrder).order_by(col(PurchaseOrder.id).desc())
    if statuses:
        query = query.where(col(PurchaseOrder.status).in_([s.value for s in statuses]))
    with uow.read() as session:
        return [_view(session, order) for order in session.exec(query)]


def reorder_lines(
    uow: UnitOfWork, actor: Actor, supplier: str | None = None
) -> dict[str, list[ReorderLine]]:
    """Low-stock products with a quantity to order, grouped by supplier name (products
    without a supplier, or with nothing to order, are left out)."""
    from salon_tui.services.stock_levels import low_stock

    grouped: dict[str, list[ReorderLine]] = {}
    for line in low_stock(uow, actor):
        name = line.product.supplier_name
        if not name or (supplier and name != supplier) or line.suggested <= 0:
            continue
        grouped.setdefault(name, []).append(line)
    return grouped


def suggested_lines(
    uow: UnitOfWork, actor: Actor, supplier: str | None = None
) -> Mapping[str, list[tuple[int, int, int | None]]]:
    """Reorder suggestions grouped by supplier name, ready for ``create_order``."""
    return {
        name: [(line.product.id, line.suggested, None) for line in lines]
        for name, lines in reorder_lines(uow, actor, supplier).items()
    }
