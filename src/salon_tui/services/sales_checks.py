"""Ledger checks for `salon db check`: paid sales add up, refunds never exceed sales."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Payment, RefundLine, Sale, SaleLine
from salon_tui.domain.sales import SaleStatus
from salon_tui.i18n import _


def check_sales(session: Session) -> list[str]:
    """Each paid sale: lines + tips = total = payments taken; refunds ≤ what was sold."""
    problems: list[str] = []
    paid = [SaleStatus.PAID.value, SaleStatus.REFUNDED.value]
    lines = dict(
        session.exec(
            select(SaleLine.sale_id, func.sum(SaleLine.net_cents))
            .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
            .where(col(Sale.status).in_(paid))
            .group_by(col(SaleLine.sale_id))
        ).all()
    )
    taken = dict(
        session.exec(
            select(Payment.sale_id, func.sum(Payment.amount_cents))
            .where(col(Payment.refund_id).is_(None))
            .group_by(col(Payment.sale_id))
        ).all()
    )
    for found_id, number, total, tips in session.exec(
        select(Sale.id, Sale.number, Sale.total_cents, Sale.tips_cents).where(
            col(Sale.status).in_(paid)
        )
    ):
        sale_id = int(found_id or 0)
        if int(lines.get(sale_id, 0)) + tips != total or int(taken.get(sale_id, 0)) != total:
            problems.append(
                _("sale {number}: total {total}, lines and tips {lines}, payments {paid}").format(
                    number=number,
                    total=total,
                    lines=int(lines.get(sale_id, 0)) + tips,
                    paid=int(taken.get(sale_id, 0)),
                )
            )
    over = session.exec(
        select(SaleLine.id, SaleLine.description)
        .join(RefundLine, col(RefundLine.sale_line_id) == col(SaleLine.id))
        .group_by(
            col(SaleLine.id), col(SaleLine.description), col(SaleLine.qty), col(SaleLine.net_cents)
        )
        .having(
            (func.sum(RefundLine.qty) > SaleLine.qty)
            | (func.sum(RefundLine.amount_cents) > SaleLine.net_cents)
        )
    ).all()
    for line_id, description in over:
        problems.append(
            _("line {id} ({description}) was refunded more than it sold").format(
                id=line_id, description=description
            )
        )
    return problems
