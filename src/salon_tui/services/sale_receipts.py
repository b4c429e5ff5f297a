"""Receipts for sales, refunds and the day close, queued for the printer.

A receipt is built from what was stored and queued inside the same transaction as the
sale or refund (commit first, print after: a printer that is off never undoes a sale;
the print worker sends it when it can). Reprints re-queue the stored sale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlmodel import Session, col, select

from salon_tui.data.models import Payment, Refund, RefundLine, Sale, SaleLine, SaleLineStaff, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.errors import NotFound
from salon_tui.i18n import _
from salon_tui.printing.receipt import (
    MemberStatement,
    PaymentMethod,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ShopLines,
    SummaryRow,
)
from salon_tui.printing.receipt import (
    Payment as ReceiptPayment,
)
from salon_tui.services import printing
from salon_tui.services.printing import PrintJobView
from salon_tui.services.settings import ShopSettings, load_shop_settings

_METHODS = {method.value for method in PaymentMethod}

# Areas fill in the member block of a sale's receipt (stored value before → after, uses
# left, points): (session, sale, statement) → the statement with their part.
MemberBlock = Callable[[Session, Sale, MemberStatement], MemberStatement]
MEMBER_BLOCKS: list[MemberBlock] = []


def _masked_card(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else number


def member_statement(session: Session, sale: Sale) -> MemberStatement | None:
    """The member block of a sale's receipt, or None for a walk-in."""
    if sale.member_id is None:
        return None
    from salon_tui.data.models import Card, Member, MemberLevel
    from salon_tui.services.area_hooks import load_area_hooks

    member = session.get(Member, sale.member_id)
    if member is None:
        return None
    card = session.exec(
        select(Card.number).where(col(Card.member_id) == member.id, col(Card.status) == "active")
    ).first()
    level = session.get(MemberLevel, member.level_id) if member.level_id else None
    statement = MemberStatement(
        name=member.name, card_masked=_masked_card(card or ""), level=level.name if level else ""
    )
    load_area_hooks()
    for block in MEMBER_BLOCKS:
        statement = block(session, sale, statement)
    return statement


def _shop(settings: ShopSettings) -> ShopLines:
    return ShopLines(settings.name, settings.address, settings.phone)


def _payments(rows: list[Payment], sign: int) -> tuple[ReceiptPayment, ...]:
    return tuple(
        ReceiptPayment(
            PaymentMethod(row.tender) if row.tender in _METHODS else PaymentMethod.CASH,
            sign * row.amount_cents,
            row.reference,
        )
        for row in rows
    )


def build_sale_receipt(
    settings: ShopSettings,
    sale: Sale,
    lines: Sequence[SaleLine],
    stylists: dict[int, list[str]],
    payments: Sequence[Payment],
    cashier: str,
    member: MemberStatement | None = None,
) -> Receipt:
    """A paid sale's receipt from its rows (the paying transaction has them at hand)."""
    assert sale.number is not None and sale.paid_at is not None
    tendered = sum(p.tendered_cents for p in payments if p.tender == "cash")
    change = sum(p.change_cents for p in payments)
    return Receipt(
        kind=ReceiptKind.SALE,
        number=sale.number,
        issued_at=sale.paid_at,
        timezone=settings.timezone,
        language=settings.locale,
        currency=settings.currency,
        shop=_shop(settings),
        cashier=cashier,
        lines=tuple(
            ReceiptLine(
                description=line.description,
                quantity=line.qty,
                unit_price_cents=line.list_unit_cents,
                amount_cents=line.net_cents,
                stylist="/".join(stylists.get(line.id or 0, [])),
                discount_cents=line.discount_cents,
            )
            for line in lines
        ),
        subtotal_cents=sale.subtotal_cents,
        discount_cents=sale.discount_cents,
        rounding_cents=sale.rounding_cents,
        total_cents=sale.total_cents,
        tip_cents=sale.tips_cents,
        payments=_payments(list(payments), 1),
        tendered_cents=tendered or None,
        change_cents=change or None,
        member=member,
        barcode_data=sale.number,
        footer=settings.receipt_footer,
    )


