"""Loyalty at checkout: coupons on the cart, gift cards and points as ways to pay,
points earned when a sale is paid, a referrer rewarded on a newcomer's first sale,
and all of it undone by a refund.

Imported by ``sale_hooks.load_checkout_plugins``; everything here runs inside the
cart's, the payment's or the refund's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, or_, update
from sqlmodel import Session, col, func, select

from salon_tui.data import direct
from salon_tui.data.models import (
    Coupon,
    CouponTemplate,
    Member,
    Payment,
    PointsEntry,
    Sale,
    SaleAdjustment,
    SaleCoupon,
)
from salon_tui.data.moment import TRANSACTION_KEYS
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.coupons import (
    CartLine,
    CouponState,
    CouponTerms,
    explain_refusal,
    line_discounts,
    refusal,
)
from salon_tui.domain.points import (
    EntryKind,
    expiry_date,
    points_earned,
    points_for_cents,
)
from salon_tui.domain.pricing import AdjustmentSource, LineDiscount, pro_rata
from salon_tui.domain.sales import is_card_sale
from salon_tui.domain.tenders import Tender
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit, coupons, gift_cards, points, sale_receipts
from salon_tui.services.members import shop_today
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import SALE_PAID, SALE_REFUNDED, SalePaid, SaleRefunded
from salon_tui.services.sales import PRICE_RULES, CartView, build_cart_view, load_sale, sale_lines
from salon_tui.services.tenders import TenderUse, register_tender

GIFT_CARD = Tender(
    "gift_card",
    N_("Gift card"),
    needs_reference=True,
    reference_label=N_("Gift card code (scan or type)"),
    is_prepaid=True,
)
POINTS = Tender("points", N_("Points"), needs_member=True, is_prepaid=True)


@dataclass(frozen=True)
class CouponOnSale:
    coupon_id: int
    code: str
    name: str
    description: str
    applies: bool
    reason: str  # why it gives nothing now ("" when it applies)


# --- coupons on the cart ---------------------------------------------------------------


def _cart_lines(session: Session, sale: StoredSale, lines: Sequence[StoredLine]) -> list[CartLine]:
    """The cart as coupons see it: what the member pays for. Units a package use covers
    are left out (a 满减 threshold counts what is paid, an amount off is not spread onto
    a line the package already pays, a free item is never one the package covers)."""
    from salon_tui.services.package_checkout import allocate

    covered = {line_id: use.uses for line_id, use in allocate(session, sale, lines).uses.items()}
    cart = []
    for line in lines:
        qty = line.qty - covered.get(line.id or 0, 0)
        if qty > 0:
            cart.append(
                CartLine(
                    line.id or 0, line.kind, line.item_code, line.category, qty, line.unit_cents
                )
            )
    return cart


# Priced on every cart change (built once: see services/sales.py).
_APPLIED = (
    select(Coupon, CouponTemplate)
    .join(SaleCoupon, col(SaleCoupon.coupon_id) == col(Coupon.id))
    .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
    .where(col(SaleCoupon.sale_id) == bindparam("sale_id"))
    .order_by(col(SaleCoupon.id))
)


# Most sales carry no coupon: a plain look first, and objects only when there are some.
_ANY_APPLIED = select(SaleCoupon.id).where(col(SaleCoupon.sale_id) == bindparam("sale_id")).limit(1)


# The sales this transaction found without a coupon: a payment prices the sale and then
# marks its coupons used, and the second look would only find none again. Adding a coupon
# (``apply_coupon``, the one place a sale gets one) forgets the sale. A session's info
# lives for one transaction.
_NO_COUPONS = "salon.sales_without_coupons"
TRANSACTION_KEYS.add(_NO_COUPONS)


def _applied(session: Session, sale_id: int) -> list[tuple[Coupon, CouponTemplate]]:
    without: set[int] | None = session.info.get(_NO_COUPONS)
    if without is not None and sale_id in without:
        return []
    if direct.run(session, _ANY_APPLIED, {"sale_id": sale_id}).first() is None:
        session.info.setdefault(_NO_COUPONS, set()).add(sale_id)
        return []
    rows = session.exec(_APPLIED, params={"sale_id": sale_id}).all()
    return [(coupon, template) for coupon, template in rows]


def _explanation(coupon: Coupon, template: CouponTemplate) -> str:
    return f"{template.name} · {coupon.code}"


def _judge(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
) -> list[tuple[Coupon, CouponTemplate, str | None]]:
    """Each coupon on the sale with why it gives nothing now (None when it applies)."""
    applied = _applied(session, sale.id or 0)
    if not applied:
        return []
    cart = _cart_lines(session, sale, lines)
    today = shop_today(session)
    accepted: list[CouponTerms] = []
    judged: list[tuple[Coupon, CouponTemplate, str | None]] = []
    for coupon, template in applied:
        terms = coupons.terms_of(coupon, template)
        reason = refusal(
            terms, member_id=sale.member_id, lines=cart, today=today, others_on_sale=accepted
        )
        if reason is None:
            accepted.append(terms)
            judged.append((coupon, template, None))
        else:
            money = coupons._money_of(session)(template.min_spend_cents)
            judged.append((coupon, template, explain_refusal(reason, terms, money)))
    return judged


def coupon_discounts(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
) -> dict[int, list[LineDiscount]]:
    """The price rule: what each coupon on the sale takes off each line."""
    found: dict[int, list[LineDiscount]] = {}
    judged = _judge(session, sale, lines)
    if not judged:
        return found
    cart = _cart_lines(session, sale, lines)
    for coupon, template, reason in judged:
        if reason is not None:
            continue
        terms = coupons.terms_of(coupon, template)
        for line_id, off in line_discounts(terms, cart).items():
            discount = (
                LineDiscount(
                    AdjustmentSource.COUPON,
                    percent_bp=off[0],
                    explanation=_explanation(coupon, template),
                )
                if isinstance(off, tuple)
                else LineDiscount(
                    AdjustmentSource.COUPON,
                    amount_cents=off,
                    explanation=_explanation(coupon, template),
                )
            )
            found.setdefault(line_id, []).append(discount)
    return found


def _open_sale(session: Session, sale_id: int) -> Sale:
    sale = load_sale(session, sale_id, lock=True)
    if sale.status != "open":
        raise Conflict(
            _("Coupons go on an open sale; this one is {status}.").format(status=sale.status)
        )
    return sale


def apply_coupon(uow: UnitOfWork, actor: Actor, sale_id: int, code: str) -> CartView:
    """Put a coupon (scanned or typed code) on an open sale; refused, with the exact
    reason, when it cannot be used on this cart now. It is used when the sale is paid."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        coupon = coupons.coupon_by_code(session, code)
        template = session.get(CouponTemplate, coupon.template_id)
        assert template is not None and coupon.id is not None
        lines = sale_lines(session, sale_id)
        others = [
            coupons.terms_of(c, t)
            for c, t, reason in _judge(session, sale, lines)
            if reason is None
        ]
        terms = coupons.terms_of(coupon, template)
        reason = refusal(
            terms,
            member_id=sale.member_id,
            lines=_cart_lines(session, sale, lines),
            today=shop_today(session),
            others_on_sale=others,
        )
        if (
            reason is None
            and session.exec(
                select(SaleCoupon.id).where(
                    col(SaleCoupon.sale_id) == sale_id, col(SaleCoupon.coupon_id) == coupon.id
                )
            ).first()
        ):
            raise Conflict(_("Coupon {code} is already on this sale.").format(code=coupon.code))
        if reason is not None:
            money = coupons._money_of(session)(template.min_spend_cents)
            raise ValidationError(explain_refusal(reason, terms, money), field="coupon")
        session.info.get(_NO_COUPONS, set()).discard(sale_id)
        session.add(SaleCoupon(sale_id=sale_id, coupon_id=coupon.id))
        session.flush()
        audit.record(session, actor, "coupon.apply", "sale", sale_id, after={"coupon": coupon.code})
        return build_cart_view(session, sale)


