"""Shop settings and idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Setting(SQLModel, table=True):
    """One shop setting: a key and its JSON value. Settings travel with backups."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=100)
    value_json: str = Field(sa_column=Column(Text, nullable=False))


class IdempotencyRecord(SQLModel, table=True):
    """The result of an action, kept under the key made when its dialog opened.

    A second request with the same key gets this result back instead of acting twice.
    """

    __tablename__ = "idempotency_record"

    key: str = Field(primary_key=True, max_length=64)
    action: str = Field(max_length=60)
    result_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
