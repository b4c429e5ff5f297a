"""Receipts for money taken at the desk outside a sale: stored value top-ups, their
undoing, and gift cards.

A top-up's receipt (its own number, ``T000123``) says what was paid and how, the bonus
and whatever else the promotion gave (points, coupons, a level), and the member's
principal and bonus before → after; undoing a top-up prints a receipt of what was given
back and taken back. A gift card's receipt (``G000045``) carries the card's code as a
barcode. Each is built from what is stored, so the receipt queued inside the action's
transaction and one printed again months later (``salon printer receipt T000123``) say
the same thing; labels come from the shop's language, not the cashier's screen.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Coupon,
    CouponTemplate,
    GiftCard,
    Member,
    MemberLevel,
    MemberLevelChange,
    PointsEntry,
    Staff,
    StoredValueEntry,
    TopUpPromotion,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.giftcards import spaced
from salon_tui.domain.prepaid import SALE_METHOD
from salon_tui.errors import NotFound
from salon_tui.i18n import _
from salon_tui.printing.layout import labels_for
from salon_tui.printing.receipt import (
    MemberStatement,
    Payment,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    ShopLines,
    StoredValueMove,
)
from salon_tui.services import printing
from salon_tui.services.printing import PrintJobView
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import receipt_settings

TOP_UP_PREFIX = "T"
GIFT_CARD_PREFIX = "G"
_NUMBER = re.compile(r"([TG])-?(\d{1,12})")


def top_up_number(entry_id: int) -> str:
    """The receipt number of a top-up (or of its undoing): ``T000123``."""
    return f"{TOP_UP_PREFIX}{entry_id:06d}"


def gift_card_number(card_id: int) -> str:
    return f"{GIFT_CARD_PREFIX}{card_id:06d}"


def parse_number(text: str) -> tuple[str, int] | None:
    """``("T", 123)`` for ``T000123``, ``t123`` or ``T-123``; None for anything else."""
    found = _NUMBER.fullmatch(text.strip().upper())
    return (found.group(1), int(found.group(2))) if found else None


def _level_name(session: Session, level_id: int | None) -> str:
    level = session.get(MemberLevel, level_id) if level_id is not None else None
    return level.name if level is not None else ""


def _cashier(session: Session, staff_id: int | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    return staff.name if staff is not None else ""


def _member_statement(
    session: Session, member: Member, level: str, before_cents: int, after_cents: int
) -> MemberStatement:
    from salon_tui.services.points import balance_in
    from salon_tui.services.sale_receipts import masked_identity

    card, phone = masked_identity(session, member)
    return MemberStatement(
        name=member.name,
        card_masked=card,
        phone_masked=phone,
        level=level,
        stored_value_before_cents=before_cents,
        stored_value_after_cents=after_cents,
        points_balance=balance_in(session, member.id or 0),
    )


def _given_by_promotion(session: Session, top_up_id: int, kind: str) -> tuple[int, list[str]]:
    """Points (of ``kind``) and coupons the promotion of top-up ``top_up_id`` gave."""
    key = f"top_up:{top_up_id}"
    points = session.exec(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            col(PointsEntry.reason) == key, col(PointsEntry.kind) == kind
        )
    ).one()
    coupons = [
        f"{name} ({code})"
        for code, name in session.exec(
            select(Coupon.code, CouponTemplate.name)
            .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
            .where(col(Coupon.issue_key) == key)
            .order_by(col(Coupon.id))
        )
    ]
    return int(points), coupons


def _payment(method: str, amount_cents: int, reference: str) -> Payment:
    """How a top-up or a gift card was paid; one sold on a sale names the sale."""
    if method == SALE_METHOD:
        return Payment(method, amount_cents, reference, label=_("Paid with sale"))
    return Payment(method, amount_cents, reference)


def stored_value_receipt(session: Session, entry_id: int) -> Receipt:
    """The receipt of top-up ``entry_id``, or of the undoing of a top-up."""
    from salon_tui.domain.points import EntryKind

    entry = session.get(StoredValueEntry, entry_id)
    if entry is None or entry.kind not in ("top_up", "reversal"):
        raise NotFound(_("There is no top-up #{id}.").format(id=entry_id))
    assert entry.id is not None
    undo = entry.kind == "reversal"
    settings = receipt_settings(session, load_shop_settings(session), entry.store_id)
    member = session.get(Member, entry.member_id)
    assert member is not None
    principal_before, bonus_before = (
        int(value)
        for value in session.exec(
            select(
                func.coalesce(func.sum(StoredValueEntry.principal_cents), 0),
                func.coalesce(func.sum(StoredValueEntry.bonus_cents), 0),
            ).where(
                col(StoredValueEntry.account_id) == entry.account_id,
                col(StoredValueEntry.id) < entry.id,
            )
        ).one()
    )
    top_up_id = entry.reverses_id if undo and entry.reverses_id else entry.id
    points, coupons = _given_by_promotion(
        session, top_up_id, EntryKind.PROMOTION_UNDONE if undo else EntryKind.PROMOTION
    )
    promotion = session.get(TopUpPromotion, entry.promotion_id) if entry.promotion_id else None
    change = (
        session.get(MemberLevelChange, entry.level_change_id) if entry.level_change_id else None
    )
    level_moved_to = _level_name(session, change.to_level_id) if change is not None else ""
    if change is not None and not level_moved_to:
        level_moved_to = _("no level")
    move = StoredValueMove(
        paid_cents=entry.principal_cents,
        bonus_cents=entry.bonus_cents,
        principal_before_cents=principal_before,
        principal_after_cents=principal_before + entry.principal_cents,
        bonus_before_cents=bonus_before,
        bonus_after_cents=bonus_before + entry.bonus_cents,
        promotion=promotion.name if promotion is not None else "",
        points=points,
        coupons=tuple(coupons),
        level=level_moved_to,
        reverses=top_up_number(entry.reverses_id) if undo and entry.reverses_id else "",
        reason=entry.note if undo else "",
    )
    before = principal_before + bonus_before
    return Receipt(
        kind=ReceiptKind.TOP_UP_UNDO if undo else ReceiptKind.TOP_UP,
        number=top_up_number(entry.id),
        issued_at=entry.created_at,
        timezone=settings.timezone,
        language=settings.locale,
        currency=settings.currency,
        shop=ShopLines(settings.name, settings.address, settings.phone),
        cashier=_cashier(session, entry.staff_id),
        total_cents=entry.principal_cents,
        payments=(_payment(entry.method, entry.principal_cents, entry.reference),)
        if entry.principal_cents
        else (),
        member=_member_statement(
            session,
            member,
            level_moved_to
            if change is not None and not undo
            else _level_name(session, member.level_id),
            before,
            before + entry.principal_cents + entry.bonus_cents,
        ),
        stored_value=move,
        notes=(entry.note,) if entry.note and not undo else (),
        qr_data=top_up_number(entry.id),
        footer=settings.receipt_footer,
    )


def gift_card_receipt(session: Session, card_id: int) -> Receipt:
    """The receipt of a gift card sold at the desk: its value, how it was paid, its code
    as a barcode (the holder spends it with this) and until when it can be spent."""
    card = session.get(GiftCard, card_id)
    if card is None:
        raise NotFound(_("There is no gift card #{id}.").format(id=card_id))
    assert card.id is not None
    settings = receipt_settings(session, load_shop_settings(session), card.store_id)
    labels = labels_for(settings.locale)
    valid = (
        labels["valid_until"].format(day=card.expires_on.isoformat())
        if card.expires_on is not None
        else labels["no_expiry"]
    )
    return Receipt(
        kind=ReceiptKind.GIFT_CARD,
        number=gift_card_number(card.id),
        issued_at=card.sold_at,
        timezone=settings.timezone,
        language=settings.locale,
        currency=settings.currency,
        shop=ShopLines(settings.name, settings.address, settings.phone),
        cashier=_cashier(session, card.sold_by),
        lines=(ReceiptLine(labels["gift_card_item"], 1, card.value_cents, card.value_cents),),
        subtotal_cents=card.value_cents,
        total_cents=card.value_cents,
        payments=(_payment(card.tender, card.value_cents, card.reference),),
        notes=(f"{labels['gift_card_code']}: {spaced(card.code)}", valid),
        barcode_data=card.code,
        footer=settings.receipt_footer,
    )


def _queue(uow: UnitOfWork, actor: Actor, receipt: Receipt) -> PrintJobView | None:
    """Queue ``receipt`` inside the caller's transaction; None when the actor may not print."""
    if not actor.can("printer.print"):
        return None
    return printing.enqueue_receipt(uow, actor, receipt)


def queue_stored_value_receipt(
    uow: UnitOfWork, actor: Actor, session: Session, entry_id: int
) -> PrintJobView | None:
    """Queue the receipt of a top-up or an undo, in the action's own transaction."""
    return _queue(uow, actor, stored_value_receipt(session, entry_id))


def queue_gift_card_receipt(
    uow: UnitOfWork, actor: Actor, session: Session, card_id: int
) -> PrintJobView | None:
    return _queue(uow, actor, gift_card_receipt(session, card_id))


def receipt_for_number(session: Session, number: str) -> Receipt | None:
    """The receipt a ``T…`` (top-up, undo) or ``G…`` (gift card) number names; None when
    the number is not of that form (a sale number, say)."""
    parsed = parse_number(number)
    if parsed is None:
        return None
    prefix, row_id = parsed
    if prefix == GIFT_CARD_PREFIX:
        return gift_card_receipt(session, row_id)
    return stored_value_receipt(session, row_id)
