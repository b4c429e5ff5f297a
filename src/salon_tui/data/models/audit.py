"""The append-only, hash-chained audit log and its anchor."""

from __future__ import annotations

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to which thing, with the state before and after.

    ``at`` is ISO-8601 UTC text exactly as hashed; ``before``/``after`` are canonical
    JSON texts. Rows are never updated or deleted.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_staff", "staff_id", "seq"),
        Index("ix_audit_entry_entity", "entity", "entity_id"),
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str = Field(max_length=32)
    staff_id: int | None = Field(default=None)
    staff_name: str = Field(max_length=60)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=60)
    before: str = Field(sa_column=Column(Text, nullable=False))
    after: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last sequence number and hash, updated with every append (one row, id 1).

    Appenders lock this row, which serialises the chain on PostgreSQL too; verify
    compares it with the log so that a cut-off tail is detected.
    """

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)
    hash: str = Field(max_length=64)
