"""`salon report sales`: revenue over time, by way of paying, category, service and
product, discounts by where they came from, refunds and tips, beside the period before.

Revenue (营业额) is what the lines cost after every discount and rounding: the sum of
the paid sales' line ``net_cents``, tips apart. A sale counts on the shop day it was
paid; a refund on the day it was made (a refund of last month's sale lowers this
month). Money taken by each way of paying includes tips, refunds paid back and the
money taken outside sales (top-ups, packages and gift cards sold at the desk, booking
deposits: ``services.desk_money``), so that column agrees with the drawer, the bank and
the day close, not with revenue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from salon_tui.data.models.sales import Payment, Refund, RefundLine, Sale, SaleAdjustment, SaleLine
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Bucket, Period, bucket_start, buckets
from salon_tui.domain.pricing import ADJUSTMENT_LABELS, AdjustmentSource
from salon_tui.domain.sales import COUNTED_STATUSES, LINE_KIND_LABELS, LineKind
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.permissions import require
from salon_tui.services.reports import (
    Chart,
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)

TOP = 10
COUNTED = COUNTED_STATUSES


@dataclass(frozen=True)
class Totals:
    sales: int
    revenue_cents: int
    discount_cents: int
    rounding_cents: int
    tips_cents: int
    refunds_cents: int

    @property
    def net_cents(self) -> int:
        return self.revenue_cents - self.refunds_cents

    @property
    def average_cents(self) -> int:
        return self.revenue_cents // self.sales if self.sales else 0


def paid_in(period: Period, store_id: int | None = None) -> tuple[Any, ...]:
    """Sales that count in ``period``: paid (or later refunded) on one of its shop days,
    in the store ``store_id`` (every store when None)."""
    clauses: tuple[Any, ...] = (
        col(Sale.business_day) >= period.start,
        col(Sale.business_day) <= period.end,
        col(Sale.status).in_(COUNTED),
    )
    if store_id is not None:
        clauses += (col(Sale.store_id) == store_id,)
    return clauses


def refunds_in(period: Period, store_id: int | None = None) -> tuple[Any, ...]:
    """Refunds made on the period's shop days, in the store that paid them back."""
    clauses: tuple[Any, ...] = (
        col(Refund.business_day) >= period.start,
        col(Refund.business_day) <= period.end,
    )
    if store_id is not None:
        clauses += (col(Refund.store_id) == store_id,)
    return clauses


def payments_in(period: Period, store_id: int | None = None) -> tuple[Any, ...]:
    clauses: tuple[Any, ...] = (
        col(Payment.business_day) >= period.start,
        col(Payment.business_day) <= period.end,
    )
    if store_id is not None:
        clauses += (col(Payment.store_id) == store_id,)
    return clauses


def totals(session: Session, period: Period, store_id: int | None = None) -> Totals:
    """The period's figures, every one a sum over the sales and refunds of its days."""
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(col(Sale.total_cents) - col(Sale.tips_cents)), 0),
            func.coalesce(func.sum(col(Sale.discount_cents)), 0),
            func.coalesce(func.sum(col(Sale.rounding_cents)), 0),
            func.coalesce(func.sum(col(Sale.tips_cents)), 0),
        ).where(*paid_in(period, store_id))
    ).one()
    refunds = session.execute(
        select(func.coalesce(func.sum(col(Refund.amount_cents) - col(Refund.tips_cents)), 0)).where(
            *refunds_in(period, store_id)
        )
    ).scalar_one()
    return Totals(
        sales=int(row[0]),
        revenue_cents=int(row[1]),
        discount_cents=int(row[2]),
        rounding_cents=int(row[3]),
        tips_cents=int(row[4]),
        refunds_cents=int(refunds),
    )


