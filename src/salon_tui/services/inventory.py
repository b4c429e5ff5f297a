"""The stock ledger: every movement an append-only entry; on-hand is their sum.

``post_movement`` is the one writer. It runs inside the caller's transaction (checkout
calls it for sales, purchasing for deliveries, stocktake for variances), updates the
cached on-hand with a conditional UPDATE so that two terminals cannot both sell the
last bottle, and flags a movement that takes stock below zero when the shop allows
that. Deliveries update the moving average cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, update

from salon_tui.data.models import Product, ServiceRecipe, StockMovement
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.inventory import (
    INCOMING,
    MOVEMENT_LABELS,
    OUTGOING,
    AdjustReason,
    MovementKind,
    moving_average_cost,
)
from salon_tui.errors import Conflict, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.permissions import require
from salon_tui.services.products import load_product
from salon_tui.services.settings import read_setting, write_setting

ALLOW_NEGATIVE_KEY = "inventory.allow_negative"
QUANTITY_LIMIT = 1_000_000


class OutOfStock(Conflict):
    title = N_("Not enough stock")


@dataclass(frozen=True)
class MovementView:
    id: int
    product_id: int
    sku: str
    product_name: str
    at: datetime
    kind: MovementKind
    quantity: int
    unit_cost_cents: int
    on_hand_after: int
    went_negative: bool
    reason: str
    reference: str
    note: str
    staff_id: int | None

    @property
    def kind_label(self) -> str:
        return _(MOVEMENT_LABELS[self.kind])

    @property
    def value_cents(self) -> int:
        return self.quantity * self.unit_cost_cents


def movement_view(row: StockMovement, product: Product) -> MovementView:
    assert row.id is not None
    return MovementView(
        id=row.id,
        product_id=row.product_id,
        sku=product.sku,
        product_name=product.name,
        at=row.at,
        kind=MovementKind(row.kind),
        quantity=row.quantity,
        unit_cost_cents=row.unit_cost_cents,
        on_hand_after=row.on_hand_after,
        went_negative=row.went_negative,
        reason=row.reason,
        reference=row.reference,
        note=row.note,
        staff_id=row.staff_id,
    )


def _encode(view: MovementView) -> dict[str, Any]:
    return {
        "id": view.id,
        "product_id": view.product_id,
        "sku": view.sku,
        "product_name": view.product_name,
        "at": view.at.isoformat(),
        "kind": view.kind.value,
        "quantity": view.quantity,
        "unit_cost_cents": view.unit_cost_cents,
        "on_hand_after": view.on_hand_after,
        "went_negative": view.went_negative,
        "reason": view.reason,
        "reference": view.reference,
        "note": view.note,
        "staff_id": view.staff_id,
    }


def _decode(data: dict[str, Any]) -> MovementView:
    return MovementView(
        **{**data, "at": datetime.fromisoformat(data["at"]), "kind": MovementKind(data["kind"])}
    )


def negative_stock_allowed(session: Session) -> bool:
    return bool(read_setting(session, ALLOW_NEGATIVE_KEY, False))


def set_negative_stock_allowed(uow: UnitOfWork, actor: Actor, allowed: bool) -> bool:
    """Whether a sale may take stock below zero (then flagged) or is refused."""
    require(actor, "settings.shop")
    with uow.transaction() as session:
        before = negative_stock_allowed(session)
        write_setting(session, ALLOW_NEGATIVE_KEY, allowed)
        audit.record(
            session,
            actor,
            "settings.inventory",
            "setting",
            ALLOW_NEGATIVE_KEY,
            before={"allow_negative": before},
            after={"allow_negative": allowed},
        )
    return allowed


def get_negative_stock_allowed(uow: UnitOfWork) -> bool:
    with uow.read() as session:
        return negative_stock_allowed(session)


def post_movement(
    session: Session,
    actor: Actor,
    product_id: int,
    kind: MovementKind,
    quantity: int,
    *,
    unit_cost_cents: int | None = None,
    reason: str = "",
    reference: str = "",
    note: str = "",
    allow_negative: bool | None = None,
    at: datetime | None = None,
) -> MovementView:
    """Append one movement and move the cached on-hand with it, in the caller's
    transaction. Refuses (``OutOfStock``) to go below zero unless the shop allows it.
    ``at`` is now, except when history from elsewhere (the demo) is written in order."""
    if quantity == 0:
        raise ValidationError(_("A stock movement needs a quantity other than zero."))
    if abs(quantity) > QUANTITY_LIMIT:
        raise ValidationError(
            _("{quantity} is more than one movement can hold.").format(quantity=quantity)
        )
    if (kind in OUTGOING and quantity > 0) or (kind in INCOMING and quantity < 0):
        raise ValidationError(
            _("A {kind} movement cannot go that way.").format(kind=_(MOVEMENT_LABELS[kind]))
        )
    product = session.exec(
        select(Product).where(col(Product.id) == product_id).with_for_update()
    ).first()
    if product is None:
        product = load_product(session, product_id)  # raises NotFound
    if allow_negative is None:
        allow_negative = negative_stock_allowed(session)
    values: dict[str, Any] = {"on_hand": col(Product.on_hand) + quantity}
    cost = product.cost_cents if unit_cost_cents is None else unit_cost_cents
    if cost < 0:
        raise ValidationError(_("A cost cannot be negative."), field="cost")
    if kind is MovementKind.RECEIVE or kind is MovementKind.OPENING:
        values["cost_cents"] = moving_average_cost(
            product.on_hand, product.cost_cents, quantity, cost
        )
    statement = update(Product).where(col(Product.id) == product_id).values(**values)
    if quantity < 0 and not allow_negative:
        statement = statement.where(col(Product.on_hand) + quantity >= 0)
    result = session.exec(statement)
    if result.rowcount != 1:
        raise OutOfStock(
            _("Only {on_hand} of {name} in stock; {wanted} cannot be taken out.").format(
                on_hand=product.on_hand, name=product.name, wanted=-quantity
            )
        )
    session.refresh(product)
    row = StockMovement(
        product_id=product_id,
        at=at or utc_now(),
        kind=kind.value,
        quantity=quantity,
        unit_cost_cents=cost,
        on_hand_after=product.on_hand,
        went_negative=product.on_hand < 0,
        reason=reason,
        reference=reference,
        note=note,
        staff_id=actor.staff_id,
    )
    session.add(row)
    session.flush()
    return movement_view(row, product)


def _audit_movement(session: Session, actor: Actor, view: MovementView) -> None:
    audit.record(
        session,
        actor,
        f"inventory.{view.kind.value}",
        "product",
        view.product_id,
        before={"on_hand": view.on_hand_after - view.quantity},
        after={
            "on_hand": view.on_hand_after,
            "quantity": view.quantity,
            "unit_cost_cents": view.unit_cost_cents,
            "reason": view.reason,
            "reference": view.reference,
            "movement": view.id,
        },
    )


def _clean_note(note: str) -> str:
    from salon_tui.domain.catalog import clean_text

    return clean_text(note, "note", N_("Note"), 200)


def _positive(quantity: int) -> int:
    if quantity <= 0 or quantity > QUANTITY_LIMIT:
        raise ValidationError(
            _("The quantity must be a whole number from 1 to {limit}.").format(
                limit=QUANTITY_LIMIT
            ),
            field="quantity",
        )
    return quantity


def receive(
    uow: UnitOfWork,
    actor: Actor,
    product_id: int,
    quantity: int,
    *,
    unit_cost_cents: int | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> MovementView:
    """Book a delivery outside a purchase order; the average cost moves with it."""
    require(actor, "inventory.receive")
    _positive(quantity)
    cleaned_note = _clean_note(note)

    def body(session: Session) -> MovementView:
        view = post_movement(
            session,
            actor,
            product_id,
            MovementKind.RECEIVE,
            quantity,
            unit_cost_cents=unit_cost_cents,
            note=cleaned_note,
        )
        _audit_movement(session, actor, view)
        return view

    return _once(uow, idempotency_key, "inventory.receive", body)


def adjust(
    uow: UnitOfWork,
    actor: Actor,
    product_id: int,
    change: int,
    reason: AdjustReason | str,
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> MovementView:
    """Correct stock by ``change`` (signed) with a reason: damaged, expired, gift,
    correction or found. Never below zero, whatever the sales setting."""
    require(actor, "inventory.adjust")
    try:
        why = AdjustReason(reason)
    except ValueError:
        raise ValidationError(
            _("Unknown reason {value!r}; choose one of: {names}.").format(
                value=reason, names=", ".join(r.value for r in AdjustReason)
            ),
            field="reason",
        ) from None
    if change == 0:
        raise ValidationError(_("The change must not be zero."), field="quantity")
    _positive(abs(change))
    cleaned_note = _clean_note(note)

    def body(session: Session) -> MovementView:
        view = post_movement(
            session,
            actor,
            product_id,
            MovementKind.ADJUST,
            change,
            reason=why.value,
            note=cleaned_note,
            allow_negative=False,
        )
        _audit_movement(session, actor, view)
        return view

    return _once(uow, idempotency_key, "inventory.adjust", body)


def transfer(
    uow: UnitOfWork,
    actor: Actor,
    product_id: int,
    quantity: int,
    *,
    outgoing: bool,
    note: str = "",
    idempotency_key: str | None = None,
) -> MovementView:
    """Stock moved to (or from) another branch or store room; the note says where."""
    require(actor, "inventory.adjust")
    _positive(quantity)
    cleaned_note = _clean_note(note)
    if not cleaned_note:
        raise ValidationError(_("Say where the stock goes or comes from."), field="note")
    kind = MovementKind.TRANSFER_OUT if outgoing else MovementKind.TRANSFER_IN

    def body(session: Session) -> MovementView:
        view = post_movement(
            session,
            actor,
            product_id,
            kind,
            -quantity if outgoing else quantity,
            note=cleaned_note,
            allow_negative=False,
        )
        _audit_movement(session, actor, view)
        return view

    return _once(uow, idempotency_key, f"inventory.{kind.value}", body)


def _once(
    uow: UnitOfWork,
    key: str | None,
    action: str,
    body: Callable[[Session], MovementView],
) -> MovementView:
    if key is None:
        with uow.transaction() as session:
            return body(session)
    return run_once(uow, key, action, body, _encode, _decode)


# --- what checkout and services call inside their own transaction ----------------------


@dataclass(frozen=True)
class Shortfall:
    product_id: int
    name: str
    on_hand: int
    wanted: int


def stock_shortfalls(session: Session, wanted: Mapping[int, int]) -> list[Shortfall]:
    """Products in ``wanted`` (id → quantity) with too little stock, when the shop does
    not allow negative stock; checkout shows these before payment."""
    if not wanted or negative_stock_allowed(session):
        return []
    rows = session.exec(select(Product).where(col(Product.id).in_(list(wanted)))).all()
    return [
        Shortfall(row.id, row.name, row.on_hand, wanted[row.id])  # type: ignore[index,arg-type]
        for row in rows
        if row.on_hand < wanted[row.id]  # type: ignore[index]
    ]


def check_stock(uow: UnitOfWork, wanted: Mapping[int, int]) -> list[Shortfall]:
    with uow.read() as session:
        return stock_shortfalls(session, wanted)


def record_sale(
    session: Session, actor: Actor, lines: Sequence[tuple[int, int]], reference: str
) -> list[MovementView]:
    """Take sold products out (positive quantities) or put returned ones back (negative),
    inside checkout's transaction; ``reference`` names the sale (sale:123)."""
    views = []
    for product_id, quantity in lines:
        if quantity > 0:
            views.append(
                post_movement(
                    session, actor, product_id, MovementKind.SALE, -quantity, reference=reference
                )
            )
        elif quantity < 0:
            views.append(
                post_movement(
                    session,
                    actor,
                    product_id,
                    MovementKind.SALE_RETURN,
                    -quantity,
                    reference=reference,
                )
            )
    return views


