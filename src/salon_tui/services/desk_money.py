"""The money taken and paid back outside a sale, by method, and the top-ups of the days
wherever they were sold.

A top-up, package or gift card sold on a sale is a line of it: the sale's payments took
its money. Sold at the Cards desk (F7) or the gift-card screen, each is its own action
and its money came in by the method it recorded; so did a booking's deposit. The day
close (Z report) and the sales report add this money to the takings by method, so both
agree with the drawer and the bank to the fen, whatever was sold where.

What counts as money outside sales (``OUTSIDE_KINDS``):

- top-ups and their undos made outside a sale, and the principal paid back when a
  member's stored value is closed (the stored value ledger's method);
- packages sold outside a sale, and their unused uses paid back at the desk (the
  package's method and refund method; paid from or back to stored value shows as the
  "Stored value" tender, as a sale paid so does);
- gift cards sold outside a sale (the card's tender), and what was left on one paid
  back at the desk (its refund method);
- booking deposits taken and given back (the deposit ledger's tender). A deposit
  used on a sale is one of that sale's payments ("Booking deposit").

A refund of a sale that sold a card pays back through the refund's own payments, never
counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from salon_tui.data.models import (
    Booking,
    BookingDeposit,
    GiftCard,
    MemberPackage,
    StoredValueEntry,
)
from salon_tui.domain.prepaid import PACKAGE_METHODS
from salon_tui.i18n import N_

# Ledger kinds of the money a desk takes or pays back outside a sale.
DESK_KINDS = ("top_up", "reversal", "close")

# Each kind of money outside sales, in the order the day close lists them (msgids).
OUTSIDE_KINDS: dict[str, str] = {
    "top_up": N_("Stored value at the Cards desk (top-ups, undos, closings)"),
    "package": N_("Packages at the Cards desk (sold, refunded)"),
    "gift_card": N_("Gift cards outside a sale (sold, refunded)"),
    "deposit": N_("Booking deposits (taken, given back)"),
}


@dataclass(frozen=True)
class MethodMoney:
    """Money by one method over some days: what came in, what went back (positive)."""

    method: str
    count: int  # money-in movements
    taken_cents: int
    refunded_cents: int


@dataclass(frozen=True)
class OutsideMoney:
    """One kind of money outside sales over some days (``OUTSIDE_KINDS``)."""

    kind: str
    count: int  # money-in movements
    taken_cents: int
    paid_back_cents: int  # positive

    @property
    def net_cents(self) -> int:
        return self.taken_cents - self.paid_back_cents


@dataclass(frozen=True)
class TopUpFigures:
    """Every top-up of the days, on a sale or at the Cards desk, and their undos."""

    count: int
    paid_cents: int  # the principal paid in
    bonus_cents: int  # what promotions added
    on_sales_count: int
    undone_count: int
    undone_cents: int  # positive: the principal taken back (by an undo or a refund)
    on_sales_cents: int = 0  # the principal of the top-ups sold on sales

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
            func.coalesce(
                func.sum(
                    case(
                        (
                            is_top_up & col(StoredValueEntry.sale_id).is_not(None),
                            col(StoredValueEntry.principal_cents),
                        ),
                        else_=0,
                    )
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
        on_sales_cents=int(row[4]),
        undone_count=int(row[5]),
        undone_cents=-int(row[6]),
    )


def desk_money_by_method(
    session: Session, start: date, end: date, store_id: int | None = None
) -> list[MethodMoney]:
    """The money taken and paid back outside a sale, by method, on the shop days
    ``start``–``end`` in the store ``store_id`` (every store when None)."""
    money: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _kind, method, count, taken, paid_back in _outside_rows(session, start, end, store_id):
        figures = money[method]
        figures[0] += count
        figures[1] += taken
        figures[2] += paid_back
    return [
        MethodMoney(method, count, taken, refunded)
        for method, (count, taken, refunded) in money.items()
        if count or taken or refunded
    ]


def outside_sales(
    session: Session, start: date, end: date, store_id: int | None = None
) -> list[OutsideMoney]:
    """The money taken and paid back outside a sale by kind (``OUTSIDE_KINDS``, each
    listed even when nothing moved), on the shop days ``start``–``end``."""
    money: dict[str, list[int]] = {kind: [0, 0, 0] for kind in OUTSIDE_KINDS}
    for kind, _method, count, taken, paid_back in _outside_rows(session, start, end, store_id):
        figures = money[kind]
        figures[0] += count
        figures[1] += taken
        figures[2] += paid_back
    return [OutsideMoney(kind, *figures) for kind, figures in money.items()]


Row = tuple[str, str, int, int, int]  # kind, method, money-in count, taken, paid back


def _outside_rows(session: Session, start: date, end: date, store_id: int | None) -> Iterator[Row]:
    yield from _stored_value_rows(session, start, end, store_id)
    yield from _package_rows(session, start, end, store_id)
    yield from _gift_card_rows(session, start, end, store_id)
    yield from _deposit_rows(session, start, end, store_id)


def _signed_sums(amount: Any) -> tuple[Any, Any, Any]:
    """Count of positive amounts, their sum, and the sum of the negative ones."""
    return (
        func.coalesce(func.sum(case((amount > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
        func.coalesce(func.sum(case((amount < 0, amount), else_=0)), 0),
    )


def _stored_value_rows(
    session: Session, start: date, end: date, store_id: int | None
) -> Iterator[Row]:
    """Top-ups, their undos and closings made outside a sale."""
    for method, count, amount_in, amount_out in session.execute(
        select(col(StoredValueEntry.method), *_signed_sums(col(StoredValueEntry.principal_cents)))
        .where(
            *_in_days(start, end, store_id),
            col(StoredValueEntry.kind).in_(DESK_KINDS),
            col(StoredValueEntry.sale_id).is_(None),
            col(StoredValueEntry.refund_id).is_(None),
            col(StoredValueEntry.method) != "",
        )
        .group_by(col(StoredValueEntry.method))
    ):
        yield "top_up", str(method), int(count), int(amount_in), -int(amount_out)


def _package_rows(session: Session, start: date, end: date, store_id: int | None) -> Iterator[Row]:
    """Packages sold outside a sale, and unused uses paid back at the desk (a refund of
    the sale that sold one is that refund's money, method "sale"; an imported package
    brought no money)."""
    methods = tuple(PACKAGE_METHODS)
    sold_in = [
        col(MemberPackage.sale_id).is_(None),
        col(MemberPackage.method).in_(methods),
        col(MemberPackage.sold_on) >= start,
        col(MemberPackage.sold_on) <= end,
    ]
    if store_id is not None:
        sold_in.append(col(MemberPackage.store_id) == store_id)
    for method, count, amount in session.execute(
        select(col(MemberPackage.method), func.count(), func.sum(col(MemberPackage.price_cents)))
        .where(*sold_in)
        .group_by(col(MemberPackage.method))
    ):
        yield "package", str(method), int(count), int(amount or 0), 0
    refunded_in = [
        col(MemberPackage.refund_method).in_(methods),
        col(MemberPackage.refunded_on) >= start,
        col(MemberPackage.refunded_on) <= end,
    ]
    if store_id is not None:
        refunded_in.append(col(MemberPackage.refund_store_id) == store_id)
    for method, amount in session.execute(
        select(col(MemberPackage.refund_method), func.sum(col(MemberPackage.refunded_cents)))
        .where(*refunded_in)
        .group_by(col(MemberPackage.refund_method))
    ):
        yield "package", str(method), 0, 0, int(amount or 0)


def _gift_card_rows(
    session: Session, start: date, end: date, store_id: int | None
) -> Iterator[Row]:
    """Gift cards sold outside a sale (one sold on a sale has the tender "sale"), and
    what was left on one paid back at the desk."""
    from salon_tui.domain.prepaid import SALE_METHOD

    where = [
        col(GiftCard.tender).not_in((SALE_METHOD, "")),
        col(GiftCard.business_day) >= start,
        col(GiftCard.business_day) <= end,
    ]
    if store_id is not None:
        where.append(col(GiftCard.store_id) == store_id)
    for tender, count, amount in session.execute(
        select(col(GiftCard.tender), func.count(), func.sum(col(GiftCard.value_cents)))
        .where(*where)
        .group_by(col(GiftCard.tender))
    ):
        yield "gift_card", str(tender), int(count), int(amount or 0), 0
    refunded_in = [
        col(GiftCard.refund_method) != "",
        col(GiftCard.refunded_on) >= start,
        col(GiftCard.refunded_on) <= end,
    ]
    if store_id is not None:
        refunded_in.append(col(GiftCard.refund_store_id) == store_id)
    for method, amount in session.execute(
        select(col(GiftCard.refund_method), func.sum(col(GiftCard.refunded_cents)))
        .where(*refunded_in)
        .group_by(col(GiftCard.refund_method))
    ):
        yield "gift_card", str(method), 0, 0, int(amount or 0)


def _deposit_rows(session: Session, start: date, end: date, store_id: int | None) -> Iterator[Row]:
    """Booking deposits taken and given back (applied to a sale or forfeited moves no
    money: the sale's payment, or nothing)."""
    query = (
        select(col(BookingDeposit.tender), *_signed_sums(col(BookingDeposit.amount_cents)))
        .where(
            col(BookingDeposit.kind).in_(("taken", "returned")),
            col(BookingDeposit.business_day) >= start,
            col(BookingDeposit.business_day) <= end,
            col(BookingDeposit.tender) != "",
        )
        .group_by(col(BookingDeposit.tender))
    )
    if store_id is not None:
        query = query.join(Booking, col(Booking.id) == col(BookingDeposit.booking_id)).where(
            col(Booking.store_id) == store_id
        )
    for tender, count, amount_in, amount_out in session.execute(query):
        yield "deposit", str(tender), int(count), int(amount_in), -int(amount_out)


def method_labels() -> dict[str, str]:
    """What to call each way money came in: the tenders, and the top-up methods that
    are not one (``other``). Msgids: the caller translates."""
    from salon_tui.domain.prepaid import TOP_UP_METHODS
    from salon_tui.services.tenders import tender_table

    labels = dict(TOP_UP_METHODS)
    labels.update({code: tender.label for code, tender in tender_table().items()})
    return labels
