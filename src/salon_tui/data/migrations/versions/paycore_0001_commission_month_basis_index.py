"""a person's commission basis this month read from the index alone

Paying a sale with a tiered commission rule sums the person's commission basis so far
this month. With the index on (staff_id, business_day) only, each of the month's entries
was a row lookup for its kind and basis: on a busy stylist's month (800 entries) that
was the slowest statement of the payment. The index now also holds kind and
basis_cents, so the sum reads the index alone; it serves every look-up the old one did.

Revision ID: paycore_0001
Revises: daymoney_0001
Create Date: 2026-11-30 11:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "paycore_0001"
down_revision: str | Sequence[str] | None = "daymoney_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_commission_entry_staff_day", table_name="commission_entry")
    op.create_index(
        "ix_commission_entry_staff_month",
        "commission_entry",
        ["staff_id", "business_day", "kind", "basis_cents"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_commission_entry_staff_month", table_name="commission_entry")
    op.create_index(
        "ix_commission_entry_staff_day",
        "commission_entry",
        ["staff_id", "business_day"],
        unique=False,
    )
