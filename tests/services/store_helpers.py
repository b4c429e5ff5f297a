"""A two-store chain for tests: 静安店 JA (the shop's first store) and 徐汇店 XH."""

from __future__ import annotations

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import sales, stores
from salon_tui.services.sale_payment import PaidSale, pay_sale
from salon_tui.services.sales import StaffShare


def make_two_stores(uow: UnitOfWork, owner: Actor) -> None:
    """The first store becomes JA; XH is added. This computer sells for neither yet."""
    stores.edit_store(uow, owner, "MAIN", new_code="JA", name="静安店")
    stores.add_store(uow, owner, "XH", "徐汇店", address="徐汇区天钥桥路 1 号")


def sell_at(
    uow: UnitOfWork,
    actor: Actor,
    store_code: str,
    stylist: Actor,
    unit_cents: int,
    *,
    tender: str = "bank_card",
    product_cents: int = 0,
) -> PaidSale:
    """One paid sale made at ``store_code``: a service by ``stylist`` (and a product)."""
    stores.use_store(uow, store_code)
    cart = sales.open_sale(uow, actor)
    cart = sales.add_line(
        uow,
        actor,
        cart.sale_id,
        kind="service",
        description="Cut 剪发",
        unit_cents=unit_cents,
        category="hair",
        staff=[StaffShare(stylist.staff_id or 0)],
    )
    if product_cents:
        cart = sales.add_line(
            uow,
            actor,
            cart.sale_id,
            kind="product",
            description="Hair oil",
            unit_cents=product_cents,
        )
    return pay_sale(uow, actor, cart.sale_id, [PaymentIn(tender, cart.total_cents)])
