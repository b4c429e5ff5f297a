"""The card economy as cart lines: a stored-value top-up, a package, a gift card.

The desk sells them next to services and products and takes one split payment for
all. Each line waits on the cart at face value (no discount reaches it, see
``services.sales.price_sale``); paying the sale calls the card economy's own
services inside the sale's transaction (``top_up_in``, ``sell_package_in``,
``sell_in``), so ledgers, promotions, level upgrades, audit and alerts are those of a
sale from F7 Cards, linked to the sale. A refund of the line undoes it through the
card economy's undo and refund rules, or is refused and changes nothing.

Money rules: a top-up and a package need a member on the sale, a gift card does not;
a top-up or a gift card is bought with money, never with stored value, a gift card
or points (``MONEY_ONLY_KINDS``); one top-up per sale (its promotion tier reads the
amount); points are earned by the top-up's promotion, never by the sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import GiftCard, MemberPackage, Sale, SaleLine, SaleLineStaff
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.giftcards import VALUE_MAX_CENTS
from salon_tui.domain.prepaid import SALE_METHOD
from salon_tui.domain.sales import MEMBER_KINDS, MONEY_ONLY_KINDS, LineKind
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services.permissions import require
from salon_tui.services.sale_items import ON_RETURNED, ON_SOLD, ItemMovement
from salon_tui.services.sales import (
    CartView,
    StaffShare,
    build_cart_view,
    editable_sale,
    insert_line,
    sale_lines,
)

# What the hooks did while a sale was paid, for the receipts queued after it:
# (kind, id) of each top-up entry and gift card (kept on the session's info).
_RECEIPTS_KEY = "sale_cards.receipts"


def _seller_shares(actor: Actor, seller_id: int | None) -> list[StaffShare]:
    staff_id = seller_id if seller_id is not None else actor.staff_id
    assert staff_id is not None
    return [StaffShare(staff_id)]


def _member_sale(session: Session, sale_id: int, refusal: str) -> Sale:
    sale = editable_sale(session, sale_id)
    if sale.member_id is None:
        raise ValidationError(refusal, field="member")
    return sale


def add_top_up(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    amount_cents: int,
    *,
    seller_id: int | None = None,
) -> CartView:
    """Put a stored-value top-up of ``amount_cents`` for the sale's member on the cart,
    sold by ``seller_id`` (default: the cashier). One per sale: its promotion tier
    reads the whole amount."""
    require(actor, "sales.sell")
    require(actor, "prepaid.top_up")
    from salon_tui.services.prepaid_settings import load_prepaid_settings
    from salon_tui.services.stored_value import check_amount

    with uow.transaction() as session:
        sale = _member_sale(
            session,
            sale_id,
            _("A top-up is for a member: identify the member on the sale first."),
        )
        check_amount(session, amount_cents, load_prepaid_settings(session))
        if any(line.kind == LineKind.TOP_UP for line in sale_lines(session, sale_id)):
            raise Conflict(
                _("This sale has a top-up already: remove it and add one for the whole amount.")
            )
        insert_line(
            session,
            sale,
            kind=LineKind.TOP_UP,
            description=_("Stored value top-up"),
            unit_cents=amount_cents,
            staff=_seller_shares(actor, seller_id),
        )
        return build_cart_view(session, sale)


def add_package(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    template: str | int,
    *,
    seller_id: int | None = None,
) -> CartView:
    """Put a package (by template id or name) for the sale's member on the cart, at the
    template's price, sold by ``seller_id`` (default: the cashier)."""
    require(actor, "sales.sell")
    require(actor, "package.sell")
    from salon_tui.services.packages import find_template

    with uow.transaction() as session:
        sale = _member_sale(
            session,
            sale_id,
            _("A package is for a member: identify the member on the sale first."),
        )
        found = find_template(session, template)
        if not found.active:
            raise Conflict(_("{name} is no longer sold.").format(name=found.name))
        insert_line(
            session,
            sale,
            kind=LineKind.PACKAGE,
            description=found.name,
            unit_cents=found.price_cents,
            item_id=found.id,
            staff=_seller_shares(actor, seller_id),
        )
        return build_cart_view(session, sale)


