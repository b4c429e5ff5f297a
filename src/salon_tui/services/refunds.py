"""Refunds, whole or by line: never more than was sold, never twice, exact to the fen.

A refund gives back each line's charged amount in proportion to the units returned
(the last unit takes what is left, so a line refunded in pieces gives back exactly
its net amount), reverses the commission on those units, puts stock back, and pays
out by the tenders the manager picks (by default the ones the client paid with).
Tips go back with the refund that returns the last line. A refund is dated today:
one made after the sale's day was closed counts on today's report, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Payment, Refund, RefundLine, Sale, SaleLine
from salon_tui.data.sequences import next_number
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.money import allocate
from salon_tui.domain.pricing import refund_amount
from salon_tui.domain.sales import MONEY_ONLY_KINDS, SaleStatus
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit, commission, drawer
from salon_tui.services.idempotency import run_once
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import SALE_REFUNDED, SaleRefunded, load_checkout_plugins
from salon_tui.services.sale_items import ON_RETURNED, ItemMovement, load_item_hooks
from salon_tui.services.sales import Approval, load_sale, sale_lines
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import terminal_store
from salon_tui.services.tenders import TenderUse, load_tenders

REFUND_ACTION = "sales.refund"


@dataclass(frozen=True)
class RefundableLine:
    line_id: int
    kind: str
    description: str
    qty: int
    refunded_qty: int
    net_cents: int
    refunded_cents: int

    @property
    def qty_left(self) -> int:
        return self.qty - self.refunded_qty


@dataclass(frozen=True)
class RefundPart:
    tender: str
    amount_cents: int
    reference: str


@dataclass(frozen=True)
class RefundDone:
    refund_id: int
    number: str
    sale_id: int
    sale_number: str
    business_day: date
    lines_cents: int
    tips_cents: int
    payments: tuple[RefundPart, ...]
    sale_fully_refunded: bool
    counted_on_another_day: bool

    @property
    def total_cents(self) -> int:
        return self.lines_cents + self.tips_cents


def refunded_qty_by_line(session: Session, line_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    if not line_ids:
        return {}
    rows = session.exec(
        select(
            RefundLine.sale_line_id,
            func.coalesce(func.sum(RefundLine.qty), 0),
            func.coalesce(func.sum(RefundLine.amount_cents), 0),
        )
        .where(col(RefundLine.sale_line_id).in_(line_ids))
        .group_by(col(RefundLine.sale_line_id))
    ).all()
    return {int(line_id): (int(qty), int(amount)) for line_id, qty, amount in rows}


def refundable_lines(session: Session, sale_id: int) -> list[RefundableLine]:
    lines = sale_lines(session, sale_id)
    done = refunded_qty_by_line(session, [line.id for line in lines if line.id is not None])
    return [
        RefundableLine(
            line_id=line.id or 0,
            kind=line.kind,
            description=line.description,
            qty=line.qty,
            refunded_qty=done.get(line.id or 0, (0, 0))[0],
            net_cents=line.net_cents,
            refunded_cents=done.get(line.id or 0, (0, 0))[1],
        )
        for line in lines
    ]


def paid_by_tender(session: Session, sale_id: int) -> dict[str, int]:
    """What is still refundable by each tender: paid minus refunded, in paying order."""
    rows = session.exec(
        select(Payment).where(col(Payment.sale_id) == sale_id).order_by(col(Payment.id))
    ).all()
    left: dict[str, int] = {}
    for row in rows:
        left[row.tender] = left.get(row.tender, 0) + row.amount_cents
    return left


def _encode(done: RefundDone) -> dict[str, Any]:
    return {
        **{k: v for k, v in done.__dict__.items() if k != "payments"},
        "business_day": done.business_day.isoformat(),
        "payments": [part.__dict__ for part in done.payments],
    }


def _decode(stored: dict[str, Any]) -> RefundDone:
    values = dict(stored)
    values["business_day"] = date.fromisoformat(values["business_day"])
    values["payments"] = tuple(RefundPart(**part) for part in values["payments"])
    return RefundDone(**values)


def _spread(total: int, left_by_tender: dict[str, int], codes: Sequence[str]) -> dict[str, int]:
    """``total`` over ``codes`` in proportion to what each may still give back (cash
    when none may)."""
    tenders = [code for code in codes if left_by_tender.get(code, 0) > 0]
    if not total:
        return {}
    if not tenders:
        return {"cash": total}
    shares = allocate(total, [left_by_tender[code] for code in tenders])
    return dict(zip(tenders, shares, strict=True))


def _choose_payouts(
    total: int,
    left_by_tender: dict[str, int],
    payments: Sequence[PaymentIn] | None,
    money_only_cents: int = 0,
    money_kept_cents: int = 0,
) -> list[RefundPart]:
    """How the refund goes out. ``money_only_cents`` (top-ups and gift cards refunded)
    never goes back to stored value, a gift card or points; by default the rest leaves
    ``money_kept_cents`` (the top-ups and gift cards still on the sale) in the money
    tenders, so refunding them later still finds it there."""
    prepaid = {code for code, registered in load_tenders().items() if registered.tender.is_prepaid}
    if payments is None:
        left = dict(left_by_tender)
        money_codes = [code for code in left if code not in prepaid]
        spread = _spread(money_only_cents, left, money_codes)
        for code, share in spread.items():
            left[code] = max(left.get(code, 0) - share, 0)
        for code, share in _spread(money_kept_cents, left, money_codes).items():
            left[code] = max(left.get(code, 0) - share, 0)
        for code, share in _spread(total - money_only_cents, left, list(left)).items():
            spread[code] = spread.get(code, 0) + share
        ordered = [code for code in left_by_tender if code in spread]
        ordered += [code for code in spread if code not in ordered]
        return [RefundPart(code, spread[code], "") for code in ordered if spread[code]]
    if money_only_cents and (
        sum(p.amount_cents for p in payments if p.tender in prepaid) > total - money_only_cents
    ):
        raise ValidationError(
            _(
                "A top-up or a gift card goes back as money, not to stored value, a gift "
                "card or points."
            ),
            field="tender",
        )
    parts = []
    for payment in payments:
        registered = load_tenders().get(payment.tender)
        if registered is None:
            raise ValidationError(
                _("Unknown way to pay {code!r}.").format(code=payment.tender), field="tender"
            )
        if payment.amount_cents <= 0:
            raise ValidationError(
                _("Each part of a refund must be more than zero."), field="amount"
            )
        if not registered.tender.is_cash:
            if not registered.tender.refundable:
                raise ValidationError(
                    _("{tender} cannot be refunded directly.").format(
                        tender=_(registered.tender.label)
                    )
                )
            if payment.amount_cents > left_by_tender.get(payment.tender, 0):
                raise ValidationError(
                    _("That is more back by {tender} than the client paid by it.").format(
                        tender=_(registered.tender.label)
                    ),
                    field="amount",
                )
        parts.append(
            RefundPart(payment.tender, payment.amount_cents, payment.reference.strip()[:80])
        )
    if sum(part.amount_cents for part in parts) != total:
        raise ValidationError(
            _("The refund payments must add up to the refund total."), field="amount"
        )
    return parts


def _plan(
    session: Session, sale_id: int, wanted: Mapping[int, int] | None
) -> tuple[list[tuple[SaleLine, int, int, int]], bool]:
    """The lines to refund (line, units, units refunded before, amount) and whether this
    refund returns the last of the sale."""
    by_id = {line.id: line for line in sale_lines(session, sale_id)}
    refundable = {item.line_id: item for item in refundable_lines(session, sale_id)}
    if wanted is None:
        wanted = {line_id: item.qty_left for line_id, item in refundable.items() if item.qty_left}
        if not wanted:
            raise Conflict(_("Everything on this sale was already refunded."))
    if not any(wanted.values()):
        raise ValidationError(_("Choose at least one line to refund."), field="lines")
    plan: list[tuple[SaleLine, int, int, int]] = []  # line, qty, before, amount
    for line_id, qty in wanted.items():
        if qty == 0:
            continue
        line = by_id.get(line_id)
        if line is None:
            raise NotFound(_("Line {id} is not on this sale.").format(id=line_id))
        item = refundable[line_id]
        if qty < 0 or qty > item.qty_left:
            raise Conflict(
                _("{item}: only {left} of {sold} can still be refunded.").format(
                    item=line.description, left=item.qty_left, sold=item.qty
                )
            )
        plan.append(
            (
                line,
                qty,
                item.refunded_qty,
                refund_amount(line.net_cents, line.qty, item.refunded_qty, qty),
            )
        )
    completes = all(
        item.qty_left == sum(qty for line, qty, _before, _amount in plan if line.id == line_id)
        for line_id, item in refundable.items()
    )
    return plan, completes


def refund_sale(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    *,
    key: str,
    reason: str,
    lines: Mapping[int, int] | None = None,
    payments: Sequence[PaymentIn] | None = None,
    to_tender: str | None = None,
    reference: str = "",
    approval: Approval | None = None,
) -> RefundDone:
    """Refund ``lines`` (line id → units; None = everything left) of a paid sale.

    The money goes back as ``payments`` say, or all by ``to_tender``, or by default in
    proportion to what the client paid by each tender.

    A manager refunds; someone at the desk does with a manager's ``approval`` (their PIN
    on the spot, ``approvals.approve``), and the audit names both.

    ``key`` is made when the refund dialog opens: pressing OK twice refunds once.
    """
    from salon_tui.services import approvals

    approvals.check_allowed(actor, REFUND_ACTION, approval)
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    if len(cleaned) > 200:
        raise ValidationError(_("That is too long: at most 200 characters."), field="reason")

    def body(session: Session) -> RefundDone:
        approved = approvals.approved_by(session, actor, REFUND_ACTION, approval)
        done = _refund(
            session,
            actor,
            sale_id,
            key,
            cleaned,
            lines,
            payments,
            to_tender,
            reference.strip(),
            approved,
        )
        from salon_tui.services.sale_receipts import queue_refund_receipt

        queue_refund_receipt(uow, actor, done.refund_id)
        return done

    return run_once(uow, key, REFUND_ACTION, body, _encode, _decode)


def _refund(
    session: Session,
    actor: Actor,
    sale_id: int,
    key: str,
    reason: str,
    wanted: Mapping[int, int] | None,
    payments: Sequence[PaymentIn] | None,
    to_tender: str | None,
    reference: str,
    approved: Mapping[str, Any],
) -> RefundDone:
    assert actor.staff_id is not None
    load_checkout_plugins()
    sale = load_sale(session, sale_id, lock=True)
    if sale.status == SaleStatus.REFUNDED:
        raise Conflict(_("Sale {number} was already refunded in full.").format(number=sale.number))
    if sale.status != SaleStatus.PAID:
        raise Conflict(_("Only a paid sale can be refunded."))
    plan, completes = _plan(session, sale_id, wanted)
    lines_cents = sum(amount for _line, _qty, _before, amount in plan)
    tips_cents = sale.tips_cents if completes else 0
    total = lines_cents + tips_cents
    if to_tender is not None:
        payments = [PaymentIn(to_tender, total, reference=reference)] if total else []
    left_by_tender = paid_by_tender(session, sale_id)
    money_only = sum(
        amount for line, _qty, _before, amount in plan if line.kind in MONEY_ONLY_KINDS
    )
    money_kept = (
        sum(
            item.net_cents - item.refunded_cents
            for item in refundable_lines(session, sale_id)
            if item.kind in MONEY_ONLY_KINDS
        )
        - money_only
    )
    payouts = _choose_payouts(total, left_by_tender, payments, money_only, money_kept)

    now = utc_now()
    day = business_date(now, load_shop_settings(session).timezone)
    store = terminal_store(session)
    sequence = next_number(session, store.series("refund"), day)
    number = store.number(day, sequence, prefix="R")
    refund = Refund(
        idempotency_key=key,
        number=number,
        store_id=store.id,
        business_day=day,
        day_seq=sequence,
        sale_id=sale_id,
        amount_cents=lines_cents,
        tips_cents=tips_cents,
        reason=reason,
        refunded_by=actor.staff_id,
        refunded_at=now,
    )
    session.add(refund)
    session.flush()
    assert refund.id is not None

    load_item_hooks()
    for line, qty, before, amount in plan:
        assert line.id is not None
        session.add(
            RefundLine(refund_id=refund.id, sale_line_id=line.id, qty=qty, amount_cents=amount)
        )
        commission.reverse_for_refund(session, refund.id, line, qty, before, day)
        hook = ON_RETURNED.get(line.kind)
        if hook is not None:
            hook(
                session,
                actor,
                ItemMovement(sale_id, refund.id, line.id, line.item_id, qty, line.description),
            )

    cash_drawer_id: int | None = None
    for part in payouts:
        registered = load_tenders()[part.tender]
        drawer_id = None
        if registered.tender.is_cash:
            cash_drawer_id = cash_drawer_id or drawer.require_open_id(session)
            drawer_id = cash_drawer_id
            drawer.add_movement(
                session,
                drawer_id,
                actor,
                "refund",
                -part.amount_cents,
                sale_id=sale_id,
                refund_id=refund.id,
            )
        if registered.give_back is not None:
            registered.give_back(
                session,
                actor,
                TenderUse(sale_id, refund.id, sale.member_id, part.amount_cents, part.reference),
            )
        session.add(
            Payment(
                sale_id=sale_id,
                refund_id=refund.id,
                store_id=store.id,
                business_day=day,
                tender=part.tender,
                amount_cents=-part.amount_cents,
                reference=part.reference,
                drawer_session_id=drawer_id,
                paid_at=now,
            )
        )
    if completes:
        sale.status = SaleStatus.REFUNDED.value
        session.add(sale)
    session.flush()
    refunded = SaleRefunded(
        sale, refund, [(line, qty, amount) for line, qty, _before, amount in plan], completes
    )
    for refund_hook in SALE_REFUNDED:
        refund_hook(session, actor, refunded)
    done = RefundDone(
        refund_id=refund.id,
        number=number,
        sale_id=sale_id,
        sale_number=sale.number or "",
        business_day=day,
        lines_cents=lines_cents,
        tips_cents=tips_cents,
        payments=tuple(payouts),
        sale_fully_refunded=completes,
        counted_on_another_day=sale.business_day != day,
    )
    audit.record(
        session,
        actor,
        REFUND_ACTION,
        "sale",
        sale_id,
        after={
            "refund": number,
            "sale": sale.number,
            "reason": reason,
            "lines": [
                {"line_id": line.id, "qty": qty, "amount_cents": amount}
                for line, qty, _before, amount in plan
            ],
            "tips_cents": tips_cents,
            "payments": [part.__dict__ for part in payouts],
            **approved,
        },
    )
    return done


def refund_options(
    uow: UnitOfWork, actor: Actor, sale_id: int
) -> tuple[list[RefundableLine], dict[str, int]]:
    """What can still be refunded on a sale: its lines, and what each tender may take back."""
    require(actor, "sales.view")
    with uow.read() as session:
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound(_("There is no sale #{id}.").format(id=sale_id))
        return refundable_lines(session, sale_id), paid_by_tender(session, sale_id)