def remove_coupon(uow: UnitOfWork, actor: Actor, sale_id: int, coupon_id: int) -> CartView:
    """Take a coupon off an open sale (it stays the member's, unused)."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        result = session.execute(
            delete(SaleCoupon).where(
                col(SaleCoupon.sale_id) == sale_id, col(SaleCoupon.coupon_id) == coupon_id
            )
        )
        if int(result.rowcount or 0) == 0:  # type: ignore[attr-defined]
            raise NotFound(_("That coupon is not on this sale."))
        audit.record(
            session, actor, "coupon.remove", "sale", sale_id, after={"coupon_id": coupon_id}
        )
        return build_cart_view(session, sale)


def coupons_on_sale(uow: UnitOfWork, actor: Actor, sale_id: int) -> list[CouponOnSale]:
    """The coupons on a sale and whether each gives its discount now (and why not)."""
    require(actor, "sales.sell")
    with uow.read() as session:
        sale = load_sale(session, sale_id)
        money = coupons._money_of(session)
        return [
            CouponOnSale(
                coupon.id or 0,
                coupon.code,
                template.name,
                coupons.describe(template, money),
                reason is None,
                reason or "",
            )
            for coupon, template, reason in _judge(session, sale, sale_lines(session, sale_id))
        ]


def usable_coupons(uow: UnitOfWork, actor: Actor, sale_id: int) -> list[CouponOnSale]:
    """The sale member's unused coupons, each with whether it can go on this cart now."""
    require(actor, "sales.sell")
    with uow.read() as session:
        sale = load_sale(session, sale_id)
        if sale.member_id is None:
            return []
        lines = _cart_lines(session, sale, sale_lines(session, sale_id))
        today = shop_today(session)
        money = coupons._money_of(session)
        on_sale = {c.id for c, _t in _applied(session, sale_id)}
        rows = session.exec(
            select(Coupon, CouponTemplate)
            .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
            .where(
                col(Coupon.member_id) == sale.member_id,
                col(Coupon.state) == CouponState.AVAILABLE.value,
            )
            .where(or_(col(Coupon.valid_to).is_(None), col(Coupon.valid_to) >= today))
            .order_by(col(Coupon.valid_to), col(Coupon.id))
        ).all()
        found = []
        for coupon, template in rows:
            if coupon.id in on_sale:
                continue
            terms = coupons.terms_of(coupon, template)
            reason = refusal(terms, member_id=sale.member_id, lines=lines, today=today)
            found.append(
                CouponOnSale(
                    coupon.id or 0,
                    coupon.code,
                    template.name,
                    coupons.describe(template, money),
                    reason is None,
                    ""
                    if reason is None
                    else explain_refusal(reason, terms, money(template.min_spend_cents)),
                )
            )
        return found


