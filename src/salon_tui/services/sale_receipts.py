"""Receipts for sales, refunds and the day close, queued for the printer.

A receipt is built from what was stored and queued inside the same transaction as the
sale or refund (commit first, print after: a printer that is off never undoes a sale;
the print worker sends it when it can). Reprints re-queue the stored sale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Card,
    Member,
    MemberLevel,
    Payment,
    Refund,
    RefundLine,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleLineStaff,
    Staff,
)
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.domain.members import calling_code, local_phone, mask_phone
from salon_tui.domain.pricing import ADJUSTMENT_LABELS, AdjustmentSource
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import _, gettext_in
from salon_tui.printing.layout import labels_for
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

if TYPE_CHECKING:
    from salon_tui.services.reports import ReportStore
from salon_tui.services.printing import PrintJobView
from salon_tui.services.settings import ShopSettings, load_shop_settings
from salon_tui.services.stores import receipt_settings

_METHODS = {method.value for method in PaymentMethod}

# Areas fill in the member block of a sale's receipt (stored value before → after, uses
# left, points): (session, sale, statement) → the statement with their part.
MemberBlock = Callable[[Session, StoredSale, MemberStatement], MemberStatement]
MEMBER_BLOCKS: list[MemberBlock] = []


def _masked_card(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else number


def masked_identity(session: Session, member: Member) -> tuple[str, str]:
    """The member's active card and phone as receipts print them (``6288********1234``,
    ``138****8000``: the shop's own numbers without the country code)."""
    from salon_tui.services.members import shop_region

    card = session.exec(
        select(Card.number).where(col(Card.member_id) == member.id, col(Card.status) == "active")
    ).first()
    phone = local_phone(member.phone, calling_code(shop_region(session))) if member.phone else ""
    return _masked_card(card or ""), mask_phone(phone) if phone else ""


def member_statement(session: Session, sale: StoredSale) -> MemberStatement | None:
    """The member block of a sale's receipt, or None for a walk-in."""
    if sale.member_id is None:
        return None
    from salon_tui.services.area_hooks import load_area_hooks

    member = session.get(Member, sale.member_id)
    if member is None:
        return None
    level = session.get(MemberLevel, member.level_id) if member.level_id else None
    card, phone = masked_identity(session, member)
    statement = MemberStatement(
        name=member.name, card_masked=card, phone_masked=phone, level=level.name if level else ""
    )
    load_area_hooks()
    for block in MEMBER_BLOCKS:
        statement = block(session, sale, statement)
    return statement


def _shop(settings: ShopSettings) -> ShopLines:
    return ShopLines(settings.name, settings.address, settings.phone)


class PaidTender(Protocol):
    """What a receipt prints of one payment: a stored ``Payment`` row, or the parts of
    a payment just taken."""

    @property
    def tender(self) -> str: ...
    @property
    def amount_cents(self) -> int: ...
    @property
    def tendered_cents(self) -> int: ...
    @property
    def change_cents(self) -> int: ...
    @property
    def reference(self) -> str: ...


def _payments(rows: Sequence[PaidTender], sign: int, language: str) -> tuple[ReceiptPayment, ...]:
    """Each payment under its own method: the layout names the common ones in the
    receipt's language; any other tender (a booking deposit …) prints its own label,
    and only real cash counts as cash (for the drawer)."""
    from salon_tui.services.tenders import load_tenders

    tenders = load_tenders()
    return tuple(
        ReceiptPayment(
            row.tender,
            sign * row.amount_cents,
            row.reference,
            label=gettext_in(language, tenders[row.tender].tender.label)
            if row.tender in tenders and row.tender not in _METHODS
            else "",
        )
        for row in rows
    )


def discount_sources(session: Session, line_ids: Sequence[int], language: str) -> dict[int, str]:
    """Where each line's discount came from, in the receipt's language: "会员等级 金卡 9折",
    or the sources joined when several took something off."""
    return describe_discount_sources(
        session.exec(
            select(SaleAdjustment.line_id, SaleAdjustment.source, SaleAdjustment.explanation)
            .where(
                col(SaleAdjustment.line_id).in_(list(line_ids)),
                col(SaleAdjustment.amount_cents) != 0,
            )
            .order_by(col(SaleAdjustment.id))
        ),
        language,
    )


def describe_discount_sources(
    adjustments: Iterable[tuple[int, str, str]], language: str
) -> dict[int, str]:
    """``discount_sources`` from (line id, source, explanation) of the adjustments that
    took something off, in the order they were stored."""
    found: dict[int, list[tuple[str, str]]] = {}
    for line_id, source, explanation in adjustments:
        try:
            label = gettext_in(language, ADJUSTMENT_LABELS[AdjustmentSource(source)])
        except ValueError:
            label = source
        found.setdefault(int(line_id), []).append((label, explanation))
    sources: dict[int, str] = {}
    for line_id, parts in found.items():
        if len(parts) == 1:
            label, explanation = parts[0]
            sources[line_id] = f"{label} {explanation}".strip()
        else:
            sources[line_id] = " + ".join(dict.fromkeys(label for label, _explanation in parts))
    return sources


