"""Stores (门店) of a chain: where a sale, a refund, a drawer, an expense or a booking happens.

Members, levels, the catalogue and stock are shared by every store of the chain; what
happens at a desk carries the store it happened in (``store_id``). A shop with one store
has exactly one row here, made by the migration that brought stores in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Store(SQLModel, table=True):
    __tablename__ = "store"
    __table_args__ = (Index("ux_store_code", "code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    # Short and upper case (JA, XH2): part of the sale numbers once there are several stores.
    code: str = Field(max_length=5)
    name: str = Field(max_length=80)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