# --- when a sale is paid ---------------------------------------------------------------


def use_coupons(session: Session, actor: Actor, paid: SalePaid) -> None:
    """Mark used every coupon that took something off the paid sale."""
    applied = _applied(session, paid.sale.id or 0)
    if not applied:
        return
    line_ids = [line.id for line in paid.lines]
    adjustments = session.exec(
        select(SaleAdjustment.explanation, SaleAdjustment.amount_cents).where(
            col(SaleAdjustment.line_id).in_(line_ids),
            col(SaleAdjustment.source) == AdjustmentSource.COUPON.value,
        )
    ).all()
    for coupon, template in applied:
        taken = sum(
            amount for text, amount in adjustments if text == _explanation(coupon, template)
        )
        if taken <= 0:
            continue
        result = session.execute(
            update(Coupon)
            .where(col(Coupon.id) == coupon.id, col(Coupon.state) == CouponState.AVAILABLE.value)
            .values(state=CouponState.USED.value, used_sale_id=paid.sale.id)
        )
        if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
            raise Conflict(
                _("Coupon {code} was just used on another sale.").format(code=coupon.code)
            )
        counted = session.execute(
            update(CouponTemplate)
            .where(
                col(CouponTemplate.id) == template.id,
                or_(
                    col(CouponTemplate.usage_limit).is_(None),
                    col(CouponTemplate.used_count) < col(CouponTemplate.usage_limit),
                ),
            )
            .values(used_count=col(CouponTemplate.used_count) + 1)
        )
        if int(counted.rowcount or 0) != 1:  # type: ignore[attr-defined]
            raise Conflict(
                _("Coupon {code}: this offer's usage limit is reached.").format(code=coupon.code)
            )
        assert coupon.id is not None
        coupons.add_event(
            session, actor, coupon.id, "use", sale_id=paid.sale.id, amount_cents=taken
        )


def _eligible_cents(
    lines: Sequence[StoredLine], excluded: Sequence[str], amount_of: dict[int, int]
) -> int:
    """What earns points: goods outside the excluded categories (a top-up earns through
    its promotion, a package or a gift card is money held, not spend)."""
    folded = {name.casefold() for name in excluded}
    return sum(
        amount_of.get(line.id or 0, 0)
        for line in lines
        if line.category.casefold() not in folded and not is_card_sale(line.kind)
    )