def stylists_by_line(session: Session, line_ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for line_id, name in session.exec(
        select(SaleLineStaff.line_id, Staff.name)
        .join(Staff, col(Staff.id) == col(SaleLineStaff.staff_id))
        .where(col(SaleLineStaff.line_id).in_(list(line_ids)))
        .order_by(col(SaleLineStaff.id))
    ):
        names.setdefault(int(line_id), []).append(name)
    return names


def sale_receipt(session: Session, sale_id: int) -> Receipt:
    """The receipt of a paid sale, from what is stored (for a reprint)."""
    settings = load_shop_settings(session)
    sale = session.get(Sale, sale_id)
    if sale is None or sale.number is None or sale.paid_at is None:
        raise NotFound(_("There is no paid sale #{id}.").format(id=sale_id))
    lines = session.exec(
        select(SaleLine).where(col(SaleLine.sale_id) == sale_id).order_by(col(SaleLine.position))
    ).all()
    payments = list(
        session.exec(
            select(Payment)
            .where(col(Payment.sale_id) == sale_id, col(Payment.refund_id).is_(None))
            .order_by(col(Payment.id))
        )
    )
    cashier = session.get(Staff, sale.paid_by) if sale.paid_by else None
    return build_sale_receipt(
        settings,
        sale,
        lines,
        stylists_by_line(session, [line.id for line in lines if line.id is not None]),
        payments,
        cashier.name if cashier else "",
        member_statement(session, sale),
    )


def refund_receipt(session: Session, refund_id: int) -> Receipt:
    settings = load_shop_settings(session)
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise NotFound(_("There is no refund #{id}.").format(id=refund_id))
    rows = session.exec(
        select(RefundLine, SaleLine)
        .join(SaleLine, col(SaleLine.id) == col(RefundLine.sale_line_id))
        .where(col(RefundLine.refund_id) == refund_id)
    ).all()
    payments = list(session.exec(select(Payment).where(col(Payment.refund_id) == refund_id)))
    who = session.get(Staff, refund.refunded_by)
    sale = session.get(Sale, refund.sale_id)
    return Receipt(
        kind=ReceiptKind.REFUND,
        number=refund.number,
        issued_at=refund.refunded_at,
        timezone=settings.timezone,
        language=settings.locale,
        currency=settings.currency,
        shop=_shop(settings),
        cashier=who.name if who else "",
        lines=tuple(
            ReceiptLine(line.description, refunded.qty, line.unit_cents, refunded.amount_cents)
            for refunded, line in rows
        ),
        subtotal_cents=refund.amount_cents,
        total_cents=refund.amount_cents + refund.tips_cents,
        tip_cents=refund.tips_cents,
        payments=_payments(payments, -1),
        notes=(f"{sale.number if sale else ''} · {refund.reason}",),
        footer=settings.receipt_footer,
    )


def queue_sale_receipt(uow: UnitOfWork, actor: Actor, sale_id: int) -> PrintJobView:
    """Queue the receipt of a paid sale (inside the caller's transaction when there is one)."""
    with uow.transaction() as session:
        receipt = sale_receipt(session, sale_id)
    return printing.enqueue_receipt(uow, actor, receipt)


def queue_refund_receipt(uow: UnitOfWork, actor: Actor, refund_id: int) -> PrintJobView:
    with uow.transaction() as session:
        receipt = refund_receipt(session, refund_id)
    return printing.enqueue_receipt(uow, actor, receipt)


def queue_day_close(
    uow: UnitOfWork, actor: Actor, day: date, rows: list[tuple[str, int | None, int | None]]
) -> PrintJobView:
    """Queue the Z report of ``day`` (label, amount, count rows) for the printer."""
    with uow.read() as session:
        settings = load_shop_settings(session)
    receipt = Receipt(
        kind=ReceiptKind.DAY_CLOSE,
        number=day.strftime("%Y%m%d"),
        issued_at=utc_now(),
        timezone=settings.timezone,
        language=settings.locale,
        currency=settings.currency,
        shop=_shop(settings),
        cashier=actor.name,
        summary=tuple(SummaryRow(label, amount, count) for label, amount, count in rows),
    )
    return printing.enqueue_receipt(uow, actor, receipt, open_drawer=False)
