"""Sales (收银): the sale and its lines, payments, refunds, commissions, cash drawer.

Money columns are integer minor units. Paid sales, payments, refund rows, commission
entries and drawer movements are never updated or deleted; a refund is a new row that
points at what it gives back, and a commission reversal is a negative entry.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class NumberSequence(SQLModel, table=True):
    """The last number handed out in a series (sales, refunds) on one business day.

    Taken inside the committing transaction, so a rolled-back sale leaves no gap.
    """

    __tablename__ = "number_sequence"

    series: str = Field(primary_key=True, max_length=20)
    business_day: date = Field(primary_key=True)
    last_value: int = Field(default=0)


class Sale(SQLModel, table=True):
    """A sale from the moment it opens (cart) to paid, voided or refunded.

    ``number`` (20261122-0042) is given when it is paid; open, parked and voided
    sales have none, so the paid numbers of a day run without gaps.
    """

    __tablename__ = "sale"
    __table_args__ = (
        UniqueConstraint("business_day", "store_id", "day_seq", name="ux_sale_day_seq"),
        Index("ux_sale_number", "number", unique=True),
        Index("ux_sale_idempotency_key", "idempotency_key", unique=True),
        Index("ix_sale_status", "status", "opened_at"),
        Index("ix_sale_paid_at", "paid_at"),
        Index("ix_sale_member", "member_id", "paid_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64)
    status: str = Field(max_length=12)
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    number: str | None = Field(default=None, max_length=20)
    business_day: date | None = Field(default=None)
    day_seq: int | None = Field(default=None)
    member_id: int | None = Field(default=None)
    member_label: str = Field(default="", max_length=80)
    park_label: str = Field(default="", max_length=80)
    note: str = Field(default="", max_length=200)
    # A discount on the whole sale, before rounding: an amount or basis points of the cart.
    sale_discount_cents: int = Field(default=0)
    sale_discount_bp: int = Field(default=0)
    sale_discount_reason: str = Field(default="", max_length=200)
    sale_discount_approved_by: int | None = Field(default=None)
    # Fixed when paid; zero before.
    subtotal_cents: int = Field(default=0)
    discount_cents: int = Field(default=0)
    rounding_cents: int = Field(default=0)
    tips_cents: int = Field(default=0)
    total_cents: int = Field(default=0)
    opened_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    paid_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    paid_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    void_reason: str = Field(default="", max_length=200)


class SaleLine(SQLModel, table=True):
    """What was sold: a service, a product or another item, at a price, for a quantity."""

    __tablename__ = "sale_line"
    __table_args__ = (Index("ix_sale_line_sale", "sale_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    position: int = Field(default=0)
    kind: str = Field(max_length=12)
    item_id: int | None = Field(default=None)
    item_code: str = Field(default="", max_length=40)
    description: str = Field(max_length=120)
    category: str = Field(default="", max_length=60)
    qty: int = Field(default=1)
    list_unit_cents: int = Field(default=0)
    unit_cents: int = Field(default=0)
    override_reason: str = Field(default="", max_length=200)
    override_approved_by: int | None = Field(default=None)
    manual_discount_cents: int = Field(default=0)
    manual_discount_bp: int = Field(default=0)
    manual_discount_reason: str = Field(default="", max_length=200)
    manual_discount_approved_by: int | None = Field(default=None)
    note: str = Field(default="", max_length=200)
    # Fixed when paid: qty × unit price, every discount on the line, and what is charged.
    gross_cents: int = Field(default=0)
    discount_cents: int = Field(default=0)
    net_cents: int = Field(default=0)


class SaleLineStaff(SQLModel, table=True):
    """Who did a line, with their share (basis points, summing to 10 000 per line)."""

    __tablename__ = "sale_line_staff"
    __table_args__ = (
        UniqueConstraint("line_id", "staff_id", name="ux_sale_line_staff"),
        Index("ix_sale_line_staff_staff", "staff_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(sa_column=Column(Integer, ForeignKey("sale_line.id"), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    share_bp: int = Field(default=10_000)
    requested: bool = Field(default=False)
    # Fixed when paid: this person's part of the line's net amount.
    basis_cents: int = Field(default=0)


class SaleAdjustment(SQLModel, table=True):
    """One discount on one line of a paid sale, with where it came from.

    ``source`` is level, birthday, coupon, package, points, manual, override,
    sale_discount or rounding; ``amount_cents`` is what it took off (negative when
    rounding half up added to the line).
    """

    __tablename__ = "sale_adjustment"
    __table_args__ = (Index("ix_sale_adjustment_line", "line_id"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(sa_column=Column(Integer, ForeignKey("sale_line.id"), nullable=False))
    source: str = Field(max_length=20)
    amount_cents: int
    explanation: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=200)
    approved_by: int | None = Field(default=None)


class SaleTip(SQLModel, table=True):
    """A tip for one person on a sale; paid with the sale, not commission."""

    __tablename__ = "sale_tip"
    __table_args__ = (UniqueConstraint("sale_id", "staff_id", name="ux_sale_tip_staff"),)

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    amount_cents: int


class Refund(SQLModel, table=True):
    """Money given back for (part of) a paid sale, numbered in today's refund series."""

    __tablename__ = "refund"
    __table_args__ = (
        UniqueConstraint("business_day", "store_id", "day_seq", name="ux_refund_day_seq"),
        Index("ux_refund_number", "number", unique=True),
        Index("ux_refund_idempotency_key", "idempotency_key", unique=True),
        Index("ix_refund_sale", "sale_id"),
        Index("ix_refund_at", "refunded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64)
    number: str = Field(max_length=20)
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    business_day: date
    day_seq: int
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    amount_cents: int
    tips_cents: int = Field(default=0)
    reason: str = Field(max_length=200)
    refunded_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    refunded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class RefundLine(SQLModel, table=True):
    __tablename__ = "refund_line"
    __table_args__ = (
        Index("ix_refund_line_refund", "refund_id"),
        Index("ix_refund_line_sale_line", "sale_line_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    refund_id: int = Field(sa_column=Column(Integer, ForeignKey("refund.id"), nullable=False))
    sale_line_id: int = Field(sa_column=Column(Integer, ForeignKey("sale_line.id"), nullable=False))
    qty: int
    amount_cents: int


class Payment(SQLModel, table=True):
    """Money in (a sale, positive) or out (a refund, negative) by one tender."""

    __tablename__ = "payment"
    __table_args__ = (
        Index("ix_payment_sale", "sale_id"),
        Index("ix_payment_refund", "refund_id"),
        Index("ix_payment_day", "business_day", "tender"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    refund_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("refund.id"), nullable=True)
    )
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    business_day: date
    tender: str = Field(max_length=20)
    amount_cents: int
    tendered_cents: int = Field(default=0)
    change_cents: int = Field(default=0)
    reference: str = Field(default="", max_length=80)
    drawer_session_id: int | None = Field(default=None)
    paid_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CommissionStaffLevel(SQLModel, table=True):
    """The level a person is paid at (总监, 发型师, 助理 …), used to pick commission rules."""

    __tablename__ = "commission_staff_level"

    staff_id: int = Field(
        sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, nullable=False)
    )
    level: str = Field(max_length=40)


class CommissionRule(SQLModel, table=True):
    """What a line earns its stylist: the most specific matching active rule applies.

    Empty ``staff_level``, ``line_kind``, ``category`` and a null ``requested`` match
    anything. ``tiers_json`` lists [threshold_cents, rate_bp] brackets of a person's
    monthly basis; ``tier_mode`` says whether a higher bracket pays on the whole month
    (``whole``) or only on the part above its threshold (``above``).
    """

    __tablename__ = "commission_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    staff_level: str = Field(default="", max_length=40)
    line_kind: str = Field(default="", max_length=12)
    category: str = Field(default="", max_length=60)
    requested: bool | None = Field(default=None)
    method: str = Field(max_length=10)
    rate_bp: int = Field(default=0)
    fixed_cents: int = Field(default=0)
    tier_mode: str = Field(default="above", max_length=10)
    tiers_json: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CommissionEntry(SQLModel, table=True):
    """Commission earned (positive) or reversed by a refund (negative); append-only.

    A sale's line earns it (``sale_id``, ``sale_line_id``); a top-up, package or gift card
    sold at the Cards desk, outside a sale, earns it as ``card_kind`` and ``card_id``
    (the stored value entry, the member package, the gift card) in ``store_id``.
    """

    __tablename__ = "commission_entry"
    __table_args__ = (
        # Holds kind and basis too: a person's month so far is summed from the index
        # alone on every payment with a tiered rule.
        Index("ix_commission_entry_staff_month", "staff_id", "business_day", "kind", "basis_cents"),
        Index("ix_commission_entry_line", "sale_line_id"),
        Index("ix_commission_entry_card", "card_kind", "card_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    sale_line_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale_line.id"), nullable=True)
    )
    card_kind: str = Field(default="", max_length=12)
    card_id: int | None = Field(default=None)
    store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )
    refund_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("refund.id"), nullable=True)
    )
    rule_id: int | None = Field(default=None)
    kind: str = Field(max_length=12)  # line, tier_top_up, reversal
    business_day: date
    basis_cents: int
    rate_bp: int = Field(default=0)
    amount_cents: int
    explanation: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DrawerSession(SQLModel, table=True):
    """One cash drawer from opening (with a float) to the count at close."""

    __tablename__ = "drawer_session"
    __table_args__ = (Index("ix_drawer_session_status", "status", "opened_at"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=10)
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    business_day: date
    float_cents: int
    opened_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    expected_cents: int | None = Field(default=None)
    counted_cents: int | None = Field(default=None)
    counts_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    close_note: str = Field(default="", max_length=200)


class DrawerMovement(SQLModel, table=True):
    """Cash into (positive) or out of (negative) a drawer; zero for a no-sale opening."""

    __tablename__ = "drawer_movement"
    __table_args__ = (Index("ix_drawer_movement_session", "session_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(
        sa_column=Column(Integer, ForeignKey("drawer_session.id"), nullable=False)
    )
    kind: str = Field(max_length=12)  # float, sale, refund, cash_in, cash_out, expense, no_sale
    amount_cents: int
    category: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=200)
    sale_id: int | None = Field(default=None)
    refund_id: int | None = Field(default=None)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
