"""Loyalty: points, coupons and gift cards, each on an append-only ledger.

Points: ``points_entry`` is the ledger (signed points); ``points_account`` caches the
balance. Coupons: ``coupon_event`` is the ledger of a coupon's life (issued, used,
restored, cancelled); ``coupon.state`` caches where it stands. Gift cards:
``gift_card_entry`` is the ledger (signed minor units); ``gift_card.balance_cents``
caches it. Cached values are changed only with a conditional UPDATE in the same
transaction as the entry, and ``salon db check`` proves cache = ledger.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class PointsAccount(SQLModel, table=True):
    """A member's points balance (the sum of their ``points_entry`` rows)."""

    __tablename__ = "points_account"

    member_id: int = Field(
        sa_column=Column(Integer, ForeignKey("member.id"), primary_key=True, nullable=False)
    )
    balance: int = Field(default=0)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PointsEntry(SQLModel, table=True):
    """Points in (earned, given back, added by hand) or out (redeemed, reversed, expired)."""

    __tablename__ = "points_entry"
    __table_args__ = (
        Index("ix_points_entry_member", "member_id", "id"),
        Index("ix_points_entry_sale", "sale_id"),
        Index("ix_points_entry_expires", "expires_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    kind: str = Field(max_length=16)
    points: int
    # For points added: the last day they can be used (None = never).
    expires_on: date | None = Field(default=None)
    # For a redemption as payment: the minor units it paid.
    amount_cents: int = Field(default=0)
    sale_id: int | None = Field(default=None)
    refund_id: int | None = Field(default=None)
    reason: str = Field(default="", max_length=200)
    staff_id: int | None = Field(default=None)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CouponTemplate(SQLModel, table=True):
    """What a kind of coupon gives, where it applies and how long issued ones last."""

    __tablename__ = "coupon_template"
    __table_args__ = (Index("ux_coupon_template_name", "name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=12)
    percent_bp: int = Field(default=0)
    amount_cents: int = Field(default=0)
    min_spend_cents: int = Field(default=0)
    scope: str = Field(default="all", max_length=12)
    # Item codes or category names, one per line.
    scope_items: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    valid_days: int | None = Field(default=None)
    stackable: bool = Field(default=False)
    usage_limit: int | None = Field(default=None)
    # How many coupons of this template were used (cached; checked against usage_limit).
    used_count: int = Field(default=0)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Coupon(SQLModel, table=True):
    """One coupon issued to one member; ``state`` is the cache of its events."""

    __tablename__ = "coupon"
    __table_args__ = (
        Index("ux_coupon_code", "code", unique=True),
        # birthday:<member>:<year>, referral:<member>, top-up keys …: issue once.
        Index("ux_coupon_issue_key", "issue_key", unique=True),
        Index("ix_coupon_member", "member_id", "state"),
        Index("ix_coupon_template", "template_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20)
    template_id: int = Field(
        sa_column=Column(Integer, ForeignKey("coupon_template.id"), nullable=False)
    )
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    state: str = Field(default="available", max_length=10)
    valid_from: date
    valid_to: date | None = Field(default=None)
    origin: str = Field(max_length=12)  # manual, segment, birthday, referral, top_up
    issue_key: str | None = Field(default=None, max_length=80)
    used_sale_id: int | None = Field(default=None)
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CouponEvent(SQLModel, table=True):
    """The ledger of a coupon's life: issued, used, restored (by a refund), void."""

    __tablename__ = "coupon_event"
    __table_args__ = (Index("ix_coupon_event_coupon", "coupon_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    coupon_id: int = Field(sa_column=Column(Integer, ForeignKey("coupon.id"), nullable=False))
    kind: str = Field(max_length=10)
    sale_id: int | None = Field(default=None)
    refund_id: int | None = Field(default=None)
    # What a use took off the sale (minor units); 0 for other events.
    amount_cents: int = Field(default=0)
    reason: str = Field(default="", max_length=200)
    staff_id: int | None = Field(default=None)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SaleCoupon(SQLModel, table=True):
    """A coupon put on an open sale; it is used when the sale is paid."""

    __tablename__ = "sale_coupon"
    __table_args__ = (UniqueConstraint("sale_id", "coupon_id", name="ux_sale_coupon"),)

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    coupon_id: int = Field(sa_column=Column(Integer, ForeignKey("coupon.id"), nullable=False))


class GiftCard(SQLModel, table=True):
    """A gift card sold with a code; ``balance_cents`` caches its ledger."""

    __tablename__ = "gift_card"
    __table_args__ = (
        Index("ux_gift_card_code", "code", unique=True),
        Index("ux_gift_card_sale_key", "idempotency_key", unique=True),
        Index("ix_gift_card_sold", "sold_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20)
    idempotency_key: str = Field(max_length=64)
    value_cents: int
    balance_cents: int
    expires_on: date | None = Field(default=None)
    tender: str = Field(max_length=20)
    reference: str = Field(default="", max_length=80)
    note: str = Field(default="", max_length=200)
    sold_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    sold_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    business_day: date
    # The store that sold it (null: from before stores).
    store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )
    # A card sold outside a sale whose unspent balance was paid back at the desk: how
    # much, by which method, on which shop day and in which store (the day close counts
    # it). Empty method: never paid back; the card is closed once it is.
    refunded_cents: int = Field(default=0)
    refund_method: str = Field(default="", max_length=20)
    refunded_on: date | None = Field(default=None)
    refund_store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )


class GiftCardEntry(SQLModel, table=True):
    """Value onto a card (sold, given back by a refund) or off it (spent, expired)."""

    __tablename__ = "gift_card_entry"
    __table_args__ = (
        Index("ix_gift_card_entry_card", "gift_card_id", "id"),
        Index("ix_gift_card_entry_sale", "sale_id"),
        Index("ix_gift_card_entry_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    gift_card_id: int = Field(sa_column=Column(Integer, ForeignKey("gift_card.id"), nullable=False))
    # sold, spent, returned, expired, refunded (with its sale), paid_back (at the desk)
    kind: str = Field(max_length=10)
    amount_cents: int
    sale_id: int | None = Field(default=None)
    refund_id: int | None = Field(default=None)
    staff_id: int | None = Field(default=None)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
