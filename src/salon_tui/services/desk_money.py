"""Top-ups in the day's figures, wherever they were sold, and the money the Cards desk
(F7) takes and pays back outside a sale.

A top-up sold on a sale is a line of it: the sale's payments took its money. A top-up
at the Cards desk is its own action: its money came in by the method recorded on the
stored value ledger, cash into the drawer as "stored value and packages". The day
close (Z report) and the sales report show top-ups as a figure of their own and add
the desk's money to the takings by method, so both agree with the drawer and the bank
however the top-up was sold.

What counts as the desk's money: top-ups and their undos made outside a sale, and the
principal paid back when a member's stored value is closed. A refund of a sale that
sold a top-up pays back through the refund's own payments, never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from salon_tui.data.models import StoredValueEntry

# Ledger kinds of the money a desk takes or pays back outside a sale.
DESK_KINDS = ("top_up", "reversal", "close")


@dataclass(frozen=True)
class MethodMoney:
    """Money by one method over some days: what came in, what went back (positive)."""

    method: str
    count: int  # money-in movements
    taken_cents: int
    refunded_cents: int


@dataclass(frozen=True)
class TopUpFigures:
    """Every top-up of the days, on a sale or at the Cards desk, and their undos."""

    count: int
    paid_cents: int  # the principal paid in
    bonus_cents: int  # what promotions added
    on_sales_count: int
    undone_count: int
    undone_cents: int  # positive: the principal taken back (by an undo or a refund)

    @property
    def net_cents(self) -> int:
        return self.paid_cents - self.undone_cents


def _in_days(start: date, end: date, store_id: int | None) -> tuple[Any, ...]:
    clauses: tuple[Any, ...] = (
        col(StoredValueEntry.business_day) >= start,
        col(StoredValueEntry.business_day) <= end,
    )
    if store_id is not None:
        clauses += (col(StoredValueEntry.store_id) == store_id,)
    return clauses


def top_up_figures(
    session: Session, start: date, end: date, store_id: int | None = None
) -> TopUpFigures:
    """The top-ups made on the shop days ``start``–``end`` in the store ``store_id``
    (every store when None)."""
    is_top_up = col(StoredValueEntry.kind) == "top_up"
    row = session.execute(
        select(
            func.coalesce(func.sum(case((is_top_up, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((is_top_up, col(StoredValueEntry.principal_cents)), else_=0)), 0
            ),
            func.coalesce(
                func.sum(case((is_top_up, col(StoredValueEntry.bonus_cents)), else_=0)), 0
            ),
            func.coalesce(
                func.sum(
                    case((is_top_up & col(StoredValueEntry.sale_id).is_not(None), 1), else_=0)
                ),
                0,
            ),
            func.coalesce(func.sum(case((is_top_up, 0), else_=1)), 0),
            func.coalesce(
                func.sum(case((is_top_up, 0), else_=col(StoredValueEntry.principal_cents))), 0
            ),
        ).where(
            *_in_days(start, end, store_id),
            col(StoredValueEntry.kind).in_(("top_up", "reversal")),
        )
    ).one()
    return TopUpFigures(
        count=int(row[0]),
        paid_cents=int(row[1]),
        bonus_cents=int(row[2]),
        on_sales_count=int(row[3]),
        undone_count=int(row[4]),
        undone_cents=-int(row[5]),
    )


def desk_money_by_method(
    session: Session, start: date, end: date, store_id: int | None = None
) -> list[MethodMoney]:
    """What the Cards desk took and paid back outside a sale, by method, on the shop days
    ``start``–``end`` (top-ups, their undos, stored value closed and paid back)."""
    money: dict[str, list[int]] = {}
    for method, count, amount_in, amount_out in session.execute(
        select(
            col(StoredValueEntry.method),
            func.coalesce(func.sum(case((col(StoredValueEntry.principal_cents) > 0, 1))), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            col(StoredValueEntry.principal_cents) > 0,
                            col(StoredValueEntry.principal_cents),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(
                    case(
                        (
                            col(StoredValueEntry.principal_cents) < 0,
                            col(StoredValueEntry.principal_cents),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .where(
            *_in_days(start, end, store_id),
            col(StoredValueEntry.kind).in_(DESK_KINDS),
            col(StoredValueEntry.sale_id).is_(None),
            col(StoredValueEntry.refund_id).is_(None),
            col(StoredValueEntry.method) != "",
        )
        .group_by(col(StoredValueEntry.method))
    ).all():
        figures = money.setdefault(str(method), [0, 0, 0])
        figures[0] += int(count)
        figures[1] += int(amount_in)
        figures[2] -= int(amount_out)
    return [
        MethodMoney(method, count, taken, refunded)
        for method, (count, taken, refunded) in money.items()
        if count or taken or refunded
    ]


def method_labels() -> dict[str, str]:
    """What to call each way money came in: the tenders, and the top-up methods that
    are not one (``other``). Msgids: the caller translates."""
    from salon_tui.domain.prepaid import TOP_UP_METHODS
    from salon_tui.services.tenders import tender_table

    labels = dict(TOP_UP_METHODS)
    labels.update({code: tender.label for code, tender in tender_table().items()})
    return labels
