"""Alert flags: unusual activity a rule noticed, waiting for a manager's review.

A flag is written in the same transaction as the action that raised it. Review only
adds who dismissed it, when and why; a flag is never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class AlertFlag(SQLModel, table=True):
    __tablename__ = "alert_flag"
    __table_args__ = (
        Index("ix_alert_flag_status", "status", "raised_at"),
        Index("ix_alert_flag_kind", "kind", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    raised_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Who did the action that raised it (kept by name too: staff can be renamed).
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    staff_name: str = Field(default="", max_length=80)
    action: str = Field(max_length=60)  # the audited action, e.g. "sales.pay"
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=60)
    audit_seq: int  # the action's audit entry
    # What the rule saw (amounts, limits, times), turned into a sentence when shown,
    # in the reader's language.
    facts_json: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=12)  # open | dismissed
    reviewed_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    reviewed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    review_note: str = Field(default="", max_length=200)
