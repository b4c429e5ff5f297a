"""Receipts from what is stored: a paid sale (or a top-up, a gift card) as the printer's
read model.

Checkout queues ``sale_receipt`` with ``printing.enqueue_receipt`` right after a sale is
paid (in the same transaction, so the receipt is never lost); ``salon printer receipt``
and the job list print it again later.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from salon_tui.data.models import Payment, Sale, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import _
from salon_tui.printing.layout import labels_for
from salon_tui.printing.receipt import Payment as ReceiptPayment
from salon_tui.printing.receipt import Receipt, ReceiptKind, ReceiptLine, ShopLines
from salon_tui.services.permissions import require
from salon_tui.services.sales import build_cart_view
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.tenders import load_tenders


def _find_sale(session: Session, number: str) -> Sale:
    text = number.strip()
    sale = session.exec(select(Sale).where(col(Sale.number) == text)).first()
    if sale is None and text.isdigit():
        sale = session.get(Sale, int(text))
    if sale is None:
        raise NotFound(_("There is no sale numbered {number}.").format(number=text))
    return sale


def receipt_by_number(uow: UnitOfWork, actor: Actor, number: str) -> Receipt:
    """The receipt a number names: a top-up or its undoing (``T000123``), a gift card
    (``G000045``), otherwise a paid sale (by its number, or its id)."""
    require(actor, "printer.print")
    from salon_tui.services.prepaid_receipts import receipt_for_number

    with uow.read() as session:
        receipt = receipt_for_number(session, number)
    return receipt if receipt is not None else sale_receipt(uow, actor, number)


def sale_receipt(uow: UnitOfWork, actor: Actor, number: str) -> Receipt:
    """The receipt of a paid sale (by its number, or its id), in the shop's language."""
    require(actor, "printer.print")
    with uow.read() as session:
        sale = _find_sale(session, number)
        if sale.number is None or sale.paid_at is None:
            raise Conflict(
                _("Sale #{id} is not paid, so it has no receipt yet.").format(id=sale.id)
            )
        shop = load_shop_settings(session)
        cart = build_cart_view(session, sale)
        payments = session.exec(
            select(Payment)
            .where(col(Payment.sale_id) == sale.id, col(Payment.refund_id).is_(None))
            .order_by(col(Payment.id))
        ).all()
        cashier = session.get(Staff, sale.paid_by) if sale.paid_by is not None else None
    cash = [payment for payment in payments if payment.tender == "cash" and payment.tendered_cents]
    notes: tuple[str, ...] = ()
    if sale.member_label:
        notes = (f"{labels_for(shop.locale)['member']}: {sale.member_label}",)
    return Receipt(
        kind=ReceiptKind.SALE,
        number=sale.number,
        issued_at=sale.paid_at,
        timezone=shop.timezone,
        language=shop.locale,
        currency=shop.currency,
        shop=ShopLines(shop.name, shop.address, shop.phone),
        cashier=cashier.name if cashier is not None else "",
        lines=tuple(
            ReceiptLine(
                description=line.description,
                quantity=line.qty,
                unit_price_cents=line.unit_cents,
                amount_cents=line.net_cents,
                stylist=", ".join(person.name for person in line.staff),
                discount_cents=line.discount_cents,
                discount_source=", ".join(
                    adjustment.label for adjustment in line.adjustments if adjustment.amount_cents
                ),
            )
            for line in cart.lines
        ),
        subtotal_cents=sale.subtotal_cents,
        discount_cents=sale.discount_cents,
        rounding_cents=sale.rounding_cents,
        tip_cents=sale.tips_cents,
        total_cents=sale.total_cents,
        payments=tuple(
            ReceiptPayment(
                payment.tender,
                payment.amount_cents,
                detail=payment.reference,
                label=_(load_tenders()[payment.tender].tender.label)
                if payment.tender in load_tenders()
                else "",
            )
            for payment in payments
        ),
        tendered_cents=sum(payment.tendered_cents for payment in cash) if cash else None,
        change_cents=sum(payment.change_cents for payment in cash) if cash else None,
        notes=notes,
        qr_data=sale.number,
        footer=shop.receipt_footer,
    )
