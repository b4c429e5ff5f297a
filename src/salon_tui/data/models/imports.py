"""Imports from a previous system: one row per file imported, which rows link back to.

An import is audited once (``import.run``: the file, its SHA-256, the row counts and
this batch's id); each member and card it added points here, so a member's timeline
still says when they became a member and who imported them without an audit entry
per member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # members, services, products, packages, staff
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    rows: int = Field(default=0)  # data rows in the file
    skipped: int = Field(default=0)  # rows left out for their problems (--skip-invalid)
    staff_id: int | None = Field(default=None)
    staff_name: str = Field(max_length=60)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
