"""The cart of an unpaid sale: open, add and change lines, discounts, park, resume, void.

A sale is stored from the moment it opens, so a parked sale waits for any terminal and
a crash loses no cart. Its idempotency key is made here, when it opens; paying with it
(``services.sale_payment.pay_sale``) acts once. Pricing is worked out afresh from the
lines each time (``domain.pricing``) and fixed on the lines only when the sale is paid.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Boolean, Integer, bindparam, insert, literal
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, func, select

from salon_tui.data import direct
from salon_tui.data.models import Sale, SaleLine, SaleLineStaff, SaleTip, Staff
from salon_tui.data.sale_rows import SaleRow, StoredLine, StoredSale, line_rows, sale_row
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.money import Rounding, RoundingMode
from salon_tui.domain.pricing import (
    ADJUSTMENT_LABELS,
    AdjustmentSource,
    CartPrice,
    LineDiscount,
    LineToPrice,
    discount_share_bp,
    price_cart,
)
from salon_tui.domain.sales import (
    DESCRIPTION_MAX,
    FULL_SHARE_BP,
    MEMBER_KINDS,
    PRICE_MAX_CENTS,
    QTY_MAX,
    SALE_STATUS_LABELS,
    TEXT_MAX,
    LineKind,
    SaleStatus,
    is_card_sale,
)
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.auth import confirm_with_pin
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import SALE_PARKED, load_checkout_plugins
from salon_tui.services.sales_members import birthday_discounts, level_discounts
from salon_tui.services.settings import SHOP_PREFIX, ShopSettings, derived, read_setting
from salon_tui.services.stores import terminal_store

DISCOUNT_LIMIT_KEY = "checkout.discount_limit_bp"
DISCOUNT_LIMIT_DEFAULT_BP = 2_000


@dataclass(frozen=True)
class StaffShare:
    staff_id: int
    share_bp: int = FULL_SHARE_BP
    requested: bool = False


@dataclass(frozen=True)
class Approval:
    """A manager's PIN, checked on the spot (``approve``), for a discount above the limit."""

    staff_id: int
    name: str


@dataclass(frozen=True)
class AdjustmentView:
    source: str
    label: str
    amount_cents: int
    explanation: str
    reason: str


@dataclass(frozen=True)
class LineStaffView:
    staff_id: int
    name: str
    share_bp: int
    requested: bool


@dataclass(frozen=True)
class CartLineView:
    id: int
    kind: str
    item_id: int | None
    item_code: str
    description: str
    category: str
    qty: int
    list_unit_cents: int
    unit_cents: int
    gross_cents: int
    net_cents: int
    staff: tuple[LineStaffView, ...]
    adjustments: tuple[AdjustmentView, ...]
    note: str

    @property
    def discount_cents(self) -> int:
        return self.gross_cents - self.net_cents


@dataclass(frozen=True)
class TipView:
    staff_id: int
    name: str
    amount_cents: int


@dataclass(frozen=True)
class CartView:
    sale_id: int
    idempotency_key: str
    status: str
    member_id: int | None
    member_label: str
    park_label: str
    lines: tuple[CartLineView, ...]
    tips: tuple[TipView, ...]
    subtotal_cents: int
    discount_cents: int
    rounding_cents: int
    goods_total_cents: int
    tips_cents: int
    sale_discount_reason: str

    @property
    def total_cents(self) -> int:
        return self.goods_total_cents + self.tips_cents

    @property
    def is_empty(self) -> bool:
        return not self.lines


# Automatic discounts (member level, birthday, coupons, packages …) that other areas
# register: given the sale and its lines, the discounts for each line id, in order.
PriceRule = Callable[[Session, StoredSale, Sequence[StoredLine]], dict[int, list[LineDiscount]]]
PRICE_RULES: list[PriceRule] = [level_discounts, birthday_discounts]


# --- loading and pricing -------------------------------------------------------------