def _next_booking_text(session: Session, sale: StoredSale, settings: ShopSettings) -> str:
    if sale.member_id is None or sale.paid_at is None:
        return ""
    from salon_tui.services.checkout_member import next_booking

    booking = next_booking(session, sale.member_id, after=sale.paid_at)
    if booking is None:
        return ""
    when = shop_time(booking.starts_at, settings.timezone).strftime("%m-%d %H:%M")
    return f"{when} {booking.services}"


def build_sale_receipt(
    session: Session,
    settings: ShopSettings,
    sale: StoredSale,
    lines: Sequence[StoredLine],
    payments: Sequence[PaidTender],
    cashier: str,
    *,
    stylists: dict[int, list[str]] | None = None,
    adjustments: Iterable[tuple[int, str, str]] | None = None,
) -> Receipt:
    """A paid sale's receipt from its rows: the one builder for the receipt printed when
    the sale is paid, its reprints and ``salon printer receipt`` (so they all agree).
    In a chain, the sale's store heads it. The paying transaction gives what it holds
    already: who did each line (``stylists``) and the (line id, source, explanation) of
    the ``adjustments`` that took something off; a reprint reads them."""
    assert sale.number is not None and sale.paid_at is not None
    settings = receipt_settings(session, settings, sale.store_id)
    line_ids = [line.id for line in lines if line.id is not None]
    if stylists is None:
        stylists = stylists_by_line(session, line_ids)
    sources = (
        discount_sources(session, line_ids, settings.locale)
        if adjustments is None
        else describe_discount_sources(adjustments, settings.locale)
    )
    member = member_statement(session, sale)
    cash = [p for p in payments if p.tender == "cash"]
    notes: tuple[str, ...] = ()
    if member is None and sale.member_label:
        notes = (f"{labels_for(settings.locale)['member']}: {sale.member_label}",)
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
                discount_source=sources.get(line.id or 0, ""),
            )
            for line in lines
        ),
        subtotal_cents=sale.subtotal_cents,
        discount_cents=sale.discount_cents,
        rounding_cents=sale.rounding_cents,
        total_cents=sale.total_cents,
        tip_cents=sale.tips_cents,
        payments=_payments(payments, 1, settings.locale),
        tendered_cents=sum(p.tendered_cents for p in cash) if cash else None,
        change_cents=sum(p.change_cents for p in cash) if cash else None,
        member=member,
        next_booking=_next_booking_text(session, sale, settings),
        notes=notes,
        qr_data=sale.number,
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


def paid_sale(session: Session, sale: Sale | None, named: str) -> Sale:
    """``sale`` when it is paid; refuses a missing or unpaid one, naming it."""
    if sale is None:
        raise NotFound(_("There is no sale numbered {number}.").format(number=named))
    if sale.number is None or sale.paid_at is None:
        raise Conflict(_("Sale #{id} is not paid, so it has no receipt yet.").format(id=sale.id))
    return sale


def sale_receipt(session: Session, sale_id: int) -> Receipt:
    """The receipt of a paid sale, from what is stored (for a reprint)."""
    settings = load_shop_settings(session)
    sale = paid_sale(session, session.get(Sale, sale_id), f"#{sale_id}")
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
        session, settings, sale, lines, payments, cashier.name if cashier else ""
    )


def refund_receipt(session: Session, refund_id: int) -> Receipt:
    settings = load_shop_settings(session)
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise NotFound(_("There is no refund #{id}.").format(id=refund_id))
    settings = receipt_settings(session, settings, refund.store_id)
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
        payments=_payments(payments, -1, settings.locale),
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


def print_day_close(
    uow: UnitOfWork, actor: Actor, day: date, store: ReportStore | None = None
) -> PrintJobView:
    """Queue the Z report of ``day`` (in ``store``, every store when None) for the printer,
    wholly in the shop's receipt language, as a sale's receipt is: its lines, headings and
    methods as well as its header and total, whatever language the screen speaks."""
    from salon_tui.domain.periods import Period
    from salon_tui.i18n import speaking
    from salon_tui.services import reports
    from salon_tui.services.sales_reports import z_report_net_takings, z_report_print_rows

    with uow.read() as session:
        language = load_shop_settings(session).locale
    with speaking(language):
        result = reports.run_report(
            uow, actor, "daily", reports.ReportRequest(Period(day, day), store=store)
        )
        rows = z_report_print_rows(result)
    return queue_day_close(uow, actor, day, rows, z_report_net_takings(result))


def queue_day_close(
    uow: UnitOfWork,
    actor: Actor,
    day: date,
    rows: list[tuple[str, int | None, int | None]],
    total_cents: int = 0,
) -> PrintJobView:
    """Queue the Z report of ``day`` (label, amount, count rows) for the printer, ending
    with ``total_cents`` (the day's net takings)."""
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
        total_cents=total_cents,
    )
    return printing.enqueue_receipt(uow, actor, receipt, open_drawer=False)