def record_service_use(
    session: Session,
    actor: Actor,
    service_id: int,
    reference: str,
    amounts: Mapping[int, int] | None = None,
    note: str = "",
) -> list[MovementView]:
    """Take back-bar stock out for one performance of a service: by its recipe, or by
    ``amounts`` (product id → quantity) the stylist recorded. Never refused for lack of
    stock: the service was done, so the ledger records it (flagged when it goes below
    zero)."""
    if amounts is None:
        amounts = {
            row.product_id: row.quantity
            for row in session.exec(
                select(ServiceRecipe).where(col(ServiceRecipe.service_id) == service_id)
            )
        }
    views = []
    for product_id, quantity in amounts.items():
        if quantity > 0:
            views.append(
                post_movement(
                    session,
                    actor,
                    product_id,
                    MovementKind.SERVICE_USE,
                    -quantity,
                    reference=reference,
                    note=note,
                    allow_negative=True,
                )
            )
    return views


def use_in_service(
    uow: UnitOfWork,
    actor: Actor,
    service_id: int,
    *,
    amounts: Mapping[int, int] | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> list[MovementView]:
    """Record back-bar use for a service performed outside checkout (a model, training)."""
    require(actor, "inventory.use")
    from salon_tui.services.catalog import _load as load_service

    cleaned_note = _clean_note(note)

    def body(session: Session) -> list[MovementView]:
        service = load_service(session, service_id)
        views = record_service_use(
            session, actor, service_id, f"service:{service.code}", amounts, cleaned_note
        )
        if not views:
            raise ValidationError(
                _("{name} has no usage recipe; record the amounts used.").format(name=service.name)
            )
        for view in views:
            _audit_movement(session, actor, view)
        return views

    if idempotency_key is None:
        with uow.transaction() as session:
            return body(session)
    return run_once(
        uow,
        idempotency_key,
        "inventory.service_use",
        body,
        lambda views: {"movements": [_encode(v) for v in views]},
        lambda data: [_decode(v) for v in data["movements"]],
    )