# The cart's reads run on every key the cashier presses: their statements are built once
# (building a statement and its cache key cost as much as running it on SQLite).
_SALE = select(Sale).where(col(Sale.id) == bindparam("sale_id"))
_SALE_LOCKED = _SALE.with_for_update()
_LINES = (
    select(SaleLine)
    .where(col(SaleLine.sale_id) == bindparam("sale_id"))
    .order_by(col(SaleLine.position), col(SaleLine.id))
)
_SHARE = SaleLineStaff.__table__.c  # type: ignore[attr-defined]
_STAFF = Staff.__table__.c  # type: ignore[attr-defined]
_TIP = SaleTip.__table__.c  # type: ignore[attr-defined]
_LINE = SaleLine.__table__.c  # type: ignore[attr-defined]
# Plain rows (no objects to build): who did each line, with their name, and the tips.
_LINE_SHARES = (
    select_rows(
        _SHARE.id,
        _SHARE.line_id,
        _SHARE.staff_id,
        _SHARE.share_bp,
        _SHARE.requested,
        func.coalesce(_STAFF.name, "?"),
    )
    .outerjoin_from(SaleLineStaff.__table__, Staff.__table__, _STAFF.id == _SHARE.staff_id)  # type: ignore[attr-defined]
    .join(SaleLine.__table__, _LINE.id == _SHARE.line_id)  # type: ignore[attr-defined]
    .where(_LINE.sale_id == bindparam("sale_id"))
    .order_by(_SHARE.id)
)
_TIPS = (
    select_rows(_TIP.staff_id, _TIP.amount_cents, func.coalesce(_STAFF.name, "?"))
    .outerjoin_from(SaleTip.__table__, Staff.__table__, _STAFF.id == _TIP.staff_id)  # type: ignore[attr-defined]
    .where(_TIP.sale_id == bindparam("sale_id"))
    .order_by(_TIP.id)
)


_ACTIVE_STAFF = select_rows(_STAFF.id).where(
    _STAFF.id == bindparam("staff_id"), _STAFF.active.is_(True)
)
# A share of a new line, written only for an active person: the check and the write in
# one statement (a person missing or gone writes no row, and the action is refused).
_NEW_SHARE = insert(SaleLineStaff.__table__).from_select(  # type: ignore[attr-defined]
    ["line_id", "staff_id", "share_bp", "requested", "basis_cents"],
    select_rows(
        bindparam("line_id", type_=Integer),
        _STAFF.id,
        bindparam("share_bp", type_=Integer),
        bindparam("requested", type_=Boolean),
        literal(0, Integer),
    ).where(_STAFF.id == bindparam("staff_id"), _STAFF.active.is_(True)),
)
# A new line goes in at the end of its sale, in one statement.
_NEW_LINE = insert(SaleLine.__table__).values(  # type: ignore[attr-defined]
    position=select_rows(func.coalesce(func.max(_LINE.position), 0) + 1)
    .where(_LINE.sale_id == bindparam("line_sale_id"))
    .scalar_subquery()
)


@dataclass(frozen=True, slots=True)
class LineShare:
    """One person's share of a line (``sale_line_staff``), with their name."""

    id: int
    line_id: int
    staff_id: int
    share_bp: int
    requested: bool
    name: str


@dataclass(frozen=True, slots=True)
class SaleTipRow:
    staff_id: int
    amount_cents: int
    name: str


def load_sale(session: Session, sale_id: int, *, lock: bool = False) -> Sale:
    sale = session.exec(_SALE_LOCKED if lock else _SALE, params={"sale_id": sale_id}).first()
    if sale is None:
        raise NotFound(_("There is no sale #{id}.").format(id=sale_id))
    return sale


def _open_sale(session: Session, sale_id: int) -> Sale:
    sale = load_sale(session, sale_id, lock=True)
    _refuse_closed(sale)
    return sale


def _open_sale_row(session: Session, sale_id: int) -> SaleRow:
    """``_open_sale`` as a plain row, for a change that writes no column of the sale."""
    sale = sale_row(session, sale_id, lock=True)
    if sale is None:
        raise NotFound(_("There is no sale #{id}.").format(id=sale_id))
    _refuse_closed(sale)
    return sale


def _refuse_closed(sale: StoredSale) -> None:
    if sale.status == SaleStatus.PARKED:
        raise Conflict(_("This sale is parked; resume it first."))
    if sale.status != SaleStatus.OPEN:
        raise Conflict(
            _("This sale is already {status}; it cannot change.").format(
                status=_(SALE_STATUS_LABELS[SaleStatus(sale.status)]).lower()
            )
        )


