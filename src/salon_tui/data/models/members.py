"""Members, their levels and cards, their safety records, and the search grams.

A card is an identity only here; prepaid value, packages and points attach to a card
(or a member) through their own tables, keyed by ``card.id`` / ``member.id``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class MemberLevel(SQLModel, table=True):
    """A membership level: its discounts, points multiplier and upgrade rules."""

    __tablename__ = "member_level"
    __table_args__ = (Index("ux_member_level_name", "name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    # Order from the lowest level (0) upwards; upgrades move to a higher rank.
    rank: int = Field(default=0)
    # Discounts in basis points (500 = 5 % off), for services and products apart.
    service_discount_bp: int = Field(default=0)
    product_discount_bp: int = Field(default=0)
    # Points earned per yuan, in percent of the base rate (150 = 1.5×).
    points_multiplier_pct: int = Field(default=100)
    # Automatic upgrade thresholds; None = that rule is not used.
    upgrade_spend_cents: int | None = Field(default=None)
    upgrade_top_up_cents: int | None = Field(default=None)
    upgrade_points: int | None = Field(default=None)
    # Whether a member can fall back below this level when they stop qualifying.
    can_drop: bool = Field(default=False)
    active: bool = Field(default=True)


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_phone", "phone"),
        # One phone per active member (the service says who holds it first).
        Index(
            "ux_member_active_phone",
            "phone",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_member_phone_tail", "phone_tail", "status"),
        Index("ix_member_birthday", "birth_month", "birth_day"),
        Index("ix_member_created", "created_at"),
        Index("ix_member_last_seen", "last_seen_at"),
        Index("ix_member_level", "level_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # NFKC-folded, case-folded name: sorting and fragment matching.
    name_key: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=20)  # E.164
    phone_tail: str | None = Field(default=None, max_length=4)
    gender: str = Field(default="", max_length=10)  # female, male, other, ""
    birth_year: int | None = Field(default=None)
    birth_month: int | None = Field(default=None)
    birth_day: int | None = Field(default=None)
    level_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member_level.id"), nullable=True)
    )
    # Manual tags, joined by commas (",vip,student," style matching in segments).
    tags: str = Field(default="", max_length=400)
    source: str = Field(default="", max_length=60)
    referrer_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member.id"), nullable=True)
    )
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    preferences: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    preferred_stylist_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    consent_sms: bool = Field(default=False)
    consent_email: bool = Field(default=False)
    email: str = Field(default="", max_length=120)
    status: str = Field(default="active", max_length=10)  # active, archived
    # Set when the member is merged into another: the one that holds everything now.
    merged_into_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member.id"), nullable=True)
    )
    erased: bool = Field(default=False)
    last_seen_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The import that added this member (None for members added in the shop).
    import_batch_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("import_batch.id"), nullable=True)
    )


class MemberLevelChange(SQLModel, table=True):
    """The history of a member's level, with the reason for each change."""

    __tablename__ = "member_level_change"
    __table_args__ = (Index("ix_member_level_change_member", "member_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    from_level_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member_level.id"), nullable=True)
    )
    to_level_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member_level.id"), nullable=True)
    )
    reason: str = Field(max_length=200)
    staff_id: int | None = Field(default=None)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Card(SQLModel, table=True):
    """A member card: a number that identifies a member at the desk.

    status: active, lost, replaced, merged, closed. Only one active card per member.
    """

    __tablename__ = "card"
    __table_args__ = (
        Index("ux_card_number", "number", unique=True),
        Index("ix_card_member", "member_id", "status"),
        Index(
            "ux_card_active_member",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=24)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    status: str = Field(default="active", max_length=10)
    replaced_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("card.id"), nullable=True)
    )
    issued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    note: str = Field(default="", max_length=200)
    # The import that issued this card (None for cards issued in the shop).
    import_batch_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("import_batch.id"), nullable=True)
    )


class Allergy(SQLModel, table=True):
    """An allergy or sensitivity: shown as a warning wherever the member appears."""

    __tablename__ = "member_allergy"
    __table_args__ = (Index("ix_member_allergy_member", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    substance: str = Field(max_length=100)
    reaction: str = Field(default="", max_length=200)
    severity: str = Field(default="moderate", max_length=10)  # mild, moderate, severe
    recorded_by: int | None = Field(default=None)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    removed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class PatchTest(SQLModel, table=True):
    """A skin test before colour or lash work: when, which product, and the result."""

    __tablename__ = "member_patch_test"
    __table_args__ = (Index("ix_member_patch_test_member", "member_id", "tested_on"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    tested_on: date
    product: str = Field(max_length=100)
    category: str = Field(default="colour", max_length=40)
    result: str = Field(max_length=10)  # pass, fail
    note: str = Field(default="", max_length=200)
    staff_id: int | None = Field(default=None)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Formula(SQLModel, table=True):
    """A colour or perm formula used at a visit."""

    __tablename__ = "member_formula"
    __table_args__ = (Index("ix_member_formula_member", "member_id", "visit_on"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(sa_column=Column(Integer, ForeignKey("member.id"), nullable=False))
    visit_on: date
    kind: str = Field(default="colour", max_length=10)  # colour, perm, other
    products: str = Field(max_length=300)  # products and amounts, as the stylist writes them
    developer: str = Field(default="", max_length=60)
    processing_minutes: int | None = Field(default=None)
    stylist_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    note: str = Field(default="", max_length=300)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MemberGram(SQLModel, table=True):
    """Search keys of a member: name fragments and pinyin, tagged by kind.

    ``gram`` starts with a digit naming its kind (1 name start, 2 name inside, 3 pinyin
    from the start, 4 pinyin inside) so one B-tree answers equality and prefix queries
    ranked by kind, without full-text search.

    On SQLite the table is that B-tree (WITHOUT ROWID): a gram is stored once, not in a
    table and again in its key's index. ``member_id`` has no foreign key: the grams are
    derived from the member row and written only by services/member_search (which takes
    the ids from the member table) and deleted by erasure; members are never deleted.
    Checking the key cost an import of 100,000 members a look-up per gram (1.2 million).
    """

    __tablename__ = "member_gram"
    __table_args__ = (Index("ix_member_gram_member", "member_id"), {"sqlite_with_rowid": False})

    archived: bool = Field(default=False, primary_key=True)
    gram: str = Field(primary_key=True, max_length=64)
    member_id: int = Field(primary_key=True)
