"""Small builders for catalogue tests: a supplier, a product, a category and a service."""

from __future__ import annotations

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import catalog, categories, products, suppliers

# Real-looking EAN-13s with correct check digits.
SHAMPOO_EAN = "6920202888883"
COLOUR_EAN = "4006381333931"


def make_product(
    uow: UnitOfWork,
    owner: Actor,
    sku: str = "SH01",
    *,
    barcode: str = SHAMPOO_EAN,
    name: str = "丝蛋白洗发水",
    price: int = 16800,
    cost: int = 7000,
    use: str = "retail",
    min_stock: int = 0,
    max_stock: int = 0,
    supplier: str = "",
    category: str = "洗护",
    unit: str = "瓶",
) -> products.ProductView:
    return products.add_product(
        uow,
        owner,
        products.ProductDraft(
            sku=sku,
            name=name,
            barcode=barcode,
            retail_price_cents=price,
            cost_cents=cost,
            use=use,
            min_stock=min_stock,
            max_stock=max_stock,
            supplier=supplier,
            category=category,
            unit=unit,
        ),
    )


def make_supplier(uow: UnitOfWork, owner: Actor, name: str = "欧莱雅专业") -> None:
    suppliers.add_supplier(uow, owner, name, contact="周经理", lead_time_days=5)


def make_service(
    uow: UnitOfWork,
    owner: Actor,
    code: str = "S001",
    *,
    name: str = "精剪",
    category: str = "剪发",
    price: int = 12800,
    recipe: dict[int, int] | None = None,
) -> catalog.ServiceView:
    if category not in {c.name for c in categories.list_categories(uow, include_inactive=True)}:
        categories.add_category(uow, owner, category, "Cuts")
    return catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code=code,
            name=name,
            name_en="Precision cut",
            category=category,
            price_cents=price,
            duration_min=45,
            recipe=recipe or {},
        ),
    )


def sell_services(
    uow: UnitOfWork, actor: Actor, member_id: int | None, lines: list[tuple[str, int]]
) -> None:
    """A sale paid by bank card of ``lines`` (a service's code, the staff id who did it)
    to the member (None: a walk-in), each found and priced as checkout does."""
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import sale_catalog, sales
    from salon_tui.services.sale_payment import pay_sale

    cart = sales.open_sale(uow, actor)
    sales.set_member(uow, actor, cart.sale_id, member_id)
    for code, staff_id in lines:
        (choice,) = sale_catalog.find_items(uow, actor, code)
        cart = sales.add_line(
            uow,
            actor,
            cart.sale_id,
            kind=choice.kind,
            description=choice.description,
            unit_cents=choice.unit_cents,
            item_id=choice.item_id,
            item_code=choice.code,
            staff=[sales.StaffShare(staff_id)],
        )
    pay_sale(uow, actor, cart.sale_id, [PaymentIn("bank_card", cart.total_cents)])