def editable_sale(session: Session, sale_id: int) -> Sale:
    """The sale, locked, when it is open for changes (refused when parked or closed)."""
    return _open_sale(session, sale_id)


def sale_lines(session: Session, sale_id: int) -> list[SaleLine]:
    return list(session.exec(_LINES, params={"sale_id": sale_id}))


def sale_tips(session: Session, sale_id: int) -> list[SaleTipRow]:
    """The sale's tips, in the order they were given, with who gets them."""
    rows = direct.run(session, _TIPS, {"sale_id": sale_id}).rows
    return [SaleTipRow(int(staff_id), int(cents), name) for staff_id, cents, name in rows]


def line_shares(session: Session, sale_id: int) -> list[LineShare]:
    """Who did the sale's lines, in the order they were put on them."""
    rows = direct.run(session, _LINE_SHARES, {"sale_id": sale_id}).rows
    return [
        LineShare(int(row_id), int(line_id), int(staff_id), int(share_bp), bool(requested), name)
        for row_id, line_id, staff_id, share_bp, requested, name in rows
    ]


def shop_rounding(session: Session) -> Rounding:
    """The shop's rounding (worked out once for the same settings: this runs on every
    cart change)."""
    return derived(session, "rounding", _work_out_rounding)


def _work_out_rounding(session: Session) -> Rounding:
    defaults = ShopSettings()
    unit = read_setting(session, SHOP_PREFIX + "rounding_unit_minor", defaults.rounding_unit_minor)
    mode = read_setting(session, SHOP_PREFIX + "rounding_mode", defaults.rounding_mode)
    return Rounding(int(unit), RoundingMode(mode))


def _manual_discounts(line: StoredLine) -> tuple[LineDiscount, ...]:
    if not (line.manual_discount_bp or line.manual_discount_cents):
        return ()
    return (
        LineDiscount(
            AdjustmentSource.MANUAL,
            percent_bp=line.manual_discount_bp,
            amount_cents=line.manual_discount_cents,
            reason=line.manual_discount_reason,
            approved_by=line.manual_discount_approved_by,
        ),
    )


def price_sale(
    session: Session,
    sale: StoredSale,
    lines: Sequence[StoredLine],
    rounding: Rounding | None = None,
) -> CartPrice:
    """The sale priced now: automatic discounts, manual ones, sale discount, rounding.

    Lines that sell the card economy (a top-up, a package, a gift card) go at face
    value: the automatic rules never see them and no discount reaches them."""
    load_checkout_plugins()
    goods = [line for line in lines if not is_card_sale(line.kind)]
    automatic: dict[int, list[LineDiscount]] = {}
    for rule in PRICE_RULES:
        for line_id, discounts in rule(session, sale, goods).items():
            automatic.setdefault(line_id, []).extend(discounts)
    to_price = []
    for line in lines:
        assert line.id is not None
        fixed = is_card_sale(line.kind)
        to_price.append(
            LineToPrice(
                key=line.id,
                qty=line.qty,
                list_unit_cents=line.list_unit_cents,
                unit_cents=line.unit_cents,
                discounts=() if fixed else (*automatic.get(line.id, ()), *_manual_discounts(line)),
                override_reason=line.override_reason,
                override_approved_by=line.override_approved_by,
                fixed=fixed,
            )
        )
    return price_cart(
        to_price,
        rounding or shop_rounding(session),
        sale_discount_cents=sale.sale_discount_cents,
        sale_discount_bp=sale.sale_discount_bp,
        sale_discount_reason=sale.sale_discount_reason,
        sale_discount_approved_by=sale.sale_discount_approved_by,
    )


