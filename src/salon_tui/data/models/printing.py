"""The print queue: every receipt, test page and drawer opening sent to the printer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class PrintJob(SQLModel, table=True):
    """One job. Written in the same transaction as the sale it prints (commit first),
    sent afterwards by the printer thread. ``status``: queued → sending → printed, or
    failed (broke off part-way: a person decides) or cancelled.
    """

    __tablename__ = "print_job"
    __table_args__ = (Index("ix_print_job_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    title: str = Field(max_length=120)
    document_json: str = Field(sa_column=Column(Text, nullable=False))
    open_drawer: bool = Field(default=False)
    reprint_of: int | None = Field(default=None, foreign_key="print_job.id")
    status: str = Field(max_length=12)
    attempts: int = Field(default=0)
    last_error: str = Field(default="", max_length=400)
    printed_to: str = Field(default="", max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_by_name: str = Field(default="", max_length=60)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    printed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
