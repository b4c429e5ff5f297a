"""`salon report pnl`: income less expenses, this period beside the one before.

Income is revenue net of refunds by kind (services, products, other), the same sums as
the sales report; tips are the staff's, not the shop's, and stay out. Expenses are those
paid from the cash drawer and those recorded with `salon expense add`, by category, and
the commission earned in the period (refund reversals included). The cost of the
products sold is not in it: the stock ledger's average cost is not fixed on sale lines.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from salon_tui.data.models.expenses import Expense
from salon_tui.data.models.sales import (
    CommissionEntry,
    DrawerMovement,
    DrawerSession,
    Refund,
    RefundLine,
    Sale,
    SaleLine,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.sales import CARD_KINDS, LINE_KIND_LABELS, LineKind
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.expenses import CATEGORIES
from salon_tui.services.report_sales import paid_in, refunds_in
from salon_tui.services.reports import (
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)


def _income(session: Session, period: Period, store: int | None) -> dict[str, int]:
    """Income by kind of line: goods only (a top-up, a package or a gift card sold on a
    sale is money held for the client, as when sold from F7 Cards)."""
    income: dict[str, int] = defaultdict(int)
    for kind, amount in session.execute(
        select(col(SaleLine.kind), func.sum(col(SaleLine.net_cents)))
        .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
        .where(*paid_in(period, store), col(SaleLine.kind).not_in(CARD_KINDS))
        .group_by(col(SaleLine.kind))
    ).all():
        income[kind] += int(amount or 0)
    for kind, amount in session.execute(
        select(col(SaleLine.kind), func.sum(col(RefundLine.amount_cents)))
        .join(SaleLine, col(SaleLine.id) == col(RefundLine.sale_line_id))
        .join(Refund, col(Refund.id) == col(RefundLine.refund_id))
        .where(*refunds_in(period, store), col(SaleLine.kind).not_in(CARD_KINDS))
        .group_by(col(SaleLine.kind))
    ).all():
        income[kind] -= int(amount or 0)
    return income


def _expenses(session: Session, period: Period, store: int | None) -> dict[str, int]:
    spent: dict[str, int] = defaultdict(int)
    drawer_query = (
        select(col(DrawerMovement.category), func.sum(col(DrawerMovement.amount_cents)))
        .join(DrawerSession, col(DrawerSession.id) == col(DrawerMovement.session_id))
        .where(
            col(DrawerMovement.kind) == "expense",
            col(DrawerSession.business_day) >= period.start,
            col(DrawerSession.business_day) <= period.end,
        )
        .group_by(col(DrawerMovement.category))
    )
    if store is not None:
        drawer_query = drawer_query.where(col(DrawerSession.store_id) == store)
    for category, amount in session.execute(drawer_query).all():
        spent[category] += -int(amount or 0)  # drawer expenses are money out: negative
    expense_query = (
        select(col(Expense.category), func.sum(col(Expense.amount_cents)))
        .where(col(Expense.business_day) >= period.start, col(Expense.business_day) <= period.end)
        .group_by(col(Expense.category))
    )
    if store is not None:
        expense_query = expense_query.where(col(Expense.store_id) == store)
    for category, amount in session.execute(expense_query).all():
        spent[category] += int(amount or 0)
    return spent


def _commission(session: Session, period: Period, store: int | None) -> int:
    query = select(func.coalesce(func.sum(col(CommissionEntry.amount_cents)), 0)).where(
        col(CommissionEntry.business_day) >= period.start,
        col(CommissionEntry.business_day) <= period.end,
    )
    return int(session.execute(commission_in_store(query, store)).scalar_one())


def commission_in_store(query: Any, store: int | None) -> Any:
    """``query`` over commission entries kept to those of ``store``: a line's commission
    belongs to the store of its sale, a reversal to the store of its refund, a card sold
    at the Cards desk to the store that sold it."""
    if store is None:
        return query
    return (
        query.outerjoin(Sale, col(Sale.id) == col(CommissionEntry.sale_id))
        .outerjoin(Refund, col(Refund.id) == col(CommissionEntry.refund_id))
        .where(
            func.coalesce(col(Refund.store_id), col(Sale.store_id), col(CommissionEntry.store_id))
            == store
        )
    )


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period, previous = request.period, request.period.previous()
    store = request.store_id
    with uow.read() as session:
        income = (_income(session, period, store), _income(session, previous, store))
        spent = (_expenses(session, period, store), _expenses(session, previous, store))
        commission = (_commission(session, period, store), _commission(session, previous, store))

    rows: list[dict[str, Any]] = []

    def add(item: str, now: int, before: int) -> None:
        rows.append({"item": item, "amount": now, "before": before})

    for kind in LineKind:
        now, before = income[0].get(kind.value, 0), income[1].get(kind.value, 0)
        if now or before:
            add(_(LINE_KIND_LABELS[kind]), now, before)
    income_now, income_before = sum(income[0].values()), sum(income[1].values())
    add(_("Income"), income_now, income_before)
    categories = sorted(set(spent[0]) | set(spent[1]), key=lambda key: -spent[0].get(key, 0))
    for category in categories:
        add(
            _("Expense: {category}").format(category=_(CATEGORIES.get(category, category))),
            spent[0].get(category, 0),
            spent[1].get(category, 0),
        )
    if commission[0] or commission[1]:
        add(_("Expense: commission"), commission[0], commission[1])
    expenses_now = sum(spent[0].values()) + commission[0]
    expenses_before = sum(spent[1].values()) + commission[1]
    add(_("Expenses"), expenses_now, expenses_before)
    add(_("Profit"), income_now - expenses_now, income_before - expenses_before)
    return ReportResult(
        name="pnl",
        title=_("Profit and loss"),
        period=period,
        currency=shop.currency,
        sections=(
            Section(
                "pnl",
                _("Income and expenses"),
                (
                    ReportColumn("item", _("Item"), Kind.TEXT),
                    ReportColumn("amount", period.label(), Kind.MONEY),
                    ReportColumn("before", previous.label(), Kind.MONEY),
                ),
                rows,
            ),
        ),
        notes=(
            _(
                "Income is revenue net of refunds, tips apart. Expenses are those paid from "
                "the drawer, those recorded with `salon expense add`, and commission. The "
                "cost of products sold is not included."
            ),
        ),
    )


register(
    ReportSpec(
        name="pnl",
        title=N_("Profit and loss"),
        description=N_("Income by kind net of refunds, less expenses by category and commission."),
        permission="reports.pnl",
        build=build,
        by_store=True,
    )
)