def add_gift_card(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    value_cents: int,
    *,
    seller_id: int | None = None,
) -> CartView:
    """Put a gift card worth ``value_cents`` on the cart (no member needed); its code is
    made when the sale is paid and printed on its own receipt."""
    require(actor, "sales.sell")
    require(actor, "giftcard.sell")
    if not 0 < value_cents <= VALUE_MAX_CENTS:
        raise ValidationError(
            _("A gift card is worth more than zero and at most 100,000."), field="amount"
        )
    with uow.transaction() as session:
        sale = editable_sale(session, sale_id)
        insert_line(
            session,
            sale,
            kind=LineKind.GIFT_CARD,
            description=_("Gift card"),
            unit_cents=value_cents,
            staff=_seller_shares(actor, seller_id),
        )
        return build_cart_view(session, sale)


# --- checks at pay ---------------------------------------------------------------------


def check_card_lines(sale: StoredSale, lines: Sequence[StoredLine]) -> None:
    """Refuse paying a sale whose top-up or package has no member (the member was taken
    off after the line went on)."""
    if sale.member_id is None:
        for line in lines:
            if line.kind in MEMBER_KINDS:
                raise ValidationError(
                    _("{item} is for a member: identify the member on the sale first.").format(
                        item=line.description
                    ),
                    field="member",
                )


def money_only_cents(lines: Sequence[StoredLine], net_of: dict[int, int]) -> int:
    """What the top-ups and gift cards on ``lines`` cost: the part of a payment that
    stored value, gift cards and points may not pay."""
    return sum(net_of.get(line.id or 0, 0) for line in lines if line.kind in MONEY_ONLY_KINDS)


def refuse_prepaid_for_money_only(
    money_only: int, total_cents: int, prepaid_cents: int, money: Any
) -> None:
    """Refuse a payment whose stored value, gift card and points part is more than the
    sale less its top-ups and gift cards."""
    if money_only and prepaid_cents > total_cents - money_only:
        raise ValidationError(
            _(
                "A top-up or a gift card is bought with money: stored value, gift cards "
                "and points can pay at most {most} of this sale."
            ).format(most=money(max(total_cents - money_only, 0))),
            field="payments",
        )


# --- when the sale is paid -----------------------------------------------------------


def _line_and_sale(session: Session, movement: ItemMovement) -> tuple[SaleLine, Sale]:
    line = session.get(SaleLine, movement.line_id)
    sale = session.get(Sale, movement.sale_id)
    assert line is not None and sale is not None
    return line, sale


def _seller(session: Session, actor: Actor, line_id: int) -> int | None:
    staff_id = session.exec(
        select(SaleLineStaff.staff_id)
        .where(col(SaleLineStaff.line_id) == line_id)
        .order_by(col(SaleLineStaff.id))
    ).first()
    return int(staff_id) if staff_id is not None else actor.staff_id


def _remember_receipt(session: Session, kind: str, record_id: int) -> None:
    session.info.setdefault(_RECEIPTS_KEY, []).append((kind, record_id))


def _member_of(sale: Sale, line: SaleLine) -> int:
    if sale.member_id is None:
        raise ValidationError(
            _("{item} is for a member: identify the member on the sale first.").format(
                item=line.description
            ),
            field="member",
        )
    return sale.member_id


