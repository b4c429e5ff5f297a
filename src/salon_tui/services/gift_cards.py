"""Gift cards (礼品卡): sell one, look up its balance by code, spend it at checkout,
let unspent value expire when the shop sets a validity.

Selling a gift card is its own transaction, not a sale line: the money taken is a
debt to whoever holds the card (a liability), not revenue, so it stays out of the
sales and commission reports. It records the tender and reference, puts cash into the
open drawer (a "cash in" movement marked ``gift_card``), and writes the card's first
ledger entry. Spending and refunding run inside checkout's transaction
(``services.loyalty_checkout``) with a conditional update of the cached balance.

A card sold outside a sale is refunded at the desk (``refund_card``, manager): what is
left on it goes back by the method the manager picks, the card is closed with a
``paid_back`` entry, and the day close counts that money. A card sold on a sale goes
back with that sale's refund.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from salon_tui.data.models import GiftCard, GiftCardEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.giftcards import (
    VALUE_MAX_CENTS,
    expires_on,
    is_expired,
    new_code,
    validate_code,
)
from salon_tui.domain.tenders import REFERENCE_MAX
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.members import shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting
from salon_tui.services.stores import terminal_store

if TYPE_CHECKING:
    from salon_tui.services.sales import Approval

SETTINGS_KEY = "loyalty.gift_cards"
SELL_ACTION = "giftcard.sell"
SALE_TENDERS = ("cash", "bank_card", "wechat", "alipay")
ENTRY_LABELS = {
    "sold": N_("Sold"),
    "spent": N_("Spent"),
    "returned": N_("Given back by a refund"),
    "expired": N_("Expired"),
    "refunded": N_("Refunded with its sale"),
    "paid_back": N_("Refunded at the desk"),
}
REFUND_ACTION = "giftcard.refund"


@dataclass(frozen=True)
class GiftCardSettings:
    # Days a card can be spent from the day it is sold; None = never expires.
    valid_days: int | None = None
    # Values the desk offers with one key (minor units); any other value can be typed.
    preset_values_cents: tuple[int, ...] = (20_000, 50_000, 100_000)


@dataclass(frozen=True)
class GiftCardView:
    id: int
    code: str
    value_cents: int
    balance_cents: int
    expires_on: date | None
    expired: bool
    tender: str
    sold_at: datetime
    business_day: date
    note: str
    # Paid back at the desk: how much and by which method ("" when it never was).
    refunded_cents: int = 0
    refund_method: str = ""


@dataclass(frozen=True)
class GiftCardRefund:
    """A desk refund of a card: what went back, how, and the card's code."""

    card_id: int
    code: str
    refunded_cents: int
    spent_cents: int
    method: str
    approved_by: str = ""


@dataclass(frozen=True)
class GiftCardEntryView:
    kind: str
    label: str
    amount_cents: int
    sale_id: int | None
    at: datetime


@dataclass(frozen=True)
class GiftCardExpiryRun:
    day: date
    cards: int
    amount_cents: int


def load_settings(session: Session) -> GiftCardSettings:
    stored = dict(read_setting(session, SETTINGS_KEY, {}))
    if "preset_values_cents" in stored:
        stored["preset_values_cents"] = tuple(int(v) for v in stored["preset_values_cents"])
    known = {k: v for k, v in stored.items() if k in GiftCardSettings.__dataclass_fields__}
    return GiftCardSettings(**known)


def get_settings(uow: UnitOfWork) -> GiftCardSettings:
    with uow.read() as session:
        return load_settings(session)


