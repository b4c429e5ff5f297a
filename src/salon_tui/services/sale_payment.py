"""Paying a sale: one transaction, once per sale, whatever happens.

``pay_sale`` prices the cart again, checks the split payment, and writes in ONE
transaction: the sale's number (gap-free per business day), the fixed line amounts and
every discount with its source, the payments, the cash drawer movement, balance
movements of other tenders, commissions, stock, and the audit entry. It runs under the
sale's idempotency key (made when the sale opened): a second Enter, a retry after a
crash, or another terminal paying the same sale gets the first result back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from salon_tui.data.bulk import insert_dicts, update_row, update_rows
from salon_tui.data.models import Payment, Sale, SaleAdjustment, SaleLine
from salon_tui.data.moment import fix_now
from salon_tui.data.sale_rows import LineRow, StoredLine, line_rows, sale_row
from salon_tui.data.sequences import next_number
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date
from salon_tui.domain.money import Rounding, RoundingMode, format_money
from salon_tui.domain.pricing import MANUAL_SOURCES
from salon_tui.domain.sales import LineKind, SaleStatus, is_card_sale
from salon_tui.domain.tenders import PaymentIn, PaymentProblem, settle
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _, current_locale
from salon_tui.printing.receipt import Receipt
from salon_tui.services import audit, commission, drawer, sale_cards
from salon_tui.services.idempotency import run_once
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import SALE_PAID, SalePaid
from salon_tui.services.sale_items import ON_SOLD, ItemMovement, load_item_hooks
from salon_tui.services.sale_receipts import build_sale_receipt
from salon_tui.services.sales import (
    LineShare,
    line_shares,
    load_sale,
    price_sale,
    sale_tips,
)
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import terminal_store
from salon_tui.services.tenders import TENDERS, TenderUse, tender_table

PAY_ACTION = "sales.pay"


@dataclass(frozen=True)
class PaidPart:
    tender: str
    amount_cents: int
    tendered_cents: int
    change_cents: int
    reference: str


@dataclass(frozen=True)
class PaidSale:
    sale_id: int
    number: str
    business_day: date
    total_cents: int
    payments: tuple[PaidPart, ...]
    commission_cents: int

    @property
    def change_cents(self) -> int:
        return sum(part.change_cents for part in self.payments)

    @property
    def opens_drawer(self) -> bool:
        return any(TENDERS[p.tender].tender.is_cash for p in self.payments if p.tender in TENDERS)


def _encode(paid: PaidSale) -> dict[str, Any]:
    return {
        "sale_id": paid.sale_id,
        "number": paid.number,
        "business_day": paid.business_day.isoformat(),
        "total_cents": paid.total_cents,
        "commission_cents": paid.commission_cents,
        "payments": [part.__dict__ for part in paid.payments],
    }


def _decode(stored: dict[str, Any]) -> PaidSale:
    return PaidSale(
        sale_id=int(stored["sale_id"]),
        number=str(stored["number"]),
        business_day=date.fromisoformat(stored["business_day"]),
        total_cents=int(stored["total_cents"]),
        commission_cents=int(stored["commission_cents"]),
        payments=tuple(PaidPart(**part) for part in stored["payments"]),
    )


def _check_lines_ready(lines: Sequence[StoredLine], shares: Sequence[LineShare]) -> None:
    if not lines:
        raise ValidationError(_("The cart is empty: add a service or a product first."))
    staffed = {share.line_id for share in shares}
    for line in lines:
        if line.kind == LineKind.SERVICE and line.id not in staffed:
            raise ValidationError(
                _("Choose who did {service} before paying.").format(service=line.description),
                field="staff",
            )


def pay_sale(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    payments: Sequence[PaymentIn],
    *,
    key: str | None = None,
    print_receipt: bool = True,
    expected_total_cents: int | None = None,
) -> PaidSale:
    """Take payment for an open sale and commit everything it touches at once, the
    receipt's print job included (it prints after the commit). ``key`` is the sale's
    idempotency key from its ``CartView`` (read from the sale when not given).
    ``expected_total_cents`` is the total the cashier saw: when pricing now gives
    another (a package use or a coupon taken meanwhile at another terminal), nothing
    is charged and the cashier is told to look again."""
    require(actor, "sales.sell")
    if key is None:
        with uow.read() as session:
            key = load_sale(session, sale_id).idempotency_key

    def body(session: Session) -> PaidSale:
        try:
            paid, receipt = _pay(session, actor, sale_id, payments, key, expected_total_cents)
            if print_receipt:
                from salon_tui.services.printing import enqueue_receipt

                enqueue_receipt(uow, actor, receipt)
                sale_cards.queue_card_receipts(uow, actor, session)
        finally:
            sale_cards.forget_card_receipts(session)
        return paid

    return run_once(uow, key, PAY_ACTION, body, _encode, _decode)


def _pay(
    session: Session,
    actor: Actor,
    sale_id: int,
    payments: Sequence[PaymentIn],
    key: str,
    expected_total_cents: int | None = None,
) -> tuple[PaidSale, Receipt]:
    assert actor.staff_id is not None
    # Plain rows: the sale and its lines are read on every payment and changed only by
    # the UPDATEs below (``update_rows``), never as objects of the session.
    sale = sale_row(session, sale_id, lock=True)
    if sale is None:
        raise NotFound(_("There is no sale #{id}.").format(id=sale_id))
    if sale.idempotency_key != key:
        raise Conflict(_("That payment key belongs to another sale; nothing was charged."))
    if sale.status == SaleStatus.PARKED:
        raise Conflict(_("This sale is parked; resume it before paying."))
    if sale.status != SaleStatus.OPEN:
        raise Conflict(_("This sale is no longer open; it cannot be paid."))
    lines = line_rows(session, sale_id)
    # For the check, the commissions and the receipt.
    shares = line_shares(session, sale_id)
    _check_lines_ready(lines, shares)
    sells_cards = any(is_card_sale(line.kind) for line in lines)
    if sells_cards:
        sale_cards.check_card_lines(sale, lines)
    settings = load_shop_settings(session)
    priced = price_sale(
        session,
        sale,
        lines,
        Rounding(settings.rounding_unit_minor, RoundingMode(settings.rounding_mode)),
    )
    tips = sale_tips(session, sale_id)
    tips_cents = sum(tip.amount_cents for tip in tips)
    total = priced.goods_total_cents + tips_cents
    if expected_total_cents is not None and total != expected_total_cents:
        raise Conflict(
            _(
                "The total changed since the cart was shown (a package use, a coupon or "
                "a price changed meanwhile). Check the cart and pay again."
            )
        )
    tenders = tender_table()
    try:
        settled = settle(total, payments, tenders)
    except PaymentProblem as problem:
        raise ValidationError(str(problem), field=problem.field) from None
    if sells_cards:
        sale_cards.refuse_prepaid_for_money_only(
            sale_cards.money_only_cents(lines, {p.key: p.net_cents for p in priced.lines}),
            total,
            sum(part.amount_cents for part in settled if tenders[part.tender].is_prepaid),
            lambda cents: format_money(cents, settings.currency, current_locale()),
        )

    now = fix_now(session)
    day = business_date(now, settings.timezone)
    store = terminal_store(session)
    sequence = next_number(session, store.series("sale"), day)
    number = store.number(day, sequence)
    if sells_cards:  # the card economy's entries name the sale they were sold on
        update_row(session, Sale, sale, number=number)

    adjustments: list[dict[str, Any]] = []
    fixed_lines: list[tuple[LineRow, dict[str, Any]]] = []
    for line in lines:
        assert line.id is not None
        priced_line = priced.line(line.id)
        fixed_lines.append(
            (
                line,
                {
                    "gross_cents": priced_line.gross_cents,
                    "discount_cents": priced_line.discount_cents,
                    "net_cents": priced_line.net_cents,
                },
            )
        )
        adjustments.extend(
            {
                "line_id": line.id,
                "source": adjustment.source.value,
                "amount_cents": adjustment.amount_cents,
                "explanation": adjustment.explanation[:200],
                "reason": adjustment.reason[:200],
                "approved_by": adjustment.approved_by,
            }
            for adjustment in priced_line.adjustments
        )
    update_rows(session, SaleLine, fixed_lines)
    insert_dicts(session, SaleAdjustment, adjustments)
    manual_cents = sum(
        adjustment.amount_cents
        for line in lines
        for adjustment in priced.line(line.id or 0).adjustments
        if adjustment.source.value in MANUAL_SOURCES
    )

    cash_drawer_id: int | None = None
    payment_values: list[dict[str, Any]] = []
    for part in settled:
        registered = TENDERS[part.tender]
        drawer_id = None
        if registered.tender.is_cash:
            cash_drawer_id = cash_drawer_id or drawer.require_open_id(session)
            drawer_id = cash_drawer_id
            drawer.add_movement(
                session, drawer_id, actor, "sale", part.amount_cents, sale_id=sale_id
            )
        if registered.take is not None:
            registered.take(
                session,
                actor,
                TenderUse(sale_id, None, sale.member_id, part.amount_cents, part.reference),
            )
        payment_values.append(
            {
                "sale_id": sale_id,
                "store_id": store.id,
                "business_day": day,
                "tender": part.tender,
                "amount_cents": part.amount_cents,
                "tendered_cents": part.tendered_cents,
                "change_cents": part.change_cents,
                "reference": part.reference,
                "drawer_session_id": drawer_id,
                "paid_at": now,
            }
        )
    insert_dicts(session, Payment, payment_values)

    load_item_hooks()
    for line in lines:
        hook = ON_SOLD.get(line.kind)
        if hook is not None:
            assert line.id is not None
            hook(
                session,
                actor,
                ItemMovement(sale_id, None, line.id, line.item_id, line.qty, line.description),
            )

    commission_cents = commission.fix_for_sale(session, sale, lines, day, shares)
    if sale.member_id is not None:
        from salon_tui.services.members import touch_last_seen

        touch_last_seen(session, sale.member_id, now)

    update_row(
        session,
        Sale,
        sale,
        status=SaleStatus.PAID.value,
        store_id=store.id,
        number=number,
        business_day=day,
        day_seq=sequence,
        subtotal_cents=priced.subtotal_cents,
        discount_cents=priced.discount_cents,
        rounding_cents=priced.rounding_cents,
        tips_cents=tips_cents,
        total_cents=total,
        paid_by=actor.staff_id,
        paid_at=now,
        closed_at=now,
    )
    session.flush()  # what the tenders and hooks above changed as objects
    for paid_hook in SALE_PAID:
        paid_hook(session, actor, SalePaid(sale, lines, day))
    paid = PaidSale(
        sale_id=sale_id,
        number=number,
        business_day=day,
        total_cents=total,
        payments=tuple(
            PaidPart(p.tender, p.amount_cents, p.tendered_cents, p.change_cents, p.reference)
            for p in settled
        ),
        commission_cents=commission_cents,
    )
    audit.record(
        session,
        actor,
        PAY_ACTION,
        "sale",
        sale_id,
        after={
            "number": number,
            "member_id": sale.member_id,
            "subtotal_cents": priced.subtotal_cents,
            "total_cents": total,
            "discount_cents": priced.discount_cents,
            "manual_discount_cents": abs(manual_cents),
            "rounding_cents": priced.rounding_cents,
            "tips_cents": tips_cents,
            "lines": [
                {"description": line.description, "qty": line.qty, "net_cents": line.net_cents}
                for line in lines
            ],
            "payments": [{"tender": p.tender, "amount_cents": p.amount_cents} for p in settled],
        },
    )
    stylists: dict[int, list[str]] = {}
    for share in shares:
        stylists.setdefault(share.line_id, []).append(share.name)
    receipt = build_sale_receipt(
        session,
        settings,
        sale,
        lines,
        settled,
        actor.name,
        stylists=stylists,
        adjustments=[
            (row["line_id"], row["source"], row["explanation"])
            for row in adjustments
            if row["amount_cents"] != 0
        ],
    )
    return paid, receipt