def top_up_sold(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.services.stored_value import top_up_in

    line, sale = _line_and_sale(session, movement)
    result = top_up_in(
        session,
        actor,
        _member_of(sale, line),
        line.net_cents,
        SALE_METHOD,
        sale.number or "",
        sale_id=movement.sale_id,
        seller_id=_seller(session, actor, movement.line_id),
    )
    _remember_receipt(session, "top_up", result.entry_id)


def package_sold(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.services.packages import sell_package_in

    line, sale = _line_and_sale(session, movement)
    if line.item_id is None:
        raise NotFound(_("That package is no longer on record."))
    sell_package_in(
        session,
        actor,
        _member_of(sale, line),
        line.item_id,
        SALE_METHOD,
        sale.number or "",
        sale_id=movement.sale_id,
        sale_line_id=movement.line_id,
        seller_id=_seller(session, actor, movement.line_id),
    )


def _gift_card_key(sale: Sale, line_id: int) -> str:
    return f"{sale.idempotency_key}:{line_id}"


def gift_card_sold(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.services.gift_cards import sell_in

    line, sale = _line_and_sale(session, movement)
    card = sell_in(
        session,
        actor,
        line.net_cents,
        SALE_METHOD,
        _gift_card_key(sale, movement.line_id),
        sale.number or "",
        sale_id=movement.sale_id,
        seller_id=_seller(session, actor, movement.line_id),
    )
    assert card.id is not None
    _remember_receipt(session, "gift_card", card.id)


def queue_card_receipts(uow: UnitOfWork, actor: Actor, session: Session) -> None:
    """Queue the card economy's own receipts for what the sale just sold (a top-up's
    statement, a gift card's code as a barcode), in the sale's transaction."""
    done = session.info.pop(_RECEIPTS_KEY, [])
    if not done:
        return
    from salon_tui.services.prepaid_receipts import (
        queue_gift_card_receipt,
        queue_stored_value_receipt,
    )

    for kind, record_id in done:
        if kind == "top_up":
            queue_stored_value_receipt(uow, actor, session, record_id)
        else:
            queue_gift_card_receipt(uow, actor, session, record_id)


def forget_card_receipts(session: Session) -> None:
    session.info.pop(_RECEIPTS_KEY, None)


# --- when the line is refunded ---------------------------------------------------------


def _refund_reason(session: Session, movement: ItemMovement) -> str:
    from salon_tui.data.models import Refund

    refund = session.get(Refund, movement.refund_id) if movement.refund_id else None
    return refund.reason if refund is not None else ""


def top_up_returned(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.data.models import StoredValueEntry
    from salon_tui.services.stored_value import undo_top_up_in

    entry_id = session.exec(
        select(StoredValueEntry.id).where(
            col(StoredValueEntry.sale_id) == movement.sale_id,
            col(StoredValueEntry.kind) == "top_up",
        )
    ).first()
    if entry_id is None:
        raise NotFound(_("The top-up of this sale is not on record."))
    undo_top_up_in(
        session,
        actor,
        int(entry_id),
        _refund_reason(session, movement),
        refund_id=movement.refund_id,
    )


def package_returned(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.data.models import PackageUse
    from salon_tui.services.packages import refund_unused_in

    package_id = session.exec(
        select(PackageUse.package_id).where(
            col(PackageUse.sale_line_id) == movement.line_id, col(PackageUse.kind) == "sold"
        )
    ).first()
    if package_id is None:
        raise NotFound(_("The package of this line is not on record."))
    line = session.get(SaleLine, movement.line_id)
    assert line is not None
    refund_unused_in(
        session,
        actor,
        int(package_id),
        line.net_cents,
        _refund_reason(session, movement),
        refund_id=movement.refund_id,
    )


def gift_card_returned(session: Session, actor: Actor, movement: ItemMovement) -> None:
    from salon_tui.services.gift_cards import refund_unused_in

    sale = session.get(Sale, movement.sale_id)
    assert sale is not None and movement.refund_id is not None
    card = session.exec(
        select(GiftCard).where(
            col(GiftCard.idempotency_key) == _gift_card_key(sale, movement.line_id)
        )
    ).first()
    if card is None:
        raise NotFound(_("The gift card of this line is not on record."))
    refund_unused_in(session, actor, card, sale_id=movement.sale_id, refund_id=movement.refund_id)


def package_of_line(session: Session, line_id: int) -> MemberPackage | None:
    """The package a paid package line sold."""
    from salon_tui.data.models import PackageUse

    return session.exec(
        select(MemberPackage)
        .join(PackageUse, col(PackageUse.package_id) == col(MemberPackage.id))
        .where(col(PackageUse.sale_line_id) == line_id, col(PackageUse.kind) == "sold")
    ).first()


ON_SOLD[LineKind.TOP_UP.value] = top_up_sold
ON_SOLD[LineKind.PACKAGE.value] = package_sold
ON_SOLD[LineKind.GIFT_CARD.value] = gift_card_sold
ON_RETURNED[LineKind.TOP_UP.value] = top_up_returned
ON_RETURNED[LineKind.PACKAGE.value] = package_returned
ON_RETURNED[LineKind.GIFT_CARD.value] = gift_card_returned
