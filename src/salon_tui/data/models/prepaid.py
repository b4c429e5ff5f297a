"""Prepaid money a member holds: stored value (principal and bonus apart), top-up
promotions, and packages of services (次卡 · 疗程卡).

Every balance is the sum of an append-only ledger (``stored_value_entry``,
``package_use``); the account and the package item keep a cached balance updated in
the same transaction with a conditional UPDATE, and ``salon db check`` proves cache =
ledger. A mistake is put right by a reversing entry, never an edit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class StoredValueAccount(SQLModel, table=True):
    """One per member: the cached balances of the member's stored value ledger.

    The physical card is identity only; the money belongs to the member, so a replaced
    card carries nothing and a merge moves the balances between accounts.
    """

    __tablename__ = "stored_value_account"
    __table_args__ = (Index("ux_stored_value_account_member", "member_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    principal_cents: int = Field(default=0)  # what the member paid in
    bonus_cents: int = Field(default=0)  # what promotions gave; forfeited on closing
    status: str = Field(default="open", max_length=10)  # open, closed
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class StoredValueEntry(SQLModel, table=True):
    """One movement of stored value; signed amounts (money in is positive).

    kind: top_up, reversal (undo of a top-up), spend, give_back (a refunded sale),
    close, opening (an imported balance), merge.
    """

    __tablename__ = "stored_value_entry"
    __table_args__ = (
        Index("ix_stored_value_entry_account", "account_id", "id"),
        Index("ix_stored_value_entry_member", "member_id", "created_at"),
        Index("ix_stored_value_entry_day", "business_day", "kind"),
        Index("ix_stored_value_entry_sale", "sale_id"),
        Index("ux_stored_value_entry_reverses", "reverses_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stored_value_account.id"), nullable=False)
    )
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    kind: str = Field(max_length=16)
    principal_cents: int
    bonus_cents: int
    # How money came in or went out (top-up, undo, closing refund): cash, bank_card …
    method: str = Field(default="", max_length=20)
    reference: str = Field(default="", max_length=80)
    note: str = Field(default="", max_length=200)
    promotion_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("top_up_promotion.id"), nullable=True)
    )
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    refund_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("refund.id"), nullable=True)
    )
    reverses_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("stored_value_entry.id"), nullable=True),
    )
    # The level change this top-up made (its undo puts the level back).
    level_change_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("member_level_change.id"), nullable=True),
    )
    business_day: date
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    # The store of a top-up or its undo (null for other kinds: a spend has its sale's).
    store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TopUpPromotion(SQLModel, table=True):
    """A tier: top up at least ``min_amount_cents`` and receive what the row says.

    The biggest tier a top-up reaches applies (one tier per top-up). Points and the
    coupon are handed to the loyalty area's reward hooks; bonus and level are applied here.
    """

    __tablename__ = "top_up_promotion"
    __table_args__ = (Index("ix_top_up_promotion_min", "active", "min_amount_cents"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    min_amount_cents: int
    bonus_cents: int = Field(default=0)
    points: int = Field(default=0)
    coupon_template: str = Field(default="", max_length=40)
    upgrade_level_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member_level.id"), nullable=True)
    )
    active: bool = Field(default=True)
    starts_on: date | None = Field(default=None)
    ends_on: date | None = Field(default=None)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PackageTemplate(SQLModel, table=True):
    """What the shop sells as a package: services with counts, a price, a validity."""

    __tablename__ = "package_template"
    __table_args__ = (Index("ux_package_template_name", "name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    price_cents: int
    validity_days: int
    # Whether unused uses may be refunded, at the package's price pro rata.
    refundable: bool = Field(default=True)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PackageTemplateItem(SQLModel, table=True):
    __tablename__ = "package_template_item"
    __table_args__ = (Index("ix_package_template_item_template", "template_id"),)

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(
        sa_column=Column(Integer, ForeignKey("package_template.id"), nullable=False)
    )
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    uses: int


class MemberPackage(SQLModel, table=True):
    """A package sold to a member: copied from its template when sold.

    status: active, refunded (unused uses paid back), closed. Expiry is a date, not a
    status: after ``expires_on`` the uses left can no longer be used.
    """

    __tablename__ = "member_package"
    __table_args__ = (
        Index("ix_member_package_member", "member_id", "status"),
        Index("ix_member_package_sold", "sold_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    template_id: int = Field(
        sa_column=Column(Integer, ForeignKey("package_template.id"), nullable=False)
    )
    name: str = Field(max_length=60)
    price_cents: int
    total_uses: int
    refundable: bool = Field(default=True)
    method: str = Field(default="", max_length=20)
    reference: str = Field(default="", max_length=80)
    sold_on: date
    expires_on: date
    status: str = Field(default="active", max_length=10)
    refunded_cents: int = Field(default=0)
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    # The store that sold it (null: imported, or from before stores).
    store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )
    sold_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # How its unused uses were paid back (a method, or "sale" for a refund of the sale
    # that sold it), on which shop day, in which store: the day close counts the money.
    refund_method: str = Field(default="", max_length=20)
    refunded_on: date | None = Field(default=None)
    refund_store_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("store.id"), nullable=True)
    )


class MemberPackageItem(SQLModel, table=True):
    """One service of a sold package and the uses left of it (cached: sum of its uses)."""

    __tablename__ = "member_package_item"
    __table_args__ = (
        Index("ix_member_package_item_package", "package_id"),
        Index("ix_member_package_item_service", "service_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(
        sa_column=Column(Integer, ForeignKey("member_package.id"), nullable=False)
    )
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    service_name: str = Field(max_length=60)
    total_uses: int
    uses_left: int


class PackageUse(SQLModel, table=True):
    """The ledger of a package item: signed counts (the sale adds, a use takes one).

    kind: sold, use, reversal, refund, transfer (count 0: the package changed hands).
    """

    __tablename__ = "package_use"
    __table_args__ = (
        Index("ix_package_use_item", "item_id", "id"),
        Index("ix_package_use_package", "package_id", "created_at"),
        Index("ix_package_use_sale", "sale_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(
        sa_column=Column(Integer, ForeignKey("member_package.id"), nullable=False)
    )
    item_id: int = Field(
        sa_column=Column(Integer, ForeignKey("member_package_item.id"), nullable=False)
    )
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    kind: str = Field(max_length=12)
    uses: int
    reason: str = Field(default="", max_length=200)
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    # The sale line a checkout use covered (and a refund of that line gave back).
    sale_line_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale_line.id"), nullable=True)
    )
    business_day: date
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SalePackageChoice(SQLModel, table=True):
    """What the desk decided about a package on an unpaid sale's line.

    ``declined``: the cashier charges the line in full although a package covers it.
    Otherwise ``item_id`` pins the package item the line was priced with when the sale
    was parked, so a package that expires or runs out meanwhile is refused at pay
    instead of the price quietly changing. Deleted with its line.
    """

    __tablename__ = "sale_package_choice"
    __table_args__ = (UniqueConstraint("line_id", name="ux_sale_package_choice_line"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sale_line.id", ondelete="CASCADE"), nullable=False)
    )
    item_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("member_package_item.id"), nullable=True),
    )
    declined: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
