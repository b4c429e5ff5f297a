"""What a receipt says, as plain data: the read model checkout, cards and reports hand in.

A ``Receipt`` holds amounts in minor units and names already in the shop's language; the
layout step (``printing.layout``) turns it into lines for a paper width. Receipts are
stored in the print queue as JSON (``to_json``/``receipt_from_json``), so a reprint
months later shows exactly what the first print showed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, is_dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ReceiptKind(StrEnum):
    SALE = "sale"
    TOP_UP = "top_up"
    TOP_UP_UNDO = "top_up_undo"
    REFUND = "refund"
    GIFT_CARD = "gift_card"
    DAY_CLOSE = "day_close"


class PaymentMethod(StrEnum):
    CASH = "cash"
    BANK_CARD = "bank_card"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    STORED_VALUE = "stored_value"
    PACKAGE = "package"
    POINTS = "points"
    COUPON = "coupon"
    GIFT_CARD = "gift_card"


@dataclass(frozen=True)
class ShopLines:
    """The header every receipt starts with."""

    name: str
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ReceiptLine:
    """One service or product sold (or refunded)."""

    description: str
    quantity: int
    unit_price_cents: int
    amount_cents: int  # after this line's discount
    stylist: str = ""
    discount_cents: int = 0
    discount_source: str = ""  # "会员9折", "coupon NEW20" …


@dataclass(frozen=True)
class Payment:
    method: str  # a PaymentMethod, or a tender another area registered
    amount_cents: int
    detail: str = ""  # card tail, voucher code …
    label: str = ""  # printed when the method has no label of its own


@dataclass(frozen=True)
class PackageBalance:
    name: str
    used: int
    left: int


@dataclass(frozen=True)
class MemberStatement:
    """The member block (FEATURES C8): balances before → after, uses left, points."""

    name: str
    card_masked: str
    phone_masked: str = ""
    level: str = ""
    stored_value_before_cents: int | None = None
    stored_value_after_cents: int | None = None
    packages: tuple[PackageBalance, ...] = ()
    points_earned: int | None = None
    points_balance: int | None = None
    coupons_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredValueMove:
    """What a top-up (or its undoing, with negative amounts) did to a member's stored
    value: paid, bonus of the promotion, what else the promotion gave, principal and
    bonus before → after."""

    paid_cents: int
    bonus_cents: int
    principal_before_cents: int
    principal_after_cents: int
    bonus_before_cents: int
    bonus_after_cents: int
    promotion: str = ""
    points: int = 0  # given by the promotion (taken back: negative)
    coupons: tuple[str, ...] = ()  # given (or voided by an undo), "name (code)"
    level: str = ""  # the level the top-up raised the member to (an undo: put back to)
    reverses: str = ""  # an undo: the receipt number of the top-up it cancels
    reason: str = ""  # an undo: why


@dataclass(frozen=True)
class SummaryRow:
    """A labelled amount on a day-close (Z) report: takings per method, counts."""

    label: str
    amount_cents: int | None = None
    count: int | None = None


@dataclass(frozen=True)
class Receipt:
    kind: ReceiptKind
    number: str
    issued_at: datetime  # aware UTC
    timezone: str
    language: str  # "zh_CN" or "en": the shop's language
    currency: str
    shop: ShopLines
    cashier: str = ""
    lines: tuple[ReceiptLine, ...] = ()
    subtotal_cents: int = 0
    discount_cents: int = 0
    rounding_cents: int = 0
    total_cents: int = 0
    tip_cents: int = 0
    payments: tuple[Payment, ...] = ()
    tendered_cents: int | None = None
    change_cents: int | None = None
    member: MemberStatement | None = None
    next_booking: str = ""
    summary: tuple[SummaryRow, ...] = ()
    stored_value: StoredValueMove | None = None
    qr_data: str = ""
    barcode_data: str = ""
    footer: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def paid_in_cash(self) -> bool:
        return any(payment.method == PaymentMethod.CASH for payment in self.payments)

    @property
    def opens_drawer(self) -> bool:
        """A cash drawer opens for money taken or given back in cash, never for a Z report."""
        return self.kind is not ReceiptKind.DAY_CLOSE and self.paid_in_cash

    def to_json(self) -> str:
        data = dict(self.__dict__)
        data["issued_at"] = self.issued_at.isoformat()
        return _RECEIPT_JSON.encode(data)


def _fields_of(value: Any) -> dict[str, Any]:
    """A dataclass the receipt holds, as the JSON encoder's dict: its fields (the
    instance's own dict, not copied: a receipt's dataclasses keep nothing else there).
    The C encoder walks the rest itself, so a receipt costs one call per dataclass
    instead of a Python call per value (it is written on every sale)."""
    if is_dataclass(value) and not isinstance(value, type):
        return value.__dict__
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# What ``dataclasses.asdict`` and ``json.dumps(..., ensure_ascii=False, sort_keys=True)``
# gave, with one encoder built once.
_RECEIPT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_fields_of)


def receipt_from_json(text: str) -> Receipt:
    data: dict[str, Any] = json.loads(text)
    member = data.get("member")
    move = data.get("stored_value")
    return Receipt(
        kind=ReceiptKind(data["kind"]),
        number=data["number"],
        issued_at=datetime.fromisoformat(data["issued_at"]),
        timezone=data["timezone"],
        language=data["language"],
        currency=data["currency"],
        shop=ShopLines(**data["shop"]),
        cashier=data.get("cashier", ""),
        lines=tuple(ReceiptLine(**line) for line in data.get("lines", ())),
        subtotal_cents=data.get("subtotal_cents", 0),
        discount_cents=data.get("discount_cents", 0),
        rounding_cents=data.get("rounding_cents", 0),
        total_cents=data.get("total_cents", 0),
        tip_cents=data.get("tip_cents", 0),
        payments=tuple(
            Payment(p["method"], p["amount_cents"], p.get("detail", ""), p.get("label", ""))
            for p in data.get("payments", ())
        ),
        tendered_cents=data.get("tendered_cents"),
        change_cents=data.get("change_cents"),
        member=None
        if member is None
        else MemberStatement(
            **{
                **member,
                "packages": tuple(PackageBalance(**p) for p in member.get("packages", ())),
                "coupons_used": tuple(member.get("coupons_used", ())),
            }
        ),
        next_booking=data.get("next_booking", ""),
        summary=tuple(SummaryRow(**row) for row in data.get("summary", ())),
        stored_value=None
        if move is None
        else StoredValueMove(**{**move, "coupons": tuple(move.get("coupons", ()))}),
        qr_data=data.get("qr_data", ""),
        barcode_data=data.get("barcode_data", ""),
        footer=data.get("footer", ""),
        notes=tuple(data.get("notes", ())),
    )