@dataclass(frozen=True)
class SalesGlance:
    """The owner's morning: today so far, yesterday, and the month so far, each with
    what it is compared with (the day before; the same days of last month)."""

    today: Totals
    yesterday: Totals
    day_before: Totals
    month: Totals
    last_month: Totals

    @property
    def yesterday_change_bp(self) -> int | None:
        return _change_bp(self.yesterday.net_cents, self.day_before.net_cents)

    @property
    def month_change_bp(self) -> int | None:
        return _change_bp(self.month.net_cents, self.last_month.net_cents)


def same_days_last_month(today: date) -> Period:
    """The 1st of last month to the same day number (or its last day, if shorter)."""
    last_day = today.replace(day=1) - timedelta(days=1)
    return Period(last_day.replace(day=1), last_day.replace(day=min(today.day, last_day.day)))


def glance(uow: UnitOfWork, actor: Actor, today: date) -> SalesGlance:
    """Figures for the home screen, from the same sums as the sales report."""
    require(actor, "reports.sales")
    one_day = timedelta(days=1)
    with uow.read() as session:
        return SalesGlance(
            today=totals(session, Period(today, today)),
            yesterday=totals(session, Period(today - one_day, today - one_day)),
            day_before=totals(session, Period(today - 2 * one_day, today - 2 * one_day)),
            month=totals(session, Period(today.replace(day=1), today)),
            last_month=totals(session, same_days_last_month(today)),
        )


def _change_bp(now: int, before: int) -> int | None:
    if before == 0:
        return None
    return (now - before) * 10_000 // abs(before)


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    previous = period.previous()
    store = request.store_id
    with uow.read() as session:
        now, before = totals(session, period, store), totals(session, previous, store)
        sections = (
            _summary(period, previous, now, before),
            _over_time(session, period, request.bucket, store),
            _by_tender(session, period, store),
            _by_category(session, period, store),
            _top(session, period, LineKind.SERVICE, "top_services", _("Top services"), store),
            _top(session, period, LineKind.PRODUCT, "top_products", _("Top products"), store),
            _discounts(session, period, store),
        )
    return ReportResult(
        name="sales",
        title=_("Sales"),
        period=period,
        currency=shop.currency,
        sections=sections,
        notes=(
            _(
                "Revenue is what the lines cost after discounts and rounding, tips apart. "
                "Ways of paying include tips, refunds paid back and the money taken outside "
                "sales (top-ups, packages and gift cards sold at the desk, booking deposits)."
            ),
        ),
    )


def _summary(period: Period, previous: Period, now: Totals, before: Totals) -> Section:
    columns = (
        ReportColumn("period", _("Period"), Kind.TEXT),
        ReportColumn("sales", _("Sales"), Kind.INT),
        ReportColumn("revenue", _("Revenue"), Kind.MONEY),
        ReportColumn("average", _("Average sale"), Kind.MONEY),
        ReportColumn("discounts", _("Discounts"), Kind.MONEY),
        ReportColumn("rounding", _("Rounding"), Kind.MONEY),
        ReportColumn("refunds", _("Refunds"), Kind.MONEY),
        ReportColumn("net", _("Net revenue"), Kind.MONEY),
        ReportColumn("tips", _("Tips"), Kind.MONEY),
        ReportColumn("change", _("Net vs before"), Kind.PERCENT),
    )

    def row(label: Period, figures: Totals, change: int | None) -> dict[str, Any]:
        return {
            "period": label.label(),
            "sales": figures.sales,
            "revenue": figures.revenue_cents,
            "average": figures.average_cents,
            "discounts": figures.discount_cents,
            "rounding": figures.rounding_cents,
            "refunds": figures.refunds_cents,
            "net": figures.net_cents,
            "tips": figures.tips_cents,
            "change": change,
        }

    return Section(
        "summary",
        _("This period and the one before"),
        columns,
        [
            row(period, now, _change_bp(now.net_cents, before.net_cents)),
            row(previous, before, None),
        ],
    )


