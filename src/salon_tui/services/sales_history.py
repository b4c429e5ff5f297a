"""Paid sales as the history shows them: a list to search, one sale in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, or_, select

from salon_tui.data.models import (
    Payment,
    Refund,
    RefundLine,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleLineStaff,
    SaleTip,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.pricing import ADJUSTMENT_LABELS, AdjustmentSource
from salon_tui.domain.sales import SaleStatus
from salon_tui.errors import NotFound
from salon_tui.i18n import _
from salon_tui.services.permissions import require
from salon_tui.services.sales import AdjustmentView, LineStaffView, TipView

HISTORY_STATES = (SaleStatus.PAID.value, SaleStatus.REFUNDED.value)


@dataclass(frozen=True)
class SaleRow:
    sale_id: int
    number: str
    business_day: date
    paid_at: datetime
    status: str
    member_label: str
    total_cents: int
    refunded_cents: int
    cashier: str


@dataclass(frozen=True)
class SoldLine:
    id: int
    kind: str
    description: str
    qty: int
    list_unit_cents: int
    unit_cents: int
    gross_cents: int
    net_cents: int
    refunded_qty: int
    refunded_cents: int
    staff: tuple[LineStaffView, ...]
    adjustments: tuple[AdjustmentView, ...]


@dataclass(frozen=True)
class PaymentRow:
    tender: str
    amount_cents: int
    tendered_cents: int
    change_cents: int
    reference: str
    refund_number: str


@dataclass(frozen=True)
class RefundRow:
    number: str
    business_day: date
    amount_cents: int
    tips_cents: int
    reason: str
    by: str


@dataclass(frozen=True)
class SaleDetail:
    row: SaleRow
    subtotal_cents: int
    discount_cents: int
    rounding_cents: int
    tips_cents: int
    lines: tuple[SoldLine, ...]
    tips: tuple[TipView, ...]
    payments: tuple[PaymentRow, ...]
    refunds: tuple[RefundRow, ...]


def _refunded_totals(session: Session, sale_ids: list[int]) -> dict[int, int]:
    if not sale_ids:
        return {}
    rows = session.exec(
        select(Refund.sale_id, func.sum(Refund.amount_cents) + func.sum(Refund.tips_cents))
        .where(col(Refund.sale_id).in_(sale_ids))
        .group_by(col(Refund.sale_id))
    ).all()
    return {int(sale_id): int(total) for sale_id, total in rows}


def list_sales(
    uow: UnitOfWork,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    member_id: int | None = None,
    search: str = "",
    limit: int = 200,
) -> list[SaleRow]:
    """Paid (and refunded) sales, newest first; ``search`` matches a number or member."""
    require(actor, "sales.view")
    query = (
        select(Sale, Staff.name)
        .join(Staff, col(Staff.id) == col(Sale.paid_by))
        .where(col(Sale.status).in_(HISTORY_STATES))
    )
    if start is not None:
        query = query.where(col(Sale.business_day) >= start)
    if end is not None:
        query = query.where(col(Sale.business_day) <= end)
    if member_id is not None:
        query = query.where(col(Sale.member_id) == member_id)
    text = search.strip()
    if text:
        query = query.where(
            or_(col(Sale.number).contains(text), col(Sale.member_label).contains(text))
        )
    query = query.order_by(col(Sale.paid_at).desc(), col(Sale.id).desc()).limit(limit)
    with uow.read() as session:
        found = session.exec(query).all()
        refunded = _refunded_totals(session, [sale.id for sale, _name in found if sale.id])
        return [_row(sale, name, refunded.get(sale.id or 0, 0)) for sale, name in found]


def _row(sale: Sale, cashier: str, refunded: int) -> SaleRow:
    assert sale.id is not None and sale.number and sale.business_day and sale.paid_at
    return SaleRow(
        sale_id=sale.id,
        number=sale.number,
        business_day=sale.business_day,
        paid_at=sale.paid_at,
        status=sale.status,
        member_label=sale.member_label,
        total_cents=sale.total_cents,
        refunded_cents=refunded,
        cashier=cashier,
    )


def find_sale_id(uow: UnitOfWork, actor: Actor, number: str) -> int:
    """The sale with ``number`` (20261122-0042), or its id given as a plain number."""
    require(actor, "sales.view")
    text = number.strip()
    with uow.read() as session:
        sale = session.exec(select(Sale).where(col(Sale.number) == text)).first()
        if sale is None and text.isdigit() and "-" not in text:
            sale = session.get(Sale, int(text))
        if sale is None or sale.status not in HISTORY_STATES:
            raise NotFound(_("There is no paid sale {number}.").format(number=number))
        assert sale.id is not None
        return sale.id


def get_sale(uow: UnitOfWork, actor: Actor, sale_id: int) -> SaleDetail:
    """One paid sale in full: lines with discounts and stylists, payments, refunds."""
    require(actor, "sales.view")
    with uow.read() as session:
        sale = session.get(Sale, sale_id)
        if sale is None or sale.status not in HISTORY_STATES:
            raise NotFound(_("There is no paid sale #{id}.").format(id=sale_id))
        cashier = session.get(Staff, sale.paid_by) if sale.paid_by else None
        lines = session.exec(
            select(SaleLine)
            .where(col(SaleLine.sale_id) == sale_id)
            .order_by(col(SaleLine.position), col(SaleLine.id))
        ).all()
        line_ids = [line.id for line in lines]
        shares = session.exec(
            select(SaleLineStaff, Staff.name)
            .join(Staff, col(Staff.id) == col(SaleLineStaff.staff_id))
            .where(col(SaleLineStaff.line_id).in_(line_ids))
            .order_by(col(SaleLineStaff.id))
        ).all()
        adjustments = session.exec(
            select(SaleAdjustment)
            .where(col(SaleAdjustment.line_id).in_(line_ids))
            .order_by(col(SaleAdjustment.id))
        ).all()
        refunded = {
            int(line_id): (int(qty), int(amount))
            for line_id, qty, amount in session.exec(
                select(
                    RefundLine.sale_line_id,
                    func.sum(RefundLine.qty),
                    func.sum(RefundLine.amount_cents),
                )
                .where(col(RefundLine.sale_line_id).in_(line_ids))
                .group_by(col(RefundLine.sale_line_id))
            )
        }
        tips = session.exec(
            select(SaleTip, Staff.name)
            .join(Staff, col(Staff.id) == col(SaleTip.staff_id))
            .where(col(SaleTip.sale_id) == sale_id)
        ).all()
        refunds = session.exec(
            select(Refund, Staff.name)
            .join(Staff, col(Staff.id) == col(Refund.refunded_by))
            .where(col(Refund.sale_id) == sale_id)
            .order_by(col(Refund.id))
        ).all()
        refund_numbers = {refund.id: refund.number for refund, _name in refunds}
        payments = session.exec(
            select(Payment).where(col(Payment.sale_id) == sale_id).order_by(col(Payment.id))
        ).all()
        refunded_total = sum(r.amount_cents + r.tips_cents for r, _name in refunds)
        return SaleDetail(
            row=_row(sale, cashier.name if cashier else "?", refunded_total),
            subtotal_cents=sale.subtotal_cents,
            discount_cents=sale.discount_cents,
            rounding_cents=sale.rounding_cents,
            tips_cents=sale.tips_cents,
            lines=tuple(
                SoldLine(
                    id=line.id or 0,
                    kind=line.kind,
                    description=line.description,
                    qty=line.qty,
                    list_unit_cents=line.list_unit_cents,
                    unit_cents=line.unit_cents,
                    gross_cents=line.gross_cents,
                    net_cents=line.net_cents,
                    refunded_qty=refunded.get(line.id or 0, (0, 0))[0],
                    refunded_cents=refunded.get(line.id or 0, (0, 0))[1],
                    staff=tuple(
                        LineStaffView(share.staff_id, name, share.share_bp, share.requested)
                        for share, name in shares
                        if share.line_id == line.id
                    ),
                    adjustments=tuple(
                        AdjustmentView(
                            a.source,
                            _(ADJUSTMENT_LABELS[AdjustmentSource(a.source)]),
                            a.amount_cents,
                            a.explanation,
                            a.reason,
                        )
                        for a in adjustments
                        if a.line_id == line.id
                    ),
                )
                for line in lines
            ),
            tips=tuple(TipView(tip.staff_id, name, tip.amount_cents) for tip, name in tips),
            payments=tuple(
                PaymentRow(
                    p.tender,
                    p.amount_cents,
                    p.tendered_cents,
                    p.change_cents,
                    p.reference,
                    refund_numbers.get(p.refund_id, "") if p.refund_id else "",
                )
                for p in payments
            ),
            refunds=tuple(
                RefundRow(r.number, r.business_day, r.amount_cents, r.tips_cents, r.reason, name)
                for r, name in refunds
            ),
        )
