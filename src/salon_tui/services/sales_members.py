"""Members at checkout: the level discount and the birthday discount on each line.

A member's level gives a discount in basis points on services and on products
(Settings → Levels); the shop's birthday discount (Settings → Checkout) adds one around
the member's birthday. Both apply automatically and the cart says where they came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from salon_tui.data.models import Member, MemberLevel, Sale, SaleAdjustment, SaleLine
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.domain.members import Birthday
from salon_tui.domain.pricing import AdjustmentSource, LineDiscount
from salon_tui.domain.sales import COUNTED_STATUSES, LineKind
from salon_tui.i18n import _


def level_discounts(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
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


def _birthday_used(
    session: Session, member_id: int, sale_id: int, window: tuple[date, date]
) -> bool:
    """Whether another paid sale of the member already took the birthday discount."""
    found = session.exec(
        select(SaleAdjustment.id)
        .join(SaleLine, col(SaleLine.id) == col(SaleAdjustment.line_id))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(
            col(Sale.member_id) == member_id,
            col(Sale.id) != sale_id,
            col(Sale.status).in_(COUNTED_STATUSES),
            col(Sale.business_day) >= window[0],
            col(Sale.business_day) <= window[1],
            col(SaleAdjustment.source) == AdjustmentSource.BIRTHDAY.value,
        )
        .limit(1)
    ).first()
    return found is not None


def birthday_discounts(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
) -> dict[int, list[LineDiscount]]:
    """The shop's birthday discount (Settings → Checkout) for a member whose birthday
    window holds today: on services, or on services and products; once per birthday
    when the shop says so."""
    if sale.member_id is None or sale.id is None:
        return {}
    from salon_tui.services.checkout_settings import load_checkout_settings
    from salon_tui.services.members import shop_today

    rules = load_checkout_settings(session)
    if not rules.birthday_discount_bp:
        return {}
    member = session.get(Member, sale.member_id)
    if member is None or member.birth_month is None or member.birth_day is None:
        return {}
    window = Birthday(member.birth_month, member.birth_day).window_around(
        shop_today(session), rules.birthday_window
    )
    if window is None:
        return {}
    if rules.birthday_once and _birthday_used(session, sale.member_id, sale.id, window):
        return {}
    kinds = {LineKind.SERVICE.value}
    if rules.birthday_scope == "all":
        kinds.add(LineKind.PRODUCT.value)
    rate = rules.birthday_discount_bp
    explanation = _("Birthday: {percent} % off").format(percent=f"{rate / 100:g}")
    return {
        line.id: [LineDiscount(AdjustmentSource.BIRTHDAY, percent_bp=rate, explanation=explanation)]
        for line in lines
        if line.id is not None and line.kind in kinds
    }
