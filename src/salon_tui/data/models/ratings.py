"""Ratings (M10): a client's 1–5 stars and comment for a stylist, per paid sale.

One rating per sale and stylist, written once: a rating is what the client said at
the desk, so it is never edited (a mistaken one is withdrawn, which keeps the row and
who withdrew it, and the client may then rate again).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class SaleRating(SQLModel, table=True):
    __tablename__ = "sale_rating"
    __table_args__ = (
        # One standing rating per sale and stylist (a withdrawn one makes room again).
        Index(
            "ux_sale_rating_standing",
            "sale_id",
            "staff_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_sale_rating_staff", "staff_id", "business_day"),
        Index("ix_sale_rating_member", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sale_id: int = Field(sa_column=Column(Integer, ForeignKey("sale.id"), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    member_id: int | None = Field(default=None)
    business_day: date  # the sale's business day: reports count ratings by visit
    stars: int  # 1–5
    comment: str = Field(default="", max_length=200)
    recorded_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    withdrawn_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    withdraw_reason: str = Field(default="", max_length=200)
