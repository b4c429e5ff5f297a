"""Staff accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (Index("ux_staff_name_key", "name_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60)
    # NFKC-folded, case-folded name: two accounts cannot differ only by case or width.
    name_key: str = Field(max_length=60)
    role: str = Field(max_length=20)
    pin_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    wait_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    hard_locked: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
