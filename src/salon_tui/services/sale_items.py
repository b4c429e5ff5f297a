"""What happens to the things on a line when it is sold or given back.

Services need nothing; products take stock out when sold and put it back when
refunded. The area that owns an item kind registers its functions here; they run
inside the sale's or refund's transaction and raise a ``SalonError`` to refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from salon_tui.domain.actor import Actor


@dataclass(frozen=True)
class ItemMovement:
    sale_id: int
    refund_id: int | None
    line_id: int
    item_id: int | None
    qty: int  # units sold (or given back, for a refund)
    description: str


ItemHook = Callable[[Session, Actor, ItemMovement], None]


# line kind → function
ON_SOLD: dict[str, ItemHook] = {}
ON_RETURNED: dict[str, ItemHook] = {}


def load_item_hooks() -> None:
    """Import the modules that register hooks; each area that owns an item kind adds one."""
    from salon_tui.services import inventory_sales, sale_cards  # noqa: F401