def build_cart_view(session: Session, sale: StoredSale) -> CartView:
    assert sale.id is not None
    session.flush()  # the cart is read with plain statements: what changed as objects first
    lines = line_rows(session, sale.id)
    shares = line_shares(session, sale.id) if lines else []
    tips = sale_tips(session, sale.id)
    priced = price_sale(session, sale, lines)
    line_views = []
    for line in lines:
        assert line.id is not None
        priced_line = priced.line(line.id)
        line_views.append(
            CartLineView(
                id=line.id,
                kind=line.kind,
                item_id=line.item_id,
                item_code=line.item_code,
                description=line.description,
                category=line.category,
                qty=line.qty,
                list_unit_cents=line.list_unit_cents,
                unit_cents=line.unit_cents,
                gross_cents=priced_line.gross_cents,
                net_cents=priced_line.net_cents,
                staff=tuple(
                    LineStaffView(s.staff_id, s.name, s.share_bp, s.requested)
                    for s in shares
                    if s.line_id == line.id
                ),
                adjustments=tuple(
                    AdjustmentView(
                        a.source.value,
                        _(ADJUSTMENT_LABELS[a.source]),
                        a.amount_cents,
                        a.explanation,
                        a.reason,
                    )
                    for a in priced_line.adjustments
                ),
                note=line.note,
            )
        )
    tip_views = tuple(TipView(t.staff_id, t.name, t.amount_cents) for t in tips)
    return CartView(
        sale_id=sale.id,
        idempotency_key=sale.idempotency_key,
        status=sale.status,
        member_id=sale.member_id,
        member_label=sale.member_label,
        park_label=sale.park_label,
        lines=tuple(line_views),
        tips=tip_views,
        subtotal_cents=priced.subtotal_cents,
        discount_cents=priced.discount_cents,
        rounding_cents=priced.rounding_cents,
        goods_total_cents=priced.goods_total_cents,
        tips_cents=sum(t.amount_cents for t in tips),
        sale_discount_reason=sale.sale_discount_reason,
    )


# --- checks --------------------------------------------------------------------------


def _clean_text(text: str, field: str, limit: int = TEXT_MAX, *, needed: bool = False) -> str:
    cleaned = " ".join(text.split())
    if needed and not cleaned:
        raise ValidationError(_("Please give a reason."), field=field)
    if len(cleaned) > limit:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=limit), field=field
        )
    return cleaned


def _check_price(unit_cents: int) -> None:
    if unit_cents < 0:
        raise ValidationError(_("A price cannot be negative."), field="price")
    if unit_cents > PRICE_MAX_CENTS:
        raise ValidationError(_("That price is too large; check the amount."), field="price")


def _check_qty(qty: int) -> None:
    if not 1 <= qty <= QTY_MAX:
        raise ValidationError(
            _("The quantity is between 1 and {most}.").format(most=QTY_MAX), field="qty"
        )


def _check_shares(session: Session, shares: Sequence[StaffShare]) -> None:
    _check_share_split(shares)
    for share in shares:
        if direct.run(session, _ACTIVE_STAFF, {"staff_id": share.staff_id}).first() is None:
            _refuse_missing_staff(share.staff_id)


def _refuse_missing_staff(staff_id: int) -> None:
    raise ValidationError(
        _("There is no active staff member #{id}.").format(id=staff_id), field="staff"
    )


def _check_share_split(shares: Sequence[StaffShare]) -> None:
    """Each person once, shares adding up to 100 % (who they are is checked apart)."""
    if not shares:
        return
    if len({share.staff_id for share in shares}) != len(shares):
        raise ValidationError(_("Each person appears once on a line."), field="staff")
    if (
        any(share.share_bp <= 0 for share in shares)
        or sum(share.share_bp for share in shares) != FULL_SHARE_BP
    ):
        raise ValidationError(_("The shares of a line add up to 100 %."), field="staff")


def discount_limit_bp(session: Session) -> int:
    return int(read_setting(session, DISCOUNT_LIMIT_KEY, DISCOUNT_LIMIT_DEFAULT_BP))


def _check_approval(
    session: Session, actor: Actor, share_bp: int, approval: Approval | None
) -> int | None:
    """Who approved a discount of ``share_bp``; refuses one above the limit without a PIN."""
    if share_bp <= discount_limit_bp(session) or actor.can("sales.approve_discount"):
        return approval.staff_id if approval else None
    if approval is None:
        raise PermissionDenied(
            _("A discount of more than {limit} % needs a manager's PIN.").format(
                limit=discount_limit_bp(session) // 100
            )
        )
    return approval.staff_id


def approve(uow: UnitOfWork, staff_id: int, pin: str) -> Approval:
    """A manager approves on the spot with their PIN (checked and audited like a login)."""
    approver = confirm_with_pin(uow, pin, staff_id=staff_id, permission="sales.approve_discount")
    assert approver.staff_id is not None
    return Approval(approver.staff_id, approver.name)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# --- use-cases -------------------------------------------------------------------------


