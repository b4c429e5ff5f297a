"""Checkout's hooks for catalogue items: a sold product leaves the shelf, a refunded one
comes back, and a sold service uses its back-bar recipe — all inside the sale's (or
refund's) transaction, so the stock and the sale commit together or not at all.

A product sale that would take stock below zero is refused (``OutOfStock``) unless the
shop allows negative stock, so the payment is refused before anything is kept.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from salon_tui.data.models import Product, Service, ServiceRecipe
from salon_tui.domain.actor import Actor
from salon_tui.domain.inventory import MovementKind
from salon_tui.services.inventory import post_movement
from salon_tui.services.sale_items import ON_RETURNED, ON_SOLD, ItemMovement


def product_sold(session: Session, actor: Actor, movement: ItemMovement) -> None:
    if movement.item_id is None or session.get(Product, movement.item_id) is None:
        return
    post_movement(
        session,
        actor,
        movement.item_id,
        MovementKind.SALE,
        -movement.qty,
        reference=f"sale:{movement.sale_id}",
    )


def product_returned(session: Session, actor: Actor, movement: ItemMovement) -> None:
    if movement.item_id is None or session.get(Product, movement.item_id) is None:
        return
    post_movement(
        session,
        actor,
        movement.item_id,
        MovementKind.SALE_RETURN,
        movement.qty,
        reference=f"refund:{movement.refund_id}",
    )


def service_sold(session: Session, actor: Actor, movement: ItemMovement) -> None:
    """Back-bar stock for each performance, by the service's recipe; never refused."""
    if movement.item_id is None or session.get(Service, movement.item_id) is None:
        return
    for recipe in session.exec(
        select(ServiceRecipe).where(col(ServiceRecipe.service_id) == movement.item_id)
    ):
        post_movement(
            session,
            actor,
            recipe.product_id,
            MovementKind.SERVICE_USE,
            -recipe.quantity * movement.qty,
            reference=f"sale:{movement.sale_id}",
            allow_negative=True,
        )


ON_SOLD["product"] = product_sold
ON_RETURNED["product"] = product_returned
ON_SOLD["service"] = service_sold