def _over_time(
    session: Session, period: Period, bucket: Bucket, store: int | None = None
) -> Section:
    revenue: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, count, amount in session.execute(
        select(
            col(Sale.business_day),
            func.count(),
            func.sum(col(Sale.total_cents) - col(Sale.tips_cents)),
        )
        .where(*paid_in(period, store))
        .group_by(col(Sale.business_day))
    ).all():
        figures = revenue[bucket_start(day, bucket)]
        figures[0] += int(count)
        figures[1] += int(amount or 0)
    for day, amount in session.execute(
        select(
            col(Refund.business_day), func.sum(col(Refund.amount_cents) - col(Refund.tips_cents))
        )
        .where(*refunds_in(period, store))
        .group_by(col(Refund.business_day))
    ).all():
        revenue[bucket_start(day, bucket)][2] += int(amount or 0)
    rows = [
        {
            "from": first,
            "sales": revenue[first][0],
            "revenue": revenue[first][1],
            "refunds": revenue[first][2],
            "net": revenue[first][1] - revenue[first][2],
        }
        for first in buckets(period, bucket)
    ]
    return Section(
        "over_time",
        _("Over time"),
        (
            ReportColumn("from", _("From"), Kind.DATE),
            ReportColumn("sales", _("Sales"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
            ReportColumn("refunds", _("Refunds"), Kind.MONEY),
            ReportColumn("net", _("Net revenue"), Kind.MONEY),
        ),
        rows,
        chart=Chart("bar", "from", ("net",), _("Net revenue")),
    )


def _by_tender(session: Session, period: Period, store: int | None = None) -> Section:
    from salon_tui.services.desk_money import desk_money_by_method, method_labels

    labels = {code: _(label) for code, label in method_labels().items()}
    taken: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for tender, is_refund, count, amount in session.execute(
        select(
            col(Payment.tender),
            col(Payment.refund_id).is_not(None),
            func.count(),
            func.sum(col(Payment.amount_cents)),
        )
        .where(*payments_in(period, store))
        .group_by(col(Payment.tender), col(Payment.refund_id).is_not(None))
    ).all():
        figures = taken[tender]
        if is_refund:
            figures[2] += -int(amount or 0)
        else:
            figures[0] += int(count)
            figures[1] += int(amount or 0)
    for desk in desk_money_by_method(session, period.start, period.end, store):
        figures = taken[desk.method]
        figures[0] += desk.count
        figures[1] += desk.taken_cents
        figures[2] += desk.refunded_cents
    rows = [
        {
            "tender": labels.get(code, code),
            "payments": figures[0],
            "taken": figures[1],
            "refunded": figures[2],
            "net": figures[1] - figures[2],
        }
        for code, figures in sorted(taken.items(), key=lambda item: -(item[1][1] - item[1][2]))
    ]
    return Section(
        "by_tender",
        _("By way of paying"),
        (
            ReportColumn("tender", _("Paid by"), Kind.TEXT),
            ReportColumn("payments", _("Payments"), Kind.INT),
            ReportColumn("taken", _("Taken"), Kind.MONEY),
            ReportColumn("refunded", _("Paid back"), Kind.MONEY),
            ReportColumn("net", _("Net"), Kind.MONEY),
        ),
        rows,
        chart=Chart("bar", "tender", ("net",), _("Net by way of paying")),
    )


def _line_rows(
    session: Session,
    period: Period,
    *group: Any,
    kind: LineKind | None = None,
    store: int | None = None,
) -> Sequence[Any]:
    query = (
        select(*group, func.sum(col(SaleLine.qty)), func.sum(col(SaleLine.net_cents)))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(*paid_in(period, store))
        .group_by(*group)
    )
    if kind is not None:
        query = query.where(col(SaleLine.kind) == kind.value)
    return session.execute(query).all()


def _by_category(session: Session, period: Period, store: int | None = None) -> Section:
    refunded: dict[tuple[str, str], int] = defaultdict(int)
    for kind, category, amount in session.execute(
        select(col(SaleLine.kind), col(SaleLine.category), func.sum(col(RefundLine.amount_cents)))
        .join(SaleLine, col(SaleLine.id) == col(RefundLine.sale_line_id))
        .join(Refund, col(Refund.id) == col(RefundLine.refund_id))
        .where(*refunds_in(period, store))
        .group_by(col(SaleLine.kind), col(SaleLine.category))
    ).all():
        refunded[(kind, category)] += int(amount or 0)
    rows: list[dict[str, Any]] = []
    for kind, category, qty, amount in _line_rows(
        session, period, col(SaleLine.kind), col(SaleLine.category), store=store
    ):
        rows.append(
            {
                "kind": _(LINE_KIND_LABELS.get(LineKind(kind), kind)),
                "category": category or _("(none)"),
                "qty": int(qty or 0),
                "revenue": int(amount or 0),
                "refunds": refunded.pop((kind, category), 0),
            }
        )
    for (kind, category), amount in refunded.items():  # refunded now, sold before
        rows.append(
            {
                "kind": _(LINE_KIND_LABELS.get(LineKind(kind), kind)),
                "category": category or _("(none)"),
                "qty": 0,
                "revenue": 0,
                "refunds": amount,
            }
        )
    for row in rows:
        row["net"] = row["revenue"] - row["refunds"]
    rows.sort(key=lambda row: -int(row["net"]))
    return Section(
        "by_category",
        _("By category"),
        (
            ReportColumn("kind", _("Kind"), Kind.TEXT),
            ReportColumn("category", _("Category"), Kind.TEXT),
            ReportColumn("qty", _("Quantity"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
            ReportColumn("refunds", _("Refunds"), Kind.MONEY),
            ReportColumn("net", _("Net revenue"), Kind.MONEY),
        ),
        rows,
        chart=Chart("bar", "category", ("net",), _("Net revenue by category")),
    )


def _top(
    session: Session,
    period: Period,
    kind: LineKind,
    key: str,
    title: str,
    store: int | None = None,
) -> Section:
    rows = [
        {"item": description, "qty": int(qty or 0), "revenue": int(amount or 0)}
        for description, qty, amount in _line_rows(
            session, period, col(SaleLine.description), kind=kind, store=store
        )
    ]
    rows.sort(key=lambda row: (-int(row["revenue"]), str(row["item"])))
    return Section(
        key,
        title,
        (
            ReportColumn("item", _("Item"), Kind.TEXT),
            ReportColumn("qty", _("Quantity"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
        ),
        rows[:TOP],
    )


def _discounts(session: Session, period: Period, store: int | None = None) -> Section:
    rows: list[dict[str, Any]] = []
    for source, count, amount in session.execute(
        select(col(SaleAdjustment.source), func.count(), func.sum(col(SaleAdjustment.amount_cents)))
        .join(SaleLine, col(SaleLine.id) == col(SaleAdjustment.line_id))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(
            *paid_in(period, store), col(SaleAdjustment.source) != AdjustmentSource.ROUNDING.value
        )
        .group_by(col(SaleAdjustment.source))
    ).all():
        try:
            label = _(ADJUSTMENT_LABELS[AdjustmentSource(source)])
        except ValueError:
            label = source
        rows.append({"source": label, "lines": int(count), "amount": int(amount or 0)})
    rows.sort(key=lambda row: -int(row["amount"]))
    return Section(
        "discounts",
        _("Discounts by where they came from"),
        (
            ReportColumn("source", _("From"), Kind.TEXT),
            ReportColumn("lines", _("Lines"), Kind.INT),
            ReportColumn("amount", _("Amount"), Kind.MONEY),
        ),
        rows,
    )


register(
    ReportSpec(
        name="sales",
        title=N_("Sales"),
        description=N_(
            "Revenue over time, by way of paying, category, service and product; "
            "discounts, refunds and tips, against the period before."
        ),
        permission="reports.sales",
        build=build,
        by_store=True,
    )
)