def set_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> GiftCardSettings:
    """How long new cards last (None = forever) and the preset values. Audited."""
    require(actor, "giftcard.settings")
    with uow.transaction() as session:
        before = load_settings(session)
        values = {**asdict(before), **changes}
        days = values["valid_days"]
        if days is not None and not 1 <= int(days) <= 3650:
            raise ValidationError(_("A gift card lasts 1 to 3650 days."), field="valid_days")
        presets = tuple(int(v) for v in values["preset_values_cents"])
        if any(not 0 < v <= VALUE_MAX_CENTS for v in presets) or len(presets) > 9:
            raise ValidationError(
                _("Up to nine preset values, each more than zero."), field="presets"
            )
        settings = GiftCardSettings(valid_days=days, preset_values_cents=presets)
        stored = {**asdict(settings), "preset_values_cents": list(presets)}
        write_setting(session, SETTINGS_KEY, stored)
        audit.record(
            session,
            actor,
            "giftcard.settings",
            "setting",
            SETTINGS_KEY,
            before={**asdict(before), "preset_values_cents": list(before.preset_values_cents)},
            after=stored,
        )
        return settings


def card_view(card: GiftCard, today: date) -> GiftCardView:
    return GiftCardView(
        id=card.id or 0,
        code=card.code,
        value_cents=card.value_cents,
        balance_cents=card.balance_cents,
        expires_on=card.expires_on,
        expired=is_expired(card.expires_on, today),
        tender=card.tender,
        sold_at=card.sold_at,
        business_day=card.business_day,
        note=card.note,
        refunded_cents=card.refunded_cents,
        refund_method=card.refund_method,
    )


def _encode(view: GiftCardView) -> dict[str, Any]:
    stored = asdict(view)
    stored["expires_on"] = view.expires_on.isoformat() if view.expires_on else None
    stored["sold_at"] = view.sold_at.isoformat()
    stored["business_day"] = view.business_day.isoformat()
    return stored


def _decode(stored: dict[str, Any]) -> GiftCardView:
    values = dict(stored)
    values["expires_on"] = (
        date.fromisoformat(values["expires_on"]) if values["expires_on"] else None
    )
    values["sold_at"] = datetime.fromisoformat(values["sold_at"])
    values["business_day"] = date.fromisoformat(values["business_day"])
    return GiftCardView(**values)