def earn_points(session: Session, actor: Actor, paid: SalePaid) -> None:
    """Points for a member's sale: the eligible spend (excluded categories and what was
    paid with points left out) × the level's multiplier."""
    member_id = paid.sale.member_id
    if member_id is None:
        return
    rules = points.load_rules(session)
    eligible = _eligible_cents(
        paid.lines, rules.excluded_categories, {line.id or 0: line.net_cents for line in paid.lines}
    )
    paid_by_points = session.exec(
        select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
            col(Payment.sale_id) == paid.sale.id, col(Payment.tender) == POINTS.code
        )
    ).one()
    basis = max(eligible - int(paid_by_points), 0)
    earned = points_earned(basis, points.multiplier_pct(session, member_id), rules)
    if earned <= 0:
        return
    points.add_entry(
        session,
        actor,
        member_id,
        EntryKind.EARN,
        earned,
        expires_on=expiry_date(paid.business_day, rules),
        amount_cents=eligible,
        sale_id=paid.sale.id,
        reason=paid.sale.number or "",
    )


def reward_referrer(session: Session, actor: Actor, paid: SalePaid) -> None:
    """On a referred member's first paid sale, the referrer gets the referral coupon."""
    member_id = paid.sale.member_id
    if member_id is None:
        return
    member = session.get(Member, member_id)
    if member is None or member.referrer_id is None:
        return
    settings = coupons.load_settings(session)
    if settings.referral_template_id is None:
        return
    paid_sales = session.exec(
        select(func.count())
        .select_from(Sale)
        .where(col(Sale.member_id) == member_id, col(Sale.status).in_(["paid", "refunded"]))
    ).one()
    if int(paid_sales) != 1:
        return
    referrer = session.get(Member, member.referrer_id)
    template = session.get(CouponTemplate, settings.referral_template_id)
    if referrer is None or referrer.status != "active" or template is None or not template.active:
        return
    coupon = coupons.issue_in_session(
        session, actor, template, member.referrer_id, "referral", issue_key=f"referral:{member_id}"
    )
    if coupon is not None:
        audit.record(
            session,
            actor,
            "coupon.referral",
            "member",
            member.referrer_id,
            after={"coupon": coupon.code, "newcomer": member_id, "sale": paid.sale.number},
        )


# --- when a sale is refunded -----------------------------------------------------------


def reverse_points(session: Session, actor: Actor, refunded: SaleRefunded) -> None:
    """Take back the points the refunded part of the sale earned (never below zero)."""
    sale_id = refunded.sale.id or 0
    earns = points.entries_for_sale(session, sale_id, [EntryKind.EARN])
    if not earns:
        return
    earn = earns[0]
    rules = points.load_rules(session)
    all_lines = sale_lines(session, sale_id)
    whole = _eligible_cents(
        all_lines, rules.excluded_categories, {line.id or 0: line.net_cents for line in all_lines}
    )
    now = _eligible_cents(
        [line for line, _qty, _amount in refunded.lines],
        rules.excluded_categories,
        {line.id or 0: amount for line, _qty, amount in refunded.lines},
    )
    before = sum(
        e.amount_cents for e in points.entries_for_sale(session, sale_id, [EntryKind.EARN_REVERSED])
    )
    due = pro_rata(earn.points, now, whole, before)
    if due <= 0 and now <= 0:
        return
    held = points.balance_in(session, earn.member_id)
    taken = min(due, held)
    reason = refunded.refund.number
    if taken < due:
        reason += " · " + _("{short} points already spent").format(short=due - taken)
    points.add_entry(
        session,
        actor,
        earn.member_id,
        EntryKind.EARN_REVERSED,
        -taken,
        amount_cents=now,
        sale_id=sale_id,
        refund_id=refunded.refund.id,
        reason=reason,
    )


def restore_coupons(session: Session, actor: Actor, refunded: SaleRefunded) -> None:
    """A full refund gives the sale's coupons back, when the shop says so."""
    if not refunded.sale_fully_refunded or not coupons.load_settings(session).restore_on_refund:
        return
    used = session.exec(
        select(Coupon).where(
            col(Coupon.used_sale_id) == refunded.sale.id,
            col(Coupon.state) == CouponState.USED.value,
        )
    ).all()
    for coupon in used:
        session.execute(
            update(Coupon)
            .where(col(Coupon.id) == coupon.id, col(Coupon.state) == CouponState.USED.value)
            .values(state=CouponState.AVAILABLE.value, used_sale_id=None)
        )
        session.execute(
            update(CouponTemplate)
            .where(col(CouponTemplate.id) == coupon.template_id, col(CouponTemplate.used_count) > 0)
            .values(used_count=col(CouponTemplate.used_count) - 1)
        )
        assert coupon.id is not None
        coupons.add_event(
            session,
            actor,
            coupon.id,
            "restore",
            sale_id=refunded.sale.id,
            refund_id=refunded.refund.id,
        )


