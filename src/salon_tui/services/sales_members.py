"""Members at checkout: the level discount on each line, and the visit on record.

A member's level gives a discount in basis points on services and on products
(Settings → Levels); it applies automatically and the cart says where it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from salon_tui.data.models import Member, MemberLevel, Sale, SaleLine
from salon_tui.domain.pricing import AdjustmentSource, LineDiscount
from salon_tui.domain.sales import LineKind
from salon_tui.i18n import _


def level_discounts(
    session: Session, sale: Sale, lines: Sequence[SaleLine]
) -> dict[int, list[LineDiscount]]:
    """The member's level discount for each service and product line."""
    if sale.member_id is None:
        return {}
    member = session.get(Member, sale.member_id)
    if member is None or member.level_id is None:
        return {}
    level = session.get(MemberLevel, member.level_id)
    if level is None or not level.active:
        return {}
    rates = {
        LineKind.SERVICE.value: level.service_discount_bp,
        LineKind.PRODUCT.value: level.product_discount_bp,
    }
    found: dict[int, list[LineDiscount]] = {}
    for line in lines:
        rate = rates.get(line.kind, 0)
        if rate and line.id is not None:
            found[line.id] = [
                LineDiscount(
                    AdjustmentSource.LEVEL,
                    percent_bp=rate,
                    explanation=_("{level}: {percent} % off").format(
                        level=level.name, percent=f"{rate / 100:g}"
                    ),
                )
            ]
    return found
