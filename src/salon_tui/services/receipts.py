"""The receipt a number names, for ``salon printer receipt``: a top-up (``T…``), a gift
card (``G…``) or a paid sale. A sale's receipt comes from ``sale_receipts``, the same
builder checkout prints with when the sale is paid, so every print of it agrees.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from salon_tui.data.models import Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import NotFound
from salon_tui.i18n import _
from salon_tui.printing.receipt import Receipt
from salon_tui.services import sale_receipts
from salon_tui.services.permissions import require


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
    """The receipt of a paid sale (by its number, or its id), as it printed when paid."""
    require(actor, "printer.print")
    with uow.read() as session:
        sale = sale_receipts.paid_sale(session, _find_sale(session, number), number.strip())
        assert sale.id is not None
        return sale_receipts.sale_receipt(session, sale.id)