def _member_label(session: Session, member_id: int, label: str) -> str:
    from salon_tui.data.models import Member

    member = session.get(Member, member_id)
    if member is None or member.status != "active":
        raise NotFound(_("There is no active member #{id}.").format(id=member_id))
    return label or member.name


def open_sale(
    uow: UnitOfWork, actor: Actor, *, member_id: int | None = None, member_label: str = ""
) -> CartView:
    """Start a sale (walk-in unless a member is given); its idempotency key is made now."""
    require(actor, "sales.sell")
    assert actor.staff_id is not None
    with uow.transaction() as session:
        if member_id is not None:
            member_label = _member_label(session, member_id, member_label)
        sale = Sale(
            idempotency_key=new_idempotency_key(),
            status=SaleStatus.OPEN.value,
            store_id=terminal_store(session).id,
            member_id=member_id,
            member_label=_clean_text(member_label, "member", 80),
            opened_by=actor.staff_id,
            opened_at=utc_now(),
        )
        session.add(sale)
        session.flush()
        assert sale.id is not None
        # A new sale has nothing to price yet (F2 opens one for every client).
        return CartView(
            sale_id=sale.id,
            idempotency_key=sale.idempotency_key,
            status=sale.status,
            member_id=sale.member_id,
            member_label=sale.member_label,
            park_label=sale.park_label,
            lines=(),
            tips=(),
            subtotal_cents=0,
            discount_cents=0,
            rounding_cents=0,
            goods_total_cents=0,
            tips_cents=0,
            sale_discount_reason=sale.sale_discount_reason,
        )


def get_cart(uow: UnitOfWork, actor: Actor, sale_id: int) -> CartView:
    require(actor, "sales.sell")
    with uow.read() as session:
        return build_cart_view(session, load_sale(session, sale_id))