# --- tenders ---------------------------------------------------------------------------


def _gift_card_take(session: Session, actor: Actor, use: TenderUse) -> None:
    if not use.reference.strip():
        raise ValidationError(_("Scan or type the gift card's code."), field="reference")
    gift_cards.spend_in_session(
        session, actor, use.reference, use.amount_cents, sale_id=use.sale_id
    )


def _gift_card_give_back(session: Session, actor: Actor, use: TenderUse) -> None:
    gift_cards.give_back_in_session(session, actor, use.sale_id, use.refund_id, use.amount_cents)


def _points_take(session: Session, actor: Actor, use: TenderUse) -> None:
    if use.member_id is None:
        raise Conflict(_("Points pay only for a member: put the member on the sale first."))
    rules = points.load_rules(session)
    needed = points_for_cents(use.amount_cents, rules)
    held = points.balance_in(session, use.member_id)
    if needed > held:
        raise Conflict(
            _("Not enough points: {held} held, {needed} needed.").format(held=held, needed=needed)
        )
    points.add_entry(
        session,
        actor,
        use.member_id,
        EntryKind.REDEEM,
        -needed,
        amount_cents=use.amount_cents,
        sale_id=use.sale_id,
    )


def _points_give_back(session: Session, actor: Actor, use: TenderUse) -> None:
    redeemed = points.entries_for_sale(session, use.sale_id, [EntryKind.REDEEM])
    if not redeemed:
        raise Conflict(_("No points paid for this sale."))
    member_id = redeemed[0].member_id
    spent_points = -sum(e.points for e in redeemed)
    spent_cents = sum(e.amount_cents for e in redeemed)
    before = sum(
        e.amount_cents
        for e in points.entries_for_sale(session, use.sale_id, [EntryKind.REDEEM_RETURNED])
    )
    back = pro_rata(spent_points, use.amount_cents, spent_cents, before)
    points.add_entry(
        session,
        actor,
        member_id,
        EntryKind.REDEEM_RETURNED,
        back,
        amount_cents=use.amount_cents,
        sale_id=use.sale_id,
        refund_id=use.refund_id,
    )


def loyalty_on_receipt(session: Session, sale: StoredSale, statement: Any) -> Any:
    """Points the sale earned and the balance just after it, and the coupons it used.

    From the ledgers as they stood then (entries up to the sale's last one), so a reprint
    says the same as the first print.
    """
    from dataclasses import replace

    entries = session.exec(
        select(PointsEntry.id, PointsEntry.kind, PointsEntry.points).where(
            col(PointsEntry.sale_id) == sale.id, col(PointsEntry.refund_id).is_(None)
        )
    ).all()
    last_id = max((int(entry_id or 0) for entry_id, _kind, _points in entries), default=None)
    earned = sum(points for _id, kind, points in entries if kind == EntryKind.EARN)
    upto = (
        col(PointsEntry.id) <= last_id
        if last_id is not None
        else col(PointsEntry.at) <= sale.paid_at
    )
    held = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.member_id) == sale.member_id, upto
        )
    ).one()
    used = session.exec(
        select(CouponTemplate.name, Coupon.code)
        .select_from(SaleCoupon)
        .join(Coupon, col(Coupon.id) == col(SaleCoupon.coupon_id))
        .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
        .where(col(SaleCoupon.sale_id) == sale.id, col(Coupon.used_sale_id) == sale.id)
        .order_by(col(Coupon.id))
    ).all()
    if last_id is None and not held and not used:
        return statement  # a member who has never had points: nothing to print
    return replace(
        statement,
        points_earned=earned if earned else None,
        points_balance=int(held),
        coupons_used=tuple(f"{name} {code}" for name, code in used),
    )


register_tender(GIFT_CARD, _gift_card_take, _gift_card_give_back)
register_tender(POINTS, _points_take, _points_give_back)
PRICE_RULES.append(coupon_discounts)
SALE_PAID.extend([use_coupons, earn_points, reward_referrer])
SALE_REFUNDED.extend([reverse_points, restore_coupons])
sale_receipts.MEMBER_BLOCKS.append(loyalty_on_receipt)