def add_entry(
    session: Session,
    actor: Actor,
    card: GiftCard,
    kind: str,
    amount_cents: int,
    *,
    sale_id: int | None = None,
    refund_id: int | None = None,
) -> None:
    """One ledger entry and the matching conditional update of the cached balance."""
    result = session.execute(
        update(GiftCard)
        .where(col(GiftCard.id) == card.id, col(GiftCard.balance_cents) + amount_cents >= 0)
        .values(balance_cents=col(GiftCard.balance_cents) + amount_cents)
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise Conflict(_("The gift card does not hold that much."))
    assert card.id is not None
    session.add(
        GiftCardEntry(
            gift_card_id=card.id,
            kind=kind,
            amount_cents=amount_cents,
            sale_id=sale_id,
            refund_id=refund_id,
            staff_id=actor.staff_id,
            at=utc_now(),
        )
    )
    session.flush()
    session.refresh(card)


def sell(
    uow: UnitOfWork,
    actor: Actor,
    value_cents: int,
    tender: str,
    *,
    key: str,
    reference: str = "",
    note: str = "",
    print_receipt: bool = True,
) -> GiftCardView:
    """Sell a gift card of ``value_cents`` paid by ``tender``: a new random code with a
    check digit, cash into the drawer, the first ledger entry, the receipt (with the code
    as a barcode) queued for the printer. ``key`` (made when the dialog opens) sells
    once, whatever is pressed twice. Audited."""
    require(actor, "giftcard.sell")
    if not 0 < value_cents <= VALUE_MAX_CENTS:
        raise ValidationError(
            _("A gift card is worth more than zero and at most 100,000."), field="amount"
        )
    if tender not in SALE_TENDERS:
        raise ValidationError(
            _("A gift card is paid by cash, bank card, WeChat Pay or Alipay."), field="tender"
        )
    cleaned_reference = reference.strip()
    if tender in ("wechat", "alipay") and not cleaned_reference:
        raise ValidationError(
            _("WeChat Pay and Alipay need the transaction reference from the receipt."),
            field="reference",
        )
    if len(cleaned_reference) > REFERENCE_MAX:
        raise ValidationError(
            _("A payment reference has at most {limit} characters.").format(limit=REFERENCE_MAX),
            field="reference",
        )
    cleaned_note = " ".join(note.split())[:200]

    def body(session: Session) -> GiftCardView:
        card = sell_in(session, actor, value_cents, tender, key, cleaned_reference, cleaned_note)
        if print_receipt:
            from salon_tui.services.prepaid_receipts import queue_gift_card_receipt

            assert card.id is not None
            queue_gift_card_receipt(uow, actor, session, card.id)
        return card_view(card, card.business_day)

    return run_once(uow, key, SELL_ACTION, body, _encode, _decode)


def sell_in(
    session: Session,
    actor: Actor,
    value_cents: int,
    tender: str,
    key: str,
    reference: str = "",
    note: str = "",
    *,
    sale_id: int | None = None,
    seller_id: int | None = None,
) -> GiftCard:
    """Sell a gift card inside the caller's transaction (``sell`` checks the value, the
    tender and the text first). Sold on a sale (``sale_id``), the sale's payments take
    the money: no drawer movement here, the first entry is linked to the sale, and
    ``seller_id`` (the person on the line) is who sold it."""
    from salon_tui.services import drawer

    today = shop_today(session)
    settings = load_settings(session)
    code = new_code()
    while session.exec(select(GiftCard.id).where(col(GiftCard.code) == code)).first():
        code = new_code()
    card = GiftCard(
        code=code,
        idempotency_key=key,
        value_cents=value_cents,
        balance_cents=0,
        expires_on=expires_on(today, settings.valid_days),
        tender=tender,
        reference=reference,
        note=note,
        sold_by=seller_id or actor.staff_id or 0,
        sold_at=utc_now(),
        business_day=today,
        store_id=terminal_store(session).id,
    )
    session.add(card)
    session.flush()
    add_entry(session, actor, card, "sold", value_cents, sale_id=sale_id)
    if sale_id is None:
        from salon_tui.services.card_commission import fix_for_card

        assert card.id is not None
        fix_for_card(session, card.sold_by, "gift_card", card.id, value_cents, today, card.store_id)
    if tender == "cash" and sale_id is None:
        drawer.add_movement(
            session,
            drawer.require_open_id(session),
            actor,
            "cash_in",
            value_cents,
            category="gift_card",
            note=_("Gift card {code}").format(code=code[-4:]),
        )
    audit.record(
        session,
        actor,
        SELL_ACTION,
        "gift_card",
        card.id,
        after={
            "code_tail": code[-4:],
            "value_cents": value_cents,
            "tender": tender,
            "reference": reference,
            "sale_id": sale_id,
            "expires_on": card.expires_on.isoformat() if card.expires_on else None,
        },
    )
    return card


def refund_unused_in(
    session: Session, actor: Actor, card: GiftCard, *, sale_id: int, refund_id: int
) -> None:
    """Take back a card sold on ``sale_id`` that was never spent, inside the refund of
    that sale (the refund pays the money out): its whole value leaves it. Refused once
    any of it was spent, or after it expired."""
    session.refresh(card, with_for_update=True)
    if card.balance_cents != card.value_cents:
        raise Conflict(
            _("Gift card …{tail} has been spent already, so it cannot be refunded.").format(
                tail=card.code[-4:]
            )
        )
    if is_expired(card.expires_on, shop_today(session)):
        raise Conflict(
            _("Gift card …{tail} expired on {day}.").format(
                tail=card.code[-4:], day=card.expires_on.isoformat() if card.expires_on else ""
            )
        )
    add_entry(
        session, actor, card, "refunded", -card.value_cents, sale_id=sale_id, refund_id=refund_id
    )
    audit.record(
        session,
        actor,
        "giftcard.refund",
        "gift_card",
        card.id,
        after={"code_tail": card.code[-4:], "value_cents": card.value_cents, "sale_id": sale_id},
    )


def refund_card(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    method: str,
    reason: str,
    reference: str = "",
    *,
    key: str | None = None,
    approval: Approval | None = None,
) -> GiftCardRefund:
    """Pay back what is left on a gift card sold outside a sale (a manager, or the desk
    with a manager's ``approval`` on the spot), by ``method``; the card is closed with a
    ``paid_back`` entry. Refused for a card sold on a sale (its sale's refund takes it
    back), one refunded already, one with nothing left or one that expired. Cash comes
    out of the drawer; the day close counts the money. Audited with the approver."""
    from salon_tui.domain.prepaid import TOP_UP_METHODS
    from salon_tui.services import approvals
    from salon_tui.services.stored_value import check_method, clean_text, run_action

    approvals.check_allowed(actor, REFUND_ACTION, approval)
    cleaned_reference = check_method(method, reference, TOP_UP_METHODS)
    cleaned = clean_text(reason, 200, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")

    def body(session: Session) -> GiftCardRefund:
        approved = approvals.approved_by(session, actor, REFUND_ACTION, approval)
        card = card_by_code(session, code, lock=True)
        _check_refundable(session, card)
        assert card.id is not None
        day = shop_today(session)
        amount = card.balance_cents
        store_id = terminal_store(session).id
        from salon_tui.services.card_commission import reverse_for_card

        reverse_for_card(session, "gift_card", card.id, amount, card.value_cents, day, store_id)
        if method == "cash":
            from salon_tui.services import drawer

            drawer.add_movement(
                session,
                drawer.require_open_id(session),
                actor,
                "prepaid",
                -amount,
                category="gift_card",
                note=_("Gift card {code} refunded").format(code=card.code[-4:]),
            )
        add_entry(session, actor, card, "paid_back", -amount)
        card.refunded_cents = amount
        card.refund_method = method
        card.refunded_on = day
        card.refund_store_id = store_id
        session.add(card)
        session.flush()
        audit.record(
            session,
            actor,
            REFUND_ACTION,
            "gift_card",
            card.id,
            before={"balance_cents": amount},
            after={
                "code_tail": card.code[-4:],
                "refunded_cents": amount,
                "method": method,
                "reference": cleaned_reference,
                "reason": cleaned,
                **approved,
            },
        )
        return GiftCardRefund(
            card.id,
            card.code,
            amount,
            card.value_cents - amount,
            method,
            str(approved.get("approved_by", "")),
        )

    return run_action(uow, key, REFUND_ACTION, body, GiftCardRefund)


def _check_refundable(session: Session, card: GiftCard) -> None:
    """Refuse, saying why, a card the desk may not pay back."""
    from salon_tui.domain.prepaid import SALE_METHOD

    tail = card.code[-4:]
    if card.refund_method:
        raise Conflict(
            _("Gift card …{tail} was refunded already, on {day}.").format(
                tail=tail, day=card.refunded_on.isoformat() if card.refunded_on else ""
            )
        )
    if card.tender == SALE_METHOD:
        from salon_tui.data.models import Sale

        sale_id = session.exec(
            select(GiftCardEntry.sale_id).where(
                col(GiftCardEntry.gift_card_id) == card.id, col(GiftCardEntry.kind) == "sold"
            )
        ).first()
        sale = session.get(Sale, sale_id) if sale_id else None
        raise Conflict(
            _(
                "Gift card …{tail} was sold on sale {number}: refund it with that sale "
                "(Checkout → Sale history, Ctrl+F)."
            ).format(tail=tail, number=sale.number if sale else "?")
        )
    if is_expired(card.expires_on, shop_today(session)):
        raise Conflict(
            _("Gift card …{tail} expired on {day}.").format(
                tail=tail, day=card.expires_on.isoformat() if card.expires_on else ""
            )
        )
    if card.balance_cents <= 0:
        raise Conflict(_("Gift card …{tail} has nothing left to refund.").format(tail=tail))


def card_by_code(session: Session, text: str, *, lock: bool = False) -> GiftCard:
    try:
        code = validate_code(text)
    except ValueError as error:
        raise ValidationError(str(error), field="code") from None
    query = select(GiftCard).where(col(GiftCard.code) == code)
    if lock:
        query = query.with_for_update()
    card = session.exec(query).first()
    if card is None:
        raise NotFound(_("No gift card was sold with the code {code}.").format(code=code))
    return card


def balance(
    uow: UnitOfWork, actor: Actor, code: str
) -> tuple[GiftCardView, list[GiftCardEntryView]]:
    """A card's balance and history, by its code (scanned or typed)."""
    require(actor, "giftcard.view")
    with uow.read() as session:
        card = card_by_code(session, code)
        entries = session.exec(
            select(GiftCardEntry)
            .where(col(GiftCardEntry.gift_card_id) == card.id)
            .order_by(col(GiftCardEntry.id))
        ).all()
        return card_view(card, shop_today(session)), [
            GiftCardEntryView(
                e.kind, _(ENTRY_LABELS.get(e.kind, e.kind)), e.amount_cents, e.sale_id, e.at
            )
            for e in entries
        ]


def list_cards(
    uow: UnitOfWork, actor: Actor, *, with_balance_only: bool = False, limit: int = 500
) -> list[GiftCardView]:
    """Gift cards, newest first."""
    require(actor, "giftcard.view")
    with uow.read() as session:
        query = select(GiftCard).order_by(col(GiftCard.id).desc()).limit(limit)
        if with_balance_only:
            query = query.where(col(GiftCard.balance_cents) > 0)
        today = shop_today(session)
        return [card_view(card, today) for card in session.exec(query).all()]


def spend_in_session(
    session: Session,
    actor: Actor,
    code: str,
    amount_cents: int,
    *,
    sale_id: int,
) -> GiftCard:
    """Take ``amount_cents`` off a card inside a sale's transaction; refuses an unknown
    code, an expired card or more than it holds."""
    card = card_by_code(session, code, lock=True)
    today = shop_today(session)
    if is_expired(card.expires_on, today):
        raise Conflict(
            _("Gift card …{tail} expired on {day}.").format(
                tail=card.code[-4:], day=card.expires_on.isoformat() if card.expires_on else ""
            )
        )
    if card.balance_cents < amount_cents:
        raise Conflict(
            _("Gift card …{tail} holds {held}, less than {wanted}.").format(
                tail=card.code[-4:],
                held=_format(session, card.balance_cents),
                wanted=_format(session, amount_cents),
            )
        )
    add_entry(session, actor, card, "spent", -amount_cents, sale_id=sale_id)
    return card


def give_back_in_session(
    session: Session, actor: Actor, sale_id: int, refund_id: int | None, amount_cents: int
) -> None:
    """Put ``amount_cents`` back on the cards that paid for ``sale_id``, the last card
    used first, never more than each card paid."""
    spent = session.exec(
        select(GiftCardEntry.gift_card_id, func.sum(GiftCardEntry.amount_cents))
        .where(
            col(GiftCardEntry.sale_id) == sale_id,
            col(GiftCardEntry.kind).in_(["spent", "returned"]),
        )
        .group_by(col(GiftCardEntry.gift_card_id))
        .order_by(col(GiftCardEntry.gift_card_id).desc())
    ).all()
    left = amount_cents
    for card_id, net in spent:
        can_return = -int(net or 0)
        if left <= 0 or can_return <= 0:
            continue
        back = min(can_return, left)
        card = session.get(GiftCard, card_id)
        assert card is not None
        add_entry(session, actor, card, "returned", back, sale_id=sale_id, refund_id=refund_id)
        left -= back
    if left > 0:
        raise Conflict(_("That is more back to gift cards than they paid on this sale."))


def _format(session: Session, cents: int) -> str:
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import current_locale
    from salon_tui.services.settings import SHOP_PREFIX

    return format_money(
        cents, str(read_setting(session, SHOP_PREFIX + "currency", "CNY")), current_locale()
    )


def expire_cards(uow: UnitOfWork, actor: Actor, today: date | None = None) -> GiftCardExpiryRun:
    """Write off what is left on cards whose last day is before ``today``; running it
    again takes nothing more. Audited."""
    require(actor, "giftcard.expire")
    with uow.transaction() as session:
        day = today or shop_today(session)
        cards = session.exec(
            select(GiftCard).where(
                col(GiftCard.expires_on).is_not(None),
                col(GiftCard.expires_on) < day,
                col(GiftCard.balance_cents) > 0,
            )
        ).all()
        total = 0
        for card in cards:
            left = card.balance_cents
            add_entry(session, actor, card, "expired", -left)
            total += left
        audit.record(
            session,
            actor,
            "giftcard.expire",
            "gift_card",
            day.isoformat(),
            after={"cards": len(cards), "amount_cents": total},
        )
        return GiftCardExpiryRun(day, len(cards), total)


def check_gift_card_ledger(session: Session) -> list[str]:
    """Each card's cached balance equals the sum of its entries and is never negative."""
    sums = dict(
        session.exec(
            select(GiftCardEntry.gift_card_id, func.sum(GiftCardEntry.amount_cents)).group_by(
                col(GiftCardEntry.gift_card_id)
            )
        ).all()
    )
    problems = []
    for card_id, code, held in session.exec(
        select(GiftCard.id, GiftCard.code, GiftCard.balance_cents)
    ):
        ledger = int(sums.get(card_id or 0, 0) or 0)
        if held != ledger or held < 0:
            problems.append(
                _("Gift card …{tail}: balance {held} but the entries add up to {ledger}.").format(
                    tail=code[-4:], held=held, ledger=ledger
                )
            )
    return problems


@dataclass(frozen=True)
class GiftCardTotals:
    sold_cents: int
    spent_cents: int  # net of refunds given back to cards
    expired_cents: int
    paid_back_cents: int  # refunded at the desk (positive)
    outstanding_cents: int
    cards_outstanding: int


def totals(session: Session, at: datetime | None = None) -> GiftCardTotals:
    """Sold, spent (net of refunds), expired and outstanding, up to ``at`` (default now)."""
    query = select(GiftCardEntry.kind, func.sum(GiftCardEntry.amount_cents)).group_by(
        col(GiftCardEntry.kind)
    )
    count_query = select(GiftCardEntry.gift_card_id, func.sum(GiftCardEntry.amount_cents)).group_by(
        col(GiftCardEntry.gift_card_id)
    )
    if at is not None:
        query = query.where(col(GiftCardEntry.at) < at)
        count_query = count_query.where(col(GiftCardEntry.at) < at)
    by_kind = {kind: int(total or 0) for kind, total in session.exec(query).all()}
    held = [int(total or 0) for _card, total in session.exec(count_query).all()]
    return GiftCardTotals(
        sold_cents=by_kind.get("sold", 0) + by_kind.get("refunded", 0),
        spent_cents=-(by_kind.get("spent", 0) + by_kind.get("returned", 0)),
        expired_cents=-by_kind.get("expired", 0),
        paid_back_cents=-by_kind.get("paid_back", 0),
        outstanding_cents=sum(held),
        cards_outstanding=sum(1 for value in held if value > 0),
    )


def codes_for_sale(session: Session, sale_id: int) -> Sequence[str]:
    rows = session.exec(
        select(GiftCard.code)
        .join(GiftCardEntry, col(GiftCardEntry.gift_card_id) == col(GiftCard.id))
        .where(
            col(GiftCardEntry.sale_id) == sale_id,
            col(GiftCardEntry.kind).in_(["spent", "returned"]),
        )
        .distinct()
    ).all()
    return list(rows)


def totals_now(uow: UnitOfWork, at: datetime | None = None) -> GiftCardTotals:
    """Gift cards sold, spent, expired and outstanding (at ``at``, default now)."""
    with uow.read() as session:
        return totals(session, at)