def set_member(
    uow: UnitOfWork, actor: Actor, sale_id: int, member_id: int | None, member_label: str = ""
) -> CartView:
    """Put a member on the sale, or make it a walk-in (None)."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        if member_id is not None:
            member_label = _member_label(session, member_id, member_label)
        elif any(line.kind in MEMBER_KINDS for line in sale_lines(session, sale_id)):
            raise ValidationError(
                _("A top-up or a package on this sale is for a member: remove it first.")
            )
        sale.member_id = member_id
        sale.member_label = _clean_text(member_label, "member", 80) if member_id else ""
        session.add(sale)
        session.flush()
        return build_cart_view(session, sale)


def add_line(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    *,
    kind: LineKind | str,
    description: str,
    unit_cents: int,
    qty: int = 1,
    item_id: int | None = None,
    item_code: str = "",
    category: str = "",
    staff: Sequence[StaffShare] = (),
    note: str = "",
) -> CartView:
    """Add a line at its list price; services take who did them (shares add up to 100 %).
    Top-ups, packages and gift cards come in through ``services.sale_cards``."""
    require(actor, "sales.sell")
    try:
        line_kind = LineKind(kind)
    except ValueError:
        raise ValidationError(_("Unknown kind of line {kind!r}.").format(kind=kind)) from None
    if is_card_sale(line_kind):
        raise ValidationError(
            _("A top-up, a package or a gift card is added with its own command."), field="kind"
        )
    with uow.transaction() as session:
        sale = _open_sale_row(session, sale_id)
        insert_line(
            session,
            sale,
            kind=line_kind,
            description=description,
            unit_cents=unit_cents,
            qty=qty,
            item_id=item_id,
            item_code=item_code,
            category=category,
            staff=staff,
            note=note,
        )
        return build_cart_view(session, sale)


def insert_line(
    session: Session,
    sale: StoredSale,
    *,
    kind: LineKind,
    description: str,
    unit_cents: int,
    qty: int = 1,
    item_id: int | None = None,
    item_code: str = "",
    category: str = "",
    staff: Sequence[StaffShare] = (),
    note: str = "",
) -> int:
    """Put a checked line on an open sale (in the caller's transaction); its id."""
    text = _clean_text(description, "description", DESCRIPTION_MAX)
    if not text:
        raise ValidationError(_("A line needs a description."), field="description")
    _check_price(unit_cents)
    _check_qty(qty)
    assert sale.id is not None
    sale_id = sale.id
    _check_share_split(staff)  # who they are: with the shares' insert below
    # Plain statements: the line is read back with the cart, never used as an object here.
    values = {
        "line_sale_id": sale_id,
        "sale_id": sale_id,
        "kind": kind.value,
        "item_id": item_id,
        "item_code": item_code[:40],
        "description": text,
        "category": category[:60],
        "qty": qty,
        "list_unit_cents": unit_cents,
        "unit_cents": unit_cents,
        "note": _clean_text(note, "note"),
    }
    inserted = direct.run(session, _NEW_LINE, values, columns=tuple(values))
    line_id = int(inserted.scalar() if inserted.rows else inserted.lastrowid or 0)
    for share in staff:
        written = direct.run(
            session,
            _NEW_SHARE,
            {
                "line_id": line_id,
                "staff_id": share.staff_id,
                "share_bp": share.share_bp,
                "requested": share.requested,
            },
        )
        if written.rowcount != 1:  # the caller's transaction rolls the line back
            _refuse_missing_staff(share.staff_id)
    return line_id


def _line_of(session: Session, sale: Sale, line_id: int) -> SaleLine:
    line = session.get(SaleLine, line_id)
    if line is None or line.sale_id != sale.id:
        raise NotFound(_("That line is not on this sale."))
    return line


def _refuse_card_line(line: SaleLine) -> None:
    if is_card_sale(line.kind):
        raise ValidationError(
            _(
                "{item} is sold at its face value, one at a time: remove the line and "
                "add it again to change it."
            ).format(item=line.description)
        )


def set_qty(uow: UnitOfWork, actor: Actor, sale_id: int, line_id: int, qty: int) -> CartView:
    require(actor, "sales.sell")
    _check_qty(qty)
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        line = _line_of(session, sale, line_id)
        _refuse_card_line(line)
        line.qty = qty
        session.add(line)
        session.flush()
        return build_cart_view(session, sale)


def remove_line(uow: UnitOfWork, actor: Actor, sale_id: int, line_id: int) -> CartView:
    """Take a line off an unpaid sale (nothing was charged for it yet)."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        line = _line_of(session, sale, line_id)
        for old_share in session.exec(
            select(SaleLineStaff).where(col(SaleLineStaff.line_id) == line_id)
        ):
            session.delete(old_share)
        session.flush()
        session.delete(line)
        session.flush()
        return build_cart_view(session, sale)


def set_line_staff(
    uow: UnitOfWork, actor: Actor, sale_id: int, line_id: int, staff: Sequence[StaffShare]
) -> CartView:
    """Who did a line: one person, or several with shares adding up to 100 %."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        line = _line_of(session, sale, line_id)
        _check_shares(session, staff)
        if is_card_sale(line.kind) and len(staff) != 1:
            raise ValidationError(
                _("One person sells a top-up, a package or a gift card."), field="staff"
            )
        for old_share in session.exec(
            select(SaleLineStaff).where(col(SaleLineStaff.line_id) == line_id)
        ):
            session.delete(old_share)
        session.flush()
        for share in staff:
            session.add(
                SaleLineStaff(
                    line_id=line_id,
                    staff_id=share.staff_id,
                    share_bp=share.share_bp,
                    requested=share.requested,
                )
            )
        session.flush()
        return build_cart_view(session, sale)


def set_tip(
    uow: UnitOfWork, actor: Actor, sale_id: int, staff_id: int, amount_cents: int
) -> CartView:
    """A tip for one person (0 removes it); paid with the sale, never discounted."""
    require(actor, "sales.sell")
    _check_price(amount_cents)
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        _check_shares(session, [StaffShare(staff_id)])
        existing = session.exec(
            select(SaleTip).where(
                col(SaleTip.sale_id) == sale_id, col(SaleTip.staff_id) == staff_id
            )
        ).first()
        if existing is not None:
            if amount_cents:
                existing.amount_cents = amount_cents
                session.add(existing)
            else:
                session.delete(existing)
        elif amount_cents:
            session.add(SaleTip(sale_id=sale_id, staff_id=staff_id, amount_cents=amount_cents))
        session.flush()
        return build_cart_view(session, sale)


def _discount_request(percent_bp: int, amount_cents: int) -> None:
    if percent_bp and amount_cents:
        raise ValidationError(_("Give a percent or an amount, not both."), field="discount")
    if not 0 <= percent_bp <= 10_000:
        raise ValidationError(_("A discount is between 0 % and 100 %."), field="discount")
    if amount_cents < 0:
        raise ValidationError(_("A discount cannot be negative."), field="discount")


def discount_line(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    line_id: int,
    *,
    percent_bp: int = 0,
    amount_cents: int = 0,
    reason: str = "",
    approval: Approval | None = None,
) -> CartView:
    """A manual discount on one line, with a reason; above the shop's limit a manager's
    PIN approves it. Zero removes it. Audited."""
    require(actor, "sales.discount")
    _discount_request(percent_bp, amount_cents)
    removing = not (percent_bp or amount_cents)
    cleaned = _clean_text(reason, "reason", needed=not removing)
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        line = _line_of(session, sale, line_id)
        _refuse_card_line(line)
        base = line.qty * line.unit_cents
        if amount_cents > base:
            raise ValidationError(_("The discount is more than the line costs."), field="discount")
        share = percent_bp or discount_share_bp(base, amount_cents)
        approved_by = None if removing else _check_approval(session, actor, share, approval)
        before = {
            "percent_bp": line.manual_discount_bp,
            "amount_cents": line.manual_discount_cents,
        }
        line.manual_discount_bp = percent_bp
        line.manual_discount_cents = amount_cents
        line.manual_discount_reason = cleaned
        line.manual_discount_approved_by = approved_by
        session.add(line)
        session.flush()
        audit.record(
            session,
            actor,
            "sales.discount_line",
            "sale",
            sale_id,
            before=before,
            after={
                "line_id": line_id,
                "percent_bp": percent_bp,
                "amount_cents": amount_cents,
                "reason": cleaned,
                "approved_by": approved_by,
            },
        )
        return build_cart_view(session, sale)


def override_price(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    line_id: int,
    unit_cents: int,
    *,
    reason: str,
    approval: Approval | None = None,
) -> CartView:
    """Charge another unit price than the list price, with a reason (audited); a cut
    above the discount limit needs a manager's PIN."""
    require(actor, "sales.override_price")
    _check_price(unit_cents)
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        line = _line_of(session, sale, line_id)
        _refuse_card_line(line)
        back_to_list = unit_cents == line.list_unit_cents
        cleaned = _clean_text(reason, "reason", needed=not back_to_list)
        cut = max(line.list_unit_cents - unit_cents, 0)
        share = discount_share_bp(line.list_unit_cents, cut)
        approved_by = None if back_to_list else _check_approval(session, actor, share, approval)
        before = {"unit_cents": line.unit_cents}
        line.unit_cents = unit_cents
        line.override_reason = "" if back_to_list else cleaned
        line.override_approved_by = approved_by
        if line.manual_discount_cents > line.qty * unit_cents:
            line.manual_discount_cents = 0
            line.manual_discount_reason = ""
        session.add(line)
        session.flush()
        audit.record(
            session,
            actor,
            "sales.override_price",
            "sale",
            sale_id,
            before=before,
            after={
                "line_id": line_id,
                "unit_cents": unit_cents,
                "list_unit_cents": line.list_unit_cents,
                "reason": cleaned,
                "approved_by": approved_by,
            },
        )
        return build_cart_view(session, sale)


def discount_sale(
    uow: UnitOfWork,
    actor: Actor,
    sale_id: int,
    *,
    percent_bp: int = 0,
    amount_cents: int = 0,
    reason: str = "",
    approval: Approval | None = None,
) -> CartView:
    """A discount on the whole sale, spread over its lines; zero removes it. Audited."""
    require(actor, "sales.discount")
    _discount_request(percent_bp, amount_cents)
    removing = not (percent_bp or amount_cents)
    cleaned = _clean_text(reason, "reason", needed=not removing)
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        sale.sale_discount_cents = 0
        sale.sale_discount_bp = 0
        priced = price_sale(session, sale, sale_lines(session, sale_id))
        base = priced.goods_total_cents + priced.rounding_cents
        if amount_cents > base:
            raise ValidationError(_("The discount is more than the sale costs."), field="discount")
        share = percent_bp or discount_share_bp(base, amount_cents)
        approved_by = None if removing else _check_approval(session, actor, share, approval)
        sale.sale_discount_bp = percent_bp
        sale.sale_discount_cents = amount_cents
        sale.sale_discount_reason = cleaned
        sale.sale_discount_approved_by = approved_by
        session.add(sale)
        session.flush()
        audit.record(
            session,
            actor,
            "sales.discount_sale",
            "sale",
            sale_id,
            after={
                "percent_bp": percent_bp,
                "amount_cents": amount_cents,
                "reason": cleaned,
                "approved_by": approved_by,
            },
        )
        return build_cart_view(session, sale)


def park_sale(uow: UnitOfWork, actor: Actor, sale_id: int, label: str = "") -> CartView:
    """Set an unpaid sale aside (挂单) for later, on this or another terminal."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = _open_sale(session, sale_id)
        if not sale_lines(session, sale_id):
            raise ValidationError(_("An empty sale is not worth parking; void it instead."))
        sale.status = SaleStatus.PARKED.value
        sale.park_label = _clean_text(label, "label", 80)
        session.add(sale)
        session.flush()
        load_checkout_plugins()
        for parked_hook in SALE_PARKED:
            parked_hook(session, actor, sale, sale_lines(session, sale_id))
        audit.record(
            session, actor, "sales.park", "sale", sale_id, after={"label": sale.park_label}
        )
        return build_cart_view(session, sale)


def resume_sale(uow: UnitOfWork, actor: Actor, sale_id: int) -> CartView:
    """Bring a parked sale back; prices and discounts are worked out again now."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale = load_sale(session, sale_id, lock=True)
        if sale.status != SaleStatus.PARKED:
            raise Conflict(_("Only a parked sale can be resumed."))
        sale.status = SaleStatus.OPEN.value
        session.add(sale)
        session.flush()
        audit.record(session, actor, "sales.resume", "sale", sale_id)
        return build_cart_view(session, sale)


def void_sale(uow: UnitOfWork, actor: Actor, sale_id: int, reason: str = "") -> CartView:
    """Cancel an unpaid sale; its lines stay on record and the audit keeps what it held."""
    require(actor, "sales.void")
    with uow.transaction() as session:
        sale = load_sale(session, sale_id, lock=True)
        if sale.status not in {SaleStatus.OPEN, SaleStatus.PARKED}:
            raise Conflict(_("Only an unpaid sale can be voided; refund a paid one."))
        lines = sale_lines(session, sale_id)
        cleaned = _clean_text(reason, "reason", needed=bool(lines))
        view = build_cart_view(session, sale)
        sale.status = SaleStatus.VOIDED.value
        sale.void_reason = cleaned
        sale.closed_at = utc_now()
        session.add(sale)
        session.flush()
        audit.record(
            session,
            actor,
            "sales.void",
            "sale",
            sale_id,
            before={
                "lines": [
                    {"description": line.description, "qty": line.qty, "net_cents": line.net_cents}
                    for line in view.lines
                ],
                "total_cents": view.total_cents,
            },
            after={"status": SaleStatus.VOIDED.value, "reason": cleaned},
        )
        return build_cart_view(session, sale)


@dataclass(frozen=True)
class UnpaidSale:
    sale_id: int
    status: str
    member_label: str
    park_label: str
    lines: int
    opened_by: str
    opened_at_iso: str


def list_unpaid(uow: UnitOfWork, actor: Actor) -> list[UnpaidSale]:
    """Open and parked sales, oldest first (what a terminal can resume)."""
    require(actor, "sales.sell")
    with uow.read() as session:
        rows = session.exec(
            select(Sale, Staff.name, func.count(col(SaleLine.id)))
            .join(Staff, col(Staff.id) == col(Sale.opened_by))
            .outerjoin(SaleLine, col(SaleLine.sale_id) == col(Sale.id))
            .where(col(Sale.status).in_([SaleStatus.OPEN.value, SaleStatus.PARKED.value]))
            .group_by(col(Sale.id), col(Staff.name))
            .order_by(col(Sale.opened_at))
        ).all()
        return [
            UnpaidSale(
                sale_id=sale.id or 0,
                status=sale.status,
                member_label=sale.member_label,
                park_label=sale.park_label,
                lines=int(count),
                opened_by=name,
                opened_at_iso=sale.opened_at.isoformat(),
            )
            for sale, name, count in rows
        ]
